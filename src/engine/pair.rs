//! Key-value operations with PySpark's shuffle, so records come out in the order PySpark
//! prints them: each map partition combines locally (first-appearance order), its output is
//! bucketed by `portable_hash(key) % n`, and reduce partition p merges the buckets of map
//! partitions 0, 1, ... in order.

use super::func::{FnCall, FnError, Record, RecordFn};
use super::key::{Key, StrKey};
use super::pyhash::partition_of;
use super::rdd::{Partition, Rdd, pair_of, sort_indices_by};
use super::record::{list, view};
use super::task_output;
use indexmap::IndexMap;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

type Groups = IndexMap<Key, (Record, Record), FxBuildHasher>;

/// Splits a record into (key, value), or explains what was expected.
pub fn split_pair(r: &Record, op: &str) -> Result<(Record, Record), FnError> {
    if let Some([k, v]) = view(r).items() {
        return Ok((k.clone(), v.clone()));
    }
    let shown = match super::depth::check_repr(r) {
        Ok(()) => super::pyrepr::python_str(r),
        Err(_) => "a record nested too deeply to show".to_string(),
    };
    Err(FnError(format!(
        "{op} expects (key, value) pairs, i.e. 2-element arrays, but got {shown}"
    )))
}

/// Spark's Aggregator: how values become combiners and combiners merge.
pub trait Aggregator: Sync {
    fn task(&self) -> Box<dyn AggregatorTask + '_>;
}

pub trait AggregatorTask {
    fn create(&mut self, v: Record) -> Result<Record, FnError>;
    fn merge_value(&mut self, c: Record, v: Record) -> Result<Record, FnError>;
    fn merge_combiners(&mut self, a: Record, b: Record) -> Result<Record, FnError>;
}

/// reduceByKey's aggregator: the user function merges both values and combiners.
pub struct ReduceAgg<'a>(pub &'a dyn RecordFn);

struct ReduceTask<'a>(Box<dyn FnCall + 'a>);

impl Aggregator for ReduceAgg<'_> {
    fn task(&self) -> Box<dyn AggregatorTask + '_> {
        Box::new(ReduceTask(self.0.caller()))
    }
}

impl AggregatorTask for ReduceTask<'_> {
    fn create(&mut self, v: Record) -> Result<Record, FnError> {
        Ok(v)
    }
    fn merge_value(&mut self, c: Record, v: Record) -> Result<Record, FnError> {
        self.0.call2(c, v)
    }
    fn merge_combiners(&mut self, a: Record, b: Record) -> Result<Record, FnError> {
        self.0.call2(a, b)
    }
}

/// groupByKey's aggregator: values collect into a list.
pub struct GroupAgg;

impl Aggregator for GroupAgg {
    fn task(&self) -> Box<dyn AggregatorTask + '_> {
        Box::new(GroupAgg)
    }
}

fn append(c: Record, mut more: Vec<Record>) -> Record {
    let mut v = c.into_array().unwrap_or_default();
    v.append(&mut more);
    list(v)
}

impl AggregatorTask for GroupAgg {
    fn create(&mut self, v: Record) -> Result<Record, FnError> {
        Ok(list(vec![v]))
    }
    fn merge_value(&mut self, c: Record, v: Record) -> Result<Record, FnError> {
        Ok(append(c, vec![v]))
    }
    fn merge_combiners(&mut self, a: Record, b: Record) -> Result<Record, FnError> {
        Ok(append(a, b.into_array().unwrap_or_default()))
    }
}

/// combineByKey's aggregator: three user functions.
pub struct CombineAgg<'a> {
    pub create: &'a dyn RecordFn,
    pub merge_value: &'a dyn RecordFn,
    pub merge_combiners: &'a dyn RecordFn,
}

struct CombineTask<'a>([Box<dyn FnCall + 'a>; 3]);

impl Aggregator for CombineAgg<'_> {
    fn task(&self) -> Box<dyn AggregatorTask + '_> {
        Box::new(CombineTask([
            self.create.caller(),
            self.merge_value.caller(),
            self.merge_combiners.caller(),
        ]))
    }
}

impl AggregatorTask for CombineTask<'_> {
    fn create(&mut self, v: Record) -> Result<Record, FnError> {
        self.0[0].call1(v)
    }
    fn merge_value(&mut self, c: Record, v: Record) -> Result<Record, FnError> {
        self.0[1].call2(c, v)
    }
    fn merge_combiners(&mut self, a: Record, b: Record) -> Result<Record, FnError> {
        self.0[2].call2(a, b)
    }
}

/// `combineByKey` into `n` hash partitions, exactly as PySpark orders its output.
pub fn combine_by_key(rdd: &Rdd, agg: &dyn Aggregator, n: usize, op: &str) -> Result<Rdd, FnError> {
    let n = n.max(1);
    let parts = rdd.partitions();
    // Map side: local combine, then buckets per reduce partition.
    let buckets: Vec<Vec<Vec<(Key, Record, Record)>>> = task_output::stage(|stage| {
        rdd.context().run(|| {
            parts
                .par_iter()
                .enumerate()
                .map(|(i, p)| stage.task(i, || map_side(agg, p, n, op)))
                .collect::<Result<_, FnError>>()
        })
    })?;
    // Reduce side: partition p merges map outputs in map-partition order. The buckets are
    // regrouped by reduce partition first, so combiners move instead of being copied.
    let mut inputs: Vec<Vec<Vec<(Key, Record, Record)>>> = (0..n).map(|_| Vec::new()).collect();
    for map_out in buckets {
        for (p, bucket) in map_out.into_iter().enumerate() {
            inputs[p].push(bucket);
        }
    }
    let out: Vec<Partition> = task_output::stage(|stage| {
        rdd.context().run(|| {
            inputs
                .into_par_iter()
                .enumerate()
                .map(|(i, map_outputs)| stage.task(i, || reduce_side(agg, map_outputs)))
                .collect::<Result<_, FnError>>()
        })
    })?;
    Ok(Rdd::from_partitions(rdd.context().clone(), out))
}

/// A map task's output: for each reduce partition, its (key, record key, combiner) triples.
type MapOutput = Vec<Vec<(Key, Record, Record)>>;

/// One map-side task of `combineByKey`: combines its partition locally, then buckets the
/// combiners by reduce partition.
fn map_side(agg: &dyn Aggregator, p: &[Record], n: usize, op: &str) -> Result<MapOutput, FnError> {
    let mut task = agg.task();
    let mut groups = Groups::default();
    for r in p {
        if combine_str_pair(&mut groups, &mut *task, r)? {
            continue;
        }
        let (k, v) = split_pair(r, op)?;
        crate::depth::check_key(&k)?;
        let key = Key::of(&k);
        match groups.get_mut(&key) {
            Some(slot) => {
                let old = std::mem::take(&mut slot.1);
                slot.1 = task.merge_value(old, v)?;
            }
            None => {
                let c = task.create(v)?;
                groups.insert(key, (k, c));
            }
        }
    }
    let mut out: MapOutput = vec![Vec::new(); n];
    for (key, (k, c)) in groups {
        out[partition_of(&k, n)].push((key, k, c));
    }
    Ok(out)
}

/// The common case of the map side, a pair whose key is a string, combined without building
/// a `Key` for a key already seen: the lookup borrows the record's text, so a repeated key
/// costs a hash and a comparison, no clone. The key is kept once, the first time it is seen
/// (first-appearance order, as in the general case). False when `r` is anything else.
fn combine_str_pair(
    groups: &mut Groups,
    task: &mut dyn AggregatorTask,
    r: &Record,
) -> Result<bool, FnError> {
    let Some(items) = r.read_lock::<rhai::Array>() else {
        return Ok(false);
    };
    let [k, v] = items.as_slice() else {
        return Ok(false);
    };
    let Some(text) = k.read_lock::<rhai::ImmutableString>() else {
        return Ok(false);
    };
    if let Some(slot) = groups.get_mut(&StrKey(text.as_str())) {
        let old = std::mem::take(&mut slot.1);
        slot.1 = task.merge_value(old, v.clone())?;
        return Ok(true);
    }
    let c = task.create(v.clone())?;
    groups.insert(Key::Str(text.clone()), (k.clone(), c));
    Ok(true)
}

/// One reduce-side task of `combineByKey`: merges the map outputs in map-partition order.
fn reduce_side(agg: &dyn Aggregator, map_outputs: MapOutput) -> Result<Partition, FnError> {
    let mut task = agg.task();
    let mut groups = Groups::default();
    for (key, k, c) in map_outputs.into_iter().flatten() {
        match groups.get_mut(&key) {
            Some(slot) => {
                let old = std::mem::take(&mut slot.1);
                slot.1 = task.merge_combiners(old, c)?;
            }
            None => {
                groups.insert(key, (k, c));
            }
        }
    }
    Ok(groups.into_values().map(|(k, c)| pair_of(k, c)).collect())
}

pub fn reduce_by_key(rdd: &Rdd, f: &dyn RecordFn, n: usize) -> Result<Rdd, FnError> {
    combine_by_key(rdd, &ReduceAgg(f), n, "reduceByKey")
}

pub fn group_by_key(rdd: &Rdd, n: usize) -> Result<Rdd, FnError> {
    combine_by_key(rdd, &GroupAgg, n, "groupByKey")
}

/// `partitionBy(n)`: moves each pair to partition `portable_hash(key) % n`, keeping order.
pub fn partition_by(rdd: &Rdd, n: usize) -> Result<Rdd, FnError> {
    let n = n.max(1);
    let mut out: Vec<Partition> = vec![Vec::new(); n];
    for r in rdd.partitions().iter().flatten() {
        let (k, _) = split_pair(r, "partitionBy")?;
        crate::depth::check_key(&k)?;
        out[partition_of(&k, n)].push(r.clone());
    }
    Ok(Rdd::from_partitions(rdd.context().clone(), out))
}

/// `mapValues(f)`.
pub fn map_values(rdd: &Rdd, f: &dyn RecordFn) -> Result<Rdd, FnError> {
    rdd.map_partitions_native(|_, p| {
        let mut c = f.caller();
        p.iter()
            .map(|r| {
                let (k, v) = split_pair(r, "mapValues")?;
                Ok(pair_of(k, c.call1(v)?))
            })
            .collect()
    })
}

/// `flatMapValues(f)`.
pub fn flat_map_values(rdd: &Rdd, f: &dyn RecordFn) -> Result<Rdd, FnError> {
    rdd.map_partitions_native(|_, p| {
        let mut c = f.caller();
        let mut out = Vec::new();
        for r in p {
            let (k, v) = split_pair(r, "flatMapValues")?;
            for x in super::rdd::iterate(c.call1(v)?, "flatMapValues")? {
                out.push(pair_of(k.clone(), x));
            }
        }
        Ok(out)
    })
}

/// `keys()` / `values()`.
pub fn project(rdd: &Rdd, index: usize) -> Result<Rdd, FnError> {
    rdd.map_partitions_native(|_, p| {
        p.iter()
            .map(|r| {
                let (k, v) = split_pair(r, if index == 0 { "keys" } else { "values" })?;
                Ok(if index == 0 { k } else { v })
            })
            .collect()
    })
}

/// `sortByKey(ascending, numPartitions)`: a stable global sort, split into range partitions.
pub fn sort_by_key(rdd: &Rdd, ascending: bool, n: Option<usize>) -> Result<Rdd, FnError> {
    let n = n.unwrap_or_else(|| rdd.num_partitions()).max(1);
    let records = rdd.collect();
    let mut keys = Vec::with_capacity(records.len());
    for r in &records {
        let k = split_pair(r, "sortByKey")?.0;
        crate::depth::check_key(&k)?;
        keys.push(k);
    }
    let mut idx: Vec<usize> = (0..records.len()).collect();
    sort_indices_by(&mut idx, &keys, !ascending)?;
    let total = idx.len();
    let parts = (0..n)
        .map(|i| {
            idx[i * total / n..(i + 1) * total / n]
                .iter()
                .map(|&j| records[j].clone())
                .collect()
        })
        .collect();
    Ok(Rdd::from_partitions(rdd.context().clone(), parts))
}

/// `sortBy(f, ascending, numPartitions)` = `keyBy(f).sortByKey(...).values()`.
pub fn sort_by(
    rdd: &Rdd,
    f: &dyn RecordFn,
    ascending: bool,
    n: Option<usize>,
) -> Result<Rdd, FnError> {
    let keyed = rdd.map_partitions_native(|_, p| {
        let mut c = f.caller();
        p.iter()
            .map(|r| Ok(pair_of(c.call1(r.clone())?, r.clone())))
            .collect()
    })?;
    project(&sort_by_key(&keyed, ascending, n)?, 1)
}

/// `distinct(n)`: PySpark's `map((x, None)).reduceByKey(lambda x, _: x).map(x[0])`.
pub fn distinct(rdd: &Rdd, n: Option<usize>) -> Result<Rdd, FnError> {
    let keyed = rdd.map_partitions_native(|_, p| {
        Ok(p.iter().map(|r| pair_of(r.clone(), Record::UNIT)).collect())
    })?;
    let keep_first = super::func::native(|a| Ok(std::mem::take(&mut a[0])));
    let n = n.unwrap_or_else(|| rdd.num_partitions());
    project(&reduce_by_key(&keyed, &*keep_first, n)?, 0)
}

/// `countByKey()` / `countByValue()`: counts in first-appearance order.
pub fn count_by(rdd: &Rdd, by_key: bool) -> Result<Vec<(Record, i64)>, FnError> {
    let mut counts: IndexMap<Key, (Record, i64), FxBuildHasher> = IndexMap::default();
    for r in rdd.partitions().iter().flatten() {
        let k = if by_key {
            split_pair(r, "countByKey")?.0
        } else {
            r.clone()
        };
        crate::depth::check_key(&k)?;
        counts.entry(Key::of(&k)).or_insert((k, 0)).1 += 1;
    }
    Ok(counts.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::native;
    use crate::pyrepr::python_str;
    use crate::sc::SparkContext;
    use crate::test_values::{pairs, show};

    fn add() -> std::sync::Arc<dyn RecordFn> {
        native(|a| {
            Ok(Record::from(
                a[0].as_int().unwrap_or(0) + a[1].as_int().unwrap_or(0),
            ))
        })
    }

    #[test]
    fn reduce_by_key_prints_in_pyspark_order() {
        // window3's first batch: PySpark prints Web, social_media, Store.
        let sc = SparkContext::new(2).expect("pool");
        let data = pairs(&[
            ("Web", 1),
            ("Web", 3),
            ("Store", 2),
            ("social_media", 1),
            ("Store", 2),
        ]);
        let r = sc.parallelize(data, None);
        let out = reduce_by_key(&r, &*add(), 2).expect("reduce");
        assert_eq!(
            show(&out),
            vec!["('Web', 4)", "('social_media', 1)", "('Store', 4)"]
        );
    }

    #[test]
    fn string_keys_combine_as_the_general_path_does() {
        // Strings take the borrowed-lookup path; one-letter chars, ints and tuples the general
        // one. Both keep first-appearance order per map partition, portable_hash buckets and
        // map-partition order on the reduce side, and a key's first record stays its key.
        let sc = SparkContext::new(2).expect("pool");
        let key = |k: &str| match k.strip_prefix('#') {
            Some(c) => Record::from(c.chars().next().unwrap_or('?')),
            None => Record::from(k.to_string()),
        };
        let data: Vec<Record> = [
            ("b", 1),
            ("#a", 2),
            ("a", 3),
            ("zz", 4),
            ("#b", 5),
            ("c", 6),
            ("zz", 7),
            ("a", 8),
            ("#c", 9),
            ("q", 10),
        ]
        .iter()
        .map(|(k, n)| pair_of(key(k), Record::from(i64::from(*n))))
        .chain([pair_of(Record::from(1_i64), Record::from(100_i64))])
        .collect();
        let r = sc.parallelize(data, Some(3));
        for n in [1, 2, 3] {
            let out = reduce_by_key(&r, &*add(), n).expect("reduce");
            let mut want = Vec::new();
            // The same order computed by hand: per map partition, first appearance; then
            // each reduce partition takes its keys from map partitions 0, 1, 2 in turn.
            let mut per_map: Vec<Vec<(String, Record, i64)>> = Vec::new();
            for p in r.partitions() {
                let mut seen: Vec<(String, Record, i64)> = Vec::new();
                for rec in p {
                    let (k, v) = split_pair(rec, "test").expect("pair");
                    let name = python_str(&k).trim_matches('\'').to_string();
                    let v = v.as_int().unwrap_or(0);
                    match seen.iter_mut().find(|e| e.0 == name) {
                        Some(e) => e.2 += v,
                        None => seen.push((name, k, v)),
                    }
                }
                per_map.push(seen);
            }
            for reduce in 0..n {
                let mut merged: Vec<(String, Record, i64)> = Vec::new();
                for m in &per_map {
                    for (name, k, v) in m {
                        if partition_of(k, n) != reduce {
                            continue;
                        }
                        match merged.iter_mut().find(|e| &e.0 == name) {
                            Some(e) => e.2 += v,
                            None => merged.push((name.clone(), k.clone(), *v)),
                        }
                    }
                }
                want.extend(
                    merged
                        .into_iter()
                        .map(|(_, k, v)| python_str(&pair_of(k, Record::from(v)))),
                );
            }
            assert_eq!(show(&out), want, "{n} partitions");
        }
    }

    #[test]
    fn group_sort_distinct_count() {
        let sc = SparkContext::new(2).expect("pool");
        let r = sc.parallelize(pairs(&[("b", 1), ("a", 2), ("b", 3)]), None);
        let mut g = show(&group_by_key(&r, 2).expect("group"));
        g.sort();
        assert_eq!(g, vec!["('a', [2])", "('b', [1, 3])"]);
        assert_eq!(
            show(&sort_by_key(&r, true, None).expect("sort")),
            vec!["('a', 2)", "('b', 1)", "('b', 3)"]
        );
        assert_eq!(
            show(&sort_by_key(&r, false, None).expect("sort")),
            vec!["('b', 1)", "('b', 3)", "('a', 2)"]
        );
        let keys = project(&r, 0).expect("keys");
        assert_eq!(distinct(&keys, None).expect("distinct").count(), 2);
        let counts = count_by(&r, true).expect("count");
        assert_eq!(counts.len(), 2);
        assert_eq!(counts[0].1, 2);
        let bad = sc.parallelize(vec![Record::from(1_i64)], None);
        assert!(
            reduce_by_key(&bad, &*add(), 2)
                .unwrap_err()
                .0
                .contains("expects (key, value) pairs")
        );
    }
}
