//! Script mode: run a .rhai file to the end, let a `--batches N` run finish, and turn the
//! outcome into an exit status (0 ok, 1 script or batch error, 130 interrupted).

use crate::engine::context::ContextState;
use crate::script::ScriptHost;
use crate::script::diagnostics::ErrorKind;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INTERRUPTED: i32 = 130;

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
