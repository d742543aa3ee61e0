//! The batch-side RDD API that `transform` and `foreachRDD` hand to closures.

use super::values::{Api, RhaiResult, count, records, runtime, site};
use crate::engine::cogroup::{self, JoinKind};
use crate::engine::func::FnError;
use crate::engine::pair;
use crate::engine::rdd::Rdd;
use crate::engine::{dstream::output, pyrepr};
use rhai::{Dynamic, Engine, FnPtr, NativeCallContext};

type RddResult = RhaiResult<Rdd>;

fn fail(ctx: &NativeCallContext, op: &str, e: FnError) -> Box<rhai::EvalAltResult> {
    runtime(ctx, &format!("{} failed: {e}", site(ctx, op)))
}

macro_rules! fn_op {
    ($engine:ident, $api:ident, $name:literal, |$r:ident, $f:ident| $body:expr) => {{
        let a = $api.clone();
        $engine.register_fn(
            $name,
            move |ctx: NativeCallContext, $r: &mut Rdd, f: FnPtr| -> RddResult {
                let $f = a.record_fn(&ctx, f, $name)?;
                let $f = &*$f;
                $body.map_err(|e| fail(&ctx, $name, e))
            },
        );
    }};
}

pub fn register(engine: &mut Engine, api: &Api) {
    engine.register_type_with_name::<Rdd>("RDD");
    engine.register_fn("to_string", |r: &mut Rdd| format!("{r:?}"));
    engine.register_fn("to_debug", |r: &mut Rdd| format!("{r:?}"));
    fn_op!(engine, api, "map", |r, f| r.map(f));
    fn_op!(engine, api, "flatMap", |r, f| r.flat_map(f));
    fn_op!(engine, api, "filter", |r, f| r.filter(f));
    fn_op!(engine, api, "mapValues", |r, f| pair::map_values(r, f));
    fn_op!(engine, api, "flatMapValues", |r, f| pair::flat_map_values(
        r, f
    ));
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
    fn_op!(engine, api, "keyBy", |r, f| r.map_partitions_native(
        |_, p| {
            let mut c = f.caller();
            p.iter()
                .map(|x| Ok(crate::engine::rdd::pair_of(c.call1(x.clone())?, x.clone())))
                .collect()
        }
    ));
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
            pair::reduce_by_key(r, &*f, n.max(1)).map_err(|e| fail(&ctx, "reduceByKey", e))
        }
    });
    engine.register_fn(
        "groupByKey",
        |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
            pair::group_by_key(r, r.num_partitions()).map_err(|e| fail(&ctx, "groupByKey", e))
        },
    );
    engine.register_fn(
        "groupByKey",
        |ctx: NativeCallContext, r: &mut Rdd, n: Dynamic| -> RddResult {
            let n = super::checked::partitions(&ctx, &n, "numPartitions")?;
            pair::group_by_key(r, n.max(1)).map_err(|e| fail(&ctx, "groupByKey", e))
        },
    );
    engine.register_fn(
        "partitionBy",
        |ctx: NativeCallContext, r: &mut Rdd, n: Dynamic| -> RddResult {
            let n = super::checked::partitions(&ctx, &n, "numPartitions")?;
            pair::partition_by(r, n.max(1)).map_err(|e| fail(&ctx, "partitionBy", e))
        },
    );
    engine.register_fn(
        "sortByKey",
        |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
            pair::sort_by_key(r, true, None).map_err(|e| fail(&ctx, "sortByKey", e))
        },
    );
    engine.register_fn(
        "sortByKey",
        |ctx: NativeCallContext, r: &mut Rdd, asc: bool| -> RddResult {
            pair::sort_by_key(r, asc, None).map_err(|e| fail(&ctx, "sortByKey", e))
        },
    );
    engine.register_fn(
        "sortByKey",
        |ctx: NativeCallContext, r: &mut Rdd, asc: bool, n: Dynamic| -> RddResult {
            let n = super::checked::partitions(&ctx, &n, "numPartitions")?;
            pair::sort_by_key(r, asc, Some(n.max(1))).map_err(|e| fail(&ctx, "sortByKey", e))
        },
    );
    let a = api.clone();
    engine.register_fn(
        "sortBy",
        move |ctx: NativeCallContext, r: &mut Rdd, f: FnPtr, asc: bool| -> RddResult {
            let f = a.record_fn(&ctx, f, "sortBy")?;
            pair::sort_by(r, &*f, asc, None).map_err(|e| fail(&ctx, "sortBy", e))
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
            let agg = pair::CombineAgg {
                create: &*c,
                merge_value: &*mv,
                merge_combiners: &*mc,
            };
            pair::combine_by_key(r, &agg, r.num_partitions(), "combineByKey")
                .map_err(|e| fail(&ctx, "combineByKey", e))
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
            match kind {
                Some(k) => cogroup::join(a, b, n, k),
                None => cogroup::cogroup(a, b, n),
            }
            .map_err(|e| fail(ctx, name, e))
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
            pair::distinct(r, None).map_err(|e| fail(&ctx, "distinct", e))
        },
    );
    engine.register_fn("keys", |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
        pair::project(r, 0).map_err(|e| fail(&ctx, "keys", e))
    });
    engine.register_fn(
        "values",
        |ctx: NativeCallContext, r: &mut Rdd| -> RddResult {
            pair::project(r, 1).map_err(|e| fail(&ctx, "values", e))
        },
    );
}

fn counts_to_map(v: Vec<(rhai::Dynamic, i64)>) -> rhai::Map {
    v.into_iter()
        .map(|(k, n)| (pyrepr::python_str(&k).into(), Dynamic::from(n)))
        .collect()
}

fn register_actions(engine: &mut Engine, api: &Api) {
    engine.register_fn("collect", |r: &mut Rdd| records(r.collect()));
    engine.register_fn("count", |r: &mut Rdd| r.count() as i64);
    engine.register_fn("isEmpty", |r: &mut Rdd| r.is_empty());
    engine.register_fn("getNumPartitions", |r: &mut Rdd| r.num_partitions() as i64);
    engine.register_fn(
        "take",
        |ctx: NativeCallContext, r: &mut Rdd, n: i64| -> RhaiResult<Dynamic> {
            Ok(records(r.take(count(&ctx, n, "num")?)))
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
                    r.top(n, Some(&*key))
                } else {
                    r.take_ordered(n, Some(&*key))
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
            match r.reduce(&*f).map_err(|e| fail(&ctx, "reduce", e))? {
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
            r.fold(&zero, &*f).map_err(|e| fail(&ctx, "fold", e))
        },
    );
    let a = api.clone();
    engine.register_fn(
        "foreach",
        move |ctx: NativeCallContext, r: &mut Rdd, f: FnPtr| -> RhaiResult<()> {
            let f = a.record_fn(&ctx, f, "foreach")?;
            r.foreach(&*f).map_err(|e| fail(&ctx, "foreach", e))
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
    engine.register_fn("glom", |r: &mut Rdd| r.glom());
    engine.register_fn("union", |a: &mut Rdd, b: Rdd| a.union(&b));
    engine.register_fn("cartesian", |a: &mut Rdd, b: Rdd| a.cartesian(&b));
    engine.register_fn("zipWithIndex", |r: &mut Rdd| r.zip_with_index());
    engine.register_fn(
        "repartition",
        |ctx: NativeCallContext, r: &mut Rdd, n: Dynamic| -> RddResult {
            Ok(r.repartition(super::checked::repartition_count(&ctx, &n)?))
        },
    );
    engine.register_fn(
        "coalesce",
        |ctx: NativeCallContext, r: &mut Rdd, n: Dynamic| -> RddResult {
            Ok(r.coalesce(super::checked::repartition_count(&ctx, &n)?))
        },
    );
    engine.register_fn("cache", |r: &mut Rdd| r.clone());
    engine.register_fn("persist", |r: &mut Rdd| r.clone());
}
