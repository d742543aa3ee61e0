//! The batch-side RDD API that `transform` and `foreachRDD` hand to closures. Transformations
//! are lazy: each adds a node stamped with where the script called it, so a function that
//! fails when an action runs is named by its own operation and line.

use super::values::{Api, RhaiResult, count, records, runtime, site};
use crate::engine::cogroup::{self, JoinKind};
use crate::engine::dstream::output;
use crate::engine::func::OpSite;
use crate::engine::pair;
use crate::engine::pyrepr;
use crate::engine::rdd::{JobError, Rdd, StorageLevel, with_creation_site};
use rhai::{Dynamic, Engine, FnPtr, NativeCallContext};

type RddResult = RhaiResult<Rdd>;

/// An action's failure: the operation whose function failed (or the action), and why.
fn fail(ctx: &NativeCallContext, op: &str, e: JobError) -> Box<rhai::EvalAltResult> {
    let message = e.message();
    let failed = e.site.unwrap_or_else(|| site(ctx, op));
    runtime(ctx, &format!("{failed} failed: {message}"))
}

/// Runs `f` with the RDDs it makes stamped with the script's call of `op`.
fn made_at<T>(ctx: &NativeCallContext, op: &str, f: impl FnOnce() -> T) -> T {
    let here: OpSite = site(ctx, op);
    with_creation_site(&here, f)
}

macro_rules! fn_op {
    ($engine:ident, $api:ident, $name:literal, |$r:ident, $f:ident| $body:expr) => {{
        let a = $api.clone();
        $engine.register_fn(
            $name,
            move |ctx: NativeCallContext, $r: &mut Rdd, f: FnPtr| -> RddResult {
                let $f = a.record_fn(&ctx, f, $name)?;
                Ok(made_at(&ctx, $name, || $body))
            },
        );
    }};
}

pub fn register(engine: &mut Engine, api: &Api) {
    engine.register_type_with_name::<Rdd>("RDD");
    engine.register_fn("to_string", |r: &mut Rdd| format!("{r:?}"));
    engine.register_fn("to_debug", |r: &mut Rdd| format!("{r:?}"));
    engine.register_fn("toDebugString", |r: &mut Rdd| {
        crate::engine::rdd::debug_string::debug_string(r)
    });
    fn_op!(engine, api, "map", |r, f| r.map(f));
    fn_op!(engine, api, "flatMap", |r, f| r.flat_map(f));
    fn_op!(engine, api, "filter", |r, f| r.filter(f));
    fn_op!(engine, api, "mapValues", |r, f| r.map_values(f));
    fn_op!(engine, api, "flatMapValues", |r, f| r.flat_map_values(f));
    fn_op!(engine, api, "mapPartitions", |r, f| r.map_partitions(f));
    fn_op!(engine, api, "mapPartitionsWithIndex", |r, f| r
        .map_partitions_with_index(f));
    fn_op!(engine, api, "reduceByKey", |r, f| pair::reduce_by_key(
        r,
        f,
        r.num_partitions()
    ));
    fn_op!(engine, api, "sortBy", |r, f| pair::sort_by(
        r, f, true, None
    ));
    fn_op!(engine, api, "keyBy", |r, f| r.key_by(f));
    register_shuffles(engine, api);
    register_actions(engine, api);
    register_misc(engine);
}

fn register_shuffles(engine: &mut Engine, api: &Api) {
    engine.register_fn("reduceByKey", {
        let a = api.clone();
        move |ctx: NativeCallContext, r: &mut Rdd, f: FnPtr, n: Dynamic| -> RddResult {
            let n = super::checked::partitions(&ctx, &n, "numPartitions")?;
            let f = a.record_fn(&ctx, f, "reduceByKey")?;
            Ok(made_at(&ctx, "reduceByKey", || {
                pair::reduce_by_key(r, f, n.max(1))
            }))
        }
    });
    engine.register_fn(
        "groupByKey",
        |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
            Ok(made_at(&ctx, "groupByKey", || {
                pair::group_by_key(r, r.num_partitions())
            }))
        },
    );
    engine.register_fn(
        "groupByKey",
        |ctx: NativeCallContext, r: &mut Rdd, n: Dynamic| -> RddResult {
            let n = super::checked::partitions(&ctx, &n, "numPartitions")?;
            Ok(made_at(&ctx, "groupByKey", || {
                pair::group_by_key(r, n.max(1))
            }))
        },
    );
    engine.register_fn(
        "partitionBy",
        |ctx: NativeCallContext, r: &mut Rdd, n: Dynamic| -> RddResult {
            let n = super::checked::partitions(&ctx, &n, "numPartitions")?;
            Ok(made_at(&ctx, "partitionBy", || {
                pair::partition_by(r, n.max(1))
            }))
        },
    );
    engine.register_fn(
        "sortByKey",
        |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
            Ok(made_at(&ctx, "sortByKey", || {
                pair::sort_by_key(r, true, None)
            }))
        },
    );
    engine.register_fn(
        "sortByKey",
        |ctx: NativeCallContext, r: &mut Rdd, asc: bool| -> RddResult {
            Ok(made_at(&ctx, "sortByKey", || {
                pair::sort_by_key(r, asc, None)
            }))
        },
    );
    engine.register_fn(
        "sortByKey",
        |ctx: NativeCallContext, r: &mut Rdd, asc: bool, n: Dynamic| -> RddResult {
            let n = super::checked::partitions(&ctx, &n, "numPartitions")?;
            Ok(made_at(&ctx, "sortByKey", || {
                pair::sort_by_key(r, asc, Some(n.max(1)))
            }))
        },
    );
    let a = api.clone();
    engine.register_fn(
        "sortBy",
        move |ctx: NativeCallContext, r: &mut Rdd, f: FnPtr, asc: bool| -> RddResult {
            let f = a.record_fn(&ctx, f, "sortBy")?;
            Ok(made_at(&ctx, "sortBy", || pair::sort_by(r, f, asc, None)))
        },
    );
    let a = api.clone();
    engine.register_fn(
        "combineByKey",
        move |ctx: NativeCallContext, r: &mut Rdd, c: FnPtr, mv: FnPtr, mc: FnPtr| -> RddResult {
            let (c, mv, mc) = (
                a.record_fn(&ctx, c, "combineByKey")?,
                a.record_fn(&ctx, mv, "combineByKey")?,
                a.record_fn(&ctx, mc, "combineByKey")?,
            );
            let agg = std::sync::Arc::new(pair::CombineAgg {
                create: c,
                merge_value: mv,
                merge_combiners: mc,
            });
            Ok(made_at(&ctx, "combineByKey", || {
                pair::combine_by_key(r, agg, r.num_partitions(), "combineByKey")
            }))
        },
    );
    for (name, kind) in [
        ("join", Some(JoinKind::Inner)),
        ("leftOuterJoin", Some(JoinKind::LeftOuter)),
        ("rightOuterJoin", Some(JoinKind::RightOuter)),
        ("fullOuterJoin", Some(JoinKind::FullOuter)),
        ("cogroup", None),
    ] {
        let run = move |ctx: &NativeCallContext, a: &Rdd, b: &Rdd, n: usize| -> RddResult {
            Ok(made_at(ctx, name, || match kind {
                Some(k) => cogroup::join(a, b, n, k),
                None => cogroup::cogroup(a, b, n),
            }))
        };
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, a: &mut Rdd, b: Rdd| -> RddResult {
                let n = a.num_partitions() + b.num_partitions();
                run(&ctx, a, &b, n)
            },
        );
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, a: &mut Rdd, b: Rdd, n: Dynamic| -> RddResult {
                let n = super::checked::partitions(&ctx, &n, "numPartitions")?;
                run(&ctx, a, &b, n.max(1))
            },
        );
    }
    engine.register_fn(
        "distinct",
        |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
            Ok(made_at(&ctx, "distinct", || pair::distinct(r, None)))
        },
    );
    engine.register_fn("keys", |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
        Ok(made_at(&ctx, "keys", || pair::project(r, 0)))
    });
    engine.register_fn(
        "values",
        |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
            Ok(made_at(&ctx, "values", || pair::project(r, 1)))
        },
    );
}

fn counts_to_map(v: Vec<(rhai::Dynamic, i64)>) -> rhai::Map {
    v.into_iter()
        .map(|(k, n)| (pyrepr::python_str(&k).into(), Dynamic::from(n)))
        .collect()
}

fn register_actions(engine: &mut Engine, api: &Api) {
    engine.register_fn(
        "collect",
        |ctx: NativeCallContext, r: &mut Rdd| -> RhaiResult<Dynamic> {
            r.collect()
                .map(records)
                .map_err(|e| fail(&ctx, "collect", e))
        },
    );
    engine.register_fn(
        "count",
        |ctx: NativeCallContext, r: &mut Rdd| -> RhaiResult<i64> {
            r.count()
                .map(|n| n as i64)
                .map_err(|e| fail(&ctx, "count", e))
        },
    );
    engine.register_fn(
        "isEmpty",
        |ctx: NativeCallContext, r: &mut Rdd| -> RhaiResult<bool> {
            r.is_empty().map_err(|e| fail(&ctx, "isEmpty", e))
        },
    );
    engine.register_fn("getNumPartitions", |r: &mut Rdd| r.num_partitions() as i64);
    engine.register_fn(
        "take",
        |ctx: NativeCallContext, r: &mut Rdd, n: i64| -> RhaiResult<Dynamic> {
            let n = count(&ctx, n, "num")?;
            r.take(n).map(records).map_err(|e| fail(&ctx, "take", e))
        },
    );
    engine.register_fn(
        "first",
        |ctx: NativeCallContext, r: &mut Rdd| -> RhaiResult<Dynamic> {
            r.first().map_err(|e| fail(&ctx, "first", e))
        },
    );
    engine.register_fn(
        "top",
        |ctx: NativeCallContext, r: &mut Rdd, n: i64| -> RhaiResult<Dynamic> {
            let n = count(&ctx, n, "num")?;
            r.top(n, None)
                .map(records)
                .map_err(|e| fail(&ctx, "top", e))
        },
    );
    engine.register_fn(
        "takeOrdered",
        |ctx: NativeCallContext, r: &mut Rdd, n: i64| -> RhaiResult<Dynamic> {
            let n = count(&ctx, n, "num")?;
            r.take_ordered(n, None)
                .map(records)
                .map_err(|e| fail(&ctx, "takeOrdered", e))
        },
    );
    for (name, desc) in [("top", true), ("takeOrdered", false)] {
        let a = api.clone();
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, r: &mut Rdd, n: i64, key: FnPtr| -> RhaiResult<Dynamic> {
                let n = count(&ctx, n, "num")?;
                let key = a.record_fn(&ctx, key, name)?;
                let res = if desc {
                    r.top(n, Some(key))
                } else {
                    r.take_ordered(n, Some(key))
                };
                res.map(records).map_err(|e| fail(&ctx, name, e))
            },
        );
    }
    let a = api.clone();
    engine.register_fn(
        "reduce",
        move |ctx: NativeCallContext, r: &mut Rdd, f: FnPtr| -> RhaiResult<Dynamic> {
            let f = a.record_fn(&ctx, f, "reduce")?;
            let reduced = made_at(&ctx, "reduce", || r.reduce(f));
            match reduced.map_err(|e| fail(&ctx, "reduce", e))? {
                Some(v) => Ok(v),
                None => Err(runtime(&ctx, "ValueError: Can not reduce() empty RDD")),
            }
        },
    );
    let a = api.clone();
    engine.register_fn(
        "fold",
        move |ctx: NativeCallContext,
              r: &mut Rdd,
              zero: Dynamic,
              f: FnPtr|
              -> RhaiResult<Dynamic> {
            let f = a.record_fn(&ctx, f, "fold")?;
            made_at(&ctx, "fold", || r.fold(&zero, f)).map_err(|e| fail(&ctx, "fold", e))
        },
    );
    let a = api.clone();
    engine.register_fn(
        "foreach",
        move |ctx: NativeCallContext, r: &mut Rdd, f: FnPtr| -> RhaiResult<()> {
            let f = a.record_fn(&ctx, f, "foreach")?;
            made_at(&ctx, "foreach", || r.foreach(f)).map_err(|e| fail(&ctx, "foreach", e))
        },
    );
    engine.register_fn(
        "countByKey",
        |ctx: NativeCallContext, r: &mut Rdd| -> RhaiResult<rhai::Map> {
            pair::count_by(r, true)
                .map(counts_to_map)
                .map_err(|e| fail(&ctx, "countByKey", e))
        },
    );
    engine.register_fn(
        "countByValue",
        |ctx: NativeCallContext, r: &mut Rdd| -> RhaiResult<rhai::Map> {
            pair::count_by(r, false)
                .map(counts_to_map)
                .map_err(|e| fail(&ctx, "countByValue", e))
        },
    );
    let notation = api.config.notation;
    engine.register_fn(
        "saveAsTextFile",
        move |ctx: NativeCallContext, r: &mut Rdd, path: &str| -> RhaiResult<()> {
            output::save_as_text_file(r, path, notation)
                .map_err(|e| fail(&ctx, "saveAsTextFile", e))
        },
    );
}

fn register_misc(engine: &mut Engine) {
    engine.register_fn("glom", |ctx: NativeCallContext, r: &mut Rdd| {
        made_at(&ctx, "glom", || r.glom())
    });
    engine.register_fn("union", |a: &mut Rdd, b: Rdd| a.union(&b));
    engine.register_fn("cartesian", |a: &mut Rdd, b: Rdd| a.cartesian(&b));
    engine.register_fn(
        "zipWithIndex",
        |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
            made_at(&ctx, "zipWithIndex", || r.zip_with_index())
                .map_err(|e| fail(&ctx, "zipWithIndex", e))
        },
    );
    engine.register_fn(
        "repartition",
        |ctx: NativeCallContext, r: &mut Rdd, n: Dynamic| -> RddResult {
            let n = super::checked::repartition_count(&ctx, &n)?;
            Ok(made_at(&ctx, "repartition", || r.repartition(n)))
        },
    );
    engine.register_fn(
        "coalesce",
        |ctx: NativeCallContext, r: &mut Rdd, n: Dynamic| -> RddResult {
            Ok(r.coalesce(super::checked::repartition_count(&ctx, &n)?))
        },
    );
    engine.register_fn("cache", |r: &mut Rdd| r.cache());
    engine.register_fn("persist", |r: &mut Rdd| r.persist(StorageLevel::MemoryOnly));
    engine.register_fn("persist", |r: &mut Rdd, level: Dynamic| {
        let level = match level.to_string().as_str() {
            "MEMORY_AND_DISK" | "MEMORY_AND_DISK_2" | "DISK_ONLY" => StorageLevel::MemoryAndDisk,
            _ => StorageLevel::MemoryOnly,
        };
        r.persist(level)
    });
    engine.register_fn("unpersist", |r: &mut Rdd| r.unpersist());
    engine.register_fn("id", |r: &mut Rdd| r.id() as i64);
}
