//! What a direct stream reads, in Spark's terms: `OffsetRange`s of `TopicPartition`s, the RDD
//! that knows its ranges (`HasOffsetRanges`), `auto.offset.reset` and `createDirectStream`'s
//! parameters.

use centella_engine::rdd::Rdd;
use std::collections::BTreeMap;

/// Spark's `OffsetRange`: the records `[from_offset, until_offset)` of one partition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OffsetRange {
    pub topic: String,
    pub partition: i32,
    pub from_offset: i64,
    pub until_offset: i64,
}

impl OffsetRange {
    pub fn count(&self) -> i64 {
        self.until_offset - self.from_offset
    }
}

impl std::fmt::Display for OffsetRange {
    /// PySpark's `str(OffsetRange)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "OffsetRange(topic: {}, partition: {}, range: [{} -> {}])",
            self.topic, self.partition, self.from_offset, self.until_offset
        )
    }
}

/// Spark's `HasOffsetRanges`: the RDD a Kafka direct stream made for a batch knows the ranges
/// it read. They travel in the RDD's source-info slot, so the base RDD knows nothing of Kafka.
pub trait HasOffsetRanges {
    /// `rdd.offsetRanges()`: Some only on a Kafka direct stream's own RDDs.
    fn offset_ranges(&self) -> Option<&[OffsetRange]>;
}

impl HasOffsetRanges for Rdd {
    fn offset_ranges(&self) -> Option<&[OffsetRange]> {
        self.source_info::<Vec<OffsetRange>>().map(Vec::as_slice)
    }
}

/// `auto.offset.reset`: where to start without offsets, and where to go when they are gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetReset {
    Smallest,
    Largest,
}

impl OffsetReset {
    pub(crate) fn name(self) -> &'static str {
        match self {
            OffsetReset::Smallest => "smallest",
            OffsetReset::Largest => "largest",
        }
    }
}

/// What `createDirectStream` was given.
#[derive(Debug, Clone)]
pub struct KafkaParams {
    /// `metadata.broker.list` / `bootstrap.servers`, as `host:port` strings.
    pub brokers: Vec<String>,
    pub topics: Vec<String>,
    pub reset: OffsetReset,
    /// `fromOffsets`: exactly these partitions, from these offsets.
    pub from_offsets: Option<BTreeMap<(String, i32), i64>>,
}

/// Kafka's `TopicPartition`: a topic's name and one of its partition numbers.
pub(super) type TopicPartition = (String, i32);
