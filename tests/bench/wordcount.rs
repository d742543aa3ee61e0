//! Word count throughput: centella (Rhai closures, `local[1]` and `local[2]`) against a
//! hand-written native Rust word count over the same lines.
//!
//! The pipeline is the seed's word count, as in `examples/words.rhai`:
//!
//! ```text
//! ssc.queueStream(batches).flatMap(|l| l.split(" ")).map(|w| [w, 1]).reduceByKey(|a, b| a + b)
//! ```
//!
//! run under the fast clock over in-memory batches (default 20 batches x 10_000 lines x 10
//! words drawn from a 1000-word vocabulary by a deterministic LCG). Each batch's counts are
//! collected on the driver (`foreachRDD(|rdd| rdd.collect())`), and the per-batch number of
//! distinct words and total of the counts are checked against the native count.
//!
//! Each centella configuration runs in a child process (this same binary, re-executed with
//! `--child-centella THREADS`) so that its peak RSS (VmHWM) is its own. The data are built
//! by a Rhai loop in a first `eval`; only the second `eval` (streaming context, pipeline,
//! start, awaitTermination) is timed, best of `RUNS`.
//!
//! `harness = false`: plain `std::time::Instant`, no criterion.
//!
//! ```text
//! cargo bench --bench wordcount
//! cargo bench --bench wordcount -- --emit-script /tmp/wc.rhai   # the same workload as a CLI script
//! ```
//!
//! Environment: `CENTELLA_BENCH_BATCHES` (20), `CENTELLA_BENCH_LINES` (10000 per batch),
//! `CENTELLA_BENCH_WORDS` (10 per line), `CENTELLA_BENCH_VOCAB` (1000),
//! `CENTELLA_BENCH_RUNS` (3 centella runs; the native count runs 10 times as many).

use centella::engine::clock::{ClockKind, RunConfig};
use centella::engine::dstream::output::Notation;
use centella::engine::error::BatchError;
use centella::engine::sink::OutputSink;
use centella::engine::time::Time;
use centella::script::ScriptHost;
use std::collections::HashMap;
use std::hint::black_box;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SEED: i64 = 20211114;
const SYLLABLES: [&str; 10] = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da"];

#[derive(Clone, Copy, Debug)]
struct Params {
    batches: usize,
    lines: usize,
    words: usize,
    vocab: usize,
    runs: usize,
}

impl Params {
    fn from_env() -> Params {
        fn var(name: &str, default: usize) -> usize {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .filter(|&n| n > 0)
                .unwrap_or(default)
        }
        // `cargo test --all-targets` runs this binary without `--bench`: a small smoke run
        // (checks that the benchmark still works) instead of minutes of debug-build timing.
        let smoke = !std::env::args().any(|a| a == "--bench" || a == "--emit-script")
            && std::env::var_os("CENTELLA_BENCH_FULL").is_none();
        let (batches, lines, runs) = if smoke { (2, 200, 1) } else { (20, 10_000, 3) };
        Params {
            batches: var("CENTELLA_BENCH_BATCHES", batches),
            lines: var("CENTELLA_BENCH_LINES", lines),
            words: var("CENTELLA_BENCH_WORDS", 10),
            vocab: var("CENTELLA_BENCH_VOCAB", 1000),
            runs: var("CENTELLA_BENCH_RUNS", runs),
        }
    }

    fn total_lines(&self) -> usize {
        self.batches * self.lines
    }
}

// ---------------------------------------------------------------------------------------
// The data: the same generator in Rhai (for centella) and in Rust (for the native count).
// ---------------------------------------------------------------------------------------

/// Rhai code that leaves the batches in the global `batches` (an array of arrays of lines).
fn rhai_generator(p: &Params) -> String {
    format!(
        r#"
let syllables = {syllables:?};
let vocab = [];
for i in 0..{vocab} {{
    let w = "";
    let n = i;
    loop {{
        w += syllables[n % 10];
        n /= 10;
        if n == 0 {{ break; }}
    }}
    vocab.push(w);
}}
let x = {SEED};
let batches = [];
for b in 0..{batches} {{
    let batch = [];
    for l in 0..{lines} {{
        let line = "";
        for k in 0..{words} {{
            x = (x * 1103515245 + 12345) % 2147483648;
            if k > 0 {{ line += " "; }}
            line += vocab[(x >> 8) % {vocab}];
        }}
        batch.push(line);
    }}
    batches.push(batch);
}}
"#,
        syllables = SYLLABLES,
        vocab = p.vocab,
        batches = p.batches,
        lines = p.lines,
        words = p.words,
    )
}

/// The streaming part: a fresh context over `batches`, the word count, one line per batch
/// (`distinct total`) through `print`.
const RHAI_PIPELINE: &str = r#"
ssc = StreamingContext(sc, 1);
let counts = ssc.queueStream(batches)
    .flatMap(|line| line.split(" "))
    .map(|w| [w, 1])
    .reduceByKey(|a, b| a + b);
counts.foreachRDD(|rdd| {
    let pairs = rdd.collect();
    let total = 0;
    for p in pairs { total += p[1]; }
    print(`${pairs.len()} ${total}`);
});
ssc.start();
ssc.awaitTermination();
"#;

fn rust_generator(p: &Params) -> Vec<Vec<String>> {
    let vocab: Vec<String> = (0..p.vocab)
        .map(|i| {
            let mut w = String::new();
            let mut n = i;
            loop {
                w.push_str(SYLLABLES[n % 10]);
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            w
        })
        .collect();
    let mut x = SEED;
    (0..p.batches)
        .map(|_| {
            (0..p.lines)
                .map(|_| {
                    let mut line = String::new();
                    for k in 0..p.words {
                        x = (x * 1103515245 + 12345) % 2147483648;
                        if k > 0 {
                            line.push(' ');
                        }
                        line.push_str(&vocab[((x >> 8) as usize) % p.vocab]);
                    }
                    line
                })
                .collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The native baseline: per batch, split on ' ' and count into a HashMap<&str, i64>.
// ---------------------------------------------------------------------------------------

fn count_lines(lines: &[String]) -> HashMap<&str, i64> {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for line in lines {
        for w in line.split(' ') {
            *counts.entry(w).or_insert(0) += 1;
        }
    }
    counts
}

/// One batch on `threads` threads: each counts a contiguous share, then the maps merge.
fn native_batch(lines: &[String], threads: usize) -> HashMap<&str, i64> {
    if threads <= 1 {
        return count_lines(lines);
    }
    let chunk = lines.len().div_ceil(threads).max(1);
    let parts: Vec<HashMap<&str, i64>> = std::thread::scope(|s| {
        let handles: Vec<_> = lines
            .chunks(chunk)
            .map(|part| s.spawn(move || count_lines(part)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut parts = parts.into_iter();
    let mut merged = parts.next().unwrap_or_default();
    for part in parts {
        for (w, n) in part {
            *merged.entry(w).or_insert(0) += n;
        }
    }
    merged
}

/// Per batch `(distinct words, total count)`, and the time it took.
fn native_run(data: &[Vec<String>], threads: usize) -> (Vec<(i64, i64)>, Duration) {
    let start = Instant::now();
    let summary = data
        .iter()
        .map(|batch| {
            let counts = black_box(native_batch(black_box(batch), threads));
            (counts.len() as i64, counts.values().sum())
        })
        .collect();
    (summary, start.elapsed())
}

// ---------------------------------------------------------------------------------------
// centella, in a child process.
// ---------------------------------------------------------------------------------------

/// Keeps what the script prints; drops pprint output.
#[derive(Default)]
struct CollectSink {
    printed: Mutex<Vec<String>>,
    errors: Mutex<Vec<String>>,
}

impl OutputSink for CollectSink {
    fn pprint(&self, block: &str) {
        black_box(block);
    }
    fn batch_error(&self, err: &BatchError) {
        self.errors.lock().unwrap().push(err.to_string());
    }
    fn warn(&self, msg: &str) {
        self.errors.lock().unwrap().push(format!("WARN: {msg}"));
    }
    fn info(&self, msg: &str) {
        self.errors.lock().unwrap().push(format!("INFO: {msg}"));
    }
    fn debug(&self, line: &str) {
        self.errors.lock().unwrap().push(line.to_string());
    }
    fn print(&self, text: &str) {
        self.printed.lock().unwrap().push(text.to_string());
    }
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn current_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Child mode: prints `key value...` lines for the parent to read.
fn child_centella(threads: usize, p: &Params) -> Result<(), String> {
    let sink = Arc::new(CollectSink::default());
    let config = RunConfig {
        clock: ClockKind::Fast,
        start_time: Time::parse_local("2021-11-14 10:00:54").ok_or("bad start time")?,
        max_batches: Some(p.batches as u64),
        notation: Notation::Python,
        sink: sink.clone(),
        session: Default::default(),
    };
    let mut host = ScriptHost::new(config, threads)?;
    println!("rss_after_init_kb {}", current_rss_kb().unwrap_or(0));

    let start = Instant::now();
    let _ = host
        .eval("bench_data.rhai", &rhai_generator(p))
        .map_err(|e| e.to_string())?;
    println!("gen_s {:.6}", start.elapsed().as_secs_f64());
    println!("rss_after_data_kb {}", current_rss_kb().unwrap_or(0));
    for (name, code) in [
        ("first_line", "batches[0][0]"),
        ("last_line", "batches[-1][-1]"),
    ] {
        let line = host
            .eval("bench_probe.rhai", code)
            .map_err(|e| e.to_string())?
            .into_string()
            .map_err(|t| format!("{name}: expected a string, got {t}"))?;
        println!("{name} {line}");
    }

    for run in 0..p.runs {
        sink.printed.lock().unwrap().clear();
        let start = Instant::now();
        let _ = host
            .eval("bench_wordcount.rhai", RHAI_PIPELINE)
            .map_err(|e| e.to_string())?;
        let elapsed = start.elapsed();
        let errors = sink.errors.lock().unwrap().clone();
        if !errors.is_empty() {
            return Err(format!("run {run}: {}", errors.join("; ")));
        }
        println!("run_s {:.6}", elapsed.as_secs_f64());
        println!("run_peak_rss_kb {}", peak_rss_kb().unwrap_or(0));
        let printed = sink.printed.lock().unwrap().clone();
        println!("batches {}", printed.join(","));
    }
    println!("peak_rss_kb {}", peak_rss_kb().unwrap_or(0));
    Ok(())
}

struct CentellaResult {
    best: Duration,
    runs: Vec<Duration>,
    data_time: Duration,
    peak_rss_kb: u64,
    /// VmHWM after each run (the first is one pass over the data, like the CLI).
    run_peaks_kb: Vec<u64>,
    rss_after_init_kb: u64,
    rss_after_data_kb: u64,
}

fn run_child(threads: usize, expect: &ChildExpect) -> Result<CentellaResult, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .args(["--child-centella", &threads.to_string()])
        // The child sizes its data like its parent.
        .args(
            std::env::args()
                .any(|a| a == "--bench")
                .then_some("--bench"),
        )
        .output()
        .map_err(|e| format!("cannot run the child: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "child (threads={threads}) failed: {}\n{}{}",
            out.status,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut result = CentellaResult {
        best: Duration::MAX,
        runs: Vec::new(),
        data_time: Duration::ZERO,
        peak_rss_kb: 0,
        run_peaks_kb: Vec::new(),
        rss_after_init_kb: 0,
        rss_after_data_kb: 0,
    };
    for line in stdout.lines() {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "gen_s" => result.data_time = Duration::from_secs_f64(value.parse().unwrap_or(0.0)),
            "run_s" => {
                let d = Duration::from_secs_f64(value.parse().unwrap_or(f64::MAX / 4.0));
                result.best = result.best.min(d);
                result.runs.push(d);
            }
            "peak_rss_kb" => result.peak_rss_kb = value.parse().unwrap_or(0),
            "run_peak_rss_kb" => result.run_peaks_kb.push(value.parse().unwrap_or(0)),
            "rss_after_init_kb" => result.rss_after_init_kb = value.parse().unwrap_or(0),
            "rss_after_data_kb" => result.rss_after_data_kb = value.parse().unwrap_or(0),
            "first_line" if value != expect.first_line => {
                return Err(format!(
                    "data differ: first line {value:?} vs native {:?}",
                    expect.first_line
                ));
            }
            "last_line" if value != expect.last_line => {
                return Err(format!(
                    "data differ: last line {value:?} vs native {:?}",
                    expect.last_line
                ));
            }
            "batches" if value != expect.batches => {
                return Err(format!(
                    "word counts differ (threads={threads}):\n  centella {value}\n  native   {}",
                    expect.batches
                ));
            }
            _ => {}
        }
    }
    if result.runs.is_empty() {
        return Err(format!(
            "child (threads={threads}) reported no runs:\n{stdout}"
        ));
    }
    Ok(result)
}

struct ChildExpect {
    first_line: String,
    last_line: String,
    /// `distinct total,distinct total,...`, one per batch.
    batches: String,
}

// ---------------------------------------------------------------------------------------

fn lines_per_s(p: &Params, d: Duration) -> f64 {
    p.total_lines() as f64 / d.as_secs_f64()
}

fn fmt_rate(r: f64) -> String {
    let n = r.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let p = Params::from_env();

    if let Some(i) = args.iter().position(|a| a == "--child-centella") {
        let threads = args.get(i + 1).and_then(|t| t.parse().ok()).unwrap_or(1);
        if let Err(e) = child_centella(threads, &p) {
            eprintln!("{e}");
            std::process::exit(1);
        }
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--emit-script") {
        let Some(path) = args.get(i + 1) else {
            eprintln!("--emit-script needs a path");
            std::process::exit(2);
        };
        // For the CLI (`centella --clock fast --batches N FILE`): the CLI's own `ssc`.
        let script = format!(
            "// Generated by `cargo bench --bench wordcount -- --emit-script`: the benchmark's\n\
             // word count ({} batches x {} lines x {} words) as a CLI script.\n{}{}",
            p.batches,
            p.lines,
            p.words,
            rhai_generator(&p),
            RHAI_PIPELINE.replace("ssc = StreamingContext(sc, 1);\n", "")
        );
        if let Err(e) = std::fs::write(path, script) {
            eprintln!("cannot write {path}: {e}");
            std::process::exit(1);
        }
        return;
    }
    // `cargo bench` passes `--bench`; a filter argument that is not ours is ignored.

    println!(
        "word count: {} batches x {} lines x {} words (vocabulary {}), {} lines in all",
        p.batches,
        p.lines,
        p.words,
        p.vocab,
        p.total_lines()
    );

    // Native first: it also gives the expected per-batch results.
    let data = rust_generator(&p);
    let native_runs = p.runs * 10;
    let mut native = Vec::new();
    let mut expect_batches = String::new();
    for threads in [1, 2] {
        let mut best = Duration::MAX;
        for _ in 0..native_runs {
            let (summary, d) = native_run(&data, threads);
            best = best.min(d);
            let text = summary
                .iter()
                .map(|(d, t)| format!("{d} {t}"))
                .collect::<Vec<_>>()
                .join(",");
            if expect_batches.is_empty() {
                expect_batches = text;
            } else {
                assert_eq!(expect_batches, text, "native counts differ between runs");
            }
        }
        native.push((threads, best));
    }
    let expect = ChildExpect {
        first_line: data[0][0].clone(),
        last_line: data[p.batches - 1][p.lines - 1].clone(),
        batches: expect_batches,
    };
    drop(data);

    let mut centella = Vec::new();
    for threads in [1, 2] {
        match run_child(threads, &expect) {
            Ok(r) => centella.push((threads, r)),
            Err(e) => {
                eprintln!("centella, {threads} thread(s): {e}");
                std::process::exit(1);
            }
        }
    }

    println!();
    println!(
        "| implementation              | threads | best time  |      lines/s | peak RSS, 1st run |"
    );
    println!(
        "|-----------------------------|--------:|-----------:|-------------:|------------------:|"
    );
    for (threads, r) in &centella {
        println!(
            "| centella (Rhai closures)    | {:>7} | {:>8.1}ms | {:>12} | {:>17} |",
            threads,
            r.best.as_secs_f64() * 1000.0,
            fmt_rate(lines_per_s(&p, r.best)),
            mb(r.run_peaks_kb.first().copied().unwrap_or(r.peak_rss_kb))
        );
    }
    for (threads, best) in &native {
        println!(
            "| native Rust (HashMap<&str>) | {:>7} | {:>8.1}ms | {:>12} |                   |",
            threads,
            best.as_secs_f64() * 1000.0,
            fmt_rate(lines_per_s(&p, *best)),
        );
    }
    println!(
        "| PySpark (from the issue)    |         |            |      ~72,000 |                   |"
    );
    println!();
    for (threads, r) in &centella {
        let runs: Vec<String> = r
            .runs
            .iter()
            .map(|d| format!("{:.1}", d.as_secs_f64() * 1000.0))
            .collect();
        println!(
            "centella local[{threads}]: runs {} ms (best of {}); {:.2} ms/batch; data built in Rhai in {:.2} s (not timed); \
             RSS {} after init, {} with the data, peak after each run {}",
            runs.join(" / "),
            r.runs.len(),
            r.best.as_secs_f64() * 1000.0 / p.batches as f64,
            r.data_time.as_secs_f64(),
            mb(r.rss_after_init_kb),
            mb(r.rss_after_data_kb),
            r.run_peaks_kb
                .iter()
                .map(|&kb| mb(kb))
                .collect::<Vec<_>>()
                .join(" / ")
        );
    }
    println!(
        "native: best of {native_runs} runs; per-batch distinct/total counts match centella's"
    );
    if !std::env::args().any(|a| a == "--bench") {
        println!(
            "smoke run (cargo test): the figures above are not measurements; run `cargo bench --bench wordcount`"
        );
        return;
    }
    let target = 300_000.0;
    for (threads, r) in &centella {
        let rate = lines_per_s(&p, r.best);
        println!(
            "target >= 300,000 lines/s, local[{threads}]: {} ({:.0}% of target, {:.1}x PySpark's ~72k)",
            if rate >= target { "met" } else { "NOT met" },
            rate / target * 100.0,
            rate / 72_000.0
        );
    }
}
