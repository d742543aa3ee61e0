//! Where the shell writes: an [`OutputSink`] over rustyline's `ExternalPrinter`, so pprint
//! blocks and batch errors from background batches print above the whole entry being typed
//! (one message per block) without garbling it; plain stdout/stderr when not on a terminal.
//! Repetitive stream output goes through a [`Collapser`]: on a terminal its summary line is
//! rewritten in place while it is still the last line above the prompt.

use super::collapse::{Collapser, EmptyBatches, Shown};
use crate::engine::error::BatchError;
use crate::engine::sink::OutputSink;
use nu_ansi_term::Color;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

type External = Box<dyn rustyline::ExternalPrinter + Send>;

/// Which summary line is the last line written, if one is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SummaryKind {
    EmptyRun,
    SameError,
}

struct Lines {
    collapser: Collapser,
    /// The last thing written is this kind of summary line (a terminal rewrites it in place).
    summary_last: Option<SummaryKind>,
    /// Plain mode: the summary of the current run of empty batches, printed when it ends.
    pending: Option<String>,
}

pub struct Printer {
    /// None: plain mode (stdout for output, stderr for errors and warnings).
    external: Mutex<Option<External>>,
    color: bool,
    lines: Mutex<Lines>,
    /// `:restart` replays entries without printing what `print` printed the first time.
    mute_prints: AtomicBool,
    /// Stream output so far (pprint blocks, prints, batch errors), for `:tick`'s note.
    outputs: AtomicU64,
    /// The terminal's width in columns (0: unknown), to fit error lines.
    width: AtomicUsize,
}

impl Printer {
    pub fn plain() -> Printer {
        Printer::new(None, false, EmptyBatches::Show)
    }

    /// On a terminal runs of empty batches collapse by default (`:empty show` shows them).
    pub fn external(printer: External, color: bool) -> Printer {
        Printer::new(Some(printer), color, EmptyBatches::Collapse)
    }

    fn new(external: Option<External>, color: bool, empty: EmptyBatches) -> Printer {
        Printer {
            external: Mutex::new(external),
            color,
            lines: Mutex::new(Lines {
                collapser: Collapser::new(empty),
                summary_last: None,
                pending: None,
            }),
            mute_prints: AtomicBool::new(false),
            outputs: AtomicU64::new(0),
            width: AtomicUsize::new(0),
        }
    }

    pub fn set_width(&self, cols: usize) {
        self.width.store(cols, Ordering::SeqCst);
    }

    /// The terminal's width, when known.
    pub fn width(&self) -> Option<usize> {
        Some(self.width.load(Ordering::SeqCst)).filter(|w| *w > 0)
    }

    pub fn color(&self) -> bool {
        self.color
    }

    fn lines(&self) -> std::sync::MutexGuard<'_, Lines> {
        self.lines.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `:empty show|collapse`.
    pub fn set_empty_batches(&self, mode: EmptyBatches) {
        self.flush_pending();
        self.lines().collapser.empty = mode;
    }

    pub fn empty_batches(&self) -> EmptyBatches {
        self.lines().collapser.empty
    }

    pub fn set_mute_prints(&self, on: bool) {
        self.mute_prints.store(on, Ordering::SeqCst);
    }

    /// Stream output written so far.
    pub fn outputs(&self) -> u64 {
        self.outputs.load(Ordering::SeqCst)
    }

    /// The user submitted an entry: it now sits below any summary line, which must not be
    /// rewritten over it.
    pub fn mark_input(&self) {
        self.lines().summary_last = None;
    }

    /// A new context: an error it repeats is new again.
    pub fn forget_errors(&self) {
        self.lines().collapser.forget_errors();
    }

    /// Plain mode: prints the summary of a run of empty batches that is still pending.
    pub fn flush_pending(&self) {
        let pending = self.lines().pending.take();
        if let Some(line) = pending {
            self.write(line, false);
        }
    }

    /// Writes one message as one block, after any pending summary; it is now the last line.
    fn emit(&self, text: String, to_stderr: bool) {
        let pending = {
            let mut l = self.lines();
            l.summary_last = None;
            l.pending.take()
        };
        if let Some(line) = pending {
            self.write(line, false);
        }
        self.write(text, to_stderr);
    }

    /// A summary line: on a terminal it replaces the previous one of its kind when that is
    /// still the last line; in plain mode a run's summary waits for the run's end, a
    /// repeated error's prints at once.
    fn summary(&self, kind: SummaryKind, text: String, to_stderr: bool) {
        let text = if self.color {
            nu_ansi_term::Style::new().dimmed().paint(text).to_string()
        } else {
            text
        };
        let terminal = self.is_terminal();
        let mut l = self.lines();
        if !terminal {
            if kind == SummaryKind::EmptyRun {
                l.pending = Some(text);
                return;
            }
            let pending = l.pending.take();
            drop(l);
            if let Some(line) = pending {
                self.write(line, false);
            }
            self.write(text, to_stderr);
            return;
        }
        // Up one line and clear it: the previous summary, just above the prompt.
        let msg = if l.summary_last == Some(kind) {
            format!("\x1b[1A\r\x1b[2K{text}")
        } else {
            text
        };
        l.summary_last = Some(kind);
        // Written under the lock, so no other message can slip in between.
        self.write(msg, to_stderr);
    }

    fn is_terminal(&self) -> bool {
        self.external
            .lock()
            .map(|g| g.is_some())
            .unwrap_or_else(|p| p.into_inner().is_some())
    }

    /// Writes one message (ending in a newline) as one block.
    fn write(&self, text: String, to_stderr: bool) {
        let mut guard = self.external.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(ext) = guard.as_mut() {
            let mut msg = text;
            if !msg.ends_with('\n') {
                msg.push('\n');
            }
            if ext.print(msg.clone()).is_ok() {
                return;
            }
            // The terminal went away: fall through to plain output.
            write_plain(&msg, to_stderr);
            return;
        }
        drop(guard);
        let mut msg = text;
        if !msg.ends_with('\n') {
            msg.push('\n');
        }
        write_plain(&msg, to_stderr);
    }

    /// Normal output of the shell (values, command output).
    pub fn out(&self, text: &str) {
        self.emit(text.to_string(), false);
    }

    /// An error: red on a terminal, stderr in plain mode.
    pub fn error(&self, text: &str) {
        let text = if self.color {
            Color::Red.paint(text).to_string()
        } else {
            text.to_string()
        };
        self.emit(text, true);
    }

    /// A note or hint: yellow on a terminal, stderr in plain mode.
    pub fn note(&self, text: &str) {
        let text = if self.color {
            Color::Yellow.paint(text).to_string()
        } else {
            text.to_string()
        };
        self.emit(text, true);
    }

    /// A dimmed remark beside the session's output (`read as Python: ...`): stderr in plain
    /// mode, so piped output keeps only what the entries print.
    pub fn aside(&self, text: &str) {
        self.dim_to(text, true);
    }

    /// Dimmed text (echoed values' annotations, banners).
    pub fn dim(&self, text: &str) {
        self.dim_to(text, false);
    }

    fn dim_to(&self, text: &str, to_stderr: bool) {
        let text = if self.color {
            nu_ansi_term::Style::new().dimmed().paint(text).to_string()
        } else {
            text.to_string()
        };
        self.emit(text, to_stderr);
    }
}

fn write_plain(msg: &str, to_stderr: bool) {
    // A closed pipe (e.g. `| head`) is not worth dying for.
    if to_stderr {
        let _ = std::io::stdout().lock().flush();
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(msg.as_bytes());
        let _ = err.flush();
    } else {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(msg.as_bytes());
        let _ = out.flush();
    }
}

impl OutputSink for Printer {
    fn pprint(&self, block: &str) {
        self.outputs.fetch_add(1, Ordering::SeqCst);
        let shown = self.lines().collapser.pprint(block);
        match shown {
            Shown::Full(text) => self.emit(text, false),
            Shown::Summary(line) => self.summary(SummaryKind::EmptyRun, line, false),
        }
    }

    fn batch_error(&self, err: &BatchError) {
        self.outputs.fetch_add(1, Ordering::SeqCst);
        let full = format!("ERROR: {err}");
        let key = format!("{}: {}", err.site, err.message);
        let shown = self
            .lines()
            .collapser
            .batch_error(&key, &err.time.to_string(), &full);
        match shown {
            Shown::Full(text) => self.error(&text),
            Shown::Summary(line) => self.summary(SummaryKind::SameError, line, true),
        }
    }

    fn warn(&self, msg: &str) {
        self.note(&format!("WARN: {msg}"));
    }

    fn info(&self, msg: &str) {
        self.dim_to(&format!("INFO: {msg}"), true);
    }

    /// Above the prompt like every other line, on stderr in plain mode as before.
    fn debug(&self, line: &str) {
        self.dim_to(line, true);
    }

    fn print(&self, text: &str) {
        if self.mute_prints.load(Ordering::SeqCst) {
            return;
        }
        self.outputs.fetch_add(1, Ordering::SeqCst);
        self.lines().collapser.other_output();
        self.emit(text.to_string(), false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    struct Capture(Arc<Mutex<Vec<String>>>);

    impl rustyline::ExternalPrinter for Capture {
        fn print(&mut self, msg: String) -> rustyline::Result<()> {
            if let Ok(mut v) = self.0.lock() {
                v.push(msg);
            }
            Ok(())
        }
    }

    fn captured(seen: &Arc<Mutex<Vec<String>>>) -> Vec<String> {
        seen.lock().map(|v| v.clone()).unwrap_or_default()
    }

    #[test]
    fn good_news_is_info_not_a_warning() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let p = Printer::external(Box::new(Capture(seen.clone())), false);
        p.info("socketTextStream: connected again to localhost:9999");
        assert_eq!(
            captured(&seen),
            vec!["INFO: socketTextStream: connected again to localhost:9999\n"]
        );
    }

    #[test]
    fn a_summary_line_is_rewritten_only_while_it_is_the_last_line() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let p = Printer::external(Box::new(Capture(seen.clone())), false);
        let empty = |t: &str| format!("-------\nTime: 2021-11-14 {t}\n-------\n\n");
        p.pprint(&empty("10:01:02"));
        p.pprint(&empty("10:01:03"));
        // The user's entry now sits below the summary: a new summary line starts.
        p.mark_input();
        p.pprint(&empty("10:01:04"));
        assert_eq!(
            captured(&seen),
            vec![
                "... 1 empty batch (10:01:02)\n",
                "\x1b[1A\r\x1b[2K... 2 empty batches (10:01:02–10:01:03)\n",
                "... 3 empty batches (10:01:02–10:01:04)\n",
            ]
        );
        assert_eq!(p.outputs(), 3);
    }

    #[test]
    fn plain_mode_prints_a_run_once_it_ends() {
        let p = Printer::plain();
        p.set_empty_batches(EmptyBatches::Collapse);
        let empty = "-------\nTime: 2021-11-14 10:01:02\n-------\n\n";
        p.pprint(empty);
        assert!(p.lines().pending.is_some());
        p.flush_pending();
        assert!(p.lines().pending.is_none());
    }

    #[test]
    fn one_message_per_block_each_ending_in_a_newline() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let p = Printer::external(Box::new(Capture(seen.clone())), false);
        p.pprint("-------\nTime: x\n-------\n1\n\n");
        p.print("hello");
        p.warn("careful");
        let seen = seen.lock().map(|v| v.clone()).unwrap_or_default();
        assert_eq!(
            seen,
            vec![
                "-------\nTime: x\n-------\n1\n\n",
                "hello\n",
                "WARN: careful\n"
            ]
        );
    }
}
