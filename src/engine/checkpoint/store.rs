//! Checkpoint files on disk: atomic writes, retention, and reading back the newest good one.

use super::{DataCheckpoint, FORMAT, Metadata, Recovered, VERSION};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How many metadata checkpoints are kept.
pub const KEEP: usize = 3;

/// A file that cannot be read, said as a failed write is.
fn io_err(what: &'static str, path: &Path, e: std::io::Error) -> String {
    WriteError::io(what, path, e).to_string()
}

/// Why a checkpoint (or a log rewritten in place) could not be written. The batch goes on;
/// the writer reports it as a warning.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot replace {}: not a file path", .0.display())]
    NotAFilePath(PathBuf),
    /// The checkpoint could not be serialised (a record too deep or a stream's state).
    #[error("{0}")]
    Serialize(String),
}

impl WriteError {
    fn io(what: &'static str, path: &Path, source: std::io::Error) -> WriteError {
        WriteError::Io {
            what,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Writes `bytes` to `dir/name` atomically: temporary file, fsync, rename, fsync the directory.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
    std::fs::create_dir_all(dir).map_err(|e| WriteError::io("create", dir, e))?;
    let tmp = dir.join(format!(".{name}.tmp"));
    let target = dir.join(name);
    let written = write_and_rename(&tmp, &target, bytes);
    if written.is_err() {
        // A full disk must not keep a half-written file taking the space later writes need.
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn write_and_rename(tmp: &Path, target: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut f = File::create(tmp).map_err(|e| WriteError::io("create", tmp, e))?;
    f.write_all(bytes)
        .map_err(|e| WriteError::io("write", tmp, e))?;
    f.sync_all().map_err(|e| WriteError::io("sync", tmp, e))?;
    drop(f);
    std::fs::rename(tmp, target).map_err(|e| WriteError::io("rename", tmp, e))
}

/// Temporary files a crashed or failed write left behind (checkpoints are written one at a
/// time, so none is in progress when [`prune`] runs).
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let ours = name.starts_with(".metadata-") || name.starts_with(".data-");
        if ours && name.ends_with(".json.tmp") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// [`write_atomic`] for a whole path (a log rewritten in place).
pub fn replace_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(WriteError::NotAFilePath(path.to_path_buf()));
    };
    write_atomic(dir, &name.to_string_lossy(), bytes)
}

pub fn metadata_name(ms: i64) -> String {
    format!("metadata-{ms}.json")
}

pub fn data_name(ms: i64) -> String {
    format!("data-{ms}.json")
}

/// `prefix-<ms>.json` files in `dir`, newest first.
fn list(dir: &Path, prefix: &str) -> Vec<(i64, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(i64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let ms = name
                .strip_prefix(prefix)?
                .strip_suffix(".json")?
                .parse()
                .ok()?;
            Some((ms, e.path()))
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found
}

/// Keeps the newest KEEP metadata files and the data files they need (plus the newest).
pub fn prune(dir: &Path) {
    remove_leftovers(dir);
    let metas = list(dir, "metadata-");
    let mut needed_data = Vec::new();
    for (_, path) in metas.iter().take(KEEP) {
        if let Ok(m) = read_metadata(path) {
            needed_data.extend(m.data_ms);
        }
    }
    for (_, path) in metas.iter().skip(KEEP) {
        let _ = std::fs::remove_file(path);
    }
    for (i, (ms, path)) in list(dir, "data-").iter().enumerate() {
        if i > 0 && !needed_data.contains(ms) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Why a file could not be used: damage we can fall back from, or a hard stop.
enum Problem {
    Damaged(String),
    Fatal(String),
}

fn check_header(format: &str, version: u32, path: &Path) -> Result<(), Problem> {
    if format != FORMAT {
        return Err(Problem::Fatal(format!(
            "{} is not a centella checkpoint (format {format:?})",
            path.display()
        )));
    }
    if version > VERSION {
        return Err(Problem::Fatal(format!(
            "{} was written by a newer centella (checkpoint format {version}, this one reads up to {VERSION})",
            path.display()
        )));
    }
    Ok(())
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, Problem> {
    let bytes = std::fs::read(path).map_err(|e| Problem::Damaged(io_err("read", path, e)))?;
    // A different JSON shape with our format name is damage; anything else is foreign.
    serde_json::from_slice(&bytes).map_err(|e| {
        let foreign = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| {
                v.get("format")
                    .and_then(|f| f.as_str())
                    .map(|f| f != FORMAT)
            })
            .unwrap_or(false);
        let msg = format!("{} is unreadable ({e})", path.display());
        if foreign {
            Problem::Fatal(format!("{} is not a centella checkpoint", path.display()))
        } else {
            Problem::Damaged(msg)
        }
    })
}

fn read_metadata_checked(path: &Path) -> Result<Metadata, Problem> {
    let m: Metadata = parse(path)?;
    check_header(&m.format, m.version, path)?;
    super::validate::metadata(&m).map_err(|e| invalid(path, e))?;
    Ok(m)
}

/// A well-formed file whose values cannot be right: refused, never silently skipped.
fn invalid(path: &Path, e: String) -> Problem {
    Problem::Fatal(format!("{} is not a valid checkpoint: {e}", path.display()))
}

pub fn read_metadata(path: &Path) -> Result<Metadata, String> {
    read_metadata_checked(path).map_err(|p| match p {
        Problem::Damaged(s) | Problem::Fatal(s) => s,
    })
}

fn read_data(dir: &Path, m: &Metadata, ms: i64) -> Result<DataCheckpoint, Problem> {
    let path = dir.join(data_name(ms));
    let d: DataCheckpoint = parse(&path)?;
    check_header(&d.format, d.version, &path)?;
    super::validate::data(&d, m).map_err(|e| invalid(&path, e))?;
    Ok(d)
}

/// The newest usable checkpoint in `dir`: None when there is none at all. Damaged newer files
/// are skipped with a warning; foreign or newer-version files are errors.
pub fn load(dir: &Path) -> Result<Option<Recovered>, String> {
    if !dir.exists() {
        return Ok(None);
    }
    if !dir.is_dir() {
        return Err(format!(
            "checkpoint directory {} is not a directory",
            dir.display()
        ));
    }
    let spark_files = std::fs::read_dir(dir)
        .map(|es| {
            es.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("checkpoint-"))
        })
        .unwrap_or(false);
    let metas = list(dir, "metadata-");
    if metas.is_empty() && spark_files {
        return Err(format!(
            "{} holds a Spark checkpoint, not a centella one; use another directory",
            dir.display()
        ));
    }
    let mut warnings = Vec::new();
    for (_, path) in &metas {
        let attempt = read_metadata_checked(path).and_then(|m| {
            let data = match m.data_ms {
                Some(ms) => Some(read_data(dir, &m, ms)?),
                None => None,
            };
            Ok((m, data))
        });
        match attempt {
            Ok((metadata, data)) => {
                return Ok(Some(Recovered {
                    metadata,
                    data,
                    warnings,
                }));
            }
            Err(Problem::Fatal(msg)) => return Err(msg),
            Err(Problem::Damaged(msg)) => {
                warnings.push(format!("skipping a damaged checkpoint: {msg}"))
            }
        }
    }
    if metas.is_empty() {
        Ok(None)
    } else {
        Err(format!(
            "no readable checkpoint in {}: {}. Delete the directory to start afresh",
            dir.display(),
            warnings.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(ms: i64, data: Option<i64>) -> Metadata {
        Metadata {
            format: FORMAT.into(),
            version: VERSION,
            batch_ms: 1000,
            zero_ms: 0,
            graph: Vec::new(),
            outputs: Vec::new(),
            last_completed_ms: ms,
            pending_ms: Vec::new(),
            data_ms: data,
            written_at_ms: ms,
            config: Vec::new(),
        }
    }

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("centella-ckpt-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn write_meta(dir: &Path, m: &Metadata) {
        let bytes = serde_json::to_vec(m).expect("json");
        write_atomic(dir, &metadata_name(m.last_completed_ms), &bytes).expect("write");
    }

    #[test]
    fn a_truncated_last_file_falls_back_to_the_previous_one() {
        let dir = temp("torn");
        write_meta(&dir, &meta(1000, None));
        write_meta(&dir, &meta(2000, None));
        let bytes = serde_json::to_vec(&meta(3000, None)).expect("json");
        std::fs::write(dir.join(metadata_name(3000)), &bytes[..bytes.len() / 2]).expect("torn");
        let r = load(&dir).expect("ok").expect("some");
        assert_eq!(r.metadata.last_completed_ms, 2000);
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    }

    #[test]
    fn foreign_newer_and_corrupt_checkpoints_are_errors() {
        let dir = temp("newer");
        let mut m = meta(1000, None);
        m.version = VERSION + 1;
        write_meta(&dir, &m);
        assert!(load(&dir).unwrap_err().contains("newer centella"));

        let dir = temp("foreign");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join(metadata_name(5)),
            br#"{"format":"something-else"}"#,
        )
        .expect("w");
        assert!(
            load(&dir)
                .unwrap_err()
                .contains("not a centella checkpoint")
        );

        let dir = temp("corrupt");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(metadata_name(5)), b"\x00garbage").expect("w");
        assert!(load(&dir).unwrap_err().contains("no readable checkpoint"));

        let dir = temp("spark");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("checkpoint-1000"), b"java").expect("w");
        assert!(load(&dir).unwrap_err().contains("Spark checkpoint"));

        assert!(load(&temp("absent")).expect("ok").is_none());
    }

    #[test]
    fn failed_writes_and_leftovers_leave_no_temporary_files() {
        let dir = temp("leftovers");
        std::fs::create_dir_all(&dir).expect("dir");
        // The target is a non-empty directory: the rename fails after the write.
        std::fs::create_dir_all(dir.join(metadata_name(1000)).join("x")).expect("blocker");
        assert!(write_atomic(&dir, &metadata_name(1000), b"{}").is_err());
        assert!(!dir.join(".metadata-1000.json.tmp").exists());
        std::fs::write(dir.join(".data-5000.json.tmp"), vec![0u8; 2048]).expect("leftover");
        prune(&dir);
        assert!(!dir.join(".data-5000.json.tmp").exists());
    }

    #[test]
    fn invalid_values_are_refused_with_the_field_named() {
        let dir = temp("invalid");
        let mut m = meta(3000, None);
        m.last_completed_ms = -5000;
        let bytes = serde_json::to_vec(&m).expect("json");
        write_atomic(&dir, &metadata_name(3000), &bytes).expect("write");
        let err = load(&dir).expect_err("invalid");
        assert!(
            err.contains("is not a valid checkpoint: last_completed_ms is -5000"),
            "{err}"
        );
    }

    #[test]
    fn pruning_keeps_the_last_few_and_their_data() {
        let dir = temp("prune");
        for ms in 1..=6 {
            write_meta(&dir, &meta(ms * 1000, Some(1000)));
        }
        write_atomic(&dir, &data_name(1000), b"{}").expect("data");
        write_atomic(&dir, &data_name(500), b"{}").expect("old data");
        prune(&dir);
        assert_eq!(list(&dir, "metadata-").len(), KEEP);
        assert!(dir.join(data_name(1000)).exists());
        assert!(!dir.join(data_name(500)).exists());
    }
}
