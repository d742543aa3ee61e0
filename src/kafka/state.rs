//! The consumer's state: the connection, the read positions and the range log of one direct
//! stream, behind one lock. The consumer's work on it is in `consumer.rs` (planning and
//! reading batches), `broker.rs` (requests) and `range_log.rs` (the log).

use super::offsets::{KafkaParams, OffsetRange, TopicPartition};
use centella_engine::clock::CancelToken;
use centella_engine::dstream::StreamId;
use centella_engine::dstream::receiver::Warner;
use centella_engine::sc::SparkContext;
use centella_engine::sink::OutputSink;
use centella_engine::time::Duration;
use rskafka::client::Client;
use rskafka::client::partition::PartitionClient;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// What the consumer knows and holds, changed only under `KafkaConsumer::state`'s lock.
#[derive(Default)]
pub(super) struct State {
    pub(super) client: Option<Arc<Client>>,
    pub(super) partition_clients: BTreeMap<TopicPartition, Arc<PartitionClient>>,
    /// The next offset to plan of every partition; None until the broker first answered.
    /// Under the real clock it runs ahead of the batches computed: a batch's ranges are fixed
    /// when the batch is generated, as in Spark.
    pub(super) current: Option<BTreeMap<TopicPartition, i64>>,
    /// The offsets after the last batch computed: what a data checkpoint records.
    pub(super) computed: Option<BTreeMap<TopicPartition, i64>>,
    /// Batches generated and not yet computed: their ranges (None: the broker did not
    /// answer, so the batch is empty).
    pub(super) planned: BTreeMap<i64, Option<Vec<OffsetRange>>>,
    /// The last batch computed.
    pub(super) last_batch: Option<i64>,
    /// Batches logged before a crash and not yet re-run: their ranges, exactly.
    pub(super) replay: BTreeMap<i64, Vec<OffsetRange>>,
    /// The log of batches' ranges (with a checkpoint directory), and what it holds.
    pub(super) log_path: Option<PathBuf>,
    pub(super) log: Option<std::fs::File>,
    pub(super) logged: BTreeMap<i64, Vec<OffsetRange>>,
    /// Newest batch logged at each of the last two data checkpoints (log compaction).
    pub(super) saved_marks: Vec<i64>,
    pub(super) checkpoint_dir: Option<PathBuf>,
    pub(super) sink: Option<Arc<dyn OutputSink>>,
    pub(super) batch: Duration,
    pub(super) warner: Warner,
    /// The broker was in trouble: say so when it answers again.
    pub(super) troubled: bool,
    pub(super) log_failed: bool,
    /// `spark.streaming.kafka.maxRatePerPartition`, read at start.
    pub(super) max_rate_per_partition: Option<u64>,
    /// The session's cancel token: a read waiting for the broker gives up on Ctrl-C.
    pub(super) cancel: Arc<CancelToken>,
    /// The context's SparkContext (its fault plan takes partitions offline), once started.
    pub(super) spark_context: Option<SparkContext>,
    /// `spark.streaming.kafka.consumer.poll.ms`, and whether polls wait in real time.
    pub(super) poll_ms: u64,
    pub(super) real_clock: bool,
    /// Partitions found offline when planning, told once until they are back.
    pub(super) offline: BTreeSet<TopicPartition>,
}

/// Spark's `spark.streaming.kafka.consumer.poll.ms` default (`spark.network.timeout`).
pub(super) const DEFAULT_POLL_MS: u64 = 120_000;

/// The stream's side toward the broker, shared with the context as its receiver handle: the
/// connection, the read positions and the offset log (Spark's consumer in
/// `DirectKafkaInputDStream`).
pub struct KafkaConsumer {
    pub(super) params: KafkaParams,
    /// The stream's id in its graph, which names its log.
    pub(super) id: std::sync::OnceLock<StreamId>,
    pub(super) runtime: tokio::runtime::Runtime,
    pub(super) state: Mutex<State>,
    pub(super) stop: AtomicBool,
}

impl KafkaConsumer {
    /// A consumer with its own runtime for the broker's requests, not yet started.
    pub(super) fn new(params: KafkaParams) -> std::io::Result<KafkaConsumer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(KafkaConsumer {
            params,
            id: std::sync::OnceLock::new(),
            runtime,
            state: Mutex::new(State {
                batch: Duration(1000),
                poll_ms: DEFAULT_POLL_MS,
                ..State::default()
            }),
            stop: AtomicBool::new(false),
        })
    }
}
