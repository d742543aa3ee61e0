//! `centella export`'s programs run on real PySpark and compared with centella's own output.
//!
//! PySpark 4.3.0 comes from the venv `scripts/install-pyspark.sh` makes
//! (`$CENTELLA_PYSPARK_VENV`, default `~/.cache/centella-tools/pyspark-venv`; Java 17+).
//! Without it the comparison is skipped with a message, unless `CENTELLA_REQUIRE_PYSPARK`
//! is set (as `scripts/test.sh` does, so CI cannot pass without it).
//!
//! - Queue-fed scripts (`QUEUE_CASES`): centella with `--clock fast`, PySpark with Spark's
//!   manual clock from the same first batch time; every batch's pprint block must hold the same
//!   lines (as multisets: the Time line and the order within a block may differ).
//! - Live sources (`LIVE_CASES`): both on the real clock against the same peer (a TCP server
//!   on 127.0.0.1 that sends fixed lines to every client, or fixed files moved into the watched
//!   folder after the start); which batch a line falls in depends on timing, so the records
//!   are summed over all batches (`('word', n)` pairs summed per key).
//!
//! `CENTELLA_PYSPARK_ONLY=name1,name2` (script file stems) runs just those cases.
//!
//! `tests/pyspark/run_exported.py` runs many programs in one JVM, one after another, each on
//! its own StreamingContext; `JVMS` of them share the cases.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const START: &str = "2021-11-14 10:00:54";

/// (script relative to the repository root, batches), fed by queueStream.
const QUEUE_CASES: &[(&str, u32)] = &[
    // The fault lab's examples: on PySpark, without the fault, the same output.
    ("examples/fault_lost_executor.rhai", 3),
    ("examples/fault_task_retry.rhai", 3),
    ("examples/hashtags_sorted.rhai", 8),
    ("examples/pprint_limits.rhai", 8),
    ("examples/queue_modes.rhai", 8),
    ("examples/state_expire.rhai", 8),
    ("examples/state_minmax.rhai", 8),
    ("examples/trending_authors.rhai", 8),
    ("examples/visits_queue.rhai", 8),
    ("examples/visits_window.rhai", 8),
    ("examples/window3.rhai", 8),
    ("examples/window3_inv.rhai", 8),
    ("examples/window3_inv_filter.rhai", 8),
    ("examples/window3_slide2.rhai", 8),
    ("examples/window5_inv.rhai", 10),
    ("examples/window5_inv_filter.rhai", 10),
    ("examples/window5_noinv.rhai", 10),
    ("examples/words.rhai", 8),
    // Every operation test case (tests/cases/), with the batches of its .out file.
    ("tests/cases/cogroup.rhai", 4),
    ("tests/cases/collect_notation.rhai", 2),
    ("tests/cases/combineByKey.rhai", 3),
    ("tests/cases/count.rhai", 5),
    ("tests/cases/countByValue.rhai", 3),
    ("tests/cases/countByValueAndWindow.rhai", 5),
    ("tests/cases/countByValueAndWindow_inv.rhai", 9),
    ("tests/cases/countByWindow.rhai", 6),
    ("tests/cases/countByWindow_inv.rhai", 10),
    ("tests/cases/empty_batches.rhai", 16),
    ("tests/cases/filter.rhai", 3),
    ("tests/cases/flatMap.rhai", 3),
    ("tests/cases/foreachRDD.rhai", 4),
    ("tests/cases/fullOuterJoin.rhai", 4),
    ("tests/cases/glom.rhai", 6),
    ("tests/cases/groupByKey.rhai", 8),
    ("tests/cases/groupByKeyAndWindow.rhai", 8),
    ("tests/cases/interval_half.rhai", 5),
    ("tests/cases/join.rhai", 8),
    ("tests/cases/join_different_slides.rhai", 4),
    ("tests/cases/joins_different_slides.rhai", 5),
    ("tests/cases/leftOuterJoin.rhai", 4),
    ("tests/cases/map.rhai", 8),
    ("tests/cases/mapPartitions.rhai", 3),
    ("tests/cases/mapValues.rhai", 6),
    ("tests/cases/partitionBy.rhai", 4),
    ("tests/cases/pprint_num.rhai", 9),
    ("tests/cases/pprint_repr.rhai", 2),
    ("tests/cases/queueStream.rhai", 3),
    ("tests/cases/rdd_ops.rhai", 3),
    ("tests/cases/reduce.rhai", 4),
    ("tests/cases/reduceByKey.rhai", 12),
    ("tests/cases/reduceByKeyAndWindow.rhai", 14),
    ("tests/cases/reduceByKeyAndWindow_inv.rhai", 12),
    ("tests/cases/reduceByKeyAndWindow_inv_filter.rhai", 18),
    ("tests/cases/reduceByKeyAndWindow_inv_small.rhai", 14),
    ("tests/cases/reduceByKeyAndWindow_slide.rhai", 4),
    ("tests/cases/reduceByWindow.rhai", 27),
    ("tests/cases/repartition.rhai", 8),
    ("tests/cases/rightOuterJoin.rhai", 4),
    ("tests/cases/saveAsTextFiles.rhai", 3),
    ("tests/cases/ssc_transform.rhai", 3),
    ("tests/cases/ssc_union.rhai", 3),
    ("tests/cases/transform.rhai", 4),
    ("tests/cases/transformWith.rhai", 4),
    ("tests/cases/union.rhai", 3),
    ("tests/cases/updateStateByKey.rhai", 7),
    ("tests/cases/updateStateByKey_delete.rhai", 7),
    ("tests/cases/updateStateByKey_initial.rhai", 6),
    ("tests/cases/window.rhai", 8),
    ("tests/cases/window_default_slide.rhai", 7),
    ("tests/cases/window_of_reduced.rhai", 4),
    ("tests/cases/sortByKey_ranges.rhai", 2),
    ("tests/cases/window_every_k_countByValueAndWindow.rhai", 6),
    ("tests/cases/window_every_k_countByWindow.rhai", 9),
    ("tests/cases/window_every_k_nested.rhai", 18),
    ("tests/cases/window_larger.rhai", 4),
    ("tests/cases/window_lazy_queue.rhai", 2),
    ("tests/cases/window_nonoverlapping.rhai", 2),
    ("tests/cases/window_shorter.rhai", 3),
    ("tests/cases/window_tumbling.rhai", 3),
    ("tests/cases/windows_every_k.rhai", 12),
    // Tricky translations (tests/pyspark/tricky/).
    ("tests/pyspark/tricky/arith.rhai", 2),
    ("tests/pyspark/tricky/array_state.rhai", 3),
    ("tests/pyspark/tricky/concat_unknown.rhai", 2),
    ("tests/pyspark/tricky/if_chain.rhai", 2),
    ("tests/pyspark/tricky/float_to_string.rhai", 2),
    ("tests/pyspark/tricky/loop_capture.rhai", 2),
    ("tests/pyspark/tricky/mutated_array_record.rhai", 2),
    ("tests/pyspark/tricky/record_arrays.rhai", 2),
    ("tests/pyspark/tricky/repr_escapes.rhai", 2),
    ("tests/pyspark/tricky/split_records.rhai", 2),
    ("tests/pyspark/tricky/string_in_place.rhai", 2),
    ("tests/pyspark/tricky/string_values.rhai", 2),
    ("tests/pyspark/tricky/python_names.rhai", 2),
    ("tests/pyspark/tricky/strings.rhai", 2),
    ("tests/pyspark/tricky/sub_string_negative.rhai", 2),
    // The export's own tricky scripts (tests/export/scripts/).
    ("tests/export/scripts/plus_types.rhai", 3),
    ("tests/export/scripts/switch_cases.rhai", 3),
];

/// Cases where the exported program does not print what centella prints yet (each script's
/// comment says how). They must still differ: once the export is fixed, the test says so and
/// the case moves out of this list.
const KNOWN_DIFFERENCES: &[&str] = &[];

/// The examples with live sources, compared by their records summed over the batches.
const LIVE_CASES: &[&str] = &[
    "examples/socket_wordcount.rhai",
    "examples/tweets_folder.rhai",
];

/// Examples that cannot be exported (tests/export.rs checks their errors).
const NOT_EXPORTABLE: &[&str] = &[
    "examples/falling_behind.rhai",
    "examples/kafka_hashtags.rhai",
    "examples/fault_sensors_kafka.rhai",
];

/// Scripts whose output depends on the moment they run, with why: exported (tests/export.rs
/// keeps their golden) but not compared.
const NOT_COMPARED: &[(&str, &str)] = &[
    (
        "examples/fault_sensors_socket.rhai",
        "reads a live sensor (centella feed --generate sensors) and loses an executor",
    ),
    (
        "examples/fault_naive_sensor.rhai",
        "reads a live sensor in a map: its numbers depend on how often PySpark's workers read it",
    ),
];

/// Batches of a live run: enough for Spark's receiver to start and the data to go through.
const LIVE_BATCHES: u32 = 6;

/// What the socket peer sends to every client: at most 10 distinct words (pprint's limit).
const SOCKET_LINES: &[&str] = &["to be or not to be", "that is the question", "to be"];

/// The files moved into the watched folder: (name, contents).
const TWEET_FILES: &[(&str, &str)] = &[
    ("t1.txt", "#Volcan sigue #LaPalma\nmás ceniza en #LaPalma\n"),
    ("t2.txt", "#LaPalma #Volcan #Volcan\nsin etiquetas\n"),
];

/// PySpark runs at once, one JVM each: a batch is mostly waiting on Spark's scheduling, so two
/// share the 2 cores of CI well.
const JVMS: usize = 2;

const MARK: &str = "#### centella-pyspark ";

fn pyspark_python() -> Option<PathBuf> {
    let venv = match std::env::var_os("CENTELLA_PYSPARK_VENV") {
        Some(v) => PathBuf::from(v),
        None => Path::new(&std::env::var_os("HOME")?).join(".cache/centella-tools/pyspark-venv"),
    };
    let py = venv.join("bin/python");
    py.exists().then_some(py)
}

fn stem(script: &str) -> String {
    Path::new(script)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

fn mkdir(p: &Path) -> PathBuf {
    std::fs::create_dir_all(p).unwrap_or_else(|e| panic!("mkdir {}: {e}", p.display()));
    p.to_path_buf()
}

/// A working directory where `examples/...` reads the repository's examples.
fn workdir(p: &Path) -> PathBuf {
    let dir = mkdir(p);
    let link = dir.join("examples");
    if !link.exists() {
        std::os::unix::fs::symlink(Path::new(ROOT).join("examples"), &link).expect("symlink");
    }
    dir
}

// ---- what the outputs hold ---------------------------------------------------------------

/// pprint blocks (from one dashes line to the next), each as a sorted multiset of lines
/// without its Time line;
/// lines printed before the first block (e.g. by foreachRDD) come first, as one block.
fn blocks(out: &str) -> Vec<Vec<String>> {
    let dashes = "-------------------------------------------";
    let mut blocks: Vec<Vec<String>> = vec![];
    let mut lines = out.lines().peekable();
    let mut preamble = vec![];
    while let Some(l) = lines.next() {
        if l == dashes && lines.peek().is_some_and(|n| n.starts_with("Time: ")) {
            lines.next(); // the batch time: PySpark's may differ on the real clock
            blocks.push(vec![]);
            continue;
        }
        if l == dashes || l.is_empty() {
            continue;
        }
        match blocks.last_mut() {
            Some(b) => b.push(l.to_string()),
            None => preamble.push(l.to_string()),
        }
    }
    for b in &mut blocks {
        b.sort();
    }
    if !preamble.is_empty() {
        preamble.sort();
        blocks.insert(0, preamble);
    }
    blocks
}

/// Every record over all batches: `(key, n)` lines summed per key, other lines counted.
fn totals(out: &str) -> BTreeMap<String, i64> {
    let mut sums = BTreeMap::new();
    for line in blocks(out).into_iter().flatten() {
        let pair = line
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .and_then(|l| l.rsplit_once(", "))
            .and_then(|(k, n)| Some((k.to_string(), n.parse::<i64>().ok()?)));
        let (key, n) = pair.unwrap_or((line, 1));
        *sums.entry(key).or_insert(0) += n;
    }
    sums
}

fn expected_counts<'a>(words: impl Iterator<Item = &'a str>) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for w in words {
        *m.entry(format!("'{w}'")).or_insert(0) += 1;
    }
    m
}

// ---- centella's side ---------------------------------------------------------------------

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs centella on `script`; with `feed`, moves the tweets into that folder once the first
/// batch has printed (so the stream has surely started).
fn centella(
    cwd: &Path,
    args: &[&str],
    script: &Path,
    within: Duration,
    feed: Option<PathBuf>,
) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_centella"))
        .args(args)
        .arg(script)
        .current_dir(cwd)
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn centella");
    let stdout = child.stdout.take().expect("centella stdout");
    let mut stderr = child.stderr.take().expect("centella stderr");
    let out = std::thread::spawn(move || {
        let mut all = String::new();
        let mut feed = feed;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(folder) = feed.take_if(|_| line.starts_with("Time: ")) {
                drop_tweets(&folder);
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let err = std::thread::spawn(move || {
        let mut all = String::new();
        let _ = stderr.read_to_string(&mut all);
        all
    });
    let deadline = Instant::now() + within;
    let ok = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.success(),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break false;
            }
        }
    };
    Run {
        ok,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

// ---- the live peers ----------------------------------------------------------------------

/// A TCP server on 127.0.0.1 that sends `SOCKET_LINES` to every client and keeps the
/// connection open until it is dropped.
struct LinePeer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LinePeer {
    fn start() -> LinePeer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("local addr").port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut clients: Vec<TcpStream> = vec![];
            while !flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut s, _)) => {
                        let _ = s.set_nonblocking(false);
                        for l in SOCKET_LINES {
                            let _ = s.write_all(format!("{l}\n").as_bytes());
                        }
                        let _ = s.flush();
                        clients.push(s);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        LinePeer {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for LinePeer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Writes `TWEET_FILES` next to `folder` and moves them in (atomically, as Spark requires),
/// a second after the stream started so that they are clearly new.
fn drop_tweets(folder: &Path) {
    std::thread::sleep(Duration::from_millis(1000));
    let staging = mkdir(&folder.with_extension("staging"));
    for (name, text) in TWEET_FILES {
        let tmp = staging.join(name);
        std::fs::write(&tmp, text).expect("write a tweets file");
        std::fs::rename(&tmp, folder.join(name)).expect("move a tweets file in");
    }
}

// ---- PySpark's side ----------------------------------------------------------------------

/// Each case's stdout, and whether the harness said `ok` (else its error).
type PySparkOutputs = HashMap<String, (String, Result<(), String>)>;

/// Reads the harness's stdout into per-case outputs; moves the tweets in when that case starts.
fn read_harness(stdout: impl std::io::Read, tweets: PathBuf) -> PySparkOutputs {
    let mut outputs = PySparkOutputs::new();
    let mut current: Option<(String, String)> = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let Some(mark) = line.strip_prefix(MARK) else {
            if let Some((_, out)) = current.as_mut() {
                out.push_str(&line);
                out.push('\n');
            }
            continue;
        };
        if let Some(name) = mark.strip_prefix("case ") {
            current = Some((name.to_string(), String::new()));
        } else if mark == "started tweets_folder" {
            drop_tweets(&tweets);
        } else if let Some(rest) = mark.strip_prefix("end ") {
            let (name, status) = rest.split_once(' ').unwrap_or((rest, ""));
            let out = current.take().map(|(_, o)| o).unwrap_or_default();
            let result = match status.strip_prefix("error: ") {
                Some(e) => Err(e.to_string()),
                None => Ok(()),
            };
            outputs.insert(name.to_string(), (out, result));
        }
    }
    outputs
}

struct Harness {
    child: std::process::Child,
    reader: std::thread::JoinHandle<PySparkOutputs>,
    stderr_log: PathBuf,
}

/// Starts `run_exported.py` on `entries` (JSON objects), in a working directory of its own.
fn start_harness(python: &Path, work: &Path, id: usize, entries: &[String]) -> Harness {
    let run_dir = workdir(&work.join(format!("pyspark-{id}")));
    let cases_json = work.join(format!("cases-{id}.json"));
    let spec = format!(
        "{{\"start_time\": \"{START}\", \"cases\": [\n{}\n]}}\n",
        entries.join(",\n")
    );
    std::fs::write(&cases_json, spec).expect("write the cases' JSON");
    let log = work.join(format!("pyspark-{id}.log"));
    let stderr = std::fs::File::create(&log).expect("harness log");
    let mut child = Command::new(python)
        .arg(Path::new(ROOT).join("tests/pyspark/run_exported.py"))
        .arg(&cases_json)
        .current_dir(&run_dir)
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn the PySpark harness");
    let stdout = child.stdout.take().expect("harness stdout");
    let tweets = run_dir.join("tweets");
    let reader = std::thread::spawn(move || read_harness(stdout, tweets));
    Harness {
        child,
        reader,
        stderr_log: log,
    }
}

impl Harness {
    fn finish(mut self, within: Duration) -> (PySparkOutputs, String) {
        let deadline = Instant::now() + within;
        let mut note = String::new();
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                _ => {
                    note = format!("the PySpark harness was killed after {within:?}\n");
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
            }
        }
        let outputs = self.reader.join().unwrap_or_default();
        let log = std::fs::read_to_string(&self.stderr_log).unwrap_or_default();
        (outputs, format!("{note}{log}"))
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---- the tests ---------------------------------------------------------------------------

/// Every example, operation case and tricky script is compared with PySpark, or is known not
/// to be exportable.
#[test]
fn every_script_is_compared() {
    let mut missing = vec![];
    for dir in [
        "examples",
        "tests/cases",
        "tests/pyspark/tricky",
        "tests/export/scripts",
    ] {
        for e in std::fs::read_dir(Path::new(ROOT).join(dir))
            .expect("a scripts directory")
            .flatten()
        {
            let name = format!("{dir}/{}", e.file_name().to_string_lossy());
            let listed = QUEUE_CASES.iter().any(|(s, _)| *s == name)
                || LIVE_CASES.contains(&name.as_str())
                || NOT_EXPORTABLE.contains(&name.as_str())
                || NOT_COMPARED.iter().any(|(s, _)| *s == name);
            if name.ends_with(".rhai") && !listed {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add these to QUEUE_CASES or LIVE_CASES in tests/export_pyspark.rs: {missing:?}"
    );
}

struct Case {
    name: String,
    script: PathBuf,
    batches: u32,
    live: bool,
    /// In `KNOWN_DIFFERENCES`.
    known: bool,
}

impl Case {
    /// What a case costs a JVM, in batches (a live one runs on the real clock).
    fn weight(&self) -> u32 {
        self.batches * if self.live { 4 } else { 1 }
    }
}

/// Every case; the live examples' scripts are written to `dir`, pointed at the socket peer.
fn all_cases(peer_port: u16, dir: &Path) -> Vec<Case> {
    let root = Path::new(ROOT);
    let mut cases: Vec<Case> = QUEUE_CASES
        .iter()
        .map(|(s, n)| Case {
            name: stem(s),
            script: root.join(s),
            batches: *n,
            live: false,
            known: KNOWN_DIFFERENCES.contains(s),
        })
        .collect();
    for s in LIVE_CASES {
        let code = std::fs::read_to_string(root.join(s)).expect("read a live example");
        let code = match stem(s).as_str() {
            "socket_wordcount" => {
                assert!(code.contains("9999"), "{s} no longer uses port 9999");
                code.replace("9999", &peer_port.to_string())
            }
            _ => code,
        };
        let script = dir.join(format!("{}.rhai", stem(s)));
        std::fs::write(&script, code).expect("write a live script");
        cases.push(Case {
            name: stem(s),
            script,
            batches: LIVE_BATCHES,
            live: true,
            known: false,
        });
    }
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(
        names.len(),
        cases.len(),
        "two cases have the same file name"
    );
    // A developer's shortcut: CENTELLA_PYSPARK_ONLY=if_chain,words runs just those cases.
    if let Some(only) = std::env::var("CENTELLA_PYSPARK_ONLY")
        .ok()
        .filter(|o| !o.is_empty())
    {
        let wanted: Vec<&str> = only.split(',').map(str::trim).collect();
        cases.retain(|c| wanted.contains(&c.name.as_str()));
        assert!(
            !cases.is_empty(),
            "CENTELLA_PYSPARK_ONLY={only} names no case"
        );
    }
    cases
}

/// Exports every case into `work/programs` and starts `JVMS` harnesses (one JVM each) on
/// them: the longest case first, each to the harness with the least work so far. Export
/// errors go to `failures`.
fn start_pyspark(
    python: &Path,
    work: &Path,
    cases: &[Case],
    failures: &mut Vec<String>,
) -> Vec<Harness> {
    let progs = mkdir(&work.join("programs"));
    let mut groups: Vec<(u32, Vec<String>)> = vec![(0, vec![]); JVMS];
    let mut by_weight: Vec<&Case> = cases.iter().collect();
    by_weight.sort_by_key(|c| std::cmp::Reverse(c.weight()));
    for c in by_weight {
        let code = std::fs::read_to_string(&c.script).expect("read a script");
        let py = match centella::export::export(&format!("{}.rhai", c.name), &code) {
            Ok(py) => py,
            Err(e) => {
                failures.push(format!("{}: export failed: {e}", c.name));
                continue;
            }
        };
        let prog = progs.join(format!("{}.py", c.name));
        std::fs::write(&prog, py).expect("write a program");
        let (clock, dirs) = match (c.live, c.name.as_str()) {
            (true, "tweets_folder") => ("system", "[\"tweets\"]"),
            (true, _) => ("system", "[]"),
            _ => ("manual", "[]"),
        };
        let entry = format!(
            "{{\"name\": {}, \"program\": {}, \"batches\": {}, \"clock\": \"{clock}\", \"dirs\": {dirs}}}",
            json_str(&c.name),
            json_str(&prog.to_string_lossy()),
            c.batches
        );
        if let Some(g) = groups.iter_mut().min_by_key(|g| g.0) {
            g.0 += c.weight();
            g.1.push(entry);
        }
    }
    groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.1.is_empty())
        .map(|(i, g)| start_harness(python, work, i, &g.1))
        .collect()
}

/// centella on every case: `--clock fast` for the queue-fed ones, the real clock for the live
/// ones (the folder gets its files once the first batch printed).
fn run_centella(work: &Path, cases: &[Case]) -> HashMap<String, Run> {
    let mut runs = HashMap::new();
    for c in cases {
        let cwd = workdir(&work.join("centella").join(&c.name));
        let batches = c.batches.to_string();
        let (args, feed) = if c.live {
            let feed = (c.name == "tweets_folder").then(|| mkdir(&cwd.join("tweets")));
            (vec!["--batches", batches.as_str()], feed)
        } else {
            (vec!["--clock", "fast", "--batches", batches.as_str()], None)
        };
        // The fault lab's examples run on the executors they lose or retry on.
        let mut args = args;
        if c.name.starts_with("fault_") {
            args.extend(["--master", "local-cluster[2, 1, 1024]"]);
        }
        let run = centella(&cwd, &args, &c.script, Duration::from_secs(60), feed);
        runs.insert(c.name.clone(), run);
    }
    runs
}

#[test]
fn exported_programs_match_pyspark() {
    let Some(python) = pyspark_python() else {
        let msg = "no PySpark venv at $CENTELLA_PYSPARK_VENV or ~/.cache/centella-tools/pyspark-venv \
                   (scripts/install-pyspark.sh makes it)";
        if std::env::var_os("CENTELLA_REQUIRE_PYSPARK").is_some() {
            panic!("CENTELLA_REQUIRE_PYSPARK is set but there is {msg}");
        }
        eprintln!("skipping the PySpark comparison of exported programs: {msg}");
        return;
    };
    let t0 = Instant::now();
    let work = std::env::temp_dir().join(format!("centella-pyspark-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let peer = LinePeer::start();
    let cases = all_cases(peer.port, &mkdir(&work.join("live")));
    let mut failures = vec![];
    let harnesses = start_pyspark(&python, &work, &cases, &mut failures);
    let ours = run_centella(&work, &cases); // meanwhile
    let mut theirs = PySparkOutputs::new();
    let mut log = String::new();
    for h in harnesses {
        let (outputs, l) = h.finish(Duration::from_secs(900));
        theirs.extend(outputs);
        log.push_str(&l);
    }
    drop(peer);

    for c in &cases {
        let Some(ours) = ours.get(&c.name) else {
            failures.push(format!("{}: centella's own run is missing", c.name));
            continue;
        };
        match (compare(c, ours, theirs.get(&c.name)), c.known) {
            (Ok(()), false) => eprintln!("PySpark agrees: {} ({} batches)", c.name, c.batches),
            (Err(e), false) => {
                eprintln!("PySpark DISAGREES: {}: {e}", c.name);
                failures.push(format!("{}: {e}", c.name));
            }
            (Err(e), true) => {
                let first = e.lines().next().unwrap_or_default();
                eprintln!("PySpark still differs, as known: {}: {first}", c.name);
            }
            (Ok(()), true) => failures.push(format!(
                "{}: PySpark now agrees: remove it from KNOWN_DIFFERENCES",
                c.name
            )),
        }
    }
    eprintln!(
        "{} programs compared with PySpark in {:.0} s",
        cases.len(),
        t0.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        let _ = std::fs::remove_dir_all(&work);
    }
    assert!(
        failures.is_empty(),
        "{}\n\n(the exported programs are kept in {}/programs)\n---- PySpark's log ----\n{log}",
        failures.join("\n\n"),
        work.display()
    );
}

fn compare(
    c: &Case,
    ours: &Run,
    theirs: Option<&(String, Result<(), String>)>,
) -> Result<(), String> {
    if !ours.ok {
        return Err(format!("centella failed:\n{}", ours.stderr));
    }
    let Some((theirs, result)) = theirs else {
        return Err("PySpark did not run it (see the log below)".into());
    };
    result
        .as_ref()
        .map_err(|e| format!("PySpark failed: {e}\n{theirs}"))?;
    let same = if c.live {
        let want = match c.name.as_str() {
            "socket_wordcount" => expected_counts(SOCKET_LINES.iter().flat_map(|l| l.split(' '))),
            _ => expected_counts(
                TWEET_FILES
                    .iter()
                    .flat_map(|(_, t)| t.split(['\n', ' ']))
                    .filter(|w| w.starts_with('#')),
            ),
        };
        let (a, b) = (totals(&ours.stdout), totals(theirs));
        if a != want {
            return Err(format!(
                "centella's records summed over the batches are {a:?}, not {want:?}:\n{}",
                ours.stdout
            ));
        }
        a == b
    } else {
        blocks(&ours.stdout) == blocks(theirs)
    };
    if same {
        Ok(())
    } else {
        Err(format!(
            "output differs\n--- centella\n{}\n--- PySpark\n{theirs}",
            ours.stdout
        ))
    }
}
