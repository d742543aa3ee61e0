//! Receivers: sources that collect records in the background (Spark's `Receiver`), started
//! with the context and stopped with it. Batches then take what arrived before their time.

use crate::engine::clock::ClockKind;
use crate::engine::error::StreamingError;
use crate::engine::sink::OutputSink;
use crate::engine::time::Duration;
use std::sync::Arc;

/// What a receiver needs from its context.
#[derive(Clone)]
pub struct ReceiverEnv {
    pub sink: Arc<dyn OutputSink>,
    pub clock: ClockKind,
    pub batch: Duration,
    /// `--receiver-max-rate`: records per second, per receiver.
    pub max_rate: Option<u64>,
    /// Where receivers keep their write-ahead logs, when enabled.
    pub wal_dir: Option<std::path::PathBuf>,
    /// The checkpoint directory, when set (a Kafka stream logs its batches' ranges there).
    pub checkpoint_dir: Option<std::path::PathBuf>,
    /// Where receivers report started / error / stopped.
    pub listeners: Arc<crate::engine::listener::ListenerBus>,
}

pub trait ReceiverHandle: Send + Sync {
    fn start(&self, env: &ReceiverEnv) -> Result<(), StreamingError>;
    /// Stops collecting; records already received stay for the next batches.
    fn stop(&self);
    /// Whether records were received that no batch has taken yet.
    fn has_pending(&self) -> bool;
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
