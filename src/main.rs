use centella::cli::args::Args;
use centella::cli::run_script::{self, EXIT_INTERRUPTED, EXIT_USAGE};
use centella::cli::stdout_sink::StdoutSink;
use centella::engine::clock::{RunConfig, INTERRUPTED};
use centella::script::ScriptHost;
use clap::Parser;
use std::io::{IsTerminal, Read};
use std::sync::atomic::Ordering;
use std::sync::Arc;

fn main() {
    let args = Args::parse();
    std::process::exit(run(args));
}

fn run(args: Args) -> i32 {
    // First Ctrl-C stops the streams and running closures cleanly; a second one exits now.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(EXIT_INTERRUPTED);
        }
    });
    let (name, code) = match read_script(&args) {
        Ok(s) => s,
        Err(msg) => {
            eprintln!("error: {msg}");
            return EXIT_USAGE;
        }
    };
    let config = RunConfig {
        clock: args.clock,
        start_time: args.start_time,
        max_batches: args.batches,
        notation: args.notation,
        sink: Arc::new(StdoutSink),
    };
    let mut host = match ScriptHost::new(config, args.master) {
        Ok(h) => h,
        Err(msg) => {
            eprintln!("error: {msg}");
            return 1;
        }
    };
    run_script::run(&mut host, &name, &code, args.batches.is_some())
}

fn read_script(args: &Args) -> Result<(String, String), String> {
    match &args.script {
        Some(path) => {
            let code = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read script {path}: {e}"))?;
            let name = std::path::Path::new(path)
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| path.clone());
            Ok((name, code))
        }
        None if !std::io::stdin().is_terminal() => {
            let mut code = String::new();
            std::io::stdin()
                .read_to_string(&mut code)
                .map_err(|e| format!("cannot read the script from stdin: {e}"))?;
            Ok(("<stdin>".to_string(), code))
        }
        None => Err("the interactive shell is not part of this build yet: pass a script, e.g. `centella examples/words.rhai`, or pipe one on stdin".into()),
    }
}
