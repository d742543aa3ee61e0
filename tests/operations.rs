//! One test per DStream operation: `tests/cases/NAME.rhai` runs under the fast clock for a
//! fixed number of batches, in a fresh temp dir, and must print exactly `tests/cases/NAME.out`
//! with nothing on stderr.
//!
//! The inputs follow Spark's own suites (BasicOperationsSuite, WindowOperationsSuite) where
//! they have a case. Every `.out` is the stdout of real PySpark 4.3.0 running the equivalent
//! program `tests/cases/NAME.py` (it defines `build(ssc, sc)`; `BATCHES` and `INTERVAL` give
//! the runner's arguments):
//!
//! ```text
//! /work/shared/oracle/run_pyspark.py tests/cases/NAME.py --batches BATCHES [--interval INTERVAL] \
//!     --clock manual --start-time "2021-11-14 10:00:54" > tests/cases/NAME.out
//! ```
//!
//! Record order is compared exactly: centella reproduces PySpark's partitioning and shuffle
//! order.

// Test names are the PySpark method names.
#![allow(non_snake_case)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `centella --clock fast --batches N script` in a fresh temp dir; returns the output and
/// the dir (the caller removes it).
fn run_in_temp_dir(name: &str, script: &Path, batches: u32) -> (Output, PathBuf) {
    let dir = std::env::temp_dir().join(format!("centella-ops-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("cannot create temp working dir");
    let output = Command::new(env!("CARGO_BIN_EXE_centella"))
        .args(["--clock", "fast", "--batches", &batches.to_string()])
        .arg(script)
        .current_dir(&dir)
        .env("TZ", "UTC") // batch times in file names are epoch ms of local times
        .output()
        .expect("cannot run centella");
    (output, dir)
}

/// Where `expected` and `actual` first differ, as a readable message.
fn first_difference(expected: &str, actual: &str) -> String {
    let exp: Vec<&str> = expected.split_inclusive('\n').collect();
    let act: Vec<&str> = actual.split_inclusive('\n').collect();
    let line = (0..exp.len().max(act.len()))
        .find(|&i| exp.get(i) != act.get(i))
        .unwrap_or(0);
    let show = |l: Option<&&str>| l.map_or("<end of output>".to_string(), |s| format!("{s:?}"));
    format!(
        "first difference at line {}:\n  expected: {}\n  actual:   {}",
        line + 1,
        show(exp.get(line)),
        show(act.get(line))
    )
}

/// Runs case `name` and checks stdout against its `.out`; returns the temp dir, still there.
fn check_case(name: &str, batches: u32) -> PathBuf {
    let cases = Path::new(ROOT).join("tests").join("cases");
    let expected_path = cases.join(format!("{name}.out"));
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", expected_path.display()));
    let (output, dir) = run_in_temp_dir(name, &cases.join(format!("{name}.rhai")), batches);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{name}: centella failed ({})\nstderr:\n{stderr}",
        output.status
    );
    assert!(stderr.is_empty(), "{name}: unexpected stderr:\n{stderr}");
    if stdout != expected {
        panic!(
            "{name}: stdout differs from {}\n{}\n--- full stdout ---\n{stdout}",
            expected_path.display(),
            first_difference(&expected, &stdout)
        );
    }
    dir
}

/// `case!(name, batches)`: a test running `tests/cases/name.rhai` for `batches` batches.
macro_rules! case {
    ($name:ident, $batches:expr) => {
        #[test]
        fn $name() {
            let dir = check_case(stringify!($name), $batches);
            let _ = std::fs::remove_dir_all(dir);
        }
    };
}

// ---- BasicOperationsSuite: stateless operations
case!(map, 4); // + an empty batch after the queue ran out
case!(flatMap, 3);
case!(filter, 3);
case!(glom, 3);
case!(mapPartitions, 3); // mapPartitions and mapPartitionsWithIndex
case!(repartition, 4);
case!(reduce, 4); // an empty batch: header only
case!(count, 5); // an empty batch: 0
case!(countByValue, 3);
case!(mapValues, 3); // mapValues and flatMapValues
case!(reduceByKey, 4); // 2 (default), 1 and 3 partitions
case!(groupByKey, 4);
case!(combineByKey, 3);
case!(partitionBy, 2);
case!(union, 3);
case!(ssc_union, 4);
case!(transform, 4); // (rdd) and (time, rdd)
case!(transformWith, 4);
case!(ssc_transform, 3);
case!(cogroup, 4);
case!(join, 4);
case!(leftOuterJoin, 4);
case!(rightOuterJoin, 4);
case!(fullOuterJoin, 4);

// ---- WindowOperationsSuite
case!(window, 8); // window(2, 1): [1], [1, 2], ..., [6], []
case!(window_default_slide, 7); // window(3).count(): 1, 3, 6, 9, 7, 4, 0
case!(window_tumbling, 6); // window(2, 2): batches 2, 4, 6 only
case!(window_larger, 8); // window(4, 2)
case!(window_nonoverlapping, 6); // window(2, 3) with every batch dequeued
case!(window_lazy_queue, 6); // window(2, 3) alone: the queue is read lazily (spec note 7)
case!(window_shorter, 6); // window(1, 2): allowed, lazy queue again
case!(countByWindow, 6); // window < 5 slides: the empty window prints no record
case!(countByWindow_inv, 10); // window = 5 slides: the empty window counts 0
case!(countByValueAndWindow, 5);
case!(countByValueAndWindow_inv, 9); // zero counts filtered out even on the inverse path
case!(reduceByKeyAndWindow, 14); // no inverse: keys vanish
case!(reduceByKeyAndWindow_inv_small, 14); // inverse, window 2 < 5 slides: same as without
case!(reduceByKeyAndWindow_inv, 18); // inverse, window 5: ("c", 0) stays
case!(reduceByKeyAndWindow_inv_filter, 18); // ... unless filterFunc drops it
case!(reduceByKeyAndWindow_slide, 8); // window 4, slide 2
case!(reduceByWindow, 9);
case!(groupByKeyAndWindow, 10); // window 5: ('a', []) stays

// ---- State
case!(updateStateByKey, 7);
case!(updateStateByKey_initial, 6); // ("c", 2) from batch 1
case!(updateStateByKey_delete, 7); // returning () deletes the key

// ---- Sources, output operations, printing
case!(queueStream, 3);
case!(empty_batches, 4);
case!(pprint_num, 3); // 10 records: no "..."; 11: 10 and "..."
case!(pprint_repr, 1);
case!(interval_half, 5); // StreamingContext(sc, 0.5): Time: ...54.500000
case!(foreachRDD, 4);
case!(rdd_ops, 3); // RDD methods inside transform
case!(collect_notation, 1);

/// saveAsTextFiles(prefix, suffix) writes PREFIX-TIME_IN_MS[.SUFFIX]/part-NNNNN (one per
/// partition, str(record) per line) and _SUCCESS; the listing and contents below are real
/// PySpark's (whose Hadoop local file system also writes hidden `.crc` files, not checked).
#[test]
fn saveAsTextFiles() {
    let dir = check_case("saveAsTextFiles", 3);
    let mut found = Vec::new();
    let out = dir.join("out");
    let mut batch_dirs: Vec<_> = std::fs::read_dir(&out)
        .unwrap_or_else(|e| panic!("no {}: {e}", out.display()))
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    batch_dirs.sort();
    for b in batch_dirs {
        let mut files: Vec<_> = std::fs::read_dir(out.join(&b))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|f| !f.starts_with('.'))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(out.join(&b).join(&f)).unwrap();
            found.push(format!("{b}/{f}: {text:?}"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let expected = SAVED_FILES
        .trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>();
    assert_eq!(found, expected, "files written under out/");
}

/// What PySpark 4.3.0 wrote for tests/cases/saveAsTextFiles.py, as `dir/file: contents`.
const SAVED_FILES: &str = r#"
batch-1636884054000.txt/_SUCCESS: ""
batch-1636884054000.txt/part-00000: "('a', 1)\n"
batch-1636884054000.txt/part-00001: "b\n2.5\n"
batch-1636884055000.txt/_SUCCESS: ""
batch-1636884055000.txt/part-00000: ""
batch-1636884055000.txt/part-00001: ""
batch-1636884056000.txt/_SUCCESS: ""
batch-1636884056000.txt/part-00000: ""
plain-1636884054000/_SUCCESS: ""
plain-1636884054000/part-00000: "(('a', 1),)\n"
plain-1636884054000/part-00001: "('b',)\n(2.5,)\n"
plain-1636884055000/_SUCCESS: ""
plain-1636884055000/part-00000: ""
plain-1636884055000/part-00001: ""
plain-1636884056000/_SUCCESS: ""
plain-1636884056000/part-00000: ""
"#;
