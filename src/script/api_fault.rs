//! The fault lab's script functions: `ssc.fault("kill-executor 1")`, `ssc.fault("fail-task
//! map 0 2", 3)` (in the 3rd batch) or with a batch `Time`. The shell's `:fault` takes the
//! same words; both plan the fault on the SparkContext, where the scheduler applies it.
//! And `live_sensor(room, metric)`, the lab's naive source: a sensor read inside a map.

use super::values::{RhaiResult, runtime};
use crate::engine::context::StreamingContext;
use crate::engine::fault::{At, Fault};
use crate::engine::sc::SparkContext;
use crate::engine::time::Time;
use rhai::{Dynamic, Engine, NativeCallContext};
use std::collections::BTreeMap;

/// Plans `spec` at `at` on `sc`: what the shell and scripts call. The text says what will
/// happen, for the user.
pub fn plan(sc: &SparkContext, spec: &str, at: At) -> Result<String, String> {
    let fault = Fault::parse(spec)?;
    if let Fault::KillExecutor { executor } = &fault {
        if !sc.executors().is_cluster() {
            // A warning, not an error: the lab's examples still run, without the fault.
            let text = format!(
                "{fault}: ignored, local mode has one executor, the driver's; start centella \
                 with --master \"local-cluster[2, 1, 1024]\" to have executors to lose"
            );
            if let Some(sink) = sc.sink() {
                sink.warn(&text);
            }
            return Ok(text);
        }
        if !sc.executors().exists(executor) {
            let ids: Vec<String> = sc
                .executors()
                .snapshot()
                .into_iter()
                .map(|e| e.id)
                .collect();
            return Err(format!(
                "{fault}: no executor {executor} (executors: {})",
                ids.join(", ")
            ));
        }
        if !sc.executors().is_alive(executor) {
            return Err(format!("{fault}: executor {executor} is already lost"));
        }
    }
    // Now (the shell's :fault): only a partition that is or will be offline. At a batch (a
    // script plans ahead), in any order.
    if let Fault::KafkaOnline { topic, partition } = &fault
        && at == At::Next
        && !sc.faults().kafka_may_go_offline(topic, *partition)
    {
        return Err(format!(
            "{fault}: partition {partition} of topic '{topic}' is not offline (:fault kafka-offline {topic} {partition} takes it offline)"
        ));
    }
    let text = format!("fault planned: {fault}, {at}");
    sc.faults().add(fault, at);
    Ok(text)
}

fn at_of(ctx: &NativeCallContext, at: &Dynamic) -> RhaiResult<At> {
    if let Some(t) = at.clone().try_cast::<Time>() {
        return Ok(At::Time(t));
    }
    match at.as_int() {
        Ok(n) if n >= 1 => Ok(At::Batch(n as u64)),
        _ => Err(runtime(
            ctx,
            &format!(
                "fault: the moment is a batch number (1 is the first batch) or a batch Time, got {at}"
            ),
        )),
    }
}

/// How many times each (room, metric) sensor was read: a sensor moves on between reads.
static SENSOR_READS: std::sync::Mutex<BTreeMap<(String, String), i64>> =
    std::sync::Mutex::new(BTreeMap::new());

/// `live_sensor(room, metric)`: the sensor's reading now. It keeps moving (one unit a read),
/// so reading it again, as a recomputation from lineage does, gives another number: the
/// naive source Spark's receivers and Kafka exist to avoid. Deterministic for the tests:
/// the n-th read of a sensor is its base plus n; the same formula as export's Python helper.
pub fn live_sensor(room: &str, metric: &str) -> i64 {
    let mut reads = crate::engine::lock(&SENSOR_READS);
    let n = reads
        .entry((room.to_string(), metric.to_string()))
        .or_insert(0);
    let read = *n;
    *n += 1;
    let bytes = |s: &str| s.bytes().map(i64::from).sum::<i64>();
    let base = if metric == "heat" {
        18 + bytes(room) % 8
    } else {
        30 + (bytes(room) + bytes(metric)) % 40
    };
    base + read
}

/// `fault(spec[, at])` as a script calls it: now, or at a batch number or Time.
fn plan_at(
    ctx: &NativeCallContext,
    sc: &SparkContext,
    spec: &str,
    at: Option<Dynamic>,
) -> RhaiResult<String> {
    let at = match at {
        Some(at) => at_of(ctx, &at)?,
        None => At::Next,
    };
    plan(sc, spec, at).map_err(|e| runtime(ctx, &e))
}

pub fn register(engine: &mut Engine) {
    engine.register_fn("live_sensor", |room: &str, metric: &str| {
        live_sensor(room, metric)
    });
    engine.register_fn(
        "fault",
        |ctx: NativeCallContext, ssc: &mut StreamingContext, spec: &str| {
            plan_at(&ctx, ssc.spark_context(), spec, None)
        },
    );
    engine.register_fn(
        "fault",
        |ctx: NativeCallContext, ssc: &mut StreamingContext, spec: &str, at: Dynamic| {
            plan_at(&ctx, ssc.spark_context(), spec, Some(at))
        },
    );
    // The same on `sc`, which a batch's closures may use while the script waits in
    // ssc.awaitTermination() (a fault planned from inside foreachRDD strikes mid-batch).
    engine.register_fn(
        "fault",
        |ctx: NativeCallContext, sc: &mut SparkContext, spec: &str| plan_at(&ctx, sc, spec, None),
    );
    engine.register_fn(
        "fault",
        |ctx: NativeCallContext, sc: &mut SparkContext, spec: &str, at: Dynamic| {
            plan_at(&ctx, sc, spec, Some(at))
        },
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_live_sensor_moves_on_between_reads() {
        let first = super::live_sensor("test-room", "heat");
        assert_eq!(super::live_sensor("test-room", "heat"), first + 1);
        assert_eq!(super::live_sensor("test-room", "heat"), first + 2);
        let other = super::live_sensor("test-room", "humidity");
        assert!((30..70).contains(&other) || other >= 70, "{other}");
    }
}
