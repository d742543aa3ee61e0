//! Checkpointing and recovery through the real binary: kill -9 at a random moment, restart
//! with getOrCreate, and the state counts every input record exactly once. Also a changed
//! script, a damaged checkpoint and a missing directory.
//!
//! `CENTELLA_CRASH_TRIALS=N` runs more trials (see scripts/crash-test.sh).

mod common;

use common::{Centella, TempDir, blocks};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn temp_dir(name: &str) -> TempDir {
    TempDir::new("recovery", name)
}

/// Starts `centella ARGS job.rhai` in `dir`.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    Centella::new(args)
        .arg("job.rhai")
        .dir(dir)
        .spawn(Stdio::null())
}

/// Waits for the run (or kills it after `kill_after`, as in a crash); its stdout and stderr.
fn collect(child: Child, kill_after: Option<Duration>, limit: Duration) -> (String, String) {
    let run = common::collect(child, kill_after, limit);
    (run.stdout, run.stderr)
}

/// Restarts the job for `batches` more batches; its last block's records, sorted, and stderr.
fn restarted_state(dir: &Path, args: &[&str], batches: &str) -> (Vec<String>, String) {
    let mut args = args.to_vec();
    args.extend(["--batches", batches]);
    let (out, err) = collect(spawn(dir, &args), None, Duration::from_secs(20));
    let mut state = blocks(&out).last().map(|b| b.1.clone()).unwrap_or_default();
    state.sort();
    (state, err)
}

const STATE_FN: &str =
    "|vs, st| { let t = if st == () { 0 } else { st }; for v in vs { t += v; } t }";

fn queue_job() -> String {
    format!(
        "let ssc = StreamingContext::getOrCreate(\"ckpt\", || {{\n\
           let ssc = StreamingContext(sc, 0.1);\n\
           let batches = [];\n\
           for i in 0..25 {{ let b = []; for j in 0..(i % 4 + 1) {{ b.push([\"k\", 1]); }} b.push([\"j\", i]); batches.push(b); }}\n\
           ssc.queueStream(batches).updateStateByKey({STATE_FN}).pprint();\n\
           ssc.checkpoint(\"ckpt\");\n\
           ssc\n\
         }});\nssc.start();\nssc.awaitTermination();\n"
    )
}

fn file_job() -> String {
    format!(
        "let ssc = StreamingContext::getOrCreate(\"ckpt\", || {{\n\
           let ssc = StreamingContext(sc, 0.1);\n\
           ssc.textFileStream(\"incoming\").map(|l| [l, 1]).updateStateByKey({STATE_FN}).pprint();\n\
           ssc.checkpoint(\"ckpt\");\n\
           ssc\n\
         }});\nssc.start();\nssc.awaitTermination();\n"
    )
}

/// Moves 20 files into `incoming/` every 60 ms, whatever happens to centella.
fn feed_files(dir: &Path) -> std::thread::JoinHandle<()> {
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let staging = dir.join("staging");
        let incoming = dir.join("incoming");
        let _ = std::fs::create_dir_all(&staging);
        for i in 0..20 {
            let name = format!("f{i:02}.txt");
            let lines = "k\n".repeat(i % 4 + 1);
            let _ = std::fs::write(staging.join(&name), lines);
            let _ = std::fs::rename(staging.join(&name), incoming.join(&name));
            std::thread::sleep(Duration::from_millis(60));
        }
    })
}

fn has_checkpoint(dir: &Path) -> bool {
    !common::files_starting_with(&dir.join("ckpt"), "metadata-").is_empty()
}

fn pseudo_random(trial: u64) -> u64 {
    let seed = std::process::id() as u64 ^ (trial.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut x = seed | 1;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// One trial: run, SIGKILL at a random moment, restart, check the final state and that
/// outputs only repeat the batch in flight at the crash.
fn crash_trial(trial: u64, files: bool) -> Result<(), String> {
    let dir = temp_dir(&format!("trial{trial}"));
    std::fs::write(
        dir.join("job.rhai"),
        if files { file_job() } else { queue_job() },
    )
    .map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir.join("incoming")).map_err(|e| e.to_string())?;
    let kill_at = Duration::from_millis(150 + pseudo_random(trial) % 1500);
    let first = spawn(&dir, &[]);
    // newFilesOnly: files must arrive after the stream started, i.e. after its first checkpoint.
    let deadline = Instant::now() + Duration::from_secs(5);
    while files && !has_checkpoint(&dir) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let feeder = files.then(|| feed_files(&dir));
    let (out1, err1) = collect(first, Some(kill_at), Duration::from_secs(20));
    let second = spawn(&dir, &["--batches", "30"]);
    let (out2, err2) = collect(second, None, Duration::from_secs(30));
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let context = || {
        format!(
            "trial {trial} (files: {files}, killed after {kill_at:?})\n--- run 1 ---\n{out1}{err1}\n--- run 2 ---\n{out2}{err2}"
        )
    };
    let b1 = blocks(&out1);
    let b2 = blocks(&out2);
    let last = b2
        .last()
        .ok_or_else(|| format!("no output after restart: {}", context()))?;
    let k_total: usize = if files {
        (0..20).map(|i| i % 4 + 1).sum()
    } else {
        (0..25).map(|i| i % 4 + 1).sum()
    };
    let mut expected = vec![format!("('k', {k_total})")];
    if !files {
        expected.push("('j', 300)".into());
    }
    let mut got = last.1.clone();
    got.sort();
    expected.sort();
    if got != expected {
        return Err(format!(
            "final state {got:?} != {expected:?}: {}",
            context()
        ));
    }
    // At-least-once output: the restart may repeat the batch in flight, nothing earlier,
    // and must not skip one.
    if let (Some(end1), Some(start2)) = (b1.last(), b2.first()) {
        let gap = start2.0.ms() - end1.0.ms();
        if !(gap == 0 || gap == 100) {
            return Err(format!(
                "run 2 started {gap} ms after run 1's last block: {}",
                context()
            ));
        }
        if gap == 0 && start2.1 != end1.1 {
            return Err(format!("the repeated batch differs: {}", context()));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn killed_and_restarted_counts_every_record_exactly_once() {
    let trials: u64 = std::env::var("CENTELLA_CRASH_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    // Two trials at a time: one over queueStream, one over textFileStream.
    let mut failures = Vec::new();
    for pair in 0..trials.div_ceil(2) {
        let a = std::thread::spawn(move || crash_trial(pair * 2, false));
        let b = std::thread::spawn(move || crash_trial(pair * 2 + 1, true));
        for h in [a, b] {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(e),
                Err(_) => failures.push("a trial panicked".into()),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {trials} trials failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn run_to_end(dir: &Path, script: &str, args: &[&str]) -> (Option<i32>, String, String) {
    std::fs::write(dir.join("job.rhai"), script).expect("script");
    let run = common::collect(spawn(dir, args), None, Duration::from_secs(20));
    (run.code, run.stdout, run.stderr)
}

#[test]
fn a_changed_script_is_a_clear_error() {
    let dir = temp_dir("changed");
    let job = queue_job();
    let (code, _, err) = run_to_end(&dir, &job, &["--clock", "fast", "--batches", "2"]);
    assert_eq!(code, Some(0), "{err}");
    let changed = job.replace(".updateStateByKey(", ".window(1, 0.1).updateStateByKey(");
    let (code, _, err) = run_to_end(&dir, &changed, &["--clock", "fast", "--batches", "2"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("no longer builds the DStream graph checkpointed in ckpt"),
        "{err}"
    );
    assert!(err.contains("stream 1 was `updateStateByKey`"), "{err}");
    assert!(err.contains("is now `window`"), "{err}");
    assert!(err.contains("Delete ckpt to start afresh"), "{err}");
}

#[test]
fn a_damaged_last_checkpoint_falls_back_and_garbage_is_an_error() {
    let dir = temp_dir("damaged");
    let job = queue_job();
    let (code, out, err) = run_to_end(&dir, &job, &["--clock", "fast", "--batches", "3"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(blocks(&out).len(), 3);
    let metas = common::files_starting_with(&dir.join("ckpt"), "metadata-");
    let newest = metas.last().expect("a metadata file").clone();
    let bytes = std::fs::read(&newest).expect("read");
    std::fs::write(&newest, &bytes[..bytes.len() / 3]).expect("truncate");
    let (code, out, err) = run_to_end(&dir, &job, &["--clock", "fast", "--batches", "1"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("skipping a damaged checkpoint"), "{err}");
    // The truncated file was the third batch's: it is run again.
    assert_eq!(
        blocks(&out).first().map(|b| b.0.format_local()),
        Some("2021-11-14 10:00:54.200000".into()),
        "{out}"
    );

    for m in &metas {
        std::fs::write(m, b"not json at all").expect("garbage");
    }
    let (code, _, err) = run_to_end(&dir, &job, &["--clock", "fast", "--batches", "1"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no readable checkpoint in ckpt"), "{err}");
}

#[test]
fn a_missing_checkpoint_directory_is_created() {
    let dir = temp_dir("missing");
    let job = queue_job().replace("\"ckpt\"", "\"deep/er/ckpt\"");
    let (code, out, err) = run_to_end(&dir, &job, &["--clock", "fast", "--batches", "2"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(blocks(&out).len(), 2);
    assert!(dir.join("deep/er/ckpt").is_dir());
}

fn wal_job(port: u16) -> String {
    format!(
        "let ssc = StreamingContext::getOrCreate(\"ckpt\", || {{\n\
           let ssc = StreamingContext(sc, 3);\n\
           ssc.socketTextStream(\"127.0.0.1\", {port}).map(|w| [w, 1]).updateStateByKey({STATE_FN}).pprint();\n\
           ssc.checkpoint(\"ckpt\");\n\
           ssc\n\
         }});\nssc.start();\nssc.awaitTermination();\n"
    )
}

/// Sends lines to the first client of a one-shot server, then keeps the connection open.
fn one_shot_server(lines: &'static [&'static str]) -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let handle = std::thread::spawn(move || {
        use std::io::Write;
        if let Ok((mut stream, _)) = listener.accept() {
            for l in lines {
                let _ = stream.write_all(format!("{l}\n").as_bytes());
            }
            let _ = stream.flush();
            std::thread::sleep(Duration::from_secs(2));
        }
    });
    (port, handle)
}

/// Runs with or without the WAL: lines are received, the process is killed before a batch
/// takes them, and the restart's state shows whether they survived.
fn received_then_killed(wal: bool) -> Option<Vec<String>> {
    for attempt in 0..4 {
        let dir = temp_dir(&format!("wal-{wal}-{attempt}"));
        let (port, server) = one_shot_server(&["spark", "spark", "rust"]);
        std::fs::write(dir.join("job.rhai"), wal_job(port)).expect("script");
        let conf = "spark.streaming.receiver.writeAheadLog.enable=true";
        let args: Vec<&str> = if wal { vec!["--conf", conf] } else { vec![] };
        let first = spawn(&dir, &args);
        // The lines arrive at once; 700 ms later the process dies, before the 3-s batch.
        let (out1, _) = collect(
            first,
            Some(Duration::from_millis(700)),
            Duration::from_secs(10),
        );
        let _ = server.join();
        if blocks(&out1).iter().any(|b| !b.1.is_empty()) {
            continue; // a batch boundary fell in the window: the lines were processed already
        }
        let (state, err2) = restarted_state(&dir, &args, "1");
        assert!(!err2.contains("panicked"), "{err2}");
        return Some(state);
    }
    None
}

#[test]
fn the_write_ahead_log_replays_received_data_after_a_crash() {
    let Some(state) = received_then_killed(true) else {
        panic!("every attempt had a batch boundary inside the 700 ms window");
    };
    assert_eq!(
        state,
        vec!["('rust', 1)".to_string(), "('spark', 2)".to_string()]
    );
}

#[test]
fn without_the_write_ahead_log_received_data_is_lost() {
    // The lesson of the slides: a plain socket source loses what it had received.
    let Some(state) = received_then_killed(false) else {
        panic!("every attempt had a batch boundary inside the 700 ms window");
    };
    assert!(state.is_empty(), "{state:?}");
}

#[test]
fn the_write_ahead_log_is_compacted_and_still_replays_exactly() {
    // 400 lines over 2 s, data checkpoints every batch, and a rolling interval of 1 s: the
    // log drops what the kept checkpoints consumed, and a kill -9 loses nothing.
    let dir = temp_dir("wal-compact");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let server = std::thread::spawn(move || {
        use std::io::Write;
        if let Ok((mut stream, _)) = listener.accept() {
            for chunk in 0..20 {
                let text: String = (0..20)
                    .map(|i| format!("w{}\n", (chunk * 20 + i) % 4))
                    .collect();
                let _ = stream.write_all(text.as_bytes());
                std::thread::sleep(Duration::from_millis(100));
            }
            std::thread::sleep(Duration::from_secs(4));
        }
    });
    let job = format!(
        "let ssc = StreamingContext::getOrCreate(\"ckpt\", || {{\n\
           let ssc = StreamingContext(sc, 0.5);\n\
           let counts = ssc.socketTextStream(\"127.0.0.1\", {port}).map(|w| [w, 1]).updateStateByKey({STATE_FN});\n\
           counts.checkpoint(0.5);\n\
           counts.pprint();\n\
           ssc.checkpoint(\"ckpt\");\n\
           ssc\n\
         }});\nssc.start();\nssc.awaitTermination();\n"
    );
    std::fs::write(dir.join("job.rhai"), job).expect("script");
    let args = [
        "--conf",
        "spark.streaming.receiver.writeAheadLog.enable=true",
        "--conf",
        "spark.streaming.receiver.writeAheadLog.rollingIntervalSecs=1",
    ];
    let first = spawn(&dir, &args);
    let (_, err1) = collect(
        first,
        Some(Duration::from_millis(4500)),
        Duration::from_secs(10),
    );
    let _ = server.join();
    let log = std::fs::read_dir(dir.join("ckpt/receivedData"))
        .expect("the log directory")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "log"))
        .expect("a write-ahead log");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let kept = text.lines().filter(|l| l.starts_with("L\t")).count();
    assert!(
        text.starts_with("S\t") && kept < 400,
        "compacted ({kept} of 400 lines kept):\n{err1}"
    );
    let (state, err2) = restarted_state(&dir, &args, "2");
    assert_eq!(
        state,
        (0..4).map(|i| format!("('w{i}', 100)")).collect::<Vec<_>>(),
        "every line once after the compacted log's replay:\n{err2}"
    );
}

#[test]
fn status_shows_the_checkpoint_directory_and_last_write() {
    let dir = temp_dir("status");
    let mut child = Centella::new(&["--clock", "manual"])
        .dir(&dir)
        .spawn(Stdio::piped());
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(
            b"ssc.checkpoint(\"ckstat\");\nssc.queueStream([[1]]).pprint();\nssc.start();\nssc.tick(2);\n:status\n",
        );
    }
    let (out, err) = collect(child, None, Duration::from_secs(10));
    assert!(
        out.contains("checkpoint: ckstat, last written")
            || err.contains("checkpoint: ckstat, last written"),
        "{out}\n{err}"
    );
}

/// A window over a queue of several items at once (`oneAtATime=false`: each batch a union,
/// with lineage) still holds its first batch after a restart: input batches are always in
/// the data checkpoint, since a source cannot produce them again.
#[test]
fn a_windowed_queue_batch_with_lineage_survives_a_restart() {
    let dir = temp_dir("window_union");
    let job = "let ssc = StreamingContext::getOrCreate(\"ckpt\", || {\n\
               let ssc = StreamingContext(sc, 1);\n\
               ssc.queueStream([[1, 2, 3, 4, 5, 6], [7, 8]], false).window(30, 1).pprint(2);\n\
               ssc.checkpoint(\"ckpt\");\nssc\n});\nssc.start();\nssc.awaitTermination();\n";
    let (code, out, err) = run_to_end(&dir, job, &["--clock", "fast", "--batches", "12"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        blocks(&out).iter().all(|(_, r)| r == &["1", "2", "..."]),
        "{out}"
    );
    let (code, out, err) = run_to_end(&dir, job, &["--clock", "fast", "--batches", "2"]);
    assert_eq!(code, Some(0), "{err}");
    let after = blocks(&out);
    assert!(!after.is_empty(), "{out}");
    assert!(
        after.iter().all(|(_, r)| r == &["1", "2", "..."]),
        "the window still holds the first batch after the restart: {out}"
    );
}
