//! `cache()`/`persist()`: the partitions a persisted RDD keeps once a task has computed
//! them (Spark's block manager, for one process). An RDD that is not persisted keeps nothing.

use super::{Partition, Records};
use crate::lock;
use std::sync::{Arc, Mutex};

/// Spark's storage levels that mean something in one process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageLevel {
    None,
    MemoryOnly,
    MemoryAndDisk,
    /// What DStreams persist with (window parents, state): serialized in Spark.
    MemoryOnlySer,
}

impl StorageLevel {
    pub fn is_persisted(self) -> bool {
        self != StorageLevel::None
    }

    /// Spark's `StorageLevel.description` as PySpark shows it (PySpark always serializes).
    pub fn description(self) -> &'static str {
        match self {
            StorageLevel::None => "",
            StorageLevel::MemoryOnly | StorageLevel::MemoryOnlySer => {
                "Memory Serialized 1x Replicated"
            }
            StorageLevel::MemoryAndDisk => "Disk Memory Serialized 1x Replicated",
        }
    }
}

/// A kept partition and the executor that holds it.
#[derive(Clone)]
struct Block {
    data: Arc<Partition>,
    executor: String,
}

pub struct Storage {
    /// The RDD's id, for Spark's block names (`rdd_7_1`).
    rdd_id: usize,
    level: Mutex<StorageLevel>,
    blocks: Mutex<Vec<Option<Block>>>,
    /// Partitions whose block was lost with its executor (until computed again), so the
    /// recomputation can be shown.
    lost: Mutex<Vec<Option<String>>>,
}

impl Storage {
    pub fn new(rdd_id: usize, num_partitions: usize) -> Storage {
        Storage {
            rdd_id,
            level: Mutex::new(StorageLevel::None),
            blocks: Mutex::new(vec![None; num_partitions]),
            lost: Mutex::new(vec![None; num_partitions]),
        }
    }

    pub fn level(&self) -> StorageLevel {
        *lock(&self.level)
    }

    pub fn set_level(&self, level: StorageLevel) {
        *lock(&self.level) = level;
        if !level.is_persisted() {
            lock(&self.blocks).iter_mut().for_each(|b| *b = None);
        }
    }

    pub fn get(&self, split: usize) -> Option<Arc<Partition>> {
        lock(&self.blocks)
            .get(split)
            .cloned()
            .flatten()
            .map(|b| b.data)
    }

    /// The executor holding partition `split`, if it is kept.
    pub fn location(&self, split: usize) -> Option<String> {
        lock(&self.blocks)
            .get(split)
            .cloned()
            .flatten()
            .map(|b| b.executor)
    }

    pub fn put(&self, split: usize, part: Partition, executor: &str) -> Arc<Partition> {
        let data = Arc::new(part);
        if let Some(slot) = lock(&self.blocks).get_mut(split) {
            *slot = Some(Block {
                data: data.clone(),
                executor: executor.to_string(),
            });
        }
        if let Some(l) = lock(&self.lost).get_mut(split) {
            *l = None;
        }
        data
    }

    /// Drops the blocks `executor` held; their names (`rdd_7_1`), as Spark reports them.
    pub fn drop_executor(&self, executor: &str) -> Vec<String> {
        let mut blocks = lock(&self.blocks);
        let mut lost = lock(&self.lost);
        let mut names = Vec::new();
        for (split, slot) in blocks.iter_mut().enumerate() {
            if slot.as_ref().is_some_and(|b| b.executor == executor) {
                *slot = None;
                if let Some(l) = lost.get_mut(split) {
                    *l = Some(executor.to_string());
                }
                names.push(format!("rdd_{}_{split}", self.rdd_id));
            }
        }
        names
    }

    /// The executor partition `split`'s block was lost with, if it was.
    pub fn lost_on(&self, split: usize) -> Option<String> {
        lock(&self.lost).get(split).cloned().flatten()
    }

    /// Each kept block's name (`rdd_7_1`) and the executor holding it, for the executors'
    /// view (read on demand, never by a task).
    pub fn block_locations(&self) -> Vec<(String, String)> {
        lock(&self.blocks)
            .iter()
            .enumerate()
            .filter_map(|(split, b)| {
                let b = b.as_ref()?;
                Some((format!("rdd_{}_{split}", self.rdd_id), b.executor.clone()))
            })
            .collect()
    }

    pub fn cached_count(&self) -> usize {
        lock(&self.blocks).iter().filter(|b| b.is_some()).count()
    }

    /// An estimate of the kept partitions' size in bytes, for `toDebugString` and the UI.
    pub fn memory_size(&self) -> u64 {
        lock(&self.blocks)
            .iter()
            .flatten()
            .map(|b| {
                b.data
                    .iter()
                    .map(crate::record::estimated_size)
                    .sum::<u64>()
            })
            .sum()
    }
}

/// Where a receiver's blocks of one batch are stored (`input-0-1636880455000` on its copies'
/// executors), kept by their BlockRDD while it lives, as Spark's BlockManagerMaster knows
/// the stream blocks until the batch's metadata is cleared.
pub struct ReceiverBlocks {
    /// Each block's id and the executors holding a copy (a copy the fault lab dropped is
    /// not listed).
    pub blocks: Vec<(String, Vec<String>)>,
}

/// A kept partition's records, read without taking them out of the store.
pub fn block_records<'a>(block: Arc<Partition>) -> Records<'a> {
    let mut i = 0;
    Box::new(std::iter::from_fn(move || {
        let r = block.get(i).cloned();
        i += 1;
        r.map(Ok)
    }))
}
