//! How a context ends: `awaitTermination` (a simulated clock runs the batches in the
//! waiting thread; the real clock waits for the stop or the first batch error) and `stop`
//! (graceful or not: the receivers, the JobGenerator and JobScheduler threads, the batches
//! still queued).

use super::{ContextState, StreamingContext, in_batch, refuse_in_batch};
use crate::clock::ClockKind;
use crate::error::StreamingError;
use crate::lock;
use crate::time::{Duration, Time};
use std::thread::JoinHandle;

impl StreamingContext {
    /// `awaitTerminationOrTimeout(secs)` / `awaitTermination()`: true once stopped. The first
    /// batch error is raised as soon as it happens, and again by every later call, as Spark does.
    pub fn await_termination(
        &self,
        timeout: Option<std::time::Duration>,
    ) -> Result<bool, StreamingError> {
        refuse_in_batch(if timeout.is_some() {
            "ssc.awaitTerminationOrTimeout()"
        } else {
            "ssc.awaitTermination()"
        })?;
        if let Some(e) = lock(&self.inner.progress).first_error.clone() {
            return Err(StreamingError::Batch(e));
        }
        match self.inner.config.clock {
            ClockKind::Real => self.await_real(timeout)?,
            ClockKind::Fast => {
                if self.state() == ContextState::Active {
                    // A timeout past the end of representable times is no timeout at all.
                    let until = timeout.and_then(|d| {
                        let now = lock(&self.inner.progress).generator.sim_now;
                        now.checked_add(Duration(d.as_millis() as i64)).ok()
                    });
                    // Simulated time stands still while a batch runs: a batch still running
                    // 10 s (wall) after the timeout would have passed is cancelled.
                    let _watchdog = timeout.map(|d| {
                        crate::clock::Watchdog::start(
                            &self.inner.config.session.cancel,
                            d + std::time::Duration::from_secs(FAST_TIMEOUT_GRACE_SECS),
                            format!(
                                "cancelled: awaitTerminationOrTimeout({}) timed out while this batch was still running ({FAST_TIMEOUT_GRACE_SECS} s of grace)",
                                crate::time::show_secs(d.as_secs_f64())
                            ),
                        )
                    });
                    self.drive_fast(until);
                }
            }
            ClockKind::Manual => {
                if timeout.is_none() && self.state() == ContextState::Active {
                    return Err(StreamingError::Invalid(
                        "awaitTermination() would wait forever: under --clock manual batches run only on ssc.tick(n)".into(),
                    ));
                }
            }
        }
        if self.interrupted() {
            self.stop(false);
            return Err(StreamingError::Interrupted);
        }
        if self.abort_requested() {
            return Err(StreamingError::Aborted);
        }
        if let Some(e) = lock(&self.inner.progress).first_error.clone() {
            return Err(StreamingError::Batch(e));
        }
        Ok(self.state() == ContextState::Stopped)
    }

    pub(crate) fn await_real(
        &self,
        timeout: Option<std::time::Duration>,
    ) -> Result<(), StreamingError> {
        let deadline = timeout.and_then(|d| std::time::Instant::now().checked_add(d));
        let mut st = lock(&self.inner.progress);
        while st.state != ContextState::Stopped
            && st.first_error.is_none()
            && !self.interrupted()
            && !self.abort_requested()
        {
            let mut wait = std::time::Duration::from_millis(100);
            if let Some(d) = deadline {
                let now = std::time::Instant::now();
                if now >= d {
                    break;
                }
                wait = wait.min(d - now);
            }
            st = self.inner.wait_for_change(st, wait);
        }
        Ok(())
    }

    /// `ssc.stop(stopGraceFully)`: graceful runs the batches already generated first.
    pub fn stop(&self, graceful: bool) {
        {
            let mut st = lock(&self.inner.progress);
            match st.state {
                ContextState::Stopped => {
                    drop(st);
                    self.inner
                        .config
                        .sink
                        .warn("StreamingContext: StreamingContext has already been stopped");
                    return;
                }
                ContextState::Initialized => {
                    st.state = ContextState::Stopped;
                    return;
                }
                ContextState::Active => {
                    st.stop_requested = Some(graceful && st.stop_requested != Some(false));
                    self.inner.changed.notify_all();
                    if in_batch()
                        || st.scheduler.scheduler_thread == Some(std::thread::current().id())
                    {
                        // Called from inside a batch: the stream stops after it.
                        return;
                    }
                }
            }
        }
        let threads: Vec<JoinHandle<()>> = lock(&self.inner.threads).drain(..).collect();
        self.wait_for_threads(&threads, graceful);
        for t in threads {
            let _ = t.join();
        }
        self.cancel().clear_cancel();
        self.mark_stopped();
    }

    /// Waits for the streaming threads to end; a batch that does not end (a closure that
    /// loops) is cancelled once it has run longer than the grace period: Spark's
    /// `spark.streaming.gracefulStopTimeout` (10 batch intervals) when stopping gracefully,
    /// 2 s otherwise (Spark's `stop(false)` interrupts the running jobs and waits 2 s for them).
    pub(crate) fn wait_for_threads(&self, threads: &[JoinHandle<()>], graceful: bool) {
        let grace = if graceful {
            std::time::Duration::from_millis((self.inner.batch.ms().max(500) * 10) as u64)
        } else {
            std::time::Duration::from_secs(2)
        };
        let mut watched: Option<(Time, std::time::Instant)> = None;
        while threads.iter().any(|t| !t.is_finished()) {
            let running = lock(&self.inner.progress).scheduler.running;
            let now = std::time::Instant::now();
            match (running, watched) {
                (Some(t), Some((w, since))) if t == w => {
                    if now.duration_since(since) >= grace {
                        lock(&self.inner.progress).stop_requested = Some(false);
                        self.cancel().cancel_running_batch(&format!(
                            "cancelled: the StreamingContext stopped while this batch was still running after {} s",
                            grace.as_secs_f64()
                        ));
                        self.inner.changed.notify_all();
                    }
                }
                (Some(t), _) => watched = Some((t, now)),
                (None, _) => watched = None,
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// At the end of a script: let a `--batches N` run finish.
    pub fn finish_batches(&self) {
        if self.state() != ContextState::Active || self.inner.config.max_batches.is_none() {
            return;
        }
        match self.inner.config.clock {
            ClockKind::Real => {
                let _ = self.await_real(None);
                if self.state() == ContextState::Active && !self.interrupted() {
                    // An error woke us: keep going until the batches are done.
                    let mut st = lock(&self.inner.progress);
                    while st.state != ContextState::Stopped && !self.interrupted() {
                        st = self
                            .inner
                            .wait_for_change(st, std::time::Duration::from_millis(100));
                    }
                }
            }
            ClockKind::Fast | ClockKind::Manual => {
                while !self.interrupted() && self.step_simulated() {}
                self.finish_simulated_stop();
            }
        }
    }
}

/// Under the fast clock, how long (wall time) after a timeout a running batch may go on.
const FAST_TIMEOUT_GRACE_SECS: u64 = 10;
