//! `ssc.addStreamingListener(...)`, `ssc.statistics()` and the "falling behind" warning.

mod common;

use centella::engine::sink::MemorySink;
use centella::engine::time::Time;
use centella::script::ScriptHost;
use common::{Centella, TempDir};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn host(sink: &Arc<MemorySink>) -> ScriptHost {
    common::manual_host(sink)
}

#[test]
fn on_batch_completed_gets_spark_batch_info() {
    let sink = Arc::new(MemorySink::default());
    let mut h = host(&sink);
    let _ = h.eval(
        "t.rhai",
        r#"
        let seen = [];
        ssc.addStreamingListener(#{
            onBatchCompleted: |info| print(`done ${info.batchTime} records=${info.numRecords} ops=${info.outputOperationInfos.len()} sched=${type_of(info.schedulingDelay)}`)
        });
        ssc.queueStream([[1, 2, 3], [4]]).map(|x| x * 2).pprint();
        ssc.start();
        ssc.tick(2);
        ssc.stop();
        "#,
    )
    .expect("script runs");
    let out = sink.stdout();
    assert!(
        out.contains("done 2021-11-14 10:00:54 records=3 ops=1 sched=i64\n"),
        "{out}"
    );
    assert!(
        out.contains("done 2021-11-14 10:00:55 records=1 ops=1 sched=i64\n"),
        "{out}"
    );
}

#[test]
fn statistics_holds_delays_records_inputs_and_output_ops() {
    let sink = Arc::new(MemorySink::default());
    let mut h = host(&sink);
    let stats = h
        .eval(
            "s.rhai",
            r#"
            let ds = ssc.queueStream([[1, 2], [0], [5]]);
            ds.map(|x| { sleep_ms(60); 10 / x }).pprint();
            ds.count().pprint();
            ssc.start();
            ssc.tick(3);
            ssc.stop();
            ssc.statistics()
            "#,
        )
        .expect("script runs");
    let stats: rhai::Array = stats.into_array().expect("an array");
    assert_eq!(stats.len(), 3);
    let first = stats[0].clone().cast::<rhai::Map>();
    let get = |m: &rhai::Map, k: &str| m.get(k).cloned().expect(k);
    assert_eq!(get(&first, "numRecords").as_int(), Ok(2));
    let proc = get(&first, "processingDelay").as_int().expect("int");
    assert!(
        (60..5000).contains(&proc),
        "records of 60 ms each: {proc} ms"
    );
    let total = get(&first, "totalDelay").as_int().expect("int");
    let sched = get(&first, "schedulingDelay").as_int().expect("int");
    assert_eq!(total, sched + proc, "total = scheduling + processing");
    let start = get(&first, "processingStartTime").as_int().expect("int");
    let end = get(&first, "processingEndTime").as_int().expect("int");
    assert_eq!(end - start, proc);
    let inputs = get(&first, "streamIdToInputInfo").cast::<rhai::Map>();
    let input = inputs
        .get("0")
        .cloned()
        .expect("stream 0")
        .cast::<rhai::Map>();
    assert_eq!(get(&input, "numRecords").as_int(), Ok(2));
    assert_eq!(
        get(&input, "name").into_string().as_deref(),
        Ok("queueStream")
    );
    let ops = get(&first, "outputOperationInfos").cast::<rhai::Map>();
    assert_eq!(ops.len(), 2);
    let op0 = ops.get("0").cloned().expect("op 0").cast::<rhai::Map>();
    assert_eq!(get(&op0, "name").into_string().as_deref(), Ok("pprint"));
    assert!(get(&op0, "failureReason").is_unit());
    assert!(get(&op0, "duration").as_int().expect("int") >= 60);
    // The second batch divides by zero in the first output; the second output still runs.
    let second = stats[1].clone().cast::<rhai::Map>();
    let ops = get(&second, "outputOperationInfos").cast::<rhai::Map>();
    let failed = ops.get("0").cloned().expect("op 0").cast::<rhai::Map>();
    let reason = get(&failed, "failureReason")
        .into_string()
        .expect("a reason");
    assert!(reason.contains("map"), "{reason}");
    let ok = ops.get("1").cloned().expect("op 1").cast::<rhai::Map>();
    assert!(get(&ok, "failureReason").is_unit());
    // statistics(n): the last n.
    let last = h.eval("n.rhai", "ssc.statistics(1)").expect("runs");
    let last: rhai::Array = last.into_array().expect("array");
    assert_eq!(last.len(), 1);
    let t = get(&last[0].clone().cast::<rhai::Map>(), "batchTime").cast::<Time>();
    assert_eq!(t.to_string(), "2021-11-14 10:00:56");
}

#[test]
fn unknown_events_and_non_functions_are_clear_errors() {
    let sink = Arc::new(MemorySink::default());
    let mut h = host(&sink);
    let e = h
        .eval(
            "e.rhai",
            "ssc.addStreamingListener(#{ onBatchStarted: |i| 1 })",
        )
        .expect_err("not posted");
    assert!(
        e.to_string()
            .contains("onBatchStarted is a Spark event centella does not post"),
        "{e}"
    );
    let e = h
        .eval(
            "e.rhai",
            "ssc.addStreamingListener(#{ onBatchCompleted: 3 })",
        )
        .expect_err("not a function");
    assert!(e.to_string().contains("must be a function"), "{e}");
}

#[test]
fn a_failing_listener_is_a_warning_and_the_stream_goes_on() {
    let sink = Arc::new(MemorySink::default());
    let mut h = host(&sink);
    let _ = h
        .eval(
            "f.rhai",
            r#"
        ssc.addStreamingListener(#{ onBatchCompleted: |info| info.nope.x });
        ssc.queueStream([[1], [2]]).pprint();
        ssc.start();
        ssc.tick(2);
        ssc.stop();
        "#,
        )
        .expect("script runs");
    assert!(sink.stdout().contains("Time: 2021-11-14 10:00:55"));
    assert_eq!(
        sink.stderr()
            .matches("WARN: StreamingListener onBatchCompleted failed")
            .count(),
        2,
        "{}",
        sink.stderr()
    );
}

#[test]
fn receiver_events_reach_the_script() {
    // A port nobody listens on: the receiver starts, then reports its connection error.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let sink = Arc::new(MemorySink::default());
    let mut h = host(&sink);
    let _ = h
        .eval(
            "r.rhai",
            &format!(
                r#"
            ssc.addStreamingListener(#{{
                onReceiverStarted: |i| print(`started ${{i.name}} active=${{i.active}}`),
                onReceiverError: |i| print(`error ${{i.name}}: ${{i.lastErrorMessage}}`),
                onReceiverStopped: |i| print(`stopped ${{i.name}}`)
            }});
            ssc.socketTextStream("127.0.0.1", {port}).pprint();
            ssc.start();
            "#
            ),
        )
        .expect("script runs");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !sink.stdout().contains("error SocketReceiver") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = h.eval("stop.rhai", "ssc.stop()").expect("stops");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !sink.stdout().contains("stopped SocketReceiver") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = sink.stdout();
    assert!(
        out.contains(&format!(
            "started SocketReceiver 127.0.0.1:{port} active=true"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("error SocketReceiver 127.0.0.1:{port}: ")),
        "{out}"
    );
    assert!(out.contains("stopped SocketReceiver"), "{out}");
}

/// The falling_behind lesson on the real clock, shortened: a 0.2 s interval, 2 batches of
/// 20 ms, then batches of 300 ms. The delay grows 100 ms a batch; after 5 the warning shows,
/// once.
#[test]
fn falling_behind_warns_once_on_the_real_clock() {
    let dir = TempDir::new("listener", "behind");
    let path = dir.write(
        "behind.rhai",
        r#"
        let ssc = StreamingContext(sc, 0.2);
        let work = [[20], [20]];
        for i in 0..9 { work.push([300]); }
        ssc.queueStream(work).map(|ms| { sleep_ms(ms); ms }).count().pprint();
        ssc.start();
        ssc.awaitTerminationOrTimeout(4.0);
        ssc.stop();
        "#,
    );
    let err = Centella::new(&["--no-ui"])
        .arg(&path)
        .run(Duration::from_secs(30))
        .stderr;
    assert_eq!(
        err.matches("WARN: falling behind: the scheduling delay grew 5 batches in a row")
            .count(),
        1,
        "{err}"
    );
    assert!(err.contains("vs interval 200 ms"), "{err}");
}
