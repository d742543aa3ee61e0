//! RDDs as Spark has them: each is a node of a lineage graph that holds its parents, how it
//! depends on them (narrow, or a shuffle) and how to compute one partition. Nothing runs
//! until an action asks for partitions; then the DAG scheduler (`scheduler::dag_scheduler`)
//! cuts the lineage into stages at shuffles and runs one task per partition, and within a
//! task narrow operations are pipelined: records flow through them one at a time.
//!
//! - `narrow.rs`: the pipelined operations (map, flatMap, filter, ...), merged into one
//!   node as PySpark's `PipelinedRDD` merges them;
//! - `shuffle.rs`: shuffle dependencies (map side, map outputs) and the reduce side;
//! - `source.rs`: RDDs over data already in memory (parallelize, receiver blocks, ...);
//! - `storage.rs`: `cache()`/`persist()`: the partitions a persisted RDD keeps;
//! - `actions.rs`: collect, count, take (scanning partitions as PySpark does), ...;
//! - `debug_string.rs`: `toDebugString` in PySpark's words.

mod actions;
pub mod aggregator;
pub mod debug_string;
pub mod narrow;
pub mod shuffle;
pub mod source;
pub mod storage;
pub mod task;

use super::func::{FnError, Record};
use super::pyorder;
use super::record::{RecordView, view};
use super::sc::SparkContext;
pub use crate::error::JobError;
use std::any::Any;
use std::sync::Arc;
pub use storage::StorageLevel;
pub use task::{TaskContext, creation_site, with_creation_site};

pub type Partition = Vec<Record>;

/// A partition's records as a task pulls them.
pub type Records<'a> = Box<dyn Iterator<Item = Result<Record, FnError>> + 'a>;

/// How an RDD computes one partition from its parents (Spark's `RDD.compute`).
pub trait Compute: Send + Sync {
    fn compute<'a>(&'a self, split: usize, tc: &'a TaskContext) -> Records<'a>;

    /// For data already in memory: how many records the partitions hold.
    fn known_len(&self) -> Option<usize> {
        None
    }

    /// For a pipelined RDD: its parent and its steps, so a following step can join them.
    fn pipeline(&self) -> Option<(&Rdd, &[narrow::SitedStep])> {
        None
    }

    /// For a source: where partition `split` comes from (a Kafka offset range, a block),
    /// written into a recomputed lineage chain.
    fn describe_partition(&self, _split: usize) -> Option<String> {
        None
    }
}

/// How an RDD depends on a parent.
#[derive(Clone)]
pub enum Dependency {
    /// Each partition needs a few parent partitions, in the same task (pipelined).
    Narrow(Rdd),
    /// Each partition needs a piece of every parent partition: a stage boundary.
    Shuffle(Arc<shuffle::ShuffleDependency>),
}

/// What kind of RDD a node is, in Spark's terms: its class and where it was made, as
/// `toDebugString` shows them.
#[derive(Clone, Debug)]
pub enum RddKind {
    /// Data in memory: `ParallelCollectionRDD`, `BlockRDD`, `KafkaRDD`, ...
    Source {
        class: String,
        creation: String,
    },
    /// `sc.textFile(path)`: Hadoop's two RDDs, both named by the path.
    TextFile {
        path: String,
    },
    EmptyRdd,
    /// PySpark's `PipelinedRDD`: Python functions applied in one pass.
    Pipelined,
    Shuffled(shuffle::ShuffleStyle),
    Union,
    /// A union of RDDs with one partitioner: partition i of each, together.
    PartitionerAwareUnion,
    Cartesian,
    Coalesced,
}

/// The longest lineage an RDD may have. Spark's own overflows the JVM's stack a little
/// deeper than PySpark's 3,000 or so; a deeper one here would overflow ours (computing,
/// printing or dropping it walks the chain), so an RDD past it is an error instead.
pub const MAX_LINEAGE: usize = 4_000;

pub struct RddNode {
    sc: SparkContext,
    id: usize,
    /// RDDs from here to the farthest source, this one included.
    depth: usize,
    num_partitions: usize,
    deps: Vec<Dependency>,
    kind: RddKind,
    compute: Box<dyn Compute>,
    storage: Arc<storage::Storage>,
    /// What a source stream knows about the batch this RDD holds (a Kafka direct stream's
    /// offset ranges, Spark's `HasOffsetRanges`), kept without knowing its type.
    source_info: Option<Arc<dyn Any + Send + Sync>>,
    /// Where its keys are, when PySpark knows (`rdd.partitioner`).
    partitioner: Option<Partitioner>,
}

/// Spark's `Partitioner` as PySpark sets it: which partition each key is in. RDDs with equal
/// partitioners keep every key in the same partition, so a union of them is
/// partitioner-aware (partition i of each, together) as in Spark's `SparkContext.union`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partitioner {
    pub num_partitions: usize,
    pub func: PartitionFunc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartitionFunc {
    /// `portable_hash(key) % n`: reduceByKey, groupByKey, partitionBy, join, ...
    PortableHash,
    /// A sortByKey's range bounds, here the id of its RDD: PySpark compares partition
    /// functions by identity, so it equals no other.
    Range(usize),
}

impl Partitioner {
    pub fn hash(num_partitions: usize) -> Partitioner {
        Partitioner {
            num_partitions,
            func: PartitionFunc::PortableHash,
        }
    }
}

/// A handle on an RDD: cheap to clone, shares the node.
#[derive(Clone)]
pub struct Rdd {
    node: Arc<RddNode>,
}

impl std::fmt::Debug for Rdd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}[{}] ({} partitions)",
            self.class_name(),
            self.node.id,
            self.node.num_partitions
        )
    }
}

impl Rdd {
    /// A new node of the lineage graph.
    pub fn new_node(
        sc: &SparkContext,
        num_partitions: usize,
        deps: Vec<Dependency>,
        kind: RddKind,
        compute: Box<dyn Compute>,
    ) -> Rdd {
        Rdd::new_node_with_id(sc, sc.new_rdd_id(), num_partitions, deps, kind, compute)
    }

    /// A new node whose id the caller took from `sc.new_rdd_id()` (an RDD that names itself
    /// in its errors, as a BlockRDD does).
    pub fn new_node_with_id(
        sc: &SparkContext,
        id: usize,
        num_partitions: usize,
        deps: Vec<Dependency>,
        kind: RddKind,
        compute: Box<dyn Compute>,
    ) -> Rdd {
        let depth = 1 + deps
            .iter()
            .map(|d| match d {
                Dependency::Narrow(p) => p.node.depth,
                Dependency::Shuffle(dep) => dep.parent.node.depth,
            })
            .max()
            .unwrap_or(0);
        // Past the limit the RDD keeps no parents (so nothing can walk deeper) and fails.
        let (deps, compute, depth): (_, Box<dyn Compute>, _) = if depth > MAX_LINEAGE {
            (Vec::new(), Box::new(TooDeep), 1)
        } else {
            (deps, compute, depth)
        };
        Rdd {
            node: Arc::new(RddNode {
                sc: sc.clone(),
                id,
                depth,
                num_partitions,
                deps,
                kind,
                compute,
                storage: Arc::new(storage::Storage::new(id, num_partitions)),
                source_info: None,
                partitioner: None,
            }),
        }
    }

    /// An RDD over partitions already in memory (Spark's `ParallelCollectionRDD`).
    pub fn from_partitions(sc: SparkContext, parts: Vec<Partition>) -> Rdd {
        source::in_memory(
            &sc,
            parts,
            "ParallelCollectionRDD",
            "readRDDFromFile at PythonRDD.scala:326",
        )
    }

    /// The same RDD, carrying what its source stream knows about the batch. Only a node
    /// nobody else shares yet can take it: sources set it as they make the RDD.
    pub fn with_source_info<T: Any + Send + Sync>(mut self, info: T) -> Rdd {
        if let Some(node) = Arc::get_mut(&mut self.node) {
            node.source_info = Some(Arc::new(info));
        }
        self
    }

    /// The same RDD with its keys placed by `p` (only a node just made can take it).
    pub fn with_partitioner(mut self, p: Option<Partitioner>) -> Rdd {
        if let Some(node) = Arc::get_mut(&mut self.node) {
            node.partitioner = p;
        }
        self
    }

    /// The same RDD (just made from `parent` by a step that keeps every key), with `parent`'s
    /// partitioner: PySpark's `mapValues` and its internal `preservesPartitioning=True`.
    pub fn keeping_keys_of(self, parent: &Rdd) -> Rdd {
        self.with_partitioner(parent.partitioner().cloned())
    }

    /// PySpark's `rdd.partitioner`.
    pub fn partitioner(&self) -> Option<&Partitioner> {
        self.node.partitioner.as_ref()
    }

    /// The source's information about this batch, if it is a `T` (none on derived RDDs).
    pub fn source_info<T: Any>(&self) -> Option<&T> {
        self.node.source_info.as_deref()?.downcast_ref::<T>()
    }

    pub fn context(&self) -> &SparkContext {
        &self.node.sc
    }

    pub fn id(&self) -> usize {
        self.node.id
    }

    pub fn num_partitions(&self) -> usize {
        self.node.num_partitions
    }

    pub fn dependencies(&self) -> &[Dependency] {
        &self.node.deps
    }

    pub fn kind(&self) -> &RddKind {
        &self.node.kind
    }

    /// How many records an RDD over data in memory holds (an input batch's size), without
    /// running a job; none for a computed RDD.
    pub fn source_len(&self) -> Option<usize> {
        self.node.compute.known_len()
    }

    pub fn same_as(&self, other: &Rdd) -> bool {
        Arc::ptr_eq(&self.node, &other.node)
    }

    /// Spark's class name for this RDD.
    pub fn class_name(&self) -> &str {
        match &self.node.kind {
            RddKind::Source { class, .. } => class,
            RddKind::TextFile { .. } => "MapPartitionsRDD",
            RddKind::Coalesced => "CoalescedRDD",
            RddKind::EmptyRdd => "EmptyRDD",
            RddKind::Pipelined => "PythonRDD",
            RddKind::Shuffled(_) => "ShuffledRDD",
            RddKind::Union => "UnionRDD",
            RddKind::PartitionerAwareUnion => "PartitionerAwareUnionRDD",
            RddKind::Cartesian => "CartesianRDD",
        }
    }

    /// Spark's `RDD.iterator`: a persisted partition from the block store, else computed
    /// (and kept, when the RDD is persisted).
    pub fn iterator<'a>(&'a self, split: usize, tc: &'a TaskContext) -> Records<'a> {
        let storage = &self.node.storage;
        if !storage.level().is_persisted() {
            tc.trace(self, split, task::How::Computed);
            return self.node.compute.compute(split, tc);
        }
        if let Some(block) = storage.get(split) {
            tc.trace(self, split, task::How::Cached);
            return storage::block_records(block);
        }
        tc.trace(
            self,
            split,
            match storage.lost_on(split) {
                Some(executor) => task::How::Recomputed { executor },
                None => task::How::Computed,
            },
        );
        let computed: Result<Partition, FnError> = self.node.compute.compute(split, tc).collect();
        match computed {
            Ok(part) => storage::block_records(storage.put(split, part, &tc.executor)),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }

    /// `cache()`: keep partitions in memory once computed.
    pub fn cache(&self) -> Rdd {
        self.persist(StorageLevel::MemoryOnly)
    }

    /// `persist(level)`. The RDD keeps its partitions from the next time they are computed.
    pub fn persist(&self, level: StorageLevel) -> Rdd {
        if !self.node.storage.level().is_persisted() {
            self.node.sc.register_storage(&self.node.storage);
        }
        self.node.storage.set_level(level);
        self.clone()
    }

    /// `unpersist()`: drops the kept partitions.
    pub fn unpersist(&self) -> Rdd {
        self.node.storage.set_level(StorageLevel::None);
        self.clone()
    }

    pub fn storage_level(&self) -> StorageLevel {
        self.node.storage.level()
    }

    pub fn is_cached(&self) -> bool {
        self.node.storage.level().is_persisted()
    }

    /// Whether every partition is kept, so computing it needs none of its parents.
    pub fn fully_cached(&self) -> bool {
        self.node.storage.cached_count() == self.node.num_partitions
            && self.node.storage.level().is_persisted()
    }

    /// The operations a task of this RDD's stage runs (a pipeline's steps, a shuffle's
    /// reduce side), back to the stage's start: what the fault lab's `fail-task OP` matches.
    pub fn stage_ops(&self) -> Vec<String> {
        let mut ops = Vec::new();
        let mut stack = vec![self.clone()];
        while let Some(r) = stack.pop() {
            if r.fully_cached() {
                continue;
            }
            if let Some((_, steps)) = r.node.compute.pipeline() {
                ops.extend(
                    steps
                        .iter()
                        .filter_map(|s| s.site.as_ref().map(|s| s.op.clone())),
                );
            }
            for d in r.dependencies() {
                match d {
                    Dependency::Narrow(p) => stack.push(p.clone()),
                    Dependency::Shuffle(dep) => ops.push(dep.op.clone()),
                }
            }
        }
        ops
    }

    /// How `toDebugString` and the lost-partition account name it: `PythonRDD[7]`.
    pub fn short_name(&self) -> String {
        format!("{}[{}]", self.class_name(), self.node.id)
    }

    /// Where a source's partition comes from, if it says.
    pub fn describe_partition(&self, split: usize) -> Option<String> {
        self.node.compute.describe_partition(split)
    }

    pub(crate) fn storage(&self) -> &storage::Storage {
        &self.node.storage
    }
}

/// An RDD whose lineage grew past [`MAX_LINEAGE`].
struct TooDeep;

impl Compute for TooDeep {
    fn compute<'a>(&'a self, _split: usize, _tc: &'a TaskContext) -> Records<'a> {
        Box::new(std::iter::once(Err(FnError(format!(
            "RecursionError: this RDD's lineage is more than {MAX_LINEAGE} RDDs long (Spark's \
             would overflow its stack): cache() an RDD on the way and run an action on it, or \
             build the chain with fewer steps (sc.union of a list instead of union after union)"
        )))))
    }
}

/// Python's truthiness, which `filter` uses.
pub fn truthy(r: &Record) -> bool {
    match view(r) {
        RecordView::None => false,
        RecordView::Bool(b) => b,
        RecordView::Int(i) => i != 0,
        RecordView::Float(f) => f != 0.0,
        RecordView::Str(s) => !s.is_empty(),
        RecordView::Tuple(a) | RecordView::List(a) => !a.is_empty(),
        RecordView::Map(m) => !m.is_empty(),
        RecordView::Char(_) | RecordView::Bytes(_) | RecordView::Other => true,
    }
}

/// What `flatMap` accepts back from the user function: any Python-iterable value.
pub fn iterate(r: Record, op: &str) -> Result<Vec<Record>, FnError> {
    match view(&r) {
        RecordView::Tuple(_) | RecordView::List(_) => {}
        RecordView::Str(s) => return Ok(s.chars().map(|c| Record::from(c.to_string())).collect()),
        RecordView::Map(m) => return Ok(m.keys().map(|k| Record::from(k.to_string())).collect()),
        _ => {
            return Err(FnError(format!(
                "{op}: the function returned {}, which is not iterable (return an array)",
                pyorder::py_type_name(&r)
            )));
        }
    }
    // An array is moved out, not copied: the view's borrow has ended.
    Ok(r.into_array().unwrap_or_default())
}

/// Stable sort of `idx` by `keys[idx]`, with Python's comparison rules.
pub fn sort_indices_by(
    idx: &mut [usize],
    keys: &[Record],
    descending: bool,
) -> Result<(), FnError> {
    let mut err: Option<pyorder::Unorderable> = None;
    idx.sort_by(|&a, &b| {
        let ord = match pyorder::compare(&keys[a], &keys[b]) {
            Ok(o) => o,
            Err(e) => {
                err.get_or_insert(e);
                std::cmp::Ordering::Equal
            }
        };
        if descending { ord.reverse() } else { ord }
    });
    match err {
        Some(e) => Err(FnError(format!("TypeError: {e}"))),
        None => Ok(()),
    }
}

/// A 2-element array: how pairs are represented.
pub fn pair_of(k: Record, v: Record) -> Record {
    Record::from(vec![k, v])
}

#[cfg(test)]
mod tests;
