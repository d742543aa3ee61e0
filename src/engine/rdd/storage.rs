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

pub struct Storage {
    level: Mutex<StorageLevel>,
    blocks: Mutex<Vec<Option<Arc<Partition>>>>,
}

impl Storage {
    pub fn new(num_partitions: usize) -> Storage {
        Storage {
            level: Mutex::new(StorageLevel::None),
            blocks: Mutex::new(vec![None; num_partitions]),
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
        lock(&self.blocks).get(split).cloned().flatten()
    }

    pub fn put(&self, split: usize, part: Partition) -> Arc<Partition> {
        let block = Arc::new(part);
        if let Some(slot) = lock(&self.blocks).get_mut(split) {
            *slot = Some(block.clone());
        }
        block
    }

    pub fn cached_count(&self) -> usize {
        lock(&self.blocks).iter().filter(|b| b.is_some()).count()
    }

    /// An estimate of the kept partitions' size in bytes, for `toDebugString` and the UI.
    pub fn memory_size(&self) -> u64 {
        lock(&self.blocks)
            .iter()
            .flatten()
            .map(|p| p.iter().map(crate::record::estimated_size).sum::<u64>())
            .sum()
    }
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
