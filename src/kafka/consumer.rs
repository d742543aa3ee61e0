//! The driver's side of a direct stream (Spark's consumer in `DirectKafkaInputDStream`):
//! where reading starts, the ranges of each new batch, the records of a batch whose ranges
//! are fixed (read again until the broker answers), and the warnings on broker trouble.

use super::broker::{FetchError, PartitionsError};
use super::offsets::{OffsetRange, TopicPartition};
use super::state::{KafkaConsumer, State};
use centella_engine::dstream::receiver::{ReceiverEnv, ReceiverHandle, Warner};
use centella_engine::error::{ComputeError, StreamingError};
use centella_engine::fault::Batch;
use centella_engine::func::Record;
use centella_engine::time::{Duration, Time};
use rskafka::client::partition::OffsetAt;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

/// A replayed batch retries the broker this often.
const REPLAY_RETRY_MS: u64 = 2000;

impl KafkaConsumer {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        centella_engine::lock(&self.state)
    }

    pub(super) fn brokers(&self) -> String {
        self.params.brokers.join(",")
    }

    pub(super) fn warn(&self, st: &mut State, msg: &str) {
        st.troubled = true;
        if let Some(sink) = st.sink.clone() {
            st.warner.warn(&*sink, msg);
        }
    }

    /// The broker answered: after trouble, say so, and warn afresh next time.
    pub(super) fn answered(&self, st: &mut State) {
        if st.troubled {
            st.troubled = false;
            st.warner = Warner::default();
            self.info(
                st,
                &format!("KafkaUtils: the broker {} answers again", self.brokers()),
            );
        }
    }

    pub(super) fn info(&self, st: &State, msg: &str) {
        if let Some(sink) = &st.sink {
            sink.info(msg);
        }
    }

    /// A warning that is not rate-limited (one event, said once).
    pub(super) fn warn_now(&self, st: &State, msg: &str) {
        if let Some(sink) = &st.sink {
            sink.warn(msg);
        }
    }

    /// Where reading starts: `fromOffsets`, or `auto.offset.reset` (largest by default).
    pub(super) fn resolve_start(&self, st: &mut State) -> Result<(), PartitionsError> {
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

    /// Fixes the ranges of a new batch and logs them; the offsets move only on success.
    /// Offsets that are no longer on the broker (beyond its end: a recreated topic; before its
    /// start: deleted by retention) are moved by `auto.offset.reset`, with a warning.
    pub(super) fn plan_batch(
        &self,
        st: &mut State,
        t: Time,
        batch: Batch,
    ) -> Result<Vec<OffsetRange>, PartitionsError> {
        // Unknown topic or broker trouble: either way, the message says which.
        self.resolve_start(st)?;
        let parts = self.partitions(st)?;
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
            if self.planned_offline(st, tp, *from, t, batch) {
                // Nothing can be asked of it: its offset stays, its records wait in Kafka.
                ranges.push(OffsetRange {
                    topic: tp.0.clone(),
                    partition: tp.1,
                    from_offset: *from,
                    until_offset: *from,
                });
                continue;
            }
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

    /// Whether partition `tp` is offline (the fault lab's `kafka-offline`) as batch `t` is
    /// planned; said once when it goes, and once when it is back.
    fn planned_offline(
        &self,
        st: &mut State,
        tp: &TopicPartition,
        from: i64,
        t: Time,
        batch: Batch,
    ) -> bool {
        let offline = st
            .spark_context
            .as_ref()
            .is_some_and(|sc| sc.faults().kafka_offline(&tp.0, tp.1, batch));
        if offline && st.offline.insert(tp.clone()) {
            self.warn_now(
                st,
                &format!(
                    "KafkaUtils: partition {} of topic '{}' is offline (KAFKA_STORAGE_ERROR: its broker's disk is full); from the batch of {t} on nothing is read from it and its offset stays at {from}: its records stay in Kafka, for the first batch after it is back",
                    tp.1, tp.0
                ),
            );
        } else if !offline && st.offline.remove(tp) {
            self.info(
                st,
                &format!(
                    "KafkaUtils: partition {} of topic '{}' is back online: the batch of {t} reads what it kept from offset {from} on",
                    tp.1, tp.0
                ),
            );
        }
        offline
    }

    /// Plans batch `t`, or reports why it is empty.
    pub(super) fn plan_or_warn(
        &self,
        st: &mut State,
        t: Time,
        batch: Batch,
    ) -> Option<Vec<OffsetRange>> {
        match self.plan_batch(st, t, batch) {
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

    pub(super) fn warn_reset(
        &self,
        st: &mut State,
        tp: &TopicPartition,
        at: i64,
        to: i64,
        why: &str,
    ) {
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
    pub(super) fn read_ranges(
        &self,
        t: Time,
        ranges: &mut [OffsetRange],
        site: &centella_engine::func::OpSite,
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
            centella_engine::dstream::receiver::sleep_unless(&self.stop, REPLAY_RETRY_MS);
        }
    }

    /// One fixed range. Records deleted (by retention) after the range was fixed cannot be
    /// read: the rest of the range is, and a warning says which offsets were lost.
    pub(super) fn fetch_or_skip_deleted(
        &self,
        st: &mut State,
        t: Time,
        range: &mut OffsetRange,
    ) -> Result<Vec<Record>, FetchError> {
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
                self.fetch(st, range)
            }
            Err(e) => Err(e),
        }
    }
}

/// `spark.streaming.kafka.maxRatePerPartition`, as records per partition per batch.
fn max_per_partition(rate: Option<u64>, batch: Duration) -> Option<i64> {
    rate.and_then(|r| i64::try_from(r).ok())
        .filter(|r| *r > 0)
        .map(|rate| (rate * batch.ms() / 1000).max(1))
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
        st.spark_context = Some(env.spark_context.clone());
        st.poll_ms = env.kafka_poll_ms.unwrap_or(super::state::DEFAULT_POLL_MS);
        st.real_clock = env.clock == centella_engine::clock::ClockKind::Real;
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
    fn on_batch_generated(&self, t: Time, number: u64) {
        let mut st = self.lock();
        if st.replay.contains_key(&t.ms()) || st.planned.contains_key(&t.ms()) {
            return;
        }
        if let Some(&id) = self.id.get() {
            self.open_log(&mut st, id);
        }
        let plan = self.plan_or_warn(&mut st, t, Some((t, number)));
        st.planned.insert(t.ms(), plan);
    }
}
