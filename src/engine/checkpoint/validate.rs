//! Every field of a checkpoint checked on loading, before recovery trusts it: a hand-edited
//! or corrupted number must be refused with its name and value, not make a run print
//! nothing (a last batch before the zero time) or recompute for ever (one at i64::MAX).

use super::{DataCheckpoint, Metadata};
use crate::time::{MAX_DURATION_SECS, Time};

/// The most pending batches a checkpoint may list (and what a metadata file records).
pub const MAX_PENDING: usize = 1000;

/// The most batches recovery recomputes between the data checkpoint and the last batch.
pub const MAX_RECOMPUTE: i64 = 100_000;

fn bad(field: &str, value: impl std::fmt::Display, allowed: &str) -> String {
    format!("{field} is {value}, but it must be {allowed}")
}

/// The metadata's own consistency: times in range, on the batch grid, in order.
pub fn metadata(m: &Metadata) -> Result<(), String> {
    let max_batch = (MAX_DURATION_SECS * 1000.0) as i64;
    if !(1..=max_batch).contains(&m.batch_ms) {
        return Err(bad(
            "batch_ms",
            m.batch_ms,
            &format!("between 1 and {max_batch}"),
        ));
    }
    if !Time(m.zero_ms).in_range() {
        return Err(bad(
            "zero_ms",
            m.zero_ms,
            "a time between the years 1 and 9999",
        ));
    }
    let on_grid = |ms: i64| ms > m.zero_ms && (ms - m.zero_ms) % m.batch_ms == 0;
    // The start itself is checkpointed with last_completed_ms = zero_ms (no batch yet).
    if m.last_completed_ms != m.zero_ms
        && !(Time(m.last_completed_ms).in_range() && on_grid(m.last_completed_ms))
    {
        return Err(bad(
            "last_completed_ms",
            m.last_completed_ms,
            &format!(
                "zero_ms ({}) plus a whole number of batches of {} ms",
                m.zero_ms, m.batch_ms
            ),
        ));
    }
    if m.pending_ms.len() > MAX_PENDING {
        return Err(bad(
            "the number of pending_ms",
            m.pending_ms.len(),
            &format!("at most {MAX_PENDING}"),
        ));
    }
    let mut previous = m.last_completed_ms;
    for &p in &m.pending_ms {
        if p <= previous || !on_grid(p) || !Time(p).in_range() {
            return Err(bad(
                "a pending_ms entry",
                p,
                "a batch time after last_completed_ms, in increasing order",
            ));
        }
        previous = p;
    }
    if let Some(d) = m.data_ms
        && !(d == m.zero_ms || (on_grid(d) && d <= m.last_completed_ms))
    {
        return Err(bad(
            "data_ms",
            d,
            &format!(
                "a batch time between zero_ms ({}) and last_completed_ms ({})",
                m.zero_ms, m.last_completed_ms
            ),
        ));
    }
    // Recovery recomputes every batch after the data checkpoint: normally a few.
    let from = m.data_ms.unwrap_or(m.zero_ms);
    if (m.last_completed_ms - from) / m.batch_ms > MAX_RECOMPUTE {
        return Err(bad(
            "last_completed_ms",
            m.last_completed_ms,
            &format!(
                "at most {MAX_RECOMPUTE} batches after the data checkpoint ({from}), which recovery recomputes"
            ),
        ));
    }
    for (i, node) in m.graph.iter().enumerate() {
        if node.parents.iter().any(|&p| p >= i) {
            return Err(bad(
                &format!("stream {i}'s parents"),
                format!("{:?}", node.parents),
                "streams defined before it",
            ));
        }
        if !(1..=max_batch).contains(&node.slide_ms) {
            return Err(bad(
                &format!("stream {i}'s slide_ms"),
                node.slide_ms,
                &format!("between 1 and {max_batch}"),
            ));
        }
    }
    if let Some((op, s)) = m.outputs.iter().find(|(_, s)| *s >= m.graph.len()) {
        return Err(bad(
            &format!("the stream of output {op}"),
            s,
            &format!("one of the {} streams", m.graph.len()),
        ));
    }
    Ok(())
}

/// The most batches a real-clock recovery catches up after a downtime (about a day of 1 s
/// batches); Spark has no bound, but each batch writes a checkpoint.
pub const MAX_CATCH_UP_BATCHES: i64 = 100_000;

/// Whether the real clock can resume `m` at `now_ms`: simulated batch times (2021 under the
/// fast clock) would mean catching up every batch since, one by one, and a last batch in the
/// future would never be reached.
pub fn resumable_under_real_clock(m: &Metadata, dir: &str, now_ms: i64) -> Result<(), String> {
    let written_under = m
        .config
        .iter()
        .find(|(k, _)| k == "centella.clock")
        .map(|(_, v)| v.as_str())
        .unwrap_or("real");
    let last = Time(m.last_completed_ms);
    if written_under != "real" {
        return Err(format!(
            "the checkpoint in {dir} was written under --clock {written_under} (simulated batch times, the last {last}); resume it with --clock {written_under}, or delete {dir} to start afresh"
        ));
    }
    if m.last_completed_ms > now_ms.saturating_add(m.batch_ms) {
        return Err(format!(
            "the checkpoint in {dir} says its last batch was at {last}, which is in the future (now {}); delete {dir} to start afresh",
            Time(now_ms)
        ));
    }
    let missed = now_ms.saturating_sub(m.last_completed_ms) / m.batch_ms.max(1);
    if missed > MAX_CATCH_UP_BATCHES {
        return Err(format!(
            "the checkpoint in {dir} stopped at {last}: resuming would run {missed} missed batches (at most {MAX_CATCH_UP_BATCHES} are caught up); delete {dir} to start afresh"
        ));
    }
    Ok(())
}

/// The data checkpoint against the metadata that refers to it.
pub fn data(d: &DataCheckpoint, m: &Metadata) -> Result<(), String> {
    if Some(d.time_ms) != m.data_ms {
        return Err(bad(
            "the data checkpoint's time_ms",
            d.time_ms,
            &format!("the metadata's data_ms ({:?})", m.data_ms),
        ));
    }
    if d.nodes.len() > m.graph.len() {
        return Err(bad(
            "the number of streams in the data checkpoint",
            d.nodes.len(),
            &format!("at most the {} of the graph", m.graph.len()),
        ));
    }
    for (i, node) in d.nodes.iter().enumerate() {
        if let Some((t, _)) = node.rdds.iter().find(|(t, _)| *t > d.time_ms) {
            return Err(bad(
                &format!("an RDD time of stream {i}"),
                t,
                &format!("at most the data checkpoint's time ({})", d.time_ms),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::{FORMAT, NodeShape, VERSION};

    fn meta() -> Metadata {
        Metadata {
            format: FORMAT.into(),
            version: VERSION,
            batch_ms: 1000,
            zero_ms: 1_636_884_053_000,
            graph: vec![NodeShape {
                op: "queueStream".into(),
                site: "s.rhai:1:9".into(),
                parents: Vec::new(),
                slide_ms: 1000,
            }],
            outputs: vec![("pprint".into(), 0)],
            last_completed_ms: 1_636_884_056_000,
            pending_ms: vec![1_636_884_057_000],
            data_ms: Some(1_636_884_054_000),
            written_at_ms: 0,
            config: Vec::new(),
        }
    }

    #[test]
    fn the_real_clock_resumes_only_recent_real_clock_checkpoints() {
        let mut m = meta();
        let last = m.last_completed_ms;
        assert_eq!(resumable_under_real_clock(&m, "cp", last + 5000), Ok(()));
        let future = resumable_under_real_clock(&m, "cp", last - 86_400_000).expect_err("future");
        assert!(future.contains("which is in the future"), "{future}");
        let years = resumable_under_real_clock(&m, "cp", last + 5 * 365 * 86_400_000)
            .expect_err("too many");
        assert!(
            years.contains("resuming would run 157680000 missed batches"),
            "{years}"
        );
        m.config = vec![("centella.clock".into(), "fast".into())];
        let fast = resumable_under_real_clock(&m, "cp", last + 5000).expect_err("fast");
        assert!(fast.contains("was written under --clock fast"), "{fast}");
    }

    #[test]
    fn a_sound_checkpoint_passes() {
        assert_eq!(metadata(&meta()), Ok(()));
    }

    #[test]
    fn every_field_is_checked() {
        type Edit = fn(&mut Metadata);
        let cases: Vec<(Edit, &str)> = vec![
            (
                |m| m.last_completed_ms = -5000,
                "last_completed_ms is -5000",
            ),
            (
                |m| m.last_completed_ms = i64::MAX,
                "last_completed_ms is 9223372036854775807",
            ),
            (
                |m| m.zero_ms = 9_200_000_000_000_000_000,
                "zero_ms is 9200000000000000000",
            ),
            (|m| m.batch_ms = 0, "batch_ms is 0"),
            (|m| m.pending_ms = vec![5], "a pending_ms entry is 5"),
            (
                |m| m.pending_ms = (1..=2000).map(|k| 1_636_884_056_000 + k * 1000).collect(),
                "the number of pending_ms is 2000",
            ),
            (
                |m| m.data_ms = Some(1_636_884_099_000),
                "data_ms is 1636884099000",
            ),
            (
                |m| {
                    m.last_completed_ms += 365 * 24 * 3600 * 1000;
                    m.pending_ms.clear();
                },
                "last_completed_ms is 1668420056000",
            ),
            (|m| m.graph[0].parents = vec![3], "stream 0's parents"),
            (
                |m| m.outputs = vec![("pprint".into(), 7)],
                "the stream of output pprint is 7",
            ),
        ];
        for (edit, expected) in cases {
            let mut m = meta();
            edit(&mut m);
            let err = metadata(&m).expect_err(expected);
            assert!(err.starts_with(expected), "{err}");
        }
    }
}
