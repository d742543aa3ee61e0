//! The integration tests' shared harness: fresh temp dirs, centella runs bounded in time, the
//! result with its assertions, pprint blocks, ports on 127.0.0.1 and a manual-clock script
//! host. Each tests/*.rs says `mod common;` and uses what it needs.

// Each test binary uses a different part of the harness.
#![allow(dead_code)]

#[cfg(unix)]
pub mod pty;

use centella::engine::clock::{ClockKind, RunConfig};
use centella::engine::sink::MemorySink;
use centella::engine::time::Time;
use centella::script::ScriptHost;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The first batch time of every golden output (Spark's ManualClock runs of the cases).
pub const FIRST_BATCH: &str = "2021-11-14 10:00:54";

const DASHES: &str = "-------------------------------------------";

// ---- temp dirs ----

/// A fresh, empty directory `centella-GROUP-PID-NAME` in the system's temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(group: &str, name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("centella-{group}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("cannot create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `text` to the file `name` in this dir; its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).expect("cannot write into the temp dir");
        path
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<OsStr> for TempDir {
    fn as_ref(&self) -> &OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- running centella ----

/// `centella ARGS...`, to be run or spawned with piped stdout and stderr.
pub struct Centella(Command);

impl Centella {
    pub fn new<S: AsRef<OsStr>>(args: &[S]) -> Centella {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_centella"));
        cmd.args(args);
        Centella(cmd)
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Centella {
        self.0.arg(arg);
        self
    }

    pub fn dir(mut self, dir: impl AsRef<Path>) -> Centella {
        self.0.current_dir(dir);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Centella {
        self.0.env(key, value);
        self
    }

    /// Keeps the shell's history inside `dir`, away from the user's.
    pub fn state_in(self, dir: impl AsRef<Path>) -> Centella {
        let dir = dir.as_ref().as_os_str().to_owned();
        self.env("XDG_STATE_HOME", dir)
    }

    pub fn spawn(self, stdin: Stdio) -> Child {
        let mut cmd = self.0;
        cmd.stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run centella")
    }

    /// Runs with stdin closed; panics if it has not ended within `limit`.
    pub fn run(self, limit: Duration) -> Run {
        let started = Instant::now();
        finish(self.spawn(Stdio::null()), limit, started)
    }

    /// Runs with `input` on stdin; panics if it has not ended within `limit`.
    pub fn run_with_input(self, input: &[u8], limit: Duration) -> Run {
        let started = Instant::now();
        let mut child = self.spawn(Stdio::piped());
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input).expect("cannot write stdin");
        }
        finish(child, limit, started)
    }
}

/// What a run printed and how it ended.
pub struct Run {
    /// None when killed by a signal (or by [`collect`] at its limit).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    fn context(&self) -> String {
        format!(
            "--- stderr ---\n{}--- stdout ---\n{}",
            self.stderr, self.stdout
        )
    }

    /// Panics unless stderr has a line exactly equal to `line`.
    pub fn has_line(&self, line: &str) -> &Self {
        assert!(
            self.stderr.lines().any(|l| l == line),
            "stderr has no line {line:?}\n{}",
            self.context()
        );
        self
    }

    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n{}",
            self.context()
        );
        self
    }

    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "exit status\n{}", self.context());
        self
    }

    pub fn stdout(&self, expected: &str) -> &Self {
        assert_eq!(
            self.stdout, expected,
            "stdout\n--- stderr ---\n{}",
            self.stderr
        );
        self
    }

    pub fn within(&self, limit: Duration) -> &Self {
        assert!(self.took <= limit, "took {:?} (limit {limit:?})", self.took);
        self
    }
}

/// Reads a child's stdout and stderr on threads of their own, so that neither pipe fills up.
struct Readers {
    out: std::thread::JoinHandle<String>,
    err: std::thread::JoinHandle<String>,
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut p) = pipe {
            let mut bytes = Vec::new();
            let _ = p.read_to_end(&mut bytes);
            s = String::from_utf8_lossy(&bytes).into_owned();
        }
        s
    })
}

impl Readers {
    fn of(child: &mut Child) -> Readers {
        Readers {
            out: read_all(child.stdout.take()),
            err: read_all(child.stderr.take()),
        }
    }

    fn join(self, code: Option<i32>, took: Duration) -> Run {
        Run {
            code,
            stdout: self.out.join().unwrap_or_default(),
            stderr: self.err.join().unwrap_or_default(),
            took,
        }
    }
}

/// Sleeps between looks at a child: briefly at first (most runs end within a few
/// milliseconds), then up to every 20 ms.
struct Poll(Duration);

impl Poll {
    fn new() -> Poll {
        Poll(Duration::from_millis(1))
    }

    fn sleep(&mut self) {
        std::thread::sleep(self.0);
        self.0 = (self.0 * 2).min(Duration::from_millis(20));
    }
}

/// Waits for `child` until `limit` after `started`; kills it and fails past that.
pub fn finish(mut child: Child, limit: Duration, started: Instant) -> Run {
    let readers = Readers::of(&mut child);
    let mut poll = Poll::new();
    let code = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status.code();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = readers.err.join().unwrap_or_default();
            panic!("centella hung: killed after {limit:?}\n--- stderr ---\n{stderr}");
        }
        poll.sleep();
    };
    readers.join(code, started.elapsed())
}

/// Waits for `child` at most `limit`, or kills it (SIGKILL, as in a crash) after `kill_after`;
/// what it printed either way. A killed child has no exit code.
pub fn collect(mut child: Child, kill_after: Option<Duration>, limit: Duration) -> Run {
    let started = Instant::now();
    let readers = Readers::of(&mut child);
    let mut poll = Poll::new();
    let code = loop {
        let due = kill_after.is_some_and(|k| started.elapsed() >= k);
        if due || started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        if let Ok(Some(status)) = child.try_wait() {
            break status.code();
        }
        poll.sleep();
    };
    readers.join(code, started.elapsed())
}

/// A child killed when the test ends, passed or not.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The peak resident memory of a running process, in kB (Linux).
pub fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The files in `dir` whose names start with `prefix`, sorted (checkpoint files sort by time).
pub fn files_starting_with(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|es| {
            es.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

// ---- pprint output ----

/// A pprint block as PySpark prints it, at `2021-11-14 TIME`.
pub fn block(time: &str, records: &[&str]) -> String {
    let mut s = format!("{DASHES}\nTime: 2021-11-14 {time}\n{DASHES}\n");
    for r in records {
        s.push_str(r);
        s.push('\n');
    }
    s.push('\n');
    s
}

/// The complete pprint blocks of an output: (batch time, records). A block cut short by a
/// kill (no closing blank line) is left out.
pub fn blocks(stdout: &str) -> Vec<(Time, Vec<String>)> {
    let mut out = Vec::new();
    let header = format!("{DASHES}\nTime: ");
    let mut parts = stdout.split(header.as_str());
    parts.next();
    for p in parts {
        let Some((time, rest)) = p.split_once('\n') else {
            continue;
        };
        let Some(body) = rest.strip_prefix(&format!("{DASHES}\n")) else {
            continue;
        };
        let Some(body) = body
            .strip_suffix("\n\n")
            .or_else(|| body.strip_suffix('\n').filter(|b| b.is_empty()).map(|_| ""))
        else {
            continue;
        };
        let Some(t) = Time::parse_local(time) else {
            continue;
        };
        out.push((t, body.lines().map(str::to_string).collect()));
    }
    out
}

/// The batch times of the blocks, as printed.
pub fn times(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Time: "))
        .map(str::to_string)
        .collect()
}

/// Where `expected` and `actual` first differ, as a readable message (None if equal).
pub fn first_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    // split_inclusive keeps each '\n', so a missing final newline shows up too.
    let exp: Vec<&str> = expected.split_inclusive('\n').collect();
    let act: Vec<&str> = actual.split_inclusive('\n').collect();
    let line = (0..exp.len().max(act.len()))
        .find(|&i| exp.get(i) != act.get(i))
        .expect("different texts differ somewhere");
    let show = |l: Option<&&str>| l.map_or("<end of output>".to_string(), |s| format!("{s:?}"));
    Some(format!(
        "first difference at line {}:\n  expected: {}\n  actual:   {}\n({} lines expected, {} lines printed)",
        line + 1,
        show(exp.get(line)),
        show(act.get(line)),
        exp.len(),
        act.len(),
    ))
}

/// Asserts that the run of `name` succeeded, printed exactly `expected_err` on stderr and on
/// stdout exactly the text of `golden` (the first difference is shown).
pub fn assert_golden(name: &str, run: &Run, golden: &Path, expected_err: &str) {
    let expected = std::fs::read_to_string(golden)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", golden.display()));
    let (stdout, stderr) = (&run.stdout, &run.stderr);
    assert!(
        run.code == Some(0),
        "{name}: centella failed ({:?})\nstderr:\n{stderr}",
        run.code
    );
    assert_eq!(stderr, expected_err, "{name}: stderr");
    if let Some(diff) = first_difference(&expected, stdout) {
        panic!(
            "{name}: stdout differs from {}\n{diff}\n--- full stdout ---\n{stdout}",
            golden.display()
        );
    }
}

// ---- 127.0.0.1 ----

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Connects to 127.0.0.1:`port` once something listens there, for at most `limit`.
pub fn connect_within(port: u16, limit: Duration, what: &str) -> TcpStream {
    let deadline = Instant::now() + limit;
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return s,
            Err(e) if Instant::now() > deadline => panic!("{what} not listening: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

// ---- in-process ----

/// A script host on the manual clock from [`FIRST_BATCH`], on 2 workers, printing to `sink`.
pub fn manual_host(sink: &Arc<MemorySink>) -> ScriptHost {
    let config = RunConfig {
        clock: ClockKind::Manual,
        start_time: Time::parse_local(FIRST_BATCH).expect("time"),
        max_batches: None,
        notation: Default::default(),
        sink: sink.clone(),
        session: Default::default(),
    };
    ScriptHost::new(config, 2).expect("host")
}
