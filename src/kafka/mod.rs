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
//!
//! Rooms: this file the stream itself (what it saves in a checkpoint and how a batch is
//! computed); `offsets.rs` Spark's nouns (`OffsetRange`, `HasOffsetRanges`, the parameters);
//! `state.rs` the consumer and its state behind one lock; `consumer.rs` the driver-side work
//! (start offsets, each batch's ranges, fixed ranges read with retries, warnings);
//! `broker.rs` the requests to the broker through rskafka; `range_log.rs` the log of each
//! batch's ranges in the checkpoint directory; `rdd.rs` Spark's `KafkaRDD`, what a task
//! reads (and where a partition the fault lab took offline fails the task). `offsets` and `state` are leaves, so the
//! rooms import one another without a cycle.

mod broker;
mod consumer;
mod offsets;
mod range_log;
mod rdd;
mod state;

pub use offsets::{HasOffsetRanges, KafkaParams, OffsetRange, OffsetReset};

use centella_engine::api::DStream;
use centella_engine::checkpoint::SourceState;
use centella_engine::context::StreamingContext;
use centella_engine::dstream::receiver::ReceiverHandle;
use centella_engine::dstream::{DStreamGraph, DStreamOp, StreamId};
use centella_engine::error::{ComputeError, StreamingError};
use centella_engine::func::OpSite;
use centella_engine::rdd::Rdd;
use centella_engine::time::Time;
use state::KafkaConsumer;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub struct KafkaInputDStream {
    consumer: Arc<KafkaConsumer>,
}

impl KafkaInputDStream {
    pub fn new(params: KafkaParams) -> Result<KafkaInputDStream, StreamingError> {
        let consumer = KafkaConsumer::new(params).map_err(|e| {
            StreamingError::Invalid(format!("cannot start the Kafka client's runtime: {e}"))
        })?;
        Ok(KafkaInputDStream {
            consumer: Arc::new(consumer),
        })
    }

    /// Called once the graph gave the stream its id.
    pub fn set_stream_id(&self, id: StreamId) {
        let _ = self.consumer.id.set(id);
    }
}

/// `KafkaUtils.createDirectStream(ssc, topics, kafkaParams[, fromOffsets])`: Spark's direct
/// approach, one RDD partition per Kafka partition.
pub fn create_direct_stream(
    ssc: &StreamingContext,
    params: KafkaParams,
    site: OpSite,
) -> Result<DStream, StreamingError> {
    let op = Arc::new(KafkaInputDStream::new(params)?);
    let ds = ssc.add_input_stream(op.clone(), site)?;
    op.set_stream_id(ds.id);
    Ok(ds)
}

impl DStreamOp for KafkaInputDStream {
    fn parents(&self) -> Vec<StreamId> {
        Vec::new()
    }

    fn is_input(&self) -> bool {
        true
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
            range_log::restore(&mut st, PathBuf::from(path), *batch_ms);
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
                consumer.plan_or_warn(&mut st, t, g.sc.batch())
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
        let polls = rdd::Polls {
            poll_ms: st.poll_ms,
            real_clock: st.real_clock,
            cancel: st.cancel.clone(),
        };
        drop(st);
        Ok(Some(rdd::kafka_rdd(
            &g.sc,
            parts,
            ranges,
            polls,
            Some(self.consumer.clone()),
        )))
    }
}
