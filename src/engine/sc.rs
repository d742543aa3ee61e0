//! `SparkContext`: the worker pool that computes partitions, the RDD constructors, and the
//! counters that number RDDs, shuffles, jobs, stages and tasks as Spark numbers them.

use super::func::Record;
use super::rdd::{Rdd, narrow, source};
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

    /// `sc.parallelize(data, numSlices)`: contiguous slices `[i*n/k, (i+1)*n/k)`, like Spark.
    pub fn parallelize(&self, data: Vec<Record>, num_slices: Option<usize>) -> Rdd {
        Rdd::from_partitions(self.clone(), self.slices(data, num_slices))
    }

    /// `parallelize`'s slicing.
    fn slices(&self, data: Vec<Record>, num_slices: Option<usize>) -> Vec<Vec<Record>> {
        let k = num_slices.unwrap_or(self.inner.parallelism).max(1);
        let n = data.len();
        let mut parts: Vec<Vec<Record>> = Vec::with_capacity(k);
        let mut it = data.into_iter();
        for i in 0..k {
            let (start, end) = (i * n / k, (i + 1) * n / k);
            parts.push(it.by_ref().take(end - start).collect());
        }
        parts
    }

    /// Spark's `emptyRDD`: no partitions at all.
    pub fn empty_rdd(&self) -> Rdd {
        source::empty(self)
    }

    /// `sc.textFile(path)`: one record per line; a directory reads its visible files in name order.
    pub fn text_file(&self, path: &str, min_partitions: Option<usize>) -> Result<Rdd, String> {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("Input path does not exist: {path} ({e})"))?;
        let mut files = Vec::new();
        if meta.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|e| format!("cannot list {path}: {e}"))?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if name.starts_with('.') || name.starts_with('_') || entry.path().is_dir() {
                    continue;
                }
                files.push(entry.path());
            }
            files.sort();
        } else {
            files.push(std::path::PathBuf::from(path));
        }
        let mut lines = Vec::new();
        for f in files {
            let bytes =
                std::fs::read(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
            let text = String::from_utf8_lossy(&bytes);
            lines.extend(
                text.lines()
                    .map(|l| Record::from(l.strip_suffix('\r').unwrap_or(l).to_string())),
            );
        }
        let k = min_partitions.unwrap_or(self.inner.parallelism.min(2));
        let parts = self.slices(lines, Some(k));
        Ok(source::text_file(self, parts, path))
    }

    /// `sc.union(rdds)`: the partitions of every RDD, in order.
    pub fn union(&self, rdds: &[Rdd]) -> Rdd {
        narrow::union(self, rdds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
