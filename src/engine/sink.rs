//! Where the engine's output goes. The engine never writes to the terminal itself: the CLI
//! or REPL provides a sink (plain stdout, or rustyline's external printer).

use super::error::BatchError;
use super::lock;

pub trait OutputSink: Send + Sync {
    /// A complete pprint block, ending in its blank line.
    fn pprint(&self, block: &str);
    /// A batch whose output operation failed.
    fn batch_error(&self, err: &BatchError);
    /// A warning for the user (e.g. receiver trouble), one line.
    fn warn(&self, msg: &str);
    /// Text printed by the script (`print`).
    fn print(&self, text: &str);
    /// Good news after trouble, e.g. a receiver that connected again. Required: each sink
    /// says how INFO looks, so a message reads the same in a script and in the shell.
    fn info(&self, msg: &str);
    /// A line from the script's `debug(...)`, already prefixed with where it was called.
    fn debug(&self, line: &str);
}

/// Collects everything, for tests.
#[derive(Default)]
pub struct MemorySink {
    pub out: std::sync::Mutex<String>,
    pub err: std::sync::Mutex<String>,
}

impl MemorySink {
    pub fn stdout(&self) -> String {
        lock(&self.out).clone()
    }
    pub fn stderr(&self) -> String {
        lock(&self.err).clone()
    }
}

impl OutputSink for MemorySink {
    fn pprint(&self, block: &str) {
        lock(&self.out).push_str(block);
    }
    fn batch_error(&self, err: &BatchError) {
        lock(&self.err).push_str(&format!("ERROR: {err}\n"));
    }
    fn warn(&self, msg: &str) {
        lock(&self.err).push_str(&format!("WARN: {msg}\n"));
    }
    fn info(&self, msg: &str) {
        lock(&self.err).push_str(&format!("INFO: {msg}\n"));
    }
    fn debug(&self, line: &str) {
        let mut s = lock(&self.err);
        s.push_str(line);
        s.push('\n');
    }
    fn print(&self, text: &str) {
        let mut s = lock(&self.out);
        s.push_str(text);
        s.push('\n');
    }
}
