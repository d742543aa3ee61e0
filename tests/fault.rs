//! The fault lab (`--master "local-cluster[N, C, M]"`, `ssc.fault(...)`, `:fault`): golden
//! runs of its examples under the fast clock, whose stderr is Spark's account of what
//! happened (lost tasks and executors, the lineage recomputed) and whose stdout is the same
//! output as without the fault; a task that keeps failing; the errors of a fault that cannot
//! happen.

mod common;

use common::{Centella, Run, TempDir, assert_golden};
use std::path::Path;
use std::time::Duration;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const CLUSTER: &str = "local-cluster[2, 1, 1024]";

fn run_example(name: &str) -> Run {
    let script = Path::new(ROOT).join(format!("examples/{name}.rhai"));
    Centella::new(&[
        "--clock".as_ref(),
        "fast".as_ref(),
        "--batches".as_ref(),
        "3".as_ref(),
        "--master".as_ref(),
        CLUSTER.as_ref(),
        script.as_os_str(),
    ])
    .run(Duration::from_secs(60))
}

fn golden(name: &str) {
    let run = run_example(name);
    let dir = Path::new(ROOT).join("tests/fault");
    let err = std::fs::read_to_string(dir.join(format!("{name}.err"))).expect("stderr golden");
    assert_golden(name, &run, &dir.join(format!("{name}.out")), &err);
}

#[test]
fn a_failing_task_is_retried_and_the_output_is_unchanged() {
    golden("fault_task_retry");
}

#[test]
fn a_lost_executors_cached_partition_is_recomputed_from_lineage() {
    golden("fault_lost_executor");
    // Without the fault: the same output.
    let script = std::fs::read_to_string(Path::new(ROOT).join("examples/fault_lost_executor.rhai"))
        .expect("example")
        .replace("ssc.fault(\"kill-executor 1\", 2);", "");
    let dir = TempDir::new("fault", "no_fault");
    dir.write("no_fault.rhai", &script);
    let plain = Centella::new(&[
        "--clock",
        "fast",
        "--batches",
        "3",
        "--master",
        CLUSTER,
        "no_fault.rhai",
    ])
    .dir(&dir)
    .run(Duration::from_secs(60));
    plain.code(0);
    assert_eq!(plain.stderr, "");
    let with_fault =
        std::fs::read_to_string(Path::new(ROOT).join("tests/fault/fault_lost_executor.out"))
            .expect("golden");
    assert_eq!(plain.stdout, with_fault);
}

/// The lab's naive source, labelled as what Spark avoids: a live sensor read in a map. The
/// lost partition is recomputed and the sensor read again, so the window shows batch 1's
/// readings with other numbers than batch 1 printed (and than a run without the fault).
#[test]
fn a_live_sensor_read_again_by_a_recomputation_gives_other_numbers() {
    golden("fault_naive_sensor");
    let out = std::fs::read_to_string(Path::new(ROOT).join("tests/fault/fault_naive_sensor.out"))
        .expect("golden");
    assert!(out.starts_with("NAIVE ON PURPOSE"), "labelled: {out}");
    let blocks = common::blocks(&out);
    let reading = |batch: usize, room: &str| -> String {
        blocks[batch]
            .1
            .iter()
            .find(|r| r.starts_with(&format!("('{room}', 'heat'")))
            .cloned()
            .unwrap_or_default()
    };
    // room3's batch-1 reading, printed in batch 1 and again (recomputed) in batch 2's window.
    assert_eq!(reading(0, "room3"), "('room3', 'heat', [18])");
    assert_eq!(reading(1, "room3"), "('room3', 'heat', [20, 19])");
    // room1's partition was not lost: its batch-1 reading is the one batch 1 printed.
    assert_eq!(reading(1, "room1"), "('room1', 'heat', [24, 25])");
}

#[test]
fn a_task_that_fails_max_failures_times_fails_its_batch_and_the_next_goes_on() {
    let script = std::fs::read_to_string(Path::new(ROOT).join("examples/fault_task_retry.rhai"))
        .expect("example")
        .replace("fail-task map 0 2", "fail-task map 0 4");
    let dir = TempDir::new("fault", "exhausted");
    dir.write("exhausted.rhai", &script);
    let run = Centella::new(&[
        "--clock",
        "fast",
        "--batches",
        "3",
        "--master",
        CLUSTER,
        "exhausted.rhai",
    ])
    .dir(&dir)
    .run(Duration::from_secs(60));
    run.code(1).has_line(
        "ERROR: pprint at exhausted.rhai:20:36 failed in the batch of 2021-11-14 10:00:55: Job \
         aborted due to stage failure: Task 0 in stage 4.0 failed 4 times, most recent failure: \
         Lost task 0.3 in stage 4.0 (TID 8) (localhost executor 0): \
         org.apache.spark.api.python.PythonException: injected by the fault lab (fail-task map 0 \
         4, failure 4 of 4)",
    );
    assert!(
        run.stdout.contains("Time: 2021-11-14 10:00:56"),
        "the next batch goes on: {}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("Time: 2021-11-14 10:00:55"),
        "{}",
        run.stdout
    );
}

#[test]
fn faults_that_cannot_happen_say_why() {
    let dir = TempDir::new("fault", "refused");
    dir.write(
        "local.rhai",
        "let ssc = StreamingContext(sc, 1);\nssc.fault(\"kill-executor 1\");\n",
    );
    // In local mode a kill is ignored with a warning: the lab's examples run anywhere.
    Centella::new(&["local.rhai"])
        .dir(&dir)
        .run(Duration::from_secs(30))
        .code(0)
        .stderr_has("WARN: kill-executor 1: ignored, local mode has one executor, the driver's; start centella with --master \"local-cluster[2, 1, 1024]\" to have executors to lose");
    dir.write(
        "nine.rhai",
        "let ssc = StreamingContext(sc, 1);\nssc.fault(\"kill-executor 9\");\n",
    );
    Centella::new(&["--master", CLUSTER, "nine.rhai"])
        .dir(&dir)
        .run(Duration::from_secs(30))
        .code(1)
        .stderr_has("kill-executor 9: no executor 9 (executors: 0, 1)");
}

#[test]
fn the_shell_plans_and_lists_faults() {
    let run = Centella::new(&["--master", CLUSTER]).run_with_input(
        b":fault kill-executor 1\n:fault fail-task map 0 2\n:fault list\n:fault clear\n:fault list\n\
          :help fault\n",
        Duration::from_secs(30),
    );
    run.code(0);
    for line in [
        "fault planned: kill-executor 1, at the next task it applies to",
        "planned: fail-task map 0 2, at the next task it applies to",
        "executor 1: alive (0 tasks, 0 failed)",
        "no fault planned",
        "  :fault kafka-offline sensors 1  Kafka partition 1 of topic sensors goes offline",
        "live_sensor(room, metric) reads one inside a",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
}

#[test]
fn the_shell_takes_a_kafka_partition_offline_and_back() {
    let run = Centella::new(&["--master", CLUSTER]).run_with_input(
        b":fault kafka-online sensors 1\n:fault kafka-offline sensors x\n\
          :fault kafka-offline sensors 1\n:fault kafka-online sensors 1\n:fault list\n",
        Duration::from_secs(30),
    );
    assert!(
        run.stderr
            .contains("kafka-online sensors 1: partition 1 of topic 'sensors' is not offline"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("PARTITION must be a Kafka partition number, not 'x'"),
        "{}",
        run.stderr
    );
    for line in [
        "fault planned: kafka-offline sensors 1, at the next task it applies to",
        "fault planned: kafka-online sensors 1, at the next task it applies to",
        "planned: kafka-offline sensors 1, at the next task it applies to",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
}

#[test]
fn status_shows_the_executors_alive_and_lost() {
    let run = Centella::new(&["--clock", "manual", "--master", CLUSTER]).run_with_input(
        b"let s = ssc.queueStream([sc.parallelize([1, 2, 3, 4], 2)]);\n\
          s.map(|x| x * 2).pprint();\n:fault kill-executor 1\nssc.start();\n:tick 1\n:status\n",
        Duration::from_secs(30),
    );
    run.code(0);
    assert!(
        run.stdout
            .contains("executors: 0 alive (2 tasks), 1 LOST (1 tasks, 1 failed)"),
        "{}",
        run.stdout
    );
    // The batch's output is whole: the lost task ran again on executor 0.
    for v in ["2", "4", "6", "8"] {
        assert!(run.stdout.lines().any(|l| l == v), "{}", run.stdout);
    }
    assert!(
        run.stderr.contains(
            "WARN: Lost executor 1 on localhost: killed by the fault lab (kill-executor 1)"
        ),
        "{}",
        run.stderr
    );
}

/// A loopback server that sends `n` numbered lines over about a second to its one client,
/// then keeps the connection open a little.
fn line_server(n: usize) -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let handle = std::thread::spawn(move || {
        use std::io::Write;
        if let Ok((mut stream, _)) = listener.accept() {
            for i in 0..n {
                let _ = stream.write_all(format!("reading {i}\n").as_bytes());
                if i % 20 == 19 {
                    let _ = stream.flush();
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            let _ = stream.flush();
            std::thread::sleep(Duration::from_secs(2));
        }
    });
    (port, handle)
}

/// One trial: a socket line count on three executors, one executor lost at a chosen batch.
/// The counts printed (summed) and the batch errors.
fn kill_trial(trial: u64, level: &str) -> (usize, Vec<String>) {
    let executor = trial % 3;
    let batch = 1 + (trial * 7) % 5;
    let (counted, errors, _) = socket_trial(
        &format!("trial{trial}{level}"),
        level,
        &format!("kill-executor {executor}"),
        batch,
    );
    (counted, errors)
}

/// A socket line count on three executors with `fault` planned at `batch`: the lines
/// counted, the batch errors and stderr.
fn socket_trial(name: &str, level: &str, fault: &str, batch: u64) -> (usize, Vec<String>, String) {
    const LINES: usize = 400;
    let (port, server) = line_server(LINES);
    let dir = TempDir::new("fault", name);
    dir.write(
        "trial.rhai",
        &format!(
            "let ssc = StreamingContext(sc, 0.4);\n\
             ssc.socketTextStream(\"127.0.0.1\", {port}{level}).count().pprint();\n\
             ssc.fault(\"{fault}\", {batch});\n\
             ssc.start();\nssc.awaitTermination();\n"
        ),
    );
    let run = Centella::new(&[
        "--batches",
        "7",
        "--master",
        "local-cluster[3, 1, 512]",
        "trial.rhai",
    ])
    .dir(&dir)
    .run(Duration::from_secs(30));
    let _ = server.join();
    let counted = common::blocks(&run.stdout)
        .iter()
        .flat_map(|(_, records)| records.iter().filter_map(|r| r.parse::<usize>().ok()))
        .sum();
    let errors = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("ERROR:"))
        .map(str::to_string)
        .collect();
    (counted, errors, run.stderr)
}

#[test]
fn a_lost_block_is_read_from_its_replica_or_fails_its_batch() {
    let (counted, errors, stderr) = socket_trial("lose_replicated", "", "lose-block 0", 2);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(counted, 400);
    assert!(
        stderr.contains("(the fault lab): read from its replica"),
        "{stderr}"
    );
    let (counted, errors, _) = socket_trial(
        "lose_single",
        ", StorageLevel.MEMORY_ONLY",
        "lose-block 0",
        2,
    );
    assert!(
        counted < 400
            && errors
                .iter()
                .any(|e| e.contains("Could not compute split, block input-0-")),
        "{counted} counted, errors {errors:?}"
    );
}

#[test]
fn a_lost_receivers_executor_restarts_it_on_another_and_nothing_is_lost() {
    let (counted, errors, stderr) = socket_trial("receiver_restart", "", "kill-executor 0", 2);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(counted, 400, "{stderr}");
    let restart = "INFO: Restarting Receiver 0\nINFO: Receiver 0 started\n\
                   INFO: Registered receiver for stream 0 from executor 1\n";
    assert!(stderr.contains(restart), "{stderr}");
    let lost = stderr.find("Lost executor 0").expect("executor 0 lost");
    let restarted = stderr
        .find("Restarting Receiver 0")
        .expect("its receiver restarted");
    assert!(lost < restarted, "{stderr}");
}

/// Spark's promise for replicated receiver blocks: in 20 trials of an executor lost at a
/// random batch, every line is counted exactly once. With one copy and no write-ahead log
/// a trial may lose lines, but never silently: each loss is a batch error naming the block.
#[test]
fn random_executor_kills_lose_nothing_with_replicated_blocks() {
    for trial in 0..20 {
        let (counted, errors) = kill_trial(trial, "");
        assert!(errors.is_empty(), "trial {trial}: {errors:?}");
        assert_eq!(counted, 400, "trial {trial}");
    }
    // Executor 0 runs the receiver: trials 0 and 3 lose it, and with it the only copies.
    let mut losses = 0;
    for trial in 0..6 {
        let (counted, errors) = kill_trial(trial, ", StorageLevel.MEMORY_ONLY");
        if counted < 400 {
            losses += 1;
            assert!(
                errors
                    .iter()
                    .any(|e| e.contains("Could not compute split, block input-0-")),
                "trial {trial}: {counted} counted and no error: {errors:?}"
            );
        } else {
            assert_eq!(counted, 400, "trial {trial}: counted twice?");
        }
    }
    assert!(
        losses >= 1,
        "losing the receiver's executor lost single-copy blocks"
    );
}

/// The example run in the shell under the fast clock, then `:status`: its stdout. The
/// shell's exit status is `code` (1 when a batch failed: awaitTermination raised it).
fn status_after(example: &str, code: i32, edit: impl Fn(String) -> String) -> String {
    let script = std::fs::read_to_string(Path::new(ROOT).join(format!("examples/{example}.rhai")))
        .expect("example");
    let input = format!("{}\n:status\n", edit(script));
    let run = Centella::new(&["--clock", "fast", "--batches", "3", "--master", CLUSTER])
        .run_with_input(input.as_bytes(), Duration::from_secs(60));
    run.code(code);
    run.stdout
}

/// The `:status` row of the batch at `time`.
fn status_row<'a>(status: &'a str, time: &str) -> &'a str {
    status
        .lines()
        .find(|l| l.trim_start().starts_with(time))
        .unwrap_or_else(|| panic!("no row for {time}: {status}"))
}

#[test]
fn status_shows_a_lost_executors_batch_its_recomputed_lineage_and_the_blocks() {
    let status = status_after("fault_lost_executor", 0, |s| s);
    // The executor that was lost holds nothing; the window's cached partitions, the
    // recomputed one included, are on executor 0.
    assert!(
        status.contains("executors: 0 alive (14 tasks, 6 RDD blocks), 1 LOST (3 tasks, 1 failed)"),
        "{status}"
    );
    assert!(
        status_row(&status, "2021-11-14 10:00:55")
            .ends_with("1/1  1 failed task (retried), 1 recomputed from lineage"),
        "{status}"
    );
    for time in ["2021-11-14 10:00:54", "2021-11-14 10:00:56"] {
        assert!(status_row(&status, time).ends_with("1/1"), "{status}");
    }
    for line in [
        "task faults in the batch of 2021-11-14 10:00:55:",
        "  lost task 1.0 in stage 4.0 (TID 5) on executor 1: ExecutorLostFailure (executor 1 \
         exited unrelated to the running tasks) Reason... -> retried, 1.1 succeeded",
        "  recomputed task 1.1 in stage 4.0 on executor 0: ParallelCollectionRDD[0] partition 1 \
         -> PythonRDD[3] partition 1 (RECOMPUTED: its block was lost with executor 1) -> \
         UnionRDD[13] partition 1",
    ] {
        assert!(status.lines().any(|l| l == line), "{line}\n{status}");
    }

    // Without the fault nothing is said: no failed task, no recomputation, both executors.
    let plain = status_after("fault_lost_executor", 0, |s| {
        s.replace("ssc.fault(\"kill-executor 1\", 2);", "")
    });
    assert!(
        !plain.contains("failed task") && !plain.contains("task faults") && !plain.contains("LOST"),
        "{plain}"
    );
    assert!(plain.contains("executors: 0 alive ("), "{plain}");
}

#[test]
fn status_shows_the_retried_attempts_of_the_right_batch_and_a_failed_job() {
    let status = status_after("fault_task_retry", 0, |s| s);
    assert!(
        status_row(&status, "2021-11-14 10:00:55").ends_with("1/1  2 failed tasks (retried)"),
        "{status}"
    );
    assert!(
        status_row(&status, "2021-11-14 10:00:56").ends_with("1/1"),
        "{status}"
    );
    for line in [
        "  lost task 0.0 in stage 4.0 (TID 4) on executor 0: PythonException: injected by the \
         fault lab (fail-task map 0 2, failure 1 of 2) -> retried, 0.2 succeeded",
        "  lost task 0.1 in stage 4.0 (TID 6) on executor 0: PythonException: injected by the \
         fault lab (fail-task map 0 2, failure 2 of 2) -> retried, 0.2 succeeded",
    ] {
        assert!(status.lines().any(|l| l == line), "{line}\n{status}");
    }

    let exhausted = status_after("fault_task_retry", 1, |s| {
        s.replace("fail-task map 0 2", "fail-task map 0 4")
    });
    assert!(
        status_row(&exhausted, "2021-11-14 10:00:55")
            .contains("0/1  4 failed tasks (job failed)  FAILED: "),
        "{exhausted}"
    );
    assert!(
        exhausted.lines().any(|l| l
            == "  lost task 0.3 in stage 4.0 (TID 8) on executor 0: PythonException: injected \
                by the fault lab (fail-task map 0 4, failure 4 of 4) -> failed the job"),
        "{exhausted}"
    );
}

/// A socket server that sends `lines` in one write as soon as a receiver connects, then
/// holds the connection until the receiver closes it (or 30 s pass).
fn one_write_server(lines: &str) -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    let lines = lines.to_string();
    let handle = std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.write_all(lines.as_bytes());
            let _ = stream.flush();
            let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
            let _ = stream.read(&mut [0u8; 16]);
        }
    });
    (port, handle)
}

/// `lose-block` under the manual clock, the whole output compared: one batch takes the six
/// lines the server sent (one block, received in one read); the fault drops the copy on the
/// receiver's executor. The block's id holds its arrival time, shown here as `input-0-T`.
fn lose_block_run(name: &str, level: &str, wal: bool) -> (String, String) {
    let (port, server) =
        one_write_server("heat 24\nheat 19\nlight 300\nheat 14\nheat 22\nlight 280\n");
    let dir = TempDir::new("fault", name);
    let checkpoint = if wal {
        "ssc.checkpoint(\"ckpt\");\n"
    } else {
        ""
    };
    dir.write(
        "lose.rhai",
        &format!(
            "let ssc = StreamingContext(sc, 1);\n{checkpoint}\
             let readings = ssc.socketTextStream(\"127.0.0.1\", {port}{level});\n\
             readings.map(|l| l.split(\" \")).map(|w| [w[0], parse_int(w[1])])\n\
                 .reduceByKey(|a, b| a + b).pprint();\n\
             ssc.fault(\"lose-block 0\");\n\
             ssc.start();\n\
             sleep_ms(2000);   // the lines arrive (one write, one block)\n\
             ssc.tick();\nssc.tick();\nssc.stop();\n"
        ),
    );
    let mut args = vec!["--clock", "manual", "--master", CLUSTER];
    if wal {
        args.extend([
            "--conf",
            "spark.streaming.receiver.writeAheadLog.enable=true",
        ]);
    }
    args.push("lose.rhai");
    let run = Centella::new(&args).dir(&dir).run(Duration::from_secs(30));
    let _ = server.join();
    (run.stdout, block_as_t(&run.stderr))
}

/// stderr with the block's arrival time replaced by `T`.
fn block_as_t(stderr: &str) -> String {
    let mut out = String::new();
    let mut rest = stderr;
    while let Some(i) = rest.find("input-0-") {
        out.push_str(&rest[..i + "input-0-".len()]);
        rest = &rest[i + "input-0-".len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        out.push('T');
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

const LOSE_BLOCK_OUTPUT: &str = "\
-------------------------------------------
Time: 2021-11-14 10:00:54
-------------------------------------------
('light', 580)
('heat', 79)

-------------------------------------------
Time: 2021-11-14 10:00:55
-------------------------------------------

";

#[test]
fn a_lost_block_under_the_manual_clock_is_read_from_its_replica() {
    let (stdout, stderr) = lose_block_run("lose_replica", "", false);
    assert_eq!(stdout, LOSE_BLOCK_OUTPUT);
    assert_eq!(
        stderr,
        "INFO: Block input-0-T was lost on executor 0 (the fault lab): read from its replica\n"
    );
}

#[test]
fn a_lost_block_under_the_manual_clock_is_read_back_from_the_write_ahead_log() {
    let (stdout, stderr) = lose_block_run("lose_wal", ", StorageLevel.MEMORY_ONLY", true);
    assert_eq!(stdout, LOSE_BLOCK_OUTPUT);
    assert_eq!(
        stderr,
        "INFO: Block input-0-T was lost: read back from the receiver's write-ahead log\n"
    );
}

#[test]
fn a_lost_single_copy_block_under_the_manual_clock_fails_its_batch_and_the_next_goes_on() {
    let (stdout, stderr) = lose_block_run("lose_single", ", StorageLevel.MEMORY_ONLY", false);
    assert_eq!(
        stdout,
        "\
-------------------------------------------
Time: 2021-11-14 10:00:55
-------------------------------------------

"
    );
    let lost = |a: usize| {
        format!(
            "Lost task 0.{a} in stage 0.0 (TID {a}) (localhost executor 0): \
             org.apache.spark.SparkException: Could not compute split, block input-0-T of RDD 0 \
             not found"
        )
    };
    let mut expected = String::new();
    for a in 0..4 {
        if a > 0 {
            expected.push_str(&format!(
                "INFO: Starting task 0.{a} in stage 0.0 (TID {a}) (localhost, executor 0, \
                 partition 0, PROCESS_LOCAL)\n"
            ));
        }
        expected.push_str(&format!("WARN: {}\n", lost(a)));
    }
    expected.push_str(&format!(
        "ERROR: reduceByKey at lose.rhai:4:2 failed in the batch of 2021-11-14 10:00:54: Job \
         aborted due to stage failure: Task 0 in stage 0.0 failed 4 times, most recent \
         failure: {}\n",
        lost(3)
    ));
    assert_eq!(stderr, expected);
}
