//! What a running task knows (Spark's `TaskContext`), the creation site RDDs are stamped with
//! (Spark's call site), and the error a failed job returns.

use crate::func::{FnError, OpSite};
use std::cell::RefCell;
use std::fmt;

/// The task computing one partition of one stage.
pub struct TaskContext {
    pub stage_id: usize,
    pub partition: usize,
    pub attempt: usize,
    /// The operation whose own function failed first in this task (not one that only passed
    /// an upstream error on), so a batch error names the `map` that failed, not the `pprint`.
    blamed: RefCell<Option<OpSite>>,
}

impl TaskContext {
    pub fn new(stage_id: usize, partition: usize, attempt: usize) -> TaskContext {
        TaskContext {
            stage_id,
            partition,
            attempt,
            blamed: RefCell::new(None),
        }
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

/// A job that failed: the operation whose function failed (when one did), why, and, when a
/// task was retried, Spark's account of the stage failure.
#[derive(Debug, Clone, PartialEq)]
pub struct JobError {
    pub site: Option<OpSite>,
    pub error: FnError,
    /// `Task 0 in stage 3.0 failed 4 times, most recent failure: ...` when retries were allowed.
    pub stage_failure: Option<String>,
}

impl JobError {
    /// The message a user reads: Spark's stage failure when tasks were retried, else the
    /// function's own error.
    pub fn message(&self) -> String {
        match &self.stage_failure {
            Some(s) => format!("Job aborted due to stage failure: {s}"),
            None => self.error.0.clone(),
        }
    }

    /// As a function error inside another operation: names the failing operation.
    pub fn into_fn_error(self) -> FnError {
        match &self.site {
            Some(site) => FnError(format!("{site} failed: {}", self.message())),
            None => FnError(self.message()),
        }
    }
}

impl From<FnError> for JobError {
    fn from(error: FnError) -> JobError {
        JobError {
            site: None,
            error,
            stage_failure: None,
        }
    }
}

impl From<JobError> for FnError {
    fn from(e: JobError) -> FnError {
        e.into_fn_error()
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}
