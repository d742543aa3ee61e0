use centella::cli::args::{Args, Command, ExportArgs, FeedArgs, KafkaCompression, TranslateArgs};
use centella::cli::run_script::{self, EXIT_INTERRUPTED, EXIT_USAGE};
use centella::cli::stdout_sink::StdoutSink;
use centella::engine::clock::{ClockKind, INTERRUPTED, RunConfig, request_abort};
use centella::feed::kafka::Compression;
use centella::feed::{FeedOptions, FeedSource, generate::DemoKind};
use centella::repl::{self, ShellOptions};
use centella::script::ScriptHost;
use clap::Parser;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// The stack of the thread that runs scripts (and, under the simulated clocks, batches):
/// records are cloned and dropped recursively, and a deeply nested one must reach the depth
/// check (a `RecursionError`) rather than overflow. Only the pages touched are committed.
const MAIN_STACK: usize = 256 << 20;

fn main() {
    let args = Args::parse();
    let code = std::thread::Builder::new()
        .name("main".into())
        .stack_size(MAIN_STACK)
        .spawn(move || run(args))
        .map(|t| t.join().unwrap_or(1));
    match code {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: cannot start the main thread: {e}");
            std::process::exit(1);
        }
    }
}

fn run(args: Args) -> i32 {
    if let Some(Command::Feed(feed)) = &args.command {
        return run_feed(feed);
    }
    if let Some(Command::Export(export)) = &args.command {
        return run_export(export);
    }
    if let Some(Command::Translate(t)) = &args.command {
        return run_translate(t);
    }
    centella::engine::clock::set_receiver_max_rate(args.receiver_max_rate);
    for pair in &args.conf {
        match centella::engine::conf::set_pair(pair) {
            Ok(Some(warning)) => eprintln!("WARN: {warning}"),
            Ok(None) => {}
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    // Stops when run returns.
    let _ui = start_ui(&args);
    // No script (or -i): the shell. On a terminal Ctrl-C interrupts the running evaluation or
    // closure and the streams keep running; piped, it stops everything as in script mode.
    let shell = args.script.is_none() || args.interactive;
    if shell && repl::is_interactive() {
        let _ = ctrlc::set_handler(request_abort);
    } else {
        // First Ctrl-C stops the streams and running closures cleanly; a second one exits now.
        let _ = ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                std::process::exit(EXIT_INTERRUPTED);
            }
        });
    }
    if shell {
        return repl::run(ShellOptions {
            clock: args.clock,
            start_time: args.start_time,
            max_batches: args.batches,
            notation: args.notation,
            parallelism: args.master,
            init_script: args.script.clone(),
            no_color: args.no_color,
        });
    }
    let (name, code, program_master) = match read_script(&args) {
        Ok(s) => s,
        Err((msg, status)) => {
            eprintln!("error: {msg}");
            return status;
        }
    };
    // A PySpark program's own master (SparkContext("local[4]", ...)) unless --master is given.
    let master_given = std::env::args().any(|a| a == "--master" || a.starts_with("--master="));
    let parallelism = match program_master {
        Some(m) if !master_given => match centella::cli::args::parse_master(&m) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("error: {name}: {e}");
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
    };
    let mut host = match ScriptHost::new(config, parallelism) {
        Ok(h) => h,
        Err(msg) => {
            eprintln!("error: {msg}");
            return 1;
        }
    };
    run_script::run(&mut host, &name, &code, args.batches.is_some())
}

/// The delay warning always; the web UI under the real clock on a terminal, or with --ui-port
/// (so tests and CI runs, whose output is not a terminal, open no port).
fn start_ui(args: &Args) -> Option<centella::ui::server::UiServer> {
    use std::io::IsTerminal;
    let on_terminal = args.clock == ClockKind::Real && std::io::stdout().is_terminal();
    let web = !args.no_ui && (args.ui_port.is_some() || on_terminal);
    let app_name = match &args.script {
        Some(path) => std::path::Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| path.clone()),
        None => "centella-shell".to_string(),
    };
    let opts = centella::ui::UiOptions {
        web,
        port: args.ui_port.unwrap_or(centella::ui::DEFAULT_PORT),
        bind: args.ui_bind.clone(),
        app_name,
    };
    match centella::ui::install(&opts) {
        Ok(Some(server)) => {
            // The interactive shell's banner shows the address: once is enough.
            let shell = args.script.is_none() || args.interactive;
            if !(shell && repl::is_interactive()) {
                eprintln!(
                    "INFO: Streaming UI at {}streaming/ (--no-ui turns it off)",
                    server.url()
                );
            }
            Some(server)
        }
        Ok(None) => None,
        Err(msg) => {
            eprintln!("WARN: {msg}");
            None
        }
    }
}

/// The script's name, its Rhai code and (for a PySpark program) the master it names; on
/// failure the message and the exit status.
fn read_script(args: &Args) -> Result<(String, String, Option<String>), (String, i32)> {
    match &args.script {
        Some(path) => {
            let code = std::fs::read_to_string(path)
                .map_err(|e| (format!("cannot read script {path}: {e}"), EXIT_USAGE))?;
            let name = std::path::Path::new(path)
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| path.clone());
            if is_python(path) {
                // A PySpark program runs as the Rhai it translates to; errors in that Rhai
                // name `PROGRAM.py.rhai` (what `centella translate PROGRAM.py` prints).
                let (rhai, master) = centella::python::translate_program_and_master(&name, &code)
                    .map_err(|e| (e.to_string(), run_script::EXIT_FAILED))?;
                return Ok((format!("{name}.rhai"), rhai, master));
            }
            Ok((name, code, None))
        }
        None => Err(("no script given".into(), EXIT_USAGE)),
    }
}

/// `centella export`: the script as a PySpark program, on stdout or in `--output`.
fn run_export(args: &ExportArgs) -> i32 {
    let code = match std::fs::read_to_string(&args.script) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot read script {}: {e}", args.script);
            return EXIT_USAGE;
        }
    };
    let python = match centella::export::export(&args.script, &code) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    match &args.output {
        Some(path) => match std::fs::write(path, python) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: cannot write {path}: {e}");
                1
            }
        },
        None => {
            print!("{python}");
            0
        }
    }
}

fn is_python(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("py"))
}

/// `centella translate PROGRAM.py`: the Rhai a PySpark program runs as.
fn run_translate(args: &TranslateArgs) -> i32 {
    let code = match std::fs::read_to_string(&args.program) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot read program {}: {e}", args.program);
            return EXIT_USAGE;
        }
    };
    let name = std::path::Path::new(&args.program)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| args.program.clone());
    let rhai = match centella::python::translate_program(&name, &code) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    match &args.output {
        Some(path) => match std::fs::write(path, rhai) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: cannot write {path}: {e}");
                1
            }
        },
        None => {
            print!("{rhai}");
            0
        }
    }
}

/// `centella feed`: the demo line server.
fn run_feed(args: &FeedArgs) -> i32 {
    let source = match (&args.generate, args.file.as_deref(), args.interactive) {
        (Some(kind), None, false) => match DemoKind::parse(kind) {
            Some(k) => FeedSource::Generate(k),
            None => return EXIT_USAGE,
        },
        (None, Some("-"), false) | (None, None, false) => FeedSource::Stdin { interactive: false },
        (None, None, true) => FeedSource::Stdin { interactive: true },
        (None, Some(path), false) => FeedSource::File(path.into()),
        _ => {
            eprintln!("error: give one of FILE, -, --generate KIND or --interactive");
            return EXIT_USAGE;
        }
    };
    if let (Some(broker), Some(topic)) = (&args.kafka, &args.topic) {
        return centella::feed::kafka::run(centella::feed::kafka::KafkaFeedOptions {
            broker: broker.clone(),
            topic: topic.clone(),
            source,
            rate: args.rate,
            looping: args.looping,
            partitions: args.partitions,
            compression: match args.compression {
                KafkaCompression::None => Compression::NoCompression,
                KafkaCompression::Gzip => Compression::Gzip,
                KafkaCompression::Snappy => Compression::Snappy,
                KafkaCompression::Lz4 => Compression::Lz4,
                KafkaCompression::Zstd => Compression::Zstd,
            },
        });
    }
    centella::feed::run(FeedOptions {
        bind: args.bind.clone(),
        port: args.port,
        source,
        rate: args.rate,
        looping: args.looping,
    })
}
