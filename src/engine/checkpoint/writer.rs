//! Spark's `CheckpointWriter`: after every batch the metadata, and every checkpoint interval
//! the data, written atomically into the checkpoint directory. What to write is taken under
//! the graph lock ([`StreamingContext::prepare_checkpoint`]); the files are written and
//! fsynced after it is released ([`StreamingContext::write_checkpoint`]).

use super::store::{WriteError, data_name, metadata_name, prune, write_atomic};
use super::validate::MAX_PENDING;
use super::{FORMAT, Metadata, NodeShape, VERSION};
use crate::clock::now_ms;
use crate::context::StreamingContext;
use crate::dstream::DStreamGraph;
use crate::lock;
use crate::time::Time;
use std::path::PathBuf;

/// The checkpoint of batch `t`, taken from the graph and not yet on disk.
pub(crate) struct PendingCheckpoint {
    dir: PathBuf,
    t: Time,
    zero: Time,
    /// The serialized data checkpoint, when one is due (or why it could not be made).
    data: Option<Result<Vec<u8>, WriteError>>,
    last_data_ms: Option<i64>,
    pending_ms: Vec<i64>,
    shape: (Vec<NodeShape>, Vec<(String, usize)>),
}

impl StreamingContext {
    /// After batch `t`, under the graph lock: what its checkpoint holds (data every
    /// checkpoint interval and at the first batch). None without a checkpoint directory.
    pub(crate) fn prepare_checkpoint(
        &self,
        g: &DStreamGraph,
        t: Time,
    ) -> Option<PendingCheckpoint> {
        let dir = PathBuf::from(self.checkpoint_dir()?);
        let last_data_ms = lock(&self.inner.checkpoint).last_data_ms;
        // Bounded: after a long downtime thousands are queued, and the list is rewritten
        // every batch. Recovery runs everything after last_completed anyway.
        let pending_ms = lock(&self.inner.progress)
            .scheduler
            .queued
            .iter()
            .take(MAX_PENDING)
            .map(|(q, _)| q.ms())
            .collect::<Vec<_>>();
        let due = last_data_ms.is_none() || (t - g.zero).is_multiple_of(g.data_interval());
        let data = due.then(|| {
            g.snapshot_data(t)
                .and_then(|d| serde_json::to_vec(&d).map_err(|e| e.to_string()))
                .map_err(WriteError::Serialize)
        });
        Some(PendingCheckpoint {
            dir,
            t,
            zero: g.zero,
            data,
            last_data_ms,
            pending_ms,
            shape: g.shape(),
        })
    }

    /// Writes a prepared checkpoint: the data, then the metadata naming it. A failed write is
    /// reported and the stream goes on.
    pub(crate) fn write_checkpoint(&self, p: PendingCheckpoint) {
        let sink = &self.inner.config.sink;
        let t = p.t;
        let mut data_ms = p.last_data_ms;
        if let Some(data) = p.data {
            match data.and_then(|bytes| write_atomic(&p.dir, &data_name(t.ms()), &bytes)) {
                Ok(()) => data_ms = Some(t.ms()),
                Err(e) => sink.warn(&format!(
                    "Checkpoint: cannot write the data checkpoint: {e}"
                )),
            }
        }
        let (graph, outputs) = p.shape;
        let meta = Metadata {
            format: FORMAT.into(),
            version: VERSION,
            batch_ms: self.inner.batch.ms(),
            zero_ms: p.zero.ms(),
            graph,
            outputs,
            last_completed_ms: t.ms(),
            pending_ms: p.pending_ms,
            data_ms,
            written_at_ms: now_ms(),
            config: self.checkpointed_config(),
        };
        let written = serde_json::to_vec(&meta)
            .map_err(|e| WriteError::Serialize(e.to_string()))
            .and_then(|b| write_atomic(&p.dir, &metadata_name(t.ms()), &b));
        match written {
            Ok(()) => {
                prune(&p.dir);
                let mut st = lock(&self.inner.checkpoint);
                st.last_data_ms = data_ms;
                st.last_checkpoint_ms = Some(now_ms());
            }
            Err(e) => sink.warn(&format!(
                "Checkpoint: cannot write the metadata checkpoint: {e}"
            )),
        }
    }

    /// The settings a checkpoint records.
    fn checkpointed_config(&self) -> Vec<(String, String)> {
        let mut c = vec![
            (
                "spark.master".to_string(),
                self.inner.sc.master().to_string(),
            ),
            (
                "centella.clock".to_string(),
                format!("{:?}", self.inner.config.clock).to_lowercase(),
            ),
        ];
        c.extend(self.inner.config.session.conf.all());
        c
    }

    /// The checkpoint directory and when the last checkpoint was written (wall-clock ms).
    pub fn last_checkpoint(&self) -> Option<(String, i64)> {
        let st = lock(&self.inner.checkpoint);
        Some((st.dir.clone()?, st.last_checkpoint_ms?))
    }
}
