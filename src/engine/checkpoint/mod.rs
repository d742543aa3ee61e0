//! Checkpoints, as Spark's two kinds: **metadata** after every batch (configuration, the
//! graph's shape, the last completed batch, pending batches) and **data** every checkpoint
//! interval (the RDDs later batches look back on: state, windowed-reduce state, window
//! parents; and source positions). Files are versioned JSON, written atomically
//! (temporary file, fsync, rename) and the last few are kept, so a torn write falls back to
//! the previous good checkpoint. See ARCHITECTURE.md for the format.

pub mod recovery;
pub mod store;
pub mod validate;
pub mod value;
pub mod writer;

use serde::{Deserialize, Serialize};
use value::StoredValue;

pub const FORMAT: &str = "centella-checkpoint";
pub const VERSION: u32 = 1;

/// One stream of the graph, to check that a restarted script built the same graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeShape {
    pub op: String,
    /// Where the script defined it (informational: lines may move).
    pub site: String,
    pub parents: Vec<usize>,
    pub slide_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub format: String,
    pub version: u32,
    pub batch_ms: i64,
    pub zero_ms: i64,
    pub graph: Vec<NodeShape>,
    /// Output operations, in registration order: (operation, stream).
    pub outputs: Vec<(String, usize)>,
    pub last_completed_ms: i64,
    /// Generated but not completed when this was written.
    pub pending_ms: Vec<i64>,
    /// The data checkpoint this metadata goes with.
    pub data_ms: Option<i64>,
    pub written_at_ms: i64,
    /// The configuration it ran with (master, clock, --conf settings), for the record.
    #[serde(default)]
    pub config: Vec<(String, String)>,
}

/// Where an input source was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SourceState {
    /// queueStream: items handed out so far.
    Queue { taken: u64 },
    /// textFileStream: when it started and the files already read (path, mtime).
    Files {
        started_ms: i64,
        seen: Vec<(String, i64)>,
    },
    /// socketTextStream with a write-ahead log: the log, and the last line a batch took.
    Socket { wal: String, consumed: u64 },
    /// KafkaUtils.createDirectStream: the next offset of every partition after batch
    /// `batch_ms` (None before the broker first answered), and the log of every batch's
    /// offset ranges, so the batches after this checkpoint re-read exactly their ranges.
    Kafka {
        batch_ms: Option<i64>,
        offsets: Option<Vec<(String, i32, i64)>>,
        log: Option<String>,
    },
}

/// An RDD as its partitions.
pub type StoredRdd = Vec<Vec<StoredValue>>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeData {
    pub rdds: Vec<(i64, StoredRdd)>,
    pub source: Option<SourceState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataCheckpoint {
    pub format: String,
    pub version: u32,
    pub time_ms: i64,
    pub nodes: Vec<NodeData>,
}

/// What recovery starts from.
#[derive(Debug, Clone)]
pub struct Recovered {
    pub metadata: Metadata,
    pub data: Option<DataCheckpoint>,
    /// Torn or unreadable newer files that were skipped, to tell the user.
    pub warnings: Vec<String>,
}

/// Explains how a rebuilt graph differs from the checkpointed one, if it does.
pub fn compare_graphs(
    saved: &Metadata,
    graph: &[NodeShape],
    outputs: &[(String, usize)],
) -> Result<(), String> {
    for (i, (old, new)) in saved.graph.iter().zip(graph).enumerate() {
        if old.op != new.op || old.parents != new.parents || old.slide_ms != new.slide_ms {
            return Err(format!(
                "stream {i} was `{}` (slide {} ms, from {:?}, defined at {}) and is now `{}` (slide {} ms, from {:?}, defined at {})",
                old.op,
                old.slide_ms,
                old.parents,
                old.site,
                new.op,
                new.slide_ms,
                new.parents,
                new.site
            ));
        }
    }
    if saved.graph.len() != graph.len() {
        return Err(format!(
            "the checkpoint has {} streams and the script now builds {}",
            saved.graph.len(),
            graph.len()
        ));
    }
    if saved.outputs != outputs {
        return Err(format!(
            "the output operations were {:?} and are now {:?}",
            saved.outputs, outputs
        ));
    }
    Ok(())
}
