//! The DStream graph: streams as nodes that compute one RDD per batch time, cached in
//! `generated` and forgotten after their remember duration, as Spark's `DStream` does.

pub mod file;
pub mod input;
pub mod output;
pub mod receiver;
pub mod socket;
pub mod state;
pub mod transformed;
pub mod wal;
pub mod window;

use super::error::{ComputeError, StreamingError};
use super::func::OpSite;
use super::rdd::Rdd;
use super::sc::SparkContext;
use super::time::{Duration, Time};
use output::OutputOp;
use std::collections::BTreeMap;
use std::sync::Arc;

pub type StreamId = usize;

/// What a DStream does at each batch time (Spark's `DStream.compute`).
pub trait DStreamOp: Send + Sync {
    fn parents(&self) -> Vec<StreamId>;
    /// How much longer than themselves the parents must keep RDDs (a window's length).
    fn parent_remember_extra(&self) -> Duration {
        Duration(0)
    }
    /// Whether Spark requires a checkpoint directory for this stream.
    fn must_checkpoint(&self) -> bool {
        false
    }
    /// Whether the stream's parent RDDs are persisted, being read by several batches (a
    /// window's parent, as Spark's `WindowedDStream` persists it).
    fn persists_parent(&self) -> bool {
        false
    }
    /// Whether the stream's own RDDs are persisted (state, an inverse-reduced window): the
    /// next batch starts from them.
    fn persists_self(&self) -> bool {
        false
    }
    /// Whether this is an input stream (Spark's `InputDStream`): a source of batches rather
    /// than a computation on other streams.
    fn is_input(&self) -> bool {
        false
    }
    /// For input streams: whether they have nothing more to give (a drained queue). A live
    /// source (one with a receiver: socket, files, Kafka) is never drained; other streams
    /// have nothing of their own to give, so they count as drained.
    fn input_drained(&self) -> bool {
        self.receiver().is_none()
    }
    /// For sources: their position, for a data checkpoint.
    fn save_source(&self) -> Option<crate::checkpoint::SourceState> {
        None
    }
    /// Puts a source back where a checkpoint left it.
    fn restore_source(&self, _state: &crate::checkpoint::SourceState) -> Result<(), String> {
        Ok(())
    }
    /// For sources that collect in the background: their receiver.
    fn receiver(&self) -> Option<Arc<dyn receiver::ReceiverHandle>> {
        None
    }
    fn compute(
        &self,
        g: &mut DStreamGraph,
        me: StreamId,
        t: Time,
    ) -> Result<Option<Rdd>, ComputeError>;
}

pub struct StreamNode {
    pub op: Arc<dyn DStreamOp>,
    pub site: OpSite,
    pub slide: Duration,
    pub remember: Duration,
    pub generated: BTreeMap<Time, Rdd>,
    /// `ds.checkpoint(interval)`.
    pub checkpoint_interval: Option<Duration>,
    /// `ds.remember(duration)`.
    pub remember_at_least: Duration,
    /// Its RDDs are persisted (`ds.persist()`, a window's parent, state).
    pub persisted: bool,
    /// Its last batch's RDD, for `ds.toDebugString()`: the lineage is written out only when
    /// asked. It holds the batch's input until the next batch replaces it.
    pub last_rdd: Option<(Time, Rdd)>,
}

impl StreamNode {
    /// Spark's default checkpoint interval of a stateful stream: the first multiple of its
    /// slide from 10 s.
    pub fn default_checkpoint_interval(&self) -> Duration {
        self.slide * ((10_000 + self.slide.0 - 1) / self.slide.0.max(1))
    }
}

/// Spark's `DStreamGraph`: input, transformed and output streams of one context.
pub struct DStreamGraph {
    pub sc: SparkContext,
    pub batch: Duration,
    pub zero: Time,
    pub nodes: Vec<StreamNode>,
    pub outputs: Vec<OutputOp>,
    /// `ssc.remember(duration)`.
    pub remember: Duration,
}

impl DStreamGraph {
    pub fn new(sc: SparkContext, batch: Duration) -> DStreamGraph {
        DStreamGraph {
            sc,
            batch,
            zero: Time(0),
            nodes: Vec::new(),
            outputs: Vec::new(),
            remember: Duration(0),
        }
    }

    pub fn add(&mut self, op: Arc<dyn DStreamOp>, site: OpSite, slide: Duration) -> StreamId {
        self.nodes.push(StreamNode {
            op,
            site,
            slide,
            remember: slide,
            generated: BTreeMap::new(),
            checkpoint_interval: None,
            remember_at_least: Duration(0),
            persisted: false,
            last_rdd: None,
        });
        self.nodes.len() - 1
    }

    pub fn slide(&self, id: StreamId) -> Duration {
        self.nodes[id].slide
    }

    pub fn site(&self, id: StreamId) -> &OpSite {
        &self.nodes[id].site
    }

    /// Streams that some output depends on, each once.
    fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<StreamId> = self.outputs.iter().map(|o| o.stream).collect();
        while let Some(id) = stack.pop() {
            if id < seen.len() && !seen[id] {
                seen[id] = true;
                stack.extend(self.nodes[id].op.parents());
            }
        }
        seen
    }

    /// Spark's `DStreamGraph.start`/`validate`: checks and remember durations.
    pub fn prepare(&mut self, zero: Time, checkpoint_dir_set: bool) -> Result<(), StreamingError> {
        if self.outputs.is_empty() {
            return Err(StreamingError::NoOutputOperations);
        }
        let used = self.reachable();
        for (id, node) in self.nodes.iter().enumerate() {
            let wants = node.op.must_checkpoint() || node.checkpoint_interval.is_some();
            if used[id] && wants && !checkpoint_dir_set {
                return Err(StreamingError::CheckpointDirNotSet);
            }
        }
        self.zero = zero;
        self.compute_remember();
        for id in 0..self.nodes.len() {
            let op = self.nodes[id].op.clone();
            if op.persists_self() || self.nodes[id].checkpoint_interval.is_some() {
                self.nodes[id].persisted = true;
            }
            if op.persists_parent() {
                for p in op.parents() {
                    self.nodes[p].persisted = true;
                }
            }
        }
        Ok(())
    }

    fn compute_remember(&mut self) {
        let mut rem: Vec<Duration> = self
            .nodes
            .iter()
            .map(|n| n.slide.max(n.remember_at_least))
            .collect();
        for (id, node) in self.nodes.iter().enumerate() {
            if node.op.must_checkpoint() {
                // Spark: rememberDuration >= 2 * checkpoint interval (>= 10 s, slide-aligned).
                rem[id] = rem[id].max(node.default_checkpoint_interval() * 2);
            }
        }
        for o in &self.outputs {
            rem[o.stream] = rem[o.stream].max(self.remember);
        }
        for id in (0..self.nodes.len()).rev() {
            let need = rem[id] + self.nodes[id].op.parent_remember_extra();
            for p in self.nodes[id].op.parents() {
                rem[p] = rem[p].max(need);
            }
        }
        for (node, r) in self.nodes.iter_mut().zip(rem) {
            node.remember = r;
        }
    }

    /// Spark's `isTimeValid`: after zero time and on the stream's slide.
    pub fn is_time_valid(&self, id: StreamId, t: Time) -> bool {
        t > self.zero && (t - self.zero).is_multiple_of(self.nodes[id].slide)
    }

    /// Spark's `getOrCompute`: the cached RDD, or compute and cache it.
    pub fn get_or_compute(&mut self, id: StreamId, t: Time) -> Result<Option<Rdd>, ComputeError> {
        if let Some(r) = self.nodes[id].generated.get(&t) {
            return Ok(Some(r.clone()));
        }
        if !self.is_time_valid(id, t) {
            return Ok(None);
        }
        let op = self.nodes[id].op.clone();
        // The RDDs made for this stream carry its creation site, as Spark sets the call site
        // of a DStream's generated RDDs: a failing function is named by its operation.
        let site = self.nodes[id].site.clone();
        let rdd = crate::rdd::with_creation_site(&site, || op.compute(self, id, t))?;
        if let Some(r) = &rdd {
            if self.nodes[id].persisted && !r.is_cached() {
                r.persist(crate::rdd::StorageLevel::MemoryOnlySer);
            }
            self.nodes[id].generated.insert(t, r.clone());
        }
        Ok(rdd)
    }

    /// The stream's own RDD of the batch before `t` (`getOrCompute(t - slide)`), as windowed
    /// and stateful streams ask for it. Spark recurses back to the last computed batch; this
    /// computes the missing batches oldest first instead, in the same order, so a downstream
    /// stream that asks only every k batches cannot exhaust the stack.
    pub fn compute_previous(&mut self, id: StreamId, t: Time) -> Result<Option<Rdd>, ComputeError> {
        let slide = self.nodes[id].slide;
        let previous = t - slide;
        let mut oldest_missing = previous;
        while self.is_time_valid(id, oldest_missing)
            && !self.nodes[id].generated.contains_key(&oldest_missing)
        {
            oldest_missing = oldest_missing - slide;
        }
        let mut s = oldest_missing + slide;
        while s < previous {
            self.get_or_compute(id, s)?;
            s = s + slide;
        }
        self.get_or_compute(id, previous)
    }

    /// Spark's `slice(from, to)`: the RDDs of every valid time in `[from, to]`.
    pub fn slice(&mut self, id: StreamId, from: Time, to: Time) -> Result<Vec<Rdd>, ComputeError> {
        let slide = self.nodes[id].slide;
        let (from, to) = (
            from.floor_to(self.zero, slide),
            to.floor_to(self.zero, slide),
        );
        let mut out = Vec::new();
        let mut t = from;
        while t <= to {
            if t >= self.zero
                && let Some(r) = self.get_or_compute(id, t)?
            {
                out.push(r);
            }
            t = t + slide;
        }
        Ok(out)
    }

    /// The user's `ds.slice(from, to)`: the RDDs this stream still holds for the valid times in
    /// `[from, to]` (Spark's slice, floored to the slide), never computing one: a time after
    /// the last generated batch (`latest`) would dequeue input before its batch, and a time
    /// already forgotten would read input again. `ds.remember(secs)` keeps more to slice.
    /// Bounded by what is held, so `slice(0, i64::MAX)` returns at once.
    pub fn slice_generated(&self, id: StreamId, from: Time, to: Time, latest: Time) -> Vec<Rdd> {
        let slide = self.nodes[id].slide;
        let to = to.min(latest);
        if from > to {
            return Vec::new();
        }
        let (from, to) = (
            from.floor_to(self.zero, slide),
            to.floor_to(self.zero, slide),
        );
        self.nodes[id]
            .generated
            .range(from..=to)
            .filter(|(t, _)| self.is_time_valid(id, **t))
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// Spark's checkpointing of stateful streams, kept in memory: at each stream's checkpoint
    /// interval (`ds.checkpoint(d)`, else Spark's default, the first multiple of the slide
    /// from 10 s), after batch `t`'s outputs ran, the RDD a stateful stream (state,
    /// inverse-reduced window) made for `t` is computed in full (its cached partitions are not
    /// computed again) and replaced by its data, so later batches' lineage starts there. Until
    /// then, as in PySpark, the partitions no output read are not computed. A failure is the
    /// batch's, as Spark's checkpoint job failing fails it.
    pub fn checkpoint_state(&mut self, t: Time) -> Vec<ComputeError> {
        let mut errors = Vec::new();
        let zero = self.zero;
        for node in &mut self.nodes {
            if !node.op.must_checkpoint() {
                continue;
            }
            let interval = node
                .checkpoint_interval
                .unwrap_or_else(|| node.default_checkpoint_interval());
            if !(t - zero).is_multiple_of(interval) {
                continue;
            }
            let Some(rdd) = node.generated.get(&t) else {
                continue;
            };
            if rdd.dependencies().is_empty() {
                continue;
            }
            match crate::rdd::with_creation_site(&node.site, || rdd.collect_partitions()) {
                Ok(parts) => {
                    // Spark's checkpointed RDD keeps its partitioner.
                    let done = crate::rdd::source::checkpointed(&self.sc, parts, &node.site)
                        .keeping_keys_of(rdd);
                    node.generated.insert(t, done);
                }
                Err(e) => errors.push(ComputeError::from_job(&node.site, e)),
            }
        }
        errors
    }

    /// Spark's `clearMetadata`: forget RDDs older than each stream's remember duration.
    pub fn clear_metadata(&mut self, t: Time) {
        let mut forgotten = Vec::new();
        for node in &mut self.nodes {
            if let Some(rdd) = node.generated.get(&t) {
                node.last_rdd = Some((t, rdd.clone()));
            }
            // A stream nothing looks back on (remember == slide) drops its batch as soon as
            // it is done.
            let keep_after = if node.remember > node.slide {
                t - node.remember
            } else {
                t
            };
            let kept = node.generated.split_off(&Time(keep_after.ms() + 1));
            forgotten.extend(std::mem::replace(&mut node.generated, kept).into_values());
        }
        drop(forgotten);
    }

    /// Receivers of the streams some output depends on.
    pub fn receivers(&self) -> Vec<Arc<dyn receiver::ReceiverHandle>> {
        self.receivers_by_stream()
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    }

    /// The receivers of the input streams some output reads, with their streams.
    pub fn receivers_by_stream(&self) -> Vec<(StreamId, Arc<dyn receiver::ReceiverHandle>)> {
        let used = self.reachable();
        self.nodes
            .iter()
            .enumerate()
            .filter(|(id, _)| used[*id])
            .filter_map(|(id, n)| n.op.receiver().map(|r| (id, r)))
            .collect()
    }

    /// Whether every input stream some output reads is drained (the fast clock's notion of
    /// "done"). A queue nothing reads is never dequeued, so it must not keep the run going.
    pub fn inputs_drained(&self) -> bool {
        let used = self.reachable();
        self.nodes
            .iter()
            .zip(used)
            .filter(|(_, used)| *used)
            .all(|(n, _)| n.op.input_drained())
    }

    /// Batches after the inputs drain until every window has emptied.
    pub fn settle_batches(&self) -> i64 {
        let longest = self
            .nodes
            .iter()
            .map(|n| n.op.parent_remember_extra() + n.slide)
            .max()
            .unwrap_or(self.batch);
        longest.times_in(self.batch) + 1
    }

    /// RDDs currently held, for tests of memory bounds.
    pub fn held_rdds(&self) -> usize {
        self.nodes.iter().map(|n| n.generated.len()).sum()
    }

    /// Records of every batch the input streams hold now, by (stream, batch time). A window
    /// makes its inputs' batches only when it looks back on them (queues dequeue lazily, as
    /// in Spark), so a batch's input may appear during a later batch.
    pub fn input_batches(&self) -> BTreeMap<(StreamId, Time), u64> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.op.is_input())
            .flat_map(|(id, n)| {
                n.generated
                    .iter()
                    .map(move |(t, r)| ((id, *t), r.source_len().unwrap_or(0) as u64))
            })
            .collect()
    }

    /// Records the input streams produced for batch `t` (while their RDDs are still held).
    pub fn input_records(&self, t: Time) -> u64 {
        self.nodes
            .iter()
            .filter(|n| n.op.is_input())
            .filter_map(|n| n.generated.get(&t))
            .map(|r| r.source_len().unwrap_or(0) as u64)
            .sum()
    }

    /// `reduceByKeyAndWindow <- map <- queueStream`: the stream's first-parent lineage.
    pub fn lineage(&self, id: StreamId) -> String {
        let mut names = Vec::new();
        let mut cur = Some(id);
        while let Some(i) = cur {
            names.push(self.nodes[i].site.op.clone());
            cur = self.nodes[i].op.parents().first().copied();
        }
        names.dedup();
        names.join(" <- ")
    }
}

use crate::checkpoint::value::StoredValue;
use crate::checkpoint::{DataCheckpoint, FORMAT, NodeData, NodeShape, VERSION};

impl DStreamGraph {
    /// The graph's shape, to compare a restarted script's graph with a checkpoint's.
    pub fn shape(&self) -> (Vec<NodeShape>, Vec<(String, usize)>) {
        let nodes = self
            .nodes
            .iter()
            .map(|n| NodeShape {
                op: n.site.op.clone(),
                site: n.site.location.clone(),
                parents: n.op.parents(),
                slide_ms: n.slide.ms(),
            })
            .collect();
        let outputs = self
            .outputs
            .iter()
            .map(|o| (o.site.op.clone(), o.stream))
            .collect();
        (nodes, outputs)
    }

    /// Spark's rule: stateful streams checkpoint every multiple of their slide >= 10 s, unless
    /// `ds.checkpoint(interval)` says otherwise; the shortest wins.
    pub fn data_interval(&self) -> Duration {
        self.nodes
            .iter()
            .filter_map(|n| {
                n.checkpoint_interval.or_else(|| {
                    n.op.must_checkpoint()
                        .then(|| n.default_checkpoint_interval())
                })
            })
            .min()
            .unwrap_or(Duration(10_000))
    }

    /// Everything later batches need after batch `t`: held RDDs and source positions.
    pub fn snapshot_data(&self, t: Time) -> Result<DataCheckpoint, String> {
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for n in &self.nodes {
            let mut rdds = Vec::new();
            for (time, rdd) in &n.generated {
                // Only data already in memory: an RDD that only lineage describes would run
                // its functions again here, and is computed again from these after a restart.
                // An input stream's batch is always saved: a source cannot produce it again
                // after a restart (a queue's union of several items has lineage).
                if !n.op.is_input() && !rdd.dependencies().is_empty() && !rdd.fully_cached() {
                    continue;
                }
                let parts = rdd.collect_partitions().map_err(|e| e.to_string())?;
                let parts = parts
                    .iter()
                    .map(|p| {
                        p.iter()
                            .map(StoredValue::from_record)
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| e.to_string())?;
                rdds.push((time.ms(), parts));
            }
            nodes.push(NodeData {
                rdds,
                source: n.op.save_source(),
            });
        }
        Ok(DataCheckpoint {
            format: FORMAT.into(),
            version: VERSION,
            time_ms: t.ms(),
            nodes,
        })
    }

    /// Puts held RDDs and source positions back as a data checkpoint recorded them.
    pub fn restore_data(&mut self, data: &DataCheckpoint) -> Result<(), String> {
        let sc = self.sc.clone();
        for (node, saved) in self.nodes.iter_mut().zip(&data.nodes) {
            node.generated.clear();
            for (ms, parts) in &saved.rdds {
                let parts = parts
                    .iter()
                    .map(|p| p.iter().map(StoredValue::to_record).collect())
                    .collect();
                node.generated
                    .insert(Time(*ms), Rdd::from_partitions(sc.clone(), parts));
            }
            if let Some(src) = &saved.source {
                node.op.restore_source(src)?;
            }
        }
        Ok(())
    }

    /// Recomputes batch `t` without running its output operations: how state is rebuilt
    /// between the last data checkpoint and the last completed batch (Spark recomputes it
    /// from lineage; outputs of completed batches are not repeated).
    pub fn recompute_silently(&mut self, t: Time) -> Vec<ComputeError> {
        let mut errors = Vec::new();
        for i in 0..self.outputs.len() {
            let stream = self.outputs[i].stream;
            if self.is_time_valid(stream, t)
                && let Err(e) = self.get_or_compute(stream, t)
            {
                errors.push(e);
            }
        }
        errors.extend(self.checkpoint_state(t));
        self.clear_metadata(t);
        errors
    }
}
