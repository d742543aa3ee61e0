//! `SparkContext`: the worker pool that computes partitions, and the RDD constructors.

use super::func::Record;
use super::rdd::Rdd;
use std::sync::Arc;

#[derive(Clone)]
pub struct SparkContext {
    inner: Arc<ScInner>,
}

struct ScInner {
    parallelism: usize,
    master: String,
    pool: rayon::ThreadPool,
}

impl SparkContext {
    /// `local[N]`: N worker threads and a default parallelism of N, as in Spark.
    pub fn new(parallelism: usize) -> Result<SparkContext, String> {
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
                master: format!("local[{parallelism}]"),
                pool,
            }),
        })
    }

    pub fn default_parallelism(&self) -> usize {
        self.inner.parallelism
    }

    pub fn master(&self) -> &str {
        &self.inner.master
    }

    /// Drops RDDs partition by partition on the worker threads.
    pub fn free(&self, rdds: Vec<Rdd>) {
        use rayon::prelude::*;
        let parts: Vec<Vec<Record>> = rdds.into_iter().flat_map(Rdd::into_partitions).collect();
        if parts.len() > 1 {
            self.run(|| parts.into_par_iter().for_each(drop));
        }
    }

    /// Runs `f` inside the worker pool, so that parallel iterators use its threads.
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        self.inner.pool.install(f)
    }

    /// `sc.parallelize(data, numSlices)`: contiguous slices `[i*n/k, (i+1)*n/k)`, like Spark.
    pub fn parallelize(&self, data: Vec<Record>, num_slices: Option<usize>) -> Rdd {
        let k = num_slices.unwrap_or(self.inner.parallelism).max(1);
        let n = data.len();
        let mut parts: Vec<Vec<Record>> = Vec::with_capacity(k);
        let mut it = data.into_iter();
        for i in 0..k {
            let (start, end) = (i * n / k, (i + 1) * n / k);
            parts.push(it.by_ref().take(end - start).collect());
        }
        Rdd::from_partitions(self.clone(), parts)
    }

    /// Spark's `emptyRDD`: no partitions at all.
    pub fn empty_rdd(&self) -> Rdd {
        Rdd::from_partitions(self.clone(), Vec::new())
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
        Ok(self.parallelize(lines, Some(k)))
    }

    /// `sc.union(rdds)`: the partitions of every RDD, in order.
    pub fn union(&self, rdds: &[Rdd]) -> Rdd {
        let parts = rdds
            .iter()
            .flat_map(|r| r.partitions().iter().cloned())
            .collect();
        Rdd::from_partitions(self.clone(), parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[i64]) -> Vec<Record> {
        v.iter().map(|&i| Record::from(i)).collect()
    }

    #[test]
    fn parallelize_slices_contiguously_like_spark() {
        let sc = SparkContext::new(2).expect("pool");
        let r = sc.parallelize(ints(&[1, 2, 3, 4, 5]), Some(3));
        let sizes: Vec<usize> = r.partitions().iter().map(|p| p.len()).collect();
        assert_eq!(sizes, vec![1, 2, 2]);
        assert_eq!(sc.parallelize(ints(&[]), None).num_partitions(), 2);
        assert_eq!(sc.empty_rdd().num_partitions(), 0);
    }
}
