//! Transformations (lazy: they add a node) and actions (they run a job) on an RDD, with
//! PySpark's semantics.

use super::narrow::{self, Step};
use super::{JobError, Partition, Rdd, pair_of, sort_indices_by};
use crate::func::{FnError, Record, RecordFn};
use crate::scheduler::dag_scheduler::run_job;
use std::sync::Arc;

impl Rdd {
    pub fn map(&self, f: Arc<dyn RecordFn>) -> Rdd {
        narrow::pipe(self, Step::Map(f))
    }

    pub fn flat_map(&self, f: Arc<dyn RecordFn>) -> Rdd {
        narrow::pipe(self, Step::FlatMap(f))
    }

    pub fn filter(&self, f: Arc<dyn RecordFn>) -> Rdd {
        narrow::pipe(self, Step::Filter(f))
    }

    /// `mapPartitions(f)`: `f` gets the partition as an array and returns an iterable.
    pub fn map_partitions(&self, f: Arc<dyn RecordFn>) -> Rdd {
        narrow::pipe(self, Step::MapPartitions(f, false))
    }

    pub fn map_partitions_with_index(&self, f: Arc<dyn RecordFn>) -> Rdd {
        narrow::pipe(self, Step::MapPartitions(f, true))
    }

    pub fn map_values(&self, f: Arc<dyn RecordFn>) -> Rdd {
        narrow::pipe(self, Step::MapValues(f))
    }

    pub fn flat_map_values(&self, f: Arc<dyn RecordFn>) -> Rdd {
        narrow::pipe(self, Step::FlatMapValues(f))
    }

    pub fn key_by(&self, f: Arc<dyn RecordFn>) -> Rdd {
        narrow::pipe(self, Step::KeyBy(f))
    }

    /// A whole-partition step written in Rust.
    pub fn map_partitions_native<F>(&self, f: F) -> Rdd
    where
        F: Fn(usize, Vec<Record>) -> Result<Vec<Record>, FnError> + Send + Sync + 'static,
    {
        narrow::pipe(self, Step::Partition(Arc::new(f)))
    }

    /// A whole-partition step written in Rust that calls the user function `f`.
    pub fn map_partitions_with_fn<F>(&self, f: Arc<dyn RecordFn>, body: F) -> Rdd
    where
        F: Fn(&mut dyn crate::func::FnCall, Vec<Record>) -> Result<Vec<Record>, FnError>
            + Send
            + Sync
            + 'static,
    {
        narrow::pipe(self, Step::PartitionWith(f, Arc::new(body)))
    }

    /// A per-record step written in Rust.
    pub fn map_native<F>(&self, f: F) -> Rdd
    where
        F: Fn(Record) -> Result<Record, FnError> + Send + Sync + 'static,
    {
        let f = crate::func::native(move |a| f(std::mem::take(&mut a[0])));
        narrow::pipe(self, Step::Map(f))
    }

    /// `glom()`: one list per partition.
    pub fn glom(&self) -> Rdd {
        self.map_partitions_native(|_, p| Ok(vec![crate::record::list(p)]))
    }

    pub fn union(&self, other: &Rdd) -> Rdd {
        narrow::union(self.context(), &[self.clone(), other.clone()])
    }

    pub fn cartesian(&self, other: &Rdd) -> Rdd {
        narrow::cartesian(self, other)
    }

    /// `coalesce(n)` without a shuffle: contiguous groups of partitions.
    pub fn coalesce(&self, n: usize) -> Rdd {
        narrow::coalesce(self, n)
    }

    /// `repartition(n)`: always exactly n partitions, through a shuffle.
    pub fn repartition(&self, n: usize) -> Rdd {
        super::shuffle::repartition(self, n)
    }

    /// `zipWithIndex()`: as PySpark, a job first counts the partitions (when there are
    /// several), then indices follow partition order.
    pub fn zip_with_index(&self) -> Result<Rdd, JobError> {
        let mut starts = vec![0_i64];
        if self.num_partitions() > 1 {
            let counts = run_job(self, &all(self), "zipWithIndex", &|_, it| {
                let mut n = 0_i64;
                for r in it {
                    let _ = r?;
                    n += 1;
                }
                Ok(n)
            })?;
            for c in counts.iter().take(counts.len() - 1) {
                let last = *starts.last().unwrap_or(&0);
                starts.push(last + c);
            }
        }
        Ok(self.map_partitions_native(move |i, p| {
            let start = starts.get(i).copied().unwrap_or(0);
            Ok(p.into_iter()
                .zip(start..)
                .map(|(r, k)| pair_of(r, Record::from(k)))
                .collect())
        }))
    }

    /// Every partition, computed by one job.
    pub fn collect_partitions(&self) -> Result<Vec<Partition>, JobError> {
        run_job(self, &all(self), "collect", &|_, it| it.collect())
    }

    pub fn collect(&self) -> Result<Vec<Record>, JobError> {
        Ok(self.collect_partitions()?.into_iter().flatten().collect())
    }

    pub fn count(&self) -> Result<usize, JobError> {
        let counts = run_job(self, &all(self), "count", &|_, it| {
            let mut n = 0;
            for r in it {
                let _ = r?;
                n += 1;
            }
            Ok(n)
        })?;
        Ok(counts.into_iter().sum())
    }

    /// PySpark's `isEmpty`: no partitions, or `take(1)` finds nothing.
    pub fn is_empty(&self) -> Result<bool, JobError> {
        Ok(self.num_partitions() == 0 || self.take(1)?.is_empty())
    }

    /// `take(n)` as PySpark runs it: one partition first, then more partitions per job
    /// (four times as many when nothing was found, else an estimate with 50% to spare), and
    /// each task stops reading once it has what is still missing, so the functions before it
    /// run on no more records than needed.
    pub fn take(&self, num: usize) -> Result<Vec<Record>, JobError> {
        self.take_scanning(num, false)
    }

    /// `take(n)` as a DStream output runs it (`pprint`): the same partitions, but each is
    /// computed in full. In PySpark the stream's functions run in a Python worker of their
    /// own, ahead of the one that takes, so a partition it starts is computed to its end
    /// (measured: pprint(1) on a 3-record partition runs the map 3 times, `rdd.take(2)` 2).
    pub fn take_whole_partitions(&self, num: usize) -> Result<Vec<Record>, JobError> {
        self.take_scanning(num, true)
    }

    fn take_scanning(&self, num: usize, whole: bool) -> Result<Vec<Record>, JobError> {
        let total = self.num_partitions();
        let mut items: Vec<Record> = Vec::new();
        let mut scanned = 0;
        while items.len() < num && scanned < total {
            let mut to_try = 1;
            if scanned > 0 {
                if items.is_empty() {
                    to_try = scanned * 4;
                } else {
                    let estimate =
                        (1.5 * num as f64 * scanned as f64 / items.len() as f64) as usize;
                    to_try = estimate.saturating_sub(scanned).max(1).min(scanned * 4);
                }
            }
            let left = num - items.len();
            let parts: Vec<usize> = (scanned..(scanned + to_try).min(total)).collect();
            let res = run_job(self, &parts, "take", &|_, it| {
                if whole {
                    let mut all = it.collect::<Result<Vec<_>, _>>()?;
                    all.truncate(left);
                    Ok(all)
                } else {
                    it.take(left).collect::<Result<Vec<_>, _>>()
                }
            })?;
            items.extend(res.into_iter().flatten());
            scanned += to_try;
        }
        items.truncate(num);
        Ok(items)
    }

    pub fn first(&self) -> Result<Record, JobError> {
        self.take(1)?
            .pop()
            .ok_or_else(|| FnError::new("ValueError: RDD is empty").into())
    }

    /// `reduce(f)`: per partition, then across partitions in order.
    pub fn reduce(&self, f: Arc<dyn RecordFn>) -> Result<Option<Record>, JobError> {
        let site = super::creation_site();
        let partials = run_job(self, &all(self), "reduce", &|tc, mut it| {
            let mut c = f.caller();
            let Some(first) = it.next() else {
                return Ok(None);
            };
            let mut acc = first?;
            for r in it {
                acc = c.call2(acc, r?).map_err(|e| tc.blame(site.as_ref(), e))?;
            }
            Ok(Some(acc))
        })?;
        let mut c = f.caller();
        let mut it = partials.into_iter().flatten();
        let Some(mut acc) = it.next() else {
            return Ok(None);
        };
        for r in it {
            acc = c.call2(acc, r).map_err(|e| blamed(site.clone(), e))?;
        }
        Ok(Some(acc))
    }

    /// `fold(zero, f)`: each partition folds from a copy of zero, then the results fold from zero.
    pub fn fold(&self, zero: &Record, f: Arc<dyn RecordFn>) -> Result<Record, JobError> {
        let site = super::creation_site();
        let partials = run_job(self, &all(self), "fold", &|tc, it| {
            let mut c = f.caller();
            let mut acc = zero.clone();
            for r in it {
                acc = c.call2(acc, r?).map_err(|e| tc.blame(site.as_ref(), e))?;
            }
            Ok(acc)
        })?;
        let mut c = f.caller();
        let mut acc = zero.clone();
        for r in partials {
            acc = c.call2(acc, r).map_err(|e| blamed(site.clone(), e))?;
        }
        Ok(acc)
    }

    pub fn foreach(&self, f: Arc<dyn RecordFn>) -> Result<(), JobError> {
        let site = super::creation_site();
        run_job(self, &all(self), "foreach", &|tc, it| {
            let mut c = f.caller();
            for r in it {
                let _ = c.call1(r?).map_err(|e| tc.blame(site.as_ref(), e))?;
            }
            Ok(())
        })
        .map(|_| ())
    }

    /// Sorted copy of all records; `descending` keeps equal records in their original order.
    pub fn sorted_records(
        &self,
        key: Option<Arc<dyn RecordFn>>,
        descending: bool,
    ) -> Result<Vec<Record>, JobError> {
        let records = self.collect()?;
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
    pub fn top(&self, n: usize, key: Option<Arc<dyn RecordFn>>) -> Result<Vec<Record>, JobError> {
        let mut v = self.sorted_records(key, true)?;
        v.truncate(n);
        Ok(v)
    }

    /// `takeOrdered(n[, key])`: the n smallest, smallest first.
    pub fn take_ordered(
        &self,
        n: usize,
        key: Option<Arc<dyn RecordFn>>,
    ) -> Result<Vec<Record>, JobError> {
        let mut v = self.sorted_records(key, false)?;
        v.truncate(n);
        Ok(v)
    }
}

fn all(rdd: &Rdd) -> Vec<usize> {
    (0..rdd.num_partitions()).collect()
}

/// A driver-side failure of the operation made at `site`.
fn blamed(site: Option<crate::func::OpSite>, error: FnError) -> JobError {
    JobError {
        site,
        error,
        stage_failure: None,
    }
}
