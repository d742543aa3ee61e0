//! Live sources with real peers on 127.0.0.1: Debian's netcat (`nc -lk`), `centella feed`,
//! and files moved into a watched directory. Every test is bounded in time.

mod common;

use common::{Centella, Run, TempDir, free_port, peak_rss_kb};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn temp_dir(name: &str) -> TempDir {
    TempDir::new("sources", name)
}

/// Starts `centella ARGS job.rhai` in `dir`, with `job.rhai` = `script`.
fn centella(dir: &Path, args: &[&str], script: &str) -> Child {
    let path = dir.join("job.rhai");
    std::fs::write(&path, script).expect("script");
    Centella::new(args).arg(&path).dir(dir).spawn(Stdio::null())
}

/// Waits for the run to end, killing it after `within`.
fn finish(child: Child, within: Duration) -> Run {
    common::collect(child, None, within)
}

/// `nc -lk 127.0.0.1 PORT` with its stdin ours to write.
fn netcat(port: u16) -> Child {
    Command::new("nc")
        .args(["-lk", "127.0.0.1", &port.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("netcat-openbsd is needed: scripts/test.sh installs it")
}

fn type_lines(nc: &mut Child, lines: &[&[u8]]) {
    let stdin = nc.stdin.as_mut().expect("nc stdin");
    for l in lines {
        stdin.write_all(l).expect("write to nc");
        stdin.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stop(mut c: Child) {
    let _ = c.kill();
    let _ = c.wait();
}

/// Sums `('word', n)` records over every pprint block.
fn total(stdout: &str, word: &str) -> i64 {
    let prefix = format!("('{word}', ");
    stdout
        .lines()
        .filter_map(|l| {
            l.strip_prefix(&prefix)?
                .strip_suffix(')')?
                .parse::<i64>()
                .ok()
        })
        .sum()
}

fn word_count_script(port: u16) -> String {
    format!(
        "let lines = ssc.socketTextStream(\"localhost\", {port});\n\
         lines.flatMap(|l| l.split(\" \")).map(|w| [w, 1]).reduceByKey(|a, b| a + b).pprint();\n\
         ssc.start();\nssc.awaitTermination();\n"
    )
}

fn wait_for_connection(port: u16) {
    // nc -lk accepts one client at a time; give the receiver its first 2-s retry window.
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let out = Command::new("ss")
            .args(["-tn", "state", "established"])
            .output();
        if let Ok(o) = out {
            if String::from_utf8_lossy(&o.stdout).contains(&format!(":{port}")) {
                return;
            }
        } else {
            std::thread::sleep(Duration::from_millis(1500));
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn word_count_over_netcat() {
    let port = free_port();
    let dir = temp_dir("netcat");
    let mut nc = netcat(port);
    std::thread::sleep(Duration::from_millis(200));
    let app = centella(&dir, &["--batches", "4"], &word_count_script(port));
    wait_for_connection(port);
    type_lines(&mut nc, &[b"hola mundo\n", b"hola spark\r\n", b"hola\n"]);
    let out = finish(app, Duration::from_secs(15));
    stop(nc);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(total(&out.stdout, "hola"), 3, "{}", out.stdout);
    assert_eq!(
        total(&out.stdout, "spark"),
        1,
        "\\r\\n endings: {}",
        out.stdout
    );
    assert_eq!(out.stdout.matches("Time: ").count(), 4, "{}", out.stdout);
}

#[test]
fn no_server_at_start_then_it_appears() {
    let port = free_port();
    let dir = temp_dir("late");
    let app = centella(&dir, &["--batches", "6"], &word_count_script(port));
    std::thread::sleep(Duration::from_millis(1200));
    let mut nc = netcat(port);
    wait_for_connection(port);
    type_lines(&mut nc, &[b"late arrival\n"]);
    let out = finish(app, Duration::from_secs(20));
    stop(nc);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "Restarting receiver with delay 2000 ms: Error connecting to localhost:{port}"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(total(&out.stdout, "late"), 1, "{}", out.stdout);
    // Batches ran (empty) while there was no server.
    assert!(out.stdout.matches("Time: ").count() >= 6, "{}", out.stdout);
}

#[test]
fn server_killed_mid_stream_and_restarted() {
    let port = free_port();
    let dir = temp_dir("restart");
    let mut nc = netcat(port);
    std::thread::sleep(Duration::from_millis(200));
    let app = centella(&dir, &["--batches", "9"], &word_count_script(port));
    wait_for_connection(port);
    type_lines(&mut nc, &[b"before kill\n", b"before\n"]);
    std::thread::sleep(Duration::from_millis(300));
    stop(nc);
    std::thread::sleep(Duration::from_millis(500));
    let mut nc = netcat(port);
    wait_for_connection(port);
    type_lines(&mut nc, &[b"after restart\n"]);
    let out = finish(app, Duration::from_secs(25));
    stop(nc);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(total(&out.stdout, "before"), 2, "{}", out.stdout);
    assert_eq!(
        total(&out.stdout, "after"),
        1,
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "Restarting receiver with delay 2000 ms: Socket data stream had no more data"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn invalid_utf8_becomes_replacement_characters_with_one_warning() {
    let port = free_port();
    let dir = temp_dir("utf8");
    let mut nc = netcat(port);
    std::thread::sleep(Duration::from_millis(200));
    let app = centella(&dir, &["--batches", "3"], &word_count_script(port));
    wait_for_connection(port);
    type_lines(&mut nc, &[b"caf\xe9 ok\n", b"\xff\xfe ok\n"]);
    let out = finish(app, Duration::from_secs(15));
    stop(nc);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(total(&out.stdout, "ok"), 2, "{}", out.stdout);
    assert_eq!(total(&out.stdout, "caf\u{fffd}"), 1, "{}", out.stdout);
    assert_eq!(
        out.stderr.matches("invalid UTF-8").count(),
        1,
        "{}",
        out.stderr
    );
}

fn feed(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_centella"))
        .arg("feed")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn feed")
}

#[test]
fn feed_at_a_rate_loses_nothing() {
    let port = free_port();
    let dir = temp_dir("feed");
    let data = dir.join("lines.txt");
    let lines: Vec<String> = (0..60).map(|i| format!("line{i} x")).collect();
    std::fs::write(&data, lines.join("\n") + "\n").expect("data");
    let server = feed(&[
        "--port",
        &port.to_string(),
        "--rate",
        "40",
        data.to_str().unwrap_or(""),
    ]);
    std::thread::sleep(Duration::from_millis(300));
    let script = format!(
        "let lines = ssc.socketTextStream(\"127.0.0.1\", {port});\n\
         lines.flatMap(|l| l.split(\" \")).filter(|w| w == \"x\").map(|w| [w, 1]).reduceByKey(|a, b| a + b).pprint();\n\
         ssc.start();\nssc.awaitTermination();\n"
    );
    let app = centella(&dir, &["--batches", "4"], &script);
    let out = finish(app, Duration::from_secs(15));
    stop(server);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // 60 lines at 40/s take 1.5 s; 4 batches (plus the graceful stop's last one) take them all.
    assert_eq!(total(&out.stdout, "x"), 60, "{}", out.stdout);
}

#[test]
fn a_flood_with_receiver_max_rate_stays_bounded() {
    let port = free_port();
    let dir = temp_dir("flood");
    let server = feed(&[
        "--port",
        &port.to_string(),
        "--generate",
        "words",
        "--rate",
        "1000000",
    ]);
    std::thread::sleep(Duration::from_millis(300));
    let script = format!(
        "ssc.socketTextStream(\"127.0.0.1\", {port}).count().pprint();\nssc.start();\nssc.awaitTermination();\n"
    );
    let app = centella(
        &dir,
        &["--batches", "4", "--receiver-max-rate", "2000"],
        &script,
    );
    let pid = app.id();
    let mut peak = 0;
    let deadline = Instant::now() + Duration::from_secs(4);
    while Instant::now() < deadline {
        peak = peak.max(peak_rss_kb(pid).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = finish(app, Duration::from_secs(15));
    stop(server);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let counts: Vec<i64> = out
        .stdout
        .lines()
        .filter_map(|l| l.parse::<i64>().ok())
        .collect();
    assert!(!counts.is_empty(), "{}", out.stdout);
    // At most ~2000 records per 1-s batch (a little slack for block boundaries).
    assert!(counts.iter().all(|&c| c <= 2600), "{counts:?}");
    assert!(counts.iter().sum::<i64>() > 1000, "{counts:?}");
    assert!(peak < 100_000, "peak RSS {peak} kB");
}

#[test]
fn text_file_stream_reads_new_files_once_and_skips_hidden_ones() {
    let dir = temp_dir("files");
    let watched = dir.join("incoming");
    std::fs::create_dir_all(&watched).expect("watched dir");
    std::fs::write(watched.join("old.txt"), "before start\n").expect("old file");
    let script = "let lines = ssc.textFileStream(\"incoming\");\n\
                  lines.map(|l| [l, 1]).reduceByKey(|a, b| a + b).pprint();\n\
                  ssc.start();\nssc.awaitTermination();\n";
    let app = centella(&dir, &["--batches", "4"], script);
    std::thread::sleep(Duration::from_millis(1200));
    let staging = dir.join("staging");
    std::fs::create_dir_all(&staging).expect("staging");
    std::fs::write(staging.join("a.txt"), "apple\nbanana\napple\n").expect("a");
    std::fs::rename(staging.join("a.txt"), watched.join("a.txt")).expect("mv a");
    std::fs::write(watched.join(".hidden"), "hidden\n").expect("hidden");
    std::fs::write(watched.join("_temporary"), "temporary\n").expect("underscore");
    std::fs::create_dir_all(watched.join("sub")).expect("subdir");
    std::fs::write(watched.join("sub").join("inner.txt"), "inner\n").expect("inner");
    let out = finish(app, Duration::from_secs(15));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(total(&out.stdout, "apple"), 2, "{}", out.stdout);
    assert_eq!(total(&out.stdout, "banana"), 1, "{}", out.stdout);
    for absent in ["before start", "hidden", "temporary", "inner"] {
        assert!(
            !out.stdout.contains(absent),
            "{absent} was read:\n{}",
            out.stdout
        );
    }
}

#[test]
fn text_file_stream_needs_its_directory_at_start() {
    let dir = temp_dir("nodir");
    let script =
        "ssc.textFileStream(\"missing\").pprint();\nssc.start();\nssc.awaitTermination();\n";
    let out = finish(
        centella(&dir, &["--batches", "1"], script),
        Duration::from_secs(10),
    );
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("textFileStream: the directory missing does not exist"),
        "{}",
        out.stderr
    );
}
