//! `QueueInputDStream`: one queued RDD per batch (or all at once), dequeued lazily when a
//! batch's input is first computed, then the default RDD or an empty one.

use super::{DStreamGraph, DStreamOp, StreamId};
use crate::checkpoint::SourceState;
use crate::error::ComputeError;
use crate::lock;
use crate::rdd::Rdd;
use crate::time::Time;
use std::collections::VecDeque;
use std::sync::Mutex;

pub struct QueueInputDStream {
    queue: Mutex<VecDeque<Rdd>>,
    /// Items handed out so far: the queue's position in a checkpoint.
    taken: std::sync::atomic::AtomicU64,
    one_at_a_time: bool,
    default: Option<Rdd>,
}

impl QueueInputDStream {
    pub fn new(items: Vec<Rdd>, one_at_a_time: bool, default: Option<Rdd>) -> QueueInputDStream {
        QueueInputDStream {
            queue: Mutex::new(items.into()),
            taken: std::sync::atomic::AtomicU64::new(0),
            one_at_a_time,
            default,
        }
    }

    /// Whether every queued RDD has been handed out and no default replaces them.
    pub fn is_drained(&self) -> bool {
        self.default.is_none() && lock(&self.queue).is_empty()
    }
}

impl DStreamOp for QueueInputDStream {
    fn parents(&self) -> Vec<StreamId> {
        Vec::new()
    }

    fn is_input(&self) -> bool {
        true
    }

    fn input_drained(&self) -> bool {
        self.is_drained()
    }

    fn save_source(&self) -> Option<SourceState> {
        Some(SourceState::Queue {
            taken: self.taken.load(std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// Spark cannot recover a queueStream; we can, because the script defines the queue.
    fn restore_source(&self, state: &SourceState) -> Result<(), String> {
        let SourceState::Queue { taken } = state else {
            return Err("the checkpoint has another kind of source here".into());
        };
        let mut queue = lock(&self.queue);
        let already = self.taken.load(std::sync::atomic::Ordering::Relaxed);
        // Bounded by the queue: a corrupt `taken` cannot loop for ever.
        let skip = taken.saturating_sub(already).min(queue.len() as u64);
        for _ in 0..skip {
            queue.pop_front();
        }
        self.taken
            .store(*taken, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    fn compute(
        &self,
        g: &mut DStreamGraph,
        _me: StreamId,
        _t: Time,
    ) -> Result<Option<Rdd>, ComputeError> {
        let mut queue = lock(&self.queue);
        let taken: Vec<Rdd> = if self.one_at_a_time {
            queue.pop_front().into_iter().collect()
        } else {
            queue.drain(..).collect()
        };
        self.taken
            .fetch_add(taken.len() as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(Some(match (taken.is_empty(), &self.default) {
            (false, _) if self.one_at_a_time => {
                taken.into_iter().next().unwrap_or_else(|| g.sc.empty_rdd())
            }
            (false, _) => g.sc.union(&taken),
            (true, Some(d)) => d.clone(),
            // Scala's queueStream default: `sc.makeRDD(Seq.empty, 1)`, one empty partition.
            (true, None) => g.sc.parallelize(Vec::new(), Some(1)),
        }))
    }
}
