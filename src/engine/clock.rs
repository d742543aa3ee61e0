//! Which clock decides when "run the batch for time T" is called.

use super::time::Time;

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
    pub notation: super::dstream::output::Notation,
    pub sink: std::sync::Arc<dyn super::sink::OutputSink>,
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Set by Ctrl-C; closures and waits check it.
pub static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn interrupted() -> bool {
    INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Set by Ctrl-C in the interactive shell: running closures and waits give up, but streams
/// keep running (Spark would not stop them either). Cleared after the batch it interrupted.
pub static ABORT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn abort_requested() -> bool {
    ABORT.load(std::sync::atomic::Ordering::Relaxed)
}

pub fn request_abort() {
    ABORT.store(true, std::sync::atomic::Ordering::Relaxed);
}

pub fn clear_abort() {
    ABORT.store(false, std::sync::atomic::Ordering::Relaxed);
}

/// `--receiver-max-rate` (Spark's `spark.streaming.receiver.maxRate`): records per second per
/// receiver; 0 means unlimited.
static RECEIVER_MAX_RATE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn set_receiver_max_rate(rate: Option<u64>) {
    RECEIVER_MAX_RATE.store(rate.unwrap_or(0), std::sync::atomic::Ordering::Relaxed);
}

pub fn receiver_max_rate() -> Option<u64> {
    match RECEIVER_MAX_RATE.load(std::sync::atomic::Ordering::Relaxed) {
        0 => None,
        r => Some(r),
    }
}

// Under the fast and manual clocks a batch's processing time is simulated too, so statistics
// are exact: `sleep_ms(n)` in a closure adds n ms of work instead of sleeping, and the batch
// ends at its start plus that work (Spark's ManualClock gives the same determinism).
static SIM_ACTIVE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static SIM_BATCH_START: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
static SIM_WORK_MS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Starts timing a batch in simulated time.
pub fn begin_simulated_batch(start_ms: i64) {
    SIM_BATCH_START.store(start_ms, std::sync::atomic::Ordering::SeqCst);
    SIM_WORK_MS.store(0, std::sync::atomic::Ordering::SeqCst);
    SIM_ACTIVE.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Ends it; returns the simulated work in ms.
pub fn end_simulated_batch() -> i64 {
    SIM_ACTIVE.store(false, std::sync::atomic::Ordering::SeqCst);
    SIM_WORK_MS.swap(0, std::sync::atomic::Ordering::SeqCst)
}

/// `sleep_ms` inside a batch under a simulated clock: counted, not waited. False outside one
/// (e.g. a script pausing at the top level), where the caller really sleeps.
pub fn add_simulated_work(ms: i64) -> bool {
    if !SIM_ACTIVE.load(std::sync::atomic::Ordering::SeqCst) {
        return false;
    }
    SIM_WORK_MS.fetch_add(ms.max(0), std::sync::atomic::Ordering::SeqCst);
    true
}

/// "Now" for timing inside a batch: simulated while a simulated batch runs.
pub fn batch_now_ms() -> i64 {
    if SIM_ACTIVE.load(std::sync::atomic::Ordering::SeqCst) {
        SIM_BATCH_START.load(std::sync::atomic::Ordering::SeqCst)
            + SIM_WORK_MS.load(std::sync::atomic::Ordering::SeqCst)
    } else {
        now_ms()
    }
}

// Cancelling the batch in progress: a closure that never returns (`|x| { loop {} }`) must not
// hold `stop()`, `:quit` or a timeout for ever. Closures check this (Rhai's on_progress), as
// they check Ctrl-C; Spark's `stop(false)` likewise interrupts the running jobs.
static CANCEL: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static CANCEL_REASON: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// Makes the closures of the running batch fail with `reason`.
pub fn cancel_running_batch(reason: &str) {
    *super::lock(&CANCEL_REASON) = reason.to_string();
    CANCEL.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Why the running batch is cancelled, if it is.
pub fn batch_cancelled() -> Option<String> {
    if CANCEL.load(std::sync::atomic::Ordering::Relaxed) {
        Some(super::lock(&CANCEL_REASON).clone())
    } else {
        None
    }
}

/// After the cancelled batch (or when nothing is left to cancel).
pub fn clear_cancel() {
    CANCEL.store(false, std::sync::atomic::Ordering::SeqCst);
}

/// Cancels the running batch if `deadline` passes before the guard is dropped: the fast
/// clock's `awaitTerminationOrTimeout` runs batches on the waiting thread, so the wait
/// itself cannot give up on a batch that never ends.
pub struct Watchdog {
    done: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    pub fn start(after: std::time::Duration, reason: String) -> Watchdog {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("centella-watchdog".into())
            .spawn(move || {
                if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(after) {
                    cancel_running_batch(&reason);
                }
            })
            .ok();
        Watchdog {
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
        clear_cancel();
    }
}
