//! The three clocks, `--batches`, and Ctrl-C on a runaway closure, through the real binary.

mod common;

use centella::engine::time::Time;
use common::{Centella, Run, TempDir, finish, times};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh dir holding `NAME.rhai` = `text`, and the script's path.
fn script(name: &str, text: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new("clocks", name);
    let path = dir.write(&format!("{name}.rhai"), text);
    (dir, path)
}

fn centella(args: &[&str], path: &Path) -> Run {
    Centella::new(args).arg(path).run(Duration::from_secs(60))
}

#[test]
fn manual_clock_runs_a_batch_per_tick() {
    let (_dir, p) = script(
        "manual",
        "let s = ssc.queueStream([[1], [2, 3], [4]]);\ns.count().pprint();\nssc.start();\n\
         print(ssc.tick(2));\nprint(\"between\");\nssc.tick();\nssc.stop();\n",
    );
    let out = centella(&["--clock", "manual"], &p);
    let stdout = &out.stdout;
    assert_eq!(out.code, Some(0), "{stdout}");
    assert_eq!(
        times(stdout),
        [
            "2021-11-14 10:00:54",
            "2021-11-14 10:00:55",
            "2021-11-14 10:00:56"
        ]
    );
    let between = stdout.find("between").expect("print between ticks");
    let third = stdout.find("10:00:56").expect("third batch");
    assert!(between < third, "tick(1) ran after the print:\n{stdout}");
    assert!(
        stdout.contains("\n2\nbetween"),
        "tick(2) returns 2:\n{stdout}"
    );
}

#[test]
fn tick_outside_the_manual_clock_is_an_error() {
    let (_dir, p) = script(
        "tick_fast",
        "ssc.queueStream([[1]]).pprint();\nssc.start();\nssc.tick();\n",
    );
    let out = centella(&["--clock", "fast"], &p);
    let stderr = &out.stderr;
    assert_eq!(out.code, Some(1));
    assert!(stderr.contains("--clock manual"), "{stderr}");
}

#[test]
fn start_time_and_fractional_interval_under_the_fast_clock() {
    let (_dir, p) = script(
        "start_time",
        "let ssc = StreamingContext(sc, 1.5);\nssc.queueStream([[1]]).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    let out = centella(
        &[
            "--clock",
            "virtual",
            "--batches",
            "3",
            "--start-time",
            "2030-01-02 03:04:05",
        ],
        &p,
    );
    let stdout = &out.stdout;
    assert_eq!(
        times(stdout),
        [
            "2030-01-02 03:04:05",
            "2030-01-02 03:04:06.500000",
            "2030-01-02 03:04:08"
        ]
    );
}

#[test]
fn fast_clock_await_with_timeout_counts_simulated_seconds() {
    let (_dir, p) = script(
        "timeout",
        "ssc.queueStream([[1]]).count().pprint();\nssc.start();\n\
         print(ssc.awaitTerminationOrTimeout(3));\nprint(\"after 3\");\nssc.stop();\n",
    );
    let out = centella(&["--clock", "fast"], &p);
    let stdout = &out.stdout;
    assert_eq!(times(stdout).len(), 3, "{stdout}");
    assert!(stdout.ends_with("false\nafter 3\n"), "{stdout}");
}

#[test]
fn real_clock_batches_are_aligned_and_contiguous() {
    let (_dir, p) = script(
        "real",
        "let ssc = StreamingContext(sc, 0.5);\nssc.queueStream([[1]]).count().pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    let started = Instant::now();
    let out = centella(&["--batches", "3"], &p);
    assert!(started.elapsed() < Duration::from_secs(10));
    let stdout = &out.stdout;
    assert_eq!(out.code, Some(0), "{stdout}");
    let t = times(stdout);
    assert_eq!(t.len(), 3, "{stdout}");
    // Multiples of 0.5 s: either whole seconds or .500000, alternating.
    let half = |s: &String| s.ends_with(".500000");
    assert!(t.iter().all(|s| half(s) || s.len() == 19), "{t:?}");
    assert_ne!(half(&t[0]), half(&t[1]));
    assert_ne!(half(&t[1]), half(&t[2]));
}

#[test]
fn ctrl_c_stops_a_runaway_closure_and_exits_cleanly() {
    let (_dir, p) = script(
        "runaway",
        "ssc.queueStream([[1]]).map(|x| { let i = 0; loop { i += 1; } }).pprint();\n\
         ssc.start();\nssc.awaitTermination();\n",
    );
    let child = Centella::new(&["--clock", "fast"])
        .arg(&p)
        .spawn(Stdio::null());
    std::thread::sleep(Duration::from_millis(500));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    // Within 10 s of Ctrl-C.
    let out = finish(child, Duration::from_secs(10), Instant::now());
    let stderr = &out.stderr;
    assert_eq!(out.code, Some(130), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The run says why it ended, as Python's KeyboardInterrupt does.
    assert_eq!(
        stderr.lines().last(),
        Some("interrupted (Ctrl-C): the StreamingContext was stopped"),
        "{stderr}"
    );
}

#[test]
fn rhai_notation_and_master_local_n() {
    let (_dir, p) = script(
        "notation",
        "ssc.queueStream([[[\"be\", 1], [\"be\", 2]]]).reduceByKey(|a, b| a + b).pprint();\n\
         ssc.queueStream([sc.parallelize([1, 2, 3])]).glom().pprint();\n\
         ssc.start();\nssc.awaitTermination();\n",
    );
    let out = centella(
        &[
            "--clock",
            "fast",
            "--batches",
            "1",
            "--notation",
            "rhai",
            "--master",
            "local[3]",
        ],
        &p,
    );
    let stdout = &out.stdout;
    assert_eq!(out.code, Some(0), "{stdout}");
    assert!(stdout.contains("\n[\"be\", 3]\n"), "{stdout}");
    // local[3]: parallelize defaults to 3 slices, so glom shows 3 partitions.
    assert!(stdout.contains("\n[1]\n[2]\n[3]\n"), "{stdout}");
}

#[test]
fn statistics_are_exact_under_the_manual_clock() {
    // 0.3 s, 1.5 s, 1.5 s, 0.3 s of work on a 1 s interval: the third batch waits 0.5 s for
    // the second, the fourth 1 s; sleep_ms counts simulated work, so the figures are exact.
    let (_dir, p) = script(
        "exact_stats",
        "ssc.queueStream([[300], [1500], [1500], [300]]).map(|ms| { sleep_ms(ms); ms }).count().pprint();\n\
         ssc.start();\nssc.tick(4);\n\
         for b in ssc.statistics() { print(`${b.schedulingDelay} ${b.processingDelay} ${b.totalDelay}`); }\n\
         ssc.stop();\n",
    );
    let started = Instant::now();
    let out = centella(&["--clock", "manual"], &p);
    let stdout = &out.stdout;
    assert_eq!(out.code, Some(0), "{stdout}");
    let stats: Vec<&str> = stdout
        .lines()
        .filter(|l| l.split(' ').count() == 3 && l.split(' ').all(|x| x.parse::<i64>().is_ok()))
        .collect();
    assert_eq!(
        stats,
        ["0 300 300", "0 1500 1500", "500 1500 2000", "1000 300 1300"],
        "{stdout}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "sleep_ms really slept"
    );
}

#[test]
fn batch_times_print_like_spark_and_do_arithmetic() {
    let (_dir, p) = script(
        "time_values",
        "ssc.queueStream([[1]]).foreachRDD(|t, rdd| {\n\
           print(`${t} | ${t.ms} | ${t + 1} | ${t + 0.5} | ${t > t - 1} | ${(t + 2) - t}`);\n\
         });\nssc.start();\nssc.awaitTermination();\n",
    );
    let out = centella(&["--clock", "fast", "--batches", "1"], &p);
    let stdout = &out.stdout;
    let ms = Time::parse_local("2021-11-14 10:00:54")
        .map(|t| t.ms())
        .unwrap_or_default();
    assert_eq!(
        stdout.trim(),
        format!(
            "2021-11-14 10:00:54 | {ms} | 2021-11-14 10:00:55 | 2021-11-14 10:00:54.500000 | true | 2.0"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn slice_remember_save_as_text_file_and_foreach() {
    let (dir, p) = script(
        "slice",
        "let s = ssc.queueStream([[1], [2, 3], [4]]);\ns.remember(10);\ns.count().pprint();\n\
         ssc.start();\nssc.tick(3);\n\
         let got = s.slice(\"2021-11-14 10:00:54\", \"2021-11-14 10:00:55\");\n\
         print(got.len());\nfor r in got { print(r.collect()); }\n\
         print(s.slice(\"2021-11-14 10:00:54.500\", \"2021-11-14 10:00:56\").len());\n\
         got[1].saveAsTextFile(\"out\");\ngot[1].foreach(|x| print(`each ${x}`));\nssc.stop();\n",
    );
    let out = Centella::new(&["--clock", "manual"])
        .arg(&p)
        .dir(&dir)
        .run(Duration::from_secs(60));
    let stdout = &out.stdout;
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let mut printed: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with('-') && !l.starts_with("Time") && !l.is_empty())
        .collect();
    // foreach runs the partitions in parallel, so its lines come in either order.
    let n = printed.len();
    printed[n.saturating_sub(2)..].sort_unstable();
    // Three count blocks (1, 2, 1), then slice's RDDs; the second slice is aligned down to 54.
    assert_eq!(
        printed,
        ["1", "2", "1", "2", "[1]", "[2, 3]", "3", "each 2", "each 3"],
        "{stdout}"
    );
    let part0 = std::fs::read_to_string(dir.join("out/part-00000")).unwrap_or_default();
    let part1 = std::fs::read_to_string(dir.join("out/part-00001")).unwrap_or_default();
    assert_eq!(format!("{part0}{part1}"), "2\n3\n");
    assert!(dir.join("out/_SUCCESS").exists());
}
