//! Recovery from a checkpoint (Spark's `StreamingContext.getOrCreate` and the restart of the
//! `JobGenerator`): check that the script rebuilt the checkpointed graph, restore the data,
//! and recompute the batches between the data checkpoint and the last completed batch.

use crate::clock::{ClockKind, now_ms};
use crate::context::StreamingContext;
use crate::error::StreamingError;
use crate::lock;
use crate::time::Time;

impl StreamingContext {
    /// Restores a checkpoint into the freshly built graph and recomputes, without output,
    /// the batches between its data checkpoint and the last completed batch. Returns the
    /// first batch time to run.
    pub(crate) fn recover(&self, r: &crate::checkpoint::Recovered) -> Result<Time, StreamingError> {
        for w in &r.warnings {
            self.inner.config.sink.warn(&format!("Checkpoint: {w}"));
        }
        let batch = self.inner.batch;
        let last = Time(r.metadata.last_completed_ms);
        let mut g = self.graph();
        let from = match &r.data {
            Some(d) => {
                g.restore_data(d).map_err(|e| {
                    StreamingError::Invalid(format!("cannot restore the checkpoint: {e}"))
                })?;
                Time(d.time_ms)
            }
            None => Time(r.metadata.zero_ms),
        };
        let mut t = from + batch;
        while t <= last {
            for e in g.recompute_silently(t) {
                self.inner.config.sink.warn(&format!(
                    "Checkpoint: recomputing the batch of {t} failed in {}: {}",
                    e.site, e.message
                ));
            }
            t = t + batch;
        }
        drop(g);
        lock(&self.inner.checkpoint).last_data_ms = r.data.as_ref().map(|d| d.time_ms);
        self.inner.config.sink.info(&format!(
            "Checkpoint: recovered from the batch of {last}; pending batches {}",
            if r.metadata.pending_ms.is_empty() {
                "none".to_string()
            } else {
                let shown = r.metadata.pending_ms.iter().take(5);
                let mut text = shown
                    .map(|ms| Time(*ms).to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                if r.metadata.pending_ms.len() > 5 {
                    text.push_str(&format!(" and {} more", r.metadata.pending_ms.len() - 5));
                }
                text
            }
        ));
        Ok(last + batch)
    }

    /// getOrCreate: remembers a checkpoint to recover from at `start()`, after checking that
    /// the script built the same graph as the one checkpointed.
    pub fn prepare_recovery(&self, r: crate::checkpoint::Recovered) -> Result<(), StreamingError> {
        let dir = self.checkpoint_dir().unwrap_or_default();
        if r.metadata.batch_ms != self.inner.batch.ms() {
            return Err(StreamingError::Invalid(format!(
                "the checkpoint in {dir} has batches of {} ms and the script now makes {} ms; delete {dir} to start afresh",
                r.metadata.batch_ms,
                self.inner.batch.ms()
            )));
        }
        self.check_resumable(&r.metadata, &dir)?;
        let (nodes, outputs) = self.graph().shape();
        crate::checkpoint::compare_graphs(&r.metadata, &nodes, &outputs).map_err(|diff| {
            StreamingError::Invalid(format!(
                "the script no longer builds the DStream graph checkpointed in {dir}: {diff}. Delete {dir} to start afresh"
            ))
        })?;
        lock(&self.inner.checkpoint).recovery = Some(r);
        Ok(())
    }

    /// Whether this session's clock can resume the checkpoint (see
    /// `checkpoint::validate::resumable_under_real_clock`).
    pub(crate) fn check_resumable(
        &self,
        m: &crate::checkpoint::Metadata,
        dir: &str,
    ) -> Result<(), StreamingError> {
        if self.inner.config.clock != ClockKind::Real {
            return Ok(());
        }
        crate::checkpoint::validate::resumable_under_real_clock(m, dir, now_ms())
            .map_err(StreamingError::Invalid)
    }
}
