//! Which clock decides when "run the batch for time T" is called.

use super::time::{Duration, Time};
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicI64};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockKind {
    /// Wall-clock time: a background timer fires at aligned batch times.
    #[default]
    Real,
    /// Simulated time, batches back to back, driven by whoever waits on the context.
    Fast,
    /// Simulated time, a batch only when `tick()` asks for one.
    Manual,
}

impl ClockKind {
    pub fn parse(text: &str) -> Option<ClockKind> {
        match text {
            "real" | "system" => Some(ClockKind::Real),
            "fast" | "virtual" => Some(ClockKind::Fast),
            "manual" => Some(ClockKind::Manual),
            _ => None,
        }
    }

    pub fn is_simulated(self) -> bool {
        self != ClockKind::Real
    }
}

/// Session-wide settings every StreamingContext uses.
#[derive(Clone)]
pub struct RunConfig {
    pub clock: ClockKind,
    /// First batch time under the simulated clocks.
    pub start_time: Time,
    /// `--batches N`: stop gracefully after N batches.
    pub max_batches: Option<u64>,
    pub notation: super::notation::Notation,
    pub sink: std::sync::Arc<dyn super::sink::OutputSink>,
    /// What the session's contexts share: `--conf`, the cancel token, the simulated clock.
    pub session: super::session::Session,
}

impl RunConfig {
    /// The clock batches are timed with: the wall clock, or the session's ManualClock.
    pub fn batch_clock(&self) -> &dyn Clock {
        if self.clock.is_simulated() {
            &*self.session.manual_clock
        } else {
            &SystemClock
        }
    }
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Spark's `Clock`: where a context reads the time it starts at and times its batches with.
pub trait Clock: Send + Sync {
    /// Milliseconds since the epoch.
    fn get_time_millis(&self) -> i64;
    /// The first batch time of a context started now.
    fn first_batch_time(&self, batch: Duration, start_time: Time) -> Time;
    /// Batch `t` (generated at `submitted`) starts processing; `previous_end` is when the
    /// previous batch ended. Returns its submission and start times.
    fn begin_batch(&self, t: Time, submitted: i64, previous_end: i64) -> (i64, i64);
    /// The batch ends: when.
    fn end_batch(&self) -> i64;
    /// `sleep_ms(ms)` inside a batch: true when the clock counted it and the caller must not
    /// sleep.
    fn advance_in_batch(&self, _ms: i64) -> bool {
        false
    }
}

/// Spark's `SystemClock`: the wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn get_time_millis(&self) -> i64 {
        now_ms()
    }

    fn first_batch_time(&self, batch: Duration, _start_time: Time) -> Time {
        Time::next_aligned(now_ms(), batch)
    }

    fn begin_batch(&self, _t: Time, submitted: i64, _previous_end: i64) -> (i64, i64) {
        let start = now_ms();
        (submitted.min(start), start)
    }

    fn end_batch(&self) -> i64 {
        now_ms()
    }
}

/// Spark's `ManualClock`: time moves only when told. Under the fast and manual clocks a
/// batch's processing time is simulated too, so statistics are exact: the batch starts at
/// its time (or when the previous one ended), `sleep_ms(n)` in a closure advances the clock
/// by n ms instead of sleeping, and the batch ends at the time reached. The fast clock is
/// this clock advanced by its own driver, the manual clock by `tick()`.
#[derive(Default)]
pub struct ManualClock {
    time: AtomicI64,
    /// A batch is being timed: `sleep_ms` advances the clock rather than sleeping.
    in_batch: AtomicBool,
}

impl Clock for ManualClock {
    fn get_time_millis(&self) -> i64 {
        self.time.load(SeqCst)
    }

    fn first_batch_time(&self, _batch: Duration, start_time: Time) -> Time {
        start_time
    }

    /// A batch starts at its time, or when the previous one ended; it counts as submitted
    /// at its time.
    fn begin_batch(&self, t: Time, _submitted: i64, previous_end: i64) -> (i64, i64) {
        let start = t.ms().max(previous_end);
        self.time.store(start, SeqCst);
        self.in_batch.store(true, SeqCst);
        (t.ms(), start)
    }

    fn end_batch(&self) -> i64 {
        self.in_batch.store(false, SeqCst);
        self.time.load(SeqCst)
    }

    /// Counted, not waited. False outside a batch (e.g. a script pausing at the top
    /// level), where the caller really sleeps.
    fn advance_in_batch(&self, ms: i64) -> bool {
        if !self.in_batch.load(SeqCst) {
            return false;
        }
        self.time.fetch_add(ms.max(0), SeqCst);
        true
    }
}

/// Ctrl-C and the cancelling of a running batch, as values a session carries: closures
/// check it (Rhai's on_progress), and so do the waits and the live sources.
#[derive(Default)]
pub struct CancelToken {
    /// Ctrl-C in script mode (or a piped shell): everything stops.
    interrupted: AtomicBool,
    /// Ctrl-C in the interactive shell: running closures and waits give up, but streams keep
    /// running (Spark would not stop them either). Cleared after the batch it interrupted.
    abort: AtomicBool,
    // Cancelling the batch in progress: a closure that never returns (`|x| { loop {} }`)
    // must not hold `stop()`, `:quit` or a timeout for ever. Spark's `stop(false)` likewise
    // interrupts the running jobs.
    cancel: AtomicBool,
    cancel_reason: Mutex<String>,
}

impl CancelToken {
    /// Ctrl-C in script mode; true when it had already been pressed.
    pub fn interrupt(&self) -> bool {
        self.interrupted.swap(true, SeqCst)
    }

    // `#[inline]`: the script host asks these three at every Rhai operation (its progress
    // hook), from another crate, where one atomic load would otherwise be a call.
    #[inline]
    pub fn interrupted(&self) -> bool {
        self.interrupted.load(Relaxed)
    }

    #[inline]
    pub fn abort_requested(&self) -> bool {
        self.abort.load(Relaxed)
    }

    pub fn request_abort(&self) {
        self.abort.store(true, Relaxed);
    }

    pub fn clear_abort(&self) {
        self.abort.store(false, Relaxed);
    }

    /// Makes the closures of the running batch fail with `reason`.
    pub fn cancel_running_batch(&self, reason: &str) {
        *super::lock(&self.cancel_reason) = reason.to_string();
        self.cancel.store(true, SeqCst);
    }

    /// Why the running batch is cancelled, if it is.
    #[inline]
    pub fn batch_cancelled(&self) -> Option<String> {
        if self.cancel.load(Relaxed) {
            Some(super::lock(&self.cancel_reason).clone())
        } else {
            None
        }
    }

    /// After the cancelled batch (or when nothing is left to cancel).
    pub fn clear_cancel(&self) {
        self.cancel.store(false, SeqCst);
    }
}

/// Cancels the running batch if `deadline` passes before the guard is dropped: the fast
/// clock's `awaitTerminationOrTimeout` runs batches on the waiting thread, so the wait
/// itself cannot give up on a batch that never ends.
pub struct Watchdog {
    token: Arc<CancelToken>,
    done: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    pub fn start(token: &Arc<CancelToken>, after: std::time::Duration, reason: String) -> Watchdog {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let watched = token.clone();
        let thread = std::thread::Builder::new()
            .name("centella-watchdog".into())
            .spawn(move || {
                if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(after) {
                    watched.cancel_running_batch(&reason);
                }
            })
            .ok();
        Watchdog {
            token: token.clone(),
            done: Some(done),
            thread,
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.token.clear_cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manual_clock_counts_work_only_inside_a_batch() {
        let clock = ManualClock::default();
        assert!(
            !clock.advance_in_batch(50),
            "outside a batch the caller sleeps"
        );
        assert_eq!(clock.begin_batch(Time(9_000), 1, 10_000), (9_000, 10_000));
        assert!(clock.advance_in_batch(250));
        assert!(clock.advance_in_batch(-5), "negative work counts as none");
        assert_eq!(clock.get_time_millis(), 10_250);
        assert_eq!(clock.end_batch(), 10_250);
        assert!(!clock.advance_in_batch(1));
        assert_eq!(clock.begin_batch(Time(11_000), 1, 10_250), (11_000, 11_000));
        assert!(
            !SystemClock.advance_in_batch(1),
            "the wall clock really sleeps"
        );
    }

    #[test]
    fn cancel_tokens_are_separate_values() {
        let a = CancelToken::default();
        let b = CancelToken::default();
        assert!(!a.interrupt(), "the first Ctrl-C");
        assert!(a.interrupt(), "the second one");
        assert!(a.interrupted() && !b.interrupted());
        a.request_abort();
        assert!(a.abort_requested());
        a.clear_abort();
        assert!(!a.abort_requested());
        b.cancel_running_batch("cancelled: test");
        assert_eq!(b.batch_cancelled().as_deref(), Some("cancelled: test"));
        assert_eq!(a.batch_cancelled(), None);
        b.clear_cancel();
        assert_eq!(b.batch_cancelled(), None);
    }

    #[test]
    fn a_watchdog_cancels_only_after_its_deadline_and_clears_on_drop() {
        let token = Arc::new(CancelToken::default());
        let dog = Watchdog::start(&token, std::time::Duration::from_secs(60), "late".into());
        assert_eq!(token.batch_cancelled(), None);
        drop(dog);
        let dog = Watchdog::start(&token, std::time::Duration::ZERO, "late".into());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while token.batch_cancelled().is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(token.batch_cancelled().as_deref(), Some("late"));
        drop(dog);
        assert_eq!(token.batch_cancelled(), None);
    }
}
