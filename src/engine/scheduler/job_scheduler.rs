//! Spark's `JobScheduler`: runs the generated batches one after another, in order, and
//! records each one's outcome (Spark's `BatchInfo`) for the listeners and the UI.

use crate::engine::clock::{abort_requested, clear_abort, interrupted, now_ms};
use crate::engine::context::{IN_BATCH, StreamingContext};
use crate::engine::dstream::DStreamGraph;
use crate::engine::dstream::output::OutputEnv;
use crate::engine::lock;
use crate::engine::stats::{BatchInfo, StreamInputInfo};
use crate::engine::time::Time;

impl StreamingContext {
    /// Spark's `JobScheduler`: runs generated batches one after another, in order.
    pub(crate) fn job_scheduler_loop(&self) {
        lock(&self.inner.progress).scheduler.scheduler_thread = Some(std::thread::current().id());
        loop {
            let next = {
                let mut st = lock(&self.inner.progress);
                loop {
                    if st.stop_requested == Some(false) || interrupted() {
                        break None;
                    }
                    if let Some(t) = st.scheduler.queued.pop_front() {
                        break Some(t);
                    }
                    if st.generator.generator_done {
                        break None;
                    }
                    st = self
                        .inner
                        .changed
                        .wait_timeout(st, std::time::Duration::from_millis(100))
                        .map(|(g, _)| g)
                        .unwrap_or_else(|p| p.into_inner().0);
                }
            };
            match next {
                Some((t, submitted)) => self.run_batch_submitted(t, submitted),
                None => break,
            }
        }
        self.mark_stopped();
    }

    /// Runs the batch for time `t` and records the outcome: the engine's one entry point
    /// for "a batch happens", whichever clock calls it.
    pub fn run_batch(&self, t: Time) {
        self.run_batch_submitted(t, now_ms());
    }

    pub(crate) fn run_batch_submitted(&self, t: Time, submitted: i64) {
        let env = OutputEnv {
            sink: self.inner.config.sink.clone(),
            notation: self.inner.config.notation,
        };
        let simulated = self.inner.config.clock.is_simulated();
        let start = {
            let mut st = lock(&self.inner.progress);
            st.scheduler.running = Some(t);
            // Simulated: a batch starts at its time, or when the previous one ended.
            if simulated {
                t.ms().max(st.scheduler.sim_busy_until)
            } else {
                now_ms()
            }
        };
        if simulated {
            crate::engine::clock::begin_simulated_batch(start);
        }
        let outer = IN_BATCH.with(|b| b.replace(true));
        let (errors, num_records, input_info, output_ops, late, checkpoint) = {
            let mut g = self.graph();
            let before = g.input_batches();
            let (errors, output_ops) = g.run_batch_with_info(t, &env);
            let n = g.input_records(t);
            let input_info = input_info(&g, t);
            // Input batches of earlier times that a window made only now.
            let late: Vec<((usize, Time), u64)> = g
                .input_batches()
                .into_iter()
                .filter(|(key, _)| key.1 < t && !before.contains_key(key))
                .collect();

            g.clear_metadata(t);
            let checkpoint = self.prepare_checkpoint(&g, t);
            (errors, n, input_info, output_ops, late, checkpoint)
        };
        // The fsyncs run after the graph lock is released.
        if let Some(c) = checkpoint {
            self.write_checkpoint(c);
        }
        IN_BATCH.with(|b| b.set(outer));
        // A Ctrl-C in the shell interrupts the batch it arrived in, not the next ones.
        if abort_requested() {
            clear_abort();
        }
        crate::engine::clock::clear_cancel();
        let (submitted, end) = if simulated {
            (t.ms(), start + crate::engine::clock::end_simulated_batch())
        } else {
            (submitted.min(start), now_ms())
        };
        let mut st = lock(&self.inner.progress);
        st.scheduler.running = None;
        st.scheduler.sim_busy_until = end;
        for ((stream, time), records) in late {
            st.scheduler.history.add_late_input(time, stream, records);
        }
        let info = BatchInfo {
            batch_time: t,
            num_records,
            submission_time: submitted,
            processing_start: start,
            processing_end: end,
            failures: errors.iter().map(|e| e.to_string()).collect(),
            input_info,
            output_ops,
        };
        st.scheduler.history.push(info.clone());
        for e in errors {
            self.inner.config.sink.batch_error(&e);
            st.first_error.get_or_insert(e);
        }
        st.scheduler.batches_done += 1;
        if self.limit_reached(st.scheduler.batches_done) {
            st.stop_requested.get_or_insert(true);
        }
        self.inner.changed.notify_all();
        drop(st);
        self.inner.listeners.batch_completed(&info);
    }
}

/// Records each input stream produced for batch `t` (while their RDDs are still held).
fn input_info(g: &DStreamGraph, t: Time) -> Vec<StreamInputInfo> {
    g.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.op.input_drained().is_some())
        .map(|(id, n)| StreamInputInfo {
            stream_id: id,
            name: n.site.op.clone(),
            num_records: n.generated.get(&t).map(|r| r.count() as u64).unwrap_or(0),
        })
        .collect()
}
