//! The shell through a pseudo-terminal: what a user sees on the rendered screen (vt100).
//! Few tests, each bounded: every wait gives up after a few seconds.

#![cfg(unix)]

mod common;

use common::{TempDir, pty};
use expectrl::session::OsSession;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(8);
const ROWS: u16 = 40;
const COLS: u16 = 120;

struct Term {
    session: OsSession,
    screen: vt100::Parser,
    /// Bytes read from the pty so far.
    received: usize,
}

impl Term {
    fn spawn(args: &[&str], state: &Path) -> Term {
        Term::spawn_with(args, state, false)
    }

    fn spawn_with(args: &[&str], state: &Path, no_color: bool) -> Term {
        Term::spawn_until(args, state, no_color, "the banner", |s| {
            s.contains("centella> ")
        })
    }

    /// Starts centella with `args` and waits until the screen satisfies `ready`.
    fn spawn_until(
        args: &[&str],
        state: &Path,
        no_color: bool,
        what: &str,
        ready: impl Fn(&str) -> bool,
    ) -> Term {
        let mut session = pty::spawn(pty::command(args, state, no_color));
        let _ = session.get_process_mut().set_window_size(COLS, ROWS);
        let mut term = Term {
            session,
            screen: vt100::Parser::new(nz(ROWS), nz(COLS), 0),
            received: 0,
        };
        term.wait_for(what, ready);
        term
    }

    fn pump(&mut self) {
        let (received, screen) = (&mut self.received, &mut self.screen);
        pty::pump(&mut self.session, |bytes| {
            *received += bytes.len();
            screen.process(bytes);
            let (row, col) = screen.screen().cursor_position();
            (row + 1, col + 1)
        });
    }

    fn contents(&self) -> String {
        self.screen.screen().contents()
    }

    /// Waits until the screen satisfies `pred`; panics with the screen after [`WAIT`].
    fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_within(WAIT, what, pred)
    }

    /// [`Term::wait_for`] with a limit of its own (for several real-clock batches).
    fn wait_within(&mut self, limit: Duration, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            self.pump();
            let text = self.contents();
            if pred(&text) {
                return text;
            }
            if start.elapsed() > limit {
                panic!("timed out waiting for {what}; the screen:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types one line and Enter, then waits until the shell has taken the line and shows its next
    /// empty prompt, so that what the test reads next belongs to this line:
    /// the typed text has moved above the cursor (one more such line than before), the cursor
    /// line is a bare prompt, and the terminal has been quiet for a moment (a prompt drawn in
    /// the middle of a redraw is not the next prompt).
    fn enter(&mut self, text: &str) {
        self.pump();
        let typed = text.trim_end();
        let count = |t: &Term| {
            t.contents()
                .lines()
                .filter(|l| !typed.is_empty() && l.trim_end().ends_with(typed))
                .count()
        };
        let seen_before = count(self);
        let before = self.received;
        self.send(text);
        self.send("\r");
        let start = Instant::now();
        let mut quiet_since = (self.received, Instant::now());
        loop {
            self.pump();
            if self.received != quiet_since.0 {
                quiet_since = (self.received, Instant::now());
            }
            let line = self.cursor_line();
            let line = line.trim_end();
            // A finished entry gives a new prompt; an unfinished one a fresh line in the
            // same entry, right under what was typed.
            let bare_prompt = (line.ends_with('>') && line.starts_with("centella"))
                || (line.is_empty() && self.line_above_cursor().trim_end().ends_with(typed));
            let moved_up = typed.is_empty() || count(self) > seen_before;
            if self.received > before
                && bare_prompt
                && moved_up
                && quiet_since.1.elapsed() > Duration::from_millis(150)
            {
                return;
            }
            if start.elapsed() > WAIT {
                panic!("no prompt after {text:?}; the screen:\n{}", self.contents());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, text: &str) {
        self.send_bytes(text.as_bytes());
    }

    fn send_bytes(&mut self, bytes: &[u8]) {
        self.session
            .write_all(bytes)
            .expect("cannot write to the pty");
        let _ = self.session.flush();
    }

    /// The screen's lines that are not blank, in order.
    fn filled_lines(&self) -> Vec<String> {
        self.contents()
            .lines()
            .map(|l| l.trim_end().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// Waits for the process to exit (up to [`WAIT`]); its exit status.
    fn exit_status(&mut self) -> i32 {
        self.exit_status_after("")
    }

    /// [`Term::exit_status`], `after` saying what should have ended it.
    fn exit_status_after(&mut self, after: &str) -> i32 {
        let start = Instant::now();
        loop {
            self.pump();
            if let Some(code) = pty::exit_code(&self.session) {
                return code;
            }
            if start.elapsed() > WAIT {
                panic!(
                    "centella did not exit{after}; its threads:\n{}\nthe screen:\n{}",
                    self.threads(),
                    self.contents()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The screen row `row`, as rendered (a wrapped line is several rows).
    fn row(&self, row: u16) -> String {
        self.screen
            .screen()
            .rows(0, COLS)
            .nth(row as usize)
            .unwrap_or_default()
    }

    /// The row just above the cursor's.
    fn line_above_cursor(&self) -> String {
        let (row, _) = self.screen.screen().cursor_position();
        if row == 0 {
            return String::new();
        }
        self.row(row - 1)
    }

    /// The row the cursor is on.
    fn cursor_line(&self) -> String {
        let (row, _) = self.screen.screen().cursor_position();
        self.row(row)
    }

    /// The child's threads and where each waits (Linux /proc), to diagnose a hang.
    fn threads(&self) -> String {
        let pid = self.session.get_process().pid();
        let dir = format!("/proc/{pid}/task");
        let Ok(tasks) = std::fs::read_dir(&dir) else {
            return format!("({dir} unreadable)");
        };
        let read = |p: std::path::PathBuf| {
            std::fs::read_to_string(p)
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        tasks
            .flatten()
            .map(|t| {
                format!(
                    "  {} waits in {}",
                    read(t.path().join("comm")),
                    read(t.path().join("wchan"))
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Waits (up to [`WAIT`]) for a bare prompt and a quiet terminal: the shell is reading.
    fn settle(&mut self) {
        let start = Instant::now();
        let mut quiet_since = (self.received, Instant::now());
        while start.elapsed() < WAIT {
            self.pump();
            if self.received != quiet_since.0 {
                quiet_since = (self.received, Instant::now());
            }
            let line = self.cursor_line();
            let line = line.trim_end();
            if line.ends_with('>')
                && line.starts_with("centella")
                && quiet_since.1.elapsed() > Duration::from_millis(150)
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Ctrl-D at the prompt, then the exit status.
    fn quit(mut self) -> i32 {
        self.settle();
        self.send("\x04");
        self.exit_status_after(" on Ctrl-D")
    }
}

fn temp_dir(name: &str) -> TempDir {
    TempDir::new("pty", name)
}

#[test]
fn pprint_blocks_arrive_above_a_half_typed_line() {
    let dir = temp_dir("background");
    let mut t = Term::spawn(&[], &dir);
    t.enter("let words = ssc.queueStream([[\"a\"], [\"b\"], [\"c\"], [\"d\"], [\"e\"]]);");
    t.enter("words.map(|w| [w, 1]).pprint(); ssc.start()");
    t.wait_for("the running prompt", |s| {
        s.contains("centella[running 1s]> ")
    });
    t.send("let half = 12");
    t.wait_for("two pprint blocks", |s| s.matches("Time: ").count() >= 2);
    let screen = t.contents();
    // Blocks are whole: header, record, and the half-typed line is still on the prompt.
    assert!(
        screen.contains("('a', 1)") && screen.contains("('b', 1)"),
        "{screen}"
    );
    assert_eq!(
        t.cursor_line().trim_end(),
        "centella[running 1s]> let half = 12",
        "{screen}"
    );
    let last = screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    assert_eq!(last.trim_end(), "centella[running 1s]> let half = 12");
    t.enter("0;");
    t.send("half\r");
    t.wait_for("the value typed while blocks arrived", |s| {
        s.lines().any(|l| l.trim() == "120")
    });
    assert_eq!(t.quit(), 0, "Ctrl-D stops the running context and exits 0");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn multi_line_input_completion_and_signature_hints() {
    let dir = temp_dir("multiline");
    let mut t = Term::spawn(&[], &dir);
    t.enter("fn twice(x) {");
    t.enter("x * 2");
    t.enter("}");
    t.send("twice(21)\r");
    t.wait_for("the function's value", |s| {
        s.lines().any(|l| l.trim() == "42")
    });
    t.enter("let ds = ssc.queueStream([[1]]);");
    t.send("ds.reduceByKeyAndW\t");
    t.wait_for("the completed method", |s| {
        s.contains("ds.reduceByKeyAndWindow")
    });
    t.send("(");
    t.wait_for("the signature hint", |s| {
        s.contains("ds.reduceByKeyAndWindow(  (func, [invFunc,] windowDuration")
    });
    // Ctrl-C clears the line and never exits.
    t.send("\x03");
    t.wait_for("an empty prompt", |_| true);
    t.enter("");
    t.send("ds\r");
    t.wait_for("the lineage", |s| s.contains("DStream[queueStream]"));
    t.send("ds.print()\r");
    t.wait_for("the pprint hint", |s| s.contains("use ds.pprint()"));
    assert_eq!(t.quit(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ctrl_c_interrupts_runaway_code_and_closures() {
    let dir = temp_dir("ctrlc");
    let mut t = Term::spawn(&[], &dir);
    // A runaway evaluation.
    t.send("let n = 0; loop { n += 1; }\r");
    std::thread::sleep(Duration::from_millis(300));
    t.send("\x03");
    t.wait_for("the interruption", |s| s.contains("interrupted (Ctrl-C)"));
    t.enter("");
    t.send("1 + 1\r");
    t.wait_for("the shell to go on", |s| s.lines().any(|l| l.trim() == "2"));
    // A runaway closure in a background batch: the batch fails, the shell and stream go on.
    t.enter("ssc.queueStream([[1]]).map(|x| { loop { x += 1; } }).pprint(); ssc.start()");
    t.wait_for("the running prompt", |s| {
        s.contains("centella[running 1s]> ")
    });
    t.wait_for("the batch to start", |_| true);
    std::thread::sleep(Duration::from_millis(1500));
    t.send("\x03");
    t.wait_for("the batch error", |s| {
        s.contains("ERROR") && s.contains("map")
    });
    t.send(":stop\r");
    t.wait_for("the stopped prompt", |s| s.contains("centella[stopped]> "));
    assert_eq!(t.quit(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn history_survives_across_sessions() {
    let dir = temp_dir("history");
    let mut t = Term::spawn(&[], &dir);
    t.enter("let remembered = 41 + 1; remembered");
    t.enter("fn h(x) {");
    t.enter("x");
    t.enter("}");
    assert_eq!(t.quit(), 0);
    let file = dir.join("centella").join("history");
    let saved = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        saved.contains("let remembered = 41 + 1; remembered"),
        "{saved}"
    );

    let mut t = Term::spawn(&[], &dir);
    t.send("\x1b[A");
    t.wait_for("the multi-line entry, intact", |s| {
        s.contains("fn h(x) {") && s.contains("\nx\n}")
    });
    // Up moves through the lines of the multi-line entry first, then to the older entry (the
    // oldest: pressing Up more often stays there).
    let older = "centella> let remembered = 41 + 1; remembered";
    for _ in 0..8 {
        t.send("\x1b[A");
        std::thread::sleep(Duration::from_millis(100));
        t.pump();
        if t.contents().contains(older) {
            break;
        }
    }
    t.wait_for("the older entry", |s| s.contains(older));
    t.send("\r");
    t.wait_for("its value", |s| s.lines().any(|l| l.trim() == "42"));
    assert_eq!(t.quit(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether the character at `col` of the cursor's row has a colour of its own.
fn coloured_at(t: &Term, col: u16) -> bool {
    let (row, _) = t.screen.screen().cursor_position();
    t.screen
        .screen()
        .cell(row, col)
        .is_some_and(|c| c.fgcolor() != vt100::Color::Default)
}

#[test]
fn ctrl_r_searches_the_history() {
    let state = temp_dir("ctrl_r");
    let mut t = Term::spawn(&["--clock", "manual"], &state);
    t.enter("let needle = 41 + 1;");
    t.enter("let other = 2;");
    t.send("\x12"); // Ctrl-R
    t.wait_for("the search prompt", |s| s.contains("reverse-i-search"));
    t.send("needle");
    t.wait_for("the reverse search", |s| {
        s.contains("reverse-i-search") && s.contains("let needle = 41 + 1;")
    });
    t.send("\x07"); // Ctrl-G leaves the search
    t.enter("needle");
    t.wait_for("the value", |s| s.lines().any(|l| l.trim() == "42"));
    assert_eq!(t.quit(), 0);
}

#[test]
fn lines_typed_ahead_in_one_read_all_run() {
    // A paste without bracketed paste (or a fast tool typing): several lines, one read.
    let state = temp_dir("typeahead");
    let mut t = Term::spawn(&["--clock", "manual"], &state);
    t.send("let a = 40;\rlet b = a + 1;\rlet c = b + 1;\rc\r");
    t.wait_for("every typed-ahead line ran", |s| {
        s.lines().any(|l| l.trim() == "42")
    });
    assert_eq!(t.quit(), 0);
}

#[test]
fn a_pasted_script_runs_whole() {
    let state = temp_dir("paste");
    let mut t = Term::spawn(&["--clock", "manual"], &state);
    // Bracketed paste: the terminal wraps pasted text in ESC[200~ ... ESC[201~.
    t.send("\x1b[200~let a = 20;\nlet b = a +\n    22;\nprint(`pasted ${b}`);\x1b[201~");
    t.send("\r");
    t.wait_for("the pasted script's output", |s| s.contains("pasted 42"));
    assert_eq!(t.quit(), 0);
}

#[test]
fn keywords_are_coloured_unless_no_color_is_set() {
    for no_color in [false, true] {
        let state = temp_dir(if no_color { "no_color" } else { "color" });
        let mut t = Term::spawn_with(&["--clock", "manual"], &state, no_color);
        t.send("let x");
        t.wait_for("the typed text", |s| s.contains("centella> let x"));
        // "centella> " is 10 columns; `let` starts at column 10.
        assert_eq!(
            coloured_at(&t, 10),
            !no_color,
            "NO_COLOR={no_color}:\n{}",
            t.contents()
        );
        t.send("\x15"); // Ctrl-U clears the line
        assert_eq!(t.quit(), 0);
    }
}

#[test]
fn a_multi_line_entry_stays_whole_while_batches_print_above_it() {
    let state = temp_dir("pending-entry");
    let mut t = Term::spawn(&[], &state);
    t.enter("let words = ssc.queueStream([[\"a\"], [\"b\"], [\"c\"], [\"d\"], [\"e\"]]);");
    t.enter("words.map(|w| [w, 1]).pprint(); ssc.start()");
    t.wait_for("the running prompt", |s| {
        s.contains("centella[running 1s]> ")
    });
    t.enter("fn twice(x) {");
    t.send("  x * 2");
    t.wait_for("two pprint blocks", |s| s.matches("Time: ").count() >= 2);
    t.wait_for("the pending entry redrawn", |s| {
        s.trim_end().ends_with("  x * 2")
    });
    let lines = t.filled_lines();
    let n = lines.len();
    // The whole pending entry sits under the output, intact.
    assert_eq!(
        lines[n - 2..],
        ["centella[running 1s]> fn twice(x) {", "  x * 2"],
        "{}",
        t.contents()
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.as_str() == "centella[running 1s]> fn twice(x) {")
            .count(),
        1,
        "{}",
        t.contents()
    );
    t.enter("");
    t.enter("}");
    t.send("twice(21)\r");
    t.wait_for("the function's value", |s| {
        s.lines().any(|l| l.trim() == "42")
    });
    assert_eq!(t.quit(), 0);
}

#[test]
fn a_method_chain_typed_line_by_line_runs_as_one() {
    let state = temp_dir("chain");
    let mut t = Term::spawn(&["--clock", "manual"], &state);
    t.enter("let lines = sc.parallelize([\"a b\", \"b\"]);");
    t.enter("lines");
    t.enter("  .flatMap(|l| l.split(\" \"))");
    t.send("  .count()\r");
    t.wait_for("the chain's value", |s| s.lines().any(|l| l.trim() == "3"));
    assert!(!t.contents().contains("error"), "{}", t.contents());
    // The chain is one entry from then on (:export sees it whole).
    t.send(":export\r");
    t.wait_for("the exported chain", |s| s.contains(".flatMap("));
    assert_eq!(t.quit(), 0);
}

#[test]
fn a_broken_fn_body_typed_line_by_line_is_one_entry_with_one_error() {
    let state = temp_dir("broken-fn");
    let mut t = Term::spawn(&["--clock", "manual"], &state);
    t.enter("fn score(x) {");
    t.enter("  let y = x +* 2;");
    t.enter("  y");
    t.enter("}");
    t.enter("1 + 1");
    let screen = t.contents();
    let errors = screen.lines().filter(|l| l.starts_with("error:")).count();
    assert_eq!(errors, 1, "{screen}");
    assert!(screen.contains("--> <shell>:2:"), "{screen}");
    assert!(screen.lines().any(|l| l.trim() == "2"), "{screen}");
    assert_eq!(t.quit(), 0);
}

#[test]
fn repeated_errors_and_empty_batches_are_one_updating_line() {
    let state = temp_dir("collapse");
    let mut t = Term::spawn(&["--clock", "manual"], &state);
    t.enter("ssc.queueStream([[1]], true, [0]).map(|x| 10 / x).pprint(); ssc.start()");
    t.enter(":tick 4");
    t.wait_for("the repeated error", |s| s.contains("(3 times)"));
    let screen = t.contents();
    assert_eq!(screen.matches("ERROR: map at").count(), 1, "{screen}");
    assert_eq!(
        screen.matches("... the same error in batch").count(),
        1,
        "one line, rewritten in place: {screen}"
    );
    assert!(
        screen.contains("... the same error in batch 10:00:57 (3 times)"),
        "{screen}"
    );
    t.enter(":reset");
    t.enter("ssc.queueStream([[1]]).pprint(); ssc.start()");
    t.enter(":tick 5");
    t.wait_for("the run of empty batches", |s| {
        s.contains("... 4 empty batches (10:00:55–10:00:58)")
    });
    let screen = t.contents();
    let after = screen.rsplit(":tick 5").next().unwrap_or_default();
    assert_eq!(after.matches("Time: ").count(), 1, "{screen}");
    assert_eq!(after.matches("empty batch").count(), 1, "{screen}");
    t.enter(":empty show");
    t.enter(":tick");
    t.wait_for("an empty batch shown as PySpark does", |s| {
        s.contains("Time: 2021-11-14 10:00:59")
    });
    assert_eq!(t.quit(), 0);
}

#[test]
fn a_repeated_error_on_the_real_clock_updates_one_line_above_the_prompt() {
    let state = temp_dir("collapse-real");
    let mut t = Term::spawn(&[], &state);
    t.enter("ssc.queueStream([[1]], true, [0]).map(|x| 10 / x).pprint(); ssc.start()");
    t.send("let typed = 1");
    // Four batches on the real clock: give a loaded machine time.
    t.wait_within(Duration::from_secs(30), "three failed batches", |s| {
        s.contains("(3 times)")
    });
    let screen = t.contents();
    assert_eq!(screen.matches("ERROR: map at").count(), 1, "{screen}");
    assert_eq!(
        screen.matches("... the same error in batch").count(),
        1,
        "{screen}"
    );
    assert_eq!(
        t.filled_lines().last().map(String::as_str),
        Some("centella[running 1s]> let typed = 1"),
        "{screen}"
    );
    t.send("\x15"); // Ctrl-U
    t.send(":stop\r");
    t.wait_for("the stopped prompt", |s| s.contains("centella[stopped]> "));
    assert_eq!(t.quit(), 0);
}

#[test]
fn small_things_ui_url_once_tab_space_long_line_caret_and_exit() {
    let state = temp_dir("small");
    let mut t = Term::spawn(&["--ui-port", "0"], &state);
    let screen = t.contents();
    assert_eq!(screen.matches("Streaming UI").count(), 1, "{screen}");
    // Tab completes a command that takes an argument with its space.
    t.send(":lo\t");
    t.wait_for("the completed command", |s| s.contains("centella> :load"));
    t.wait_for("the cursor after the space", |_| true);
    let (_, col) = t.screen.screen().cursor_position();
    assert_eq!(col, 16, "{}", t.contents());
    t.send("\x15");
    // A line wider than the terminal: the caret stays under the bad word.
    let long = format!("let v = {}undefined_thing;", "1 + ".repeat(35));
    t.enter(&long);
    let screen = t.wait_for("the error", |s| s.contains("Variable not found"));
    let lines: Vec<&str> = screen.lines().collect();
    let caret_row = lines
        .iter()
        .position(|l| l.trim_start().starts_with("| ") && l.trim_end().ends_with('^'))
        .unwrap_or_else(|| panic!("no caret line: {screen}"));
    let caret_col = lines[caret_row].find('^').unwrap_or(0);
    let source = lines[caret_row - 1];
    assert!(
        source[caret_col..].starts_with("undefined_thing"),
        "{screen}"
    );
    t.send("exit()\r");
    assert_eq!(t.exit_status(), 0, "exit() leaves the shell");
}

#[test]
fn bytes_that_are_not_utf8_on_the_terminal_do_not_end_the_shell() {
    let state = temp_dir("bad-bytes");
    let mut t = Term::spawn(&["--clock", "manual"], &state);
    t.send("let s = \"caf");
    t.wait_for("the typed text", |s| s.contains("let s = \"caf"));
    t.send_bytes(b"\xff");
    t.wait_for("the warning", |s| s.contains("not UTF-8"));
    // The entry comes back with U+FFFD in the bad byte's place (vt100 draws it as nothing;
    // the string's length shows it), and goes on.
    t.wait_for("the entry given back", |s| {
        s.matches("centella> let s = \"caf").count() == 2
    });
    t.send("\";\r");
    t.settle();
    t.send("s.len()\r");
    t.wait_for("the shell going on", |s| s.lines().any(|l| l.trim() == "4"));
    assert_eq!(t.quit(), 0);
}

#[test]
fn feed_interactive_keeps_typed_lines_and_ends_on_ctrl_d() {
    use std::io::{BufRead, BufReader};
    let state = temp_dir("feed");
    let port = common::free_port();
    let port_arg = port.to_string();
    let mut t = Term::spawn_until(
        &["feed", "--interactive", "--port", &port_arg],
        &state,
        true,
        "the feed prompt",
        |s| s.contains("feed> "),
    );
    let client = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to the feed");
    client.set_read_timeout(Some(WAIT)).expect("a read timeout");
    t.wait_for("the client news", |s| s.contains("[1 client connected"));
    t.send("uno dos dos\r");
    let mut reader = BufReader::new(client);
    let mut got = String::new();
    reader.read_line(&mut got).expect("the typed line");
    assert_eq!(got, "uno dos dos\n");
    t.send("tres\r");
    got.clear();
    reader.read_line(&mut got).expect("the second line");
    assert_eq!(got, "tres\n");
    let screen = t.wait_for("the typed lines", |s| s.contains("feed> tres"));
    // Typed lines stay on the screen, each on its own line; the status has its own line.
    let lines = t.filled_lines();
    assert!(lines.contains(&"feed> uno dos dos".to_string()), "{screen}");
    assert!(
        lines
            .iter()
            .any(|l| l.trim() == "[1 client connected, 0 lines sent]"),
        "{screen}"
    );
    t.send("\x04");
    t.wait_for("the feed's last word", |s| {
        s.contains("input ended: 2 lines sent")
    });
    assert_eq!(t.exit_status(), 0, "Ctrl-D ends the feed");
    let mut rest = String::new();
    assert_eq!(
        reader.read_line(&mut rest).ok(),
        Some(0),
        "the client sees the end"
    );
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

#[test]
fn pyspark_lines_typed_at_the_prompt_run_as_the_rhai_they_mean() {
    let dir = temp_dir("python");
    let mut t = Term::spawn(&["--no-color"], &dir);
    t.enter("visits = ssc.queueStream([[('Web', 1), ('Store', 2)], [('Web', 3)]])");
    t.wait_for("the Rhai read", |s| {
        s.contains("read as Python: let visits = ssc.queueStream([[[\"Web\", 1], [\"Store\", 2]], [[\"Web\", 3]]]);")
    });
    // A `def` with an indented body is one entry, ended by a blank line as in Python's shell.
    t.enter("def double(a):");
    t.enter("    return a * 2");
    t.enter("");
    t.wait_for("the function read as Rhai", |s| {
        s.contains("read as Python: fn double(a) {")
    });
    t.enter(
        "visits.map(lambda kv: (kv[0], double(kv[1]))).reduceByKey(lambda a, b: a + b).pprint()",
    );
    t.enter("ssc.start()");
    t.wait_within(Duration::from_secs(15), "both batches", |s| {
        s.contains("('Web', 2)") && s.contains("('Store', 4)") && s.contains("('Web', 6)")
    });
    t.enter(":python off");
    t.enter("n = 5");
    t.wait_for("the fix-it naming let", |s| s.contains("let n = 5;"));
    assert!(
        !t.contents().contains("read as Python: let n = 5;"),
        ":python off runs nothing as Python:\n{}",
        t.contents()
    );
    assert_eq!(t.quit(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_python_block_pasted_from_a_slide_runs_whole() {
    let state = temp_dir("paste-python");
    let mut t = Term::spawn(&["--clock", "manual", "--no-color"], &state);
    // As copied from the slides: prompts and all, a `def` and its body in one paste.
    t.send(
        "\x1b[200~>>> def hot(reading):\n...     city, temp = reading\n...     return temp > 30\n...\n\x1b[201~",
    );
    t.send("\r");
    t.wait_for("the function read as Rhai", |s| {
        s.contains("read as Python: fn hot(reading) {")
    });
    t.enter("print(hot(('Sevilla', 41)), hot(('Oslo', 12)))");
    t.wait_for("Python's print of both values", |s| {
        s.lines().any(|l| l.trim() == "True False")
    });
    assert_eq!(t.quit(), 0);
}

/// The fault lab's class demo (`scripts/demo-fault.sh`): simulated sensors fed on a loopback
/// port, the shell on two simulated executors running `examples/fault_sensors_socket.rhai`
/// (without its planned fault), and the teacher losing the receiver's executor live: the
/// batch fails with Spark's message, `:status` shows the executor lost, the stream goes on.
#[test]
fn the_fault_lab_class_demo_loses_an_executor_live() {
    let state = temp_dir("fault-demo");
    let port = common::free_port();
    let mut sensors = std::process::Command::new(env!("CARGO_BIN_EXE_centella"))
        .args(["feed", "--generate", "sensors", "--port", &port.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the sensors' feed");
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/fault_sensors_socket.rhai"),
    )
    .expect("the example");
    let script: String = example
        .replace("9999", &port.to_string())
        .lines()
        .filter(|l| !l.contains("ssc.fault(") && !l.contains("awaitTermination"))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = state.join("demo.rhai");
    std::fs::write(&path, script).expect("the demo script");
    let path = path.to_string_lossy().to_string();
    let mut t = Term::spawn_until(
        &["--master", "local-cluster[2, 1, 1024]", "-i", &path],
        &state,
        true,
        "a first batch of readings",
        |s| s.contains("', 'heat', [") || s.contains("', 'humidity', ["),
    );
    t.enter(":fault kill-executor 0");
    t.wait_for("the lost executor and the lost block", |s| {
        s.contains("Lost executor 0") || s.contains("Could not compute split, block input-0-")
    });
    t.wait_for("the batch that lost its block", |s| {
        s.contains("Could not compute split, block input-0-")
    });
    t.enter(":status");
    t.wait_for("the executors", |s| {
        s.contains("0 LOST (") && s.contains("1 alive (")
    });
    let _ = sensors.kill();
    let _ = sensors.wait();
    assert_eq!(t.quit(), 0);
}
