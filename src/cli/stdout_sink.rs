//! The plain terminal sink: pprint blocks and prints to stdout, errors to stderr.

use crate::engine::error::BatchError;
use crate::engine::sink::OutputSink;
use std::io::Write;

#[derive(Default)]
pub struct StdoutSink;

impl OutputSink for StdoutSink {
    fn pprint(&self, block: &str) {
        let mut out = std::io::stdout().lock();
        // A closed pipe (e.g. `| head`) is not an error worth dying for.
        let _ = out.write_all(block.as_bytes());
        let _ = out.flush();
    }

    fn batch_error(&self, err: &BatchError) {
        let _ = std::io::stdout().lock().flush();
        let _ = writeln!(std::io::stderr().lock(), "ERROR: {err}");
    }

    fn warn(&self, msg: &str) {
        let _ = writeln!(std::io::stderr().lock(), "WARN: {msg}");
    }

    fn info(&self, msg: &str) {
        let _ = writeln!(std::io::stderr().lock(), "INFO: {msg}");
    }

    fn debug(&self, line: &str) {
        let _ = std::io::stdout().lock().flush();
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }

    fn print(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }
}
