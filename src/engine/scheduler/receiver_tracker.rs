//! Spark's `ReceiverTracker`: starts the live sources' receivers with the context, tells them
//! what they need (`ReceiverEnv`, read once at start from the session), and stops them.

use crate::clock::ClockKind;
use crate::conf::{
    KAFKA_MAX_RATE_PER_PARTITION, KAFKA_POLL_MS, RECEIVER_MAX_RATE, WAL_ENABLE,
    WAL_ROLLING_INTERVAL,
};
use crate::context::StreamingContext;
use crate::dstream::receiver::ReceiverEnv;
use crate::error::StreamingError;
use crate::lock;

impl StreamingContext {
    /// Starts every receiver of the graph; on a failure stops those already started.
    pub(crate) fn start_receivers(&self) -> Result<(), StreamingError> {
        let by_stream = self.graph().receivers_by_stream();
        let receivers: Vec<_> = by_stream.iter().map(|(_, r)| r.clone()).collect();
        if !receivers.is_empty()
            && self.inner.config.clock == ClockKind::Fast
            && self.inner.config.max_batches.is_none()
        {
            // Simulated time races ahead of data arriving in real time.
            self.inner.config.sink.warn(
                "live sources under --clock fast: batches run back to back without waiting for data; \
                 use the real clock, or --batches N",
            );
        }
        let env = self.receiver_env();
        if env.wal_dir.is_none()
            && self.inner.config.session.conf.enabled(WAL_ENABLE)
            && !receivers.is_empty()
        {
            return Err(StreamingError::Invalid(format!(
                "{} needs a checkpoint directory: call ssc.checkpoint(dir)",
                WAL_ENABLE
            )));
        }
        for (i, r) in receivers.iter().enumerate() {
            if let Err(e) = r.start(&env) {
                receivers[..i].iter().for_each(|r| r.stop());
                return Err(e);
            }
        }
        *lock(&self.inner.receivers) = receivers;
        // Spark's ReceiverSchedulingPolicy places the receivers as they start, so a lost
        // executor restarts its receiver even before it stored a block.
        let executors = self.spark_context().executors();
        for (stream, r) in &by_stream {
            if r.runs_on_executor() {
                let _ = executors.receiver_executor(*stream);
            }
        }
        Ok(())
    }

    /// What receivers get from the context.
    pub(crate) fn receiver_env(&self) -> ReceiverEnv {
        let conf = &self.inner.config.session.conf;
        ReceiverEnv {
            sink: self.inner.config.sink.clone(),
            clock: self.inner.config.clock,
            batch: self.inner.batch,
            max_rate: conf.number(RECEIVER_MAX_RATE),
            wal_rolling_secs: conf.number(WAL_ROLLING_INTERVAL),
            kafka_max_rate_per_partition: conf.number(KAFKA_MAX_RATE_PER_PARTITION),
            kafka_poll_ms: conf.number(KAFKA_POLL_MS),
            spark_context: self.spark_context().clone(),
            cancel: self.inner.config.session.cancel.clone(),
            listeners: self.inner.listeners.clone(),
            wal_dir: self
                .checkpoint_dir()
                .filter(|_| conf.enabled(WAL_ENABLE))
                .map(|d| std::path::Path::new(&d).join("receivedData")),
            checkpoint_dir: self.checkpoint_dir().map(std::path::PathBuf::from),
        }
    }

    /// Stops the receivers; true when they hold records no batch has taken yet.
    pub(crate) fn stop_receivers(&self) -> bool {
        let receivers: Vec<_> = lock(&self.inner.receivers).clone();
        receivers.iter().for_each(|r| r.stop());
        receivers.iter().any(|r| r.has_pending())
    }
}
