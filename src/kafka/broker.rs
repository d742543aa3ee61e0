//! The requests to the broker: rskafka on the stream's own current-thread tokio runtime,
//! each one blocking with a timeout, so the engine only sees plain calls.

use super::offsets::{OffsetRange, OffsetReset, TopicPartition};
use super::state::{KafkaConsumer, State};
use centella_engine::func::Record;
use rskafka::client::partition::{OffsetAt, PartitionClient, UnknownTopicHandling};
use rskafka::client::{Client, ClientBuilder};
use std::collections::BTreeSet;
use std::sync::Arc;

/// How long one broker request may take before the batch gives up on it.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// Bytes asked for per fetch request.
const FETCH_BYTES: i32 = 4 * 1024 * 1024;

/// A broker request that failed.
#[derive(Debug, thiserror::Error)]
pub(super) enum BrokerError {
    #[error("no answer within {} s", REQUEST_TIMEOUT.as_secs())]
    NoAnswer,
    /// rskafka's error, its first line shortened (a message can hold a whole request).
    #[error("{0}")]
    Client(String),
    /// Fetches at `at` keep coming back empty although the range goes on.
    #[error(
        "the broker returned no records at offset {at} of {topic}-{partition}, though the range ends at {until}"
    )]
    NoRecords {
        at: i64,
        topic: String,
        partition: i32,
        until: i64,
    },
}

impl BrokerError {
    fn client(e: rskafka::client::error::Error) -> BrokerError {
        let text = e.to_string();
        let first = text.lines().next().unwrap_or_default();
        BrokerError::Client(if first.chars().count() > 200 {
            format!("{}...", first.chars().take(200).collect::<String>())
        } else {
            first.to_string()
        })
    }
}

/// Why the stream's partitions or start offsets (or a new batch's ranges) could not be found.
#[derive(Debug, thiserror::Error)]
pub(super) enum PartitionsError {
    /// A subscribed topic does not exist; the text names it and the topics there are.
    #[error("{0}")]
    UnknownTopic(String),
    #[error(transparent)]
    Broker(#[from] BrokerError),
}

/// Why a range's records could not be fetched.
#[derive(Debug, thiserror::Error)]
pub(super) enum FetchError {
    /// The broker no longer (or not yet) holds this offset.
    #[error("offset {0} is out of range")]
    OutOfRange(i64),
    #[error(transparent)]
    Broker(#[from] BrokerError),
}

/// Runs one broker request on the stream's runtime, with a timeout.
fn block<T>(
    rt: &tokio::runtime::Runtime,
    fut: impl std::future::Future<Output = Result<T, rskafka::client::error::Error>>,
) -> Result<T, BrokerError> {
    rt.block_on(async { tokio::time::timeout(REQUEST_TIMEOUT, fut).await })
        .map_err(|_| BrokerError::NoAnswer)?
        .map_err(BrokerError::client)
}

impl KafkaConsumer {
    pub(super) fn client(&self, st: &mut State) -> Result<Arc<Client>, BrokerError> {
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
    pub(super) fn disconnect(&self, st: &mut State) {
        st.client = None;
        st.partition_clients.clear();
    }

    pub(super) fn partition_client(
        &self,
        st: &mut State,
        tp: &TopicPartition,
    ) -> Result<Arc<PartitionClient>, BrokerError> {
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
    pub(super) fn partitions(
        &self,
        st: &mut State,
    ) -> Result<BTreeSet<TopicPartition>, PartitionsError> {
        if let Some(from) = &self.params.from_offsets {
            return Ok(from.keys().cloned().collect());
        }
        let client = self.client(st)?;
        let topics = block(&self.runtime, client.list_topics())?;
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

    pub(super) fn offset(
        &self,
        st: &mut State,
        tp: &TopicPartition,
        at: OffsetAt,
    ) -> Result<i64, BrokerError> {
        let pc = self.partition_client(st, tp)?;
        block(&self.runtime, pc.get_offset(at))
    }

    pub(super) fn reset_offset(
        &self,
        st: &mut State,
        tp: &TopicPartition,
    ) -> Result<i64, BrokerError> {
        let at = match self.params.reset {
            OffsetReset::Smallest => OffsetAt::Earliest,
            OffsetReset::Largest => OffsetAt::Latest,
        };
        self.offset(st, tp, at)
    }

    /// Records `[from, until)` of one partition, as `[key, value]` pairs.
    pub(super) fn fetch(
        &self,
        st: &mut State,
        range: &OffsetRange,
    ) -> Result<Vec<Record>, FetchError> {
        let mut out = Vec::with_capacity(range.count().max(0) as usize);
        if range.until_offset <= range.from_offset {
            return Ok(out);
        }
        let tp = (range.topic.clone(), range.partition);
        let pc = self.partition_client(st, &tp)?;
        let mut pos = range.from_offset;
        let mut empty_answers = 0;
        while pos < range.until_offset {
            let fetched = self.runtime.block_on(async {
                tokio::time::timeout(REQUEST_TIMEOUT, pc.fetch_records(pos, 1..FETCH_BYTES, 100))
                    .await
            });
            let (records, _high_watermark) = match fetched {
                Err(_) => {
                    return Err(BrokerError::NoAnswer.into());
                }
                Ok(Err(rskafka::client::error::Error::ServerError {
                    protocol_error: rskafka::client::error::ProtocolError::OffsetOutOfRange,
                    ..
                })) => return Err(FetchError::OutOfRange(pos)),
                Ok(Err(e)) => return Err(BrokerError::client(e).into()),
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
                let earliest = block(&self.runtime, pc.get_offset(OffsetAt::Earliest))?;
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
                    return Err(BrokerError::NoRecords {
                        at: pos,
                        topic: range.topic.clone(),
                        partition: range.partition,
                        until: range.until_offset,
                    }
                    .into());
                }
            } else {
                empty_answers = 0;
            }
            pos = next;
        }
        Ok(out)
    }
}
