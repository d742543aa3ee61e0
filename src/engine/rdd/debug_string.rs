//! `rdd.toDebugString()` in PySpark's words: the RDDs PySpark builds for each operation
//! (a `PythonRDD` for a pipeline of Python functions, `PairwiseRDD` → `ShuffledRDD` →
//! `MapPartitionsRDD` → `PythonRDD` for a combineByKey, ...), one per line, with Spark's
//! indentation and a `+-(n)` where a shuffle starts a new stage.

use super::shuffle::{ShuffleDependency, ShuffleStyle};
use super::{Dependency, Rdd, RddKind};

const PYTHON_RDD: &str = "RDD at PythonRDD.scala:59";
const JAVA: &str = "NativeMethodAccessorImpl.java:0";

/// One line of the lineage (plus its cached-partitions line) and what it depends on.
struct Entry {
    desc: String,
    partitions: usize,
    cached: Option<String>,
    deps: Vec<(bool, Entry)>,
}

fn entry(desc: String, partitions: usize, deps: Vec<(bool, Entry)>) -> Entry {
    Entry {
        desc,
        partitions,
        cached: None,
        deps,
    }
}

/// The lineage of `rdd`, as `toDebugString` prints it.
pub fn debug_string(rdd: &Rdd) -> String {
    let level = rdd.storage_level().description();
    let root = shown(rdd, true);
    let mut lines = Vec::new();
    let part = format!("({})", root.partitions);
    let next = child_prefix(&part);
    lines.push(format!("{part} {} [{level}]", root.desc));
    if let Some(c) = &root.cached {
        lines.push(format!("{next} {c}"));
    }
    children(&root, &next, level, &mut lines);
    lines.join("\n")
}

/// `" |  "` under `(4)`: the bar under the middle of the partition count.
fn child_prefix(part: &str) -> String {
    let left = (part.len() - 1) / 2;
    format!("{}|{}", " ".repeat(left), " ".repeat(part.len() - left))
}

fn children(e: &Entry, prefix: &str, level: &str, lines: &mut Vec<String>) {
    let last = e.deps.len().saturating_sub(1);
    for (i, (shuffle, d)) in e.deps.iter().enumerate() {
        if *shuffle {
            shuffle_lines(d, prefix, i == last, level, lines);
        } else {
            lines.push(format!("{prefix}{} [{level}]", d.desc));
            if let Some(c) = &d.cached {
                lines.push(format!("{prefix}{c}"));
            }
            children(d, prefix, level, lines);
        }
    }
}

fn shuffle_lines(e: &Entry, prefix: &str, last: bool, level: &str, lines: &mut Vec<String>) {
    let part = format!("({})", e.partitions);
    // Spark drops the parent's trailing `|` (and the spaces after it): the `+-` takes its place.
    let this = prefix.trim_end().strip_suffix('|').unwrap_or(prefix);
    let next = format!(
        "{this}{}{}",
        if last { "  " } else { "| " },
        child_prefix(&part)
    );
    lines.push(format!("{this}+-{part} {} [{level}]", e.desc));
    if let Some(c) = &e.cached {
        lines.push(format!("{next}{c}"));
    }
    children(e, &next, level, lines);
}

/// What `rdd` shows as. `top` is false under a pipeline that merged the Python function
/// PySpark runs after a shuffle, so that function is not shown twice.
fn shown(rdd: &Rdd, top: bool) -> Entry {
    let id = rdd.id();
    let n = rdd.num_partitions();
    let mut e = match rdd.kind() {
        RddKind::Source { class, creation } => {
            entry(format!("{class}[{id}] at {creation}"), n, vec![])
        }
        RddKind::TextFile { path } => {
            let hadoop = entry(
                format!("{path} HadoopRDD[{}] at textFile at {JAVA}", id + 1),
                n,
                vec![],
            );
            entry(
                format!("{path} MapPartitionsRDD[{id}] at textFile at {JAVA}"),
                n,
                vec![(false, hadoop)],
            )
        }
        RddKind::EmptyRdd => entry(format!("EmptyRDD[{id}] at emptyRDD at {JAVA}"), n, vec![]),
        RddKind::Pipelined => {
            let deps = narrow_parents(rdd)
                .into_iter()
                .map(|p| (false, below_pipeline(&p)))
                .collect();
            entry(format!("PythonRDD[{id}] at {PYTHON_RDD}"), n, deps)
        }
        RddKind::Union | RddKind::PartitionerAwareUnion => entry(
            format!("{}[{id}] at union at {JAVA}", rdd.class_name()),
            n,
            narrow_parents(rdd)
                .iter()
                .map(|p| (false, shown(p, true)))
                .collect(),
        ),
        RddKind::Cartesian => entry(
            format!("CartesianRDD[{id}] at cartesian at {JAVA}"),
            n,
            narrow_parents(rdd)
                .iter()
                .map(|p| (false, shown(p, true)))
                .collect(),
        ),
        RddKind::Coalesced => entry(
            format!("CoalescedRDD[{id}] at coalesce at {JAVA}"),
            n,
            narrow_parents(rdd)
                .iter()
                .map(|p| (false, shown(p, true)))
                .collect(),
        ),
        RddKind::Shuffled(style) => match shuffle_of(rdd) {
            Some(dep) => shuffled(rdd, &dep, *style, top),
            None => entry(format!("ShuffledRDD[{id}]"), n, vec![]),
        },
    };
    let blocks = rdd.storage().cached_count();
    if blocks > 0 {
        e.cached = Some(format!(
            "    CachedPartitions: {blocks}; MemorySize: {}; DiskSize: 0.0 B",
            bytes_to_string(rdd.storage().memory_size())
        ));
    }
    e
}

/// A pipeline's parent: a shuffle whose final Python merge the pipeline took over shows
/// without it.
fn below_pipeline(parent: &Rdd) -> Entry {
    let merged = matches!(parent.kind(), RddKind::Shuffled(ShuffleStyle::Merged));
    shown(parent, !merged || parent.is_cached())
}

fn narrow_parents(rdd: &Rdd) -> Vec<Rdd> {
    rdd.dependencies()
        .iter()
        .filter_map(|d| match d {
            Dependency::Narrow(p) => Some(p.clone()),
            Dependency::Shuffle(_) => None,
        })
        .collect()
}

fn shuffle_of(rdd: &Rdd) -> Option<std::sync::Arc<ShuffleDependency>> {
    rdd.dependencies().iter().find_map(|d| match d {
        Dependency::Shuffle(dep) => Some(dep.clone()),
        Dependency::Narrow(_) => None,
    })
}

/// The RDDs PySpark builds around a shuffle, from the reduce side down to the map side.
fn shuffled(rdd: &Rdd, dep: &ShuffleDependency, style: ShuffleStyle, top: bool) -> Entry {
    let n = rdd.num_partitions();
    let m = dep.parent.num_partitions();
    let [a, b, c, d] = dep.shown_ids;
    let site = match &dep.site {
        Some(s) if !s.location.is_empty() => format!("{} at {}", dep.op, s.location),
        _ => format!("{} at {JAVA}", dep.op),
    };
    if style == ShuffleStyle::Repartition {
        let map_side = entry(
            format!("MapPartitionsRDD[{c}] at coalesce at {JAVA}"),
            m,
            vec![(false, shown(&dep.parent, true))],
        );
        let shuffled = entry(
            format!("ShuffledRDD[{b}] at coalesce at {JAVA}"),
            n,
            vec![(true, map_side)],
        );
        let coalesced = entry(
            format!("CoalescedRDD[{a}] at coalesce at {JAVA}"),
            n,
            vec![(false, shuffled)],
        );
        return entry(
            format!("MapPartitionsRDD[{}] at coalesce at {JAVA}", rdd.id()),
            n,
            vec![(false, coalesced)],
        );
    }
    // The map side's Python function joins the parent's pipeline when PySpark would merge it.
    let below = match dep.parent.kind() {
        RddKind::Pipelined if !dep.parent.is_cached() => narrow_parents(&dep.parent)
            .iter()
            .map(|p| (false, below_pipeline(p)))
            .collect(),
        RddKind::Shuffled(_) => vec![(false, below_pipeline(&dep.parent))],
        _ => vec![(false, shown(&dep.parent, true))],
    };
    let python = entry(format!("PythonRDD[{d}] at {site}"), m, below);
    let pairwise = entry(
        format!("PairwiseRDD[{c}] at {site}"),
        m,
        vec![(false, python)],
    );
    let shuffled = entry(
        format!("ShuffledRDD[{b}] at partitionBy at {JAVA}"),
        n,
        vec![(true, pairwise)],
    );
    let (values_id, top_id) = match style {
        ShuffleStyle::PartitionBy => (rdd.id(), None),
        _ => (a, Some(rdd.id())),
    };
    let values = entry(
        format!("MapPartitionsRDD[{values_id}] at mapPartitions at PythonRDD.scala:197"),
        n,
        vec![(false, shuffled)],
    );
    match top_id {
        Some(id) if top => entry(
            format!("PythonRDD[{id}] at {PYTHON_RDD}"),
            n,
            vec![(false, values)],
        ),
        _ => values,
    }
}

/// Spark's `Utils.bytesToString`.
fn bytes_to_string(size: u64) -> String {
    const UNITS: [(&str, u64); 4] = [
        ("TiB", 1 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
    ];
    for (unit, scale) in UNITS {
        if size >= 2 * scale {
            return format!("{:.1} {unit}", size as f64 / scale as f64);
        }
    }
    format!("{:.1} B", size as f64)
}
