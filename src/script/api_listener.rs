//! `ssc.addStreamingListener(#{ onBatchCompleted: |info| ... })` and `ssc.statistics()`:
//! Spark's StreamingListener events and BatchInfo for scripts, as maps with Spark's field
//! names. Also the session's hooks through which the CLI attaches its own listeners (the
//! delay warning, the web UI) to every StreamingContext a session creates.

use super::closure::RhaiFn;
use super::values::{Api, RhaiResult, runtime};
use crate::engine::context::StreamingContext;
use crate::engine::listener::{ReceiverEvent, ReceiverInfo, StreamingListener};
use crate::engine::sink::OutputSink;
use crate::engine::stats::BatchInfo;
use rhai::{Dynamic, Engine, FnPtr, Map, NativeCallContext};
use std::sync::Arc;

/// Spark's StreamingListener events that centella posts.
pub const EVENTS: &[&str] = &[
    "onBatchCompleted",
    "onReceiverStarted",
    "onReceiverError",
    "onReceiverStopped",
];

/// Spark's events centella does not post (yet): named in the error, so it reads as a gap.
const UNSUPPORTED: &[&str] = &[
    "onStreamingStarted",
    "onBatchSubmitted",
    "onBatchStarted",
    "onOutputOperationStarted",
    "onOutputOperationCompleted",
];

/// Called with every StreamingContext a script session creates, and the session's sink.
pub type ContextHook = Arc<dyn Fn(&StreamingContext, &Arc<dyn OutputSink>) + Send + Sync>;

/// What runs on every StreamingContext a session creates (like Spark's
/// `spark.extraListeners`): the CLI hands the delay warning and the web UI's listener to the
/// script host it builds. A value of the session, not of the process.
#[derive(Clone, Default)]
pub struct ContextHooks(Vec<ContextHook>);

impl ContextHooks {
    /// Runs `hook` on every StreamingContext the session creates from now on.
    pub fn on_every_context(&mut self, hook: ContextHook) {
        self.0.push(hook);
    }

    /// Called by `api_context::new_context` for each new context.
    pub fn context_created(&self, ssc: &StreamingContext, sink: &Arc<dyn OutputSink>) {
        for h in &self.0 {
            h(ssc, sink);
        }
    }
}

pub fn register(engine: &mut Engine, api: &Api) {
    let a = api.clone();
    engine.register_fn(
        "addStreamingListener",
        move |ctx: NativeCallContext, ssc: &mut StreamingContext, spec: Map| -> RhaiResult<()> {
            let listener = ScriptListener::from_map(&a, &ctx, spec)?;
            ssc.add_listener(Arc::new(listener));
            Ok(())
        },
    );
    engine.register_fn("statistics", |ssc: &mut StreamingContext| {
        batches_array(&ssc.recent_batches(crate::engine::stats::RETAINED_BATCHES))
    });
    engine.register_fn(
        "statistics",
        |ctx: NativeCallContext, ssc: &mut StreamingContext, n: i64| -> RhaiResult<rhai::Array> {
            let n = usize::try_from(n)
                .map_err(|_| runtime(&ctx, &format!("statistics: n must be >= 0, got {n}")))?;
            Ok(batches_array(&ssc.recent_batches(n)))
        },
    );
}

fn batches_array(batches: &[BatchInfo]) -> rhai::Array {
    batches
        .iter()
        .map(|b| Dynamic::from_map(batch_info_map(b)))
        .collect()
}

fn opt_int(v: Option<i64>) -> Dynamic {
    v.map(Dynamic::from_int).unwrap_or(Dynamic::UNIT)
}

/// Spark's `BatchInfo` as a map: times in wall-clock ms, delays in ms, `batchTime` a Time.
pub fn batch_info_map(b: &BatchInfo) -> Map {
    let mut m = Map::new();
    m.insert("batchTime".into(), Dynamic::from(b.batch_time));
    m.insert("numRecords".into(), Dynamic::from_int(b.num_records as i64));
    m.insert(
        "submissionTime".into(),
        Dynamic::from_int(b.submission_time),
    );
    m.insert(
        "processingStartTime".into(),
        Dynamic::from_int(b.processing_start),
    );
    m.insert(
        "processingEndTime".into(),
        Dynamic::from_int(b.processing_end),
    );
    m.insert(
        "schedulingDelay".into(),
        Dynamic::from_int(b.scheduling_delay_ms()),
    );
    m.insert(
        "processingDelay".into(),
        Dynamic::from_int(b.processing_delay_ms()),
    );
    m.insert("totalDelay".into(), Dynamic::from_int(b.total_delay_ms()));
    let mut inputs = Map::new();
    for i in &b.input_info {
        let mut im = Map::new();
        im.insert(
            "inputStreamId".into(),
            Dynamic::from_int(i.stream_id as i64),
        );
        im.insert("name".into(), Dynamic::from(i.name.clone()));
        im.insert("numRecords".into(), Dynamic::from_int(i.num_records as i64));
        inputs.insert(i.stream_id.to_string().into(), Dynamic::from_map(im));
    }
    m.insert("streamIdToInputInfo".into(), Dynamic::from_map(inputs));
    let mut ops = Map::new();
    for o in &b.output_ops {
        let mut om = Map::new();
        om.insert("id".into(), Dynamic::from_int(o.id as i64));
        om.insert("name".into(), Dynamic::from(o.name.clone()));
        om.insert("description".into(), Dynamic::from(o.description.clone()));
        om.insert("startTime".into(), opt_int(o.start_time));
        om.insert("endTime".into(), opt_int(o.end_time));
        om.insert("duration".into(), opt_int(o.duration_ms()));
        om.insert(
            "failureReason".into(),
            o.failure_reason
                .clone()
                .map(Dynamic::from)
                .unwrap_or(Dynamic::UNIT),
        );
        ops.insert(o.id.to_string().into(), Dynamic::from_map(om));
    }
    m.insert("outputOperationInfos".into(), Dynamic::from_map(ops));
    m
}

/// Spark's `ReceiverInfo` as a map (Spark's defaults: "" and -1 when there is no error).
pub fn receiver_info_map(r: &ReceiverInfo) -> Map {
    let mut m = Map::new();
    m.insert("streamId".into(), Dynamic::from_int(r.stream_id as i64));
    m.insert("name".into(), Dynamic::from(r.name.clone()));
    m.insert("active".into(), Dynamic::from_bool(r.active));
    m.insert("location".into(), Dynamic::from("localhost"));
    m.insert("executorId".into(), Dynamic::from("driver"));
    let err = r.last_error.clone().unwrap_or_default();
    m.insert("lastErrorMessage".into(), Dynamic::from(err.clone()));
    m.insert("lastError".into(), Dynamic::from(err));
    m.insert(
        "lastErrorTime".into(),
        Dynamic::from_int(r.last_error_time.unwrap_or(-1)),
    );
    m
}

/// A listener written as a map of closures.
struct ScriptListener {
    batch_completed: Option<Arc<RhaiFn>>,
    receiver_started: Option<Arc<RhaiFn>>,
    receiver_error: Option<Arc<RhaiFn>>,
    receiver_stopped: Option<Arc<RhaiFn>>,
    sink: Arc<dyn OutputSink>,
}

impl ScriptListener {
    fn from_map(api: &Api, ctx: &NativeCallContext, spec: Map) -> RhaiResult<ScriptListener> {
        let mut l = ScriptListener {
            batch_completed: None,
            receiver_started: None,
            receiver_error: None,
            receiver_stopped: None,
            sink: api.config.sink.clone(),
        };
        for (key, value) in spec {
            let name = key.as_str();
            if !EVENTS.contains(&name) {
                let why = if UNSUPPORTED.contains(&name) {
                    format!("{name} is a Spark event centella does not post")
                } else {
                    format!("{name} is not a StreamingListener event")
                };
                return Err(runtime(
                    ctx,
                    &format!("addStreamingListener: {why}; use {}", EVENTS.join(", ")),
                ));
            }
            let Some(f) = value.clone().try_cast::<FnPtr>() else {
                return Err(runtime(
                    ctx,
                    &format!(
                        "addStreamingListener: {name} must be a function like |info| ..., got {}",
                        value.type_name()
                    ),
                ));
            };
            let f = Some(api.func(ctx, f, name)?);
            match name {
                "onBatchCompleted" => l.batch_completed = f,
                "onReceiverStarted" => l.receiver_started = f,
                "onReceiverError" => l.receiver_error = f,
                _ => l.receiver_stopped = f,
            }
        }
        Ok(l)
    }

    fn call(&self, event: &str, f: &RhaiFn, info: Map) {
        if let Err(e) = f.call_once(vec![Dynamic::from_map(info)]) {
            // Spark logs a listener's exception and keeps the bus (and the stream) going.
            self.sink
                .warn(&format!("StreamingListener {event} failed: {}", e.0));
        }
    }
}

impl StreamingListener for ScriptListener {
    fn on_batch_completed(&self, info: &BatchInfo) {
        if let Some(f) = &self.batch_completed {
            self.call("onBatchCompleted", f, batch_info_map(info));
        }
    }

    fn on_receiver_event(&self, event: &ReceiverEvent) {
        let (name, f, info) = match event {
            ReceiverEvent::Started(i) => ("onReceiverStarted", &self.receiver_started, i),
            ReceiverEvent::Error(i) => ("onReceiverError", &self.receiver_error, i),
            ReceiverEvent::Stopped(i) => ("onReceiverStopped", &self.receiver_stopped, i),
        };
        if let Some(f) = f {
            self.call(name, f, receiver_info_map(info));
        }
    }
}
