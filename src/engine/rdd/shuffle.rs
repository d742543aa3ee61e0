//! Shuffles, with PySpark's record order: each map task combines its partition locally
//! (first-appearance order) and buckets the result by reduce partition; the map outputs are
//! written once, when the map stage runs, and kept with the dependency (Spark's shuffle
//! files), so a second job reading them skips that stage. Reduce partition p reads the
//! buckets of map partitions 0, 1, ... in order.

use super::aggregator::{Aggregator, AggregatorTask, split_pair};
use super::narrow::{self, Tail};
use super::{
    Compute, Dependency, Rdd, RddKind, Records, TaskContext, iterate, pair_of, sort_indices_by,
};
use crate::func::{FnCall, FnError, IntOp, OpSite, Record};
use crate::key::Key;
use crate::lock;
use crate::pyhash::partition_of;
use indexmap::IndexMap;
use rhai::ImmutableString;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::sync::{Arc, Mutex};

type Groups = IndexMap<Key, (Record, Record), FxBuildHasher>;

/// How the shuffle shows in `toDebugString`, after the RDDs PySpark builds for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShuffleStyle {
    /// combineByKey and what PySpark builds on it (reduceByKey, groupByKey, join, distinct,
    /// sortByKey): a Python merge after the shuffle.
    Merged,
    /// `partitionBy`: the shuffled pairs as they are.
    PartitionBy,
    /// `repartition(n)`: Spark's `coalesce(n, shuffle=True)`.
    Repartition,
}

/// One map output's share for one reduce partition.
pub enum Bucket {
    /// (key, the key's first record, combiner) after a map-side combine.
    Combined(Vec<(Key, Record, Record)>),
    Records(Vec<Record>),
}

impl Bucket {
    fn len(&self) -> usize {
        match self {
            Bucket::Combined(v) => v.len(),
            Bucket::Records(v) => v.len(),
        }
    }
}

/// The map side of a shuffle: one map task's records into one bucket per reduce partition.
pub trait ShuffleWriter: Send + Sync {
    fn write(&self, split: usize, input: Records<'_>, n: usize) -> Result<Vec<Bucket>, FnError>;
    /// The map-side combine, which can apply the parent pipeline's last steps itself.
    fn as_combine(&self) -> Option<&CombineWriter> {
        None
    }
    /// Once every map output is in, by reduce partition (a sort places records here).
    fn finish(&self, by_reduce: Vec<Vec<Bucket>>, _n: usize) -> Result<Vec<Vec<Bucket>>, FnError> {
        Ok(by_reduce)
    }
}

/// Spark's `ShuffleDependency`: the parent, the partitioning, and the map outputs once written.
pub struct ShuffleDependency {
    pub shuffle_id: usize,
    pub parent: Rdd,
    pub num_partitions: usize,
    /// The operation that asked for the shuffle (`reduceByKey`), and where.
    pub op: String,
    pub site: Option<OpSite>,
    pub style: ShuffleStyle,
    /// Ids for the intermediate RDDs PySpark shows (PairwiseRDD, ShuffledRDD, ...).
    pub shown_ids: [usize; 4],
    writer: Box<dyn ShuffleWriter>,
    /// By reduce partition: each map partition's bucket, in map-partition order.
    outputs: Mutex<Option<Arc<Vec<Vec<Bucket>>>>>,
    /// Held while a job runs the map stage, so two jobs that both find the outputs missing
    /// (a shell action during a batch) run it once.
    pub(crate) map_stage: Mutex<()>,
}

impl ShuffleDependency {
    pub fn is_available(&self) -> bool {
        lock(&self.outputs).is_some()
    }

    /// The map task for `split`: reads the parent's partition and writes its buckets.
    pub fn run_map_task(&self, split: usize, tc: &TaskContext) -> Result<Vec<Bucket>, FnError> {
        let n = self.num_partitions;
        let fused = self
            .writer
            .as_combine()
            .and_then(|w| Some((w, narrow::split_tail(&self.parent, split, tc)?)));
        let written = match fused {
            Some((w, (input, tail))) => w.write_tail(input, tail, tc, n),
            None => self.writer.write(split, self.parent.iterator(split, tc), n),
        };
        written.map_err(|e| tc.blame(self.site.as_ref(), e))
    }

    /// Stores the map outputs of every map task, in map-partition order.
    pub fn register_outputs(&self, map_outputs: Vec<Vec<Bucket>>) -> Result<(), FnError> {
        let n = self.num_partitions;
        let mut by_reduce: Vec<Vec<Bucket>> = (0..n).map(|_| Vec::new()).collect();
        for map_out in map_outputs {
            for (p, bucket) in map_out.into_iter().enumerate() {
                if let Some(slot) = by_reduce.get_mut(p) {
                    slot.push(bucket);
                }
            }
        }
        let done = self.writer.finish(by_reduce, n)?;
        *lock(&self.outputs) = Some(Arc::new(done));
        Ok(())
    }

    fn outputs(&self) -> Option<Arc<Vec<Vec<Bucket>>>> {
        lock(&self.outputs).clone()
    }

    /// How many records the map side wrote (the UI's shuffle write).
    pub fn records_written(&self) -> usize {
        self.outputs()
            .map(|o| o.iter().flatten().map(Bucket::len).sum())
            .unwrap_or(0)
    }
}

/// How the reduce side reads its buckets.
enum Reader {
    /// Merges the combiners of a key across map outputs, in map-partition order.
    Merge(Arc<dyn Aggregator>),
    /// The records, bucket after bucket.
    Concat,
    /// The records, bucket after bucket, then sorted by key (sortByKey's `sortPartition`).
    Sorted { ascending: bool },
}

struct Shuffled {
    dep: Arc<ShuffleDependency>,
    reader: Reader,
}

impl Compute for Shuffled {
    fn compute<'a>(&'a self, split: usize, tc: &'a TaskContext) -> Records<'a> {
        let Some(outputs) = self.dep.outputs() else {
            return Box::new(std::iter::once(Err(FnError::new(format!(
                "the map outputs of shuffle {} are missing",
                self.dep.shuffle_id
            )))));
        };
        let Some(buckets) = outputs.get(split) else {
            return Box::new(std::iter::empty());
        };
        match &self.reader {
            Reader::Concat => Box::new(concat(buckets).into_iter().map(Ok)),
            Reader::Sorted { ascending } => {
                self.merged(tc, sort_records(concat(buckets), *ascending))
            }
            Reader::Merge(agg) => self.merged(tc, merge(&**agg, buckets)),
        }
    }
}

impl Shuffled {
    /// A reduce side's records, or its failure blamed on the shuffle's operation.
    fn merged<'a>(&self, tc: &TaskContext, out: Result<Vec<Record>, FnError>) -> Records<'a> {
        match out {
            Ok(v) => Box::new(v.into_iter().map(Ok)),
            Err(e) => Box::new(std::iter::once(Err(tc.blame(self.dep.site.as_ref(), e)))),
        }
    }
}

/// A reduce partition's buckets, record after record, in map-partition order.
fn concat(buckets: &[Bucket]) -> Vec<Record> {
    let mut out = Vec::new();
    for b in buckets {
        match b {
            Bucket::Records(v) => out.extend(v.iter().cloned()),
            Bucket::Combined(v) => {
                out.extend(v.iter().map(|(_, k, c)| pair_of(k.clone(), c.clone())))
            }
        }
    }
    out
}

fn merge(agg: &dyn Aggregator, buckets: &[Bucket]) -> Result<Vec<Record>, FnError> {
    let mut task = agg.task();
    let mut groups = Groups::default();
    for b in buckets {
        let Bucket::Combined(items) = b else {
            continue;
        };
        for (key, k, c) in items {
            match groups.get_mut(key) {
                Some(slot) => task.merge_combiners_into(&mut slot.1, c.clone())?,
                None => {
                    groups.insert(key.clone(), (k.clone(), c.clone()));
                }
            }
        }
    }
    Ok(groups.into_values().map(|(k, c)| pair_of(k, c)).collect())
}

/// A shuffle of `parent` into `n` partitions, and the RDD that reads it.
fn shuffled(
    parent: &Rdd,
    n: usize,
    op: &str,
    style: ShuffleStyle,
    writer: Box<dyn ShuffleWriter>,
    reader: Reader,
) -> Rdd {
    let sc = parent.context();
    let dep = Arc::new(ShuffleDependency {
        shuffle_id: sc.new_shuffle_id(),
        parent: parent.clone(),
        num_partitions: n,
        op: op.to_string(),
        site: super::creation_site(),
        style,
        shown_ids: {
            // PySpark numbers them from the map side up.
            let map_side = sc.new_rdd_id();
            let pairwise = sc.new_rdd_id();
            let shuffled = sc.new_rdd_id();
            [sc.new_rdd_id(), shuffled, pairwise, map_side]
        },
        writer,
        outputs: Mutex::new(None),
        map_stage: Mutex::new(()),
    });
    Rdd::new_node(
        sc,
        n,
        vec![Dependency::Shuffle(dep.clone())],
        RddKind::Shuffled(style),
        Box::new(Shuffled { dep, reader }),
    )
}

/// `combineByKey` into `n` hash partitions: map-side combine, reduce-side merge. A parent
/// already partitioned so (reduced batches together, the state and the new batch of
/// updateStateByKey) is not shuffled, as PySpark's `partitionBy` returns such an RDD as it
/// is: each partition is combined where it is.
pub fn combine_by_key(parent: &Rdd, agg: Arc<dyn Aggregator>, n: usize, op: &str) -> Rdd {
    let n = n.max(1);
    if parent.partitioner() == Some(&super::Partitioner::hash(n)) {
        let op = op.to_string();
        return parent
            .map_partitions_native(move |_, records| {
                let mut comb = Combine::new(&*agg, &op);
                for r in records {
                    comb.record(r)?;
                }
                Ok(comb.into_pairs())
            })
            .keeping_keys_of(parent);
    }
    let writer = Box::new(CombineWriter {
        agg: agg.clone(),
        op: op.to_string(),
    });
    shuffled(
        parent,
        n.max(1),
        op,
        ShuffleStyle::Merged,
        writer,
        Reader::Merge(agg),
    )
    .with_partitioner(Some(super::Partitioner::hash(n.max(1))))
}

/// `partitionBy(n)`: each pair to partition `portable_hash(key) % n`, in order; an RDD
/// already partitioned so is returned as it is, as PySpark's `partitionBy` does.
pub fn partition_by(parent: &Rdd, n: usize) -> Rdd {
    if parent.partitioner() == Some(&super::Partitioner::hash(n.max(1))) {
        return parent.clone();
    }
    shuffled(
        parent,
        n.max(1),
        "partitionBy",
        ShuffleStyle::PartitionBy,
        Box::new(PartitionWriter),
        Reader::Concat,
    )
    .with_partitioner(Some(super::Partitioner::hash(n.max(1))))
}

/// `repartition(n)`, placed as PySpark places records: they travel in pickled chunks of 10,
/// and input partition i deals its chunks round-robin from `XORShiftRandom(i).nextInt(n) + 1`.
pub fn repartition(parent: &Rdd, n: usize) -> Rdd {
    shuffled(
        parent,
        n.max(1),
        "repartition",
        ShuffleStyle::Repartition,
        Box::new(RepartitionWriter),
        Reader::Concat,
    )
}

/// `sortByKey`, as PySpark's: into one partition, a sort; else, like PySpark, two jobs run
/// now (a count, then a sample of the keys with `RDDSampler`'s seeds), the sorted sample
/// gives `n - 1` bounds, and each pair goes to the range partition its key falls in, where
/// the partition is sorted (stable; `reverse` when descending, as Python's `sorted`).
pub fn sort_by_key(parent: &Rdd, ascending: bool, n: usize) -> Rdd {
    let n = n.max(1);
    if n == 1 {
        let one = if parent.num_partitions() > 1 {
            narrow::coalesce(parent, 1)
        } else {
            parent.clone()
        };
        return one.map_partitions_native(move |_, p| sort_records(p, ascending));
    }
    let bounds = match range_bounds(parent, n) {
        Ok(Some(bounds)) => bounds,
        // PySpark returns an empty RDD as it is.
        Ok(None) => return parent.clone(),
        // The count or the sample failed: the shuffle, which computes the parent again,
        // reports the error where the batch names it.
        Err(_) => Vec::new(),
    };
    let rdd = shuffled(
        parent,
        n,
        "sortByKey",
        ShuffleStyle::Merged,
        Box::new(RangeWriter { bounds, ascending }),
        Reader::Sorted { ascending },
    );
    let range = super::Partitioner {
        num_partitions: n,
        func: super::PartitionFunc::Range(rdd.id()),
    };
    rdd.with_partitioner(Some(range))
}

/// PySpark's sampling for `sortByKey`'s bounds: `count()`, then `sample(False, fraction, 1)`
/// of the keys, sorted; None for an empty RDD. A failed job or unorderable keys: Err, the
/// caller lets the shuffle meet the error again.
fn range_bounds(parent: &Rdd, n: usize) -> Result<Option<Vec<Record>>, ()> {
    let size = parent.count().map_err(|_| ())?;
    if size == 0 {
        return Ok(None);
    }
    let fraction = (n as f64 * 20.0 / size as f64).min(1.0);
    let sampled = parent
        .map_partitions_native(move |split, p| {
            // RDDSampler(False, fraction, seed=1): random.Random(1 ^ split), mixed by ten
            // randint(0, 1), then one random() per record.
            let mut random = crate::py_random::PyRandom::new(1 ^ split as u64);
            for _ in 0..10 {
                random.randint_0_1();
            }
            let mut keys = Vec::new();
            for r in p {
                if random.random() < fraction {
                    keys.push(split_pair(&r, "sortByKey")?.0);
                }
            }
            Ok(keys)
        })
        .collect()
        .map_err(|_| ())?;
    let mut idx: Vec<usize> = (0..sampled.len()).collect();
    sort_indices_by(&mut idx, &sampled, false).map_err(|_| ())?;
    let len = idx.len();
    Ok(Some(
        (0..n - 1)
            .filter_map(|i| idx.get(len * (i + 1) / n).map(|&j| sampled[j].clone()))
            .collect(),
    ))
}

/// A partition's pairs sorted by key, stably (descending as Python's `reverse=True`).
fn sort_records(records: Vec<Record>, ascending: bool) -> Result<Vec<Record>, FnError> {
    let keys: Vec<Record> = records
        .iter()
        .map(|r| split_pair(r, "sortByKey").map(|(k, _)| k))
        .collect::<Result<_, _>>()?;
    let mut idx: Vec<usize> = (0..records.len()).collect();
    sort_indices_by(&mut idx, &keys, !ascending)?;
    Ok(idx.into_iter().map(|j| records[j].clone()).collect())
}

/// The map side of `combineByKey` (reduceByKey, groupByKey, ...): a local combine.
pub struct CombineWriter {
    agg: Arc<dyn Aggregator>,
    op: String,
}

impl ShuffleWriter for CombineWriter {
    fn write(&self, _split: usize, input: Records<'_>, n: usize) -> Result<Vec<Bucket>, FnError> {
        let mut comb = Combine::new(&*self.agg, &self.op);
        for r in input {
            comb.record(r?)?;
        }
        Ok(comb.buckets(n))
    }

    fn as_combine(&self) -> Option<&CombineWriter> {
        Some(self)
    }
}

impl CombineWriter {
    /// `write` for a parent pipeline whose last steps (`map`, maybe after `flatMap`) are left
    /// to the combine: a map's pair is taken without its array, and for `flatMap(|l|
    /// l.split(" ")).map(|w| [w, c])` each word is looked up as text, its string made once
    /// per distinct word. Functions are called in the pipeline's order, record by record, and
    /// their failures blamed to their own operation, as when the pipeline runs them.
    fn write_tail(
        &self,
        input: Records<'_>,
        tail: Tail<'_>,
        tc: &TaskContext,
        n: usize,
    ) -> Result<Vec<Bucket>, FnError> {
        let mut comb = Combine::new(&*self.agg, &self.op);
        let (map_fn, map_site) = tail.map;
        let mut map = map_fn.caller();
        let konst = map.const_pair().cloned();
        // The constant as a plain int, when it is one that `Record::from` would make again.
        let konst_int = konst
            .as_ref()
            .filter(|c| c.tag() == 0 && !c.is_shared())
            .and_then(|c| c.as_int().ok());
        let blame_map = |e: FnError| tc.blame(map_site, e);
        let Some((flat_fn, flat_site)) = tail.flat_map else {
            for r in input {
                comb.mapped(&mut *map, konst.as_ref(), r?, &blame_map)?;
            }
            return Ok(comb.buckets(n));
        };
        let mut flat = flat_fn.caller();
        let blame_flat = |e: FnError| tc.blame(flat_site, e);
        for r in input {
            let r = r?;
            if let Some(c) = &konst {
                let mut each = |w: &str| comb.str_key(w, c, konst_int);
                if let Some(done) = flat.call_str_parts(&r, &mut each) {
                    // Only the combine can fail here: the split answers only when it succeeds.
                    done?;
                    continue;
                }
            }
            let items = flat.call1(r).map_err(blame_flat)?;
            for x in iterate(items, "flatMap").map_err(blame_flat)? {
                comb.mapped(&mut *map, konst.as_ref(), x, &blame_map)?;
            }
        }
        Ok(comb.buckets(n))
    }
}

/// One map task's combine: each key once, in first-appearance order, with its first record
/// (what the output shows as the key) and its combiner.
struct Combine<'t> {
    entries: Vec<(Key, Record, Combiner)>,
    /// Where each string key is in `entries`, found by its text: the hot lookup of a word
    /// count touches no `Key`, reference count or Rhai string, only this table's own copy.
    strs: FxHashMap<Box<str>, usize>,
    /// Where the other keys are.
    others: FxHashMap<Key, usize>,
    task: Box<dyn AggregatorTask + 't>,
    /// The task's own operation on two ints, done here on `Combiner::Int`s.
    int_merge: Option<IntOp>,
    op: &'t str,
}

/// A combiner: a plain int while the aggregator merges ints natively (a count), else a record.
enum Combiner {
    Int(i64),
    Record(Record),
}

impl Combiner {
    fn into_record(self) -> Record {
        match self {
            Combiner::Int(x) => Record::from(x),
            Combiner::Record(r) => r,
        }
    }
}

impl<'t> Combine<'t> {
    fn new(agg: &'t dyn Aggregator, op: &'t str) -> Combine<'t> {
        let task = agg.task();
        Combine {
            entries: Vec::new(),
            strs: FxHashMap::default(),
            others: FxHashMap::default(),
            int_merge: task.int_merge(),
            task,
            op,
        }
    }

    /// `c` as kept: a plain int when that is unobservable (an int, not shared, untagged, as
    /// `Record::from` makes it) and the task merges ints natively.
    fn combiner(&self, c: Record) -> Combiner {
        match c.as_int() {
            Ok(x) if self.int_merge.is_some() && c.tag() == 0 && !c.is_shared() => Combiner::Int(x),
            _ => Combiner::Record(c),
        }
    }

    /// A record that must be a (key, value) pair.
    fn record(&mut self, r: Record) -> Result<(), FnError> {
        if self.str_pair(&r)? {
            return Ok(());
        }
        let (k, v) = split_pair(&r, self.op)?;
        self.pair(k, v)
    }

    /// `map`'s result on `r` (its failure blamed by `blame`), combined.
    fn mapped(
        &mut self,
        map: &mut dyn FnCall,
        konst: Option<&Record>,
        mut r: Record,
        blame: &dyn Fn(FnError) -> FnError,
    ) -> Result<(), FnError> {
        if let Some(c) = konst {
            return self.pair(r, c.clone());
        }
        match map.call_pair(&mut r) {
            Some(kv) => {
                let (k, v) = kv.map_err(blame)?;
                self.pair(k, v)
            }
            None => {
                let out = map.call1(r).map_err(blame)?;
                self.record(out)
            }
        }
    }

    /// Merges `v` into the combiner at `at`.
    fn merge_at(&mut self, at: usize, v: Record) -> Result<(), FnError> {
        let Some(e) = self.entries.get_mut(at) else {
            return Err(FnError::new("combine: a key's entry is missing"));
        };
        if let (Combiner::Int(x), Some(op)) = (&mut e.2, self.int_merge)
            && let Ok(y) = v.as_int()
            && let Some(z) = op(*x, y)
        {
            *x = z;
            return Ok(());
        }
        let mut c = std::mem::replace(&mut e.2, Combiner::Int(0)).into_record();
        self.task.merge_value_into(&mut c, v)?;
        let c = self.combiner(c);
        if let Some(e) = self.entries.get_mut(at) {
            e.2 = c;
        }
        Ok(())
    }

    /// `merge_at` of an int value `y` (which is `v`): no record to touch when both are ints.
    fn merge_int_at(&mut self, at: usize, y: i64, v: &Record) -> Result<(), FnError> {
        if let Some((_, _, Combiner::Int(x))) = self.entries.get_mut(at)
            && let Some(z) = self.int_merge.and_then(|op| op(*x, y))
        {
            *x = z;
            return Ok(());
        }
        self.merge_at(at, v.clone())
    }

    /// A key seen for the first time.
    fn insert(&mut self, key: Key, k: Record, v: Record) -> Result<(), FnError> {
        let c = self.task.create(v)?;
        let c = self.combiner(c);
        let at = self.entries.len();
        match &key {
            Key::Str(s) => self.strs.insert(Box::from(s.as_str()), at),
            _ => self.others.insert(key.clone(), at),
        };
        self.entries.push((key, k, c));
        Ok(())
    }

    /// A key and its value.
    fn pair(&mut self, k: Record, v: Record) -> Result<(), FnError> {
        let key = match k.read_lock::<ImmutableString>() {
            Some(text) => {
                if let Some(&at) = self.strs.get(text.as_str()) {
                    return self.merge_at(at, v);
                }
                Key::Str(text.clone())
            }
            None => {
                crate::depth::check_key(&k)?;
                Key::of(&k)
            }
        };
        let seen = match &key {
            Key::Str(s) => self.strs.get(s.as_str()),
            _ => self.others.get(&key),
        };
        match seen {
            Some(&at) => self.merge_at(at, v),
            None => self.insert(key, k, v),
        }
    }

    /// A string key given as text, with the value `v` (`v_int` when it is a plain int): the
    /// key's string is made the first time only.
    fn str_key(&mut self, k: &str, v: &Record, v_int: Option<i64>) -> Result<(), FnError> {
        if let Some(&at) = self.strs.get(k) {
            return match v_int {
                Some(y) => self.merge_int_at(at, y, v),
                None => self.merge_at(at, v.clone()),
            };
        }
        let s = ImmutableString::from(k);
        self.insert(Key::Str(s.clone()), Record::from(s), v.clone())
    }

    /// The common case of a record, a pair array whose key is a string, combined without
    /// taking the array apart for a key already seen. False when `r` is anything else.
    fn str_pair(&mut self, r: &Record) -> Result<bool, FnError> {
        let Some(items) = r.read_lock::<rhai::Array>() else {
            return Ok(false);
        };
        let [k, v] = items.as_slice() else {
            return Ok(false);
        };
        let Some(text) = k.read_lock::<ImmutableString>() else {
            return Ok(false);
        };
        if let Some(&at) = self.strs.get(text.as_str()) {
            self.merge_at(at, v.clone())?;
            return Ok(true);
        }
        self.insert(Key::Str(text.clone()), k.clone(), v.clone())?;
        Ok(true)
    }

    /// The combiners, bucketed by reduce partition (first-appearance order within each).
    /// The combined pairs, in first-appearance order.
    fn into_pairs(self) -> Vec<Record> {
        self.entries
            .into_iter()
            .map(|(_, k, c)| pair_of(k, c.into_record()))
            .collect()
    }

    fn buckets(self, n: usize) -> Vec<Bucket> {
        let mut out: Vec<Vec<(Key, Record, Record)>> = vec![Vec::new(); n];
        for (key, k, c) in self.entries {
            out[partition_of(&k, n)].push((key, k, c.into_record()));
        }
        out.into_iter().map(Bucket::Combined).collect()
    }
}

struct PartitionWriter;

impl ShuffleWriter for PartitionWriter {
    fn write(&self, _split: usize, input: Records<'_>, n: usize) -> Result<Vec<Bucket>, FnError> {
        let mut out: Vec<Vec<Record>> = vec![Vec::new(); n];
        for r in input {
            let r = r?;
            let (k, _) = split_pair(&r, "partitionBy")?;
            crate::depth::check_key(&k)?;
            out[partition_of(&k, n)].push(r);
        }
        Ok(out.into_iter().map(Bucket::Records).collect())
    }
}

struct RepartitionWriter;

impl ShuffleWriter for RepartitionWriter {
    fn write(&self, split: usize, input: Records<'_>, n: usize) -> Result<Vec<Bucket>, FnError> {
        let records: Vec<Record> = input.collect::<Result<_, _>>()?;
        let mut out: Vec<Vec<Record>> = vec![Vec::new(); n];
        let mut position = crate::jvm_random::XorShiftRandom::new(split as i64).next_int(n as i32);
        for chunk in records.chunks(10) {
            position = position.wrapping_add(1);
            out[position.rem_euclid(n as i32) as usize].extend(chunk.iter().cloned());
        }
        Ok(out.into_iter().map(Bucket::Records).collect())
    }
}

/// `sortByKey`'s map side: each pair to its key's range partition (PySpark's
/// `rangePartitioner`: `bisect_left(bounds, key)`, counted from the end when descending).
struct RangeWriter {
    bounds: Vec<Record>,
    ascending: bool,
}

impl ShuffleWriter for RangeWriter {
    fn write(&self, _split: usize, input: Records<'_>, n: usize) -> Result<Vec<Bucket>, FnError> {
        let mut out: Vec<Vec<Record>> = vec![Vec::new(); n];
        for r in input {
            let r = r?;
            let (k, _) = split_pair(&r, "sortByKey")?;
            crate::depth::check_key(&k)?;
            let p = self.bisect_left(&k)?.min(n - 1);
            out[if self.ascending { p } else { n - 1 - p }].push(r);
        }
        Ok(out.into_iter().map(Bucket::Records).collect())
    }
}

impl RangeWriter {
    fn bisect_left(&self, k: &Record) -> Result<usize, FnError> {
        let (mut lo, mut hi) = (0, self.bounds.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let below = crate::pyorder::compare(&self.bounds[mid], k)
                .map_err(|e| FnError(format!("TypeError: {e}")))?
                == std::cmp::Ordering::Less;
            if below {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    }
}
