//! `centella feed`: a netcat-like line server for demos (`nc -lk` for people without nc).
//! Every client that connects gets the lines: a file's from its start (each client its own
//! copy), stdin's or typed lines broadcast as they come, or generated demo data.

mod console;
pub mod generate;
pub mod kafka;

use generate::{DemoData, DemoKind};
use std::io::{BufRead, IsTerminal, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub enum FeedSource {
    File(PathBuf),
    Stdin { interactive: bool },
    Generate(DemoKind),
}

#[derive(Debug, Clone)]
pub struct FeedOptions {
    pub bind: String,
    pub port: u16,
    pub source: FeedSource,
    /// Lines per second per client; None is as fast as the client reads.
    pub rate: Option<f64>,
    pub looping: bool,
}

#[derive(Default)]
struct Stats {
    clients: AtomicUsize,
    lines: AtomicU64,
}

/// Paces a client at `rate` lines per second.
struct Pacer {
    rate: Option<f64>,
    started: Instant,
    sent: u64,
}

impl Pacer {
    fn new(rate: Option<f64>) -> Pacer {
        Pacer {
            rate: rate.filter(|r| *r > 0.0),
            started: Instant::now(),
            sent: 0,
        }
    }

    fn wait(&mut self) {
        if let Some(rate) = self.rate {
            // `--rate` is validated; a pace beyond Duration's range waits a day at a time.
            let due = Duration::try_from_secs_f64(self.sent as f64 / rate)
                .unwrap_or(Duration::from_secs(86_400));
            let elapsed = self.started.elapsed();
            if due > elapsed {
                std::thread::sleep(due - elapsed);
            }
        }
        self.sent += 1;
    }
}

/// Sends one line; false when the client has gone.
fn send(stream: &mut TcpStream, line: &str, stats: &Stats) -> bool {
    let ok = stream.write_all(line.as_bytes()).is_ok() && stream.write_all(b"\n").is_ok();
    if ok {
        stats.lines.fetch_add(1, Ordering::Relaxed);
    }
    ok
}

/// Streams the file line by line (a client costs a read buffer, not a copy of the file:
/// thousands of clients of a large file must not each hold it in memory).
fn serve_file(mut stream: TcpStream, path: &PathBuf, opts: &FeedOptions, stats: &Stats) {
    let mut pacer = Pacer::new(opts.rate);
    loop {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("centella feed: cannot read {}: {e}", path.display());
                return;
            }
        };
        let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
        let mut raw = Vec::new();
        loop {
            raw.clear();
            match reader.read_until(b'\n', &mut raw) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    eprintln!("centella feed: cannot read {}: {e}", path.display());
                    return;
                }
            }
            let text = String::from_utf8_lossy(&raw);
            let line = text.strip_suffix('\n').unwrap_or(&text);
            let line = line.strip_suffix('\r').unwrap_or(line);
            pacer.wait();
            if !send(&mut stream, line, stats) {
                return;
            }
        }
        if !opts.looping {
            break;
        }
    }
    // Stay connected (like nc after its input ends), so the receiver does not reconnect
    // and read the file again; return when the client goes.
    let _ = stream.set_read_timeout(None);
    let mut sink = [0u8; 64];
    while matches!(std::io::Read::read(&mut stream, &mut sink), Ok(n) if n > 0) {}
}

fn serve_generated(
    mut stream: TcpStream,
    kind: DemoKind,
    seed: u64,
    opts: &FeedOptions,
    stats: &Stats,
) {
    let mut data = DemoData::new(kind, seed);
    let mut pacer = Pacer::new(opts.rate.or(Some(5.0)));
    loop {
        pacer.wait();
        if !send(&mut stream, &data.line(), stats) {
            return;
        }
    }
}

/// Stdin or typed lines go to every connected client. Lines read while nobody is connected
/// wait in a backlog that every client gets when it connects, until a later line reaches a
/// connected client: a client that connects and goes (a port check, a receiver restarting)
/// must not take the backlog with it, since nothing tells how much of it it read.
struct Broadcast {
    clients: Mutex<Vec<mpsc::Sender<Arc<str>>>>,
    backlog: Mutex<Vec<Arc<str>>>,
    /// Lines handed to clients' queues so far (one per client per line).
    queued: AtomicU64,
}

impl Broadcast {
    fn new() -> Broadcast {
        Broadcast {
            clients: Mutex::new(Vec::new()),
            backlog: Mutex::new(Vec::new()),
            queued: AtomicU64::new(0),
        }
    }

    fn publish(&self, line: Arc<str>) {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        clients.retain(|c| c.send(line.clone()).is_ok());
        let mut backlog = self.backlog.lock().unwrap_or_else(|p| p.into_inner());
        if clients.is_empty() {
            backlog.push(line);
        } else {
            // A connected client is reading: it has had the backlog.
            backlog.clear();
        }
        self.queued
            .fetch_add(clients.len() as u64, Ordering::SeqCst);
    }

    fn queued(&self) -> u64 {
        self.queued.load(Ordering::SeqCst)
    }

    fn subscribe(&self) -> mpsc::Receiver<Arc<str>> {
        let (tx, rx) = mpsc::channel();
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        for line in self
            .backlog
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            if tx.send(line.clone()).is_ok() {
                self.queued.fetch_add(1, Ordering::SeqCst);
            }
        }
        clients.push(tx);
        rx
    }
}

fn serve_broadcast(
    mut stream: TcpStream,
    rx: mpsc::Receiver<Arc<str>>,
    opts: &FeedOptions,
    stats: &Stats,
) {
    let mut pacer = Pacer::new(opts.rate);
    for line in rx {
        pacer.wait();
        if !send(&mut stream, &line, stats) {
            return;
        }
    }
}

fn read_stdin_into(hub: Arc<Broadcast>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            match line {
                Ok(l) => hub.publish(l.into()),
                Err(e) => {
                    eprintln!("centella feed: cannot read stdin: {e}");
                    break;
                }
            }
        }
    });
}

fn describe(source: &FeedSource) -> String {
    match source {
        FeedSource::File(p) => p.display().to_string(),
        FeedSource::Stdin { interactive: true } => "what you type".into(),
        FeedSource::Stdin { .. } => "stdin".into(),
        FeedSource::Generate(k) => format!("generated {k:?} data").to_lowercase(),
    }
}

/// One status line, redrawn in place on a terminal.
fn show_status(stats: Arc<Stats>) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    std::thread::spawn(move || {
        let mut last = (Instant::now(), 0u64);
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let lines = stats.lines.load(Ordering::Relaxed);
            let rate = (lines - last.1) as f64 / last.0.elapsed().as_secs_f64();
            last = (Instant::now(), lines);
            eprint!(
                "\r\x1b[Kclients: {}  lines sent: {lines}  rate: {rate:.1}/s",
                stats.clients.load(Ordering::Relaxed)
            );
        }
    });
}

/// Runs the server until killed. Returns an exit status when it cannot start.
pub fn run(opts: FeedOptions) -> i32 {
    let listener = match TcpListener::bind((opts.bind.as_str(), opts.port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "centella feed: cannot listen on {}:{}: {e}",
                opts.bind, opts.port
            );
            return 1;
        }
    };
    if let FeedSource::File(p) = &opts.source
        && !p.is_file()
    {
        eprintln!("centella feed: {} is not a readable file", p.display());
        return 2;
    }
    let how_to_stop = match opts.source {
        FeedSource::Stdin { interactive: true } => "Ctrl-D ends",
        _ => "Ctrl-C to stop",
    };
    eprintln!(
        "centella feed: serving {} on {}:{} ({how_to_stop})",
        describe(&opts.source),
        opts.bind,
        opts.port
    );
    let stats = Arc::new(Stats::default());
    let hub = Arc::new(Broadcast::new());
    if let FeedSource::Stdin { interactive: true } = opts.source {
        // What the teacher types is read here; the clients are served on another thread.
        let (hub2, stats2) = (hub.clone(), stats.clone());
        std::thread::spawn(move || serve(listener, opts, stats2, hub2));
        return console::type_lines(hub, stats);
    }
    show_status(stats.clone());
    if let FeedSource::Stdin { .. } = opts.source {
        read_stdin_into(hub.clone());
    }
    serve(listener, opts, stats, hub);
    0
}

/// Accepts clients for ever, each served on its own thread.
fn serve(listener: TcpListener, opts: FeedOptions, stats: Arc<Stats>, hub: Arc<Broadcast>) {
    let mut seed = 1;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let (opts, stats, hub) = (opts.clone(), stats.clone(), hub.clone());
        seed += 1;
        let client_seed = seed;
        std::thread::spawn(move || {
            stats.clients.fetch_add(1, Ordering::Relaxed);
            match &opts.source {
                FeedSource::File(p) => serve_file(stream, p, &opts, &stats),
                FeedSource::Generate(kind) => {
                    serve_generated(stream, *kind, client_seed, &opts, &stats)
                }
                FeedSource::Stdin { .. } => {
                    let rx = hub.subscribe();
                    serve_broadcast(stream, rx, &opts, &stats)
                }
            }
            stats.clients.fetch_sub(1, Ordering::Relaxed);
        });
    }
}
