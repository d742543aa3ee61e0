//! The executors tasks run on. In `local[N]` there is one, the driver's, as in Spark's local
//! mode. `local-cluster[N, C, M]` simulates N executors of C cores each in this process
//! (Spark's own test-cluster syntax): each task is placed on a live executor, a cached
//! partition lives on the executor that computed it, and an executor can be lost (the fault
//! lab's `kill-executor`), taking its cached partitions with it.

use super::lock;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// One executor, as `:status` and the web UI show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutorInfo {
    /// Spark's executor id: `driver` in local mode, `0`, `1`, ... in a local cluster.
    pub id: String,
    pub cores: usize,
    pub alive: bool,
    /// Task attempts it ran, and how many of them failed.
    pub tasks: usize,
    pub failed_tasks: usize,
    /// Why it was lost.
    pub lost_reason: Option<String>,
}

/// An executor with the blocks it holds now (Spark's `ExecutorSummary`, in brief): made by
/// `SparkContext::executor_summaries`, which knows the block stores.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutorSummary {
    pub info: ExecutorInfo,
    /// Cached RDD partitions (`rdd_3_1`), by RDD then partition.
    pub rdd_blocks: Vec<String>,
    /// Receivers' blocks of the batches still held (`input-0-1636880455000`).
    pub receiver_blocks: Vec<String>,
}

pub struct Executors {
    list: Mutex<Vec<ExecutorInfo>>,
    /// Where each receiver runs, by its input stream's id (a local cluster's only).
    receivers: Mutex<BTreeMap<usize, String>>,
}

impl Executors {
    /// Local mode: the driver runs every task.
    pub fn local(cores: usize) -> Executors {
        Executors::with_ids(vec!["driver".to_string()], cores)
    }

    /// `local-cluster[n, cores, _]`: executors `0` .. `n-1`.
    pub fn cluster(n: usize, cores: usize) -> Executors {
        Executors::with_ids((0..n).map(|i| i.to_string()).collect(), cores)
    }

    fn with_ids(ids: Vec<String>, cores: usize) -> Executors {
        let list = ids
            .into_iter()
            .map(|id| ExecutorInfo {
                id,
                cores,
                alive: true,
                tasks: 0,
                failed_tasks: 0,
                lost_reason: None,
            })
            .collect();
        Executors {
            list: Mutex::new(list),
            receivers: Mutex::new(BTreeMap::new()),
        }
    }

    /// Where the task of `partition` runs: the executor holding its cached data when that
    /// one is alive (Spark's PROCESS_LOCAL), else the live executors in turn by partition.
    /// None when every executor is lost.
    pub fn place(&self, partition: usize, preferred: Option<&str>) -> Option<String> {
        let list = lock(&self.list);
        if let Some(p) = preferred
            && list.iter().any(|e| e.alive && e.id == p)
        {
            return Some(p.to_string());
        }
        let alive: Vec<&ExecutorInfo> = list.iter().filter(|e| e.alive).collect();
        if alive.is_empty() {
            return None;
        }
        Some(alive[partition % alive.len()].id.clone())
    }

    /// The executor receiver `stream` runs on, in a local cluster: placed the first time
    /// (receivers spread over the executors, as Spark's ReceiverSchedulingPolicy does). None
    /// in local mode, or when every executor is lost.
    pub fn receiver_executor(&self, stream: usize) -> Option<String> {
        if !self.is_cluster() {
            return None;
        }
        let mut receivers = lock(&self.receivers);
        if let Some(e) = receivers.get(&stream)
            && self.is_alive(e)
        {
            return Some(e.clone());
        }
        let placed = self.place(stream, None)?;
        receivers.insert(stream, placed.clone());
        Some(placed)
    }

    /// Where each placed receiver runs now, by input stream id (for the UI).
    pub fn receiver_locations(&self) -> BTreeMap<usize, String> {
        lock(&self.receivers).clone()
    }

    /// Where a block receiver `stream` makes is stored: on the receiver's executor and, with
    /// more than one copy (the `_2` storage levels), on the next live executor too, as
    /// Spark's BlockManager replicates it. None in local mode.
    pub fn block_executors(&self, stream: usize, copies: usize) -> Vec<String> {
        let mut on: Vec<String> = self.receiver_executor(stream).into_iter().collect();
        if copies > 1 && !on.is_empty() {
            let list = lock(&self.list);
            let alive: Vec<&str> = list
                .iter()
                .filter(|e| e.alive)
                .map(|e| e.id.as_str())
                .collect();
            let replica = (1..=list.len())
                .map(|k| alive[(stream + k) % alive.len()])
                .find(|e| !on.iter().any(|o| o == e));
            on.extend(replica.map(str::to_string));
        }
        on
    }

    /// Spark's ReceiverTracker after an executor is lost: the receivers that ran on `lost`
    /// restart on a live executor. Each moved receiver's stream, and where it runs now (None:
    /// no executor is left).
    pub fn restart_receivers_from(&self, lost: &str) -> Vec<(usize, Option<String>)> {
        let mut receivers = lock(&self.receivers);
        let moved: Vec<usize> = receivers
            .iter()
            .filter(|(_, e)| e.as_str() == lost)
            .map(|(s, _)| *s)
            .collect();
        moved
            .into_iter()
            .map(|stream| {
                let to = self.place(stream, None);
                match &to {
                    Some(e) => receivers.insert(stream, e.clone()),
                    None => receivers.remove(&stream),
                };
                (stream, to)
            })
            .collect()
    }

    /// Counts a task attempt on `id`.
    pub fn ran_task(&self, id: &str, failed: bool) {
        if let Some(e) = lock(&self.list).iter_mut().find(|e| e.id == id) {
            e.tasks += 1;
            if failed {
                e.failed_tasks += 1;
            }
        }
    }

    /// Marks `id` lost. False when there is no such live executor.
    pub fn lose(&self, id: &str, reason: &str) -> bool {
        match lock(&self.list).iter_mut().find(|e| e.id == id && e.alive) {
            Some(e) => {
                e.alive = false;
                e.lost_reason = Some(reason.to_string());
                true
            }
            None => false,
        }
    }

    pub fn exists(&self, id: &str) -> bool {
        lock(&self.list).iter().any(|e| e.id == id)
    }

    pub fn is_alive(&self, id: &str) -> bool {
        lock(&self.list).iter().any(|e| e.id == id && e.alive)
    }

    pub fn is_cluster(&self) -> bool {
        lock(&self.list).iter().all(|e| e.id != "driver")
    }

    pub fn snapshot(&self) -> Vec<ExecutorInfo> {
        lock(&self.list).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_go_round_robin_over_live_executors_and_prefer_their_data() {
        let e = Executors::cluster(3, 1);
        let placed: Vec<_> = (0..4).filter_map(|p| e.place(p, None)).collect();
        assert_eq!(placed, vec!["0", "1", "2", "0"]);
        assert_eq!(e.place(0, Some("2")).as_deref(), Some("2"));
        assert!(e.lose("1", "killed"));
        assert!(!e.lose("1", "again"), "already lost");
        let placed: Vec<_> = (0..4).filter_map(|p| e.place(p, Some("1"))).collect();
        assert_eq!(
            placed,
            vec!["0", "2", "0", "2"],
            "a lost executor's data is elsewhere"
        );
        assert!(e.lose("0", "x") && e.lose("2", "y"));
        assert_eq!(e.place(0, None), None);
    }

    #[test]
    fn a_receiver_stays_on_its_executor_and_restarts_elsewhere_when_it_is_lost() {
        let e = Executors::cluster(3, 1);
        assert_eq!(e.receiver_executor(1).as_deref(), Some("1"));
        assert_eq!(e.receiver_executor(1).as_deref(), Some("1"), "it stays");
        assert!(e.restart_receivers_from("0").is_empty(), "none ran there");
        assert!(e.lose("1", "killed"));
        assert_eq!(
            e.restart_receivers_from("1"),
            vec![(1, Some("2".to_string()))]
        );
        assert_eq!(e.receiver_executor(1).as_deref(), Some("2"));
        assert_eq!(Executors::local(2).receiver_executor(0), None);
    }
}
