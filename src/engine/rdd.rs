//! A materialised RDD: partitions of records, computed eagerly and in parallel on the
//! SparkContext's worker pool. Narrow transformations and actions live here; shuffles
//! (ByKey operations, joins, sorting) live in `pair.rs`.

use super::func::{FnError, Record, RecordFn};
use super::pyorder;
use super::record::{RecordView, view};
use super::sc::SparkContext;
use super::task_output;
use rayon::prelude::*;
use std::any::Any;
use std::sync::Arc;

pub type Partition = Vec<Record>;

#[derive(Clone)]
pub struct Rdd {
    sc: SparkContext,
    parts: Arc<Vec<Partition>>,
    /// What a source stream knows about the batch this RDD holds (a Kafka direct stream's
    /// offset ranges, Spark's `HasOffsetRanges`). The RDD carries it without knowing its type,
    /// so the base RDD does not depend on any source.
    source_info: Option<Arc<dyn Any + Send + Sync>>,
}

impl std::fmt::Debug for Rdd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RDD[{} partitions]", self.parts.len())
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

impl Rdd {
    pub fn from_partitions(sc: SparkContext, parts: Vec<Partition>) -> Rdd {
        Rdd {
            sc,
            parts: Arc::new(parts),
            source_info: None,
        }
    }

    /// The same RDD, carrying what its source stream knows about the batch.
    pub fn with_source_info<T: Any + Send + Sync>(mut self, info: T) -> Rdd {
        self.source_info = Some(Arc::new(info));
        self
    }

    /// The source's information about this batch, if it is a `T` (none on derived RDDs).
    pub fn source_info<T: Any>(&self) -> Option<&T> {
        self.source_info.as_deref()?.downcast_ref::<T>()
    }

    /// The partitions, when no other handle shares them (else nothing: they stay alive).
    pub fn into_partitions(self) -> Vec<Partition> {
        Arc::try_unwrap(self.parts).unwrap_or_default()
    }

    pub fn context(&self) -> &SparkContext {
        &self.sc
    }

    pub fn partitions(&self) -> &[Partition] {
        &self.parts
    }

    pub fn num_partitions(&self) -> usize {
        self.parts.len()
    }

    /// Applies `f` to every partition in parallel; the first failing partition's error wins.
    pub fn map_partitions_native<F>(&self, f: F) -> Result<Rdd, FnError>
    where
        F: Fn(usize, &[Record]) -> Result<Partition, FnError> + Sync + Send,
    {
        let parts = &self.parts;
        let out: Result<Vec<Partition>, FnError> = task_output::stage(|stage| {
            self.sc.run(|| {
                let task = |(i, p): (usize, &Partition)| stage.task(i, || f(i, p));
                parts.par_iter().enumerate().map(task).collect()
            })
        });
        Ok(Rdd::from_partitions(self.sc.clone(), out?))
    }

    pub fn map(&self, f: &dyn RecordFn) -> Result<Rdd, FnError> {
        self.map_partitions_native(|_, p| {
            let mut c = f.caller();
            p.iter().map(|r| c.call1(r.clone())).collect()
        })
    }

    pub fn flat_map(&self, f: &dyn RecordFn) -> Result<Rdd, FnError> {
        self.map_partitions_native(|_, p| {
            let mut c = f.caller();
            let mut out = Vec::with_capacity(p.len() * 4);
            for r in p {
                out.extend(iterate(c.call1(r.clone())?, "flatMap")?);
            }
            Ok(out)
        })
    }

    pub fn filter(&self, f: &dyn RecordFn) -> Result<Rdd, FnError> {
        self.map_partitions_native(|_, p| {
            let mut c = f.caller();
            let mut out = Vec::new();
            for r in p {
                if truthy(&c.call1(r.clone())?) {
                    out.push(r.clone());
                }
            }
            Ok(out)
        })
    }

    /// `mapPartitions(f)`: `f` gets the partition as an array and returns an iterable.
    pub fn map_partitions(&self, f: &dyn RecordFn) -> Result<Rdd, FnError> {
        self.map_partitions_native(|_, p| {
            let mut c = f.caller();
            iterate(c.call1(Record::from(p.to_vec()))?, "mapPartitions")
        })
    }

    pub fn map_partitions_with_index(&self, f: &dyn RecordFn) -> Result<Rdd, FnError> {
        self.map_partitions_native(|i, p| {
            let mut c = f.caller();
            let out = c.call2(Record::from(i as i64), Record::from(p.to_vec()))?;
            iterate(out, "mapPartitionsWithIndex")
        })
    }

    /// `glom()`: one list per partition.
    pub fn glom(&self) -> Rdd {
        let parts = self
            .parts
            .iter()
            .map(|p| vec![super::record::list(p.to_vec())])
            .collect();
        Rdd::from_partitions(self.sc.clone(), parts)
    }

    pub fn union(&self, other: &Rdd) -> Rdd {
        self.sc.union(&[self.clone(), other.clone()])
    }

    pub fn collect(&self) -> Vec<Record> {
        self.parts.iter().flat_map(|p| p.iter().cloned()).collect()
    }

    pub fn count(&self) -> usize {
        self.parts.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(Vec::is_empty)
    }

    /// `take(n)`: the first n records in partition order.
    pub fn take(&self, n: usize) -> Vec<Record> {
        self.parts.iter().flatten().take(n).cloned().collect()
    }

    pub fn first(&self) -> Result<Record, FnError> {
        self.take(1)
            .pop()
            .ok_or_else(|| FnError::new("ValueError: RDD is empty"))
    }

    /// `reduce(f)`: per partition, then across partitions in order.
    pub fn reduce(&self, f: &dyn RecordFn) -> Result<Option<Record>, FnError> {
        let partials = self.map_partitions_native(|_, p| {
            let mut c = f.caller();
            let mut it = p.iter().cloned();
            let Some(mut acc) = it.next() else {
                return Ok(Vec::new());
            };
            for r in it {
                acc = c.call2(acc, r)?;
            }
            Ok(vec![acc])
        })?;
        let mut c = f.caller();
        let mut it = partials.collect().into_iter();
        let Some(mut acc) = it.next() else {
            return Ok(None);
        };
        for r in it {
            acc = c.call2(acc, r)?;
        }
        Ok(Some(acc))
    }

    /// `fold(zero, f)`: each partition folds from a copy of zero, then the results fold from zero.
    pub fn fold(&self, zero: &Record, f: &dyn RecordFn) -> Result<Record, FnError> {
        let partials = self.map_partitions_native(|_, p| {
            let mut c = f.caller();
            let mut acc = zero.clone();
            for r in p {
                acc = c.call2(acc, r.clone())?;
            }
            Ok(vec![acc])
        })?;
        let mut c = f.caller();
        let mut acc = zero.clone();
        for r in partials.collect() {
            acc = c.call2(acc, r)?;
        }
        Ok(acc)
    }

    pub fn foreach(&self, f: &dyn RecordFn) -> Result<(), FnError> {
        self.map_partitions_native(|_, p| {
            let mut c = f.caller();
            for r in p {
                let _ = c.call1(r.clone())?;
            }
            Ok(Vec::new())
        })
        .map(|_| ())
    }

    /// `zipWithIndex()`: indices follow partition order.
    pub fn zip_with_index(&self) -> Rdd {
        let mut next = 0_i64;
        let parts = self
            .parts
            .iter()
            .map(|p| {
                p.iter()
                    .map(|r| {
                        let pair = pair_of(r.clone(), Record::from(next));
                        next += 1;
                        pair
                    })
                    .collect()
            })
            .collect();
        Rdd::from_partitions(self.sc.clone(), parts)
    }

    /// `coalesce(n)` without a shuffle: contiguous groups of partitions.
    pub fn coalesce(&self, n: usize) -> Rdd {
        let total = self.parts.len();
        let n = n.max(1);
        if total <= n {
            return self.clone();
        }
        let parts = (0..n)
            .map(|i| {
                let (start, end) = (i * total / n, (i + 1) * total / n);
                self.parts[start..end].iter().flatten().cloned().collect()
            })
            .collect();
        Rdd::from_partitions(self.sc.clone(), parts)
    }

    /// `repartition(n)`: always exactly n partitions, placed as PySpark places them: records
    /// travel in pickled chunks of 10, and input partition i deals its chunks round-robin from
    /// `XORShiftRandom(i).nextInt(n) + 1`.
    pub fn repartition(&self, n: usize) -> Rdd {
        let n = n.max(1);
        let mut parts: Vec<Partition> = vec![Vec::new(); n];
        for (i, p) in self.parts.iter().enumerate() {
            let mut position = super::jvm_random::XorShiftRandom::new(i as i64).next_int(n as i32);
            for chunk in p.chunks(10) {
                position = position.wrapping_add(1);
                parts[position.rem_euclid(n as i32) as usize].extend(chunk.iter().cloned());
            }
        }
        Rdd::from_partitions(self.sc.clone(), parts)
    }

    /// `cartesian(other)`: every pair, partition by partition.
    pub fn cartesian(&self, other: &Rdd) -> Rdd {
        let mut parts = Vec::new();
        for a in self.parts.iter() {
            for b in other.parts.iter() {
                parts.push(
                    a.iter()
                        .flat_map(|x| b.iter().map(move |y| pair_of(x.clone(), y.clone())))
                        .collect(),
                );
            }
        }
        Rdd::from_partitions(self.sc.clone(), parts)
    }

    /// Sorted copy of all records; `descending` keeps equal records in their original order.
    pub fn sorted_records(
        &self,
        key: Option<&dyn RecordFn>,
        descending: bool,
    ) -> Result<Vec<Record>, FnError> {
        let records = self.collect();
        let keys: Vec<Record> = match key {
            Some(f) => {
                let mut c = f.caller();
                records
                    .iter()
                    .map(|r| c.call1(r.clone()))
                    .collect::<Result<_, _>>()?
            }
            None => records.clone(),
        };
        let mut idx: Vec<usize> = (0..records.len()).collect();
        sort_indices_by(&mut idx, &keys, descending)?;
        Ok(idx.into_iter().map(|i| records[i].clone()).collect())
    }

    /// `top(n[, key])`: the n largest, largest first.
    pub fn top(&self, n: usize, key: Option<&dyn RecordFn>) -> Result<Vec<Record>, FnError> {
        let mut v = self.sorted_records(key, true)?;
        v.truncate(n);
        Ok(v)
    }

    /// `takeOrdered(n[, key])`: the n smallest, smallest first.
    pub fn take_ordered(
        &self,
        n: usize,
        key: Option<&dyn RecordFn>,
    ) -> Result<Vec<Record>, FnError> {
        let mut v = self.sorted_records(key, false)?;
        v.truncate(n);
        Ok(v)
    }
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
mod tests {
    use super::*;
    use crate::func::native;

    fn sc() -> SparkContext {
        SparkContext::new(2).expect("pool")
    }

    fn ints(v: &[i64]) -> Vec<Record> {
        v.iter().map(|&i| Record::from(i)).collect()
    }

    #[test]
    fn source_info_is_found_by_type_and_not_inherited() {
        let r = Rdd::from_partitions(sc(), vec![ints(&[1, 2])]).with_source_info(vec![7_u8]);
        assert_eq!(r.source_info::<Vec<u8>>(), Some(&vec![7_u8]));
        assert_eq!(r.source_info::<String>(), None);
        let same = native(|a| Ok(std::mem::take(&mut a[0])));
        let derived = r.map(&*same).expect("map");
        assert_eq!(derived.source_info::<Vec<u8>>(), None);
    }

    fn as_ints(v: Vec<Record>) -> Vec<i64> {
        v.into_iter().map(|r| r.as_int().unwrap_or(-999)).collect()
    }

    #[test]
    fn map_filter_flatmap_keep_partition_order() {
        let r = sc().parallelize(ints(&[1, 2, 3, 4, 5]), Some(2));
        let double = native(|a| Ok(Record::from(a[0].as_int().unwrap_or(0) * 2)));
        assert_eq!(
            as_ints(r.map(&*double).unwrap().collect()),
            vec![2, 4, 6, 8, 10]
        );
        let odd = native(|a| Ok(Record::from(a[0].as_int().unwrap_or(0) % 2 == 1)));
        assert_eq!(as_ints(r.filter(&*odd).unwrap().collect()), vec![1, 3, 5]);
        let twice = native(|a| Ok(Record::from(vec![a[0].clone(), a[0].clone()])));
        assert_eq!(as_ints(r.flat_map(&*twice).unwrap().collect()).len(), 10);
    }

    #[test]
    fn reduce_of_empty_rdd_is_none_and_errors_propagate() {
        let sc = sc();
        let add = native(|a| {
            Ok(Record::from(
                a[0].as_int().unwrap_or(0) + a[1].as_int().unwrap_or(0),
            ))
        });
        assert!(sc.empty_rdd().reduce(&*add).unwrap().is_none());
        let r = sc.parallelize(ints(&[1, 2, 3]), None);
        assert_eq!(
            r.reduce(&*add).unwrap().and_then(|x| x.as_int().ok()),
            Some(6)
        );
        let boom = native(|_| Err(FnError::new("boom")));
        assert_eq!(r.map(&*boom).unwrap_err(), FnError::new("boom"));
    }

    #[test]
    fn take_top_and_ordered() {
        let r = sc().parallelize(ints(&[5, 1, 4, 2, 3]), Some(3));
        assert_eq!(as_ints(r.take(2)), vec![5, 1]);
        assert_eq!(as_ints(r.top(2, None).unwrap()), vec![5, 4]);
        assert_eq!(as_ints(r.take_ordered(2, None).unwrap()), vec![1, 2]);
        assert_eq!(r.repartition(4).num_partitions(), 4);
        assert_eq!(r.coalesce(1).num_partitions(), 1);
        assert_eq!(r.glom().count(), 3);
    }

    #[test]
    fn truthiness_is_pythons() {
        assert!(!truthy(&Record::UNIT));
        assert!(!truthy(&Record::from(0_i64)));
        assert!(truthy(&Record::from("x")));
        assert!(!truthy(&Record::from("")));
    }
}
