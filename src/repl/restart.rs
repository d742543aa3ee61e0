//! `:restart` (also `:reset --keep`): after a failed `ssc.start()` Spark leaves the context
//! stopped for good. The shell keeps that rule but gives the way out: a fresh `ssc`, and the
//! pipeline entries typed since the context was made run again (variables and functions
//! stay; values a stream consumed, such as queues, are rebuilt by their entries). While they
//! replay, `start`, `stop`, `tick` and the awaits do nothing.

use super::Shell;

/// A `ssc.start()` that failed Spark's checks: the entry's pipeline before it ran, so
/// `:restart` re-runs the entry (its start then does nothing).
pub fn failed_start(message: &str) -> bool {
    use crate::engine::error::StreamingError as E;
    [E::CheckpointDirNotSet, E::NoOutputOperations]
        .iter()
        .any(|e| message.contains(&e.to_string()))
}

/// What to type after an error that left `ssc` stopped.
pub fn hint_for(message: &str) -> Option<String> {
    use crate::engine::error::StreamingError as E;
    let has = |e: E| message.contains(&e.to_string());
    if has(E::CheckpointDirNotSet) {
        Some(
            "the failed start stopped ssc, as in Spark. Type :restart (a fresh ssc with this \
             session's pipeline, nothing to retype), then ssc.checkpoint(\"checkpoint\") and \
             ssc.start()"
                .into(),
        )
    } else if has(E::NoOutputOperations) {
        Some(
            "the failed start stopped ssc, as in Spark. Type :restart (a fresh ssc with this \
             session's pipeline), add an output such as ds.pprint(), then ssc.start()"
                .into(),
        )
    } else if has(E::AlreadyStopped) || has(E::AddAfterStop) {
        Some(
            "ssc is stopped for good, as in Spark: :restart builds a fresh ssc and re-runs \
             this session's pipeline (variables and functions stay)"
                .into(),
        )
    } else {
        None
    }
}

impl Shell {
    /// `:restart`: a fresh `ssc`, then the entries typed since the old one was made.
    pub fn restart(&mut self) {
        self.abort_running();
        let entries: Vec<String> = self
            .transcript
            .split_off(self.context_from.min(self.transcript.len()));
        let ssc = self.host.fresh_context();
        self.printer.forget_errors();
        self.window_note_given = false;
        self.host.mode().set_replaying(true);
        self.printer.set_mute_prints(true);
        let mut failed = Vec::new();
        for (i, code) in entries.iter().enumerate() {
            let name = format!("<restart {}>", i + 1);
            self.config.session.cancel.clear_abort();
            match self.host.eval(&name, code) {
                Ok(_) => self.transcript.push(code.clone()),
                Err(e) => failed.push(e.to_string()),
            }
        }
        self.printer.set_mute_prints(false);
        self.host.mode().set_replaying(false);
        let ran = entries.len() - failed.len();
        let interval = super::interval_text(ssc.batch_duration().ms());
        let what = match ran {
            0 => "no entries to re-run".to_string(),
            1 => "re-ran the 1 entry typed since the context was made".to_string(),
            n => format!("re-ran the {n} entries typed since the context was made"),
        };
        self.printer.out(&format!(
            "fresh ssc (batch {interval}); {what}; variables and functions kept. \
             ssc.start() starts it"
        ));
        for e in failed {
            self.fail(&format!("while re-running an entry: {e}"));
        }
    }
}
