//! The shell on a terminal: rustyline with completion, highlighting, hints, history and
//! background output printed above the prompt.

use super::commands::Flow;
use super::editor::ShellHelper;
use super::helper::ReplHelper;
use super::printer::Printer;
use super::{EXIT_FAILED, EXIT_OK, Shell, ShellOptions, is_interactive};
use crate::engine::context::ContextState;
use crate::engine::sink::OutputSink;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{ColorMode, CompletionType, Config, Editor};
use std::path::PathBuf;
use std::sync::Arc;

/// Colour only on a terminal, without `NO_COLOR` or `--no-color`.
fn use_color(no_color: bool) -> bool {
    !no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && is_interactive()
}

/// Where history lives: `$XDG_STATE_HOME/centella/history`, else `~/.local/state/centella/history`.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("centella").join("history"))
}

pub(super) fn run_interactive(opts: &ShellOptions) -> i32 {
    let color = use_color(opts.no_color);
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_space(true)
        .completion_type(CompletionType::List)
        .bracketed_paste(true)
        .color_mode(if color {
            ColorMode::Enabled
        } else {
            ColorMode::Disabled
        })
        .build();
    let mut rl: Editor<ShellHelper, DefaultHistory> = match Editor::with_config(config) {
        Ok(rl) => rl,
        Err(e) => {
            eprintln!("warning: no line editor ({e}): reading plain lines");
            return super::plain::run_plain(opts);
        }
    };
    let printer = match rl.create_external_printer() {
        Ok(p) => Printer::external(Box::new(p), color),
        Err(_) => Printer::plain(),
    };
    let printer = Arc::new(printer);
    let mut shell = match Shell::new(opts, printer.clone(), "<shell>") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    rl.set_helper(Some(ShellHelper::new(
        ReplHelper::new(shell.registry.clone(), color),
        shell.host.engine().clone(),
        printer.clone(),
    )));
    let history = history_path();
    if let Some(path) = &history {
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            printer.note(&format!(
                "warning: history will not be saved: cannot create {}: {e}",
                dir.display()
            ));
        }
        if path.exists()
            && let Err(e) = rl.load_history(path)
        {
            printer.note(&format!(
                "warning: cannot read the history {}: {e}",
                path.display()
            ));
        }
    }
    printer.dim(&shell.banner());
    if let Some(path) = &opts.init_script {
        shell.load(path);
    }
    let mut history_warned = false;
    // An entry given back after a byte that is not UTF-8 ended the read.
    let mut resume: Option<String> = None;
    loop {
        if let Some(h) = rl.helper_mut() {
            h.inner.vars = shell.var_types();
        }
        if let Some((cols, _)) = rl.dimensions() {
            printer.set_width(usize::from(cols));
        }
        let prompt = shell.prompt();
        let read = match resume.take() {
            Some(text) => rl.readline_with_initial(&prompt, (&text, "")),
            None => rl.readline(&prompt),
        };
        printer.mark_input();
        let typed = rl.helper().map(ShellHelper::take_last_line);
        match read {
            Ok(entry) => {
                if entry.trim().is_empty() {
                    continue;
                }
                add_history(&mut rl, &history, &entry, &printer, &mut history_warned);
                if shell.submit(&entry) == Flow::Quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                // Ctrl-C: clear the entry being typed; stop a runaway batch.
                if shell.abort_running() {
                    printer.note(
                        "interrupted the running batch (the stream keeps running; :stop stops it)",
                    );
                }
            }
            Err(ReadlineError::Eof) => break,
            Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                // A byte that is not UTF-8 ends the line editor's read, not the session: the
                // entry comes back with U+FFFD in the bad bytes' place.
                printer.warn(
                    "the terminal sent bytes that are not UTF-8: they read as U+FFFD; check \
                     that the terminal's encoding is UTF-8",
                );
                resume = Some(format!("{}\u{FFFD}", typed.unwrap_or_default()));
            }
            Err(e) => {
                printer.error(&format!("error: cannot read the terminal: {e}"));
                break;
            }
        }
    }
    let active = shell
        .host
        .contexts()
        .iter()
        .any(|c| c.state() == ContextState::Active);
    if active {
        printer.dim("stopping the StreamingContext gracefully...");
    }
    let graceful = !shell.interrupted_batch;
    if graceful {
        shell.stop_all(true);
    } else {
        shell.abort_running();
        shell.stop_all(false);
    }
    EXIT_OK
}

fn add_history(
    rl: &mut Editor<ShellHelper, DefaultHistory>,
    path: &Option<PathBuf>,
    entry: &str,
    printer: &Printer,
    warned: &mut bool,
) {
    let entry = entry.trim_end();
    if rl.add_history_entry(entry).unwrap_or(false)
        && let Some(p) = path
        && let Err(e) = rl.append_history(p)
        && !*warned
    {
        printer.note(&format!(
            "warning: cannot save the history to {}: {e}",
            p.display()
        ));
        *warned = true;
    }
}
