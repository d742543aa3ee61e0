//! What the web UI watches: the StreamingContexts of the process (held weakly) and, per
//! context, a listener that keeps what the context itself does not (receivers' last state,
//! total records, the first batch), plus a snapshot taken without waiting on a running batch.

use crate::engine::clock::ClockKind;
use crate::engine::context::{ContextState, StreamingContext, WeakStreamingContext};
use crate::engine::listener::{ReceiverEvent, ReceiverInfo, StreamingListener};
use crate::engine::stats::{BatchInfo, RETAINED_BATCHES};
pub use crate::engine::stats::{GraphView, NodeView, OutputView};
use crate::engine::time::Time;
use std::sync::{Arc, Mutex};

use crate::engine::lock;

#[derive(Default)]
struct TrackerState {
    receivers: Vec<ReceiverInfo>,
    processed: u64,
    first_batch: Option<Time>,
    graph: GraphView,
}

/// The per-context listener.
#[derive(Default)]
pub struct Tracker {
    state: Mutex<TrackerState>,
}

impl StreamingListener for Tracker {
    fn on_batch_completed(&self, info: &BatchInfo) {
        let mut st = lock(&self.state);
        st.processed += info.num_records;
        st.first_batch.get_or_insert(info.batch_time);
    }

    fn on_receiver_event(&self, event: &ReceiverEvent) {
        let info = match event {
            ReceiverEvent::Started(i) | ReceiverEvent::Error(i) | ReceiverEvent::Stopped(i) => i,
        };
        let mut st = lock(&self.state);
        match st.receivers.iter_mut().find(|r| r.name == info.name) {
            Some(r) => {
                let (err, at) = (r.last_error.take(), r.last_error_time.take());
                *r = info.clone();
                // A stop or restart keeps the last error, as Spark's ReceiverInfo does.
                if r.last_error.is_none() {
                    r.last_error = err;
                    r.last_error_time = at;
                }
            }
            None => st.receivers.push(info.clone()),
        }
    }
}

/// Everything the pages and endpoints show about one context, at one moment.
pub struct Snapshot {
    pub state: ContextState,
    pub clock: ClockKind,
    pub batch_ms: i64,
    pub batches_done: u64,
    pub running: Option<Time>,
    pub queued: Vec<Time>,
    /// Completed batches, oldest first.
    pub history: Vec<BatchInfo>,
    pub receivers: Vec<ReceiverInfo>,
    pub processed: u64,
    pub first_batch: Option<Time>,
    pub graph: GraphView,
    /// The executors of a local cluster (the fault lab); none in local mode.
    pub executors: Vec<crate::engine::executor::ExecutorSummary>,
    /// Where each receiver runs in a local cluster, by input stream id (else the driver).
    pub receiver_executors: std::collections::BTreeMap<usize, String>,
}

impl Snapshot {
    /// Spark's `startTime`: the zero time, one interval before the first batch.
    pub fn start_time(&self) -> Option<i64> {
        self.first_batch.map(|t| t.ms() - self.batch_ms)
    }

    pub fn num_outputs(&self) -> usize {
        self.graph.outputs.len()
    }
}

impl Tracker {
    pub fn snapshot(&self, ctx: &StreamingContext) -> Snapshot {
        let history = ctx.recent_batches(RETAINED_BATCHES);
        let running = ctx.running_batch();
        let batch = ctx.batch_duration();
        // Batches are generated contiguously and run in order: the queued ones follow the
        // running one (or the last completed one).
        let after = running.or_else(|| history.last().map(|b| b.batch_time));
        let queued = match after {
            Some(t) => (1..=ctx.queued_batches() as i64)
                .map(|k| t + crate::engine::time::Duration(batch.ms() * k))
                .collect(),
            None => Vec::new(),
        };
        let fresh = ctx.try_graph_view();
        let mut st = lock(&self.state);
        if let Some(g) = fresh {
            st.graph = g;
        }
        Snapshot {
            state: ctx.state(),
            clock: ctx.clock(),
            batch_ms: batch.ms(),
            batches_done: ctx.batches_done(),
            running,
            queued,
            history,
            receivers: st.receivers.clone(),
            processed: st.processed,
            first_batch: st.first_batch,
            graph: st.graph.clone(),
            executors: if ctx.spark_context().executors().is_cluster() {
                ctx.spark_context().executor_summaries()
            } else {
                Vec::new()
            },
            receiver_executors: ctx.spark_context().executors().receiver_locations(),
        }
    }
}

/// The contexts the UI can show, newest last.
pub struct Monitor {
    pub app_id: String,
    pub app_name: String,
    pub start_ms: i64,
    tracked: Mutex<Vec<(WeakStreamingContext, Arc<Tracker>)>>,
}

impl Monitor {
    pub fn new(app_name: &str) -> Monitor {
        let start_ms = crate::engine::clock::now_ms();
        Monitor {
            // Spark's application id under a local master.
            app_id: format!("local-{start_ms}"),
            app_name: app_name.to_string(),
            start_ms,
            tracked: Mutex::new(Vec::new()),
        }
    }

    /// Starts watching `ctx` (before it starts, so no receiver event is missed).
    pub fn watch(&self, ctx: &StreamingContext) {
        let tracker = Arc::new(Tracker::default());
        ctx.add_listener(tracker.clone());
        let mut t = lock(&self.tracked);
        t.retain(|(w, _)| w.is_alive());
        t.push((ctx.downgrade(), tracker));
    }

    /// The context to show: the running one, else the newest that ran batches, else the
    /// newest; with its tracker.
    pub fn current(&self) -> Option<(StreamingContext, Arc<Tracker>)> {
        let live: Vec<(StreamingContext, Arc<Tracker>)> = lock(&self.tracked)
            .iter()
            .rev()
            .filter_map(|(w, t)| w.upgrade().map(|ctx| (ctx, t.clone())))
            .collect();
        let pick = live
            .iter()
            .position(|(c, _)| c.state() == ContextState::Active)
            .or_else(|| live.iter().position(|(c, _)| c.batches_done() > 0))
            .unwrap_or(0);
        live.into_iter().nth(pick)
    }
}
