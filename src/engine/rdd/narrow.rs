//! Narrow transformations. Consecutive record functions (map, flatMap, filter, mapValues,
//! ...) are merged into one `Pipelined` node, as PySpark merges them into one
//! `PipelinedRDD`, and a task applies them record by record: nothing is materialised
//! between them. Union, coalesce and cartesian are narrow too but read several parent
//! partitions, each in its own node.

use super::aggregator::split_pair;
use super::{Compute, Dependency, Partition, Rdd, RddKind, Records, TaskContext, iterate, truthy};
use crate::func::{FnError, OpSite, Record, RecordFn};
use std::sync::Arc;

/// A whole-partition function written in Rust (glom, a per-partition count, ...).
pub type PartitionFn =
    Arc<dyn Fn(usize, Vec<Record>) -> Result<Vec<Record>, FnError> + Send + Sync>;

/// One pipelined operation.
#[derive(Clone)]
pub enum Step {
    Map(Arc<dyn RecordFn>),
    FlatMap(Arc<dyn RecordFn>),
    Filter(Arc<dyn RecordFn>),
    MapValues(Arc<dyn RecordFn>),
    FlatMapValues(Arc<dyn RecordFn>),
    KeyBy(Arc<dyn RecordFn>),
    /// `mapPartitions(f)` (false) or `mapPartitionsWithIndex(f)` (true): `f` gets the
    /// partition as an array.
    MapPartitions(Arc<dyn RecordFn>, bool),
    Partition(PartitionFn),
    /// A whole-partition step written in Rust that calls a user function (the state update,
    /// a window's inverse function).
    PartitionWith(Arc<dyn RecordFn>, PartitionWithFn),
}

/// The body of a `PartitionWith` step: the function's per-task caller and the partition.
pub type PartitionWithFn = Arc<
    dyn Fn(&mut dyn crate::func::FnCall, Vec<Record>) -> Result<Vec<Record>, FnError> + Send + Sync,
>;

/// A step and the operation it came from, to name it when its function fails.
#[derive(Clone)]
pub struct SitedStep {
    pub step: Step,
    pub site: Option<OpSite>,
}

struct Pipelined {
    parent: Rdd,
    steps: Vec<SitedStep>,
}

impl Compute for Pipelined {
    fn compute<'a>(&'a self, split: usize, tc: &'a TaskContext) -> Records<'a> {
        let mut records = self.parent.iterator(split, tc);
        for s in &self.steps {
            records = apply(s, split, records, tc);
        }
        records
    }

    fn pipeline(&self) -> Option<(&Rdd, &[SitedStep])> {
        Some((&self.parent, &self.steps))
    }
}

/// `rdd` followed by `step`: merged into `rdd`'s pipeline when PySpark would merge it
/// (`rdd` is a pipeline that is not persisted), else a new pipeline over `rdd`.
pub fn pipe(rdd: &Rdd, step: Step) -> Rdd {
    let sited = SitedStep {
        step,
        site: super::creation_site(),
    };
    let (parent, mut steps) = match pipeline_of(rdd) {
        Some((parent, steps)) if !rdd.is_cached() => (parent.clone(), steps.to_vec()),
        _ => (rdd.clone(), Vec::new()),
    };
    // PySpark's preservesPartitioning: steps that keep each record's key.
    let keeps_keys = matches!(
        sited.step,
        Step::Filter(_) | Step::MapValues(_) | Step::FlatMapValues(_) | Step::PartitionWith(..)
    );
    steps.push(sited);
    let n = parent.num_partitions();
    Rdd::new_node(
        rdd.context(),
        n,
        vec![Dependency::Narrow(parent.clone())],
        RddKind::Pipelined,
        Box::new(Pipelined { parent, steps }),
    )
    .with_partitioner(rdd.partitioner().filter(|_| keeps_keys).cloned())
}

/// A pipeline's last steps, left to a map-side combine that applies them itself: `map(f)`,
/// maybe after a `flatMap(g)`, each with the operation to blame when its function fails.
pub struct Tail<'a> {
    pub flat_map: Option<(&'a Arc<dyn RecordFn>, Option<&'a OpSite>)>,
    pub map: (&'a Arc<dyn RecordFn>, Option<&'a OpSite>),
}

/// When `rdd` is a pipeline computed (not read from a cache) that ends in `map` (maybe after
/// a `flatMap`): the records of its other steps for partition `split`, and those last steps.
/// The combine can then take a `map`'s pair without the pair array being built.
pub fn split_tail<'a>(
    rdd: &'a Rdd,
    split: usize,
    tc: &'a TaskContext,
) -> Option<(Records<'a>, Tail<'a>)> {
    if rdd.is_cached() {
        return None;
    }
    let (parent, steps) = pipeline_of(rdd)?;
    let (last, rest) = steps.split_last()?;
    let Step::Map(map) = &last.step else {
        return None;
    };
    let (flat_map, head) = match rest.split_last() {
        Some((
            s @ SitedStep {
                step: Step::FlatMap(f),
                ..
            },
            head,
        )) => (Some((f, s.site.as_ref())), head),
        _ => (None, rest),
    };
    let mut records = parent.iterator(split, tc);
    for s in head {
        records = apply(s, split, records, tc);
    }
    let map = (map, last.site.as_ref());
    Some((records, Tail { flat_map, map }))
}

/// The parent and steps of a pipelined RDD.
fn pipeline_of(rdd: &Rdd) -> Option<(&Rdd, &[SitedStep])> {
    rdd.node.compute.pipeline()
}

fn apply<'a>(
    s: &'a SitedStep,
    split: usize,
    input: Records<'a>,
    tc: &'a TaskContext,
) -> Records<'a> {
    let site = s.site.as_ref();
    let blame = move |e: FnError| tc.blame(site, e);
    match &s.step {
        Step::Map(f) => {
            let mut c = f.caller();
            Box::new(input.map(move |r| r.and_then(|r| c.call1(r).map_err(blame))))
        }
        Step::MapValues(f) => {
            let mut c = f.caller();
            Box::new(input.map(move |r| {
                let (k, v) = split_pair(&r?, "mapValues").map_err(blame)?;
                Ok(super::pair_of(k, c.call1(v).map_err(blame)?))
            }))
        }
        Step::KeyBy(f) => {
            let mut c = f.caller();
            Box::new(input.map(move |r| {
                let r = r?;
                Ok(super::pair_of(c.call1(r.clone()).map_err(blame)?, r))
            }))
        }
        Step::Filter(f) => {
            let mut c = f.caller();
            Box::new(input.filter_map(move |r| match r {
                Err(e) => Some(Err(e)),
                Ok(r) => match c.call1(r.clone()) {
                    Ok(keep) if truthy(&keep) => Some(Ok(r)),
                    Ok(_) => None,
                    Err(e) => Some(Err(blame(e))),
                },
            }))
        }
        Step::FlatMap(f) => flat(input, f, blame, |c, r| iterate(c.call1(r)?, "flatMap")),
        Step::FlatMapValues(f) => flat(input, f, blame, |c, r| {
            let (k, v) = split_pair(&r, "flatMapValues")?;
            let out = iterate(c.call1(v)?, "flatMapValues")?;
            Ok(out
                .into_iter()
                .map(|x| super::pair_of(k.clone(), x))
                .collect())
        }),
        Step::MapPartitions(f, with_index) => whole(input, move |records| {
            let mut c = f.caller();
            let out = if *with_index {
                c.call2(Record::from(split as i64), Record::from(records))
            } else {
                c.call1(Record::from(records))
            };
            let op = if *with_index {
                "mapPartitionsWithIndex"
            } else {
                "mapPartitions"
            };
            out.and_then(|o| iterate(o, op)).map_err(blame)
        }),
        Step::Partition(f) => whole(input, move |records| f(split, records).map_err(blame)),
        Step::PartitionWith(f, body) => whole(input, move |records| {
            let mut c = f.caller();
            body(&mut *c, records).map_err(blame)
        }),
    }
}

/// A flatMap-like step: each record becomes any number of records, handed out one by one.
fn flat<'a>(
    mut input: Records<'a>,
    f: &'a Arc<dyn RecordFn>,
    blame: impl Fn(FnError) -> FnError + 'a,
    expand: impl Fn(&mut dyn crate::func::FnCall, Record) -> Result<Vec<Record>, FnError> + 'a,
) -> Records<'a> {
    let mut c = f.caller();
    let mut pending = Vec::new().into_iter();
    let mut failed = false;
    Box::new(std::iter::from_fn(move || {
        loop {
            if let Some(x) = pending.next() {
                return Some(Ok(x));
            }
            if failed {
                return None;
            }
            match input.next()? {
                Err(e) => {
                    failed = true;
                    return Some(Err(e));
                }
                Ok(r) => match expand(&mut *c, r) {
                    Ok(v) => pending = v.into_iter(),
                    Err(e) => {
                        failed = true;
                        return Some(Err(blame(e)));
                    }
                },
            }
        }
    }))
}

/// A step that needs its whole partition at once.
fn whole<'a>(
    input: Records<'a>,
    f: impl FnOnce(Vec<Record>) -> Result<Vec<Record>, FnError> + 'a,
) -> Records<'a> {
    let mut f = Some(f);
    let mut input = Some(input);
    let mut out: Option<std::vec::IntoIter<Record>> = None;
    Box::new(std::iter::from_fn(move || {
        if out.is_none() {
            let records: Result<Vec<Record>, FnError> = input.take()?.collect();
            let run = f.take()?;
            match records.and_then(run) {
                Ok(v) => out = Some(v.into_iter()),
                Err(e) => return Some(Err(e)),
            }
        }
        out.as_mut()?.next().map(Ok)
    }))
}

struct Union {
    parents: Vec<Rdd>,
}

impl Compute for Union {
    fn compute<'a>(&'a self, split: usize, tc: &'a TaskContext) -> Records<'a> {
        let mut split = split;
        for p in &self.parents {
            if split < p.num_partitions() {
                return p.iterator(split, tc);
            }
            split -= p.num_partitions();
        }
        Box::new(std::iter::empty())
    }
}

/// Spark's `PartitionerAwareUnionRDD`: partition i is partition i of each parent, in order.
struct PartitionerAwareUnion {
    parents: Vec<Rdd>,
}

impl Compute for PartitionerAwareUnion {
    fn compute<'a>(&'a self, split: usize, tc: &'a TaskContext) -> Records<'a> {
        Box::new(self.parents.iter().flat_map(move |p| p.iterator(split, tc)))
    }
}

/// `sc.union(rdds)`, as Spark's `SparkContext.union`: RDDs that all have one partitioner
/// (reduced batches of a window, say) keep it, partition i of each together
/// (`PartitionerAwareUnionRDD`); any others give the partitions of every RDD in order
/// (`UnionRDD`).
pub fn union(sc: &crate::sc::SparkContext, rdds: &[Rdd]) -> Rdd {
    let shared = rdds.first().and_then(Rdd::partitioner).filter(|p| {
        rdds.iter()
            .all(|r| r.partitioner() == Some(*p) && r.num_partitions() == p.num_partitions)
    });
    if let Some(p) = shared.cloned() {
        return Rdd::new_node(
            sc,
            p.num_partitions,
            rdds.iter().cloned().map(Dependency::Narrow).collect(),
            RddKind::PartitionerAwareUnion,
            Box::new(PartitionerAwareUnion {
                parents: rdds.to_vec(),
            }),
        )
        .with_partitioner(Some(p));
    }
    let n = rdds.iter().map(Rdd::num_partitions).sum();
    Rdd::new_node(
        sc,
        n,
        rdds.iter().cloned().map(Dependency::Narrow).collect(),
        RddKind::Union,
        Box::new(Union {
            parents: rdds.to_vec(),
        }),
    )
}

struct Coalesced {
    parent: Rdd,
    groups: Vec<std::ops::Range<usize>>,
}

impl Compute for Coalesced {
    fn compute<'a>(&'a self, split: usize, tc: &'a TaskContext) -> Records<'a> {
        let range = self.groups.get(split).cloned().unwrap_or(0..0);
        Box::new(range.flat_map(move |i| self.parent.iterator(i, tc)))
    }
}

/// `coalesce(n)` without a shuffle: contiguous groups of partitions (`CoalescedRDD`).
pub fn coalesce(rdd: &Rdd, n: usize) -> Rdd {
    let total = rdd.num_partitions();
    let n = n.max(1);
    if total <= n {
        return rdd.clone();
    }
    let groups = (0..n).map(|i| i * total / n..(i + 1) * total / n).collect();
    Rdd::new_node(
        rdd.context(),
        n,
        vec![Dependency::Narrow(rdd.clone())],
        RddKind::Coalesced,
        Box::new(Coalesced {
            parent: rdd.clone(),
            groups,
        }),
    )
}

struct Cartesian {
    a: Rdd,
    b: Rdd,
}

impl Compute for Cartesian {
    fn compute<'a>(&'a self, split: usize, tc: &'a TaskContext) -> Records<'a> {
        let nb = self.b.num_partitions().max(1);
        let (i, j) = (split / nb, split % nb);
        let right: Result<Partition, FnError> = self.b.iterator(j, tc).collect();
        let right = match right {
            Ok(r) => Arc::new(r),
            Err(e) => return Box::new(std::iter::once(Err(e))),
        };
        Box::new(self.a.iterator(i, tc).flat_map(move |x| {
            let right = right.clone();
            let items: Vec<Result<Record, FnError>> = match x {
                Ok(x) => right
                    .iter()
                    .map(|y| Ok(super::pair_of(x.clone(), y.clone())))
                    .collect(),
                Err(e) => vec![Err(e)],
            };
            items
        }))
    }
}

/// `cartesian(other)`: every pair, partition by partition (`CartesianRDD`).
pub fn cartesian(a: &Rdd, b: &Rdd) -> Rdd {
    Rdd::new_node(
        a.context(),
        a.num_partitions() * b.num_partitions(),
        vec![Dependency::Narrow(a.clone()), Dependency::Narrow(b.clone())],
        RddKind::Cartesian,
        Box::new(Cartesian {
            a: a.clone(),
            b: b.clone(),
        }),
    )
}
