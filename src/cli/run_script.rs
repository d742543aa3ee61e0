//! Script mode: run a .rhai file to the end, let a `--batches N` run finish, and turn the
//! outcome into an exit status (0 ok, 1 script or batch error, 130 interrupted).

use super::args::Args;
use super::stdout_sink::StdoutSink;
use crate::engine::clock::RunConfig;
use crate::engine::context::ContextState;
use crate::engine::session::Session;
use crate::script::ScriptHost;
use crate::script::api_listener::ContextHooks;
use crate::script::diagnostics::ErrorKind;
use std::sync::Arc;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INTERRUPTED: i32 = 130;

/// `centella SCRIPT`: reads the file, builds the session with the CLI's `hooks`, runs it.
pub fn run_file(args: &Args, hooks: ContextHooks, session: Session) -> i32 {
    let Some(path) = &args.script else {
        eprintln!("error: no script given");
        return EXIT_USAGE;
    };
    let script = match super::translate::read_script(path) {
        Ok(s) => s,
        Err((msg, status)) => {
            eprintln!("error: {msg}");
            return status;
        }
    };
    // A PySpark program's own master (SparkContext("local[4]", ...)) unless --master is given.
    let master_given = std::env::args().any(|a| a == "--master" || a.starts_with("--master="));
    let parallelism = match &script.master {
        Some(m) if !master_given => match super::args::parse_master(m) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("error: {}: {e}", script.name);
                return EXIT_USAGE;
            }
        },
        _ => args.master,
    };
    let config = RunConfig {
        clock: args.clock,
        start_time: args.start_time,
        max_batches: args.batches,
        notation: args.notation,
        sink: Arc::new(StdoutSink),
        session,
    };
    let mut host = match ScriptHost::with_hooks(config, parallelism, hooks) {
        Ok(h) => h,
        Err(msg) => {
            eprintln!("error: {msg}");
            return EXIT_FAILED;
        }
    };
    run(
        &mut host,
        &script.name,
        &script.code,
        args.batches.is_some(),
    )
}

/// Runs `code` in `host` and stops or finishes its contexts; the exit status.
pub fn run(host: &mut ScriptHost, name: &str, code: &str, has_batch_limit: bool) -> i32 {
    let result = host.eval(name, code);
    let mut status = EXIT_OK;
    if let Err(e) = &result {
        match e.kind {
            ErrorKind::BatchFailed => {}
            ErrorKind::Interrupted => status = EXIT_INTERRUPTED,
            _ => eprintln!("{e}"),
        }
        if status == EXIT_OK {
            status = EXIT_FAILED;
        }
    }
    for ctx in host.contexts() {
        if ctx.state() != ContextState::Active {
            continue;
        }
        if has_batch_limit && status != EXIT_INTERRUPTED {
            ctx.finish_batches();
        } else {
            if result.is_ok() {
                eprintln!(
                    "note: the script ended while its StreamingContext was running; \
                     add ssc.awaitTermination() (or run with --batches N) to let it run"
                );
            }
            ctx.stop(false);
        }
    }
    if host.cancel_token().interrupted() || status == EXIT_INTERRUPTED {
        // Say why the run ended, as Python's KeyboardInterrupt does.
        eprintln!("interrupted (Ctrl-C): the StreamingContext was stopped");
        return EXIT_INTERRUPTED;
    }
    if status == EXIT_OK && host.contexts().iter().any(|c| c.first_error().is_some()) {
        status = EXIT_FAILED;
    }
    status
}
