//! A stream computed from its parents' RDDs of the same batch by a function: map, filter,
//! reduceByKey, transform, join, union... (PySpark builds all of these on `transform`).

use super::{DStreamGraph, DStreamOp, StreamId};
use crate::engine::error::StreamError;
use crate::engine::func::FnError;
use crate::engine::rdd::Rdd;
use crate::engine::time::Time;
use std::sync::Arc;

pub type BatchFn = Arc<dyn Fn(Time, &[Rdd]) -> Result<Rdd, FnError> + Send + Sync>;

pub struct TransformedDStream {
    parents: Vec<StreamId>,
    func: BatchFn,
}

impl TransformedDStream {
    pub fn new(parents: Vec<StreamId>, func: BatchFn) -> TransformedDStream {
        TransformedDStream { parents, func }
    }
}

impl DStreamOp for TransformedDStream {
    fn parents(&self) -> Vec<StreamId> {
        self.parents.clone()
    }

    fn compute(
        &self,
        g: &mut DStreamGraph,
        me: StreamId,
        t: Time,
    ) -> Result<Option<Rdd>, StreamError> {
        let mut rdds = Vec::with_capacity(self.parents.len());
        for &p in &self.parents {
            match g.get_or_compute(p, t)? {
                Some(r) => rdds.push(r),
                None => return Ok(None),
            }
        }
        (self.func)(t, &rdds)
            .map(Some)
            .map_err(|e| StreamError::at(g.site(me), e))
    }
}
