//! Faults injected on purpose, for the fault lab: `kill-executor N` (the executor is lost
//! while it runs its next task, with its cached partitions), `fail-task OP PARTITION
//! [TIMES]` (the task computing OP on that partition fails TIMES times), `lose-block
//! [STREAM]` (a receiver block loses its first copy) and `kafka-offline TOPIC PARTITION` /
//! `kafka-online TOPIC PARTITION` (a Kafka partition's broker disk is full, then fixed).
//! Each may wait for a batch time, so examples and tests are deterministic under the fast
//! and manual clocks.

use super::lock;
use super::time::Time;
use std::collections::BTreeSet;
use std::sync::Mutex;

#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    KillExecutor {
        executor: String,
    },
    FailTask {
        op: String,
        partition: usize,
        times: usize,
    },
    /// The next block of input stream `stream` loses the copy on the receiver's executor.
    LoseBlock {
        stream: usize,
    },
    /// Kafka partition `partition` of `topic` goes offline (its only broker's disk is full):
    /// it can be neither planned nor read until `KafkaOnline`.
    KafkaOffline {
        topic: String,
        partition: i32,
    },
    KafkaOnline {
        topic: String,
        partition: i32,
    },
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::KillExecutor { executor } => write!(f, "kill-executor {executor}"),
            Fault::FailTask {
                op,
                partition,
                times,
            } => write!(f, "fail-task {op} {partition} {times}"),
            Fault::LoseBlock { stream } => write!(f, "lose-block {stream}"),
            Fault::KafkaOffline { topic, partition } => {
                write!(f, "kafka-offline {topic} {partition}")
            }
            Fault::KafkaOnline { topic, partition } => {
                write!(f, "kafka-online {topic} {partition}")
            }
        }
    }
}

impl Fault {
    /// For `kafka-offline` (true) and `kafka-online` (false) of this partition: which.
    fn kafka_switch(&self, topic: &str, partition: i32) -> Option<bool> {
        match self {
            Fault::KafkaOffline {
                topic: t,
                partition: p,
            } if t == topic && *p == partition => Some(true),
            Fault::KafkaOnline {
                topic: t,
                partition: p,
            } if t == topic && *p == partition => Some(false),
            _ => None,
        }
    }
}

/// What `:fault` and `ssc.fault(...)` take.
pub const USAGE: &str = "kill-executor EXECUTOR | fail-task OPERATION PARTITION [TIMES] | \
     lose-block [STREAM] | kafka-offline TOPIC PARTITION | kafka-online TOPIC PARTITION";

impl Fault {
    /// `kill-executor 1`, `fail-task map 0 2` (TIMES defaults to 1).
    pub fn parse(spec: &str) -> Result<Fault, String> {
        let words: Vec<&str> = spec.split_whitespace().collect();
        let number = |w: &str, what: &str| {
            w.parse::<usize>()
                .map_err(|_| format!("{what} must be a number, not '{w}' (fault: {USAGE})"))
        };
        match words.as_slice() {
            ["kill-executor", id] => Ok(Fault::KillExecutor {
                executor: id.to_string(),
            }),
            ["fail-task", op, partition] => Ok(Fault::FailTask {
                op: op.to_string(),
                partition: number(partition, "PARTITION")?,
                times: 1,
            }),
            ["fail-task", op, partition, times] => Ok(Fault::FailTask {
                op: op.to_string(),
                partition: number(partition, "PARTITION")?,
                times: number(times, "TIMES")?.max(1),
            }),
            ["lose-block"] => Ok(Fault::LoseBlock { stream: 0 }),
            ["lose-block", stream] => Ok(Fault::LoseBlock {
                stream: number(stream, "STREAM")?,
            }),
            ["kafka-offline", topic, partition] => Ok(Fault::KafkaOffline {
                topic: topic.to_string(),
                partition: kafka_partition(partition)?,
            }),
            ["kafka-online", topic, partition] => Ok(Fault::KafkaOnline {
                topic: topic.to_string(),
                partition: kafka_partition(partition)?,
            }),
            _ => Err(format!("unknown fault '{spec}': {USAGE}")),
        }
    }
}

/// A Kafka partition number (Kafka's are `i32`).
fn kafka_partition(w: &str) -> Result<i32, String> {
    w.parse::<i32>().ok().filter(|p| *p >= 0).ok_or_else(|| {
        format!("PARTITION must be a Kafka partition number, not '{w}' (fault: {USAGE})")
    })
}

/// When a planned fault strikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The next task it applies to.
    Next,
    /// A task of the batch of this time (or a later one).
    Time(Time),
    /// A task of the n-th batch (1 is the first), or a later one.
    Batch(u64),
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Next => f.write_str("at the next task it applies to"),
            At::Time(t) => write!(f, "in the batch of {t}"),
            At::Batch(n) => write!(f, "in batch {n}"),
        }
    }
}

/// The batch whose tasks run now: its time and number (1 is the first).
pub type Batch = Option<(Time, u64)>;

/// A fault waiting for its moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub fault: Fault,
    pub at: At,
    /// How many times it struck already (a fail-task fails several attempts).
    pub struck: usize,
}

#[derive(Default)]
pub struct FaultPlan {
    pending: Mutex<Vec<Planned>>,
    /// What happened, in order, for `:fault list`.
    done: Mutex<Vec<String>>,
    /// Kafka partitions offline now, as (topic, partition).
    offline: Mutex<BTreeSet<(String, i32)>>,
}

impl FaultPlan {
    pub fn add(&self, fault: Fault, at: At) {
        lock(&self.pending).push(Planned {
            fault,
            at,
            struck: 0,
        });
    }

    pub fn pending(&self) -> Vec<Planned> {
        lock(&self.pending).clone()
    }

    pub fn done(&self) -> Vec<String> {
        lock(&self.done).clone()
    }

    pub fn clear(&self) {
        lock(&self.pending).clear();
    }

    fn due(p: &Planned, batch: Batch) -> bool {
        match p.at {
            At::Next => true,
            At::Time(t) => batch.is_some_and(|(b, _)| b >= t),
            At::Batch(n) => batch.is_some_and(|(_, i)| i >= n),
        }
    }

    /// Whether a kill of `executor` is due now; taken (it happens once).
    pub fn take_kill(&self, executor: &str, batch: Batch) -> bool {
        self.take_once(
            batch,
            |f| matches!(f, Fault::KillExecutor { executor: e } if e == executor),
        )
    }

    /// Whether a block of input stream `stream` made now must lose its receiver's copy; taken.
    pub fn take_block_loss(&self, stream: usize, batch: Batch) -> bool {
        self.take_once(
            batch,
            |f| matches!(f, Fault::LoseBlock { stream: s } if *s == stream),
        )
    }

    /// Whether Kafka partition `partition` of `topic` is offline now, after the due
    /// `kafka-offline` / `kafka-online` faults of it took effect, in the order planned.
    pub fn kafka_offline(&self, topic: &str, partition: i32, batch: Batch) -> bool {
        let mut offline = lock(&self.offline);
        let key = (topic.to_string(), partition);
        let mut pending = lock(&self.pending);
        while let Some(i) = pending
            .iter()
            .position(|p| p.fault.kafka_switch(topic, partition).is_some() && Self::due(p, batch))
        {
            let p = pending.remove(i);
            if p.fault.kafka_switch(topic, partition) == Some(true) {
                offline.insert(key.clone());
            } else {
                offline.remove(&key);
            }
            lock(&self.done).push(format!("{} ({})", p.fault, when(batch)));
        }
        offline.contains(&key)
    }

    /// The Kafka partitions offline now, as `topic-partition`.
    pub fn offline_kafka_partitions(&self) -> Vec<String> {
        lock(&self.offline)
            .iter()
            .map(|(t, p)| format!("{t}-{p}"))
            .collect()
    }

    /// Whether `kafka-online topic partition` would bring something back: the partition is
    /// offline, or a planned fault takes it offline.
    pub fn kafka_may_go_offline(&self, topic: &str, partition: i32) -> bool {
        lock(&self.offline).contains(&(topic.to_string(), partition))
            || lock(&self.pending)
                .iter()
                .any(|p| p.fault.kafka_switch(topic, partition) == Some(true))
    }

    /// Takes the first due fault that `is` picks, recording it as done.
    fn take_once(&self, batch: Batch, is: impl Fn(&Fault) -> bool) -> bool {
        let mut pending = lock(&self.pending);
        let Some(i) = pending
            .iter()
            .position(|p| is(&p.fault) && Self::due(p, batch))
        else {
            return false;
        };
        let p = pending.remove(i);
        lock(&self.done).push(format!("{} ({})", p.fault, when(batch)));
        true
    }

    /// Whether the task running `ops` on `partition` must fail now: the fault and which of
    /// its failures this is (`fail-task map 0 2, failure 1 of 2`); counts it.
    pub fn take_task_failure(
        &self,
        ops: &[String],
        partition: usize,
        batch: Batch,
    ) -> Option<String> {
        let mut pending = lock(&self.pending);
        let i = pending.iter().position(|p| match &p.fault {
            Fault::FailTask {
                op, partition: at, ..
            } => *at == partition && ops.contains(op) && Self::due(p, batch),
            _ => false,
        })?;
        let p = &mut pending[i];
        p.struck += 1;
        let times = match &p.fault {
            Fault::FailTask { times, .. } => *times,
            _ => 1,
        };
        let text = format!("{}, failure {} of {times}", p.fault, p.struck);
        if p.struck >= times {
            pending.remove(i);
        }
        lock(&self.done).push(format!("{text} ({})", when(batch)));
        Some(text)
    }
}

fn when(batch: Batch) -> String {
    match batch {
        Some((t, _)) => format!("in the batch of {t}"),
        None => "outside a batch".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_as_typed() {
        assert_eq!(
            Fault::parse("kill-executor 1"),
            Ok(Fault::KillExecutor {
                executor: "1".into()
            })
        );
        assert_eq!(
            Fault::parse("fail-task map 0 2"),
            Ok(Fault::FailTask {
                op: "map".into(),
                partition: 0,
                times: 2
            })
        );
        assert!(
            Fault::parse("fail-task map x")
                .unwrap_err()
                .contains("PARTITION")
        );
        assert!(Fault::parse("explode").unwrap_err().contains(USAGE));
    }

    #[test]
    fn a_task_failure_is_used_up_and_waits_for_its_batch() {
        let plan = FaultPlan::default();
        plan.add(
            Fault::parse("fail-task map 0 2").expect("fault"),
            At::Time(Time(2000)),
        );
        let ops = vec!["flatMap".to_string(), "map".to_string()];
        let (b1, b2) = (Some((Time(1000), 1)), Some((Time(2000), 2)));
        assert!(plan.take_task_failure(&ops, 0, b1).is_none(), "too early");
        assert!(
            plan.take_task_failure(&ops, 1, b2).is_none(),
            "other partition"
        );
        assert!(plan.take_task_failure(&ops, 0, b2).is_some());
        assert!(plan.take_task_failure(&ops, 0, b2).is_some());
        assert!(plan.take_task_failure(&ops, 0, b2).is_none(), "used up");
        assert_eq!(plan.done().len(), 2);
        plan.add(Fault::parse("kill-executor 1").expect("fault"), At::Next);
        assert!(!plan.take_kill("0", None));
        assert!(plan.take_kill("1", None));
        assert!(!plan.take_kill("1", None), "once");
        plan.add(
            Fault::parse("kill-executor 0").expect("fault"),
            At::Batch(3),
        );
        assert!(!plan.take_kill("0", b2));
        assert!(plan.take_kill("0", Some((Time(3000), 3))));
    }

    #[test]
    fn a_kafka_partition_goes_offline_and_comes_back_in_its_batches() {
        let plan = FaultPlan::default();
        let fault = |s: &str| Fault::parse(s).expect("fault");
        plan.add(fault("kafka-offline sensors 1"), At::Batch(3));
        plan.add(fault("kafka-online sensors 1"), At::Batch(5));
        assert!(plan.kafka_may_go_offline("sensors", 1));
        assert!(!plan.kafka_may_go_offline("sensors", 0));
        let at = |n: u64| Some((Time(n as i64 * 1000), n));
        assert!(!plan.kafka_offline("sensors", 1, at(2)));
        assert!(plan.kafka_offline("sensors", 1, at(3)));
        assert!(
            !plan.kafka_offline("sensors", 0, at(3)),
            "only that partition"
        );
        assert!(!plan.kafka_offline("other", 1, at(3)), "only that topic");
        assert!(plan.kafka_offline("sensors", 1, at(4)));
        assert_eq!(plan.offline_kafka_partitions(), vec!["sensors-1"]);
        assert!(!plan.kafka_offline("sensors", 1, at(5)));
        assert!(plan.offline_kafka_partitions().is_empty());
        assert_eq!(plan.done().len(), 2);
        assert!(Fault::parse("kafka-offline sensors -1").is_err());
        assert!(Fault::parse("kafka-offline sensors").is_err());
    }
}
