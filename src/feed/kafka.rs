//! `centella feed --kafka BROKER --topic T`: produces lines (a file, stdin, typed lines or
//! generated demo data) into a Kafka topic, so a class can run the Kafka demo with nothing
//! but a broker. Records have no key and go round-robin over the topic's partitions; a
//! missing topic is created with `--partitions` partitions.

use super::FeedSource;
use super::generate::DemoData;
pub use rskafka::client::partition::Compression;
use rskafka::client::partition::UnknownTopicHandling;
use rskafka::client::{Client, ClientBuilder};
use rskafka::record::Record;
use std::io::{BufRead, IsTerminal};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct KafkaFeedOptions {
    pub broker: String,
    pub topic: String,
    pub source: FeedSource,
    /// Lines per second; None is as fast as the broker takes them (generated data: 5/s).
    pub rate: Option<f64>,
    pub looping: bool,
    /// Partitions of the topic when it has to be created.
    pub partitions: i32,
    /// How record batches are compressed (consumers must decode it; centella does).
    pub compression: Compression,
}

const TIMEOUT: Duration = Duration::from_secs(10);
/// Lines sent in one produce request when not paced.
const CHUNK: usize = 500;

struct Producer {
    rt: tokio::runtime::Runtime,
    partitions: Vec<rskafka::client::partition::PartitionClient>,
    next: usize,
    sent: u64,
    compression: Compression,
}

/// Why producing stopped; `what` says which step failed (e.g. "cannot reach the broker ...").
#[derive(Debug, thiserror::Error)]
pub enum KafkaFeedError {
    #[error("cannot start the Kafka client's runtime: {0}")]
    Runtime(#[from] std::io::Error),
    #[error("{what}: no answer within {secs} s")]
    Timeout { what: String, secs: u64 },
    #[error("{what}: {reason}")]
    Broker { what: String, reason: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

fn block<T>(
    rt: &tokio::runtime::Runtime,
    what: &str,
    fut: impl std::future::Future<Output = Result<T, rskafka::client::error::Error>>,
) -> Result<T, KafkaFeedError> {
    rt.block_on(async { tokio::time::timeout(TIMEOUT, fut).await })
        .map_err(|_| KafkaFeedError::Timeout {
            what: what.to_string(),
            secs: TIMEOUT.as_secs(),
        })?
        .map_err(|e| KafkaFeedError::Broker {
            what: what.to_string(),
            // rskafka's messages go on with the whole request: its first line says enough.
            reason: e.to_string().lines().next().unwrap_or_default().to_string(),
        })
}

impl Producer {
    fn connect(opts: &KafkaFeedOptions) -> Result<Producer, KafkaFeedError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let broker = opts.broker.trim_start_matches("tcp://").to_string();
        let backoff = rskafka::BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            base: 2.0,
            deadline: Some(Duration::from_secs(5)),
        };
        let client: Client = block(
            &rt,
            &format!("cannot reach the broker {broker}"),
            ClientBuilder::new(vec![broker.clone()])
                .client_id("centella-feed")
                .backoff_config(backoff)
                .build(),
        )?;
        let topics = block(&rt, "cannot list the topics", client.list_topics())?;
        let count = match topics.iter().find(|t| t.name == opts.topic) {
            Some(t) => t.partitions.len() as i32,
            None => {
                let controller =
                    client
                        .controller_client()
                        .map_err(|e| KafkaFeedError::Broker {
                            what: format!("cannot create topic '{}'", opts.topic),
                            reason: e.to_string(),
                        })?;
                block(
                    &rt,
                    &format!("cannot create topic '{}'", opts.topic),
                    controller.create_topic(opts.topic.clone(), opts.partitions, 1, 5_000),
                )?;
                eprintln!(
                    "centella feed: created topic '{}' with {} partitions",
                    opts.topic, opts.partitions
                );
                opts.partitions
            }
        };
        let mut partitions = Vec::new();
        for p in 0..count.max(1) {
            partitions.push(block(
                &rt,
                &format!("cannot reach partition {p} of '{}'", opts.topic),
                client.partition_client(opts.topic.clone(), p, UnknownTopicHandling::Retry),
            )?);
        }
        Ok(Producer {
            rt,
            partitions,
            next: 0,
            sent: 0,
            compression: opts.compression,
        })
    }

    /// Sends lines, round-robin over the partitions (one request per partition).
    fn send(&mut self, lines: Vec<String>) -> Result<(), KafkaFeedError> {
        let n = self.partitions.len();
        let mut per: Vec<Vec<Record>> = (0..n).map(|_| Vec::new()).collect();
        let count = lines.len() as u64;
        for line in lines {
            per[self.next % n].push(Record {
                key: None,
                value: Some(line.into_bytes()),
                headers: Default::default(),
                timestamp: chrono::Utc::now(),
            });
            self.next = (self.next + 1) % n;
        }
        for (p, records) in per.into_iter().enumerate() {
            if records.is_empty() {
                continue;
            }
            let pc = &self.partitions[p];
            block(
                &self.rt,
                &format!("cannot produce to partition {p}"),
                pc.produce(records, self.compression),
            )?;
        }
        self.sent += count;
        Ok(())
    }
}

/// Sends `lines` paced at `rate` lines per second, or in chunks when unpaced.
fn pump(
    producer: &mut Producer,
    lines: &mut dyn Iterator<Item = String>,
    rate: Option<f64>,
    status: bool,
) -> Result<(), KafkaFeedError> {
    let started = Instant::now();
    let mut last_status = Instant::now();
    let mut done: u64 = 0;
    loop {
        let chunk: Vec<String> = match rate {
            Some(r) => {
                let due = Duration::from_secs_f64(done as f64 / r);
                let elapsed = started.elapsed();
                if due > elapsed {
                    std::thread::sleep(due - elapsed);
                }
                lines.next().into_iter().collect()
            }
            None => lines.take(CHUNK).collect(),
        };
        if chunk.is_empty() {
            return Ok(());
        }
        done += chunk.len() as u64;
        producer.send(chunk)?;
        if status && last_status.elapsed() >= Duration::from_millis(500) {
            eprint!("\r\x1b[Klines produced: {}", producer.sent);
            last_status = Instant::now();
        }
    }
}

/// Produces until the input ends (or forever for generated data). Returns an exit status.
pub fn run(opts: KafkaFeedOptions) -> i32 {
    if let FeedSource::File(p) = &opts.source
        && !p.is_file()
    {
        eprintln!("centella feed: {} is not a readable file", p.display());
        return 2;
    }
    let mut producer = match Producer::connect(&opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("centella feed: {e}");
            return 1;
        }
    };
    eprintln!(
        "centella feed: producing into topic '{}' ({} partitions) on {} (Ctrl-C to stop)",
        opts.topic,
        producer.partitions.len(),
        opts.broker
    );
    let status = std::io::stderr().is_terminal();
    let result = match &opts.source {
        FeedSource::Generate(kind) => {
            let mut data = DemoData::new(*kind, 1);
            let mut lines = std::iter::from_fn(move || Some(data.line()));
            pump(&mut producer, &mut lines, opts.rate.or(Some(5.0)), status)
        }
        FeedSource::File(path) => loop {
            let text = match std::fs::read(path) {
                Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                Err(source) => {
                    break Err(KafkaFeedError::Read {
                        path: path.clone(),
                        source,
                    });
                }
            };
            let mut lines = text.lines().map(str::to_string);
            if let Err(e) = pump(&mut producer, &mut lines, opts.rate, status) {
                break Err(e);
            }
            if !opts.looping {
                break Ok(());
            }
        },
        FeedSource::Stdin { interactive } => {
            if *interactive {
                eprintln!("centella feed: type lines; each goes into the topic (Ctrl-D ends)");
            }
            let stdin = std::io::stdin();
            let mut lines = stdin.lock().lines().map_while(Result::ok);
            // Typed or piped lines go as they come, one request each.
            pump(
                &mut producer,
                &mut lines,
                opts.rate.or(Some(f64::MAX)),
                status,
            )
        }
    };
    if status {
        eprintln!();
    }
    match result {
        Ok(()) => {
            eprintln!(
                "centella feed: {} lines produced into '{}'",
                producer.sent, opts.topic
            );
            0
        }
        Err(e) => {
            eprintln!(
                "centella feed: {e} (after {} lines produced)",
                producer.sent
            );
            1
        }
    }
}
