//! What a running task knows (Spark's `TaskContext`) and the creation site RDDs are stamped
//! with (Spark's call site).

use crate::func::{FnError, OpSite};
use std::cell::RefCell;

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
