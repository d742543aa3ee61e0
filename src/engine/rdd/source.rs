//! RDDs whose partitions are already in memory: `parallelize` (Spark's
//! `ParallelCollectionRDD`), receiver blocks (`BlockRDD`), a Kafka batch (`KafkaRDD`), a
//! file batch, `sc.textFile`, and `emptyRDD`. A task reads their records without
//! taking them out, so the RDD can be computed again (lineage starts here).

use super::{Compute, Partition, Rdd, RddKind, Records, TaskContext};
use crate::func::Record;
use crate::sc::SparkContext;
use std::sync::Arc;

struct InMemory {
    parts: Arc<Vec<Partition>>,
}

impl Compute for InMemory {
    fn compute<'a>(&'a self, split: usize, _tc: &'a TaskContext) -> Records<'a> {
        match self.parts.get(split) {
            Some(p) => Box::new(p.iter().cloned().map(Ok)),
            None => Box::new(std::iter::empty()),
        }
    }

    fn known_len(&self) -> Option<usize> {
        Some(self.parts.iter().map(Vec::len).sum())
    }
}

/// An RDD over `parts`, named as Spark names such an RDD.
pub fn in_memory(sc: &SparkContext, parts: Vec<Partition>, class: &str, creation: &str) -> Rdd {
    let n = parts.len();
    let kind = RddKind::Source {
        class: class.to_string(),
        creation: creation.to_string(),
    };
    Rdd::new_node(
        sc,
        n,
        Vec::new(),
        kind,
        Box::new(InMemory {
            parts: Arc::new(parts),
        }),
    )
}

/// `sc.textFile(path)`'s RDD over lines already read.
pub fn text_file(sc: &SparkContext, parts: Vec<Partition>, path: &str) -> Rdd {
    let n = parts.len();
    let kind = RddKind::TextFile {
        path: path.to_string(),
    };
    Rdd::new_node(
        sc,
        n,
        Vec::new(),
        kind,
        Box::new(InMemory {
            parts: Arc::new(parts),
        }),
    )
}

/// `sc.emptyRDD()`: no partitions at all.
pub fn empty(sc: &SparkContext) -> Rdd {
    Rdd::new_node(
        sc,
        0,
        Vec::new(),
        RddKind::EmptyRdd,
        Box::new(InMemory {
            parts: Arc::new(Vec::new()),
        }),
    )
}

/// A stateful stream's RDD once computed: its partitions, with the lineage cut here (Spark's
/// checkpointed RDD).
pub fn checkpointed(sc: &SparkContext, parts: Vec<Partition>, site: &crate::func::OpSite) -> Rdd {
    in_memory(
        sc,
        parts,
        "LocalCheckpointRDD",
        &format!("{} at {}", site.op, site.location),
    )
}

/// Spark's `SparkContext` RDD constructors.
impl SparkContext {
    /// `sc.parallelize(data, numSlices)`: contiguous slices `[i*n/k, (i+1)*n/k)`, like Spark.
    pub fn parallelize(&self, data: Vec<Record>, num_slices: Option<usize>) -> Rdd {
        Rdd::from_partitions(self.clone(), self.slices(data, num_slices))
    }

    /// `parallelize`'s slicing.
    fn slices(&self, data: Vec<Record>, num_slices: Option<usize>) -> Vec<Vec<Record>> {
        let k = num_slices.unwrap_or(self.default_parallelism()).max(1);
        let n = data.len();
        let mut parts: Vec<Vec<Record>> = Vec::with_capacity(k);
        let mut it = data.into_iter();
        for i in 0..k {
            let (start, end) = (i * n / k, (i + 1) * n / k);
            parts.push(it.by_ref().take(end - start).collect());
        }
        parts
    }

    /// Spark's `emptyRDD`: no partitions at all.
    pub fn empty_rdd(&self) -> Rdd {
        empty(self)
    }

    /// `sc.textFile(path)`: one record per line; a directory reads its visible files in name order.
    pub fn text_file(&self, path: &str, min_partitions: Option<usize>) -> Result<Rdd, String> {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("Input path does not exist: {path} ({e})"))?;
        let mut files = Vec::new();
        if meta.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|e| format!("cannot list {path}: {e}"))?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if name.starts_with('.') || name.starts_with('_') || entry.path().is_dir() {
                    continue;
                }
                files.push(entry.path());
            }
            files.sort();
        } else {
            files.push(std::path::PathBuf::from(path));
        }
        let mut lines = Vec::new();
        for f in files {
            let bytes =
                std::fs::read(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
            let text = String::from_utf8_lossy(&bytes);
            lines.extend(
                text.lines()
                    .map(|l| Record::from(l.strip_suffix('\r').unwrap_or(l).to_string())),
            );
        }
        let k = min_partitions.unwrap_or(self.default_parallelism().min(2));
        let parts = self.slices(lines, Some(k));
        Ok(text_file(self, parts, path))
    }

    /// `sc.union(rdds)`: the partitions of every RDD, in order.
    pub fn union(&self, rdds: &[Rdd]) -> Rdd {
        super::narrow::union(self, rdds)
    }
}

/// A receiver's block of text lines, kept compactly: the lines' bytes back to back and each
/// line's end. A task makes a record of a line only when it reads it, so a batch waiting in
/// memory costs about its bytes, not a string and a record per line.
#[derive(Default)]
pub struct LineBlock {
    text: String,
    ends: Vec<usize>,
}

impl LineBlock {
    pub fn push(&mut self, line: &str) {
        self.text.push_str(line);
        self.ends.push(self.text.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn lines(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(s, e)| &self.text[s..e])
    }
}

/// A received block and where it is stored: Spark's `input-STREAM-TIME` block on the
/// receiver's executor (and a replica with a `_2` storage level). In a local cluster a block
/// whose executors are all lost cannot be read, unless the receiver's write-ahead log has it.
pub struct ReceivedBlock {
    pub id: String,
    pub lines: LineBlock,
    pub executors: Vec<String>,
    /// The fault lab dropped the copy on the receiver's executor (`lose-block`).
    pub dropped: bool,
}

struct Blocks {
    blocks: Vec<ReceivedBlock>,
    /// Where they are, for the executors' view: the context holds it weakly, so the
    /// blocks count as stored while this RDD lives.
    _locations: std::sync::Arc<super::storage::ReceiverBlocks>,
    rdd_id: usize,
    /// The receiver logged the blocks: a lost block is read back from the log.
    logged: bool,
    sc: SparkContext,
}

impl Compute for Blocks {
    fn compute<'a>(&'a self, split: usize, _tc: &'a TaskContext) -> Records<'a> {
        let Some(b) = self.blocks.get(split) else {
            return Box::new(std::iter::empty());
        };
        let executors = self.sc.executors();
        // The copies left: a dropped block keeps only its replica (none in local mode).
        let copies = if b.dropped {
            b.executors.get(1..).unwrap_or_default()
        } else {
            &b.executors[..]
        };
        let stored =
            (b.executors.is_empty() && !b.dropped) || copies.iter().any(|e| executors.is_alive(e));
        if stored && b.dropped {
            self.info(&format!(
                "Block {} was lost on executor {} (the fault lab): read from its replica",
                b.id,
                b.executors.first().map_or("driver", String::as_str)
            ));
        }
        if !stored {
            if !self.logged {
                return Box::new(std::iter::once(Err(crate::func::FnError(format!(
                    "org.apache.spark.SparkException: Could not compute split, block {} of RDD \
                     {} not found",
                    b.id, self.rdd_id
                )))));
            }
            self.info(&format!(
                "Block {} was lost: read back from the receiver's write-ahead log",
                b.id
            ));
        }
        Box::new(
            b.lines
                .lines()
                .map(|l| Ok(Record::from(rhai::ImmutableString::from(l)))),
        )
    }

    fn known_len(&self) -> Option<usize> {
        Some(self.blocks.iter().map(|b| b.lines.len()).sum())
    }
}

impl Blocks {
    fn info(&self, text: &str) {
        if let Some(sink) = self.sc.sink() {
            crate::task_output::emit(&sink, crate::task_output::Kind::Info, text);
        }
    }
}

/// Spark's `BlockRDD` of a receiver's blocks: one partition per block.
pub fn received_blocks(
    sc: &SparkContext,
    blocks: Vec<ReceivedBlock>,
    logged: bool,
    creation: &str,
) -> Rdd {
    let n = blocks.len();
    let kind = RddKind::Source {
        class: "BlockRDD".to_string(),
        creation: creation.to_string(),
    };
    // Taken first: the error names the RDD, as Spark's.
    let rdd_id = sc.new_rdd_id();
    let locations = std::sync::Arc::new(super::storage::ReceiverBlocks {
        blocks: blocks
            .iter()
            .map(|b| {
                let copies = if b.dropped {
                    b.executors.get(1..).unwrap_or_default()
                } else {
                    &b.executors[..]
                };
                (b.id.clone(), copies.to_vec())
            })
            .collect(),
    });
    sc.register_receiver_blocks(&locations);
    Rdd::new_node_with_id(
        sc,
        rdd_id,
        n,
        Vec::new(),
        kind,
        Box::new(Blocks {
            blocks,
            _locations: locations,
            rdd_id,
            logged,
            sc: sc.clone(),
        }),
    )
}
