//! `SparkContext`: the worker pool that computes partitions, the master it was made for, and
//! the counters that number RDDs, shuffles, jobs, stages and tasks as Spark numbers them. Its
//! RDD constructors (`parallelize`, `textFile`, `union`, `emptyRDD`) live with the RDDs, in
//! `rdd/source.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Spark's master URL for one process: `local`, `local[N]`, `local[*]`, and `local[N, F]`
/// where a task may fail F times before its job fails (`spark.task.maxFailures`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Master {
    pub threads: usize,
    pub max_failures: usize,
}

impl From<usize> for Master {
    fn from(threads: usize) -> Master {
        Master {
            threads,
            max_failures: 1,
        }
    }
}

impl Master {
    pub fn parse(s: &str) -> Result<Master, String> {
        let cores = || {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .min(super::limits::MAX_WORKERS)
        };
        let usage =
            || format!("unsupported master '{s}': use local, local[N], local[*] or local[N, F]");
        if s == "local" {
            return Ok(Master::from(1));
        }
        let inner = s
            .strip_prefix("local[")
            .and_then(|r| r.strip_suffix(']'))
            .ok_or_else(usage)?;
        let (threads, failures) = match inner.split_once(',') {
            Some((t, f)) => (t.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        let threads = match threads {
            "*" => cores(),
            n => n
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(usage)?,
        };
        let threads = super::limits::workers(threads)?;
        let max_failures = match failures {
            None => 1,
            Some(f) => f
                .parse::<usize>()
                .ok()
                .filter(|&f| (1..=1000).contains(&f))
                .ok_or_else(|| {
                    format!("{s}: the number of task failures F in local[N, F] must be between 1 and 1000")
                })?,
        };
        Ok(Master {
            threads,
            max_failures,
        })
    }
}

#[derive(Clone)]
pub struct SparkContext {
    inner: Arc<ScInner>,
}

struct ScInner {
    parallelism: usize,
    master: String,
    pool: rayon::ThreadPool,
    /// `spark.task.maxFailures`: attempts a task gets (`local[N, F]`; 1 in local mode).
    max_failures: usize,
    next_rdd: AtomicUsize,
    next_shuffle: AtomicUsize,
    next_job: AtomicUsize,
    next_stage: AtomicUsize,
    next_task: AtomicUsize,
}

impl SparkContext {
    /// `local[N]`: N worker threads and a default parallelism of N, as in Spark.
    pub fn new(parallelism: usize) -> Result<SparkContext, String> {
        SparkContext::with_task_failures(parallelism, 1)
    }

    /// `local[N, F]`: N worker threads, and a task may fail F times before its job fails.
    pub fn with_task_failures(
        parallelism: usize,
        max_failures: usize,
    ) -> Result<SparkContext, String> {
        let parallelism = super::limits::workers(parallelism.max(1))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(parallelism)
            .thread_name(|i| format!("centella-worker-{i}"))
            // Records are cloned and dropped recursively (Rhai arrays); deeply nested ones
            // need more than the default 2 MB. Only the pages touched are committed.
            .stack_size(64 << 20)
            .build()
            .map_err(|e| format!("cannot start {parallelism} worker threads: {e}"))?;
        Ok(SparkContext {
            inner: Arc::new(ScInner {
                parallelism,
                master: if max_failures > 1 {
                    format!("local[{parallelism}, {max_failures}]")
                } else {
                    format!("local[{parallelism}]")
                },
                pool,
                max_failures: max_failures.max(1),
                next_rdd: AtomicUsize::new(0),
                next_shuffle: AtomicUsize::new(0),
                next_job: AtomicUsize::new(0),
                next_stage: AtomicUsize::new(0),
                next_task: AtomicUsize::new(0),
            }),
        })
    }

    pub fn default_parallelism(&self) -> usize {
        self.inner.parallelism
    }

    pub fn master(&self) -> &str {
        &self.inner.master
    }

    /// The context of a master URL.
    pub fn for_master(master: Master) -> Result<SparkContext, String> {
        SparkContext::with_task_failures(master.threads, master.max_failures)
    }

    pub fn max_task_failures(&self) -> usize {
        self.inner.max_failures
    }

    pub fn new_rdd_id(&self) -> usize {
        self.inner.next_rdd.fetch_add(1, Ordering::Relaxed)
    }

    pub fn new_shuffle_id(&self) -> usize {
        self.inner.next_shuffle.fetch_add(1, Ordering::Relaxed)
    }

    pub fn new_job_id(&self) -> usize {
        self.inner.next_job.fetch_add(1, Ordering::Relaxed)
    }

    pub fn new_stage_id(&self) -> usize {
        self.inner.next_stage.fetch_add(1, Ordering::Relaxed)
    }

    pub fn new_task_id(&self) -> usize {
        self.inner.next_task.fetch_add(1, Ordering::Relaxed)
    }

    /// Runs `f` inside the worker pool, so that parallel iterators use its threads.
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        self.inner.pool.install(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    fn ints(v: &[i64]) -> Vec<Record> {
        v.iter().map(|&i| Record::from(i)).collect()
    }

    #[test]
    fn masters_parse_as_spark_reads_them() {
        let m = |threads, max_failures| Master {
            threads,
            max_failures,
        };
        assert_eq!(Master::parse("local"), Ok(m(1, 1)));
        assert_eq!(Master::parse("local[4]"), Ok(m(4, 1)));
        assert_eq!(Master::parse("local[2, 4]"), Ok(m(2, 4)));
        assert_eq!(Master::parse("local[2,3]"), Ok(m(2, 3)));
        assert!(Master::parse("local[0]").is_err());
        assert!(Master::parse("local[2, 0]").is_err());
        assert!(Master::parse("yarn").is_err());
        let sc = SparkContext::for_master(m(2, 4)).expect("pool");
        assert_eq!(sc.max_task_failures(), 4);
        assert_eq!(sc.master(), "local[2, 4]");
    }

    #[test]
    fn parallelize_slices_contiguously_like_spark() {
        let sc = SparkContext::new(2).expect("pool");
        let r = sc.parallelize(ints(&[1, 2, 3, 4, 5]), Some(3));
        let parts = r.collect_partitions().expect("collect");
        let sizes: Vec<usize> = parts.iter().map(|p| p.len()).collect();
        assert_eq!(sizes, vec![1, 2, 2]);
        assert_eq!(sc.parallelize(ints(&[]), None).num_partitions(), 2);
        assert_eq!(sc.empty_rdd().num_partitions(), 0);
    }
}
