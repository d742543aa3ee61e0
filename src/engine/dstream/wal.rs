//! The receiver write-ahead log (`spark.streaming.receiver.writeAheadLog.enable`): every
//! received line is appended before it counts as received, and every batch records which
//! lines it took, so a restart replays received-but-unprocessed data and re-runs a pending
//! batch with exactly the same lines.
//!
//! Format, one entry per line: `L<TAB>arrival_ms<TAB>text` (the n-th L line has sequence
//! number base + n) and `B<TAB>batch_ms<TAB>last_seq` (the batch took every line up to
//! last_seq). A compacted log starts with `S<TAB>base`; without it the base is 0.
//!
//! Like Spark's rolling WAL whose old files are deleted once checkpoints no longer need them,
//! the log is compacted (rewritten without the lines and batches every kept checkpoint has
//! consumed) at most once per `spark.streaming.receiver.writeAheadLog.rollingIntervalSecs`
//! (default 60), so a long class demo does not fill the disk.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone, PartialEq)]
pub enum WalEntry {
    Line {
        seq: u64,
        arrival_ms: i64,
        text: String,
    },
    Batch {
        batch_ms: i64,
        last_seq: u64,
    },
}

impl WalEntry {
    /// The entry as a line of the log (its sequence number is its place, not written).
    fn to_line(&self) -> String {
        match self {
            WalEntry::Line {
                arrival_ms, text, ..
            } => line_entry(*arrival_ms, text),
            WalEntry::Batch { batch_ms, last_seq } => format!("B\t{batch_ms}\t{last_seq}\n"),
        }
    }
}

/// A received line as a log line (built without a `WalEntry`: no copy of the text).
fn line_entry(arrival_ms: i64, text: &str) -> String {
    format!("L\t{arrival_ms}\t{text}\n")
}

/// Reads a log; a torn last line (a crash mid-append) is ignored.
pub fn read(path: &Path) -> std::io::Result<Vec<WalEntry>> {
    read_with_base(path).map(|(_, entries)| entries)
}

/// The log's entries and its base (the sequence number before its first line).
fn read_with_base(path: &Path) -> std::io::Result<(u64, Vec<WalEntry>)> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, Vec::new())),
        Err(e) => return Err(e),
    };
    let mut base = 0;
    let mut entries = Vec::new();
    let mut seq = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let Ok(line) = line else { break };
        if i == 0
            && let Some(header) = line.strip_prefix("S\t")
        {
            let Ok(b) = header.parse::<u64>() else { break };
            (base, seq) = (b, b);
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        match (fields.next(), fields.next(), fields.next()) {
            (Some("L"), Some(at), Some(text)) => {
                let Ok(arrival_ms) = at.parse() else { break };
                seq += 1;
                entries.push(WalEntry::Line {
                    seq,
                    arrival_ms,
                    text: text.to_string(),
                });
            }
            (Some("B"), Some(t), Some(last)) => match (t.parse(), last.parse()) {
                (Ok(batch_ms), Ok(last_seq)) => {
                    entries.push(WalEntry::Batch { batch_ms, last_seq })
                }
                _ => break,
            },
            _ => break,
        }
    }
    Ok((base, entries))
}

pub struct WriteAheadLog {
    path: PathBuf,
    file: File,
    last_sync: Instant,
    /// When the log was last compacted (or opened).
    last_roll: Instant,
}

impl WriteAheadLog {
    /// Opens for appending; `fresh` empties a log left by an earlier, unrecovered run.
    pub fn open(path: &Path, fresh: bool) -> std::io::Result<WriteAheadLog> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(!fresh)
            .write(true)
            .truncate(fresh)
            .open(path)?;
        Ok(WriteAheadLog {
            path: path.to_path_buf(),
            file,
            last_sync: Instant::now(),
            last_roll: Instant::now(),
        })
    }

    /// Whether a rolling interval has passed since the last compaction.
    pub fn roll_due(&self, interval: std::time::Duration) -> bool {
        self.last_roll.elapsed() >= interval
    }

    /// Rewrites the log without the lines up to `keep_after` and the batches that took only
    /// those (atomically: a temporary file, fsync, rename), then appends to the new file.
    /// Sequence numbers do not change.
    pub fn compact(&mut self, keep_after: u64) -> std::io::Result<()> {
        self.last_roll = Instant::now();
        self.file.sync_data()?;
        let (base, entries) = read_with_base(&self.path)?;
        if keep_after <= base {
            return Ok(());
        }
        let mut text = format!("S\t{keep_after}\n");
        for entry in entries {
            let still_needed = match &entry {
                WalEntry::Line { seq, .. } => *seq > keep_after,
                WalEntry::Batch { last_seq, .. } => *last_seq > keep_after,
            };
            if still_needed {
                text.push_str(&entry.to_line());
            }
        }
        crate::checkpoint::store::replace_atomic(&self.path, text.as_bytes())
            .map_err(std::io::Error::other)?;
        self.file = OpenOptions::new().append(true).open(&self.path)?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write(&mut self, entry: String) -> std::io::Result<()> {
        self.file.write_all(entry.as_bytes())?;
        // Synced once per block interval: the durability Spark's WAL gives per block.
        if self.last_sync.elapsed().as_millis() >= 200 {
            self.file.sync_data()?;
            self.last_sync = Instant::now();
        }
        Ok(())
    }

    pub fn append_line(&mut self, arrival_ms: i64, text: &str) -> std::io::Result<()> {
        self.write(line_entry(arrival_ms, text))
    }

    pub fn mark_batch(&mut self, batch_ms: i64, last_seq: u64) -> std::io::Result<()> {
        self.write(WalEntry::Batch { batch_ms, last_seq }.to_line())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_a_torn_tail_is_ignored() {
        let path = std::env::temp_dir().join(format!("centella-wal-{}.log", std::process::id()));
        let mut wal = WriteAheadLog::open(&path, true).expect("open");
        wal.append_line(10, "hola\tmundo").expect("line");
        wal.append_line(20, "adios").expect("line");
        wal.mark_batch(1000, 2).expect("mark");
        drop(wal);
        let mut f = OpenOptions::new().append(true).open(&path).expect("reopen");
        f.write_all(b"L\t3").expect("torn");
        let entries = read(&path).expect("read");
        assert_eq!(entries.len(), 3);
        assert_eq!(
            entries[0],
            WalEntry::Line {
                seq: 1,
                arrival_ms: 10,
                text: "hola\tmundo".into()
            }
        );
        assert_eq!(
            entries[2],
            WalEntry::Batch {
                batch_ms: 1000,
                last_seq: 2
            }
        );
    }

    #[test]
    fn compaction_keeps_sequence_numbers_and_only_what_is_still_needed() {
        let path =
            std::env::temp_dir().join(format!("centella-wal-compact-{}.log", std::process::id()));
        let mut wal = WriteAheadLog::open(&path, true).expect("open");
        for (i, text) in ["a", "b", "c", "d"].iter().enumerate() {
            wal.append_line(i as i64, text).expect("line");
        }
        wal.mark_batch(1000, 2).expect("mark");
        wal.mark_batch(2000, 3).expect("mark");
        wal.compact(2).expect("compact");
        // An older mark than the log's base changes nothing.
        wal.compact(1).expect("no-op");
        wal.append_line(9, "e").expect("line after");
        let entries = read(&path).expect("read");
        let seqs: Vec<(u64, &str)> = entries
            .iter()
            .filter_map(|e| match e {
                WalEntry::Line { seq, text, .. } => Some((*seq, text.as_str())),
                WalEntry::Batch { .. } => None,
            })
            .collect();
        assert_eq!(seqs, vec![(3, "c"), (4, "d"), (5, "e")]);
        assert!(entries.contains(&WalEntry::Batch {
            batch_ms: 2000,
            last_seq: 3
        }));
        assert!(!entries.contains(&WalEntry::Batch {
            batch_ms: 1000,
            last_seq: 2
        }));
        let _ = std::fs::remove_file(&path);
    }
}
