//! What a running task knows (Spark's `TaskContext`) and the creation site RDDs are stamped
//! with (Spark's call site).

use crate::func::{FnError, OpSite};
use std::cell::RefCell;

/// How a task got one RDD partition.
#[derive(Clone, Debug, PartialEq)]
pub enum How {
    /// Read from the block store.
    Cached,
    /// Computed from its parents.
    Computed,
    /// Computed again from its parents: its cached block was lost with `executor`.
    Recomputed { executor: String },
}

/// One RDD partition of a chain a task walked, named as Spark logs it (`PythonRDD[3]`).
#[derive(Clone, Debug, PartialEq)]
pub struct LineageStep {
    pub rdd: String,
    pub partition: usize,
    pub how: How,
    /// Where a source's partition came from (a Kafka offset range read again), if it says.
    pub source: Option<String>,
}

/// The chain as the scheduler logs it: `ParallelCollectionRDD[0] partition 1 -> PythonRDD[3]
/// partition 1 (RECOMPUTED: its block was lost with executor 1) -> ...`.
pub fn lineage_text(steps: &[LineageStep]) -> String {
    let steps: Vec<String> = steps
        .iter()
        .map(|s| {
            let (name, split) = (&s.rdd, s.partition);
            match &s.how {
                How::Cached => format!("{name} partition {split} (cached)"),
                How::Computed => match &s.source {
                    Some(from) => format!("{name} partition {split} ({from})"),
                    None => format!("{name} partition {split}"),
                },
                How::Recomputed { executor } => format!(
                    "{name} partition {split} (RECOMPUTED: its block was lost with executor {executor})"
                ),
            }
        })
        .collect();
    steps.join(" -> ")
}

/// The task computing one partition of one stage.
pub struct TaskContext {
    pub stage_id: usize,
    pub partition: usize,
    pub attempt: usize,
    /// The executor it runs on (`driver` in local mode).
    pub executor: String,
    /// The RDD partitions it read or computed, outermost first (Spark's lineage, as one
    /// task walked it): shown when it recomputed a lost partition.
    trace: RefCell<Vec<(super::Rdd, usize, How)>>,
    /// The operation whose own function failed first in this task (not one that only passed
    /// an upstream error on), so a batch error names the `map` that failed, not the `pprint`.
    blamed: RefCell<Option<OpSite>>,
}

impl TaskContext {
    pub fn new(stage_id: usize, partition: usize, attempt: usize) -> TaskContext {
        TaskContext::on(stage_id, partition, attempt, "driver")
    }

    pub fn on(stage_id: usize, partition: usize, attempt: usize, executor: &str) -> TaskContext {
        TaskContext {
            stage_id,
            partition,
            attempt,
            executor: executor.to_string(),
            trace: RefCell::new(Vec::new()),
            blamed: RefCell::new(None),
        }
    }

    pub fn trace(&self, rdd: &super::Rdd, split: usize, how: How) {
        // The handle, not its name: the name is written only if the chain is shown.
        self.trace.borrow_mut().push((rdd.clone(), split, how));
    }

    /// Whether the task is recomputing a partition whose cached block was lost (a source
    /// then reads its data again, as Spark's would).
    pub fn is_recomputing(&self) -> bool {
        self.trace
            .borrow()
            .iter()
            .any(|(_, _, h)| matches!(h, How::Recomputed { .. }))
    }

    /// When the task computed a partition whose cached block was lost: the chain from the
    /// source to it, each RDD partition marked as computed, recomputed or read from cache, for
    /// the log line and the batch's record. None unless a lost block was recomputed.
    pub fn recomputed_steps(&self) -> Option<Vec<LineageStep>> {
        if !self.is_recomputing() {
            return None;
        }
        let trace = self.trace.borrow();
        Some(
            trace
                .iter()
                .rev()
                .map(|(rdd, split, how)| LineageStep {
                    rdd: rdd.short_name(),
                    partition: *split,
                    how: how.clone(),
                    source: rdd.describe_partition(*split),
                })
                .collect(),
        )
    }

    /// Records that `site`'s own function failed with `e`, unless an earlier failure was.
    pub fn blame(&self, site: Option<&OpSite>, e: FnError) -> FnError {
        if let Some(s) = site {
            let mut b = self.blamed.borrow_mut();
            if b.is_none() {
                *b = Some(s.clone());
            }
        }
        e
    }

    pub fn blamed(&self) -> Option<OpSite> {
        self.blamed.borrow().clone()
    }
}

thread_local! {
    static CREATION_SITE: RefCell<Option<OpSite>> = const { RefCell::new(None) };
}

/// Runs `f` with `site` as the creation site of the RDDs it makes (Spark sets the call site
/// of a DStream's generated RDDs to the DStream's creation site the same way).
pub fn with_creation_site<T>(site: &OpSite, f: impl FnOnce() -> T) -> T {
    let outer = CREATION_SITE.with(|s| s.replace(Some(site.clone())));
    struct Restore(Option<OpSite>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            CREATION_SITE.with(|s| *s.borrow_mut() = outer);
        }
    }
    let _restore = Restore(outer);
    f()
}

/// The creation site in force, if any.
pub fn creation_site() -> Option<OpSite> {
    CREATION_SITE.with(|s| s.borrow().clone())
}
