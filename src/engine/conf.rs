//! `--conf key=value`, as spark-submit takes it: the few Spark settings centella honours.

use super::lock;
use std::collections::BTreeMap;
use std::sync::Mutex;

pub const WAL_ENABLE: &str = "spark.streaming.receiver.writeAheadLog.enable";
pub const RECEIVER_MAX_RATE: &str = "spark.streaming.receiver.maxRate";
/// Records per second per Kafka partition a direct stream's batch takes at most.
pub const KAFKA_MAX_RATE_PER_PARTITION: &str = "spark.streaming.kafka.maxRatePerPartition";
/// How long (ms) a task reading a Kafka partition polls for its records before it fails
/// (Spark's default is `spark.network.timeout`, 120 s).
pub const KAFKA_POLL_MS: &str = "spark.streaming.kafka.consumer.poll.ms";
/// How often (seconds) the receiver write-ahead log drops what checkpoints no longer need.
pub const WAL_ROLLING_INTERVAL: &str = "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs";
/// The keys centella reads; others are accepted with a warning.
pub const KNOWN: &[&str] = &[
    WAL_ENABLE,
    WAL_ROLLING_INTERVAL,
    RECEIVER_MAX_RATE,
    KAFKA_MAX_RATE_PER_PARTITION,
    KAFKA_POLL_MS,
];

/// Spark's `SparkConf`: the `--conf` settings of a session, read by its contexts at start.
#[derive(Default)]
pub struct SparkConf {
    settings: Mutex<BTreeMap<String, String>>,
}

impl SparkConf {
    /// Parses `key=value`; returns a warning for keys centella does not use.
    pub fn set_pair(&self, pair: &str) -> Result<Option<String>, String> {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| format!("--conf expects key=value, got '{pair}'"))?;
        let (k, v) = (k.trim(), v.trim());
        check(k, v)?;
        self.set(k, v);
        Ok((!KNOWN.contains(&k)).then(|| format!("--conf {k} is not used by centella; ignored")))
    }

    pub fn set(&self, key: &str, value: &str) {
        lock(&self.settings).insert(key.to_string(), value.to_string());
    }

    /// Every setting given, for the checkpoint's record.
    pub fn all(&self) -> Vec<(String, String)> {
        lock(&self.settings)
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    pub fn get(&self, key: &str) -> Option<String> {
        lock(&self.settings).get(key).cloned()
    }

    pub fn enabled(&self, key: &str) -> bool {
        self.get(key).as_deref() == Some("true")
    }

    /// A setting that is a number (`set_pair` checked it), when given.
    pub fn number(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(|v| v.parse().ok())
    }
}

/// The value checks of the settings centella reads.
fn check(k: &str, v: &str) -> Result<(), String> {
    if k == RECEIVER_MAX_RATE && v.parse::<u64>().is_err() {
        return Err(format!(
            "{RECEIVER_MAX_RATE} must be a number of records per second, got '{v}'"
        ));
    }
    if k == KAFKA_MAX_RATE_PER_PARTITION && v.parse::<u64>().is_err() {
        return Err(format!(
            "{KAFKA_MAX_RATE_PER_PARTITION} must be a number of records per second, got '{v}'"
        ));
    }
    if k == KAFKA_POLL_MS && v.parse::<u64>().is_err() {
        return Err(format!(
            "{KAFKA_POLL_MS} must be a number of milliseconds, got '{v}'"
        ));
    }
    if k == WAL_ROLLING_INTERVAL && v.parse::<u64>().is_err() {
        return Err(format!(
            "{WAL_ROLLING_INTERVAL} must be a number of seconds, got '{v}'"
        ));
    }
    if k == WAL_ENABLE && !matches!(v, "true" | "false") {
        return Err(format!("{WAL_ENABLE} must be true or false, got '{v}'"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_parsed_and_checked() {
        let conf = SparkConf::default();
        assert!(conf.set_pair("nonsense").is_err());
        assert!(conf.set_pair(&format!("{WAL_ENABLE}=maybe")).is_err());
        assert!(conf.set_pair(&format!("{RECEIVER_MAX_RATE}=fast")).is_err());
        assert!(conf.set_pair("spark.ui.port=4050").ok().flatten().is_some());
        assert_eq!(conf.set_pair(&format!("{WAL_ENABLE}=true")), Ok(None));
        assert!(conf.enabled(WAL_ENABLE));
        assert!(!SparkConf::default().enabled(WAL_ENABLE));
    }
}
