//! `KafkaUtils.createDirectStream`: Spark's direct approach (DirectKafkaInputDStream), with
//! no receiver and no consumer group. At each batch the driver asks the broker for the latest
//! offset of every partition; the batch is the range `[from, until)` of each partition (capped
//! by `spark.streaming.kafka.maxRatePerPartition`), one RDD partition per Kafka partition, and
//! its records are `[key, value]` strings (key `()` when absent), as PySpark's default decoder
//! gives them.
//!
//! Exactly-once state under checkpointing: with a checkpoint directory every batch's ranges
//! are appended to `kafka/stream-<id>.log` (fsynced) before the batch's records are handed on,
//! and a data checkpoint records the offsets after its batch. Recovery restores those offsets
//! and replays, for every logged batch after the data checkpoint (the completed ones that are
//! recomputed silently and the one in flight at the crash), exactly the logged ranges.
//!
//! The client is rskafka (pure Rust) on a small current-thread tokio runtime owned by the
//! stream: the engine only sees blocking calls with timeouts.
//!
//! As in Spark, a batch's ranges are fixed when the batch is *generated* (under the real clock
//! the JobGenerator calls [`ReceiverHandle::on_batch_generated`] before queueing it), so the
//! log holds the ranges of batches still queued at a crash, and they are re-read exactly.
//!
//! Broker trouble: a new batch whose offsets cannot be asked for is **empty** and the offsets
//! do not move, so its records come in a later batch (a warning says so, then at most every
//! 10 s). A batch whose ranges are fixed (generated earlier, or replayed after a crash)
//! **waits** for the broker instead, retrying every 2 s. Offsets no longer on the broker are
//! moved by `auto.offset.reset` with a warning: beyond its end (a recreated topic) or before
//! its start (deleted by retention); records deleted after their batch was planned are
//! reported as lost and the rest of the range is read.

use super::receiver::{ReceiverEnv, ReceiverHandle, Warner};
use super::{DStreamGraph, DStreamOp, StreamId};
use crate::engine::checkpoint::SourceState;
use crate::engine::error::{ComputeError, StreamingError};
use crate::engine::func::Record;
use crate::engine::rdd::Rdd;
use crate::engine::sink::OutputSink;
use crate::engine::time::{Duration, Time};
use rskafka::client::partition::{OffsetAt, PartitionClient, UnknownTopicHandling};
use rskafka::client::{Client, ClientBuilder};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// How long one broker request may take before the batch gives up on it.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// A replayed batch retries the broker this often.
const REPLAY_RETRY_MS: u64 = 2000;
/// Bytes asked for per fetch request.
const FETCH_BYTES: i32 = 4 * 1024 * 1024;

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
    fn name(self) -> &'static str {
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
type TopicPartition = (String, i32);

/// Why the stream's partitions or start offsets could not be found.
#[derive(Debug, thiserror::Error)]
enum PartitionsError {
    /// A subscribed topic does not exist; the text names it and the topics there are.
    #[error("{0}")]
    UnknownTopic(String),
    /// The broker did not answer (the text says how).
    #[error("{0}")]
    Broker(String),
}

/// A batch's ranges, as one line of the log.
#[derive(serde::Serialize, serde::Deserialize)]
struct LoggedBatch {
    t: i64,
    ranges: Vec<OffsetRange>,
}

#[derive(Default)]
struct State {
    client: Option<Arc<Client>>,
    partition_clients: BTreeMap<TopicPartition, Arc<PartitionClient>>,
    /// The next offset to plan of every partition; None until the broker first answered.
    /// Under the real clock it runs ahead of the batches computed: a batch's ranges are fixed
    /// when the batch is generated, as in Spark.
    current: Option<BTreeMap<TopicPartition, i64>>,
    /// The offsets after the last batch computed: what a data checkpoint records.
    computed: Option<BTreeMap<TopicPartition, i64>>,
    /// Batches generated and not yet computed: their ranges (None: the broker did not
    /// answer, so the batch is empty).
    planned: BTreeMap<i64, Option<Vec<OffsetRange>>>,
    /// The last batch computed.
    last_batch: Option<i64>,
    /// Batches logged before a crash and not yet re-run: their ranges, exactly.
    replay: BTreeMap<i64, Vec<OffsetRange>>,
    /// The log of batches' ranges (with a checkpoint directory), and what it holds.
    log_path: Option<PathBuf>,
    log: Option<std::fs::File>,
    logged: BTreeMap<i64, Vec<OffsetRange>>,
    /// Newest batch logged at each of the last two data checkpoints (log compaction).
    saved_marks: Vec<i64>,
    checkpoint_dir: Option<PathBuf>,
    sink: Option<Arc<dyn OutputSink>>,
    batch: Duration,
    warner: Warner,
    /// The broker was in trouble: say so when it answers again.
    troubled: bool,
    log_failed: bool,
    /// `spark.streaming.kafka.maxRatePerPartition`, read at start.
    max_rate_per_partition: Option<u64>,
    /// The session's cancel token: a read waiting for the broker gives up on Ctrl-C.
    cancel: Arc<crate::engine::clock::CancelToken>,
}

/// The stream's side toward the broker, shared with the context as its receiver handle: the
/// connection, the read positions and the offset log (Spark's consumer in
/// `DirectKafkaInputDStream`).
pub struct KafkaConsumer {
    params: KafkaParams,
    /// The stream's id in its graph, which names its log.
    id: std::sync::OnceLock<StreamId>,
    runtime: tokio::runtime::Runtime,
    state: Mutex<State>,
    stop: AtomicBool,
}

pub struct KafkaInputDStream {
    consumer: Arc<KafkaConsumer>,
}

fn broker_error(e: impl std::fmt::Display) -> String {
    let text = e.to_string();
    // rskafka's messages can be long (a whole request); keep the first line, shortened.
    let first = text.lines().next().unwrap_or_default();
    if first.chars().count() > 200 {
        format!("{}...", first.chars().take(200).collect::<String>())
    } else {
        first.to_string()
    }
}

impl KafkaInputDStream {
    pub fn new(params: KafkaParams) -> Result<KafkaInputDStream, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the Kafka client's runtime: {e}"))?;
        Ok(KafkaInputDStream {
            consumer: Arc::new(KafkaConsumer {
                params,
                id: std::sync::OnceLock::new(),
                runtime,
                state: Mutex::new(State {
                    batch: Duration(1000),
                    ..State::default()
                }),
                stop: AtomicBool::new(false),
            }),
        })
    }
}

impl KafkaInputDStream {
    /// Called once the graph gave the stream its id.
    pub fn set_stream_id(&self, id: StreamId) {
        let _ = self.consumer.id.set(id);
    }
}

/// Runs one broker request on the stream's runtime, with a timeout.
fn block<T>(
    rt: &tokio::runtime::Runtime,
    fut: impl std::future::Future<Output = Result<T, rskafka::client::error::Error>>,
) -> Result<T, String> {
    rt.block_on(async { tokio::time::timeout(REQUEST_TIMEOUT, fut).await })
        .map_err(|_| format!("no answer within {} s", REQUEST_TIMEOUT.as_secs()))?
        .map_err(broker_error)
}

impl KafkaConsumer {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        crate::engine::lock(&self.state)
    }

    fn brokers(&self) -> String {
        self.params.brokers.join(",")
    }

    fn warn(&self, st: &mut State, msg: &str) {
        st.troubled = true;
        if let Some(sink) = st.sink.clone() {
            st.warner.warn(&*sink, msg);
        }
    }

    /// The broker answered: after trouble, say so, and warn afresh next time.
    fn answered(&self, st: &mut State) {
        if st.troubled {
            st.troubled = false;
            st.warner = Warner::default();
            self.info(
                st,
                &format!("KafkaUtils: the broker {} answers again", self.brokers()),
            );
        }
    }

    fn info(&self, st: &State, msg: &str) {
        if let Some(sink) = &st.sink {
            sink.info(msg);
        }
    }

    /// A warning that is not rate-limited (one event, said once).
    fn warn_now(&self, st: &State, msg: &str) {
        if let Some(sink) = &st.sink {
            sink.warn(msg);
        }
    }

    fn client(&self, st: &mut State) -> Result<Arc<Client>, String> {
        if let Some(c) = &st.client {
            return Ok(c.clone());
        }
        let backoff = rskafka::BackoffConfig {
            init_backoff: std::time::Duration::from_millis(100),
            max_backoff: std::time::Duration::from_millis(500),
            base: 2.0,
            deadline: Some(std::time::Duration::from_secs(3)),
        };
        let builder = ClientBuilder::new(self.params.brokers.clone())
            .client_id("centella")
            .backoff_config(backoff);
        let client = Arc::new(block(&self.runtime, builder.build())?);
        st.client = Some(client.clone());
        Ok(client)
    }

    /// Forgets the connections, so the next batch connects afresh (a restarted broker).
    fn disconnect(&self, st: &mut State) {
        st.client = None;
        st.partition_clients.clear();
    }

    fn partition_client(
        &self,
        st: &mut State,
        tp: &TopicPartition,
    ) -> Result<Arc<PartitionClient>, String> {
        if let Some(p) = st.partition_clients.get(tp) {
            return Ok(p.clone());
        }
        let client = self.client(st)?;
        let pc = Arc::new(block(
            &self.runtime,
            client.partition_client(tp.0.clone(), tp.1, UnknownTopicHandling::Error),
        )?);
        st.partition_clients.insert(tp.clone(), pc.clone());
        Ok(pc)
    }

    /// The partitions of the stream's topics now.
    fn partitions(&self, st: &mut State) -> Result<BTreeSet<TopicPartition>, PartitionsError> {
        if let Some(from) = &self.params.from_offsets {
            return Ok(from.keys().cloned().collect());
        }
        let client = self.client(st).map_err(PartitionsError::Broker)?;
        let topics = block(&self.runtime, client.list_topics()).map_err(PartitionsError::Broker)?;
        let mut out = BTreeSet::new();
        for name in &self.params.topics {
            let Some(t) = topics.iter().find(|t| &t.name == name) else {
                let mut known: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
                known.sort();
                return Err(PartitionsError::UnknownTopic(format!(
                    "topic '{name}' does not exist on {} (topics there: {})",
                    self.brokers(),
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )));
            };
            out.extend(t.partitions.iter().map(|p| (name.clone(), *p)));
        }
        Ok(out)
    }

    fn offset(&self, st: &mut State, tp: &TopicPartition, at: OffsetAt) -> Result<i64, String> {
        let pc = self.partition_client(st, tp)?;
        block(&self.runtime, pc.get_offset(at))
    }

    fn reset_offset(&self, st: &mut State, tp: &TopicPartition) -> Result<i64, String> {
        let at = match self.params.reset {
            OffsetReset::Smallest => OffsetAt::Earliest,
            OffsetReset::Largest => OffsetAt::Latest,
        };
        self.offset(st, tp, at)
    }

    /// Where reading starts: `fromOffsets`, or `auto.offset.reset` (largest by default).
    fn resolve_start(&self, st: &mut State) -> Result<(), PartitionsError> {
        if st.current.is_some() {
            return Ok(());
        }
        let parts = self.partitions(st)?;
        let mut current = BTreeMap::new();
        for tp in parts {
            let off = match self.params.from_offsets.as_ref().and_then(|m| m.get(&tp)) {
                Some(o) => *o,
                None => self
                    .reset_offset(st, &tp)
                    .map_err(PartitionsError::Broker)?,
            };
            current.insert(tp, off);
        }
        if st.computed.is_none() {
            st.computed = Some(current.clone());
        }
        st.current = Some(current);
        Ok(())
    }

    /// Records `[from, until)` of one partition, as `[key, value]` pairs.
    fn fetch(&self, st: &mut State, range: &OffsetRange) -> Result<Vec<Record>, FetchError> {
        let mut out = Vec::with_capacity(range.count().max(0) as usize);
        if range.until_offset <= range.from_offset {
            return Ok(out);
        }
        let tp = (range.topic.clone(), range.partition);
        let pc = self.partition_client(st, &tp).map_err(FetchError::Broker)?;
        let mut pos = range.from_offset;
        let mut empty_answers = 0;
        while pos < range.until_offset {
            let fetched = self.runtime.block_on(async {
                tokio::time::timeout(REQUEST_TIMEOUT, pc.fetch_records(pos, 1..FETCH_BYTES, 100))
                    .await
            });
            let (records, _high_watermark) = match fetched {
                Err(_) => {
                    return Err(FetchError::Broker(format!(
                        "no answer within {} s",
                        REQUEST_TIMEOUT.as_secs()
                    )));
                }
                Ok(Err(rskafka::client::error::Error::ServerError {
                    protocol_error: rskafka::client::error::ProtocolError::OffsetOutOfRange,
                    ..
                })) => return Err(FetchError::OutOfRange(pos)),
                Ok(Err(e)) => return Err(FetchError::Broker(broker_error(e))),
                Ok(Ok(r)) => r,
            };
            // Records missing at the start of the answer were deleted by retention when the
            // partition now starts after `pos` (a compacted topic has gaps too: those are fine).
            if records
                .iter()
                .map(|r| r.offset)
                .min()
                .is_some_and(|o| o > pos)
            {
                let earliest = block(&self.runtime, pc.get_offset(OffsetAt::Earliest))
                    .map_err(FetchError::Broker)?;
                if earliest > pos {
                    return Err(FetchError::OutOfRange(pos));
                }
            }
            // A fetch returns whole record batches: records before `pos` come back too.
            let mut next = pos;
            for r in records {
                if r.offset < pos {
                    continue;
                }
                next = next.max(r.offset + 1);
                if r.offset >= range.until_offset {
                    continue;
                }
                let text = |b: Option<Vec<u8>>| match b {
                    Some(b) => Record::from(String::from_utf8_lossy(&b).into_owned()),
                    None => Record::UNIT,
                };
                out.push(Record::from(vec![text(r.record.key), text(r.record.value)]));
            }
            if next == pos {
                empty_answers += 1;
                if empty_answers >= 5 {
                    return Err(FetchError::Broker(format!(
                        "the broker returned no records at offset {pos} of {}-{}, though the range ends at {}",
                        range.topic, range.partition, range.until_offset
                    )));
                }
            } else {
                empty_answers = 0;
            }
            pos = next;
        }
        Ok(out)
    }

    /// Fixes the ranges of a new batch and logs them; the offsets move only on success.
    /// Offsets that are no longer on the broker (beyond its end: a recreated topic; before its
    /// start: deleted by retention) are moved by `auto.offset.reset`, with a warning.
    fn plan_batch(&self, st: &mut State, t: Time) -> Result<Vec<OffsetRange>, String> {
        // Unknown topic or broker trouble: either way, the message says which.
        self.resolve_start(st).map_err(|e| e.to_string())?;
        let parts = self.partitions(st).map_err(|e| e.to_string())?;
        let mut current = st.current.clone().unwrap_or_default();
        // Partitions added while running are read from their beginning.
        for tp in &parts {
            if !current.contains_key(tp) {
                let earliest = self.offset(st, tp, OffsetAt::Earliest)?;
                self.info(
                    st,
                    &format!(
                        "KafkaUtils: partition {} of topic '{}' appeared; reading it from offset {earliest}",
                        tp.1, tp.0
                    ),
                );
                current.insert(tp.clone(), earliest);
            }
        }
        let max_per_partition = max_per_partition(st.max_rate_per_partition, st.batch);
        let mut ranges = Vec::new();
        for (tp, from) in current.iter_mut() {
            let latest = self.offset(st, tp, OffsetAt::Latest)?;
            if latest < *from {
                // The partition was emptied or recreated: auto.offset.reset decides.
                let to = self.reset_offset(st, tp)?;
                self.warn_reset(st, tp, *from, to, "is beyond the partition's latest offset");
                *from = to;
            } else if *from < latest {
                let earliest = self.offset(st, tp, OffsetAt::Earliest)?;
                if *from < earliest {
                    let to = self.reset_offset(st, tp)?;
                    self.warn_reset(
                        st,
                        tp,
                        *from,
                        to,
                        &format!(
                            "is no longer on the broker (deleted by retention: the partition now starts at {earliest})"
                        ),
                    );
                    *from = to;
                }
            }
            let mut until = latest.max(*from);
            if let Some(max) = max_per_partition {
                until = until.min(*from + max);
            }
            ranges.push(OffsetRange {
                topic: tp.0.clone(),
                partition: tp.1,
                from_offset: *from,
                until_offset: until,
            });
        }
        self.log_batch(st, t, &ranges);
        let mut next = BTreeMap::new();
        for r in &ranges {
            next.insert((r.topic.clone(), r.partition), r.until_offset);
        }
        st.current = Some(next);
        Ok(ranges)
    }

    /// Plans batch `t`, or reports why it is empty.
    fn plan_or_warn(&self, st: &mut State, t: Time) -> Option<Vec<OffsetRange>> {
        match self.plan_batch(st, t) {
            Ok(ranges) => {
                self.answered(st);
                Some(ranges)
            }
            Err(e) => {
                self.disconnect(st);
                let msg = format!(
                    "KafkaUtils: the batch of {t} is empty: {e} (broker {}); the offsets do not move, so the records come in a later batch",
                    self.brokers()
                );
                self.warn(st, &msg);
                None
            }
        }
    }

    fn warn_reset(&self, st: &mut State, tp: &TopicPartition, at: i64, to: i64, why: &str) {
        let msg = format!(
            "KafkaUtils: offset {at} of {}-{} {why}; auto.offset.reset={} moves it to {to}",
            tp.0,
            tp.1,
            self.params.reset.name()
        );
        self.warn_now(st, &msg);
    }

    /// The records of a batch whose ranges are fixed (planned when it was generated, or
    /// logged before a crash): exactly those ranges, waiting for the broker if needed. The
    /// state lock is not held while waiting, so new batches are still generated meanwhile.
    fn read_ranges(
        &self,
        t: Time,
        ranges: &mut [OffsetRange],
        site: &crate::engine::func::OpSite,
    ) -> Result<Vec<Vec<Record>>, ComputeError> {
        loop {
            {
                let mut st = self.lock();
                let mut parts = Vec::with_capacity(ranges.len());
                let mut failed = None;
                for r in ranges.iter_mut() {
                    match self.fetch_or_skip_deleted(&mut st, t, r) {
                        Ok(p) => parts.push(p),
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                let Some(e) = failed else {
                    self.answered(&mut st);
                    return Ok(parts);
                };
                self.disconnect(&mut st);
                if self.stop.load(Ordering::Relaxed) || st.cancel.interrupted() {
                    return Err(ComputeError {
                        site: site.clone(),
                        message: format!(
                            "the ranges of the batch of {t} could not be read from {}: {e}",
                            self.brokers()
                        ),
                    });
                }
                self.warn(
                    &mut st,
                    &format!(
                        "KafkaUtils: cannot read the batch of {t} from {} ({e}); its offset ranges are fixed, so it waits for the broker, retrying every {} s",
                        self.brokers(),
                        REPLAY_RETRY_MS / 1000
                    ),
                );
            }
            super::receiver::sleep_unless(&self.stop, REPLAY_RETRY_MS);
        }
    }

    /// One fixed range. Records deleted (by retention) after the range was fixed cannot be
    /// read: the rest of the range is, and a warning says which offsets were lost.
    fn fetch_or_skip_deleted(
        &self,
        st: &mut State,
        t: Time,
        range: &mut OffsetRange,
    ) -> Result<Vec<Record>, String> {
        match self.fetch(st, range) {
            Ok(r) => Ok(r),
            Err(FetchError::OutOfRange(_)) => {
                let tp = (range.topic.clone(), range.partition);
                let earliest = self.offset(st, &tp, OffsetAt::Earliest)?;
                let from = earliest.clamp(range.from_offset, range.until_offset);
                let rest = if from < range.until_offset {
                    format!("it reads the rest, [{from} -> {}]", range.until_offset)
                } else {
                    "they are lost".to_string()
                };
                self.warn_now(st, &format!(
                        "KafkaUtils: offsets {} to {from} of {}-{} were deleted (retention) before the batch of {t} read them; {rest}",
                        range.from_offset, tp.0, tp.1
                    ));
                range.from_offset = from;
                self.fetch(st, range).map_err(|e| e.to_string())
            }
            Err(e) => Err(e.to_string()),
        }
    }

    fn log_batch(&self, st: &mut State, t: Time, ranges: &[OffsetRange]) {
        st.logged.insert(t.ms(), ranges.to_vec());
        let Some(file) = st.log.as_mut() else {
            return;
        };
        let written = file
            .write_all(log_line(t.ms(), ranges).as_bytes())
            .and_then(|_| file.sync_data());
        if let Err(e) = written
            && !st.log_failed
        {
            st.log_failed = true;
            self.warn_now(st, &format!(
                    "KafkaUtils: cannot write the log of offset ranges: {e}; a crash may then re-read a batch differently"
                ));
        }
    }

    /// Opens the log in the checkpoint directory: the restored one, or a fresh one.
    fn open_log(&self, st: &mut State, me: StreamId) {
        if st.log.is_some() || st.log_failed {
            return;
        }
        let path = match (&st.log_path, &st.checkpoint_dir) {
            (Some(p), _) => p.clone(),
            (None, Some(dir)) => dir.join("kafka").join(format!("stream-{me}.log")),
            (None, None) => return,
        };
        let fresh = st.log_path.is_none();
        let opened = path
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|_| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(!fresh)
                    .write(true)
                    .truncate(fresh)
                    .open(&path)
            });
        match opened {
            Ok(f) => {
                st.log = Some(f);
                st.log_path = Some(path);
            }
            Err(e) => {
                st.log_failed = true;
                self.warn_now(
                    st,
                    &format!(
                        "KafkaUtils: cannot open the log of offset ranges {}: {e}",
                        path.display()
                    ),
                );
            }
        }
    }

    /// Keeps the log short: batches older than the previous data checkpoint are dropped.
    fn compact_log(&self, st: &mut State) {
        if let Some(&newest) = st.logged.keys().next_back() {
            st.saved_marks.push(newest);
        }
        if st.saved_marks.len() > 2 {
            st.saved_marks.remove(0);
        }
        let Some(&keep_after) = st.saved_marks.first() else {
            return;
        };
        if st.logged.len() < 200 || st.saved_marks.len() < 2 {
            return;
        }
        st.logged.retain(|t, _| *t > keep_after);
        let (Some(path), Some(_)) = (st.log_path.clone(), st.log.as_ref()) else {
            return;
        };
        let text: String = st.logged.iter().map(|(t, r)| log_line(*t, r)).collect();
        // A failed rewrite leaves the old log whole and appended to.
        if crate::engine::checkpoint::store::replace_atomic(&path, text.as_bytes()).is_ok()
            && let Ok(f) = std::fs::OpenOptions::new().append(true).open(&path)
        {
            st.log = Some(f);
        }
    }
}

/// One line of the range log.
fn log_line(t: i64, ranges: &[OffsetRange]) -> String {
    let line = serde_json::to_string(&LoggedBatch {
        t,
        ranges: ranges.to_vec(),
    })
    .unwrap_or_default();
    format!("{line}\n")
}

/// `spark.streaming.kafka.maxRatePerPartition`, as records per partition per batch.
fn max_per_partition(rate: Option<u64>, batch: Duration) -> Option<i64> {
    rate.and_then(|r| i64::try_from(r).ok())
        .filter(|r| *r > 0)
        .map(|rate| (rate * batch.ms() / 1000).max(1))
}

enum FetchError {
    OutOfRange(i64),
    Broker(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::OutOfRange(at) => write!(f, "offset {at} is out of range"),
            FetchError::Broker(e) => f.write_str(e),
        }
    }
}

/// The stream's start and stop: a direct stream has no receiver, but like Spark's
/// `DirectKafkaInputDStream.start` it fixes the starting offsets when the context starts.
impl ReceiverHandle for KafkaConsumer {
    /// Not the log: a recovery first restores which log to append to.
    fn attach(&self, env: &ReceiverEnv) {
        let mut st = self.lock();
        st.sink = Some(env.sink.clone());
        st.batch = env.batch;
        st.checkpoint_dir = env.checkpoint_dir.clone();
        st.max_rate_per_partition = env.kafka_max_rate_per_partition;
        st.cancel = env.cancel.clone();
    }

    fn start(&self, env: &ReceiverEnv) -> Result<(), StreamingError> {
        self.stop.store(false, Ordering::Relaxed);
        self.attach(env);
        let mut st = self.lock();
        if let Some(&id) = self.id.get() {
            // Before the first checkpoint, so that it already names the log.
            self.open_log(&mut st, id);
        }
        match self.resolve_start(&mut st) {
            Ok(()) => Ok(()),
            Err(PartitionsError::UnknownTopic(unknown)) => Err(StreamingError::Invalid(format!(
                "KafkaUtils.createDirectStream: {unknown}; create it first (e.g. tansu topic create NAME or kafka-topics.sh --create)"
            ))),
            Err(PartitionsError::Broker(e)) => {
                self.disconnect(&mut st);
                let msg = format!(
                    "KafkaUtils: cannot reach the broker {} ({e}); batches are empty until it answers (retrying every batch), then reading starts at auto.offset.reset={}",
                    self.brokers(),
                    self.params.reset.name()
                );
                self.warn(&mut st, &msg);
                Ok(())
            }
        }
    }

    fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    fn has_pending(&self) -> bool {
        false
    }

    /// Spark's `DirectKafkaInputDStream.compute` runs when the JobGenerator generates the
    /// batch: its ranges are fixed (and logged) then, not when the batch finally runs, so a
    /// batch still queued at a crash is re-read exactly.
    fn on_batch_generated(&self, t: Time) {
        let mut st = self.lock();
        if st.replay.contains_key(&t.ms()) || st.planned.contains_key(&t.ms()) {
            return;
        }
        if let Some(&id) = self.id.get() {
            self.open_log(&mut st, id);
        }
        let plan = self.plan_or_warn(&mut st, t);
        st.planned.insert(t.ms(), plan);
    }
}

impl DStreamOp for KafkaInputDStream {
    fn parents(&self) -> Vec<StreamId> {
        Vec::new()
    }

    fn is_input(&self) -> bool {
        true
    }

    fn input_drained(&self) -> bool {
        // A topic is never "done".
        false
    }

    fn receiver(&self) -> Option<Arc<dyn ReceiverHandle>> {
        Some(self.consumer.clone())
    }

    fn save_source(&self) -> Option<SourceState> {
        let mut st = self.consumer.lock();
        self.consumer.compact_log(&mut st);
        Some(SourceState::Kafka {
            batch_ms: st.last_batch,
            offsets: st.computed.as_ref().or(st.current.as_ref()).map(|c| {
                c.iter()
                    .map(|((topic, p), o)| (topic.clone(), *p, *o))
                    .collect()
            }),
            log: st
                .log_path
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned()),
        })
    }

    fn restore_source(&self, state: &SourceState) -> Result<(), String> {
        let SourceState::Kafka {
            batch_ms,
            offsets,
            log,
        } = state
        else {
            return Err("the checkpoint has another kind of source here".into());
        };
        let mut st = self.consumer.lock();
        st.current = offsets.as_ref().map(|o| {
            o.iter()
                .map(|(topic, p, off)| ((topic.clone(), *p), *off))
                .collect()
        });
        st.computed = st.current.clone();
        st.last_batch = *batch_ms;
        st.replay.clear();
        st.planned.clear();
        st.logged.clear();
        if let Some(path) = log {
            let path = PathBuf::from(path);
            // A missing log means no batch was logged after this checkpoint.
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for line in text.lines() {
                // A line torn by the crash belongs to a batch that never completed.
                let Ok(b) = serde_json::from_str::<LoggedBatch>(line) else {
                    continue;
                };
                st.logged.insert(b.t, b.ranges.clone());
                if batch_ms.is_none_or(|d| b.t > d) {
                    st.replay.insert(b.t, b.ranges);
                }
            }
            st.log_path = Some(path);
        }
        // New batches are planned after the ones to replay.
        let replayed: Vec<OffsetRange> = st.replay.values().flatten().cloned().collect();
        let current = st.current.get_or_insert_with(BTreeMap::new);
        for r in replayed {
            current.insert((r.topic.clone(), r.partition), r.until_offset);
        }
        Ok(())
    }

    fn compute(
        &self,
        g: &mut DStreamGraph,
        me: StreamId,
        t: Time,
    ) -> Result<Option<Rdd>, ComputeError> {
        let consumer = &self.consumer;
        let fixed = {
            let mut st = consumer.lock();
            if st.sink.is_none() {
                // Computed without a start (should not happen): warnings go nowhere.
                st.batch = g.batch;
            }
            consumer.open_log(&mut st, me);
            st.replay.retain(|bt, _| *bt >= t.ms());
            st.planned.retain(|bt, _| *bt >= t.ms());
            if let Some(ranges) = st.replay.remove(&t.ms()) {
                Some(ranges)
            } else if let Some(planned) = st.planned.remove(&t.ms()) {
                planned
            } else {
                // Not generated by the real clock's JobGenerator: plan it now.
                consumer.plan_or_warn(&mut st, t)
            }
        };
        let (ranges, parts) = match fixed {
            Some(mut ranges) => {
                let parts = consumer.read_ranges(t, &mut ranges, g.site(me))?;
                (ranges, parts)
            }
            None => (Vec::new(), Vec::new()),
        };
        let mut st = consumer.lock();
        let computed = st.computed.get_or_insert_with(BTreeMap::new);
        for r in &ranges {
            computed.insert((r.topic.clone(), r.partition), r.until_offset);
        }
        st.last_batch = Some(t.ms());
        drop(st);
        Ok(Some(
            Rdd::from_partitions(g.sc.clone(), parts).with_source_info(ranges),
        ))
    }
}
