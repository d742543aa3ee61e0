//! The receiver write-ahead log (`spark.streaming.receiver.writeAheadLog.enable`): every
//! received line is appended before it counts as received, and every batch records which
//! lines it took, so a restart replays received-but-unprocessed data and re-runs a pending
//! batch with exactly the same lines.
//!
//! Format, one entry per line: `L<TAB>arrival_ms<TAB>text` (the n-th L line has sequence
//! number n, from 1) and `B<TAB>batch_ms<TAB>last_seq` (the batch took every line up to
//! last_seq).

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

/// Reads a log; a torn last line (a crash mid-append) is ignored.
pub fn read(path: &Path) -> std::io::Result<Vec<WalEntry>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut entries = Vec::new();
    let mut seq = 0;
    for line in BufReader::new(file).lines() {
        let Ok(line) = line else { break };
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
    Ok(entries)
}

pub struct WriteAheadLog {
    path: PathBuf,
    file: File,
    last_sync: Instant,
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
        })
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
        self.write(format!("L\t{arrival_ms}\t{text}\n"))
    }

    pub fn mark_batch(&mut self, batch_ms: i64, last_seq: u64) -> std::io::Result<()> {
        self.write(format!("B\t{batch_ms}\t{last_seq}\n"))
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
}
