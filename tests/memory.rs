//! Windowed and stateful streams keep exactly the RDDs later batches need, no more, so memory
//! stays flat on an endless stream.

use centella::engine::clock::{ClockKind, RunConfig};
use centella::engine::dstream::output::Notation;
use centella::engine::sink::MemorySink;
use centella::engine::time::Time;
use centella::script::ScriptHost;
use std::sync::Arc;

fn held_after(batches: u64) -> usize {
    let sink = Arc::new(MemorySink::default());
    let config = RunConfig {
        clock: ClockKind::Manual,
        start_time: Time::parse_local("2021-11-14 10:00:54").expect("time"),
        max_batches: None,
        notation: Notation::Python,
        sink: sink.clone(),
        session: Default::default(),
    };
    let dir =
        std::env::temp_dir().join(format!("centella-memory-{}-{batches}", std::process::id()));
    let mut host = ScriptHost::new(config, 2).expect("host");
    let script = format!(
        r#"
        ssc.checkpoint("{}");
        let s = ssc.queueStream([], true, sc.parallelize([["a", 1], ["b", 2]]));
        s.window(3, 1).count().pprint(1);
        s.reduceByKeyAndWindow(|a, b| a + b, |a, b| a - b, 6, 1).pprint(1);
        s.updateStateByKey(|vs, st| if st == () {{ vs.len() }} else {{ st + vs.len() }}).pprint(1);
        s.map(|kv| kv[0]).pprint(1);
        ssc.start();
        ssc.tick({batches});
        "#,
        dir.display()
    );
    let _ = host.eval("memory.rhai", &script).expect("script runs");
    let ssc = host.ssc().expect("ssc");
    let held = ssc.held_rdds();
    ssc.stop(false);
    assert!(sink.stderr().is_empty(), "{}", sink.stderr());
    held
}

#[test]
fn held_rdds_stay_flat_on_an_endless_stream() {
    let after_50 = held_after(50);
    let after_300 = held_after(300);
    assert_eq!(
        after_50, after_300,
        "RDDs held grow with the number of batches"
    );
    assert!(after_300 < 120, "too many RDDs held: {after_300}");
}
