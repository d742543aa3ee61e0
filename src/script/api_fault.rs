//! The fault lab's script function: `ssc.fault("kill-executor 1")`, `ssc.fault("fail-task
//! map 0 2", 3)` (in the 3rd batch) or with a batch `Time`. The shell's `:fault` takes the
//! same words; both plan the fault on the SparkContext, where the scheduler applies it.

use super::values::{RhaiResult, runtime};
use crate::engine::context::StreamingContext;
use crate::engine::fault::{At, Fault};
use crate::engine::sc::SparkContext;
use crate::engine::time::Time;
use rhai::{Dynamic, Engine, NativeCallContext};

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
    if let Fault::KafkaOnline { topic, partition } = &fault
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

pub fn register(engine: &mut Engine) {
    engine.register_fn(
        "fault",
        |ctx: NativeCallContext, ssc: &mut StreamingContext, spec: &str| -> RhaiResult<String> {
            plan(ssc.spark_context(), spec, At::Next).map_err(|e| runtime(&ctx, &e))
        },
    );
    engine.register_fn(
        "fault",
        |ctx: NativeCallContext,
         ssc: &mut StreamingContext,
         spec: &str,
         at: Dynamic|
         -> RhaiResult<String> {
            let at = at_of(&ctx, &at)?;
            plan(ssc.spark_context(), spec, at).map_err(|e| runtime(&ctx, &e))
        },
    );
}
