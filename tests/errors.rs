//! Errors: every message of the "Exact error messages" table of
//! /work/shared/oracle/SPARK-BEHAVIOUR.md (PySpark 4.3.0's text: the Java exception's
//! toString(), or the Python exception), where and when it is raised, the exit status, and
//! centella's own errors (failing batch, syntax error, command line).
//!
//! Each test writes a small script into a fresh temp dir and runs it from there, so the
//! script's name on stderr is just `NAME.rhai`.

mod common;

use common::{Centella, Run, TempDir, block};
use std::time::Duration;

/// Runs `centella ARGS...` in a fresh temp dir holding `NAME.rhai` = `script` (when given).
fn centella(name: &str, script: Option<&str>, args: &[&str]) -> Run {
    let dir = TempDir::new("errors", name);
    if let Some(text) = script {
        dir.write(&format!("{name}.rhai"), text);
    }
    Centella::new(args).dir(&dir).run(Duration::from_secs(60))
}

/// Runs script `NAME.rhai` under the fast clock for `batches` batches.
fn run(name: &str, batches: u32, script: &str) -> Run {
    let file = format!("{name}.rhai");
    centella(
        name,
        Some(script),
        &["--clock", "fast", "--batches", &batches.to_string(), &file],
    )
}

const NO_CHECKPOINT: &str = "error: java.lang.IllegalArgumentException: requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().";
const WINDOW_1000: &str = "error: ValueError: windowDuration must be multiple of the parent dstream's slide (batch) duration (1000 ms)";
const SLIDE_1000: &str = "error: ValueError: slideDuration must be multiple of the parent dstream's slide (batch) duration (1000 ms)";
const AFTER_START: &str = "error: java.lang.IllegalStateException: Adding new inputs, transformations, and output operations after starting a context is not supported";
const AFTER_STOP: &str = "error: java.lang.IllegalStateException: Adding new inputs, transformations, and output operations after stopping a context is not supported";

// ---- checkpoint directory: required at start() by state and inverse-window operations

#[test]
fn checkpoint_dir_not_set_fails_at_start() {
    // Spec note 8: every operation that checkpoints needs the directory, whichever path
    // PySpark takes (also reduceByKeyAndWindow with an inverse on a window < 5 slides).
    let ops = [
        "s.map(|x| [x, 1]).updateStateByKey(|vs, st| vs.len())",
        "s.map(|x| [x, 1]).reduceByKeyAndWindow(|a, b| a + b, |a, b| a - b, 5, 1)",
        "s.map(|x| [x, 1]).reduceByKeyAndWindow(|a, b| a + b, |a, b| a - b, 2, 1)",
        "s.countByWindow(2, 1)",
        "s.countByValueAndWindow(2, 1)",
        "s.reduceByWindow(|a, b| a + b, |a, b| a - b, 2, 1)",
        "s.map(|x| [x, 1]).groupByKeyAndWindow(2, 1)",
    ];
    for op in ops {
        let script = format!(
            "let s = ssc.queueStream([[1, 2]]);\n{op}.pprint();\nssc.start();\nprint(\"not reached\");\nssc.awaitTermination();\n"
        );
        let r = run("no_checkpoint", 2, &script);
        r.code(1).stdout("").has_line(NO_CHECKPOINT);
        assert!(
            r.stderr.contains("no_checkpoint.rhai:3:5"),
            "{op}: error not located at ssc.start():\n{}",
            r.stderr
        );
    }
}

#[test]
fn checkpoint_dir_set_after_creating_the_stream_is_enough() {
    let r = run(
        "checkpoint_late",
        1,
        "let s = ssc.queueStream([[[\"a\", 1]]]);\ns.updateStateByKey(|vs, st| vs.len()).pprint();\nssc.checkpoint(\"cp\");\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(0).stdout(&block("10:00:54", &["('a', 1)"]));
}

// ---- window and slide durations must be multiples of the parent's slide (at the call)

#[test]
fn window_not_a_multiple_of_the_batch_interval() {
    let cases = [
        ("s.window(2.5)", WINDOW_1000),
        ("s.window(3, 1.5)", SLIDE_1000),
        (
            "s.map(|x| [x, 1]).reduceByKeyAndWindow(|a, b| a + b, (), 2.5, 1)",
            WINDOW_1000,
        ),
        (
            "s.map(|x| [x, 1]).reduceByKeyAndWindow(|a, b| a + b, (), 3, 1.5)",
            SLIDE_1000,
        ),
        ("s.countByWindow(2.5, 1)", WINDOW_1000),
    ];
    for (op, line) in cases {
        let script =
            format!("let s = ssc.queueStream([[1]]);\nlet w = {op};\nprint(\"not reached\");\n");
        let r = run("bad_window", 1, &script);
        r.code(1).stdout("").has_line(line);
        assert!(
            r.stderr.contains("bad_window.rhai:2:"),
            "{op}: error not located on line 2:\n{}",
            r.stderr
        );
    }
}

#[test]
fn window_of_a_windowed_stream_checks_the_parent_slide_2000_ms() {
    let r = run(
        "window_of_window",
        1,
        "let s = ssc.queueStream([[1]]);\ns.window(4, 2).window(3).pprint();\n",
    );
    r.code(1).stdout("").has_line(
        "error: ValueError: windowDuration must be multiple of the parent dstream's slide (batch) duration (2000 ms)",
    );
}

#[test]
fn window_shorter_than_slide_is_no_error() {
    let r = run(
        "short_window",
        2,
        "ssc.queueStream([[1], [2]]).window(1, 2).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(0).stdout(&block("10:00:55", &["1"]));
}

// ---- streams of different slides

#[test]
fn ssc_transform_of_different_slides_is_refused() {
    // PySpark's ssc.transform is Scala's TransformedDStream, which requires one slide (checked
    // on PySpark 4.3.0); DStream.transformWith and the joins are not (tests/cases).
    let r = run(
        "transform_slides",
        2,
        "let q = ssc.queueStream([[1], [2]]);\nssc.transform([q, q.window(2, 2)], |rdds| rdds[0]).pprint();\n",
    );
    r.code(1).stdout("").has_line(
        "error: java.lang.IllegalArgumentException: requirement failed: Some of the DStreams have different slide durations",
    );
    assert!(
        r.stderr.contains("transform_slides.rhai:2:5"),
        "{}",
        r.stderr
    );
}

// ---- StreamingContext life cycle

#[test]
fn no_output_operations() {
    let r = run(
        "no_output",
        2,
        "let s = ssc.queueStream([[1]]);\ns.map(|x| x);\nssc.start();\n",
    );
    r.code(1).stdout("").has_line(
        "error: java.lang.IllegalArgumentException: requirement failed: No output operations registered, so nothing to execute",
    );
    assert!(r.stderr.contains("no_output.rhai:3:5"), "{}", r.stderr);
}

#[test]
fn adding_after_start() {
    // Each of these fails at the call. ds.map(f) alone does not: PySpark's DStreams are lazy
    // until an output operation; ssc.checkpoint() after start is allowed too.
    let cases = [
        "ssc.queueStream([[2]])",
        "s.pprint()",
        "s.window(2)",
        "s.map(|x| x).pprint()",
        "s.map(|x| x).foreachRDD(|rdd| ())",
    ];
    for op in cases {
        let script = format!(
            "let s = ssc.queueStream([[1]]);\ns.pprint();\nssc.start();\nlet m = s.map(|x| x + 1);\nssc.checkpoint(\"cp\");\nprint(\"lazy map and checkpoint ok\");\n{op};\nprint(\"not reached\");\n"
        );
        let r = run("after_start", 2, &script);
        r.code(1).has_line(AFTER_START);
        assert!(
            r.stdout.starts_with("lazy map and checkpoint ok\n"),
            "{op}: {}",
            r.stdout
        );
        assert!(!r.stdout.contains("not reached"), "{op}: {}", r.stdout);
        assert!(
            r.stderr.contains("after_start.rhai:7:"),
            "{op}: error not located on line 7:\n{}",
            r.stderr
        );
    }
}

#[test]
fn adding_after_stop() {
    for op in ["ssc.queueStream([[2]])", "s.pprint()"] {
        let script = format!(
            "let s = ssc.queueStream([[1]]);\ns.pprint();\nssc.start();\nssc.stop();\n{op};\nprint(\"not reached\");\n"
        );
        let r = run("after_stop", 2, &script);
        r.code(1).has_line(AFTER_STOP);
        assert!(!r.stdout.contains("not reached"), "{op}: {}", r.stdout);
        assert!(
            r.stderr.contains("after_stop.rhai:5:"),
            "{op}: {}",
            r.stderr
        );
    }
}

#[test]
fn start_on_a_stopped_context() {
    // stop() twice is only a warning, and awaitTerminationOrTimeout then returns true.
    let r = run(
        "start_stopped",
        2,
        "ssc.queueStream([[1]]).pprint();\nssc.start();\nssc.stop();\nssc.stop();\nprint(ssc.awaitTerminationOrTimeout(1));\nssc.start();\nprint(\"not reached\");\n",
    );
    r.code(1).has_line(
        "error: java.lang.IllegalStateException: StreamingContext has already been stopped",
    );
    assert!(r.stdout.ends_with("true\n"), "{}", r.stdout);
    assert!(r.stderr.contains("start_stopped.rhai:6:5"), "{}", r.stderr);
}

#[test]
fn start_on_a_started_context_is_only_a_warning() {
    let r = run(
        "start_twice",
        1,
        "ssc.queueStream([[1]]).pprint();\nssc.start();\nssc.start();\nprint(ssc.getState());\nssc.awaitTermination();\n",
    );
    r.code(0);
    assert!(r.stdout.starts_with("ACTIVE\n"), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("StreamingContext has already been started"),
        "{}",
        r.stderr
    );
}

#[test]
fn two_active_contexts() {
    // Creating a second context and adding streams to it is allowed; starting it while the
    // first is active is not. The message runs straight (no space) into where the first
    // context was started: here ssc.start() on line 3.
    let r = run(
        "two_contexts",
        2,
        "let s = ssc.queueStream([[1]]);\ns.pprint();\nssc.start();\nlet ssc2 = StreamingContext(sc, 1);\nssc2.queueStream([[2]]).pprint();\nprint(ssc2.getState());\nssc2.start();\nprint(\"not reached\");\n",
    );
    r.code(1).has_line(
        "error: java.lang.IllegalStateException: Only one StreamingContext may be started in this JVM. Currently running StreamingContext was started attwo_contexts.rhai:3:5",
    );
    assert!(r.stdout.starts_with("INITIALIZED\n"), "{}", r.stdout);
    assert!(!r.stdout.contains("not reached"), "{}", r.stdout);
    assert!(r.stderr.contains("two_contexts.rhai:7:"), "{}", r.stderr);
}

#[test]
fn second_context_starts_after_the_first_stopped() {
    let r = run(
        "second_context",
        1,
        "ssc.queueStream([[1]]).pprint();\nlet ssc2 = StreamingContext(sc, 1);\nssc2.queueStream([[2]]).pprint();\nssc.start();\nssc.awaitTerminationOrTimeout(1);\nssc.stop(false);\nssc2.start();\nprint(ssc2.getState());\nssc2.awaitTermination();\n",
    );
    // Spark: ssc2 stays INITIALIZED while ssc runs, and can start once ssc has stopped. Its
    // batch times are not checked (a new context starts its own clock).
    r.code(0);
    let (first, second) = r
        .stdout
        .split_once("ACTIVE\n")
        .expect("ssc2 never became ACTIVE");
    assert_eq!(first, block("10:00:54", &["1"]), "ssc's output");
    assert!(
        second.starts_with("-------------------------------------------\nTime: "),
        "{second}"
    );
    assert!(
        second.contains("-------------------------------------------\n2\n\n"),
        "ssc2's output: {second}"
    );
}

// ---- queueStream

#[test]
fn queue_stream_of_an_empty_list() {
    // A PySpark bug (it reads rdds[0]), kept for fidelity.
    let r = run(
        "empty_queue",
        1,
        "let s = ssc.queueStream([]);\nprint(\"not reached\");\n",
    );
    r.code(1)
        .stdout("")
        .has_line("error: IndexError: list index out of range");
    assert!(r.stderr.contains("empty_queue.rhai:1:"), "{}", r.stderr);
}

#[test]
fn queue_stream_of_one_empty_batch_or_only_a_default_is_fine() {
    let r = run(
        "empty_queue_ok",
        1,
        "ssc.queueStream([[]]).count().pprint();\nssc.queueStream([], true, [1]).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    // PySpark queues one empty RDD before the default (`if not rdds and default: rdds = [rdds]`).
    r.code(0).stdout(&format!(
        "{}{}",
        block("10:00:54", &["0"]),
        block("10:00:54", &[])
    ));
}

// ---- errors inside a batch: the batch prints nothing, the stream goes on, exit status 1

/// Asserts a line `ERROR: OP at NAME.rhai:L:C failed in the batch of TIME: ...` whose Rhai
/// error contains `what`.
fn assert_batch_error(r: &Run, prefix: &str, what: &str) {
    let line = r.stderr.lines().find(|l| l.starts_with(prefix));
    let line = line.unwrap_or_else(|| {
        panic!(
            "no stderr line starting {prefix:?}\n--- stderr ---\n{}",
            r.stderr
        )
    });
    assert!(line.contains(what), "{line:?} does not mention {what:?}");
}

#[test]
fn closure_error_in_a_batch() {
    let r = run(
        "map_fails",
        4,
        "let s = ssc.queueStream([[1, 2], [3, 0], [4]]);\ns.map(|x| 10 / x).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(1).stdout(&format!(
        "{}{}{}",
        block("10:00:54", &["10", "5"]),
        block("10:00:56", &["2"]),
        block("10:00:57", &[])
    ));
    assert_batch_error(
        &r,
        "ERROR: map at map_fails.rhai:2:3 failed in the batch of 2021-11-14 10:00:55: ",
        "zero",
    );
    assert!(
        r.stderr.contains("map_fails.rhai:2:14"),
        "the Rhai error's position:\n{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.lines().filter(|l| l.starts_with("ERROR:")).count(),
        1,
        "{}",
        r.stderr
    );
}

#[test]
fn every_failing_batch_is_reported() {
    let r = run(
        "two_failures",
        4,
        "let s = ssc.queueStream([[1], [0], [0], [4]]);\ns.map(|x| 8 / x).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(1).stdout(&format!(
        "{}{}",
        block("10:00:54", &["8"]),
        block("10:00:57", &["2"])
    ));
    assert_batch_error(
        &r,
        "ERROR: map at two_failures.rhai:2:3 failed in the batch of 2021-11-14 10:00:55: ",
        "zero",
    );
    assert_batch_error(
        &r,
        "ERROR: map at two_failures.rhai:2:3 failed in the batch of 2021-11-14 10:00:56: ",
        "zero",
    );
}

#[test]
fn error_thrown_in_foreach_rdd() {
    let r = run(
        "foreach_fails",
        3,
        "let s = ssc.queueStream([[1], [2], [3]]);\ns.foreachRDD(|t, rdd| {\n    if rdd.first() == 2 { throw `boom at ${t}`; }\n    print(rdd.first());\n});\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(1).stdout("1\n3\n");
    assert_batch_error(
        &r,
        "ERROR: foreachRDD at foreach_fails.rhai:2:3 failed in the batch of 2021-11-14 10:00:55: ",
        "boom at 2021-11-14 10:00:55",
    );
}

#[test]
fn error_in_update_state_by_key() {
    let r = run(
        "state_fails",
        2,
        "ssc.checkpoint(\"cp\");\nlet s = ssc.queueStream([[[\"a\", 1]], [[\"a\", 0]]]);\ns.updateStateByKey(|vs, st| if vs.len() > 0 { 10 / vs[0] } else { st }).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(1).stdout(&block("10:00:54", &["('a', 10)"]));
    assert_batch_error(
        &r,
        "ERROR: updateStateByKey at state_fails.rhai:3:3 failed in the batch of 2021-11-14 10:00:55: ",
        "zero",
    );
}

// ---- script and command-line errors

#[test]
fn syntax_error_shows_file_line_column_source_and_caret() {
    let r = run(
        "bad_syntax",
        1,
        "let x = 1;\nlet s = ssc.queueStream([[1]]);\ns.map(|x| x + ).pprint();\n",
    );
    r.code(1).stdout("");
    assert!(r.stderr.contains("bad_syntax.rhai:3:15"), "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    let src = lines
        .iter()
        .position(|l| l.ends_with("s.map(|x| x + ).pprint();"))
        .unwrap_or_else(|| panic!("no source line:\n{}", r.stderr));
    let caret = lines.get(src + 1).copied().unwrap_or("");
    let source_col = lines[src].find("s.map").unwrap();
    assert_eq!(
        caret.find('^'),
        Some(source_col + 14),
        "caret under column 15:\n{}",
        r.stderr
    );
}

#[test]
fn missing_script_file() {
    let r = centella("missing", None, &["--clock", "fast", "no_such_script.rhai"]);
    r.code(2).stdout("");
    assert!(r.stderr.contains("no_such_script.rhai"), "{}", r.stderr);
}

#[test]
fn unknown_flag() {
    let r = centella(
        "unknown_flag",
        Some("ssc.start();\n"),
        &["--no-such-flag", "unknown_flag.rhai"],
    );
    r.code(2).stdout("");
    assert!(r.stderr.contains("--no-such-flag"), "{}", r.stderr);
}

#[test]
fn a_mistyped_method_suggests_the_registered_one() {
    let r = run(
        "typo",
        1,
        "let ds = ssc.queueStream([[[\"a\", 1]]]);\nds.reduceBykey(|a, b| a + b).pprint();\n",
    );
    r.code(1)
        .has_line("error: no method reduceBykey for a DStream; did you mean reduceByKey?")
        .has_line("  --> typo.rhai:2:4");
    let far = run(
        "far",
        1,
        "let ds = ssc.queueStream([[1]]);\nds.zzzzzz(1);\n",
    );
    far.code(1);
    assert!(!far.stderr.contains("did you mean"), "{}", far.stderr);
}

// ---- a PySpark user's mistakes: each error names the Rhai form, with the line rewritten

/// Asserts stderr holds `lines` one after another.
fn has_lines(r: &Run, lines: &[&str]) {
    r.stderr_has(&lines.join("\n"));
}

#[test]
fn python_syntax_gets_the_rhai_line() {
    let r = run(
        "tuple",
        1,
        "let visits = ssc.queueStream([[('Web', 1)]]);\nvisits.pprint();\n",
    );
    r.code(1);
    has_lines(
        &r,
        &[
            "error: Syntax error: Invalid character: 'Web'",
            "  --> tuple.rhai:1:33",
            "  |",
            "1 | let visits = ssc.queueStream([[('Web', 1)]]);",
            "  |                                 ^",
            "hint: this reads as Python; in Rhai strings take double quotes, a tuple is an array [a, b]:",
            "    let visits = ssc.queueStream([[[\"Web\", 1]]]);",
        ],
    );
    let r = run(
        "lambda",
        1,
        "let lines = ssc.queueStream([[\"a b\"]]);\nlines.flatMap(lambda l: l.split(\" \")).pprint();\n",
    );
    r.code(1).has_line("  --> lambda.rhai:2:22");
    has_lines(
        &r,
        &[
            "hint: this reads as Python; in Rhai a lambda is a closure |x| ...:",
            "    lines.flatMap(|l| l.split(\" \")).pprint();",
        ],
    );
    // Where no fix-it names the habit, the Python translator's reading of the line is the
    // suggestion (what the shell would run), never silent execution.
    let r = run(
        "ternary",
        1,
        "let ok = 3;\nlabel = 'big' if ok > 2 else 'small'\n",
    );
    r.code(1).has_line("  --> ternary.rhai:2:9");
    has_lines(
        &r,
        &[
            "hint: this line reads as Python; in Rhai: let label = if ok > 2 { \"big\" } else { \"small\" };",
        ],
    );
    assert!(r.stdout.is_empty(), "nothing ran: {}", r.stdout);
    let r = run("def", 1, "def pair(w):\n    return [w, 1]\n");
    r.code(1).has_line("  --> def.rhai:1:5");
    has_lines(
        &r,
        &[
            "hint: this reads as Python; in Rhai a function is fn name(a) { ... }, blocks take braces { }:",
            "    fn pair(w) {",
            "        return [w, 1]",
            "    }",
        ],
    );
    let r = run(
        "isnone",
        1,
        "let x = 1;\nif x is None and not false { print(1) }\n",
    );
    r.code(1).has_line("  --> isnone.rhai:2:6");
    has_lines(
        &r,
        &[
            "hint: this reads as Python; in Rhai `is None` is `== ()`, and/or/not are &&, ||, !:",
            "    if x == () && !false { print(1) }",
        ],
    );
    let r = run(
        "elif",
        1,
        "let x = 1;\nif x > 0 { print(1) } elif x < 0 { print(2) }\n",
    );
    r.code(1).has_line("  --> elif.rhai:2:28");
    has_lines(
        &r,
        &[
            "hint: this reads as Python; in Rhai elif is else if:",
            "    if x > 0 { print(1) } else if x < 0 { print(2) }",
        ],
    );
}

#[test]
fn rhai_syntax_errors_get_no_python_hint() {
    let r = run("plain", 1, "let x = [1, 2;\n");
    r.code(1);
    assert!(!r.stderr.contains("hint:"), "{}", r.stderr);
}

#[test]
fn python_methods_in_a_batch_name_the_rhai_method() {
    let r = run(
        "starts",
        1,
        "let words = ssc.queueStream([[\"#a\", \"b\"]]);\nwords.filter(|w| w.startswith(\"#\")).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(1).has_line(
        "ERROR: filter at starts.rhai:2:7 failed in the batch of 2021-11-14 10:00:54: no method startswith for a string; did you mean starts_with? (starts.rhai:2:20)",
    );
    let r = run(
        "lower",
        1,
        "let words = ssc.queueStream([[\"A\"]]);\nwords.map(|w| w.lower()).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(1).has_line(
        "ERROR: map at lower.rhai:2:7 failed in the batch of 2021-11-14 10:00:54: no method lower for a string; did you mean to_lower? (lower.rhai:2:17)",
    );
    let r = run("append", 1, "let xs = [1];\nxs.append(2);\n");
    r.code(1)
        .has_line("error: append does not take (array, integer); did you mean push?")
        .has_line("  --> append.rhai:2:4");
    let r = run("call", 1, "let double = |x| x * 2;\nlet y = double(4);\n");
    r.code(1)
        .has_line(
            "error: no function double(integer); a closure held in a variable is called as double.call(...)",
        )
        .has_line("  --> call.rhai:2:9");
    let r = run("str", 1, "let n = str(5);\n");
    r.code(1)
        .has_line("error: no function str(integer) in Rhai; write x.to_string()")
        .has_line("  --> str.rhai:1:9");
}

#[test]
fn reduce_starting_from_unit_says_so() {
    let r = run(
        "reduce",
        1,
        "let nums = ssc.queueStream([[[1, 5, 3]]]);\nnums.map(|xs| xs.reduce(|a, b| max(a, b))).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(1).has_line(
        "ERROR: map at reduce.rhai:2:6 failed in the batch of 2021-11-14 10:00:54: reduce's first call got () as the accumulator (max ((), integer)): Rhai's reduce starts from () without one; use max(xs), or give reduce a start value: xs.reduce(|a, b| max(a, b), xs[0]) (reduce.rhai:2:32)",
    );
}

#[test]
fn a_closure_of_the_wrong_arity_names_the_operation() {
    let r = run(
        "arity",
        1,
        "let nums = ssc.queueStream([[1, 2]]);\nnums.map(|a, b| a + b).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(1).has_line(
        "ERROR: map at arity.rhai:2:6 failed in the batch of 2021-11-14 10:00:54: map expects a function of 1 argument, got |a, b|",
    );
    let r = run(
        "arity2",
        1,
        "fn add(a) { a }\nlet pairs = ssc.queueStream([[[\"a\", 1], [\"a\", 2]]]);\npairs.reduceByKey(add).pprint();\nssc.start();\nssc.awaitTermination();\n",
    );
    r.code(1).has_line(
        "ERROR: reduceByKey at arity2.rhai:3:7 failed in the batch of 2021-11-14 10:00:54: reduceByKey expects a function of 2 arguments, got add(a)",
    );
}

#[test]
fn an_assignment_without_let_says_to_declare() {
    let r = run("nolet", 1, "counts = 5;\n");
    r.code(1)
        .has_line("error: Variable not found: counts")
        .has_line("  --> nolet.rhai:1:1")
        .has_line("hint: a new variable needs let:")
        .has_line("    let counts = 5;");
}

// ---- task retries: local[N, F] as Spark's spark.task.maxFailures

#[test]
fn a_task_that_keeps_failing_fails_the_batch_with_sparks_stage_failure() {
    let script = "let s = ssc.queueStream([sc.parallelize([1, 2, 3, 0], 2)]);\n\
                  s.map(|x| 6 / x).pprint();\nssc.start();\nssc.awaitTermination();\n";
    let name = "task_retries";
    let file = format!("{name}.rhai");
    // pprint's take reads partition 0 (stage 0, TID 0), then partition 1: TIDs 1, 2, 3.
    centella(
        name,
        Some(script),
        &[
            "--clock",
            "fast",
            "--batches",
            "1",
            "--master",
            "local[2, 3]",
            &file,
        ],
    )
    .code(1)
    .stdout("")
    .has_line(
        "ERROR: map at task_retries.rhai:2:3 failed in the batch of 2021-11-14 10:00:54: Job \
         aborted due to stage failure: Task 1 in stage 1.0 failed 3 times, most recent failure: \
         Lost task 1.2 in stage 1.0 (TID 3) (localhost executor driver): Division by zero: 6 / 0 \
         (task_retries.rhai:2:13)",
    );
    // local[2]: one attempt, and the function's own error, as before.
    run(name, 1, script).code(1).has_line(
        "ERROR: map at task_retries.rhai:2:3 failed in the batch of 2021-11-14 10:00:54: \
         Division by zero: 6 / 0 (task_retries.rhai:2:13)",
    );
    centella(name, Some(script), &["--master", "local[2, 0]", &file])
        .code(2)
        .stderr_has("must be between 1 and 1000");
}
