//! What `:status` prints: the context's state, the last batches as a table, sparklines of
//! processing time against the interval and of the scheduling delay, and a verdict in plain
//! words ("falling behind: processing 1.4 s > interval 1 s, delay growing 0.4 s per batch").

use crate::engine::clock::ClockKind;
use crate::engine::context::StreamingContext;
use crate::engine::stats::BatchInfo;

/// Rows in the `:status` table unless asked for more.
pub const DEFAULT_ROWS: usize = 10;
/// Batches the sparklines and the verdict look at.
const SPARK_BATCHES: usize = 40;
const VERDICT_BATCHES: usize = 10;
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `250 ms`, `1.4 s`, `2 s`.
pub fn fmt_ms(ms: i64) -> String {
    if ms.abs() < 1000 {
        return format!("{ms} ms");
    }
    let s = format!("{:.1}", ms as f64 / 1000.0);
    format!("{} s", s.trim_end_matches(".0"))
}

/// `1s`, `0.5s`: the interval as the shell writes it.
fn interval_text(ms: i64) -> String {
    let s = format!("{:.3}", ms as f64 / 1000.0);
    format!("{}s", s.trim_end_matches('0').trim_end_matches('.'))
}

fn clock_name(c: ClockKind) -> &'static str {
    match c {
        ClockKind::Real => "real",
        ClockKind::Fast => "fast",
        ClockKind::Manual => "manual",
    }
}

/// In a local cluster (the fault lab): each executor, alive or lost, with its tasks and the
/// blocks it holds now.
fn executors_line(ssc: &StreamingContext) -> Option<String> {
    let sc = ssc.spark_context();
    if !sc.executors().is_cluster() {
        return None;
    }
    let parts: Vec<String> = sc
        .executor_summaries()
        .into_iter()
        .map(|e| {
            let state = if e.info.alive { "alive" } else { "LOST" };
            let mut detail = format!("{} tasks", e.info.tasks);
            if e.info.failed_tasks > 0 {
                detail.push_str(&format!(", {} failed", e.info.failed_tasks));
            }
            for (n, what) in [
                (e.rdd_blocks.len(), "RDD block"),
                (e.receiver_blocks.len(), "receiver block"),
            ] {
                if n > 0 {
                    detail.push_str(&format!(", {}", plural(n, what)));
                }
            }
            format!("{} {state} ({detail})", e.info.id)
        })
        .collect();
    Some(format!("executors: {}", parts.join(", ")))
}

/// `1 RDD block`, `2 RDD blocks`.
fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The whole `:status` text for `ssc`, with the last `rows` batches in the table and the web
/// UI's address when it runs.
pub fn render(ssc: &StreamingContext, rows: usize, web_url: Option<&str>) -> String {
    let interval = ssc.batch_duration().ms();
    let mut text = format!(
        "ssc: {}, batch interval {}, clock {}, {} batches done",
        ssc.state().name(),
        interval_text(interval),
        clock_name(ssc.clock()),
        ssc.batches_done()
    );
    if let Some(t) = ssc.running_batch() {
        text.push_str(&format!(", running the batch of {t}"));
    }
    let queued = ssc.queued_batches();
    if queued > 0 {
        text.push_str(&format!(", {queued} queued"));
    }
    match (ssc.checkpoint_dir(), ssc.last_checkpoint()) {
        (Some(_), Some((dir, at))) => {
            let ago = crate::engine::clock::now_ms() - at;
            text.push_str(&format!(
                "\ncheckpoint: {dir}, last written {} ago",
                fmt_ms(ago)
            ));
        }
        (Some(dir), None) => text.push_str(&format!("\ncheckpoint: {dir}, none written yet")),
        _ => {}
    }
    if let Some(line) = executors_line(ssc) {
        text.push('\n');
        text.push_str(&line);
    }
    let recent = ssc.recent_batches(rows.max(SPARK_BATCHES));
    if recent.is_empty() {
        text.push_str("\nno batch has run yet");
    } else {
        text.push('\n');
        let shown = &recent[recent.len().saturating_sub(rows)..];
        text.push_str(&table(shown));
        if let Some(b) = shown
            .iter()
            .rev()
            .find(|b| !b.failed_tasks.is_empty() || !b.recomputed.is_empty())
        {
            text.push('\n');
            text.push_str(&task_faults(b));
        }
        text.push('\n');
        text.push_str(&sparklines(&recent, interval));
        text.push_str("\nverdict: ");
        text.push_str(&verdict(&recent, interval, ssc.clock()));
    }
    if let Some(url) = web_url {
        text.push_str(&format!("\nweb UI: {url}"));
    }
    text
}

/// The batches as a table: time, records, scheduling delay, processing, total delay, ops.
pub fn table(batches: &[BatchInfo]) -> String {
    let mut text = format!(
        "last {} batches:\n  {:<21}{:>8}{:>13}{:>13}{:>13}{:>6}",
        batches.len(),
        "batch time",
        "records",
        "sched delay",
        "processing",
        "total delay",
        "ops"
    );
    for b in batches {
        let ops = b.output_ops.len();
        let failed = b
            .output_ops
            .iter()
            .filter(|o| o.failure_reason.is_some())
            .count();
        text.push_str(&format!(
            "\n  {:<21}{:>8}{:>13}{:>13}{:>13}{:>6}",
            b.batch_time.to_string(),
            b.num_records,
            fmt_ms(b.scheduling_delay_ms()),
            fmt_ms(b.processing_delay_ms()),
            fmt_ms(b.total_delay_ms()),
            format!("{}/{ops}", ops - failed)
        ));
        if let Some(faults) = fault_counts(b) {
            text.push_str("  ");
            text.push_str(&faults);
        }
        if let Some(f) = b.failures.first() {
            text.push_str(&format!("  FAILED: {}", first_line(f, 60)));
        }
    }
    text
}

/// A batch's failed task attempts and recomputations in a few words, none when it had none:
/// `2 failed tasks (retried)`, `4 failed tasks (job failed)`, `1 recomputed from lineage`.
fn fault_counts(b: &BatchInfo) -> Option<String> {
    let mut parts = Vec::new();
    if !b.failed_tasks.is_empty() {
        let how = if b.failed_a_job() {
            "job failed"
        } else {
            "retried"
        };
        parts.push(format!(
            "{} ({how})",
            plural(b.failed_tasks.len(), "failed task")
        ));
    }
    if !b.recomputed.is_empty() {
        parts.push(format!("{} recomputed from lineage", b.recomputed.len()));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Failed attempts listed under the table, at most this many.
const FAULT_LINES: usize = 6;

/// The newest batch's failed attempts and recomputed chains, one line each, as the
/// scheduler logged them.
fn task_faults(b: &BatchInfo) -> String {
    let mut lines = vec![format!("task faults in the batch of {}:", b.batch_time)];
    for f in b.failed_tasks.iter().take(FAULT_LINES) {
        lines.push(format!(
            "  lost {} on executor {}: {} -> {}",
            f.task_name(),
            f.executor,
            first_line(short_class(&f.error), 80),
            f.outcome.describe(f.partition)
        ));
    }
    if b.failed_tasks.len() > FAULT_LINES {
        lines.push(format!(
            "  ... and {} more failed tasks (the web UI lists them all)",
            b.failed_tasks.len() - FAULT_LINES
        ));
    }
    for r in b.recomputed.iter().take(FAULT_LINES) {
        lines.push(format!(
            "  recomputed {} on executor {}: {}",
            r.task_name(),
            r.executor,
            r.chain()
        ));
    }
    if b.recomputed.len() > FAULT_LINES {
        lines.push(format!(
            "  ... and {} more recomputed tasks",
            b.recomputed.len() - FAULT_LINES
        ));
    }
    lines.join("\n")
}

/// An error without its exception's package (`PythonException: ...` for
/// `org.apache.spark.api.python.PythonException: ...`), so the message fits the line.
fn short_class(error: &str) -> &str {
    match error.split_once(": ") {
        Some((class, _)) if class.contains('.') && !class.contains(' ') => {
            class.rsplit_once('.').map_or(error, |(package, _)| {
                error.get(package.len() + 1..).unwrap_or(error)
            })
        }
        _ => error,
    }
}

fn first_line(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or_default();
    if line.chars().count() > max {
        let cut: String = line.chars().take(max - 3).collect();
        format!("{cut}...")
    } else {
        line.to_string()
    }
}

/// One block character per value, scaled so that `top` is a full block.
pub fn sparkline(values: &[i64], top: i64) -> String {
    let top = top.max(1) as f64;
    values
        .iter()
        .map(|&v| {
            let level = ((v.max(0) as f64 / top) * 8.0).ceil() as usize;
            BLOCKS[level.clamp(1, 8) - 1]
        })
        .collect()
}

fn sparklines(batches: &[BatchInfo], interval: i64) -> String {
    let last = &batches[batches.len().saturating_sub(SPARK_BATCHES)..];
    let proc: Vec<i64> = last.iter().map(|b| b.processing_delay_ms()).collect();
    let delay: Vec<i64> = last.iter().map(|b| b.scheduling_delay_ms()).collect();
    let max_proc = proc.iter().copied().max().unwrap_or(0);
    let top = max_proc.max(interval);
    let mark = sparkline(&[interval], top);
    let max_delay = delay.iter().copied().max().unwrap_or(0);
    format!(
        "processing time   {}  max {} (the {} interval is {mark})\nscheduling delay  {}  max {}",
        sparkline(&proc, top),
        fmt_ms(max_proc),
        fmt_ms(interval),
        sparkline(&delay, max_delay.max(interval)),
        fmt_ms(max_delay)
    )
}

/// Least-squares slope of `ys` per step.
fn slope(ys: &[i64]) -> f64 {
    let n = ys.len() as f64;
    if ys.len() < 2 {
        return 0.0;
    }
    let mx = (n - 1.0) / 2.0;
    let my = ys.iter().sum::<i64>() as f64 / n;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, &y) in ys.iter().enumerate() {
        let dx = i as f64 - mx;
        num += dx * (y as f64 - my);
        den += dx * dx;
    }
    if den == 0.0 { 0.0 } else { num / den }
}

/// The plain-words verdict on the last batches: stable, close to the limit, falling behind
/// (the delay grows every batch) or recovering.
pub fn verdict(batches: &[BatchInfo], interval: i64, clock: ClockKind) -> String {
    let last = &batches[batches.len().saturating_sub(VERDICT_BATCHES)..];
    if last.is_empty() {
        return "no batch has run yet".into();
    }
    let n = last.len() as i64;
    let proc = last.iter().map(|b| b.processing_delay_ms()).sum::<i64>() / n;
    let delays: Vec<i64> = last.iter().map(|b| b.scheduling_delay_ms()).collect();
    let delay_now = delays.last().copied().unwrap_or(0);
    let growth = slope(&delays).round() as i64;
    let interval_s = fmt_ms(interval);
    if clock.is_simulated() {
        return if proc > interval {
            format!(
                "would fall behind on the real clock: processing {} > interval {interval_s} \
                 (the {} clock runs batches back to back, so no delay builds up here)",
                fmt_ms(proc),
                clock_name(clock)
            )
        } else {
            format!(
                "keeps up: processing {} < interval {interval_s} (simulated clock: no scheduling delay)",
                fmt_ms(proc)
            )
        };
    }
    if proc > interval || (growth > interval / 20 && growth > 5) {
        let mut text = format!(
            "falling behind: processing {} > interval {interval_s}",
            fmt_ms(proc)
        );
        if proc <= interval {
            text = format!(
                "falling behind: processing {} is close to interval {interval_s}",
                fmt_ms(proc)
            );
        }
        if growth > 0 {
            text.push_str(&format!(
                ", delay growing {} per batch (now {})",
                fmt_ms(growth),
                fmt_ms(delay_now)
            ));
        }
        return text;
    }
    if delay_now > interval / 2 && growth < 0 {
        return format!(
            "recovering: processing {} < interval {interval_s}, the {} delay shrinks {} per batch",
            fmt_ms(proc),
            fmt_ms(delay_now),
            fmt_ms(-growth)
        );
    }
    let pct = proc * 100 / interval.max(1);
    if pct >= 80 {
        return format!(
            "stable but close to the limit: processing {} is {pct}% of interval {interval_s}",
            fmt_ms(proc)
        );
    }
    format!(
        "stable: processing {} < interval {interval_s} ({pct}% of it), scheduling delay {}",
        fmt_ms(proc),
        fmt_ms(delay_now)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::Time;

    fn batch(i: i64, delay: i64, proc: i64) -> BatchInfo {
        let sub = i * 1000;
        BatchInfo {
            batch_time: Time(sub),
            num_records: 3,
            submission_time: sub,
            processing_start: sub + delay,
            processing_end: sub + delay + proc,
            failures: Vec::new(),
            input_info: Vec::new(),
            output_ops: Vec::new(),
            failed_tasks: Vec::new(),
            recomputed: Vec::new(),
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(fmt_ms(250), "250 ms");
        assert_eq!(fmt_ms(1400), "1.4 s");
        assert_eq!(fmt_ms(2000), "2 s");
    }

    #[test]
    fn a_batch_with_task_faults_says_so_in_a_few_words() {
        use crate::engine::rdd::task::{How, LineageStep};
        use crate::engine::scheduler::task_info::{FailedTaskInfo, RecomputedTask, TaskOutcome};
        let mut b = batch(1, 0, 10);
        assert_eq!(fault_counts(&b), None, "no fault, nothing said");
        b.failed_tasks.push(FailedTaskInfo {
            stage_id: 4,
            partition: 0,
            attempt: 0,
            task_id: 4,
            executor: "0".into(),
            error: "org.apache.spark.api.python.PythonException: injected (fail-task map 0 2)"
                .into(),
            outcome: TaskOutcome::RetriedSucceeded { attempt: 1 },
        });
        b.recomputed.push(RecomputedTask {
            stage_id: 4,
            partition: 1,
            attempt: 1,
            executor: "0".into(),
            steps: vec![
                LineageStep {
                    rdd: "ParallelCollectionRDD[0]".into(),
                    partition: 1,
                    how: How::Recomputed {
                        executor: "1".into(),
                    },
                    source: None,
                },
                LineageStep {
                    rdd: "UnionRDD[12]".into(),
                    partition: 1,
                    how: How::Computed,
                    source: None,
                },
            ],
        });
        assert_eq!(
            fault_counts(&b).as_deref(),
            Some("1 failed task (retried), 1 recomputed from lineage")
        );
        assert_eq!(
            task_faults(&b),
            format!(
                "task faults in the batch of {}:\n  \
             lost task 0.0 in stage 4.0 (TID 4) on executor 0: PythonException: injected \
             (fail-task map 0 2) -> retried, 0.1 succeeded\n  \
             recomputed task 1.1 in stage 4.0 on executor 0: ParallelCollectionRDD[0] \
             partition 1 (RECOMPUTED: its block was lost with executor 1) -> UnionRDD[12] \
             partition 1",
                b.batch_time
            )
        );
        b.failed_tasks[0].outcome = TaskOutcome::FailedJob;
        assert!(fault_counts(&b).is_some_and(|s| s.starts_with("1 failed task (job failed)")));
        assert_eq!(
            short_class("ExecutorLostFailure (executor 1 ...)"),
            "ExecutorLostFailure (executor 1 ...)"
        );
    }

    #[test]
    fn sparkline_scales_to_the_top() {
        assert_eq!(sparkline(&[0, 500, 1000], 1000), "▁▄█");
    }

    #[test]
    fn verdicts() {
        let behind: Vec<BatchInfo> = (0..8).map(|i| batch(i, i * 400, 1400)).collect();
        assert_eq!(
            verdict(&behind, 1000, ClockKind::Real),
            "falling behind: processing 1.4 s > interval 1 s, delay growing 400 ms per batch (now 2.8 s)"
        );
        let fine: Vec<BatchInfo> = (0..8).map(|i| batch(i, 1, 200)).collect();
        assert!(verdict(&fine, 1000, ClockKind::Real).starts_with("stable: processing 200 ms"));
        let back: Vec<BatchInfo> = (0..8).map(|i| batch(i, 3000 - i * 300, 700)).collect();
        assert!(verdict(&back, 1000, ClockKind::Real).starts_with("recovering"));
        assert!(verdict(&behind, 1000, ClockKind::Fast).starts_with("would fall behind"));
    }
}
