//! Receivers: sources that collect records in the background (Spark's `Receiver`), started
//! with the context and stopped with it. Batches then take what arrived before their time.

use crate::clock::ClockKind;
use crate::error::StreamingError;
use crate::sink::OutputSink;
use crate::time::Duration;
use std::sync::Arc;

/// What a receiver needs from its context.
#[derive(Clone)]
pub struct ReceiverEnv {
    pub sink: Arc<dyn OutputSink>,
    pub clock: ClockKind,
    pub batch: Duration,
    /// `--receiver-max-rate`: records per second, per receiver.
    pub max_rate: Option<u64>,
    /// `spark.streaming.receiver.writeAheadLog.rollingIntervalSecs`, when given.
    pub wal_rolling_secs: Option<u64>,
    /// `spark.streaming.kafka.maxRatePerPartition`, when given.
    pub kafka_max_rate_per_partition: Option<u64>,
    /// `spark.streaming.kafka.consumer.poll.ms`, when given.
    pub kafka_poll_ms: Option<u64>,
    /// The context's SparkContext: its executors and the fault lab's plan.
    pub spark_context: crate::sc::SparkContext,
    /// The session's cancel token: a source blocked on I/O gives up on Ctrl-C.
    pub cancel: Arc<crate::clock::CancelToken>,
    /// Where receivers keep their write-ahead logs, when enabled.
    pub wal_dir: Option<std::path::PathBuf>,
    /// The checkpoint directory, when set (a Kafka stream logs its batches' ranges there).
    pub checkpoint_dir: Option<std::path::PathBuf>,
    /// Where receivers report started / error / stopped.
    pub listeners: Arc<crate::listener::ListenerBus>,
}

pub trait ReceiverHandle: Send + Sync {
    /// Before a recovery recomputes batches: where to report, before `start`.
    fn attach(&self, _env: &ReceiverEnv) {}
    fn start(&self, env: &ReceiverEnv) -> Result<(), StreamingError>;
    /// Stops collecting; records already received stay for the next batches.
    fn stop(&self);
    /// Whether records were received that no batch has taken yet.
    fn has_pending(&self) -> bool;
    /// Whether it is a Spark receiver, which runs on an executor (a socket's); a direct
    /// source (Kafka's) or the driver's file watcher is not.
    fn runs_on_executor(&self) -> bool {
        false
    }
    /// The real clock's JobGenerator generated batch `t`, the `number`-th (called before the
    /// batch is queued, without the engine's locks held). Direct sources fix the batch's
    /// input here.
    fn on_batch_generated(&self, _t: crate::time::Time, _number: u64) {}
}

/// Sleeps up to `ms`, waking early when `stop` is set.
pub fn sleep_unless(stop: &std::sync::atomic::AtomicBool, ms: u64) {
    let step = 50;
    let mut slept = 0;
    while slept < ms && !stop.load(std::sync::atomic::Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(step.min(ms - slept)));
        slept += step;
    }
}

/// Repeated warnings (a server that stays down): the first at once, then at most one every
/// `WARN_EVERY_MS`, saying how many were held back.
#[derive(Default)]
pub struct Warner {
    last: Option<i64>,
    suppressed: u32,
}

/// Repeated receiver warnings are reported at most this often.
pub const WARN_EVERY_MS: i64 = 10_000;

impl Warner {
    pub fn warn(&mut self, sink: &dyn OutputSink, msg: &str) {
        let now = crate::clock::now_ms();
        if self.last.is_some_and(|l| now - l < WARN_EVERY_MS) {
            self.suppressed += 1;
            return;
        }
        if self.suppressed > 0 {
            sink.warn(&format!("{msg} (and {} more times)", self.suppressed));
        } else {
            sink.warn(msg);
        }
        self.last = Some(now);
        self.suppressed = 0;
    }
}
