//! `StateDStream` as PySpark's `PythonStateDStream` + `updateStateByKey`'s reduceFunc: the
//! update function runs for every key with state or new values, every batch; new keys get
//! `()`; returning `()` removes the key.

use super::{DStreamGraph, DStreamOp, StreamId};
use crate::cogroup;
use crate::error::ComputeError;
use crate::func::{Record, RecordFn};
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
    /// PySpark's `updateStateByKey`: the batch's values grouped by key (cogrouped with the
    /// last state when there is one), then the update function per key; `None` drops a key.
    fn update_state(&self, last: Option<&Rdd>, batch: &Rdd) -> Rdd {
        let n = self.partitions;
        const OP: &str = "updateStateByKey";
        // Each as (key, (new values, old state)).
        let grouped = match last {
            None => {
                let grouped = pair::group_by_key(batch, n);
                grouped
                    .map_native(|r| {
                        let (k, vs) = pair::split_pair(&r, OP)?;
                        Ok(pair_of(k, pair_of(vs, Record::UNIT)))
                    })
                    .keeping_keys_of(&grouped)
            }
            Some(last) => {
                let partitioned = pair::partition_by(batch, n);
                let cogrouped = cogroup::cogroup_rdd(last, &[&partitioned], n, OP);
                cogrouped
                    .map_native(|r| {
                        let (k, mut bufs) = cogroup::sides(&r, OP)?;
                        let new_values = bufs.pop().unwrap_or_default();
                        let old = bufs.pop().unwrap_or_default().into_iter().next();
                        Ok(pair_of(
                            k,
                            pair_of(list(new_values), old.unwrap_or(Record::UNIT)),
                        ))
                    })
                    .keeping_keys_of(&cogrouped)
            }
        };
        grouped.map_partitions_with_fn(self.update.clone(), |c, p| {
            let mut out = Vec::with_capacity(p.len());
            for r in p {
                let (k, vs_s) = pair::split_pair(&r, OP)?;
                let (vs, s) = pair::split_pair(&vs_s, OP)?;
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

    fn persists_self(&self) -> bool {
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
            Some(batch) => Ok(Some(self.update_state(last.as_ref(), &batch))),
            None => Ok(last),
        }
    }
}
