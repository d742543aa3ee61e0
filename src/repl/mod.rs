//! The interactive shell. On a terminal: rustyline with completion, highlighting, hints,
//! history and background output printed above the prompt. Otherwise (pipes, CI,
//! `TERM=dumb`): plain stdout, no prompt, no colour, the same entries and meta-commands.
//!
//! One [`ScriptHost`] holds the session (one Scope, functions kept across entries). Ctrl-C
//! calls [`request_abort`]: running closures and waits give up, streams keep running.

pub mod caret;
pub mod collapse;
pub mod commands;
pub mod editor;
pub mod entry;
pub mod help;
pub mod helper;
mod interactive;
mod plain;
pub mod printer;
mod python_entry;
pub mod registry;
pub mod restart;
mod shell;
pub mod syntax;

use crate::engine::clock::ClockKind;
use crate::engine::dstream::output::Notation;
use crate::engine::session::Session;
use crate::engine::time::Time;
use crate::script::api_listener::ContextHooks;
use std::io::IsTerminal;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_INTERRUPTED: i32 = 130;

/// How to start the shell (from the command line).
pub struct ShellOptions {
    pub clock: ClockKind,
    pub start_time: Time,
    pub max_batches: Option<u64>,
    pub notation: Notation,
    pub parallelism: crate::engine::sc::Master,
    /// `-i SCRIPT`: run it first, then stay in the shell.
    pub init_script: Option<String>,
    /// `--no-color`.
    pub no_color: bool,
    /// What runs on every context the session creates (the delay warning, the web UI).
    pub hooks: ContextHooks,
    /// The web UI's page, for the banner, when it runs.
    pub ui_url: Option<String>,
    /// `--conf` and the cancel token Ctrl-C sets.
    pub session: Session,
}

/// Whether the shell can be interactive: stdin and stdout are terminals and TERM is usable.
pub fn is_interactive() -> bool {
    let term = std::env::var("TERM").unwrap_or_default();
    std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
        && !matches!(term.as_str(), "dumb" | "cons25" | "emacs")
}

pub use entry::is_complete;
pub use interactive::history_path;
pub use shell::{Shell, interval_text};

/// Runs the shell; returns the exit status.
pub fn run(opts: ShellOptions) -> i32 {
    if is_interactive() {
        interactive::run_interactive(&opts)
    } else {
        plain::run_plain(&opts)
    }
}

/// A host for unit tests: manual clock, output collected in memory.
#[cfg(test)]
pub(crate) fn test_host() -> crate::script::ScriptHost {
    let cfg = crate::engine::clock::RunConfig {
        clock: ClockKind::Manual,
        start_time: Time(0),
        max_batches: None,
        notation: Notation::Python,
        sink: std::sync::Arc::new(crate::engine::sink::MemorySink::default()),
        session: Session::default(),
    };
    match crate::script::ScriptHost::new(cfg, 2) {
        Ok(h) => h,
        Err(e) => panic!("cannot build a script host: {e}"),
    }
}
