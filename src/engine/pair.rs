//! Key-value operations with PySpark's shuffle, so records come out in the order PySpark
//! prints them: each map partition combines locally (first-appearance order), its output is
//! bucketed by `portable_hash(key) % n`, and reduce partition p merges the buckets of map
//! partitions 0, 1, ... in order.

use super::func::{Record, RecordFn};
use super::key::Key;
use super::rdd::{JobError, Rdd, pair_of, shuffle};
use indexmap::IndexMap;
use rustc_hash::FxBuildHasher;
use std::sync::Arc;

pub use super::rdd::aggregator::{
    Aggregator, AggregatorTask, CombineAgg, GroupAgg, ReduceAgg, split_pair,
};

/// `combineByKey` into `n` hash partitions, exactly as PySpark orders its output.
pub fn combine_by_key(rdd: &Rdd, agg: Arc<dyn Aggregator>, n: usize, op: &str) -> Rdd {
    shuffle::combine_by_key(rdd, agg, n, op)
}

pub fn reduce_by_key(rdd: &Rdd, f: Arc<dyn RecordFn>, n: usize) -> Rdd {
    combine_by_key(rdd, Arc::new(ReduceAgg(f)), n, "reduceByKey")
}

pub fn group_by_key(rdd: &Rdd, n: usize) -> Rdd {
    combine_by_key(rdd, Arc::new(GroupAgg), n, "groupByKey")
}

/// `partitionBy(n)`: moves each pair to partition `portable_hash(key) % n`, keeping order.
pub fn partition_by(rdd: &Rdd, n: usize) -> Rdd {
    shuffle::partition_by(rdd, n)
}

/// `keys()` / `values()`.
pub fn project(rdd: &Rdd, index: usize) -> Rdd {
    let op = if index == 0 { "keys" } else { "values" };
    rdd.map_native(move |r| {
        let (k, v) = split_pair(&r, op)?;
        Ok(if index == 0 { k } else { v })
    })
}

/// `sortByKey(ascending, numPartitions)`: a stable global sort, split into range partitions.
pub fn sort_by_key(rdd: &Rdd, ascending: bool, n: Option<usize>) -> Rdd {
    let n = n.unwrap_or_else(|| rdd.num_partitions()).max(1);
    shuffle::sort_by_key(rdd, ascending, n)
}

/// `sortBy(f, ascending, numPartitions)` = `keyBy(f).sortByKey(...).values()`.
pub fn sort_by(rdd: &Rdd, f: Arc<dyn RecordFn>, ascending: bool, n: Option<usize>) -> Rdd {
    project(&sort_by_key(&rdd.key_by(f), ascending, n), 1)
}

/// `distinct(n)`: PySpark's `map((x, None)).reduceByKey(lambda x, _: x).map(x[0])`.
pub fn distinct(rdd: &Rdd, n: Option<usize>) -> Rdd {
    let keyed = rdd.map_native(|r| Ok(pair_of(r, Record::UNIT)));
    let keep_first = super::func::native(|a| Ok(std::mem::take(&mut a[0])));
    let n = n.unwrap_or_else(|| rdd.num_partitions());
    let reduced = combine_by_key(&keyed, Arc::new(ReduceAgg(keep_first)), n, "distinct");
    project(&reduced, 0)
}

/// `countByKey()` / `countByValue()`: counts in first-appearance order.
pub fn count_by(rdd: &Rdd, by_key: bool) -> Result<Vec<(Record, i64)>, JobError> {
    let mut counts: IndexMap<Key, (Record, i64), FxBuildHasher> = IndexMap::default();
    for r in rdd.collect()? {
        let k = if by_key {
            split_pair(&r, "countByKey")?.0
        } else {
            r
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
    use crate::pyhash::partition_of;
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
        let out = reduce_by_key(&r, add(), 2);
        assert_eq!(
            show(&out),
            vec!["('Web', 4)", "('social_media', 1)", "('Store', 4)"]
        );
    }

    #[test]
    fn string_keys_combine_as_the_general_path_does() {
        // Strings are found by their text; one-letter chars, ints and tuples by their `Key`
        // (a char is a one-letter string there too). Both keep first-appearance order per map partition, portable_hash buckets and
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
            let out = reduce_by_key(&r, add(), n);
            let mut want = Vec::new();
            // The same order computed by hand: per map partition, first appearance; then
            // each reduce partition takes its keys from map partitions 0, 1, 2 in turn.
            let mut per_map: Vec<Vec<(String, Record, i64)>> = Vec::new();
            for p in r.collect_partitions().expect("collect") {
                let mut seen: Vec<(String, Record, i64)> = Vec::new();
                for rec in &p {
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
        let mut g = show(&group_by_key(&r, 2));
        g.sort();
        assert_eq!(g, vec!["('a', [2])", "('b', [1, 3])"]);
        assert_eq!(
            show(&sort_by_key(&r, true, None)),
            vec!["('a', 2)", "('b', 1)", "('b', 3)"]
        );
        assert_eq!(
            show(&sort_by_key(&r, false, None)),
            vec!["('b', 1)", "('b', 3)", "('a', 2)"]
        );
        let keys = project(&r, 0);
        assert_eq!(distinct(&keys, None).count().expect("count"), 2);
        let counts = count_by(&r, true).expect("count");
        assert_eq!(counts.len(), 2);
        assert_eq!(counts[0].1, 2);
        let bad = sc.parallelize(vec![Record::from(1_i64)], None);
        assert!(
            reduce_by_key(&bad, add(), 2)
                .collect()
                .unwrap_err()
                .error
                .0
                .contains("expects (key, value) pairs")
        );
    }
}
