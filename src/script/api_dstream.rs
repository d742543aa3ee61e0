//! DStream methods for scripts, with PySpark's names and argument forms.

use super::checked::{duration, duration_or_zero, opt_duration, opt_partitions, partitions};
use super::closure::RhaiFn;
use super::values::{Api, RhaiResult, count, engine_err, runtime, site};
use crate::engine::api::DStream;
use crate::engine::cogroup::JoinKind;
use crate::engine::dstream::output::RddOutputFn;
use crate::engine::func::{FnError, Record};
use crate::engine::rdd::Rdd;
use crate::engine::time::{Duration, Time};
use rhai::{Dynamic, Engine, FnPtr, NativeCallContext};
use std::sync::Arc;

type DStreamResult = RhaiResult<DStream>;

/// The result of a transform function must be an RDD.
pub fn expect_rdd(r: Record, op: &str) -> Result<Rdd, FnError> {
    let t = r.type_name();
    r.try_cast::<Rdd>()
        .ok_or_else(|| FnError(format!("{op}: the function must return an RDD, got {t}")))
}

/// Calls `f(rdds...)` or `f(time, rdds...)` depending on how many parameters it declares.
fn call_with_time(f: &RhaiFn, t: Time, rdds: &[Rdd], takes: usize) -> Result<Record, FnError> {
    let mut args: Vec<Record> = rdds.iter().cloned().map(Dynamic::from).collect();
    if crate::engine::func::RecordFn::arity(f) == Some(takes + 1) {
        args.insert(0, Dynamic::from(t));
    }
    f.call_once(args)
}

macro_rules! record_op {
    ($engine:ident, $api:ident, $name:literal, $method:ident) => {{
        let a = $api.clone();
        $engine.register_fn(
            $name,
            move |ctx: NativeCallContext, ds: &mut DStream, f: FnPtr| -> DStreamResult {
                let f = a.record_fn(&ctx, f, $name)?;
                ds.$method(f, site(&ctx, $name))
                    .map_err(|e| engine_err(&ctx, e))
            },
        );
    }};
}

pub fn register(engine: &mut Engine, api: &Api) {
    engine.register_type_with_name::<DStream>("DStream");
    engine.register_fn("to_string", |ds: &mut DStream| describe(ds));
    engine.register_fn("to_debug", |ds: &mut DStream| describe(ds));
    record_op!(engine, api, "map", map);
    record_op!(engine, api, "flatMap", flat_map);
    record_op!(engine, api, "filter", filter);
    record_op!(engine, api, "mapValues", map_values);
    record_op!(engine, api, "flatMapValues", flat_map_values);
    record_op!(engine, api, "mapPartitions", map_partitions);
    record_op!(
        engine,
        api,
        "mapPartitionsWithIndex",
        map_partitions_with_index
    );
    record_op!(engine, api, "reduce", reduce);
    register_simple(engine);
    register_by_key(engine, api);
    register_joins(engine);
    register_transform(engine, api);
    register_windows(engine, api);
    register_state(engine, api);
    register_outputs(engine, api);
}

fn describe(ds: &DStream) -> String {
    format!("DStream[{}]", ds.lineage())
}

fn register_simple(engine: &mut Engine) {
    engine.register_fn(
        "glom",
        |ctx: NativeCallContext, ds: &mut DStream| -> DStreamResult {
            ds.glom(site(&ctx, "glom")).map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "count",
        |ctx: NativeCallContext, ds: &mut DStream| -> DStreamResult {
            ds.count(site(&ctx, "count"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "countByValue",
        |ctx: NativeCallContext, ds: &mut DStream| -> DStreamResult {
            ds.count_by_value(site(&ctx, "countByValue"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "repartition",
        |ctx: NativeCallContext, ds: &mut DStream, n: Dynamic| -> DStreamResult {
            let n = super::checked::repartition_count(&ctx, &n)?;
            ds.repartition(n, site(&ctx, "repartition"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "partitionBy",
        |ctx: NativeCallContext, ds: &mut DStream, n: Dynamic| -> DStreamResult {
            let n = partitions(&ctx, &n, "numPartitions")?;
            ds.partition_by(Some(n), site(&ctx, "partitionBy"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "union",
        |ctx: NativeCallContext, ds: &mut DStream, other: DStream| -> DStreamResult {
            ds.union(&other, site(&ctx, "union"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    // Persisted: each batch's RDD keeps its partitions once computed (one storage level in
    // one process, so the level is accepted and not distinguished).
    engine.register_fn(
        "cache",
        |ctx: NativeCallContext, ds: &mut DStream| -> DStreamResult {
            ds.persist().map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "persist",
        |ctx: NativeCallContext, ds: &mut DStream| -> DStreamResult {
            ds.persist().map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "persist",
        |ctx: NativeCallContext, ds: &mut DStream, _level: Dynamic| -> DStreamResult {
            ds.persist().map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "toDebugString",
        |ctx: NativeCallContext, ds: &mut DStream| -> RhaiResult<String> {
            match ds.last_lineage().map_err(|e| engine_err(&ctx, e))? {
                Some((t, text)) => Ok(format!("Time: {t}\n{text}")),
                None => Ok(format!(
                    "{}: no batch yet (the lineage of a batch shows once it has run)",
                    ds.lineage()
                )),
            }
        },
    );
    engine.register_fn(
        "checkpoint",
        |ctx: NativeCallContext, ds: &mut DStream, secs: Dynamic| -> DStreamResult {
            let s = duration(&ctx, &secs, "interval")?;
            ds.checkpoint(s).map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "remember",
        |ctx: NativeCallContext, ds: &mut DStream, secs: Dynamic| -> DStreamResult {
            let s = duration_or_zero(&ctx, &secs, "duration")?;
            Ok(ds.remember(s))
        },
    );
    engine.register_fn(
        "slice",
        |ctx: NativeCallContext,
         ds: &mut DStream,
         from: Dynamic,
         to: Dynamic|
         -> RhaiResult<rhai::Array> {
            let (from, to) = (time_arg(&ctx, from)?, time_arg(&ctx, to)?);
            let rdds = ds.slice(from, to).map_err(|e| engine_err(&ctx, e))?;
            Ok(rdds.into_iter().map(Dynamic::from).collect())
        },
    );
}

/// A time given by a script: a batch `Time`, a local `"YYYY-MM-DD HH:MM:SS[.fff]"`, or
/// milliseconds since the epoch (PySpark's slice takes datetimes).
fn time_arg(ctx: &NativeCallContext, d: Dynamic) -> RhaiResult<Time> {
    if let Some(t) = d.read_lock::<Time>() {
        return Ok(*t);
    }
    if let Ok(ms) = d.as_int() {
        return Ok(Time(ms));
    }
    if let Some(s) = d.read_lock::<rhai::ImmutableString>() {
        return Time::parse_local(s.as_str()).ok_or_else(|| {
            runtime(
                ctx,
                &format!(
                    "slice: '{}' is not a time like \"2021-11-14 10:00:54\"",
                    s.as_str()
                ),
            )
        });
    }
    Err(runtime(
        ctx,
        &format!("slice: expected a time, got {}", d.type_name()),
    ))
}

fn register_by_key(engine: &mut Engine, api: &Api) {
    for with_n in [false, true] {
        let a = api.clone();
        let reduce = move |ctx: NativeCallContext,
                           ds: &mut DStream,
                           f: FnPtr,
                           n: Dynamic|
              -> DStreamResult {
            let n = opt_partitions(&ctx, &n, "numPartitions")?;
            let f = a.record_fn(&ctx, f, "reduceByKey")?;
            ds.reduce_by_key(f, n, site(&ctx, "reduceByKey"))
                .map_err(|e| engine_err(&ctx, e))
        };
        let group = |ctx: NativeCallContext, ds: &mut DStream, n: Dynamic| -> DStreamResult {
            let n = opt_partitions(&ctx, &n, "numPartitions")?;
            ds.group_by_key(n, site(&ctx, "groupByKey"))
                .map_err(|e| engine_err(&ctx, e))
        };
        let a = api.clone();
        let combine = move |ctx: NativeCallContext,
                            ds: &mut DStream,
                            c: FnPtr,
                            mv: FnPtr,
                            mc: FnPtr,
                            n: Dynamic|
              -> DStreamResult {
            let n = opt_partitions(&ctx, &n, "numPartitions")?;
            let fns = [
                a.record_fn(&ctx, c, "combineByKey")?,
                a.record_fn(&ctx, mv, "combineByKey")?,
                a.record_fn(&ctx, mc, "combineByKey")?,
            ];
            ds.combine_by_key(fns, n, site(&ctx, "combineByKey"))
                .map_err(|e| engine_err(&ctx, e))
        };
        if with_n {
            engine.register_fn(
                "reduceByKey",
                move |ctx: NativeCallContext, ds: &mut DStream, f: FnPtr, n: Dynamic| {
                    reduce(ctx, ds, f, n)
                },
            );
            engine.register_fn(
                "groupByKey",
                move |ctx: NativeCallContext, ds: &mut DStream, n: Dynamic| group(ctx, ds, n),
            );
            engine.register_fn(
                "combineByKey",
                move |ctx: NativeCallContext,
                      ds: &mut DStream,
                      c: FnPtr,
                      mv: FnPtr,
                      mc: FnPtr,
                      n: Dynamic| combine(ctx, ds, c, mv, mc, n),
            );
        } else {
            engine.register_fn(
                "reduceByKey",
                move |ctx: NativeCallContext, ds: &mut DStream, f: FnPtr| {
                    reduce(ctx, ds, f, Dynamic::UNIT)
                },
            );
            engine.register_fn(
                "groupByKey",
                move |ctx: NativeCallContext, ds: &mut DStream| group(ctx, ds, Dynamic::UNIT),
            );
            engine.register_fn(
                "combineByKey",
                move |ctx: NativeCallContext, ds: &mut DStream, c: FnPtr, mv: FnPtr, mc: FnPtr| {
                    combine(ctx, ds, c, mv, mc, Dynamic::UNIT)
                },
            );
        }
    }
}

fn register_joins(engine: &mut Engine) {
    let kinds = [
        ("join", Some(JoinKind::Inner)),
        ("leftOuterJoin", Some(JoinKind::LeftOuter)),
        ("rightOuterJoin", Some(JoinKind::RightOuter)),
        ("fullOuterJoin", Some(JoinKind::FullOuter)),
        ("cogroup", None),
    ];
    for (name, kind) in kinds {
        let run = move |ctx: NativeCallContext,
                        ds: &mut DStream,
                        other: DStream,
                        n: Option<usize>|
              -> DStreamResult {
            let s = site(&ctx, name);
            match kind {
                Some(k) => ds.join(&other, k, n, s),
                None => ds.cogroup(&other, n, s),
            }
            .map_err(|e| engine_err(&ctx, e))
        };
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, ds: &mut DStream, other: DStream| {
                run(ctx, ds, other, None)
            },
        );
        engine.register_fn(
            name,
            move |ctx: NativeCallContext,
                  ds: &mut DStream,
                  other: DStream,
                  n: Dynamic|
                  -> DStreamResult {
                let n = partitions(&ctx, &n, "numPartitions")?;
                run(ctx, ds, other, Some(n))
            },
        );
    }
}

fn register_transform(engine: &mut Engine, api: &Api) {
    let a = api.clone();
    engine.register_fn(
        "transform",
        move |ctx: NativeCallContext, ds: &mut DStream, f: FnPtr| -> DStreamResult {
            let rf = a.func(&ctx, f, "transform")?;
            ds.per_batch(site(&ctx, "transform"), move |t, rdd| {
                expect_rdd(
                    call_with_time(&rf, t, std::slice::from_ref(rdd), 1)?,
                    "transform",
                )
            })
            .map_err(|e| engine_err(&ctx, e))
        },
    );
    let a = api.clone();
    engine.register_fn(
        "transformWith",
        move |ctx: NativeCallContext,
              ds: &mut DStream,
              f: FnPtr,
              other: DStream|
              -> DStreamResult {
            let rf = a.func(&ctx, f, "transformWith")?;
            ds.with_other(&other, site(&ctx, "transformWith"), move |t, x, y| {
                expect_rdd(
                    call_with_time(&rf, t, &[x.clone(), y.clone()], 2)?,
                    "transformWith",
                )
            })
            .map_err(|e| engine_err(&ctx, e))
        },
    );
}

/// A window's (windowDuration, slideDuration), each int or float seconds.
fn window_and_slide(
    ctx: &NativeCallContext,
    w: &Dynamic,
    s: &Dynamic,
) -> RhaiResult<(Duration, Duration)> {
    Ok((
        duration(ctx, w, "windowDuration")?,
        duration(ctx, s, "slideDuration")?,
    ))
}

/// `reduceByKeyAndWindow`'s many forms, normalised to (f, invF, window, slide, n, filter).
fn register_windows(engine: &mut Engine, api: &Api) {
    engine.register_fn(
        "window",
        |ctx: NativeCallContext, ds: &mut DStream, w: Dynamic| -> DStreamResult {
            let w = duration(&ctx, &w, "windowDuration")?;
            ds.window(w, None, site(&ctx, "window"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "window",
        |ctx: NativeCallContext, ds: &mut DStream, w: Dynamic, s: Dynamic| -> DStreamResult {
            let (w, s) = window_and_slide(&ctx, &w, &s)?;
            ds.window(w, Some(s), site(&ctx, "window"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    let a = api.clone();
    let rbkw =
        move |ctx: &NativeCallContext, ds: &mut DStream, args: Vec<Dynamic>| -> DStreamResult {
            let mut args = args.into_iter();
            let f = args
                .next()
                .and_then(|d| d.try_cast::<FnPtr>())
                .ok_or_else(|| {
                    runtime(
                        ctx,
                        "reduceByKeyAndWindow: the first argument must be a function",
                    )
                })?;
            let rest: Vec<Dynamic> = args.collect();
            // (f, win[, slide]) when the second argument is a number; else (f, invF, win[, slide, n, filter]).
            let inv_given = rest.first().is_some_and(|d| d.is_unit() || d.is::<FnPtr>());
            let (inv, w, s, n, filter) = if inv_given {
                let g = |i: usize| rest.get(i).cloned().unwrap_or(Dynamic::UNIT);
                (g(0), g(1), g(2), g(3), g(4))
            } else {
                let g = |i: usize| rest.get(i).cloned().unwrap_or(Dynamic::UNIT);
                (Dynamic::UNIT, g(0), g(1), Dynamic::UNIT, Dynamic::UNIT)
            };
            let op = "reduceByKeyAndWindow";
            let f = a.record_fn(ctx, f, op)?;
            let inv = a.opt_fn(ctx, inv, op)?;
            let filter = a.opt_fn(ctx, filter, op)?;
            let w = duration(ctx, &w, "windowDuration")?;
            let s = opt_duration(ctx, &s, "slideDuration")?;
            let n = opt_partitions(ctx, &n, "numPartitions")?;
            ds.reduce_by_key_and_window(f, inv, w, s, n, filter, site(ctx, op))
                .map_err(|e| engine_err(ctx, e))
        };
    let r = rbkw.clone();
    engine.register_fn(
        "reduceByKeyAndWindow",
        move |ctx: NativeCallContext, ds: &mut DStream, f: Dynamic, b: Dynamic| {
            r(&ctx, ds, vec![f, b])
        },
    );
    let r = rbkw.clone();
    engine.register_fn(
        "reduceByKeyAndWindow",
        move |ctx: NativeCallContext, ds: &mut DStream, f: Dynamic, b: Dynamic, c: Dynamic| {
            r(&ctx, ds, vec![f, b, c])
        },
    );
    let r = rbkw.clone();
    engine.register_fn(
        "reduceByKeyAndWindow",
        move |ctx: NativeCallContext,
              ds: &mut DStream,
              f: Dynamic,
              b: Dynamic,
              c: Dynamic,
              d: Dynamic| r(&ctx, ds, vec![f, b, c, d]),
    );
    let r = rbkw.clone();
    engine.register_fn(
        "reduceByKeyAndWindow",
        move |ctx: NativeCallContext,
              ds: &mut DStream,
              f: Dynamic,
              b: Dynamic,
              c: Dynamic,
              d: Dynamic,
              e: Dynamic| r(&ctx, ds, vec![f, b, c, d, e]),
    );
    let r = rbkw;
    engine.register_fn(
        "reduceByKeyAndWindow",
        move |ctx: NativeCallContext,
              ds: &mut DStream,
              f: Dynamic,
              b: Dynamic,
              c: Dynamic,
              d: Dynamic,
              e: Dynamic,
              g: Dynamic| r(&ctx, ds, vec![f, b, c, d, e, g]),
    );

    let a = api.clone();
    engine.register_fn(
        "reduceByWindow",
        move |ctx: NativeCallContext,
              ds: &mut DStream,
              f: FnPtr,
              inv: Dynamic,
              w: Dynamic,
              s: Dynamic|
              -> DStreamResult {
            let op = "reduceByWindow";
            let f = a.record_fn(&ctx, f, op)?;
            let inv = a.opt_fn(&ctx, inv, op)?;
            let (w, s) = window_and_slide(&ctx, &w, &s)?;
            ds.reduce_by_window(f, inv, w, Some(s), site(&ctx, op))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "countByWindow",
        |ctx: NativeCallContext, ds: &mut DStream, w: Dynamic, s: Dynamic| -> DStreamResult {
            let (w, s) = window_and_slide(&ctx, &w, &s)?;
            ds.count_by_window(w, Some(s), site(&ctx, "countByWindow"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    for name in ["countByValueAndWindow", "groupByKeyAndWindow"] {
        let run = move |ctx: NativeCallContext,
                        ds: &mut DStream,
                        w: Dynamic,
                        s: Dynamic,
                        n: Dynamic|
              -> DStreamResult {
            let (w, s) = window_and_slide(&ctx, &w, &s)?;
            let n = opt_partitions(&ctx, &n, "numPartitions")?;
            let st = site(&ctx, name);
            if name == "countByValueAndWindow" {
                ds.count_by_value_and_window(w, Some(s), n, st)
            } else {
                ds.group_by_key_and_window(w, Some(s), n, st)
            }
            .map_err(|e| engine_err(&ctx, e))
        };
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, ds: &mut DStream, w: Dynamic, s: Dynamic| {
                run(ctx, ds, w, s, Dynamic::UNIT)
            },
        );
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, ds: &mut DStream, w: Dynamic, s: Dynamic, n: Dynamic| {
                run(ctx, ds, w, s, n)
            },
        );
    }
}

fn register_state(engine: &mut Engine, api: &Api) {
    let a = api.clone();
    let update = move |ctx: &NativeCallContext,
                       ds: &mut DStream,
                       f: FnPtr,
                       n: Dynamic,
                       initial: Dynamic|
          -> DStreamResult {
        let n = opt_partitions(ctx, &n, "numPartitions")?;
        let f = a.record_fn(ctx, f, "updateStateByKey")?;
        let initial = if initial.is_unit() {
            None
        } else {
            let sc = ds.ctx.spark_context().clone();
            Some(super::values::to_rdd(ctx, &sc, initial, "initialRDD")?)
        };
        ds.update_state_by_key(f, n, initial, site(ctx, "updateStateByKey"))
            .map_err(|e| engine_err(ctx, e))
    };
    let u = update.clone();
    engine.register_fn(
        "updateStateByKey",
        move |ctx: NativeCallContext, ds: &mut DStream, f: FnPtr| {
            u(&ctx, ds, f, Dynamic::UNIT, Dynamic::UNIT)
        },
    );
    let u = update.clone();
    engine.register_fn(
        "updateStateByKey",
        move |ctx: NativeCallContext, ds: &mut DStream, f: FnPtr, n: Dynamic| {
            u(&ctx, ds, f, n, Dynamic::UNIT)
        },
    );
    let u = update;
    engine.register_fn(
        "updateStateByKey",
        move |ctx: NativeCallContext, ds: &mut DStream, f: FnPtr, n: Dynamic, i: Dynamic| {
            u(&ctx, ds, f, n, i)
        },
    );
}

fn register_outputs(engine: &mut Engine, api: &Api) {
    engine.register_fn(
        "pprint",
        |ctx: NativeCallContext, ds: &mut DStream| -> RhaiResult<()> {
            ds.pprint(10, site(&ctx, "pprint"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "pprint",
        |ctx: NativeCallContext, ds: &mut DStream, n: i64| -> RhaiResult<()> {
            let n = count(&ctx, n, "num")?;
            ds.pprint(n, site(&ctx, "pprint"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    let a = api.clone();
    engine.register_fn(
        "foreachRDD",
        move |ctx: NativeCallContext, ds: &mut DStream, f: FnPtr| -> RhaiResult<()> {
            let rf = a.func(&ctx, f, "foreachRDD")?;
            let out: RddOutputFn = Arc::new(move |t, rdd| {
                call_with_time(&rf, t, std::slice::from_ref(rdd), 1).map(|_| ())
            });
            ds.foreach_rdd(out, site(&ctx, "foreachRDD"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "saveAsTextFiles",
        |ctx: NativeCallContext, ds: &mut DStream, prefix: &str| -> RhaiResult<()> {
            ds.save_as_text_files(prefix.to_string(), None, site(&ctx, "saveAsTextFiles"))
                .map_err(|e| engine_err(&ctx, e))
        },
    );
    engine.register_fn(
        "saveAsTextFiles",
        |ctx: NativeCallContext, ds: &mut DStream, prefix: &str, suffix: &str| -> RhaiResult<()> {
            ds.save_as_text_files(
                prefix.to_string(),
                Some(suffix.to_string()),
                site(&ctx, "saveAsTextFiles"),
            )
            .map_err(|e| engine_err(&ctx, e))
        },
    );
}
