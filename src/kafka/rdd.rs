//! Spark's `KafkaRDD`: one partition per topic partition's offset range. The records were
//! fetched when the batch was computed (where a broker that does not answer is waited for);
//! a task reads them from there. A recomputation after a lost executor reads the same
//! offsets from the broker again, as Spark's task does: the stored events do not change, so
//! neither does the output.
//!
//! A partition the fault lab took offline (`kafka-offline`) cannot be read. As Spark's
//! consumer, the task polls for its records for `spark.streaming.kafka.consumer.poll.ms`
//! (under the real clock: the partition may come back meanwhile, and the task goes on), then
//! fails with Spark's message and is retried like any failed task. Under the simulated
//! clocks no time passes in a poll: it fails at once.

use super::offsets::OffsetRange;
use super::state::KafkaConsumer;
use centella_engine::clock::CancelToken;
use centella_engine::func::{FnError, Record};
use centella_engine::rdd::{Compute, Partition, Rdd, RddKind, Records, TaskContext};
use centella_engine::sc::SparkContext;
use std::sync::Arc;

/// How a task polls an offline partition.
#[derive(Clone)]
pub(super) struct Polls {
    pub(super) poll_ms: u64,
    pub(super) real_clock: bool,
    /// The session's cancel token: Ctrl-C, `stop()` and `:quit` end a waiting poll.
    pub(super) cancel: Arc<CancelToken>,
}

/// How often a waiting poll looks whether the partition is back.
const POLL_STEP_MS: u64 = 50;

struct KafkaPartitions {
    parts: Vec<Partition>,
    ranges: Vec<OffsetRange>,
    polls: Polls,
    sc: SparkContext,
    /// Where a recomputation reads its range again (None: from the records kept).
    consumer: Option<Arc<KafkaConsumer>>,
}

impl KafkaPartitions {
    fn offline(&self, r: &OffsetRange) -> bool {
        self.sc
            .faults()
            .kafka_offline(&r.topic, r.partition, self.sc.batch())
    }

    /// Spark's consumer giving up on `r`, and why.
    fn poll_failed(&self, r: &OffsetRange, why: &str) -> FnError {
        FnError(format!(
            "java.lang.IllegalArgumentException: requirement failed: Failed to get records for \
             spark-executor-centella {}-{} {} after polling for {} ({why})",
            r.topic, r.partition, r.from_offset, self.polls.poll_ms
        ))
    }

    /// The records of `r` read again from the broker, for a recomputation.
    fn read_again(&self, consumer: &KafkaConsumer, r: &OffsetRange) -> Result<Partition, FnError> {
        let mut st = consumer.lock();
        consumer
            .fetch(&mut st, r)
            .map_err(|e| self.poll_failed(r, &e.to_string()))
    }

    /// Polls partition `r` until it is back or the poll times out; the error then.
    fn poll(&self, r: &OffsetRange) -> Result<(), FnError> {
        if !self.offline(r) {
            return Ok(());
        }
        if self.polls.real_clock {
            let mut waited = 0;
            while waited < self.polls.poll_ms {
                let cancel = &self.polls.cancel;
                if cancel.interrupted() || cancel.abort_requested() {
                    return Err(FnError::new(
                        "interrupted while polling an offline Kafka partition",
                    ));
                }
                if let Some(why) = cancel.batch_cancelled() {
                    return Err(FnError(why));
                }
                let step = POLL_STEP_MS.min(self.polls.poll_ms - waited);
                std::thread::sleep(std::time::Duration::from_millis(step));
                waited += step;
                if !self.offline(r) {
                    return Ok(());
                }
            }
        }
        Err(self.poll_failed(r, "the partition is offline: KAFKA_STORAGE_ERROR"))
    }
}

impl Compute for KafkaPartitions {
    fn compute<'a>(&'a self, split: usize, tc: &'a TaskContext) -> Records<'a> {
        let (Some(part), Some(r)) = (self.parts.get(split), self.ranges.get(split)) else {
            return Box::new(std::iter::empty());
        };
        // As Spark's KafkaRDD: an empty range is skipped without asking the broker.
        if r.from_offset >= r.until_offset {
            return Box::new(std::iter::empty());
        }
        if let Err(e) = self.poll(r) {
            return Box::new(std::iter::once(Err(e)));
        }
        if let Some(consumer) = &self.consumer
            && tc.is_recomputing()
        {
            return match self.read_again(consumer, r) {
                Ok(again) => Box::new(again.into_iter().map(Ok)),
                Err(e) => Box::new(std::iter::once(Err(e))),
            };
        }
        Box::new(part.iter().cloned().map(Ok::<Record, FnError>))
    }

    fn known_len(&self) -> Option<usize> {
        Some(self.parts.iter().map(Vec::len).sum())
    }

    fn describe_partition(&self, split: usize) -> Option<String> {
        self.ranges.get(split).map(|r| {
            format!(
                "read again from Kafka: {}-{} offsets [{} -> {}]",
                r.topic, r.partition, r.from_offset, r.until_offset
            )
        })
    }
}

/// The batch's `KafkaRDD`: `parts[i]` holds the records of `ranges[i]`; a recomputation
/// reads them again through `consumer`.
pub(super) fn kafka_rdd(
    sc: &SparkContext,
    parts: Vec<Partition>,
    ranges: Vec<OffsetRange>,
    polls: Polls,
    consumer: Option<Arc<KafkaConsumer>>,
) -> Rdd {
    let kind = RddKind::Source {
        class: "KafkaRDD".to_string(),
        creation: "createDirectStream at NativeMethodAccessorImpl.java:0".to_string(),
    };
    let compute = KafkaPartitions {
        parts,
        ranges: ranges.clone(),
        polls,
        sc: sc.clone(),
        consumer,
    };
    Rdd::new_node(sc, compute.parts.len(), Vec::new(), kind, Box::new(compute))
        .with_source_info(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use centella_engine::fault::{At, Fault};
    use centella_engine::sc::Master;

    fn context(master: &str) -> SparkContext {
        SparkContext::for_master(Master::parse(master).expect("master")).expect("context")
    }

    fn batch(sc: &SparkContext, polls: Polls) -> Rdd {
        let ranges = vec![
            OffsetRange {
                topic: "sensors".into(),
                partition: 0,
                from_offset: 0,
                until_offset: 1,
            },
            OffsetRange {
                topic: "sensors".into(),
                partition: 1,
                from_offset: 7,
                until_offset: 9,
            },
        ];
        let parts = vec![
            vec![Record::from("a".to_string())],
            vec![Record::from("b".to_string()), Record::from("c".to_string())],
        ];
        kafka_rdd(sc, parts, ranges, polls, None)
    }

    fn offline(sc: &SparkContext, going: bool) {
        let (topic, partition) = ("sensors".to_string(), 1);
        let fault = if going {
            Fault::KafkaOffline { topic, partition }
        } else {
            Fault::KafkaOnline { topic, partition }
        };
        sc.faults().add(fault, At::Next);
    }

    #[test]
    fn an_offline_partition_fails_its_task_until_its_retries_run_out() {
        let sc = context("local[2, 3]");
        let polls = Polls {
            poll_ms: 120_000,
            real_clock: false,
            cancel: Arc::default(),
        };
        let rdd = batch(&sc, polls);
        assert_eq!(rdd.collect().expect("online").len(), 3);
        offline(&sc, true);
        let err = rdd.collect().expect_err("offline").to_string();
        assert!(
            err.contains("Task 1 in stage") && err.contains("failed 3 times"),
            "{err}"
        );
        assert!(
            err.contains(
                "Failed to get records for spark-executor-centella sensors-1 7 after polling for 120000"
            ),
            "{err}"
        );
        offline(&sc, false);
        assert_eq!(rdd.collect().expect("back").len(), 3, "the same records");
    }

    #[test]
    fn under_the_real_clock_a_task_waits_for_its_partition_to_come_back() {
        let sc = context("local[2]");
        let polls = Polls {
            poll_ms: 20_000,
            real_clock: true,
            cancel: Arc::default(),
        };
        let rdd = batch(&sc, polls);
        offline(&sc, true);
        let back = {
            let sc = sc.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(300));
                offline(&sc, false);
            })
        };
        let started = std::time::Instant::now();
        let records = rdd.collect().expect("read once it is back");
        let _ = back.join();
        assert_eq!(records.len(), 3);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "it waited for the partition, not for the poll timeout"
        );
    }

    #[test]
    fn a_recomputed_partition_says_which_offsets_it_read_again() {
        let sc = context("local[2]");
        let polls = Polls {
            poll_ms: 0,
            real_clock: false,
            cancel: Arc::default(),
        };
        let rdd = batch(&sc, polls);
        assert_eq!(
            rdd.describe_partition(1).as_deref(),
            Some("read again from Kafka: sensors-1 offsets [7 -> 9]")
        );
    }
}
