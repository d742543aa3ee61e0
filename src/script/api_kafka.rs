//! `KafkaUtils::createDirectStream(ssc, ["tweets"], #{ "metadata.broker.list": "localhost:9092" })`
//! as a static module, so the seed's spelling works; `rdd.offsetRanges()` (Spark's
//! `HasOffsetRanges`) and the `OffsetRange` values it returns.

use super::values::{RhaiResult, engine_err, runtime, site};
use crate::engine::context::StreamingContext;
use crate::engine::rdd::Rdd;
use centella_kafka::{HasOffsetRanges, KafkaParams, OffsetRange, OffsetReset};
use rhai::{Dynamic, Engine, NativeCallContext};
use std::collections::BTreeMap;

type DStreamResult = RhaiResult<crate::engine::api::DStream>;

const OP: &str = "KafkaUtils.createDirectStream";

fn topics_of(ctx: &NativeCallContext, topics: rhai::Array) -> RhaiResult<Vec<String>> {
    let mut out = Vec::new();
    for t in topics {
        match t.into_immutable_string() {
            Ok(s) if !s.is_empty() => out.push(s.to_string()),
            _ => {
                return Err(runtime(
                    ctx,
                    &format!("{OP}: topics must be non-empty strings"),
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(runtime(ctx, &format!("{OP}: give at least one topic")));
    }
    Ok(out)
}

fn param(map: &rhai::Map, key: &str) -> Option<String> {
    map.get(key).map(|v| {
        v.clone()
            .into_immutable_string()
            .map(|s| s.to_string())
            .unwrap_or_else(|_| v.to_string())
    })
}

fn params_of(
    ctx: &NativeCallContext,
    topics: rhai::Array,
    kafka_params: rhai::Map,
) -> RhaiResult<KafkaParams> {
    let topics = topics_of(ctx, topics)?;
    let brokers = param(&kafka_params, "metadata.broker.list")
        .or_else(|| param(&kafka_params, "bootstrap.servers"))
        .ok_or_else(|| {
            runtime(
                ctx,
                &format!(
                    "{OP}: Must specify metadata.broker.list or bootstrap.servers (e.g. #{{ \"metadata.broker.list\": \"localhost:9092\" }})"
                ),
            )
        })?;
    let brokers: Vec<String> = brokers
        .split(',')
        .map(|b| b.trim().trim_start_matches("tcp://").to_string())
        .filter(|b| !b.is_empty())
        .collect();
    if brokers.is_empty() {
        return Err(runtime(
            ctx,
            &format!("{OP}: metadata.broker.list is empty"),
        ));
    }
    let reset = match param(&kafka_params, "auto.offset.reset").as_deref() {
        None | Some("largest") | Some("latest") => OffsetReset::Largest,
        Some("smallest") | Some("earliest") => OffsetReset::Smallest,
        Some(other) => {
            return Err(runtime(
                ctx,
                &format!(
                    "{OP}: auto.offset.reset must be \"smallest\" or \"largest\", got \"{other}\""
                ),
            ));
        }
    };
    Ok(KafkaParams {
        brokers,
        topics,
        reset,
        from_offsets: None,
    })
}

/// `fromOffsets`: `#{ "tweets:0": 5, ... }` or `[["tweets", 0, 5], ...]`.
fn from_offsets_of(
    ctx: &NativeCallContext,
    topics: &[String],
    from: Dynamic,
) -> RhaiResult<Option<BTreeMap<(String, i32), i64>>> {
    if from.is_unit() {
        return Ok(None);
    }
    let bad = |what: String| {
        runtime(
            ctx,
            &format!(
                "{OP}: fromOffsets must map \"topic:partition\" to an offset, e.g. #{{ \"tweets:0\": 5 }}, or be [[topic, partition, offset], ...]; {what}"
            ),
        )
    };
    let type_name = from.type_name();
    let mut out = BTreeMap::new();
    if let Some(map) = from.clone().try_cast::<rhai::Map>() {
        for (k, v) in map {
            let (topic, p) = k
                .rsplit_once(':')
                .ok_or_else(|| bad(format!("got the key \"{k}\"")))?;
            let p: i32 = p.parse().map_err(|_| bad(format!("got the key \"{k}\"")))?;
            let off = v
                .as_int()
                .map_err(|_| bad(format!("the offset of \"{k}\" is not an integer")))?;
            out.insert((topic.to_string(), p), off);
        }
    } else if let Some(arr) = from.try_cast::<rhai::Array>() {
        for item in arr {
            let triple = item
                .try_cast::<rhai::Array>()
                .filter(|a| a.len() == 3)
                .ok_or_else(|| bad("an element is not [topic, partition, offset]".into()))?;
            let topic = triple[0]
                .clone()
                .into_immutable_string()
                .map_err(|_| bad("a topic is not a string".into()))?;
            let p = triple[1]
                .as_int()
                .ok()
                .and_then(|p| i32::try_from(p).ok())
                .ok_or_else(|| bad("a partition is not an integer".into()))?;
            let off = triple[2]
                .as_int()
                .map_err(|_| bad("an offset is not an integer".into()))?;
            out.insert((topic.to_string(), p), off);
        }
    } else {
        return Err(bad(format!("got {type_name}")));
    }
    if out.values().any(|o| *o < 0) {
        return Err(bad("an offset is negative".into()));
    }
    // Spark's check: the offsets' topics must be the topics given.
    let given: std::collections::BTreeSet<&str> = topics.iter().map(|t| t.as_str()).collect();
    let of_offsets: std::collections::BTreeSet<&str> =
        out.keys().map(|(t, _)| t.as_str()).collect();
    if given != of_offsets {
        return Err(runtime(
            ctx,
            &format!(
                "{OP}: The specified topics: {} do not equal to the topic from offsets: {}",
                given.into_iter().collect::<Vec<_>>().join(" "),
                of_offsets.into_iter().collect::<Vec<_>>().join(" ")
            ),
        ));
    }
    Ok(Some(out))
}

fn create(
    ctx: &NativeCallContext,
    ssc: &StreamingContext,
    topics: rhai::Array,
    kafka_params: rhai::Map,
    from: Dynamic,
) -> DStreamResult {
    let mut params = params_of(ctx, topics, kafka_params)?;
    params.from_offsets = from_offsets_of(ctx, &params.topics, from)?;
    centella_kafka::create_direct_stream(ssc, params, site(ctx, OP)).map_err(|e| engine_err(ctx, e))
}

pub fn register(engine: &mut Engine) {
    let mut module = rhai::Module::new();
    rhai::FuncRegistration::new("createDirectStream").set_into_module(
        &mut module,
        |ctx: NativeCallContext, ssc: StreamingContext, topics: rhai::Array, params: rhai::Map| {
            create(&ctx, &ssc, topics, params, Dynamic::UNIT)
        },
    );
    rhai::FuncRegistration::new("createDirectStream").set_into_module(
        &mut module,
        |ctx: NativeCallContext,
         ssc: StreamingContext,
         topics: rhai::Array,
         params: rhai::Map,
         from: Dynamic| { create(&ctx, &ssc, topics, params, from) },
    );
    engine.register_static_module("KafkaUtils", module.into());

    engine.register_type_with_name::<OffsetRange>("OffsetRange");
    engine.register_fn("to_string", |r: &mut OffsetRange| r.to_string());
    engine.register_fn("to_debug", |r: &mut OffsetRange| r.to_string());
    engine.register_get("topic", |r: &mut OffsetRange| r.topic.clone());
    engine.register_get("partition", |r: &mut OffsetRange| r.partition as i64);
    engine.register_get("fromOffset", |r: &mut OffsetRange| r.from_offset);
    engine.register_get("untilOffset", |r: &mut OffsetRange| r.until_offset);
    engine.register_fn("count", |r: &mut OffsetRange| r.count());
    engine.register_fn(
        "offsetRanges",
        |ctx: NativeCallContext, rdd: &mut Rdd| -> RhaiResult<rhai::Array> {
            match rdd.offset_ranges() {
                Some(ranges) => Ok(ranges.iter().cloned().map(Dynamic::from).collect()),
                None => Err(runtime(
                    &ctx,
                    "offsetRanges: this RDD has no offset ranges; only the RDDs of a Kafka direct stream have them, so call it in the first transform/foreachRDD on the stream (as in Spark)",
                )),
            }
        },
    );
}
