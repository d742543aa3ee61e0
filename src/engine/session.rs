//! What one session (a script run, a shell) shares with every StreamingContext it makes, as
//! values rather than process globals: the `--conf` settings, the cancel token Ctrl-C and
//! the watchdogs set, the simulated clock, and Spark's one-active-context rule.

use super::clock::{CancelToken, ManualClock};
use super::conf::SparkConf;
use super::lock;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Clone, Default)]
pub struct Session {
    pub conf: Arc<SparkConf>,
    pub cancel: Arc<CancelToken>,
    /// The fast and manual clocks' time (see [`ManualClock`]).
    pub manual_clock: Arc<ManualClock>,
    pub(crate) contexts: Arc<ActiveContext>,
}

/// Spark's rule that one StreamingContext is active at a time (its companion object's
/// `activeContext`): which one, and where it was started.
#[derive(Default)]
pub(crate) struct ActiveContext {
    active: Mutex<Option<(u64, String)>>,
    next_id: Mutex<u64>,
}

impl ActiveContext {
    /// An id for a new context.
    pub(crate) fn next_id(&self) -> u64 {
        let mut n = lock(&self.next_id);
        *n += 1;
        *n
    }

    /// The active context's id and where it was started: held through a start, so two
    /// contexts cannot start at once.
    pub(crate) fn slot(&self) -> MutexGuard<'_, Option<(u64, String)>> {
        lock(&self.active)
    }

    pub(crate) fn deactivate(&self, id: u64) {
        let mut active = lock(&self.active);
        if active.as_ref().is_some_and(|(a, _)| *a == id) {
            *active = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_context_is_active_per_session_and_sessions_are_independent() {
        let a = Session::default();
        let b = Session::default();
        let (first, second) = (a.contexts.next_id(), a.contexts.next_id());
        assert_ne!(first, second);
        *a.contexts.slot() = Some((first, "a.rhai:3".into()));
        assert!(a.contexts.slot().is_some());
        assert!(
            b.contexts.slot().is_none(),
            "another session is not blocked"
        );
        a.contexts.deactivate(second);
        assert!(
            a.contexts.slot().is_some(),
            "only the active one deactivates"
        );
        a.contexts.deactivate(first);
        assert!(a.contexts.slot().is_none());
    }
}
