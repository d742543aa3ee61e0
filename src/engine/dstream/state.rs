//! `StateDStream` as PySpark's `PythonStateDStream` + `updateStateByKey`'s reduceFunc: the
//! update function runs for every key with state or new values, every batch; new keys get
//! `()`; returning `()` removes the key.

use super::{DStreamGraph, DStreamOp, StreamId};
use crate::cogroup;
use crate::error::ComputeError;
use crate::func::{FnError, Record, RecordFn};
use crate::pair;
use crate::rdd::{Rdd, pair_of};
use crate::record::list;
use crate::time::Time;
use std::sync::Arc;

pub struct StateDStream {
    pub parent: StreamId,
    pub update: Arc<dyn RecordFn>,
    pub partitions: usize,
    pub initial: Option<Rdd>,
}

impl StateDStream {
    fn update_state(&self, last: Option<&Rdd>, batch: &Rdd) -> Result<Rdd, FnError> {
        let n = self.partitions;
        // (key, new values, old state) in PySpark's shuffle order.
        let groups: Vec<Vec<(Record, Vec<Record>, Record)>> = match last {
            None => pair::group_by_key(batch, n)?
                .partitions()
                .iter()
                .map(|p| {
                    p.iter()
                        .filter_map(|r| pair::split_pair(r, "updateStateByKey").ok())
                        .map(|(k, vs)| (k, vs.into_array().unwrap_or_default(), Record::UNIT))
                        .collect()
                })
                .collect(),
            Some(last) => {
                let partitioned = pair::partition_by(batch, n)?;
                cogroup::cogroup_lists(&[last, &partitioned], n, "updateStateByKey")?
                    .into_iter()
                    .map(|p| {
                        p.into_iter()
                            .map(|(k, mut bufs)| {
                                let new_values = bufs.pop().unwrap_or_default();
                                let old = bufs.pop().unwrap_or_default().into_iter().next();
                                (k, new_values, old.unwrap_or(Record::UNIT))
                            })
                            .collect()
                    })
                    .collect()
            }
        };
        let sc = batch.context().clone();
        let grouped = Rdd::from_partitions(
            sc,
            groups
                .into_iter()
                .map(|p| {
                    p.into_iter()
                        .map(|(k, vs, s)| pair_of(k, pair_of(list(vs), s)))
                        .collect()
                })
                .collect(),
        );
        grouped.map_partitions_native(|_, p| {
            let mut c = self.update.caller();
            let mut out = Vec::with_capacity(p.len());
            for r in p {
                let (k, vs_s) = pair::split_pair(r, "updateStateByKey")?;
                let (vs, s) = pair::split_pair(&vs_s, "updateStateByKey")?;
                let new_state = c.call2(vs, s)?;
                if !new_state.is_unit() {
                    out.push(pair_of(k, new_state));
                }
            }
            Ok(out)
        })
    }
}

impl DStreamOp for StateDStream {
    fn parents(&self) -> Vec<StreamId> {
        vec![self.parent]
    }

    fn must_checkpoint(&self) -> bool {
        true
    }

    fn compute(
        &self,
        g: &mut DStreamGraph,
        me: StreamId,
        t: Time,
    ) -> Result<Option<Rdd>, ComputeError> {
        let last = g.compute_previous(me, t)?.or_else(|| self.initial.clone());
        match g.get_or_compute(self.parent, t)? {
            Some(batch) => self
                .update_state(last.as_ref(), &batch)
                .map(Some)
                .map_err(|e| ComputeError::at(g.site(me), e)),
            None => Ok(last),
        }
    }
}
