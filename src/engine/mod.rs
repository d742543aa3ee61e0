//! The streaming engine: RDDs, DStreams, windows, state and scheduling.
//!
//! Architecture invariant: the engine knows nothing of Rhai evaluation or of the terminal.
//! It uses `rhai::Dynamic` only as its record type and calls user code through `func`.

pub mod api;
pub mod checkpoint;
pub mod clock;
pub mod cogroup;
pub mod conf;
pub mod context;
pub mod depth;
pub mod dstream;
pub mod error;
pub mod executor;
pub mod fault;
pub mod func;
pub mod jvm_random;
pub mod key;
pub mod limits;
pub mod listener;
pub mod notation;
pub mod pair;
pub mod py_random;
pub mod pyhash;
pub mod pyorder;
pub mod pyrepr;
pub mod rdd;
pub mod record;
pub mod sc;
pub mod scheduler;
pub mod session;
pub mod sink;
pub mod stats;
pub mod task_output;
#[cfg(test)]
pub mod test_values;
pub mod time;

/// Locks a mutex; a panic elsewhere while it was held (a poisoned lock) does not stop the
/// engine: the data is still consistent at every point our locks are released.
///
/// Public so that every layer handles a poisoned lock this one way (the UI's monitor, the
/// script host's shared state), rather than each choosing between panicking and dropping.
pub fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
