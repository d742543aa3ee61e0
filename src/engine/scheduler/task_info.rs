//! What the fault lab leaves in a batch's record: the task attempts that failed (Spark's
//! "Failed Tasks", a `TaskInfo` whose status is FAILED) and the tasks that recomputed a lost
//! partition from its lineage. The DAG scheduler records them only when an attempt fails or
//! a task recomputes, so a batch without a fault carries two empty lists and costs nothing.

use crate::rdd::task::{How, LineageStep, lineage_text};

/// What became of a task after one of its attempts failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOutcome {
    /// Retried, and a later attempt (this number) succeeded.
    RetriedSucceeded { attempt: usize },
    /// Retried, but the task failed in the end.
    RetriedFailed,
    /// The task's last attempt: it failed `spark.task.maxFailures` times, and so its stage
    /// and its job.
    FailedJob,
}

impl TaskOutcome {
    /// For the UI and `:status`: `retried, 0.2 succeeded`.
    pub fn describe(self, partition: usize) -> String {
        match self {
            TaskOutcome::RetriedSucceeded { attempt } => {
                format!("retried, {partition}.{attempt} succeeded")
            }
            TaskOutcome::RetriedFailed => "retried, the task failed later".to_string(),
            TaskOutcome::FailedJob => "failed the job".to_string(),
        }
    }

    pub fn retried(self) -> bool {
        !matches!(self, TaskOutcome::FailedJob)
    }
}

/// One failed task attempt, as Spark's log line names it: `Lost task 1.0 in stage 4.0
/// (TID 5) (localhost executor 1): ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct FailedTaskInfo {
    pub stage_id: usize,
    /// The task's partition (Spark's task index).
    pub partition: usize,
    pub attempt: usize,
    pub task_id: usize,
    pub executor: String,
    /// The error's first line (a Python traceback's last line comes first in Spark's
    /// summary; ours are one line but a user's message may not be).
    pub error: String,
    pub outcome: TaskOutcome,
}

impl FailedTaskInfo {
    /// `task 1.0 in stage 4.0 (TID 5)`, as Spark's log names it.
    pub fn task_name(&self) -> String {
        format!(
            "task {}.{} in stage {}.0 (TID {})",
            self.partition, self.attempt, self.stage_id, self.task_id
        )
    }
}

/// A task that recomputed a partition whose cached block was lost with its executor: the
/// chain it walked, source first.
#[derive(Debug, Clone, PartialEq)]
pub struct RecomputedTask {
    pub stage_id: usize,
    pub partition: usize,
    pub attempt: usize,
    pub executor: String,
    pub steps: Vec<LineageStep>,
}

impl RecomputedTask {
    /// `task 1.1 in stage 4.0`.
    pub fn task_name(&self) -> String {
        format!(
            "task {}.{} in stage {}.0",
            self.partition, self.attempt, self.stage_id
        )
    }

    /// The chain as the scheduler's INFO line shows it.
    pub fn chain(&self) -> String {
        lineage_text(&self.steps)
    }

    /// The partitions recomputed (their blocks were lost).
    pub fn recomputed(&self) -> impl Iterator<Item = &LineageStep> {
        self.steps
            .iter()
            .filter(|s| matches!(s.how, How::Recomputed { .. }))
    }
}

/// A failed attempt as the scheduler first records it: whether it is tried again is known
/// then, how the task ends only when the stage does.
pub(crate) struct PendingFailure {
    /// The task's index among the stage's partitions.
    pub index: usize,
    pub info: FailedTaskInfo,
    pub retried: bool,
}

/// Settles the failures of a stage once every task ended: `succeeded[i]` is the attempt
/// number that succeeded for the task of index `i`, if one did.
pub(crate) fn settle(
    failures: Vec<PendingFailure>,
    succeeded: &[Option<usize>],
) -> Vec<FailedTaskInfo> {
    failures
        .into_iter()
        .map(|f| {
            let mut info = f.info;
            info.outcome = match (f.retried, succeeded.get(f.index).copied().flatten()) {
                (false, _) => TaskOutcome::FailedJob,
                (true, Some(attempt)) => TaskOutcome::RetriedSucceeded { attempt },
                (true, None) => TaskOutcome::RetriedFailed,
            };
            info
        })
        .collect()
}

/// The first line of an error, for the batch's record.
pub(crate) fn first_line(error: &str) -> String {
    error.lines().next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(index: usize, attempt: usize, retried: bool) -> PendingFailure {
        PendingFailure {
            index,
            info: FailedTaskInfo {
                stage_id: 4,
                partition: index,
                attempt,
                task_id: 10 + attempt,
                executor: "0".into(),
                error: "boom".into(),
                outcome: TaskOutcome::FailedJob,
            },
            retried,
        }
    }

    #[test]
    fn outcomes_say_whether_the_task_succeeded_later() {
        let settled = settle(
            vec![
                failure(0, 0, true),
                failure(0, 1, true),
                failure(1, 0, true),
                failure(1, 1, false),
            ],
            &[Some(2), None],
        );
        let outcomes: Vec<String> = settled
            .iter()
            .map(|f| f.outcome.describe(f.partition))
            .collect();
        assert_eq!(
            outcomes,
            [
                "retried, 0.2 succeeded",
                "retried, 0.2 succeeded",
                "retried, the task failed later",
                "failed the job"
            ]
        );
        assert_eq!(settled[1].task_name(), "task 0.1 in stage 4.0 (TID 11)");
        assert_eq!(first_line("a\nb"), "a");
    }
}
