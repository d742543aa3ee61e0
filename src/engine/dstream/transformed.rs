//! A stream computed from its parents' RDDs of the same batch by a function: map, filter,
//! reduceByKey, transform, join, union... (PySpark builds all of these on `transform`).

use super::{DStreamGraph, DStreamOp, StreamId};
use crate::error::ComputeError;
use crate::func::FnError;
use crate::rdd::Rdd;
use crate::time::Time;
use std::sync::Arc;

pub type BatchFn = Arc<dyn Fn(Time, &[Rdd]) -> Result<Rdd, FnError> + Send + Sync>;

/// What the stream does at a time when a parent has no RDD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingParent {
    /// No RDD either: PySpark's one-parent transforms and `ssc.transform`/`ssc.union`.
    NoRdd,
    /// An empty RDD in the parent's place: PySpark's `PythonTransformed2DStream`, which
    /// `join`, `cogroup`, `union` and `transformWith` are built on. With streams of different
    /// slides the second one is then empty at the times it does not produce.
    EmptyRdd,
}

pub struct TransformedDStream {
    parents: Vec<StreamId>,
    func: BatchFn,
    missing: MissingParent,
}

impl TransformedDStream {
    pub fn new(parents: Vec<StreamId>, func: BatchFn) -> TransformedDStream {
        TransformedDStream {
            parents,
            func,
            missing: MissingParent::NoRdd,
        }
    }

    /// PySpark's `PythonTransformed2DStream`: a missing RDD counts as an empty one.
    pub fn of_two(parents: [StreamId; 2], func: BatchFn) -> TransformedDStream {
        TransformedDStream {
            parents: parents.to_vec(),
            func,
            missing: MissingParent::EmptyRdd,
        }
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
    ) -> Result<Option<Rdd>, ComputeError> {
        let mut rdds = Vec::with_capacity(self.parents.len());
        for &p in &self.parents {
            match (g.get_or_compute(p, t)?, self.missing) {
                (Some(r), _) => rdds.push(r),
                (None, MissingParent::EmptyRdd) => rdds.push(g.sc.empty_rdd()),
                (None, MissingParent::NoRdd) => return Ok(None),
            }
        }
        (self.func)(t, &rdds)
            .map(Some)
            .map_err(|e| ComputeError::at(g.site(me), e))
    }
}
