//! Spark's `BatchInfo`: what each batch took, kept for the last `retainedBatches` batches.

use super::func::OpSite;
use super::scheduler::dag_scheduler::JobInfo;
use super::scheduler::task_info::{FailedTaskInfo, RecomputedTask};
use super::time::Time;
use std::collections::VecDeque;

/// `spark.streaming.ui.retainedBatches`.
pub const RETAINED_BATCHES: usize = 1000;

/// One stream of the DStream graph, for the UI's picture.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeView {
    pub id: usize,
    pub op: String,
    pub location: String,
    pub parents: Vec<usize>,
    pub input: bool,
}

/// One output operation: its name, where it was registered, the stream it outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputView {
    pub op: String,
    pub location: String,
    pub stream: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphView {
    pub nodes: Vec<NodeView>,
    pub outputs: Vec<OutputView>,
}

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
    /// Spark's `streamIdToInputInfo`: records per input stream, in stream order.
    pub input_info: Vec<StreamInputInfo>,
    /// Spark's `outputOperationInfos`: the output operations that ran, in registration order.
    pub output_ops: Vec<OutputOperationInfo>,
    /// The task attempts that failed in any job of the batch (its outputs', and those run
    /// while computing its RDDs or checkpointing its state), job by job, stage by stage.
    pub failed_tasks: Vec<FailedTaskInfo>,
    /// The tasks that recomputed lost partitions from their lineage, in the same order.
    pub recomputed: Vec<RecomputedTask>,
}

/// Spark's `StreamInputInfo`: what one input stream produced for a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamInputInfo {
    pub stream_id: usize,
    /// The source's name, e.g. `queueStream` or `socketTextStream`.
    pub name: String,
    pub num_records: u64,
}

/// Spark's `OutputOperationInfo`: one output operation of one batch.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputOperationInfo {
    /// Its index among the context's output operations.
    pub id: usize,
    /// e.g. `pprint`.
    pub name: String,
    /// Where the script registered it, e.g. `words.rhai:8:8`.
    pub description: String,
    /// Wall-clock milliseconds.
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub failure_reason: Option<String>,
    /// The Spark jobs the operation ran, with their stages.
    pub jobs: Vec<crate::scheduler::dag_scheduler::JobInfo>,
}

impl OutputOperationInfo {
    pub fn new(id: usize, site: &OpSite, start: i64) -> OutputOperationInfo {
        OutputOperationInfo {
            id,
            name: site.op.clone(),
            description: site.location.clone(),
            start_time: Some(start),
            end_time: None,
            failure_reason: None,
            jobs: Vec::new(),
        }
    }

    pub fn duration_ms(&self) -> Option<i64> {
        Some(self.end_time? - self.start_time?)
    }
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

    /// Whether a failed attempt of the batch was its task's last (the job failed).
    pub fn failed_a_job(&self) -> bool {
        self.failed_tasks.iter().any(|f| !f.outcome.retried())
    }
}

/// The failed attempts and the recomputations of a batch's jobs, in job and stage order.
pub fn task_faults(jobs: &[JobInfo]) -> (Vec<FailedTaskInfo>, Vec<RecomputedTask>) {
    let stages = || jobs.iter().flat_map(|j| &j.stages);
    (
        stages()
            .flat_map(|s| s.failed_tasks.iter().cloned())
            .collect(),
        stages()
            .flat_map(|s| s.recomputed.iter().cloned())
            .collect(),
    )
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

    /// An input stream made the batch of `time` later than that batch ran (a window looked
    /// back on it): its records count for that batch.
    pub fn add_late_input(&mut self, time: Time, stream_id: usize, records: u64) {
        let Some(info) = self.batches.iter_mut().rev().find(|b| b.batch_time == time) else {
            return;
        };
        info.num_records += records;
        if let Some(input) = info
            .input_info
            .iter_mut()
            .find(|i| i.stream_id == stream_id)
        {
            input.num_records += records;
        }
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
                input_info: Vec::new(),
                output_ops: Vec::new(),
                failed_tasks: Vec::new(),
                recomputed: Vec::new(),
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
