//! `sc`, `ssc`, `StreamingContext(sc, interval)` and batch `Time` values for scripts.

use super::session::SessionMode;
use super::values::{Api, RhaiResult, dstreams, engine_err, records, runtime, site, to_rdd};
use crate::engine::context::StreamingContext;
use crate::engine::error::StreamingError;
use crate::engine::rdd::Rdd;
use crate::engine::sc::SparkContext;
use crate::engine::time::{Duration, Time};
use rhai::{Dynamic, Engine, FnPtr, NativeCallContext};
use std::sync::Arc;

fn lock_contexts(api: &Api) -> std::sync::MutexGuard<'_, Vec<StreamingContext>> {
    api.contexts.lock().unwrap_or_else(|p| p.into_inner())
}

/// Creates a context and remembers it, so the session can finish or stop it at the end.
pub fn new_context(api: &Api, sc: &SparkContext, batch: Duration) -> StreamingContext {
    let ssc = StreamingContext::new(sc.clone(), batch, api.config.clone());
    lock_contexts(api).push(ssc.clone());
    api.hooks.context_created(&ssc, &api.config.sink);
    ssc
}

pub fn register(engine: &mut Engine, api: &Api, mode: &Arc<SessionMode>) {
    engine
        .register_type_with_name::<SparkContext>("SparkContext")
        .register_type_with_name::<StreamingContext>("StreamingContext")
        .register_type_with_name::<Time>("Time");
    register_constructor(engine, api);
    register_spark_context(engine);
    register_lifecycle(engine, api, mode);
    register_sources(engine, api);
    register_time(engine);
    register_get_or_create(engine);
    let config = api.config.clone();
    engine.register_fn("sleep_ms", move |ms: i64| {
        // Inside a batch, simulated clocks count the work instead of waiting for it.
        if config.batch_clock().advance_in_batch(ms) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(ms.max(0) as u64))
    });
}

fn register_constructor(engine: &mut Engine, api: &Api) {
    let a = api.clone();
    engine.register_fn(
        "StreamingContext",
        move |ctx: NativeCallContext,
              sc: SparkContext,
              secs: Dynamic|
              -> RhaiResult<StreamingContext> {
            let batch = super::checked::duration(&ctx, &secs, "batchDuration")?;
            Ok(new_context(&a, &sc, batch))
        },
    );
    engine.register_fn("to_string", |s: &mut StreamingContext| {
        format!(
            "StreamingContext(batch {} s, {})",
            s.batch_duration().ms() as f64 / 1000.0,
            s.state().name()
        )
    });
    engine.register_fn("to_debug", |s: &mut StreamingContext| {
        format!(
            "StreamingContext(batch {} s, {})",
            s.batch_duration().ms() as f64 / 1000.0,
            s.state().name()
        )
    });
}

fn register_spark_context(engine: &mut Engine) {
    engine.register_fn("parallelize", |sc: &mut SparkContext, data: rhai::Array| {
        sc.parallelize(data, None)
    });
    engine.register_fn(
        "parallelize",
        |ctx: NativeCallContext,
         sc: &mut SparkContext,
         data: rhai::Array,
         n: Dynamic|
         -> RhaiResult<Rdd> {
            let n = super::checked::num_slices(&ctx, &n)?;
            Ok(sc.parallelize(data, Some(n)))
        },
    );
    engine.register_fn(
        "textFile",
        |ctx: NativeCallContext, sc: &mut SparkContext, path: &str| -> RhaiResult<Rdd> {
            sc.text_file(path, None).map_err(|e| runtime(&ctx, &e))
        },
    );
    engine.register_fn(
        "textFile",
        |ctx: NativeCallContext,
         sc: &mut SparkContext,
         path: &str,
         n: Dynamic|
         -> RhaiResult<Rdd> {
            let n = super::checked::min_partitions(&ctx, &n, "minPartitions")?;
            sc.text_file(path, Some(n)).map_err(|e| runtime(&ctx, &e))
        },
    );
    engine.register_fn("emptyRDD", |sc: &mut SparkContext| sc.empty_rdd());
    engine.register_fn(
        "union",
        |ctx: NativeCallContext, sc: &mut SparkContext, rdds: rhai::Array| -> RhaiResult<Rdd> {
            let rdds = rdds
                .into_iter()
                .map(|d| to_rdd(&ctx, sc, d, "union"))
                .collect::<RhaiResult<Vec<Rdd>>>()?;
            Ok(sc.union(&rdds))
        },
    );
    engine.register_get("defaultParallelism", |sc: &mut SparkContext| {
        sc.default_parallelism() as i64
    });
    engine.register_get("master", |sc: &mut SparkContext| sc.master().to_string());
    engine.register_fn("to_string", |sc: &mut SparkContext| {
        format!("SparkContext(master={})", sc.master())
    });
    engine.register_fn("to_debug", |sc: &mut SparkContext| {
        format!("SparkContext(master={})", sc.master())
    });
}

fn register_lifecycle(engine: &mut Engine, api: &Api, mode: &Arc<SessionMode>) {
    let m = mode.clone();
    engine.register_fn(
        "start",
        move |ctx: NativeCallContext, ssc: &mut StreamingContext| -> RhaiResult<()> {
            if m.replaying() {
                return Ok(());
            }
            let at = site(&ctx, "start").location;
            ssc.start(&at).map_err(|e| engine_err(&ctx, e))
        },
    );
    let m = mode.clone();
    engine.register_fn("stop", move |ssc: &mut StreamingContext| {
        if !m.replaying() {
            ssc.stop(false)
        }
    });
    let m = mode.clone();
    engine.register_fn("stop", move |ssc: &mut StreamingContext, _stop_sc: bool| {
        if !m.replaying() {
            ssc.stop(false)
        }
    });
    let m = mode.clone();
    engine.register_fn(
        "stop",
        move |ssc: &mut StreamingContext, _stop_sc: bool, graceful: bool| {
            if !m.replaying() {
                ssc.stop(graceful)
            }
        },
    );
    let m = mode.clone();
    let sink = api.config.sink.clone();
    engine.register_fn(
        "awaitTermination",
        move |ctx: NativeCallContext, ssc: &mut StreamingContext| -> RhaiResult<()> {
            if m.replaying() {
                return Ok(());
            }
            if m.shell()
                && ssc.clock() == crate::engine::clock::ClockKind::Manual
                && ssc.state() == crate::engine::context::ContextState::Active
            {
                // In the shell the user drives the manual clock from the prompt.
                sink.info(
                    "awaitTermination() returns at once in the shell under --clock manual: \
                     :tick runs the next batch (:tick N runs N)",
                );
                return Ok(());
            }
            ssc.await_termination(None)
                .map(|_| ())
                .map_err(|e| await_err(&ctx, e))
        },
    );
    // `awaitTermination(secs)` is PySpark's `awaitTerminationOrTimeout(secs)`: one function,
    // two names.
    let m = mode.clone();
    let await_with_timeout = move |ctx: NativeCallContext,
                                   ssc: &mut StreamingContext,
                                   secs: Dynamic|
          -> RhaiResult<bool> {
        let timeout = super::checked::timeout(&ctx, &secs, "timeout")?;
        if m.replaying() {
            return Ok(false);
        }
        ssc.await_termination(timeout)
            .map_err(|e| await_err(&ctx, e))
    };
    engine.register_fn("awaitTermination", await_with_timeout.clone());
    engine.register_fn("awaitTerminationOrTimeout", await_with_timeout);
    engine.register_fn(
        "checkpoint",
        |ctx: NativeCallContext, ssc: &mut StreamingContext, dir: &str| -> RhaiResult<()> {
            ssc.set_checkpoint_dir(dir).map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "remember",
        |ctx: NativeCallContext, ssc: &mut StreamingContext, secs: Dynamic| -> RhaiResult<()> {
            let d = super::checked::duration_or_zero(&ctx, &secs, "duration")?;
            ssc.remember(d);
            Ok(())
        },
    );
    let m = mode.clone();
    engine.register_fn(
        "tick",
        move |ctx: NativeCallContext, ssc: &mut StreamingContext| -> RhaiResult<i64> {
            if m.replaying() {
                return Ok(0);
            }
            ssc.tick(1)
                .map(|n| n as i64)
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    let m = mode.clone();
    engine.register_fn(
        "tick",
        move |ctx: NativeCallContext, ssc: &mut StreamingContext, n: i64| -> RhaiResult<i64> {
            let n = u64::try_from(n).map_err(|_| {
                runtime(
                    &ctx,
                    &format!("tick: the number of batches must be >= 0, got {n}"),
                )
            })?;
            if m.replaying() {
                return Ok(0);
            }
            ssc.tick(n)
                .map(|n| n as i64)
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_get("sparkContext", |ssc: &mut StreamingContext| {
        ssc.spark_context().clone()
    });
    engine.register_fn("getState", |ssc: &mut StreamingContext| {
        ssc.state().name().to_string()
    });
}

/// A batch error re-raised by awaitTermination is marked, so the CLI does not print it twice.
fn await_err(ctx: &NativeCallContext, e: StreamingError) -> Box<rhai::EvalAltResult> {
    match e {
        StreamingError::Batch(b) => runtime(ctx, &format!("{}{b}", super::BATCH_ERROR_MARK)),
        other => engine_err(ctx, other),
    }
}

fn register_sources(engine: &mut Engine, api: &Api) {
    for arity in 1..=3 {
        let queue = move |ctx: NativeCallContext,
                          ssc: &mut StreamingContext,
                          items: rhai::Array,
                          one: bool,
                          default: Dynamic|
              -> RhaiResult<crate::engine::api::DStream> {
            let sc = ssc.spark_context().clone();
            let rdds = items
                .into_iter()
                .map(|i| to_rdd(&ctx, &sc, i, "queueStream"))
                .collect::<RhaiResult<Vec<Rdd>>>()?;
            let default = if default.is_unit() {
                None
            } else {
                Some(to_rdd(&ctx, &sc, default, "queueStream default")?)
            };
            ssc.queue_stream(rdds, one, default, site(&ctx, "queueStream"))
                .map_err(|e| engine_err(&ctx, e))
        };
        match arity {
            1 => engine.register_fn(
                "queueStream",
                move |ctx: NativeCallContext, ssc: &mut StreamingContext, items: rhai::Array| {
                    queue(ctx, ssc, items, true, Dynamic::UNIT)
                },
            ),
            2 => engine.register_fn(
                "queueStream",
                move |ctx: NativeCallContext,
                      ssc: &mut StreamingContext,
                      items: rhai::Array,
                      one: bool| queue(ctx, ssc, items, one, Dynamic::UNIT),
            ),
            _ => engine.register_fn(
                "queueStream",
                move |ctx: NativeCallContext,
                      ssc: &mut StreamingContext,
                      items: rhai::Array,
                      one: bool,
                      default: Dynamic| queue(ctx, ssc, items, one, default),
            ),
        };
    }
    register_live_sources(engine);
    engine.register_fn(
        "union",
        |ctx: NativeCallContext,
         ssc: &mut StreamingContext,
         streams: rhai::Array|
         -> RhaiResult<crate::engine::api::DStream> {
            let streams = dstreams(&ctx, streams)?;
            ssc.union(&streams, site(&ctx, "union"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    let a = api.clone();
    engine.register_fn(
        "transform",
        move |ctx: NativeCallContext,
              ssc: &mut StreamingContext,
              streams: rhai::Array,
              f: FnPtr|
              -> RhaiResult<crate::engine::api::DStream> {
            let streams = dstreams(&ctx, streams)?;
            let rf = a.func(&ctx, f, "transform")?;
            let func: crate::engine::dstream::transformed::BatchFn =
                std::sync::Arc::new(move |_t, rdds| {
                    let arg = records(rdds.iter().cloned().map(Dynamic::from).collect());
                    super::api_dstream::expect_rdd(rf.call_once(vec![arg])?, "transform")
                });
            ssc.transform(&streams, func, site(&ctx, "transform"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
}

fn register_time(engine: &mut Engine) {
    engine.register_fn("to_string", |t: &mut Time| t.format_local());
    engine.register_fn("to_debug", |t: &mut Time| t.format_local());
    engine.register_get("ms", |t: &mut Time| t.ms());
    engine.register_fn("milliseconds", |t: &mut Time| t.ms());
    // Checked: `t + i64::MAX` or `t + 1e300` is an error, never a wrapped time.
    engine.register_fn("+", |ctx: NativeCallContext, t: Time, s: i64| {
        shift(&ctx, t, s as f64, 1.0).map_err(|_| time_range(&ctx, t, "+", &s.to_string()))
    });
    engine.register_fn("+", |ctx: NativeCallContext, t: Time, s: f64| {
        shift(&ctx, t, s, 1.0)
    });
    engine.register_fn("-", |ctx: NativeCallContext, t: Time, s: i64| {
        shift(&ctx, t, s as f64, -1.0).map_err(|_| time_range(&ctx, t, "-", &s.to_string()))
    });
    engine.register_fn("-", |ctx: NativeCallContext, t: Time, s: f64| {
        shift(&ctx, t, s, -1.0)
    });
    engine.register_fn("-", |a: Time, b: Time| (a - b).ms() as f64 / 1000.0);
    engine.register_fn("==", |a: Time, b: Time| a == b);
    engine.register_fn("!=", |a: Time, b: Time| a != b);
    engine.register_fn("<", |a: Time, b: Time| a < b);
    engine.register_fn("<=", |a: Time, b: Time| a <= b);
    engine.register_fn(">", |a: Time, b: Time| a > b);
    engine.register_fn(">=", |a: Time, b: Time| a >= b);
}

/// `t ± secs`, refused when the result is not a time `datetime` could hold.
fn shift(ctx: &NativeCallContext, t: Time, secs: f64, sign: f64) -> RhaiResult<Time> {
    let op = if sign > 0.0 { "+" } else { "-" };
    let out_of_range = || time_range(ctx, t, op, &crate::engine::time::show_secs(secs));
    let ms = secs * sign * 1000.0;
    // Far beyond any time: the f64 → i64 conversion would saturate.
    if !ms.is_finite() || ms.abs() > 4.0e18 {
        return Err(out_of_range());
    }
    t.checked_add(Duration(ms.round() as i64))
        .map_err(|_| out_of_range())
}

fn time_range(ctx: &NativeCallContext, t: Time, op: &str, secs: &str) -> Box<rhai::EvalAltResult> {
    runtime(
        ctx,
        &format!("{t} {op} {secs} s is out of the range of times (years 1 to 9999)"),
    )
}

fn port_of(ctx: &NativeCallContext, port: i64) -> RhaiResult<u16> {
    u16::try_from(port).map_err(|_| {
        runtime(
            ctx,
            &format!("socketTextStream: port {port} is not between 0 and 65535"),
        )
    })
}

/// socketTextStream and textFileStream: sources that receive in the background.
fn register_live_sources(engine: &mut Engine) {
    type DStreamResult = RhaiResult<crate::engine::api::DStream>;
    engine.register_fn(
        "socketTextStream",
        |ctx: NativeCallContext,
         ssc: &mut StreamingContext,
         host: &str,
         port: i64|
         -> DStreamResult {
            let port = port_of(&ctx, port)?;
            ssc.socket_text_stream(host, port, site(&ctx, "socketTextStream"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    // The storage level says how many copies of each block a local cluster keeps: two for
    // the `_2` levels (the default, MEMORY_AND_DISK_SER_2), else one.
    engine.register_fn(
        "socketTextStream",
        |ctx: NativeCallContext,
         ssc: &mut StreamingContext,
         host: &str,
         port: i64,
         storage_level: Dynamic|
         -> DStreamResult {
            let port = port_of(&ctx, port)?;
            let level = storage_level.to_string();
            let copies = if level.ends_with("_2") { 2 } else { 1 };
            ssc.socket_text_stream_stored(host, port, copies, site(&ctx, "socketTextStream"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "textFileStream",
        |ctx: NativeCallContext, ssc: &mut StreamingContext, dir: &str| -> DStreamResult {
            ssc.text_file_stream(dir, site(&ctx, "textFileStream"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
}

/// `StreamingContext::getOrCreate(dir, || { ...; ssc })`: with a checkpoint in `dir`, the
/// closure rebuilds the graph (closures cannot be serialised, so running the script's setup
/// again is our equivalent of Spark's deserialisation) and the context resumes from the
/// checkpoint at `start()`; without one, the closure's context is used as it is.
fn register_get_or_create(engine: &mut Engine) {
    let mut module = rhai::Module::new();
    rhai::FuncRegistration::new("getOrCreate").set_into_module(
        &mut module,
        |ctx: NativeCallContext, dir: &str, setup: FnPtr| -> RhaiResult<StreamingContext> {
            let found = crate::engine::checkpoint::store::load(std::path::Path::new(dir))
                .map_err(|e| runtime(&ctx, &format!("getOrCreate: {e}")))?;
            let made: Dynamic = setup.call_within_context(&ctx, ())?;
            let made_type = made.type_name();
            let ssc = made.try_cast::<StreamingContext>().ok_or_else(|| {
                runtime(
                    &ctx,
                    &format!(
                        "getOrCreate: the setup function must return a StreamingContext, got {made_type}"
                    ),
                )
            })?;
            if ssc.checkpoint_dir().as_deref() != Some(dir) {
                ssc.set_checkpoint_dir(dir)
                    .map_err(|e| engine_err(&ctx, e))?;
            }
            if let Some(recovered) = found {
                ssc.prepare_recovery(recovered)
                    .map_err(|e| runtime(&ctx, &format!("getOrCreate: {e}")))?;
            }
            Ok(ssc)
        },
    );
    engine.register_static_module("StreamingContext", module.into());
}
