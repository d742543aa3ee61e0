//! `--conf key=value`, as spark-submit takes it: the few Spark settings centella honours.

use std::collections::BTreeMap;
use std::sync::Mutex;

pub const WAL_ENABLE: &str = "spark.streaming.receiver.writeAheadLog.enable";
pub const RECEIVER_MAX_RATE: &str = "spark.streaming.receiver.maxRate";
/// Records per second per Kafka partition a direct stream's batch takes at most.
pub const KAFKA_MAX_RATE_PER_PARTITION: &str = "spark.streaming.kafka.maxRatePerPartition";
/// How often (seconds) the receiver write-ahead log drops what checkpoints no longer need.
pub const WAL_ROLLING_INTERVAL: &str = "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs";
/// The keys centella reads; others are accepted with a warning.
pub const KNOWN: &[&str] = &[
    WAL_ENABLE,
    WAL_ROLLING_INTERVAL,
    RECEIVER_MAX_RATE,
    KAFKA_MAX_RATE_PER_PARTITION,
];

static CONF: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

/// Parses `key=value`; returns a warning for keys centella does not use.
pub fn set_pair(pair: &str) -> Result<Option<String>, String> {
    let (k, v) = pair
        .split_once('=')
        .ok_or_else(|| format!("--conf expects key=value, got '{pair}'"))?;
    let (k, v) = (k.trim(), v.trim());
    if k == RECEIVER_MAX_RATE {
        let rate: u64 = v.parse().map_err(|_| {
            format!("{RECEIVER_MAX_RATE} must be a number of records per second, got '{v}'")
        })?;
        super::clock::set_receiver_max_rate(Some(rate));
    }
    if k == KAFKA_MAX_RATE_PER_PARTITION && v.parse::<u64>().is_err() {
        return Err(format!(
            "{KAFKA_MAX_RATE_PER_PARTITION} must be a number of records per second, got '{v}'"
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
    CONF.lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(k.to_string(), v.to_string());
    Ok((!KNOWN.contains(&k)).then(|| format!("--conf {k} is not used by centella; ignored")))
}

/// Every setting given, for the checkpoint's record.
pub fn all() -> Vec<(String, String)> {
    CONF.lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub fn get(key: &str) -> Option<String> {
    CONF.lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(key)
        .cloned()
}

pub fn enabled(key: &str) -> bool {
    get(key).as_deref() == Some("true")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_parsed_and_checked() {
        assert!(set_pair("nonsense").is_err());
        assert!(set_pair(&format!("{WAL_ENABLE}=maybe")).is_err());
        assert!(set_pair("spark.ui.port=4050").ok().flatten().is_some());
        assert_eq!(set_pair(&format!("{WAL_ENABLE}=true")), Ok(None));
        assert!(enabled(WAL_ENABLE));
    }
}
