//! The shell with piped stdin: no prompt, no colour, the same entries and meta-commands.

mod common;

use common::{Centella, Run, TempDir};
use std::time::Duration;

fn shell(args: &[&str], input: &str) -> Run {
    shell_bytes(args, input.as_bytes())
}

/// The shell with `input` piped in; its history goes to a dir of the test's own.
fn shell_bytes(args: &[&str], input: &[u8]) -> Run {
    let test = std::thread::current().name().unwrap_or("shell").to_string();
    let state = TempDir::new("pipe-state", &test);
    Centella::new(args)
        .state_in(&state)
        .run_with_input(input, Duration::from_secs(120))
}

fn manual(input: &str) -> Run {
    shell(&["--clock", "manual"], input)
}

#[test]
fn the_issue_one_liner_works_on_the_real_clock() {
    let r = shell(
        &[],
        "ssc.queueStream([[1,2]]).pprint(); ssc.start(); ssc.awaitTerminationOrTimeout(2)\n",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("Time: ") && r.stdout.contains("\n1\n2\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.ends_with("False\n"), "{}", r.stdout);
    assert!(!r.stdout.contains("centella>") && !r.stdout.contains('\u{1b}'));
}

#[test]
fn state_persists_and_multi_line_entries_complete() {
    let r = manual(
        "let x = 20\n\
         fn twice(v) {\n\
           v * 2\n\
         }\n\
         twice(x + 1)\n\
         let xs = [1,\n\
           2, 3]\n\
         xs.len()\n\
         sc.parallelize([1, 2])\n\
           .map(|v| v * 10)\n\
           .collect()\n",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "42\n3\n[10, 20]\n");
}

#[test]
fn a_blank_line_forces_submission_and_errors_do_not_end_the_session() {
    let r = manual("let broken = [1,\n\nlet fine = 1 + 1; fine\nundefined_thing\nfine * 2\n");
    assert_eq!(r.code, Some(1), "an error makes the exit status 1");
    assert_eq!(r.stdout, "2\n4\n");
    assert!(r.stderr.contains("error: Syntax error"), "{}", r.stderr);
    assert!(r.stderr.contains("--> <stdin>:1:"), "{}", r.stderr);
    assert!(r.stderr.contains("undefined_thing"), "{}", r.stderr);
    assert!(r.stderr.contains('^'), "errors show a caret: {}", r.stderr);
}

#[test]
fn values_echo_like_pyspark() {
    let r = manual(
        "ssc.queueStream([[\"a\"]]).map(|w| [w, 1]).reduceByKeyAndWindow(|a, b| a + b, 2, 1)\n\
         \"text\"\n\
         [\"Web\", 4]\n\
         ()\n",
    );
    assert_eq!(
        r.stdout,
        "DStream[reduceByKeyAndWindow <- map <- queueStream]\n'text'\n['Web', 4]\n"
    );
}

#[test]
fn arrays_typed_at_the_prompt_echo_as_lists_and_collected_records_as_pyspark() {
    let r = manual(
        "[1, 2] + [3]\n\
         [[\"Web\", 1]]\n\
         sc.parallelize([[\"Web\", 1]]).collect()\n\
         #{word: [\"a\", 1]}\n\
         let v = [[\"Web\", 2]];\n\
         :vars\n",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("[1, 2, 3]\n[['Web', 1]]\n[('Web', 1)]\n{'word': ['a', 1]}\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("v: array = [['Web', 2]]"), "{}", r.stdout);
}

#[test]
fn in_place_string_methods_give_values_and_still_work_as_statements() {
    let r = manual(
        "let h = \"#tag\";\n\
         h.replace(\"#\", \"\")\n\
         h\n\
         h.replace(\"#\", \"\");\n\
         h\n\
         let s = \"  pad  \";\n\
         [s.trim(), s.make_upper(), s]\n\
         s.trim();\n\
         s\n\
         fn clean(w) { w.trim(); w.make_lower(); w }\n\
         clean(\" AB \")\n\
         ssc.queueStream([[\"#spark #rust\"]]).flatMap(|l| l.split(\" \")).map(|h| [h.replace(\"#\", \"\"), 1]).pprint()\n\
         ssc.start()\n\
         :tick\n",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "'tag'\n'#tag'\n'tag'\n['pad', '  PAD  ', '  pad  ']\n'pad'\n'ab'\n\
         -------------------------------------------\n\
         Time: 2021-11-14 10:00:54\n\
         -------------------------------------------\n\
         ('spark', 1)\n('rust', 1)\n\n"
    );
}

#[test]
fn python_names_work_in_rhai() {
    let r = manual(
        "[None, True, False]\n\
         let n = None; n == ()\n\
         fn check(x) { if x == None { False } else { True } }\n\
         [check(()), check(1)]\n\
         max([3, 1, 2])\n\
         min([3, 1.5, 2])\n\
         sum([1, 2.5, True])\n\
         sorted([\"b\", \"a\", \"c\"])\n\
         sorted([[2, \"b\"], [1, \"z\"], [2, \"a\"]])\n\
         sorted([\"bb\", \"a\", \"ccc\"], |s| -s.len())\n\
         len(\"añb\") + len([1, 2]) + len(#{a: 1})\n\
         [1, 2].max()\n\
         max([])\n\
         sorted([1, \"a\"])\n",
    );
    assert_eq!(
        r.stdout,
        "[None, True, False]\nTrue\n[False, True]\n3\n1.5\n4.5\n['a', 'b', 'c']\n\
         [[1, 'z'], [2, 'a'], [2, 'b']]\n['ccc', 'bb', 'a']\n6\n2\n"
    );
    assert!(
        r.stderr
            .contains("error: ValueError: max() arg is an empty sequence"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("error: TypeError: '<' not supported between instances of 'str' and 'int'"),
        "{}",
        r.stderr
    );
}

#[test]
fn python_mistakes_at_the_prompt_get_the_rhai_form() {
    let r = manual(
        "let visits = ssc.queueStream([[('Web', 1)]]);\n\
         \"abc\".startswith(\"a\")\n\
         \"ABC\".lower()\n\
         \"abc\".starts_with(\"a\")\n",
    );
    assert_eq!(r.stdout, "True\n");
    for line in [
        "hint: this reads as Python; in Rhai strings take double quotes, a tuple is an array [a, b]:",
        "    let visits = ssc.queueStream([[[\"Web\", 1]]]);",
        "error: no method startswith for a string; did you mean starts_with?",
        "error: no method lower for a string; did you mean to_lower?",
        "hint: in Rhai:",
        "    \"ABC\".to_lower()",
    ] {
        assert!(r.stderr.lines().any(|l| l == line), "{line}\n{}", r.stderr);
    }
}

#[test]
fn help_covers_the_language_and_pyspark_syntax() {
    let r = manual(":help\n");
    assert!(
        r.stdout.contains(
            "\nfunctions: StreamingContext, live_sensor, max, min, sleep_ms, sorted, sum\n"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("print(x) prints a value; a stream prints its batches with ds.pprint()"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("`print` is reserved"), "{}", r.stdout);
    let r = manual(":help syntax\n");
    assert!(r.stdout.lines().count() <= 24, "{}", r.stdout);
    for pair in [
        "lambda w: (w, 1)                     |w| [w, 1]",
        "x is None   x is not None            x == ()   x != ()",
        "s.startswith(\"#\")  s.endswith(\"!\")   s.starts_with(\"#\")  s.ends_with(\"!\")",
    ] {
        assert!(r.stdout.contains(pair), "{pair}\n{}", r.stdout);
    }
    let r = manual(":help rhai\n:help string\n");
    for part in [
        "let x = 5;",
        "fn add(a, b)",
        "let f = |x| x * 2;",
        "maps (dicts)",
        "for x in xs",
        "In place, returning (): s.replace(a, b)",
        "string: ",
        "starts_with",
    ] {
        assert!(r.stdout.contains(part), "{part}\n{}", r.stdout);
    }
}

#[test]
fn print_is_reserved_so_the_error_hints_pprint() {
    let r = manual("let counts = ssc.queueStream([[1]]);\ncounts.print()\n");
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("use counts.pprint()"), "{}", r.stderr);
}

#[test]
fn tick_status_and_batch_errors() {
    let r = manual(
        "let ds = ssc.queueStream([[1, 2], [0], [3]]);\n\
         ds.map(|x| 6 / x).pprint()\n\
         ssc.start()\n\
         :tick 3\n\
         :status\n",
    );
    // The failing batch prints nothing; the next ones go on.
    assert!(r.stdout.contains("6\n3\n"), "{}", r.stdout);
    assert!(r.stdout.contains("\n2\n"), "{}", r.stdout);
    assert!(r.stderr.contains("ERROR"), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("ssc: ACTIVE, batch interval 1s, clock manual, 3 batches done"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("batch time") && r.stdout.contains("records"),
        "{}",
        r.stdout
    );
    assert_eq!(r.code, Some(1), "a failed batch makes the exit status 1");
}

#[test]
fn meta_commands() {
    let dir = temp_dir("load");
    let script = dir.join("lib.rhai");
    std::fs::write(&script, "fn double(x) { x * 2 }\nlet loaded = double(5);\n").expect("write");
    let input = format!(
        ":help\n\
         :help reduceByKeyAndWindow\n\
         :help RDD.collect\n\
         :load {}\n\
         loaded\n\
         double(4)\n\
         :vars\n\
         :stop\n\
         :reset\n\
         :vars\n\
         :nonsense\n\
         :quit\n\
         loaded\n",
        script.display()
    );
    let r = manual(&input);
    let out = &r.stdout;
    assert!(
        out.contains(":tick [n]") && out.contains("DStream: cache, checkpoint"),
        "{out}"
    );
    assert!(
        out.contains("DStream.reduceByKeyAndWindow(func, [invFunc,] windowDuration"),
        "{out}"
    );
    assert!(out.contains("e.g. pairs.reduceByKeyAndWindow("), "{out}");
    assert!(out.contains("RDD.collect()"), "{out}");
    assert!(out.contains("\n10\n8\n"), "{out}");
    assert!(out.contains("loaded: i64 = 10"), "{out}");
    assert!(
        out.contains("ssc: StreamingContext = StreamingContext(batch 1s, INITIALIZED)"),
        "{out}"
    );
    assert!(out.contains("ssc stopped"), "{out}");
    assert!(out.contains("fresh session"), "{out}");
    // After :reset the scope is fresh: the last :vars lists only sc and ssc.
    let last_vars = out.rsplit("fresh session").next().unwrap_or_default();
    assert!(!last_vars.contains("loaded"), "{out}");
    assert!(
        r.stderr.contains("unknown command :nonsense"),
        "{}",
        r.stderr
    );
    // :quit ends the session: the last line is never evaluated.
    assert!(!out.ends_with("10\n"), "{out}");
}

#[test]
fn dash_i_runs_a_script_then_reads_entries() {
    let dir = temp_dir("i");
    let script = dir.join("setup.rhai");
    std::fs::write(
        &script,
        "let counts = ssc.queueStream([[\"a\", \"b\", \"a\"]]).countByValue();\ncounts.pprint();\n",
    )
    .expect("write");
    let path = script.display().to_string();
    let r = shell(&["--clock", "manual", "-i", &path], "ssc.start()\n:tick\n");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.contains("('a', 2)") && r.stdout.contains("('b', 1)"),
        "{}",
        r.stdout
    );
}

#[test]
fn end_of_input_stops_a_running_context_gracefully() {
    let r = shell(
        &["--clock", "fast", "--batches", "2"],
        "ssc.queueStream([[1], [2], [3]]).pprint()\nssc.start()\n",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout.matches("Time: ").count(), 2, "{}", r.stdout);
}

fn temp_dir(name: &str) -> TempDir {
    TempDir::new("pipe", name)
}

#[test]
fn a_failed_start_says_what_to_type_and_restart_rebuilds_the_pipeline() {
    let dir = temp_dir("restart");
    let cp = dir.join("cp").display().to_string();
    let input = format!(
        "fn add(vs, st) {{ let t = if st == () {{ 0 }} else {{ st }}; t + vs.reduce(|a, b| a + b, 0) }}\n\
         let q = [[[\"a\", 1]], [[\"a\", 2]]];\n\
         let totals = ssc.queueStream(q).updateStateByKey(add);\n\
         totals.pprint();\n\
         ssc.start()\n\
         :restart\n\
         ssc.checkpoint(\"{cp}\")\n\
         ssc.start()\n\
         :tick 2\n\
         add([5], ())\n"
    );
    let r = manual(&input);
    // Spark's rule holds: the failed start stops the context. The error says the way out.
    assert!(
        r.stderr
            .contains("The checkpoint directory has not been set"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("hint: the failed start stopped ssc, as in Spark. Type :restart"),
        "{}",
        r.stderr
    );
    // :restart re-ran the pipeline (the queue rebuilt): nothing retyped, and the state runs.
    assert!(
        r.stdout.contains(
            "fresh ssc (batch 1s); re-ran the 5 entries typed since the context was made"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("('a', 1)") && r.stdout.contains("('a', 3)"),
        "{}",
        r.stdout
    );
    // Functions are kept.
    assert!(r.stdout.ends_with("5\n"), "{}", r.stdout);
}

#[test]
fn restart_re_runs_a_dash_i_script_whose_start_failed() {
    let dir = temp_dir("restart-i");
    let script = dir.join("stateful.rhai");
    std::fs::write(
        &script,
        "let pairs = ssc.queueStream([[[\"a\", 1]], [[\"a\", 2]]]);\n\
         pairs.updateStateByKey(|vs, st| vs.len() + if st == () { 0 } else { st }).pprint();\n\
         ssc.start();\n\
         ssc.awaitTermination();\n",
    )
    .expect("write");
    let cp = dir.join("cp").display().to_string();
    let path = script.display().to_string();
    let r = shell(
        &["--clock", "manual", "-i", &path],
        &format!(":restart\nssc.checkpoint(\"{cp}\")\nssc.start()\n:tick 2\n"),
    );
    assert!(r.stderr.contains("Type :restart"), "{}", r.stderr);
    assert!(
        r.stdout.contains("('a', 1)") && r.stdout.contains("('a', 2)"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn reset_keep_restarts_after_no_output_operations() {
    let r = manual(
        "let ds = ssc.queueStream([[1, 2]]);\n\
         ssc.start()\n\
         :reset --keep\n\
         ds.pprint()\n\
         ssc.start()\n\
         :tick\n",
    );
    assert!(
        r.stderr.contains("No output operations registered")
            && r.stderr
                .contains("add an output such as ds.pprint(), then ssc.start()"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("\n1\n2\n"), "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_repeated_batch_error_prints_once_then_one_line_per_batch() {
    let r = manual(
        "ssc.queueStream([[1]], true, [0]).map(|x| 10 / x).pprint();\n\
         ssc.start()\n\
         :tick 4\n",
    );
    assert_eq!(r.stderr.matches("ERROR: map at").count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("Division by zero"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("... the same error in batch 10:00:56 (2 times)\n... the same error in batch 10:00:57 (3 times)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_repeated_batch_error_in_a_script_prints_every_time_as_spark_does() {
    let dir = temp_dir("script-errors");
    let script = dir.join("fails.rhai");
    std::fs::write(
        &script,
        "ssc.queueStream([[1]], true, [0]).map(|x| 10 / x).pprint();\nssc.start();\n",
    )
    .expect("write");
    let path = script.display().to_string();
    let r = shell(&["--clock", "fast", "--batches", "4", &path], "");
    assert_eq!(r.stderr.matches("ERROR: map at").count(), 3, "{}", r.stderr);
}

#[test]
fn a_broken_fn_body_is_one_entry_with_one_error() {
    let r = manual(
        "fn score(x) {\n\
           let y = x +* 2;\n\
           y\n\
         }\n\
         1 + 1\n",
    );
    let errors = r.stderr.lines().filter(|l| l.starts_with("error:")).count();
    assert_eq!(errors, 1, "{}", r.stderr);
    assert!(r.stderr.contains("--> <stdin>:2:"), "{}", r.stderr);
    assert_eq!(r.stdout, "2\n");
}

#[test]
fn await_termination_under_the_manual_clock_leaves_dash_i_at_the_prompt() {
    let dir = temp_dir("manual-i");
    let script = dir.join("windowed.rhai");
    std::fs::write(
        &script,
        "let ds = ssc.queueStream([[1, 2], [3]]);\n\
         ds.window(2, 2).count().pprint();\n\
         ssc.start();\n\
         ssc.awaitTermination();\n",
    )
    .expect("write");
    let path = script.display().to_string();
    let r = shell(&["--clock", "manual", "-i", &path], ":tick\n:tick\n:tick\n");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stderr.contains("would wait forever"), "{}", r.stderr);
    assert!(
        r.stderr.contains(":tick runs the next batch"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr
            .matches("batch 10:00:54 ran; this window prints every 2 batches")
            .count(),
        1,
        "said once: {}",
        r.stderr
    );
    assert!(
        r.stdout.contains(
            "Time: 2021-11-14 10:00:55\n-------------------------------------------\n3\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn status_counts_each_input_batch_of_a_windowed_stream() {
    let r = manual(
        "let ds = ssc.queueStream([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12, 13]]);\n\
         ds.window(2, 2).count().pprint();\n\
         ssc.start()\n\
         :tick 4\n\
         :status\n",
    );
    let records: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("2021-11-14 10:00:5"))
        .map(|l| l.split_whitespace().nth(2).unwrap_or_default())
        .collect();
    assert_eq!(records, ["5", "5", "3", "0"], "{}", r.stdout);
    // The window's output is unchanged.
    assert!(
        r.stdout.contains("\n10\n") && r.stdout.contains("\n3\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn empty_batches_show_by_default_and_collapse_on_request() {
    let r = manual(
        "ssc.queueStream([[1]]).pprint();\n\
         ssc.start()\n\
         :tick 3\n\
         :empty collapse\n\
         :tick 4\n\
         :empty\n",
    );
    // PySpark's output first: every empty batch prints its header.
    assert_eq!(r.stdout.matches("Time: ").count(), 3, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("\n... 4 empty batches (10:00:57–10:01:00)\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(":empty collapse"), "{}", r.stdout);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn exit_and_quit_leave_the_shell_or_say_how() {
    let r = manual("quit\nlet x = 41 + 1;\nx\nexit()\nx + 1\n");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "42\n", "exit() leaves: the last line never runs");
    assert!(
        r.stderr.contains("use :quit or Ctrl-D to leave"),
        "{}",
        r.stderr
    );
}

#[test]
fn method_chains_on_their_own_lines_run_piped() {
    let r = manual(
        "let lines = sc.parallelize([\"a b\", \"b\"]);\nlines\n  .flatMap(|l| l.split(\" \"))\n  .count()\n",
    );
    assert_eq!(r.stdout, "3\n", "{}", r.stderr);
}

#[test]
fn bytes_that_are_not_utf8_read_as_replacement_characters() {
    let mut input = b"let a = 1;\n".to_vec();
    input.extend_from_slice(b"let s = \"caf\xe9\";\n");
    input.extend_from_slice(b"\xff\xfe\n");
    input.extend_from_slice(b"print(`ok ${a} ${s.len()}`);\n");
    let r = shell_bytes(&["--clock", "manual"], &input);
    assert!(
        r.stdout.contains("ok 1 4"),
        "the lines after run: {} {}",
        r.stdout,
        r.stderr
    );
    assert!(
        r.stderr
            .contains("line 2 of the input is not valid UTF-8: read with U+FFFD"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("line 3 of the input"), "{}", r.stderr);
}
#[test]
fn loaded_functions_keep_their_in_place_statements() {
    let dir = temp_dir("inplace");
    let lib = dir.join("lib.rhai");
    std::fs::write(
        &lib,
        "fn clean(w) { w.trim(); w.make_upper(); w }\nlet tidy = |w| { w.trim(); w };\nlet bare = |w| w.trim();\n",
    )
    .expect("write");
    let r = manual(&format!(
        ":load {}\nclean(\" x \")\ntidy.call(\" y \")\nbare.call(\" z \")\n",
        lib.display()
    ));
    assert_eq!(r.stdout, "'X'\n'y'\n'z'\n", "{}", r.stderr);
}

#[test]
fn the_hashtags_slide_typed_as_python_gets_a_line_that_runs() {
    let slide = "let tags = ssc.queueStream([[\"#a b #c\"]]).flatMap(lambda line: line.split(\" \")).filter(lambda word: word.startswith(\"#\")).map(lambda hashtag : (hashtag.replace(\"#\", \"\"), 1))";
    let first = manual(&format!("{slide}\n"));
    let suggested = first
        .stderr
        .lines()
        .find(|l| l.starts_with("    let tags"))
        .unwrap_or_else(|| panic!("no rewritten line:\n{}", first.stderr))
        .trim()
        .to_string();
    assert_eq!(
        suggested,
        "let tags = ssc.queueStream([[\"#a b #c\"]]).flatMap(|line| line.split(\" \")).filter(|word| word.starts_with(\"#\")).map(|hashtag| [hashtag.replace(\"#\", \"\"), 1])"
    );
    let second = manual(&format!("{suggested}\ntags.pprint()\nssc.start()\n:tick\n"));
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert!(
        second.stdout.ends_with("('a', 1)\n('c', 1)\n\n"),
        "{}",
        second.stdout
    );
}

#[test]
fn python_entries_blocks_and_programs_read_as_the_rhai_they_mean() {
    let dir = TempDir::new("pipe", "python-load");
    let program = dir.join("count.py");
    std::fs::write(
        &program,
        "from pyspark import SparkContext\n\
         from pyspark.streaming import StreamingContext\n\
         def pair(w):\n    return (w, 1)\n\
         words = ssc.queueStream([['a', 'b', 'a']])\n\
         words.map(pair).reduceByKey(lambda a, b: a + b).pprint()\n\
         ssc.start()\n",
    )
    .expect("write");
    let r = manual(&format!(
        "def double(a):\n    return a * 2\n\
         print(double(21))\n\
         total = 1 + \\\n    2\n\
         print(total)\n\
         class Reading:\n    pass\n\n\
         :python\n\
         :python off\n\
         n = 5\n\
         :python on\n\
         n = 5\n\
         print(n)\n\
         :load {}\n\
         :tick\n",
        program.display()
    ));
    assert_eq!(
        r.stdout,
        "42\n3\npython: on (an entry that is not Rhai but reads as Python runs as the Rhai it \
         means)\npython: off (entries are Rhai only; a Python line gets a fix-it)\npython: on \
         (an entry that is not Rhai but reads as Python runs as the Rhai it means)\n5\n\
         -------------------------------------------\nTime: 2021-11-14 10:00:54\n\
         -------------------------------------------\n('b', 1)\n('a', 2)\n\n",
        "stderr:\n{}",
        r.stderr
    );
    for line in [
        "read as Python: fn double(a) {",
        "read as Python: let total = 1 + 2;",
        "hint: this reads as Python, but centella cannot translate a class definition: \
         centella's Rhai has no classes: use functions with tuples or dicts (`#{...}` maps) \
         for the data",
        "hint: a new variable needs let:",
        "read as Python: let n = 5;",
        "read count.py as Python (`centella translate",
    ] {
        assert!(
            r.stderr.lines().any(|l| l.starts_with(line)),
            "{line}\n{}",
            r.stderr
        );
    }
    assert_eq!(
        r.stderr.lines().filter(|l| l.starts_with("error:")).count(),
        2,
        "only the class and `n = 5` under :python off fail:\n{}",
        r.stderr
    );
}

#[test]
fn python_that_also_parses_as_rhai_keeps_python_s_meaning() {
    let r = manual(
        "from operator import add\n\
         sc.parallelize([('a', 1), ('a', 2)]).reduceByKey(add).collect()\n\
         7 // 2\n\
         x = 7 / 2\n\
         x = 7 / 2\n\
         x\n\
         let r = 10; // a Rhai comment after code\n\
         r\n\
         fn g(x) {\n  // result:\n  x +* 2\n}\n\
         print(\"after the broken fn\")\n\
         def f(a):  # adds one (to a\n    return a + 1\n\
         print(f(1))\n\
         inc = lambda x: x + 1\n\
         inc(3)\n\
         def twice_next(a):\n    b = a + 1\n\n    return b * 2\n\n\
         print(twice_next(1))\n",
    );
    assert_eq!(
        r.stdout, "[('a', 3)]\n3\n3.5\n10\nafter the broken fn\n2\n4\n4\n",
        "stderr:\n{}",
        r.stderr
    );
    for line in [
        "read as Python: nothing to run (the shell has sc, ssc and PySpark's names)",
        "read as Python: py_floordiv(7, 2);",
        "read as Python: x = py_div(7, 2);",
    ] {
        assert!(r.stderr.lines().any(|l| l == line), "{line}\n{}", r.stderr);
    }
    assert_eq!(
        r.stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "only the broken fn fails, once, when its brace closes:\n{}",
        r.stderr
    );
}

#[test]
fn export_joins_entries_typed_without_semicolons() {
    let r = manual(
        "ssc = StreamingContext(sc, 2)\n\
         let q = ssc.queueStream([[1]])\n\
         q.map(|x| x + 1).pprint()\n\
         :export\n\
         q2 = q.map(lambda x: x * 2)\n\
         :export\n",
    );
    assert!(r.stdout.contains("BATCH_INTERVAL = 2"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("    q.map(lambda x: x + 1).pprint()  # session.rhai:3"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains(
            "hint: entries read as Python run through centella's py_* helpers, which export \
             does not translate back"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn vars_leaves_out_the_translation_s_temporaries() {
    let r = manual("a, b = 1, 2\n:vars\n");
    assert!(r.stdout.contains("a: i64 = 1\nb: i64 = 2"), "{}", r.stdout);
    assert!(!r.stdout.contains("py_t"), "{}", r.stdout);
}

#[test]
fn a_def_reading_a_session_variable_says_what_to_write() {
    let r = manual(
        "k = 10\n\
         def f(a):\n    return a + k\n\n\
         add_k = lambda a: a + k\n\
         print(add_k(2))\n",
    );
    assert_eq!(r.stdout, "12\n", "{}", r.stderr);
    assert!(
        r.stderr.lines().any(|l| l
            == "hint: this reads as Python, but centella cannot translate the session's variable \
                `k` read inside a def: a def typed at the prompt sees only its parameters: pass \
                `k` as a parameter, or write a lambda (`f = lambda a: ... k ...`), which sees it"),
        "{}",
        r.stderr
    );
}
