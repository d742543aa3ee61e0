//! Spark's `BatchInfo`: what each batch took, kept for the last `retainedBatches` batches.

use super::time::Time;
use std::collections::VecDeque;

/// `spark.streaming.ui.retainedBatches`.
pub const RETAINED_BATCHES: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
pub struct BatchInfo {
    pub batch_time: Time,
    /// Records the input streams produced for this batch.
    pub num_records: u64,
    /// Wall-clock milliseconds since the epoch.
    pub submission_time: i64,
    pub processing_start: i64,
    pub processing_end: i64,
    /// Output operations that failed, with their errors.
    pub failures: Vec<String>,
}

impl BatchInfo {
    pub fn scheduling_delay_ms(&self) -> i64 {
        self.processing_start - self.submission_time
    }
    pub fn processing_delay_ms(&self) -> i64 {
        self.processing_end - self.processing_start
    }
    pub fn total_delay_ms(&self) -> i64 {
        self.processing_end - self.submission_time
    }
}

/// A bounded history of completed batches.
#[derive(Debug, Default)]
pub struct BatchHistory {
    batches: VecDeque<BatchInfo>,
}

impl BatchHistory {
    pub fn push(&mut self, info: BatchInfo) {
        if self.batches.len() == RETAINED_BATCHES {
            self.batches.pop_front();
        }
        self.batches.push_back(info);
    }

    pub fn recent(&self, n: usize) -> Vec<BatchInfo> {
        let skip = self.batches.len().saturating_sub(n);
        self.batches.iter().skip(skip).cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.batches.len()
    }

    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_bounded_and_delays_add_up() {
        let mut h = BatchHistory::default();
        for i in 0..(RETAINED_BATCHES as i64 + 5) {
            h.push(BatchInfo {
                batch_time: Time(i * 1000),
                num_records: 1,
                submission_time: i * 1000,
                processing_start: i * 1000 + 30,
                processing_end: i * 1000 + 80,
                failures: Vec::new(),
            });
        }
        assert_eq!(h.len(), RETAINED_BATCHES);
        let last = h.recent(1).pop().expect("one");
        assert_eq!(last.batch_time, Time((RETAINED_BATCHES as i64 + 4) * 1000));
        assert_eq!(last.scheduling_delay_ms(), 30);
        assert_eq!(last.processing_delay_ms(), 50);
        assert_eq!(last.total_delay_ms(), 80);
    }
}
