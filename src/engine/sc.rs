//! `SparkContext`: the worker pool that computes partitions, the master it was made for, and
//! the counters that number RDDs, shuffles, jobs, stages and tasks as Spark numbers them. Its
//! RDD constructors (`parallelize`, `textFile`, `union`, `emptyRDD`) live with the RDDs, in
//! `rdd/source.rs`.

use super::executor::ExecutorSummary;
use super::executor::Executors;
use super::fault::FaultPlan;
use super::lock;
use super::rdd::storage::{ReceiverBlocks, Storage};
use super::sink::OutputSink;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Spark's master URL for one process: `local`, `local[N]`, `local[*]`, and `local[N, F]`
/// where a task may fail F times before its job fails (`spark.task.maxFailures`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Master {
    pub threads: usize,
    pub max_failures: usize,
    /// `local-cluster[N, C, M]`: N executors of C cores (M MB each, as Spark's syntax has it).
    pub cluster: Option<Cluster>,
}

/// The executors of `local-cluster[N, C, M]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cluster {
    pub executors: usize,
    pub cores: usize,
    pub memory_mb: usize,
}

impl From<usize> for Master {
    fn from(threads: usize) -> Master {
        Master {
            threads,
            max_failures: 1,
            cluster: None,
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
        let usage = || {
            format!(
                "unsupported master '{s}': use local, local[N], local[*], local[N, F] or \
                 local-cluster[N, C, M]"
            )
        };
        if s == "local" {
            return Ok(Master::from(1));
        }
        if let Some(inner) = s
            .strip_prefix("local-cluster[")
            .and_then(|r| r.strip_suffix(']'))
        {
            let n: Vec<usize> = inner
                .split(',')
                .map(|w| w.trim().parse::<usize>())
                .collect::<Result<_, _>>()
                .map_err(|_| usage())?;
            let [executors, cores, memory_mb] = n[..] else {
                return Err(usage());
            };
            if executors == 0 || cores == 0 || executors > 16 {
                return Err(format!(
                    "{s}: local-cluster[N, C, M] takes 1 to 16 executors of at least 1 core"
                ));
            }
            return Ok(Master {
                threads: super::limits::workers(executors * cores)?,
                // Spark's spark.task.maxFailures outside local mode.
                max_failures: 4,
                cluster: Some(Cluster {
                    executors,
                    cores,
                    memory_mb,
                }),
            });
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
            cluster: None,
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
    executors: Executors,
    faults: FaultPlan,
    /// The batch whose jobs run now (the fault lab's faults wait for one).
    batch: Mutex<super::fault::Batch>,
    /// Where the scheduler reports lost tasks and executors (the session's sink).
    sink: Mutex<Option<Arc<dyn OutputSink>>>,
    /// The block stores of persisted RDDs, so a lost executor's blocks can be dropped.
    storages: Mutex<Vec<Weak<Storage>>>,
    /// Where the receivers' blocks of the batches still held are (the executors' view).
    receiver_blocks: Mutex<Vec<Weak<ReceiverBlocks>>>,
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
        SparkContext::build(Master {
            threads: parallelism,
            max_failures,
            cluster: None,
        })
    }

    fn build(m: Master) -> Result<SparkContext, String> {
        let (parallelism, max_failures) = (m.threads, m.max_failures);
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
                master: match m.cluster {
                    Some(c) => format!(
                        "local-cluster[{}, {}, {}]",
                        c.executors, c.cores, c.memory_mb
                    ),
                    None if max_failures > 1 => format!("local[{parallelism}, {max_failures}]"),
                    None => format!("local[{parallelism}]"),
                },
                executors: match m.cluster {
                    Some(c) => Executors::cluster(c.executors, c.cores),
                    None => Executors::local(parallelism),
                },
                faults: FaultPlan::default(),
                batch: Mutex::new(None),
                sink: Mutex::new(None),
                storages: Mutex::new(Vec::new()),
                receiver_blocks: Mutex::new(Vec::new()),
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
        SparkContext::build(master)
    }

    pub fn executors(&self) -> &Executors {
        &self.inner.executors
    }

    pub fn faults(&self) -> &FaultPlan {
        &self.inner.faults
    }

    /// Sets (or clears) the batch whose jobs run now: its time and number.
    pub fn set_batch(&self, batch: super::fault::Batch) {
        *lock(&self.inner.batch) = batch;
    }

    pub fn batch(&self) -> super::fault::Batch {
        *lock(&self.inner.batch)
    }

    /// Where lost tasks and executors are reported.
    pub fn set_sink(&self, sink: Arc<dyn OutputSink>) {
        *lock(&self.inner.sink) = Some(sink);
    }

    pub fn sink(&self) -> Option<Arc<dyn OutputSink>> {
        lock(&self.inner.sink).clone()
    }

    /// Remembers a persisted RDD's block store (Spark's BlockManagerMaster).
    pub fn register_storage(&self, storage: &Arc<Storage>) {
        let mut all = lock(&self.inner.storages);
        all.retain(|w| w.strong_count() > 0);
        all.push(Arc::downgrade(storage));
    }

    /// Remembers where a BlockRDD's receiver blocks are, while it lives.
    pub fn register_receiver_blocks(&self, blocks: &Arc<ReceiverBlocks>) {
        let mut all = lock(&self.inner.receiver_blocks);
        all.retain(|w| w.strong_count() > 0);
        all.push(Arc::downgrade(blocks));
    }

    /// Each executor with the blocks it holds now (Spark's Executors page: "RDD Blocks",
    /// and the Storage page's receiver blocks), for `:status` and the web UI. A lost
    /// executor holds none. Walks the live block stores, so it is for a poll, not a task.
    pub fn executor_summaries(&self) -> Vec<ExecutorSummary> {
        let mut out: Vec<ExecutorSummary> = self
            .inner
            .executors
            .snapshot()
            .into_iter()
            .map(|info| ExecutorSummary {
                info,
                rdd_blocks: Vec::new(),
                receiver_blocks: Vec::new(),
            })
            .collect();
        fn on<'a>(
            out: &'a mut [ExecutorSummary],
            executor: &str,
        ) -> Option<&'a mut ExecutorSummary> {
            out.iter_mut()
                .find(|e| e.info.alive && e.info.id == executor)
        }
        let storages: Vec<Arc<Storage>> = lock(&self.inner.storages)
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        for (block, executor) in storages.iter().flat_map(|s| s.block_locations()) {
            if let Some(e) = on(&mut out, &executor) {
                e.rdd_blocks.push(block);
            }
        }
        let received: Vec<Arc<ReceiverBlocks>> = lock(&self.inner.receiver_blocks)
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        for (block, copies) in received.iter().flat_map(|r| r.blocks.iter()) {
            for executor in copies {
                if let Some(e) = on(&mut out, executor) {
                    e.receiver_blocks.push(block.clone());
                }
            }
        }
        for e in &mut out {
            e.rdd_blocks.sort_by_cached_key(|b| block_order(b));
            e.receiver_blocks.sort();
        }
        out
    }

    /// Loses executor `id`: it runs no more tasks and its cached blocks are gone. The names
    /// of the blocks lost, or None when there is no such live executor.
    pub fn lose_executor(&self, id: &str, reason: &str) -> Option<Vec<String>> {
        if !self.inner.executors.lose(id, reason) {
            return None;
        }
        let storages: Vec<Arc<Storage>> = lock(&self.inner.storages)
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        Some(storages.iter().flat_map(|s| s.drop_executor(id)).collect())
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

/// `rdd_7_1` sorted by RDD then partition, as numbers.
fn block_order(name: &str) -> (usize, usize, String) {
    let mut n = name
        .strip_prefix("rdd_")
        .unwrap_or_default()
        .split('_')
        .map(|x| x.parse::<usize>().unwrap_or(usize::MAX));
    (
        n.next().unwrap_or(usize::MAX),
        n.next().unwrap_or(usize::MAX),
        name.to_string(),
    )
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
            cluster: None,
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
        let c = Master::parse("local-cluster[2, 1, 1024]").expect("cluster");
        assert_eq!((c.threads, c.max_failures), (2, 4));
        assert_eq!(
            c.cluster.map(|c| (c.executors, c.cores, c.memory_mb)),
            Some((2, 1, 1024))
        );
        assert!(Master::parse("local-cluster[2, 1]").is_err());
        assert!(Master::parse("local-cluster[0, 1, 512]").is_err());
        let sc = SparkContext::for_master(c).expect("pool");
        assert_eq!(sc.master(), "local-cluster[2, 1, 1024]");
        assert_eq!(sc.executors().snapshot().len(), 2);
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
