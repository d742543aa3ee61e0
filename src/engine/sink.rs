//! Where the engine's output goes. The engine never writes to the terminal itself: the CLI
//! or REPL provides a sink (plain stdout, or rustyline's external printer).

use super::error::BatchError;

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
        self.out.lock().map(|s| s.clone()).unwrap_or_default()
    }
    pub fn stderr(&self) -> String {
        self.err.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl OutputSink for MemorySink {
    fn pprint(&self, block: &str) {
        if let Ok(mut s) = self.out.lock() {
            s.push_str(block);
        }
    }
    fn batch_error(&self, err: &BatchError) {
        if let Ok(mut s) = self.err.lock() {
            s.push_str(&format!("ERROR: {err}\n"));
        }
    }
    fn warn(&self, msg: &str) {
        if let Ok(mut s) = self.err.lock() {
            s.push_str(&format!("WARN: {msg}\n"));
        }
    }
    fn info(&self, msg: &str) {
        if let Ok(mut s) = self.err.lock() {
            s.push_str(&format!("INFO: {msg}\n"));
        }
    }
    fn debug(&self, line: &str) {
        if let Ok(mut s) = self.err.lock() {
            s.push_str(line);
            s.push('\n');
        }
    }
    fn print(&self, text: &str) {
        if let Ok(mut s) = self.out.lock() {
            s.push_str(text);
            s.push('\n');
        }
    }
}
