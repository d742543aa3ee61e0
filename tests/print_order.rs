//! `print()` inside per-record closures runs on the worker threads; under the simulated
//! clocks every run must show the same output in the same order (partition order), as
//! ARCHITECTURE.md promises. The binary runs each script several times.

use std::process::Command;

fn run(name: &str, script: &str, batches: &[&str]) -> String {
    let dir = std::env::temp_dir().join(format!("centella-print-order-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.rhai"));
    std::fs::write(&path, script).expect("script");
    let out = Command::new(env!("CARGO_BIN_EXE_centella"))
        .args(["--clock", "fast", "--master", "local[4]", "--no-ui"])
        .args(batches)
        .arg(&path)
        .output()
        .expect("run centella");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn closure_prints_come_in_partition_order_under_the_fast_clock() {
    let script = "let data = [];\n\
                  for x in 0..20000 { data.push(x); }\n\
                  print(sc.parallelize(data, 4).map(|x| { if x % 5000 == 7 { print(x) } x }).count());\n";
    for _ in 0..5 {
        assert_eq!(run("count", script, &[]), "7\n5007\n10007\n15007\n20000\n");
    }
}

#[test]
fn shuffle_and_stream_prints_are_the_same_on_every_run() {
    let script = r#"
        let words = ssc.queueStream([
            sc.parallelize(["a", "b", "a", "c", "e", "a"], 4),
            sc.parallelize(["b", "b", "d", "a", "c", "e"], 4),
        ]);
        words
            .map(|w| { print(`map ${w}`); [w, 1] })
            .reduceByKey(|a, b| { print(`reduce ${a}+${b}`); a + b }, 3)
            .pprint();
        ssc.start();
        ssc.awaitTermination();
    "#;
    let first = run("stream", script, &["--batches", "2"]);
    assert!(first.contains("map a\n"), "{first}");
    assert!(first.contains("reduce "), "{first}");
    for _ in 0..4 {
        assert_eq!(run("stream", script, &["--batches", "2"]), first);
    }
}
