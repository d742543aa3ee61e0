//! Bounds on what a script may ask for, checked once where the number enters: partition
//! counts and worker threads. Everything lives in one process, so a count that Spark would
//! spread over a cluster here becomes one allocation: without a bound `reduceByKey(f, 1e12)`
//! aborts the process instead of failing the call.

use super::error::StreamingError;

/// The most partitions an RDD may be asked to have (`numPartitions`, `numSlices`, ...).
pub const MAX_PARTITIONS: usize = 10_000;

/// The most worker threads `--master local[N]` may start.
pub const MAX_WORKERS: usize = 256;

/// A validated partition count: between 1 and [`MAX_PARTITIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partitions(usize);

impl Partitions {
    /// `n` as given for the argument `arg` (e.g. `numPartitions`).
    pub fn new(n: i64, arg: &str) -> Result<Partitions, StreamingError> {
        match usize::try_from(n) {
            Ok(k) if (1..=MAX_PARTITIONS).contains(&k) => Ok(Partitions(k)),
            _ => Err(StreamingError::Invalid(format!(
                "{arg} must be between 1 and {MAX_PARTITIONS}, got {n}"
            ))),
        }
    }

    /// A minimum partition count (`textFile`'s `minPartitions`): 0 is allowed and means 1.
    pub fn at_least(n: i64, arg: &str) -> Result<Partitions, StreamingError> {
        if n == 0 {
            return Ok(Partitions(1));
        }
        Partitions::new(n, arg)
    }

    pub fn get(self) -> usize {
        self.0
    }
}

/// `local[N]`'s N, validated.
pub fn workers(n: usize) -> Result<usize, String> {
    if (1..=MAX_WORKERS).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "local[{n}]: the number of worker threads must be between 1 and {MAX_WORKERS}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_counts_are_bounded_with_a_clear_message() {
        assert_eq!(
            Partitions::new(4, "numPartitions").map(Partitions::get),
            Ok(4)
        );
        assert_eq!(
            Partitions::new(1_000_000_000_000, "numPartitions")
                .expect_err("too many")
                .to_string(),
            "numPartitions must be between 1 and 10000, got 1000000000000"
        );
        assert_eq!(
            Partitions::new(-3, "numSlices")
                .expect_err("negative")
                .to_string(),
            "numSlices must be between 1 and 10000, got -3"
        );
        assert!(Partitions::new(0, "numPartitions").is_err());
        assert_eq!(
            Partitions::at_least(0, "minPartitions").map(Partitions::get),
            Ok(1)
        );
    }

    #[test]
    fn worker_threads_are_bounded() {
        assert_eq!(workers(4), Ok(4));
        assert_eq!(
            workers(100_000).expect_err("too many"),
            "local[100000]: the number of worker threads must be between 1 and 256"
        );
    }
}
