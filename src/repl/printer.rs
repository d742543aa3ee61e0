//! Where the shell writes: an [`OutputSink`] over rustyline's `ExternalPrinter`, so pprint
//! blocks and batch errors from background batches print above the prompt (one message per
//! block) without garbling the line being typed; plain stdout/stderr when not on a terminal.

use crate::engine::error::BatchError;
use crate::engine::sink::OutputSink;
use nu_ansi_term::Color;
use std::io::Write;
use std::sync::Mutex;

type External = Box<dyn rustyline::ExternalPrinter + Send>;

pub struct Printer {
    /// None: plain mode (stdout for output, stderr for errors and warnings).
    external: Mutex<Option<External>>,
    color: bool,
}

impl Printer {
    pub fn plain() -> Printer {
        Printer {
            external: Mutex::new(None),
            color: false,
        }
    }

    pub fn external(printer: External, color: bool) -> Printer {
        Printer {
            external: Mutex::new(Some(printer)),
            color,
        }
    }

    pub fn color(&self) -> bool {
        self.color
    }

    /// Writes one message (ending in a newline) as one block.
    fn emit(&self, text: String, to_stderr: bool) {
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

    /// Dimmed text (echoed values' annotations, banners).
    pub fn dim(&self, text: &str) {
        let text = if self.color {
            nu_ansi_term::Style::new().dimmed().paint(text).to_string()
        } else {
            text.to_string()
        };
        self.emit(text, false);
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
        self.emit(block.to_string(), false);
    }

    fn batch_error(&self, err: &BatchError) {
        self.error(&format!("ERROR: {err}"));
    }

    fn warn(&self, msg: &str) {
        self.note(&format!("WARN: {msg}"));
    }

    fn print(&self, text: &str) {
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
