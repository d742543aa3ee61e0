//! Spark's `JobScheduler`: runs the generated batches one after another, in order, and
//! records each one's outcome (Spark's `BatchInfo`) for the listeners and the UI.
//! The statistics the UI and `:status` read (recent batches, the running and queued ones)
//! are its state too.

use crate::clock::now_ms;
use crate::context::{IN_BATCH, StreamingContext};
use crate::dstream::DStreamGraph;
use crate::dstream::output::OutputEnv;
use crate::error::BatchError;
use crate::lock;
use crate::scheduler::dag_scheduler::collect_jobs;
use crate::stats::{BatchInfo, OutputOperationInfo, StreamInputInfo, task_faults};
use crate::time::Time;

impl StreamingContext {
    /// The last `n` completed batches (Spark's BatchInfo).
    pub fn recent_batches(&self, n: usize) -> Vec<BatchInfo> {
        lock(&self.inner.progress).scheduler.history.recent(n)
    }

    /// The batch being processed now, if any.
    pub fn running_batch(&self) -> Option<Time> {
        lock(&self.inner.progress).scheduler.running
    }

    /// Batches generated but not yet processed (real clock).
    pub fn queued_batches(&self) -> usize {
        lock(&self.inner.progress).scheduler.queued.len()
    }

    pub fn first_error(&self) -> Option<BatchError> {
        lock(&self.inner.progress).first_error.clone()
    }

    pub fn batches_done(&self) -> u64 {
        lock(&self.inner.progress).scheduler.batches_done
    }

    /// Spark's `JobScheduler`: runs generated batches one after another, in order.
    pub(crate) fn job_scheduler_loop(&self) {
        lock(&self.inner.progress).scheduler.scheduler_thread = Some(std::thread::current().id());
        loop {
            let next = {
                let mut st = lock(&self.inner.progress);
                loop {
                    if st.stop_requested == Some(false) || self.interrupted() {
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
                        .wait_for_change(st, std::time::Duration::from_millis(100));
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

    /// Which batch `t` is: 1 for the first (the zero time is one interval before it).
    pub(crate) fn batch_number(&self, t: Time) -> u64 {
        let zero = lock(&self.inner.progress).generator.zero;
        ((t - zero).ms() / self.inner.batch.ms().max(1)).max(0) as u64
    }

    pub(crate) fn run_batch_submitted(&self, t: Time, submitted: i64) {
        let env = OutputEnv {
            sink: self.inner.config.sink.clone(),
            notation: self.inner.config.notation,
        };
        let clock = self.batch_clock();
        let previous_end = {
            let mut st = lock(&self.inner.progress);
            st.scheduler.running = Some(t);
            st.scheduler.last_batch_end
        };
        let (submitted, start) = clock.begin_batch(t, submitted, previous_end);
        let outer = IN_BATCH.with(|b| b.replace(true));
        let before = self.graph().input_batches();
        let number = self.batch_number(t);
        self.spark_context().set_batch(Some((t, number)));
        // Every job of the batch, for its failed and recomputed tasks: the outputs' (also kept
        // per output operation) and those run while computing a stream's RDD (an action
        // inside `transform`), which belong to no output operation.
        let ((mut errors, output_ops), mut jobs) = collect_jobs(|| self.run_output_ops(t, &env));
        self.spark_context().set_batch(None);
        let (num_records, input_info, late, checkpoint, checkpoint_errors) = {
            let mut g = self.graph();
            let n = g.input_records(t);
            let input_info = input_info(&g, t);
            // Input batches of earlier times that a window made only now.
            let late: Vec<((usize, Time), u64)> = g
                .input_batches()
                .into_iter()
                .filter(|(key, _)| key.1 < t && !before.contains_key(key))
                .collect();

            let (checkpoint_errors, checkpoint_jobs) = collect_jobs(|| g.checkpoint_state(t));
            jobs.extend(checkpoint_jobs);
            g.clear_metadata(t);
            let checkpoint = self.prepare_checkpoint(&g, t);
            (n, input_info, late, checkpoint, checkpoint_errors)
        };
        errors.extend(checkpoint_errors.into_iter().map(|e| e.in_batch(t)));
        // The fsyncs run after the graph lock is released.
        if let Some(c) = checkpoint {
            self.write_checkpoint(c);
        }
        IN_BATCH.with(|b| b.set(outer));
        // A Ctrl-C in the shell interrupts the batch it arrived in, not the next ones.
        if self.abort_requested() {
            self.cancel().clear_abort();
        }
        self.cancel().clear_cancel();
        let (failed_tasks, recomputed) = task_faults(&jobs);
        let end = clock.end_batch();
        let mut st = lock(&self.inner.progress);
        st.scheduler.running = None;
        st.scheduler.last_batch_end = end;
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
            failed_tasks,
            recomputed,
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

    /// Spark's `generateJobs` and the jobs' run: every output operation in registration
    /// order, its RDD computed under the graph lock and the operation itself (printing,
    /// foreachRDD, saving) run after the lock is released. Errors of one output do not stop
    /// the others, as each is its own Spark job.
    fn run_output_ops(
        &self,
        t: Time,
        env: &OutputEnv,
    ) -> (Vec<BatchError>, Vec<OutputOperationInfo>) {
        let mut errors = Vec::new();
        let mut infos = Vec::new();
        let count = self.graph().outputs.len();
        for i in 0..count {
            let (out, start, computed) = {
                let mut g = self.graph();
                let out = g.outputs[i].clone();
                if !g.is_time_valid(out.stream, t) {
                    continue;
                }
                let start = self.batch_clock().get_time_millis();
                let computed = g.get_or_compute(out.stream, t);
                (out, start, computed)
            };
            let (result, jobs) = collect_jobs(|| match computed {
                Ok(Some(rdd)) => out.run(t, &rdd, env),
                Ok(None) => Ok(()),
                Err(e) => Err(e),
            });
            let mut info = OutputOperationInfo::new(i, &out.site, start);
            info.jobs = jobs;
            info.end_time = Some(self.batch_clock().get_time_millis());
            if let Err(e) = result {
                let e = e.in_batch(t);
                info.failure_reason = Some(e.to_string());
                errors.push(e);
            }
            infos.push(info);
        }
        (errors, infos)
    }
}

/// Records each input stream produced for batch `t` (while their RDDs are still held).
fn input_info(g: &DStreamGraph, t: Time) -> Vec<StreamInputInfo> {
    g.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.op.is_input())
        .map(|(id, n)| StreamInputInfo {
            stream_id: id,
            name: n.site.op.clone(),
            num_records: n
                .generated
                .get(&t)
                .map(|r| r.source_len().unwrap_or(0) as u64)
                .unwrap_or(0),
        })
        .collect()
}
