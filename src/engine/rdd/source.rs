//! RDDs whose partitions are already in memory: `parallelize` (Spark's
//! `ParallelCollectionRDD`), receiver blocks (`BlockRDD`), a Kafka batch (`KafkaRDD`), a
//! file batch, `sc.textFile`, and `emptyRDD`. A task reads their records without
//! taking them out, so the RDD can be computed again (lineage starts here).

use super::{Compute, Partition, Rdd, RddKind, Records, TaskContext};
use crate::sc::SparkContext;
use std::sync::Arc;

struct InMemory {
    parts: Arc<Vec<Partition>>,
}

impl Compute for InMemory {
    fn compute<'a>(&'a self, split: usize, _tc: &'a TaskContext) -> Records<'a> {
        match self.parts.get(split) {
            Some(p) => Box::new(p.iter().cloned().map(Ok)),
            None => Box::new(std::iter::empty()),
        }
    }

    fn known_len(&self) -> Option<usize> {
        Some(self.parts.iter().map(Vec::len).sum())
    }
}

/// An RDD over `parts`, named as Spark names such an RDD.
pub fn in_memory(sc: &SparkContext, parts: Vec<Partition>, class: &str, creation: &str) -> Rdd {
    let n = parts.len();
    let kind = RddKind::Source {
        class: class.to_string(),
        creation: creation.to_string(),
    };
    Rdd::new_node(
        sc,
        n,
        Vec::new(),
        kind,
        Box::new(InMemory {
            parts: Arc::new(parts),
        }),
    )
}

/// `sc.textFile(path)`'s RDD over lines already read.
pub fn text_file(sc: &SparkContext, parts: Vec<Partition>, path: &str) -> Rdd {
    let n = parts.len();
    let kind = RddKind::TextFile {
        path: path.to_string(),
    };
    Rdd::new_node(
        sc,
        n,
        Vec::new(),
        kind,
        Box::new(InMemory {
            parts: Arc::new(parts),
        }),
    )
}

/// `sc.emptyRDD()`: no partitions at all.
pub fn empty(sc: &SparkContext) -> Rdd {
    Rdd::new_node(
        sc,
        0,
        Vec::new(),
        RddKind::EmptyRdd,
        Box::new(InMemory {
            parts: Arc::new(Vec::new()),
        }),
    )
}

/// A stateful stream's RDD once computed: its partitions, with the lineage cut here (Spark's
/// checkpointed RDD).
pub fn checkpointed(sc: &SparkContext, parts: Vec<Partition>, site: &crate::func::OpSite) -> Rdd {
    in_memory(
        sc,
        parts,
        "LocalCheckpointRDD",
        &format!("{} at {}", site.op, site.location),
    )
}
