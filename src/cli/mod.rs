//! The command line: argument parsing, the terminal sink, and what each command does (run a
//! script, the shell, `export`, `feed`, the UI's start-up). The only layer besides the REPL
//! that writes to the terminal; `src/main.rs` only parses the arguments and calls [`main`].

pub mod args;
pub mod export;
pub mod feed;
pub mod run_script;
pub mod stdout_sink;
pub mod translate;
pub mod ui;

use crate::engine::session::Session;
use crate::repl::{self, ShellOptions};
use args::{Args, Command};
use run_script::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE};

/// The stack of the thread that runs scripts (and, under the simulated clocks, batches):
/// records are cloned and dropped recursively, and a deeply nested one must reach the depth
/// check (a `RecursionError`) rather than overflow. Only the pages touched are committed.
const MAIN_STACK: usize = 256 << 20;

/// Runs the command the arguments name on a thread with a roomy stack; the exit status.
pub fn main(args: Args) -> i32 {
    let code = std::thread::Builder::new()
        .name("main".into())
        .stack_size(MAIN_STACK)
        .spawn(move || run(args))
        .map(|t| t.join().unwrap_or(EXIT_FAILED));
    code.unwrap_or_else(|e| {
        eprintln!("error: cannot start the main thread: {e}");
        EXIT_FAILED
    })
}

fn run(args: Args) -> i32 {
    match &args.command {
        Some(Command::Feed(feed)) => return feed::run(feed),
        Some(Command::Export(export)) => return export::run(export),
        Some(Command::Translate(t)) => return translate::run(t),
        None => {}
    }
    // What the session's contexts share: `--conf`, the cancel token Ctrl-C sets, the clock.
    let session = Session::default();
    if let Some(rate) = args.receiver_max_rate {
        // `--receiver-max-rate` is Spark's setting by another name; a `--conf` of it wins.
        session
            .conf
            .set(crate::engine::conf::RECEIVER_MAX_RATE, &rate.to_string());
    }
    if let Err(code) = apply_conf(&session, &args.conf) {
        return code;
    }
    // Stops when run returns.
    let ui = ui::start(&args);
    // No script (or -i): the shell. On a terminal Ctrl-C interrupts the running evaluation or
    // closure and the streams keep running; piped, it stops everything as in script mode.
    let shell = args.script.is_none() || args.interactive;
    set_ctrlc_handler(&session, shell && repl::is_interactive());
    if shell {
        return repl::run(ShellOptions {
            clock: args.clock,
            start_time: args.start_time,
            max_batches: args.batches,
            notation: args.notation,
            parallelism: args.master,
            init_script: args.script.clone(),
            no_color: args.no_color,
            hooks: ui.hooks.clone(),
            ui_url: ui.url(),
            session,
        });
    }
    run_script::run_file(&args, ui.hooks.clone(), session)
}

/// `--conf KEY=VALUE` pairs; a bad one is a usage error (the exit status).
fn apply_conf(session: &Session, pairs: &[String]) -> Result<(), i32> {
    for pair in pairs {
        match session.conf.set_pair(pair) {
            Ok(Some(warning)) => eprintln!("WARN: {warning}"),
            Ok(None) => {}
            Err(e) => {
                eprintln!("error: {e}");
                return Err(EXIT_USAGE);
            }
        }
    }
    Ok(())
}

/// In the interactive shell Ctrl-C aborts what runs. Elsewhere the first Ctrl-C stops the
/// streams and running closures cleanly; a second one exits now.
fn set_ctrlc_handler(session: &Session, interactive_shell: bool) {
    let cancel = session.cancel.clone();
    let _ = if interactive_shell {
        ctrlc::set_handler(move || cancel.request_abort())
    } else {
        ctrlc::set_handler(move || {
            if cancel.interrupt() {
                std::process::exit(EXIT_INTERRUPTED);
            }
        })
    };
}

/// A path's file name, for messages and the application's name.
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.to_string())
}
