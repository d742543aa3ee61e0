//! Windowed streams. `WindowedDStream` unions the parent's RDDs in (t - window, t];
//! `ReducedWindowedDStream` is PySpark's `PythonReducedWindowedDStream`, which always asks
//! for the previous window first, but uses the inverse function only when window >= 5 * slide
//! ("for small window, reduce once will be better than twice") and otherwise reduces the
//! whole window again.

use super::{DStreamGraph, DStreamOp, StreamId};
use crate::cogroup::{self, JoinKind};
use crate::error::ComputeError;
use crate::func::{FnError, Record, RecordFn};
use crate::pair;
use crate::rdd::{Rdd, pair_of, truthy};
use crate::time::{Duration, Time};
use std::sync::Arc;

pub struct WindowedDStream {
    pub parent: StreamId,
    pub window: Duration,
}

impl DStreamOp for WindowedDStream {
    fn parents(&self) -> Vec<StreamId> {
        vec![self.parent]
    }

    fn parent_remember_extra(&self) -> Duration {
        self.window
    }

    /// Spark's WindowedDStream persists its parent: each batch is in several windows.
    fn persists_parent(&self) -> bool {
        true
    }

    fn compute(
        &self,
        g: &mut DStreamGraph,
        _me: StreamId,
        t: Time,
    ) -> Result<Option<Rdd>, ComputeError> {
        let from = t - self.window + g.slide(self.parent);
        let rdds = g.slice(self.parent, from, t)?;
        Ok(Some(g.sc.union(&rdds)))
    }
}

pub struct ReducedWindowedDStream {
    /// The parent, already reduced by key per batch.
    pub parent: StreamId,
    pub func: Arc<dyn RecordFn>,
    pub inv: Option<Arc<dyn RecordFn>>,
    pub filter: Option<Arc<dyn RecordFn>>,
    pub window: Duration,
    pub partitions: usize,
}

impl ReducedWindowedDStream {
    /// PySpark's `reduceFunc(t, a, b)`: reduce b, merge into a if any, then filter.
    fn reduce(&self, a: Option<&Rdd>, b: &Rdd) -> Rdd {
        let b = pair::reduce_by_key(b, self.func.clone(), self.partitions);
        let r = match a {
            Some(a) => pair::reduce_by_key(&a.union(&b), self.func.clone(), self.partitions),
            None => b,
        };
        match &self.filter {
            Some(f) => r.filter(f.clone()),
            None => r,
        }
    }

    /// PySpark's `invReduceFunc(t, a, b)`: subtract b's reduced values from a's.
    fn inv_reduce(&self, inv: &Arc<dyn RecordFn>, a: &Rdd, b: &Rdd) -> Rdd {
        let b = pair::reduce_by_key(b, self.func.clone(), self.partitions);
        let joined = cogroup::join(a, &b, self.partitions, JoinKind::LeftOuter);
        joined.map_partitions_with_fn(inv.clone(), |c, p| {
            p.iter()
                .map(|r| {
                    let (k, vw) = pair::split_pair(r, "reduceByKeyAndWindow")?;
                    let (v, w) = pair::split_pair(&vw, "reduceByKeyAndWindow")?;
                    let value = if w.is_unit() { v } else { c.call2(v, w)? };
                    Ok(pair_of(k, value))
                })
                .collect()
        })
    }
}

impl DStreamOp for ReducedWindowedDStream {
    fn parents(&self) -> Vec<StreamId> {
        vec![self.parent]
    }

    fn parent_remember_extra(&self) -> Duration {
        self.window
    }

    fn must_checkpoint(&self) -> bool {
        self.inv.is_some()
    }

    /// Spark persists the reduced stream under a window and the windowed result itself.
    fn persists_parent(&self) -> bool {
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
        let slide = g.slide(me);
        let parent_slide = g.slide(self.parent);
        let (cur_begin, cur_end) = (t - self.window, t);
        let (prev_begin, prev_end) = (cur_begin - slide, cur_end - slide);
        // PySpark computes the previous window first whatever the window size. Its recursion
        // reaches every earlier window, so the sources below are read at every slide even when
        // a downstream stream asks only every k batches (a queue dequeues on time).
        let previous = g.compute_previous(me, t)?;
        // PySpark: "for small window, reduce once will be better than twice".
        let use_inverse = self.window.0 >= slide.0 * 5;
        match (&self.inv, previous) {
            (Some(inv), Some(previous)) if use_inverse => {
                let old = g.slice(self.parent, prev_begin + parent_slide, cur_begin)?;
                let subtracted = if old.is_empty() {
                    previous
                } else {
                    self.inv_reduce(inv, &previous, &g.sc.union(&old))
                };
                let new = g.slice(self.parent, prev_end + parent_slide, cur_end)?;
                if new.is_empty() {
                    Ok(Some(subtracted))
                } else {
                    Ok(Some(self.reduce(Some(&subtracted), &g.sc.union(&new))))
                }
            }
            _ => {
                let current = g.slice(self.parent, cur_begin + parent_slide, cur_end)?;
                if current.is_empty() {
                    Ok(None)
                } else {
                    Ok(Some(self.reduce(None, &g.sc.union(&current))))
                }
            }
        }
    }
}

/// `filterFunc` helper for tests and `countByValueAndWindow`: keep pairs whose value > 0.
pub fn positive_value(args: &mut [Record]) -> Result<Record, FnError> {
    let (_, v) = pair::split_pair(&args[0], "filter")?;
    let positive = match (v.as_int(), v.as_float()) {
        (Ok(i), _) => i > 0,
        (_, Ok(f)) => f > 0.0,
        _ => truthy(&v),
    };
    Ok(Record::from(positive))
}
