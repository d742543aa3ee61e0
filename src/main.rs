use centella::cli::args::{Args, Command, ExportArgs, FeedArgs, KafkaCompression};
use centella::cli::run_script::{self, EXIT_INTERRUPTED, EXIT_USAGE};
use centella::cli::stdout_sink::StdoutSink;
use centella::engine::clock::{ClockKind, RunConfig};
use centella::engine::session::Session;
use centella::feed::kafka::Compression;
use centella::feed::{FeedOptions, FeedSource, generate::DemoKind};
use centella::repl::{self, ShellOptions};
use centella::script::ScriptHost;
use clap::Parser;
use std::sync::Arc;

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
    let session = Session::default();
    if let Some(rate) = args.receiver_max_rate {
        // `--receiver-max-rate` is Spark's setting by another name; a `--conf` of it wins.
        session
            .conf
            .set(centella::engine::conf::RECEIVER_MAX_RATE, &rate.to_string());
    }
    for pair in &args.conf {
        match session.conf.set_pair(pair) {
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
        let cancel = session.cancel.clone();
        let _ = ctrlc::set_handler(move || cancel.request_abort());
    } else {
        // First Ctrl-C stops the streams and running closures cleanly; a second one exits now.
        let cancel = session.cancel.clone();
        let _ = ctrlc::set_handler(move || {
            if cancel.interrupt() {
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
            session,
        });
    }
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
        session,
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
        None => Err("no script given".into()),
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
