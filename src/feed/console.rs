//! `centella feed --interactive`: the teacher types lines and every client gets them. On a
//! terminal a line editor keeps each typed line on the screen; news about clients prints on
//! lines of its own above the prompt (never over what is being typed). Ctrl-D (or the end
//! of piped input) ends the feed once the lines typed so far are sent.

use super::{Broadcast, Stats};
use rustyline::error::ReadlineError;
use rustyline::{DefaultEditor, ExternalPrinter};
use std::io::{BufRead, IsTerminal};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const PROMPT: &str = "feed> ";

/// Reads typed lines until Ctrl-D; returns the exit status.
pub fn type_lines(hub: Arc<Broadcast>, stats: Arc<Stats>) -> i32 {
    let on_terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let editor = on_terminal.then(DefaultEditor::new).and_then(Result::ok);
    let status = match editor {
        Some(mut rl) => {
            eprintln!("centella feed: type lines; each goes to every connected client");
            let done = Arc::new(AtomicBool::new(false));
            if let Ok(printer) = rl.create_external_printer() {
                watch_clients(printer, stats.clone(), done.clone());
            }
            let status = edit_lines(&mut rl, &hub, &stats);
            done.store(true, Ordering::SeqCst);
            status
        }
        None => read_piped(&hub),
    };
    finish(&hub, &stats);
    status
}

fn edit_lines(rl: &mut DefaultEditor, hub: &Broadcast, stats: &Stats) -> i32 {
    loop {
        match rl.readline(PROMPT) {
            Ok(line) => {
                let _ = rl.add_history_entry(line.as_str());
                if stats.clients.load(Ordering::SeqCst) == 0 {
                    eprintln!("  (no client yet: the line waits for the first one)");
                }
                hub.publish(line.into());
            }
            Err(ReadlineError::Eof) => return 0,
            Err(ReadlineError::Interrupted) => return 130,
            Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                eprintln!(
                    "centella feed: the terminal sent bytes that are not UTF-8; the line was \
                     dropped: type it again"
                );
            }
            Err(e) => {
                eprintln!("centella feed: cannot read the terminal: {e}");
                return 1;
            }
        }
    }
}

/// Piped input: each line goes out; bytes that are not UTF-8 read as U+FFFD.
fn read_piped(hub: &Broadcast) -> i32 {
    let mut input = std::io::stdin().lock();
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        match input.read_until(b'\n', &mut bytes) {
            Ok(0) => return 0,
            Ok(_) => {
                if bytes.ends_with(b"\n") {
                    bytes.pop();
                }
                if bytes.ends_with(b"\r") {
                    bytes.pop();
                }
                hub.publish(String::from_utf8_lossy(&bytes).into());
            }
            Err(e) => {
                eprintln!("centella feed: cannot read stdin: {e}");
                return 1;
            }
        }
    }
}

/// Prints a line above the prompt whenever the number of clients changes.
fn watch_clients(
    mut printer: impl ExternalPrinter + Send + 'static,
    stats: Arc<Stats>,
    done: Arc<AtomicBool>,
) {
    std::thread::spawn(move || {
        let mut shown = 0;
        while !done.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(100));
            let clients = stats.clients.load(Ordering::SeqCst);
            if clients != shown {
                shown = clients;
                let lines = stats.lines.load(Ordering::SeqCst);
                let s = if clients == 1 { "" } else { "s" };
                if printer
                    .print(format!(
                        "  [{clients} client{s} connected, {lines} lines sent]\n"
                    ))
                    .is_err()
                {
                    return;
                }
            }
        }
    });
}

/// Lets the clients' threads send what was typed (at most a few seconds), then says so.
fn finish(hub: &Broadcast, stats: &Stats) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while stats.lines.load(Ordering::SeqCst) < hub.queued() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!(
        "centella feed: input ended: {} lines sent; stopping",
        stats.lines.load(Ordering::SeqCst)
    );
}
