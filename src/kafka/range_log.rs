//! The log of each batch's offset ranges, `kafka/stream-<id>.log` in the checkpoint
//! directory: one JSON line per batch, appended and fsynced when the batch's ranges are
//! fixed, compacted after data checkpoints, replayed exactly after a crash.

use super::offsets::OffsetRange;
use super::state::{KafkaConsumer, State};
use centella_engine::dstream::StreamId;
use centella_engine::time::Time;
use std::io::Write;
use std::path::PathBuf;

/// A batch's ranges, as one line of the log.
#[derive(serde::Serialize, serde::Deserialize)]
struct LoggedBatch {
    t: i64,
    ranges: Vec<OffsetRange>,
}

impl KafkaConsumer {
    pub(super) fn log_batch(&self, st: &mut State, t: Time, ranges: &[OffsetRange]) {
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
    pub(super) fn open_log(&self, st: &mut State, me: StreamId) {
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
    pub(super) fn compact_log(&self, st: &mut State) {
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
        if centella_engine::checkpoint::store::replace_atomic(&path, text.as_bytes()).is_ok()
            && let Ok(f) = std::fs::OpenOptions::new().append(true).open(&path)
        {
            st.log = Some(f);
        }
    }
}

/// Reads the log a checkpoint names: every logged batch is known again, and those after the
/// data checkpoint's batch `after` are to be replayed with exactly their ranges.
pub(super) fn restore(st: &mut State, path: PathBuf, after: Option<i64>) {
    // A missing log means no batch was logged after this checkpoint.
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    for line in text.lines() {
        // A line torn by the crash belongs to a batch that never completed.
        let Ok(b) = serde_json::from_str::<LoggedBatch>(line) else {
            continue;
        };
        st.logged.insert(b.t, b.ranges.clone());
        if after.is_none_or(|d| b.t > d) {
            st.replay.insert(b.t, b.ranges);
        }
    }
    st.log_path = Some(path);
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
