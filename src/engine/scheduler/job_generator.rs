//! Spark's `JobGenerator`: decides the batch times. Under the real clock a `RecurringTimer`
//! thread generates one batch time per interval, aligned, into the scheduler's queue; under
//! the simulated clocks the caller generates them (`tick`, the fast clock's waits).

use crate::clock::now_ms;
use crate::context::{ContextState, StreamingContext};
use crate::lock;
use crate::time::Time;

impl StreamingContext {
    pub(crate) fn spawn_real_clock_threads(&self) {
        let generator = {
            let ctx = self.clone();
            std::thread::Builder::new()
                .name("JobGenerator".into())
                .spawn(move || ctx.job_generator_loop())
        };
        let scheduler = {
            let ctx = self.clone();
            std::thread::Builder::new()
                .name("JobScheduler".into())
                .stack_size(64 << 20)
                .spawn(move || ctx.job_scheduler_loop())
        };
        let mut threads = lock(&self.inner.threads);
        for h in [generator, scheduler] {
            match h {
                Ok(h) => threads.push(h),
                Err(e) => self
                    .inner
                    .config
                    .sink
                    .warn(&format!("cannot start a streaming thread: {e}")),
            }
        }
    }

    /// Spark's `RecurringTimer` + `JobGenerator`: one batch time per interval, aligned.
    pub(crate) fn job_generator_loop(&self) {
        let mut st = lock(&self.inner.progress);
        // Set when stopping gracefully with received data left: one more batch takes it.
        let mut final_batch = false;
        loop {
            let stopping =
                st.stop_requested.is_some() || self.limit_reached(st.generator.batches_generated);
            if stopping && !final_batch {
                let graceful = st.stop_requested != Some(false);
                drop(st);
                let pending = self.stop_receivers();
                st = lock(&self.inner.progress);
                if !(graceful && pending) {
                    break;
                }
                final_batch = true;
            }
            let due = st.generator.next_batch;
            let wait = due.ms() - now_ms();
            if wait > 0 {
                let timeout = std::time::Duration::from_millis(wait.min(100) as u64);
                st = self.inner.wait_for_change(st, timeout);
                if self.interrupted() {
                    st.stop_requested = Some(false);
                    final_batch = false;
                }
                continue;
            }
            // Spark's generateJobs: direct sources fix the batch's input now.
            let generated_at = now_ms();
            drop(st);
            let receivers: Vec<_> = lock(&self.inner.receivers).clone();
            let number = self.batch_number(due);
            receivers
                .iter()
                .for_each(|r| r.on_batch_generated(due, number));
            st = lock(&self.inner.progress);
            st.scheduler.queued.push_back((due, generated_at));
            st.generator.batches_generated += 1;
            st.generator.next_batch = due + self.inner.batch;
            self.inner.changed.notify_all();
            if final_batch {
                break;
            }
        }
        st.generator.generator_done = true;
        self.inner.changed.notify_all();
    }

    /// Runs the next simulated batch. Returns false when the context is not running.
    pub(crate) fn step_simulated(&self) -> bool {
        let t = {
            let mut st = lock(&self.inner.progress);
            if st.state != ContextState::Active || st.stop_requested.is_some() {
                return false;
            }
            let t = st.generator.next_batch;
            st.generator.next_batch = t + self.inner.batch;
            st.generator.batches_generated += 1;
            if st.generator.sim_now < t {
                st.generator.sim_now = t;
            }
            t
        };
        self.run_batch(t);
        true
    }

    /// Under the fast clock: runs batches until simulated time passes `until` (None: until
    /// the inputs are drained and the windows have emptied, or the batch limit).
    pub(crate) fn drive_fast(&self, until: Option<Time>) {
        let mut idle_batches: Option<i64> = None;
        let settle = self.graph().settle_batches();
        loop {
            if self.interrupted() || self.abort_requested() {
                break;
            }
            let next = lock(&self.inner.progress).generator.next_batch;
            if until.is_some_and(|u| next > u) {
                lock(&self.inner.progress).generator.sim_now = until.unwrap_or(next);
                break;
            }
            if until.is_none()
                && self.inner.config.max_batches.is_none()
                && self.graph().inputs_drained()
            {
                let n = idle_batches.get_or_insert(0);
                if *n >= settle {
                    lock(&self.inner.progress)
                        .stop_requested
                        .get_or_insert(true);
                }
                *n += 1;
            }
            if !self.step_simulated() {
                break;
            }
            if lock(&self.inner.progress).first_error.is_some() {
                break;
            }
        }
        self.finish_simulated_stop();
    }

    pub(crate) fn finish_simulated_stop(&self) {
        let stop = lock(&self.inner.progress).stop_requested;
        if stop.is_some() || self.interrupted() {
            let pending = self.stop_receivers();
            if stop == Some(true) && pending && !self.interrupted() {
                // Graceful: the data already received is processed before exit.
                let t = {
                    let mut st = lock(&self.inner.progress);
                    let t = st.generator.next_batch;
                    st.generator.next_batch = t + self.inner.batch;
                    t
                };
                self.run_batch(t);
            }
            self.mark_stopped();
        }
    }

    pub(crate) fn limit_reached(&self, count: u64) -> bool {
        self.inner
            .config
            .max_batches
            .is_some_and(|max| count >= max)
    }
}
