//! The JSON of Spark's REST API for streaming (`/api/v1/applications/{app-id}/streaming/...`,
//! Spark's `org.apache.spark.status.api.v1.streaming` classes): same paths, same field names,
//! dates as Spark writes them (`2021-11-14T09:00:54.000GMT`), delays in milliseconds, and
//! absent values left out as Spark's JSON does. Plus the page's own one-poll document.

use super::monitor::{Monitor, Snapshot};
use crate::engine::executor::ExecutorSummary;
use crate::engine::listener::ReceiverInfo;
use crate::engine::rdd::task::How;
use crate::engine::stats::BatchInfo;
use crate::engine::time::Time;
use serde_json::{Map, Value, json};

/// Spark's date format: UTC, milliseconds, a literal `GMT`.
pub fn spark_date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fGMT").to_string())
        .unwrap_or_default()
}

/// An object without its `null` fields (Spark omits `None`).
fn object(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        other => other,
    }
}

fn avg(xs: impl Iterator<Item = i64>) -> Option<i64> {
    let (sum, n) = xs.fold((0i64, 0i64), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| sum / n)
}

/// `GET .../streaming/statistics`: Spark's StreamingStatistics.
pub fn statistics(s: &Snapshot) -> Value {
    let h = &s.history;
    let rates: Vec<f64> = h
        .iter()
        .map(|b| b.num_records as f64 * 1000.0 / s.batch_ms.max(1) as f64)
        .collect();
    let avg_rate = (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64);
    let active = s.receivers.iter().filter(|r| r.active).count();
    object(json!({
        "startTime": s.start_time().map(spark_date),
        "batchDuration": s.batch_ms,
        "numReceivers": s.receivers.len(),
        "numActiveReceivers": active,
        "numInactiveReceivers": s.receivers.len() - active,
        "numTotalCompletedBatches": s.batches_done,
        "numRetainedCompletedBatches": h.len(),
        "numActiveBatches": s.queued.len() + usize::from(s.running.is_some()),
        "numProcessedRecords": s.processed,
        "numReceivedRecords": s.processed,
        "avgInputRate": avg_rate,
        "avgSchedulingDelay": avg(h.iter().map(|b| b.scheduling_delay_ms())),
        "avgProcessingTime": avg(h.iter().map(|b| b.processing_delay_ms())),
        "avgTotalDelay": avg(h.iter().map(|b| b.total_delay_ms())),
    }))
}

/// `GET .../streaming/receivers`: Spark's ReceiverInfo, with the event rate per batch.
pub fn receivers(s: &Snapshot) -> Value {
    Value::Array(
        s.receivers
            .iter()
            .enumerate()
            .map(|(i, r)| receiver(s, i, r))
            .collect(),
    )
}

fn receiver(s: &Snapshot, index: usize, r: &ReceiverInfo) -> Value {
    // Records per second of the input stream the receiver feeds, per batch.
    let kind = r.name.split_whitespace().next().unwrap_or_default();
    let wanted = if kind.starts_with("Socket") {
        "socketTextStream"
    } else {
        "textFileStream"
    };
    let rates: Vec<Value> = s
        .history
        .iter()
        .map(|b| {
            let n: u64 = b
                .input_info
                .iter()
                .filter(|i| i.name == wanted)
                .map(|i| i.num_records)
                .sum();
            let rate = n as f64 * 1000.0 / s.batch_ms.max(1) as f64;
            json!([b.batch_time.ms(), rate])
        })
        .collect();
    let avg_rate = (!rates.is_empty()).then(|| {
        rates
            .iter()
            .filter_map(|r| r.get(1).and_then(Value::as_f64))
            .sum::<f64>()
            / rates.len() as f64
    });
    object(json!({
        "streamId": index,
        "streamName": r.name,
        "isActive": r.active,
        "executorId": s.receiver_executors.get(&r.stream_id).map_or("driver", String::as_str),
        "executorHost": "localhost",
        "lastErrorTime": r.last_error_time.map(spark_date),
        "lastErrorMessage": r.last_error,
        "lastError": r.last_error,
        "avgEventRate": avg_rate,
        "eventRates": rates,
    }))
}

fn completed(s: &Snapshot, b: &BatchInfo) -> Value {
    let failed = b
        .output_ops
        .iter()
        .filter(|o| o.failure_reason.is_some())
        .count();
    object(json!({
        "batchId": b.batch_time.ms(),
        "batchTime": spark_date(b.batch_time.ms()),
        "status": "COMPLETED",
        "batchDuration": s.batch_ms,
        "inputSize": b.num_records,
        "schedulingDelay": b.scheduling_delay_ms(),
        "processingTime": b.processing_delay_ms(),
        "totalDelay": b.total_delay_ms(),
        "numActiveOutputOps": 0,
        "numCompletedOutputOps": b.output_ops.len() - failed,
        "numFailedOutputOps": failed,
        "numTotalOutputOps": b.output_ops.len(),
        "firstFailureReason": b.output_ops.iter().find_map(|o| o.failure_reason.clone()),
    }))
}

fn active(s: &Snapshot, t: Time, status: &str) -> Value {
    json!({
        "batchId": t.ms(),
        "batchTime": spark_date(t.ms()),
        "status": status,
        "batchDuration": s.batch_ms,
        "inputSize": 0,
        "numActiveOutputOps": if status == "PROCESSING" { s.num_outputs() } else { 0 },
        "numCompletedOutputOps": 0,
        "numFailedOutputOps": 0,
        "numTotalOutputOps": s.num_outputs(),
    })
}

/// `GET .../streaming/batches[?status=COMPLETED|PROCESSING|QUEUED]`: newest first, as Spark.
pub fn batches(s: &Snapshot, statuses: &[String]) -> Value {
    let wants = |st: &str| statuses.is_empty() || statuses.iter().any(|x| x == st);
    let mut out: Vec<(i64, Value)> = Vec::new();
    if wants("COMPLETED") {
        out.extend(
            s.history
                .iter()
                .map(|b| (b.batch_time.ms(), completed(s, b))),
        );
    }
    if wants("QUEUED") {
        out.extend(s.queued.iter().map(|t| (t.ms(), active(s, *t, "QUEUED"))));
    }
    if wants("PROCESSING")
        && let Some(t) = s.running
    {
        out.push((t.ms(), active(s, t, "PROCESSING")));
    }
    out.sort_by_key(|(id, _)| -id);
    Value::Array(out.into_iter().map(|(_, v)| v).collect())
}

/// `GET .../streaming/batches/{batch-id}`.
pub fn batch(s: &Snapshot, id: i64) -> Option<Value> {
    match batches(s, &[]) {
        Value::Array(all) => all
            .into_iter()
            .find(|b| b.get("batchId").and_then(Value::as_i64) == Some(id)),
        _ => None,
    }
}

/// `GET .../streaming/batches/{batch-id}/operations`: Spark's OutputOperationInfo.
pub fn operations(s: &Snapshot, id: i64) -> Option<Value> {
    let b = s.history.iter().find(|b| b.batch_time.ms() == id)?;
    Some(Value::Array(
        b.output_ops
            .iter()
            .map(|o| {
                object(json!({
                    "outputOpId": o.id,
                    "name": o.name,
                    "description": o.description,
                    "startTime": o.start_time.map(spark_date),
                    "endTime": o.end_time.map(spark_date),
                    "duration": o.duration_ms(),
                    "failureReason": o.failure_reason,
                    "jobIds": o.jobs.iter().map(|j| j.job_id).collect::<Vec<_>>(),
                }))
            })
            .collect(),
    ))
}

/// One job of an output operation, with its stages (Spark's jobs and stages pages, in brief).
fn job(j: &crate::engine::scheduler::dag_scheduler::JobInfo) -> Value {
    let stages: Vec<Value> = j
        .stages
        .iter()
        .map(|st| {
            object(json!({
                "stageId": st.stage_id,
                "name": st.name,
                "numTasks": st.num_tasks,
                "skipped": st.skipped,
                "failedTasks": st.failed_attempts,
                "failureReason": st.failure,
            }))
        })
        .collect();
    json!({
        "jobId": j.job_id,
        "name": j.name,
        "status": if j.succeeded { "SUCCEEDED" } else { "FAILED" },
        "stages": stages,
    })
}

/// One executor of a local cluster with its tasks and the blocks it holds now (the block
/// ids for the page's hover).
fn executor(e: &ExecutorSummary) -> Value {
    let i = &e.info;
    object(json!({
        "id": i.id,
        "alive": i.alive,
        "cores": i.cores,
        "tasks": i.tasks,
        "failedTasks": i.failed_tasks,
        "lostReason": i.lost_reason,
        "rddBlocks": e.rdd_blocks.len(),
        "receiverBlocks": e.receiver_blocks.len(),
        "rddBlockIds": e.rdd_blocks,
        "receiverBlockIds": e.receiver_blocks,
    }))
}

/// A batch's failed task attempts and lineage recomputations, on its row of the page's
/// document: `numFailedTasks`, `failedTasks` (Spark's TaskData names: `index`, `attempt`,
/// `taskId`, `executorId`, `status`, `errorMessage`; plus what became of the task) and
/// `recomputed` (each task's chain, its steps marked).
fn task_faults(row: &mut Map<String, Value>, b: &BatchInfo) {
    let failed: Vec<Value> = b
        .failed_tasks
        .iter()
        .map(|f| {
            json!({
                "stageId": f.stage_id,
                "index": f.partition,
                "attempt": f.attempt,
                "taskId": f.task_id,
                "executorId": f.executor,
                "status": "FAILED",
                "errorMessage": f.error,
                "retried": f.outcome.retried(),
                "outcome": f.outcome.describe(f.partition),
            })
        })
        .collect();
    let recomputed: Vec<Value> = b
        .recomputed
        .iter()
        .map(|r| {
            let steps: Vec<Value> = r
                .steps
                .iter()
                .map(|s| {
                    let (status, lost_with) = match &s.how {
                        How::Cached => ("CACHED", None),
                        How::Computed => ("COMPUTED", None),
                        How::Recomputed { executor } => ("RECOMPUTED", Some(executor)),
                    };
                    object(json!({
                        "rdd": s.rdd,
                        "partition": s.partition,
                        "status": status,
                        "lostWithExecutor": lost_with,
                        "source": s.source,
                    }))
                })
                .collect();
            json!({
                "stageId": r.stage_id,
                "index": r.partition,
                "attempt": r.attempt,
                "executorId": r.executor,
                "task": r.task_name(),
                "chain": r.chain(),
                "steps": steps,
            })
        })
        .collect();
    row.insert("numFailedTasks".into(), failed.len().into());
    row.insert("failedTasks".into(), Value::Array(failed));
    row.insert("recomputed".into(), Value::Array(recomputed));
}

/// `GET /api/v1/applications`: the one application.
pub fn application(m: &Monitor) -> Value {
    json!({
        "id": m.app_id,
        "name": m.app_name,
        "attempts": [{
            "startTime": spark_date(m.start_ms),
            "endTime": "1969-12-31T23:59:59.999GMT",
            "lastUpdated": spark_date(m.start_ms),
            "duration": 0,
            "sparkUser": std::env::var("USER").unwrap_or_default(),
            "completed": false,
            "appSparkVersion": concat!("centella ", env!("CARGO_PKG_VERSION")),
            "startTimeEpoch": m.start_ms,
            "endTimeEpoch": -1,
            "lastUpdatedEpoch": m.start_ms,
        }],
    })
}

/// The page's document: everything it draws, in one poll.
pub fn page(m: &Monitor, s: &Snapshot) -> Value {
    let batches: Vec<Value> = s
        .history
        .iter()
        .map(|b| {
            let failed = b
                .output_ops
                .iter()
                .filter(|o| o.failure_reason.is_some())
                .count();
            json!([
                b.batch_time.ms(),
                b.num_records,
                b.scheduling_delay_ms(),
                b.processing_delay_ms(),
                b.total_delay_ms(),
                failed,
                b.output_ops.len()
            ])
        })
        .collect();
    let table: Vec<Value> = s
        .history
        .iter()
        .rev()
        .take(100)
        .map(|b| {
            let mut v = completed(s, b);
            if let Value::Object(o) = &mut v {
                o.insert("time".into(), b.batch_time.to_string().into());
                let ops: Vec<Value> = b
                    .output_ops
                    .iter()
                    .map(|o| {
                        object(json!({
                            "name": o.name,
                            "description": o.description,
                            "duration": o.duration_ms(),
                            "failureReason": o.failure_reason,
                            "jobs": o.jobs.iter().map(job).collect::<Vec<_>>(),
                        }))
                    })
                    .collect();
                o.insert("ops".into(), Value::Array(ops));
                task_faults(o, b);
            }
            v
        })
        .collect();
    let mut act: Vec<Value> = s
        .queued
        .iter()
        .rev()
        .map(|t| {
            json!({"batchId": t.ms(), "time": t.to_string(), "status": "queued", "ops": s.num_outputs()})
        })
        .collect();
    if let Some(t) = s.running {
        act.push(
            json!({"batchId": t.ms(), "time": t.to_string(), "status": "processing", "ops": s.num_outputs()}),
        );
    }
    let graph = json!({
        "nodes": s.graph.nodes.iter().map(|n| json!({
            "id": n.id, "op": n.op, "location": n.location, "parents": n.parents, "input": n.input,
        })).collect::<Vec<_>>(),
        "outputs": s.graph.outputs.iter().map(|o| json!({
            "op": o.op, "location": o.location, "stream": o.stream,
        })).collect::<Vec<_>>(),
    });
    let mut doc = Map::new();
    doc.insert("appId".into(), m.app_id.clone().into());
    doc.insert("appName".into(), m.app_name.clone().into());
    doc.insert("state".into(), s.state.name().into());
    doc.insert(
        "clock".into(),
        match s.clock {
            crate::engine::clock::ClockKind::Real => "real",
            crate::engine::clock::ClockKind::Fast => "fast",
            crate::engine::clock::ClockKind::Manual => "manual",
        }
        .into(),
    );
    doc.insert("now".into(), crate::engine::clock::now_ms().into());
    doc.insert(
        "startTime".into(),
        s.start_time().map(Value::from).unwrap_or(Value::Null),
    );
    doc.insert(
        "startText".into(),
        s.start_time()
            .map(|ms| Time(ms).to_string())
            .unwrap_or_default()
            .into(),
    );
    doc.insert("statistics".into(), statistics(s));
    doc.insert(
        "verdict".into(),
        super::status::verdict(&s.history, s.batch_ms, s.clock).into(),
    );
    doc.insert("batches".into(), Value::Array(batches));
    doc.insert("completed".into(), Value::Array(table));
    let executors: Vec<Value> = s.executors.iter().map(executor).collect();
    doc.insert("executors".into(), Value::Array(executors));
    doc.insert("active".into(), Value::Array(act));
    doc.insert("receivers".into(), receivers(s));
    doc.insert("graph".into(), graph);
    Value::Object(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_spark_writes_them() {
        assert_eq!(spark_date(1_636_880_454_000), "2021-11-14T09:00:54.000GMT");
    }
}
