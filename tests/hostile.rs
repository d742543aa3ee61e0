//! Hostile input, faults and abuse (issue 13): every class of the audit, reproduced. Each case
//! asserts what the user sees (exact error text, exit status) and runs bounded in time: a
//! case that would hang is killed and fails. Network cases use 127.0.0.1 only.

mod common;

use common::{Centella, Killed, Run, TempDir, connect_within, finish, free_port, peak_rss_kb};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn temp_dir(name: &str) -> TempDir {
    TempDir::new("hostile", name)
}

fn spawn_in(dir: &Path, args: &[&str], stdin: Stdio) -> Child {
    Centella::new(args).dir(dir).state_in(dir).spawn(stdin)
}

/// Runs `centella ARGS... NAME.rhai` with `script`, in a fresh directory, within `limit`.
fn script_in(dir: &Path, name: &str, script: &str, args: &[&str], limit: Duration) -> Run {
    std::fs::write(dir.join(format!("{name}.rhai")), script).expect("script");
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.push(format!("{name}.rhai"));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let started = Instant::now();
    finish(spawn_in(dir, &refs, Stdio::null()), limit, started)
}

fn script(name: &str, code: &str, args: &[&str]) -> Run {
    script_in(&temp_dir(name), name, code, args, Duration::from_secs(30))
}

fn fast(name: &str, code: &str) -> Run {
    script(name, code, &["--clock", "fast"])
}

/// The shell with piped stdin.
fn shell(name: &str, args: &[&str], input: &str, limit: Duration) -> Run {
    let dir = temp_dir(name);
    let started = Instant::now();
    let mut child = spawn_in(&dir, args, Stdio::piped());
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("stdin");
    }
    finish(child, limit, started)
}

// ---- 1. Panics: huge partition counts, timeouts, deep records ----

const TOO_MANY: &str = "error: numPartitions must be between 1 and 10000, got 1000000000000";

#[test]
fn huge_partition_counts_are_refused_everywhere() {
    let cases = [
        (
            "reduce",
            "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.reduceByKey(|a, b| a + b, 1000000000000).pprint();\n",
        ),
        (
            "group",
            "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.groupByKey(1000000000000).pprint();\n",
        ),
        (
            "join",
            "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.fullOuterJoin(s, 1000000000000).pprint();\n",
        ),
        (
            "repart",
            "let s = ssc.queueStream([[1]]);\ns.repartition(1000000000000).pprint();\n",
        ),
        (
            "partby",
            "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.partitionBy(1000000000000).pprint();\n",
        ),
        (
            "rddrepart",
            "let r = sc.parallelize([1, 2]);\nr.repartition(1000000000000);\n",
        ),
        (
            "rddreduce",
            "let r = sc.parallelize([[\"a\", 1]]);\nr.reduceByKey(|a, b| a + b, 1000000000000);\n",
        ),
    ];
    for (name, code) in cases {
        fast(name, code).code(1).has_line(TOO_MANY);
    }
    fast("slices", "sc.parallelize([1, 2], 1000000000000);\n")
        .code(1)
        .has_line("error: numSlices must be between 1 and 10000, got 1000000000000");
    // Where PySpark refuses a count itself, its message.
    fast(
        "zero",
        "let s = ssc.queueStream([[1]]);\ns.repartition(0);\n",
    )
    .code(1)
    .has_line("error: ValueError: Number of partitions must be positive.");
    fast("slices0", "sc.parallelize([1, 2], -1);\n")
        .code(1)
        .has_line(
            "error: java.lang.IllegalArgumentException: Positive number of partitions required",
        );
    fast(
        "zero_key",
        "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.reduceByKey(|a, b| a + b, 0);\n",
    )
    .code(1)
    .has_line("error: numPartitions must be between 1 and 10000, got 0");
    // As the audit wrote them: float literals.
    let floats = [
        (
            "freduce",
            "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.reduceByKey(|a, b| a + b, 1e12).pprint();\n",
        ),
        (
            "fgroup",
            "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.groupByKey(1e12).pprint();\n",
        ),
        (
            "fjoin",
            "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.fullOuterJoin(s, 1e12).pprint();\n",
        ),
        (
            "frepart",
            "let s = ssc.queueStream([[1]]);\ns.repartition(1e12).pprint();\n",
        ),
        (
            "fpartby",
            "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.partitionBy(1e12).pprint();\n",
        ),
        ("frdd", "sc.parallelize([1, 2]).repartition(1e12);\n"),
    ];
    for (name, code) in floats {
        fast(name, code).code(1).has_line(
            "error: numPartitions must be an integer between 1 and 10000, got the float 1000000000000.0",
        );
    }
    fast("fslices", "sc.parallelize([1, 2], 1e12);\n").code(1).has_line(
        "error: numSlices must be an integer between 1 and 10000, got the float 1000000000000.0",
    );
}

#[test]
fn huge_and_nan_timeouts_do_not_panic() {
    // Stopped first, so the (effectively endless) timeouts return at once.
    let r = script(
        "timeouts",
        "let s = ssc.queueStream([[1]]);\ns.pprint();\nssc.start();\nssc.stop();\n\
         print(ssc.awaitTerminationOrTimeout(1e300));\nprint(ssc.awaitTerminationOrTimeout(1e19));\n\
         print(ssc.awaitTerminationOrTimeout(-1));\n",
        &[],
    );
    r.code(0);
    assert_eq!(r.stdout.matches("true").count(), 3, "{}", r.stdout);
    fast(
        "nan",
        "let s = ssc.queueStream([[1]]);\ns.pprint();\nssc.start();\nssc.awaitTerminationOrTimeout(0.0 / 0.0);\n",
    )
    .code(1)
    .has_line("error: ValueError: cannot convert float NaN to integer (timeout = nan)");
}

/// An array `depth` levels deep; `take` moves the value into its new wrapper, so building it
/// is linear (`deep = [deep]` copies the whole structure at every level).
fn nested(depth: usize) -> String {
    format!("let deep = 1;\nfor i in 0..{depth} {{ deep = [take(deep)]; }}\n")
}

#[test]
fn deeply_nested_records_are_errors_not_stack_overflows() {
    let d = nested(5000);
    let r = fast(
        "deep_pprint",
        &format!(
            "{d}let s = ssc.queueStream([[deep]]);\ns.pprint();\nssc.start();\nssc.awaitTermination();\n"
        ),
    );
    r.code(1).stderr_has(
        "RecursionError: maximum recursion depth exceeded while getting the repr of an object",
    );
    let r = fast(
        "deep_key",
        &format!(
            "{d}let s = ssc.queueStream([[[deep, 1]]]);\ns.reduceByKey(|a, b| a + b).count().pprint();\nssc.start();\nssc.awaitTermination();\n"
        ),
    );
    r.code(1).stderr_has(
        "RecursionError: maximum recursion depth exceeded while calling a Python object",
    );
    let r = fast(
        "deep_state",
        &format!(
            "{d}ssc.checkpoint(\"cp\");\nlet s = ssc.queueStream([[[\"k\", 1]]]);\nlet state = s.updateStateByKey(|vs, st| deep);\nstate.checkpoint(1);\nstate.count().pprint();\nssc.start();\nssc.awaitTermination();\n"
        ),
    );
    r.code(0)
        .stderr_has("a record nested more than 60 levels deep cannot be checkpointed");
}

// ---- 3. Hangs: durations, queues, runaway closures, sockets, FIFOs, slice ----

#[test]
fn zero_negative_nan_and_huge_durations_are_refused() {
    let q = "let s = ssc.queueStream([[[\"a\", 1]]]);\n";
    let cases = [
        (
            "w0",
            "s.window(0, 1);",
            "error: windowDuration must be a positive number of seconds (at least 0.001), got 0",
        ),
        (
            "wneg",
            "s.window(-1, 1);",
            "error: windowDuration must be a number of seconds between 0 and 31536000 (365 days), got -1",
        ),
        (
            "wnan",
            "s.window(0.0 / 0.0, 1);",
            "error: ValueError: cannot convert float NaN to integer (windowDuration = nan)",
        ),
        (
            "whuge",
            "s.window(9e15, 1);",
            "error: windowDuration must be a number of seconds between 0 and 31536000 (365 days), got 9000000000000000",
        ),
        (
            "s0",
            "s.window(2, 0);",
            "error: slideDuration must be a positive number of seconds (at least 0.001), got 0",
        ),
        (
            "sneg",
            "s.window(2, -1);",
            "error: slideDuration must be a number of seconds between 0 and 31536000 (365 days), got -1",
        ),
        (
            "rbkw",
            "s.reduceByKeyAndWindow(|a, b| a + b, |a, b| a - b, 0, 1);",
            "error: windowDuration must be a positive number of seconds (at least 0.001), got 0",
        ),
        (
            "rbw",
            "s.reduceByWindow(|a, b| a, (), 0, 1);",
            "error: windowDuration must be a positive number of seconds (at least 0.001), got 0",
        ),
        (
            "cbw",
            "s.countByWindow(2, -3);",
            "error: slideDuration must be a number of seconds between 0 and 31536000 (365 days), got -3",
        ),
        (
            "ck0",
            "s.checkpoint(0);",
            "error: interval must be a positive number of seconds (at least 0.001), got 0",
        ),
        (
            "ckneg",
            "s.checkpoint(-1);",
            "error: interval must be a number of seconds between 0 and 31536000 (365 days), got -1",
        ),
        (
            "rem",
            "ssc.remember(-5);",
            "error: duration must be a number of seconds between 0 and 31536000 (365 days), got -5",
        ),
        (
            "ssc0",
            "StreamingContext(sc, 0);",
            "error: batchDuration must be a positive number of seconds (at least 0.001), got 0",
        ),
        (
            "sscneg",
            "StreamingContext(sc, -1);",
            "error: batchDuration must be a number of seconds between 0 and 31536000 (365 days), got -1",
        ),
        (
            "sscnan",
            "StreamingContext(sc, 0.0 / 0.0);",
            "error: ValueError: cannot convert float NaN to integer (batchDuration = nan)",
        ),
        (
            "ssc300",
            "StreamingContext(sc, 1e300);",
            "error: batchDuration must be a number of seconds between 0 and 31536000 (365 days), got 1e+300",
        ),
    ];
    for (name, line, expected) in cases {
        fast(name, &format!("{q}{line}\n"))
            .code(1)
            .has_line(expected);
    }
}

#[test]
fn an_unused_queue_does_not_keep_the_fast_clock_running() {
    let r = fast(
        "unused_queue",
        "let unused = ssc.queueStream([[1]]);\nlet s = ssc.queueStream([[2], [3]]);\ns.pprint();\nssc.start();\nssc.awaitTermination();\nprint(\"done\");\n",
    );
    r.code(0).within(Duration::from_secs(20));
    assert!(r.stdout.ends_with("done\n"), "{}", r.stdout);
}

const LOOPING: &str =
    "let s = ssc.queueStream([[1]]);\ns.map(|x| { loop { } }).pprint();\nssc.start();\n";

#[test]
fn a_timeout_holds_against_a_runaway_closure_under_the_fast_clock() {
    let r = fast(
        "runaway_fast",
        &format!("{LOOPING}print(ssc.awaitTerminationOrTimeout(2));\n"),
    );
    r.code(1).within(Duration::from_secs(25)).stderr_has(
        "cancelled: awaitTerminationOrTimeout(2) timed out while this batch was still running (10 s of grace)",
    );
}

#[test]
fn a_timeout_and_the_end_hold_against_a_runaway_closure_under_the_real_clock() {
    let r = script(
        "runaway_real",
        &format!("{LOOPING}print(ssc.awaitTerminationOrTimeout(2));\nprint(\"after\");\n"),
        &[],
    );
    r.within(Duration::from_secs(15))
        .stderr_has("cancelled: the StreamingContext stopped while this batch was still running");
    assert!(r.stdout.contains("false\nafter\n"), "{}", r.stdout);
}

#[test]
fn end_of_input_returns_with_a_runaway_closure_on_the_real_clock() {
    // The shell stops gracefully at the end of input: Spark's gracefulStopTimeout (10 batch
    // intervals) bounds a batch that never ends.
    let r = shell(
        "quit_runaway",
        &[],
        &format!("{}\nsleep_ms(1500);\n:quit\n", LOOPING.replace('\n', " ")),
        Duration::from_secs(30),
    );
    r.within(Duration::from_secs(25))
        .stderr_has("cancelled: the StreamingContext stopped while this batch was still running");
}

#[test]
fn a_bad_line_in_the_shell_does_not_end_it() {
    let r = shell(
        "shell_bad_lines",
        &["--clock", "manual"],
        "let s = ssc.queueStream([[1]]);\ns.repartition(1000000000000)\ns.window(0, 1)\nStreamingContext(sc, 1e300)\nprint(\"still here\")\n",
        Duration::from_secs(20),
    );
    // Piped, the shell's exit status says that some entry failed; it went on all the same.
    assert!(r.stdout.contains("still here"), "{}", r.stdout);
    r.stderr_has("numPartitions must be between 1 and 10000, got 1000000000000")
        .stderr_has("windowDuration must be a positive number of seconds (at least 0.001), got 0");
}

/// A server that accepts one client and sends a byte every 50 ms, never a newline.
fn dripping_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(60) && s.write_all(b"x").is_ok() {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    });
    port
}

#[test]
fn stop_is_not_blocked_by_a_server_dripping_bytes() {
    for (name, stop) in [
        ("drip_stop", "ssc.stop();"),
        ("drip_graceful", "ssc.stop(true, true);"),
    ] {
        let port = dripping_server();
        let r = script(
            name,
            &format!(
                "let s = ssc.socketTextStream(\"127.0.0.1\", {port});\ns.count().pprint();\nssc.start();\nssc.awaitTerminationOrTimeout(2);\n{stop}\nprint(\"stopped\");\n"
            ),
            &[],
        );
        r.code(0).within(Duration::from_secs(10));
        assert!(r.stdout.contains("stopped"), "{}", r.stdout);
    }
}

#[test]
fn a_fifo_in_a_watched_folder_is_skipped_with_a_warning() {
    let dir = temp_dir("fifo");
    let watched = dir.join("in");
    std::fs::create_dir_all(&watched).expect("watched");
    std::fs::write(
        dir.join("fifo.rhai"),
        "let s = ssc.textFileStream(\"in\");\ns.pprint();\nssc.start();\nprint(\"started\");\nssc.awaitTerminationOrTimeout(4);\nssc.stop();\n",
    )
    .expect("script");
    let mut child = spawn_in(&dir, &["fifo.rhai"], Stdio::null());
    // Files count from the start: wait for it before making them.
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l == "started") {
        match lines.recv_timeout(Duration::from_secs(20)) {
            Ok(l) => seen.push(l),
            Err(_) => {
                let _ = child.kill();
                panic!("the context did not start: {seen:?}");
            }
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let made = Command::new("mkfifo")
        .arg(watched.join("a-pipe"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    std::fs::write(watched.join("b.txt"), "after the fifo\n").expect("file");
    let started = Instant::now();
    let r = finish(child, Duration::from_secs(20), started);
    seen.extend(lines.try_iter());
    let stdout = seen.join("\n");
    r.code(0)
        .stderr_has("not a regular file (a FIFO, socket or device); only regular files are read");
    assert!(stdout.contains("after the fifo"), "{stdout}");
}

#[test]
fn slice_is_bounded_and_never_takes_future_queue_items() {
    let r = script(
        "slice",
        "let s = ssc.queueStream([[1], [2], [3]]);\ns.pprint();\nssc.start();\nssc.tick(1);\n\
         print(s.slice(0, 9223372036854775807).len());\n\
         print(s.slice(\"2021-11-14 10:00:54\", \"2021-11-14 11:00:00\").len());\nssc.tick(2);\n",
        &["--clock", "manual"],
    );
    r.code(0).within(Duration::from_secs(10));
    let records: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| !l.starts_with('-') && !l.starts_with("Time") && !l.is_empty())
        .collect();
    assert_eq!(records, ["1", "0", "0", "2", "3"], "{}", r.stdout);
}

#[test]
fn too_many_worker_threads_are_refused() {
    let r = script("master", "print(1);\n", &["--master", "local[100000]"]);
    r.code(2)
        .stderr_has("local[100000]: the number of worker threads must be between 1 and 256");
}

// ---- 4. Checkpoints: every field validated, a fast-clock one not resumed under the real clock ----

const CHECKPOINTED: &str = "let ssc = StreamingContext::getOrCreate(\"cp\", || {\n    let ssc = StreamingContext(sc, 1);\n    let s = ssc.queueStream([[1], [2], [3]]);\n    s.pprint();\n    ssc\n});\nssc.start();\nssc.awaitTermination();\n";

/// A checkpoint made by a fast-clock run, and the path of its newest metadata file.
fn fast_checkpoint(name: &str) -> (TempDir, PathBuf) {
    let dir = temp_dir(name);
    script_in(
        &dir,
        name,
        CHECKPOINTED,
        &["--clock", "fast"],
        Duration::from_secs(30),
    )
    .code(0);
    let mut metas = common::files_starting_with(&dir.join("cp"), "metadata-");
    let newest = metas.pop().expect("a metadata file");
    for older in metas {
        std::fs::remove_file(older).expect("rm");
    }
    (dir, newest)
}

fn edit_metadata(path: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    edit(&mut v);
    std::fs::write(path, serde_json::to_vec(&v).expect("json")).expect("write");
}

#[test]
fn corrupt_checkpoint_fields_are_refused_by_name() {
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        (
            "last_completed_ms",
            serde_json::json!(-5000),
            "last_completed_ms is -5000",
        ),
        (
            "last_completed_ms",
            serde_json::json!(i64::MAX),
            "last_completed_ms is 9223372036854775807",
        ),
        (
            "zero_ms",
            serde_json::json!(9_200_000_000_000_000_000_i64),
            "zero_ms is 9200000000000000000",
        ),
        (
            "pending_ms",
            serde_json::json!((0..2000).collect::<Vec<i64>>()),
            "the number of pending_ms is 2000",
        ),
        ("batch_ms", serde_json::json!(0), "batch_ms is 0"),
    ];
    for (i, (field, value, expected)) in cases.into_iter().enumerate() {
        let name = format!("corrupt{i}");
        let (dir, meta) = fast_checkpoint(&name);
        edit_metadata(&meta, |v| v[field] = value.clone());
        let r = script_in(
            &dir,
            &name,
            CHECKPOINTED,
            &["--clock", "fast"],
            Duration::from_secs(20),
        );
        r.code(1)
            .stderr_has("is not a valid checkpoint: ")
            .stderr_has(expected);
    }
}

#[test]
fn a_fast_clock_checkpoint_is_not_resumed_under_the_real_clock() {
    let (dir, _) = fast_checkpoint("fast_then_real");
    let r = script_in(
        &dir,
        "fast_then_real",
        CHECKPOINTED,
        &[],
        Duration::from_secs(20),
    );
    r.code(1)
        .within(Duration::from_secs(15))
        .stderr_has("was written under --clock fast (simulated batch times, the last 2021-11-14")
        .stderr_has("resume it with --clock fast, or delete cp to start afresh");
}

// ---- 6. Unclear or silently accepted ----

#[test]
fn calls_that_wait_for_batches_are_refused_inside_a_batch() {
    for (name, call) in [
        ("in_stop", "ssc.stop()"),
        ("in_start", "ssc.start()"),
        ("in_await", "ssc.awaitTermination()"),
        ("in_queue", "ssc.queueStream([[1]])"),
    ] {
        let r = fast(
            name,
            &format!(
                "let s = ssc.queueStream([[1], [2]]);\ns.foreachRDD(|rdd| {{ {call}; }});\nssc.start();\nssc.awaitTermination();\n"
            ),
        );
        r.code(1)
            .stderr_has("are not allowed inside a batch")
            .stderr_has("stop from the script instead");
    }
}

#[test]
fn small_mistakes_get_clear_messages() {
    fast("ckdir", "ssc.checkpoint(\"\");\n").code(1).has_line(
        "error: java.lang.IllegalArgumentException: Can not create a Path from an empty string",
    );
    script(
        "tick_early",
        "let s = ssc.queueStream([[1]]);\ns.pprint();\nssc.tick(2);\n",
        &["--clock", "manual"],
    )
    .code(1)
    .has_line("error: tick(): the streaming context has not been started; call ssc.start() first");
    fast(
        "goc",
        "let c = StreamingContext::getOrCreate(\"cp\", || 5);\n",
    )
    .code(1)
    .has_line("error: getOrCreate: the setup function must return a StreamingContext, got i64")
    .has_line("  --> goc.rhai:1:27");
}

#[test]
fn time_arithmetic_is_checked() {
    for (name, expr, shown) in [
        (
            "t_max",
            "t + 9223372036854775807",
            "+ 9223372036854775807 s",
        ),
        ("t_huge", "t + 1e300", "+ 1e+300 s"),
        (
            "t_minus",
            "t - 9223372036854775807",
            "- 9223372036854775807 s",
        ),
    ] {
        let r = fast(
            name,
            &format!(
                "let s = ssc.queueStream([[1]]);\ns.foreachRDD(|t, rdd| print({expr}));\nssc.start();\nssc.awaitTermination();\n"
            ),
        );
        r.code(1).stderr_has(&format!(
            "{shown} is out of the range of times (years 1 to 9999)"
        ));
    }
}

// ---- feed: rate, stdin backlog, many clients of a large file ----

fn connect_retrying(port: u16) -> TcpStream {
    connect_within(port, Duration::from_secs(10), "feed")
}

#[test]
fn feed_refuses_absurd_rates() {
    let r = shell(
        "rate",
        &["feed", "--rate", "1e-20", "x.txt"],
        "",
        Duration::from_secs(10),
    );
    r.code(2)
        .stderr_has("--rate is lines per second, a number between 0.001 and 1e9; got 1e-20");
}

#[test]
fn feed_keeps_the_stdin_backlog_for_the_next_client() {
    let port = free_port();
    let lines: String = (0..1000).map(|i| format!("line {i}\n")).collect();
    let mut feed = Command::new(env!("CARGO_BIN_EXE_centella"))
        .args(["feed", "--port", &port.to_string(), "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("feed");
    if let Some(mut stdin) = feed.stdin.take() {
        stdin.write_all(lines.as_bytes()).expect("stdin");
    }
    let _feed = Killed(feed);
    // Let the feed read all of stdin first: lines that arrive while a client is connected are
    // that client's.
    std::thread::sleep(Duration::from_millis(1000));
    // A client that connects and goes at once (a port check).
    drop(connect_retrying(port));
    std::thread::sleep(Duration::from_millis(200));
    let second = connect_retrying(port);
    second
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut got = Vec::new();
    for line in BufReader::new(second).lines() {
        match line {
            Ok(l) => {
                got.push(l);
                if got.len() == 1000 {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    assert_eq!(got.len(), 1000, "the second client got {} lines", got.len());
    assert_eq!(got[999], "line 999");
}

#[test]
fn many_clients_of_a_large_file_share_no_copies_of_it() {
    let dir = temp_dir("feed_many");
    let data = dir.join("big.txt");
    let line = "a fairly ordinary line of demo text, repeated many times\n";
    std::fs::write(&data, line.repeat(20 * 1024 * 1024 / line.len())).expect("data");
    let port = free_port();
    let feed = Command::new(env!("CARGO_BIN_EXE_centella"))
        .args(["feed", "--port", &port.to_string()])
        .arg(&data)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("feed");
    let pid = feed.id();
    let _feed = Killed(feed);
    drop(connect_retrying(port));
    // Clients that connect, read a little and go, many at once.
    let clients: Vec<_> = (0..200)
        .map(|_| {
            std::thread::spawn(move || {
                if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf);
                }
            })
        })
        .collect();
    for c in clients {
        let _ = c.join();
    }
    std::thread::sleep(Duration::from_millis(500));
    let peak = peak_rss_kb(pid).expect("rss");
    // Each client holding the 20 MB file (twice, as bytes and text) would pass 4 GB.
    assert!(peak < 200 * 1024, "peak RSS {peak} kB");
}

// ---- 5. The UI answers only its own Host names ----

#[test]
fn the_ui_refuses_foreign_host_headers() {
    use centella::ui::monitor::Monitor;
    use centella::ui::server::UiServer;
    let monitor = std::sync::Arc::new(Monitor::new("hostile"));
    let server = UiServer::start(monitor, 0).expect("server");
    let get = |host: &str| -> u16 {
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        write!(
            s,
            "GET /api/v1/applications HTTP/1.0\r\nHost: {host}\r\n\r\n"
        )
        .expect("send");
        let mut raw = String::new();
        let _ = s.read_to_string(&mut raw);
        raw.split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    };
    assert_eq!(get(&format!("localhost:{}", server.port)), 200);
    assert_eq!(get(&format!("127.0.0.1:{}", server.port)), 200);
    assert_eq!(
        get(&format!("rebind.attacker.example:{}", server.port)),
        403
    );
    assert_eq!(get("evil.test"), 403);
}

// ---- The shell on a terminal ----

#[cfg(unix)]
mod pty {
    use super::common::pty as term;
    use super::temp_dir;
    use expectrl::session::OsSession;
    use std::io::Write;
    use std::time::{Duration, Instant};

    /// A shell in a pseudo-terminal, read as raw text (enough to find messages).
    struct Term {
        session: OsSession,
        seen: String,
    }

    impl Term {
        fn spawn(state: &std::path::Path) -> Term {
            let mut cmd = term::command(&[], state, true);
            cmd.current_dir(state);
            let mut t = Term {
                session: term::spawn(cmd),
                seen: String::new(),
            };
            t.wait_for("centella> ", Duration::from_secs(10));
            t
        }

        fn pump(&mut self) {
            let seen = &mut self.seen;
            term::pump(&mut self.session, |bytes| {
                seen.push_str(&String::from_utf8_lossy(bytes));
                (1, 1)
            });
        }

        fn wait_for(&mut self, text: &str, limit: Duration) {
            let start = Instant::now();
            while !self.seen.contains(text) {
                self.pump();
                assert!(
                    start.elapsed() < limit,
                    "no {text:?} on the terminal:\n{}",
                    self.seen
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }

        fn line(&mut self, text: &str) {
            self.session.write_all(text.as_bytes()).expect("type");
            std::thread::sleep(Duration::from_millis(150));
            self.session.write_all(b"\r").expect("enter");
            let _ = self.session.flush();
        }

        /// Waits for the process to end; its exit status.
        fn exit_status(&mut self, limit: Duration) -> i32 {
            let start = Instant::now();
            loop {
                self.pump();
                if let Some(code) = term::exit_code(&self.session) {
                    return code;
                }
                assert!(
                    start.elapsed() < limit,
                    "centella did not exit:\n{}",
                    self.seen
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    #[test]
    fn on_a_terminal_a_bad_line_is_an_error_and_quit_returns_despite_a_runaway_closure() {
        let dir = temp_dir("pty");
        let mut t = Term::spawn(&dir);
        t.line("let s = ssc.queueStream([[1]]); s.repartition(1000000000000)");
        t.wait_for(
            "numPartitions must be between 1 and 10000, got 1000000000000",
            Duration::from_secs(10),
        );
        t.line("s.map(|x| { loop { } }).pprint(); ssc.start();");
        std::thread::sleep(Duration::from_millis(1500));
        t.line(":quit");
        let started = Instant::now();
        let code = t.exit_status(Duration::from_secs(30));
        assert_eq!(code, 0, "{}", t.seen);
        assert!(started.elapsed() < Duration::from_secs(25));
        t.wait_for(
            "cancelled: the StreamingContext stopped",
            Duration::from_secs(1),
        );
    }
}

#[test]
fn a_corrupt_queue_position_cannot_loop_for_ever() {
    let (dir, _) = fast_checkpoint("queue_taken");
    let data = std::fs::read_dir(dir.join("cp"))
        .expect("cp")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("data-"))
        })
        .expect("a data file");
    edit_metadata(&data, |v| {
        v["nodes"][0]["source"]["Queue"]["taken"] = serde_json::json!(u64::MAX)
    });
    let r = script_in(
        &dir,
        "queue_taken",
        CHECKPOINTED,
        &["--clock", "fast"],
        Duration::from_secs(20),
    );
    r.code(0).within(Duration::from_secs(15));
}
