//! Spark's `StreamingListener`: callbacks on batch and receiver events, through a bus that
//! the context and its receivers post to. Listeners must not block for long: they run on the
//! scheduler or receiver thread.

use super::stats::BatchInfo;
use std::sync::{Arc, Mutex};

/// Spark's ReceiverInfo, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiverInfo {
    pub stream_id: usize,
    /// e.g. `SocketReceiver localhost:9999`.
    pub name: String,
    pub active: bool,
    pub last_error: Option<String>,
    /// Wall-clock ms of the last error.
    pub last_error_time: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReceiverEvent {
    Started(ReceiverInfo),
    Error(ReceiverInfo),
    Stopped(ReceiverInfo),
}

pub trait StreamingListener: Send + Sync {
    fn on_batch_completed(&self, _info: &BatchInfo) {}
    fn on_receiver_event(&self, _event: &ReceiverEvent) {}
}

/// Spark's `StreamingListenerBus`.
#[derive(Default)]
pub struct ListenerBus {
    listeners: Mutex<Vec<Arc<dyn StreamingListener>>>,
}

impl ListenerBus {
    pub fn add(&self, l: Arc<dyn StreamingListener>) {
        crate::lock(&self.listeners).push(l);
    }

    fn snapshot(&self) -> Vec<Arc<dyn StreamingListener>> {
        crate::lock(&self.listeners).clone()
    }

    pub fn batch_completed(&self, info: &BatchInfo) {
        for l in self.snapshot() {
            l.on_batch_completed(info);
        }
    }

    pub fn receiver_event(&self, event: &ReceiverEvent) {
        for l in self.snapshot() {
            l.on_receiver_event(event);
        }
    }
}
