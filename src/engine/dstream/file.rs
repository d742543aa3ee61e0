//! `textFileStream(dir)`: Spark's FileInputDStream with newFilesOnly. Each batch reads the
//! files that appeared in the directory since the context started, each exactly once, one
//! partition per file and one record per line. Names starting with `.` or `_` and
//! subdirectories are ignored; a file that vanishes or cannot be read is a warning.

use super::receiver::{ReceiverEnv, ReceiverHandle};
use super::{DStreamGraph, DStreamOp, StreamId};
use crate::checkpoint::SourceState;
use crate::clock::now_ms;
use crate::error::{ComputeError, StreamingError};
use crate::func::Record;
use crate::lock;
use crate::rdd::Rdd;
use crate::sink::OutputSink;
use crate::time::Time;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Spark's `FileInputDStream.MIN_REMEMBER_DURATION`: files older than this are not considered.
const REMEMBER_MS: i64 = 60_000;

#[derive(Default)]
struct Tracker {
    /// Wall-clock start: files modified before it existed already (newFilesOnly).
    started_ms: Option<i64>,
    /// Restored from a checkpoint: keep the original start, so files that arrived while the
    /// program was down are read.
    restored: bool,
    simulated: bool,
    sink: Option<Arc<dyn OutputSink>>,
    /// Files already taken, with their modification time, within the remember window.
    seen: HashMap<PathBuf, i64>,
}

pub struct FileWatcher {
    dir: PathBuf,
    tracker: Mutex<Tracker>,
}

pub struct FileInputDStream {
    watcher: Arc<FileWatcher>,
}

impl FileInputDStream {
    pub fn new(dir: &str) -> FileInputDStream {
        FileInputDStream {
            watcher: Arc::new(FileWatcher {
                dir: PathBuf::from(dir),
                tracker: Mutex::new(Tracker::default()),
            }),
        }
    }
}

impl ReceiverHandle for FileWatcher {
    fn start(&self, env: &ReceiverEnv) -> Result<(), StreamingError> {
        if !self.dir.is_dir() {
            return Err(StreamingError::Invalid(format!(
                "textFileStream: the directory {} does not exist (it must exist when the context starts)",
                self.dir.display()
            )));
        }
        let mut t = lock(&self.tracker);
        if !t.restored {
            t.started_ms = Some(now_ms());
        }
        t.simulated = env.clock.is_simulated();
        t.sink = Some(env.sink.clone());
        Ok(())
    }

    fn stop(&self) {}

    fn has_pending(&self) -> bool {
        false
    }
}

fn modified_ms(path: &Path) -> Option<i64> {
    let m = std::fs::metadata(path).ok()?;
    let t = m.modified().ok()?;
    t.duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_millis() as i64)
}

fn visible(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    !(name.starts_with('.') || name.starts_with('_') || path.is_dir())
}

impl FileWatcher {
    /// New files for batch `t`, oldest first (then by name).
    fn new_files(&self, t: Time) -> Vec<PathBuf> {
        let mut tr = lock(&self.tracker);
        let Some(started) = tr.started_ms else {
            return Vec::new();
        };
        let now = now_ms();
        let threshold = started.max(now - REMEMBER_MS);
        tr.seen.retain(|_, m| *m >= threshold);
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) => {
                if let Some(sink) = &tr.sink {
                    sink.warn(&format!(
                        "FileInputDStream: cannot list {}: {e}",
                        self.dir.display()
                    ));
                }
                return Vec::new();
            }
        };
        let mut found: Vec<(i64, PathBuf)> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| visible(p))
            .filter_map(|p| modified_ms(&p).map(|m| (m, p)))
            // Not before the start; under the real clock not after the batch time either.
            .filter(|(m, p)| {
                *m >= threshold && (tr.simulated || *m <= t.ms()) && !tr.seen.contains_key(p)
            })
            .collect();
        found.sort();
        for (m, p) in &found {
            tr.seen.insert(p.clone(), *m);
        }
        found.into_iter().map(|(_, p)| p).collect()
    }

    /// One partition per readable file; a file that vanished or cannot be read is a warning.
    fn read_files(&self, files: Vec<PathBuf>) -> Vec<Vec<Record>> {
        let mut parts = Vec::new();
        for path in files {
            match read_lines(&path) {
                Ok(lines) => parts.push(lines),
                Err(e) => self.warn(&format!(
                    "FileInputDStream: skipping {}: {e}",
                    path.display()
                )),
            }
        }
        parts
    }

    fn warn(&self, msg: &str) {
        let tr = lock(&self.tracker);
        if let Some(sink) = &tr.sink {
            sink.warn(msg);
        }
    }
}

fn read_lines(path: &Path) -> std::io::Result<Vec<Record>> {
    // Opening a FIFO blocks until someone writes to it, and a device may never end: only
    // regular files are read (Hadoop lists only files and directories).
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, socket or device); only regular files are read",
        ));
    }
    let bytes = std::fs::read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .lines()
        .map(|l| Record::from(l.strip_suffix('\r').unwrap_or(l).to_string()))
        .collect())
}

impl DStreamOp for FileInputDStream {
    fn parents(&self) -> Vec<StreamId> {
        Vec::new()
    }

    fn is_input(&self) -> bool {
        true
    }

    fn receiver(&self) -> Option<Arc<dyn ReceiverHandle>> {
        Some(self.watcher.clone())
    }

    fn save_source(&self) -> Option<SourceState> {
        let t = lock(&self.watcher.tracker);
        Some(SourceState::Files {
            started_ms: t.started_ms.unwrap_or(0),
            seen: t
                .seen
                .iter()
                .map(|(p, m)| (p.to_string_lossy().to_string(), *m))
                .collect(),
        })
    }

    fn restore_source(&self, state: &SourceState) -> Result<(), String> {
        let SourceState::Files { started_ms, seen } = state else {
            return Err("the checkpoint has another kind of source here".into());
        };
        let mut t = lock(&self.watcher.tracker);
        t.started_ms = Some(*started_ms);
        t.restored = true;
        t.seen = seen.iter().map(|(p, m)| (PathBuf::from(p), *m)).collect();
        Ok(())
    }

    fn compute(
        &self,
        g: &mut DStreamGraph,
        _me: StreamId,
        t: Time,
    ) -> Result<Option<Rdd>, ComputeError> {
        let files = self.watcher.new_files(t);
        let parts = self.watcher.read_files(files);
        // Spark unions one RDD per new file; here each file is one partition of it.
        Ok(Some(crate::rdd::source::in_memory(
            &g.sc,
            parts,
            "UnionRDD",
            "textFileStream at NativeMethodAccessorImpl.java:0",
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ClockKind;
    use crate::sink::MemorySink;
    use crate::time::Duration;

    #[test]
    fn a_file_deleted_before_it_is_read_is_a_warning() {
        let dir = std::env::temp_dir().join(format!("centella-file-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let sink = Arc::new(MemorySink::default());
        let stream = FileInputDStream::new(dir.to_str().unwrap_or_default());
        let env = ReceiverEnv {
            sink: sink.clone(),
            clock: ClockKind::Manual,
            batch: Duration(1000),
            max_rate: None,
            wal_rolling_secs: None,
            kafka_max_rate_per_partition: None,
            kafka_poll_ms: None,
            spark_context: crate::sc::SparkContext::for_master(crate::sc::Master::from(1))
                .expect("local context"),
            cancel: Arc::default(),
            listeners: Arc::default(),
            wal_dir: None,
            checkpoint_dir: None,
        };
        stream.watcher.start(&env).expect("start");
        std::fs::write(dir.join("gone.txt"), "x\n").expect("write");
        std::fs::write(dir.join("kept.txt"), "y\nz\n").expect("write");
        let files = stream.watcher.new_files(Time(0));
        assert_eq!(files.len(), 2);
        std::fs::remove_file(dir.join("gone.txt")).expect("delete");
        let parts = stream.watcher.read_files(files);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].len(), 2);
        assert!(sink.stderr().contains("skipping"), "{}", sink.stderr());
        assert!(
            stream.watcher.new_files(Time(0)).is_empty(),
            "each file once"
        );
    }
}
