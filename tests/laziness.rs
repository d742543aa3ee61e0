//! Spark's laziness, as a user sees it through side effects: a transformation no action
//! needs never runs, `take` reads only the partitions (and records) PySpark's `take` reads
//! (a DStream's `pprint` computes whole partitions: its functions run in a Python worker of
//! their own in PySpark),
//! an RDD used twice is computed twice unless cached, and a shuffle's map side runs once.
//!
//! `tests/pyspark/laziness.rhai` prints `call` on every call of a counted function and each
//! check's name after it; `tests/pyspark/laziness.py` runs the same checks on PySpark with an
//! accumulator. The counts must be the ones PySpark 4.3.0 gave when this was written (below),
//! and, when the PySpark venv is there (CI: always, `CENTELLA_REQUIRE_PYSPARK`), the ones it
//! gives now.

mod common;

use common::Centella;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// PySpark 4.3.0, local[2]: `python tests/pyspark/laziness.py`.
const PYSPARK: &str = "unused 0
take2 [0, 1] 2
take5 [0, 1, 2, 3, 4] 5
twice 24
cached 12
sparse [7] 5
shuffle 12
pprint1 3
foreachtake2 3";

const CHECKS: &[&str] = &[
    "unused",
    "take2",
    "take5",
    "twice",
    "cached",
    "sparse",
    "shuffle",
    "pprint1",
    "foreachtake2",
];

/// Each check's line with the number of counted calls before it (pprint's block is not a
/// check: its lines are passed over).
fn centella_counts() -> String {
    let script = Path::new(ROOT).join("tests/pyspark/laziness.rhai");
    let run = Centella::new(&[script.as_os_str()]).run(Duration::from_secs(60));
    assert!(
        run.stdout.contains("Time: "),
        "pprint printed: {}",
        run.stdout
    );
    run.code(0);
    let mut out = Vec::new();
    let mut calls = 0;
    for line in run.stdout.lines() {
        let name = line.split(' ').next().unwrap_or("");
        if line == "call" {
            calls += 1;
        } else if CHECKS.contains(&name) {
            out.push(format!("{line} {calls}").replace("unused  0", "unused 0"));
            calls = 0;
        }
    }
    out.join("\n")
}

fn pyspark_python() -> Option<PathBuf> {
    let venv = match std::env::var_os("CENTELLA_PYSPARK_VENV") {
        Some(v) => PathBuf::from(v),
        None => Path::new(&std::env::var_os("HOME")?).join(".cache/centella-tools/pyspark-venv"),
    };
    let py = venv.join("bin/python");
    py.exists().then_some(py)
}

#[test]
fn centella_is_lazy_where_pyspark_is() {
    let ours = centella_counts();
    assert_eq!(ours, PYSPARK);
    let Some(python) = pyspark_python() else {
        assert!(
            std::env::var_os("CENTELLA_REQUIRE_PYSPARK").is_none(),
            "CENTELLA_REQUIRE_PYSPARK is set but there is no PySpark venv"
        );
        eprintln!("skipping the PySpark run: no venv (scripts/install-pyspark.sh makes it)");
        return;
    };
    let out = Command::new(python)
        .arg(Path::new(ROOT).join("tests/pyspark/laziness.py"))
        .stderr(std::process::Stdio::null())
        .output()
        .expect("run PySpark");
    assert!(out.status.success(), "PySpark failed");
    let theirs: Vec<&str> = std::str::from_utf8(&out.stdout)
        .unwrap_or("")
        .lines()
        .filter(|l| CHECKS.contains(&l.split(' ').next().unwrap_or("")))
        .collect();
    assert_eq!(ours, theirs.join("\n"), "centella against PySpark now");
}

/// `ds.toDebugString()` before and after batches, and `rdd.toDebugString()` of a cached RDD
/// before and after an action, in full (RDD ids are deterministic in one run).
#[test]
fn lineage_of_a_stream_and_of_a_cached_rdd() {
    let script = Path::new(ROOT).join("tests/lineage/lineage.rhai");
    let run = Centella::new(&[
        std::ffi::OsStr::new("--clock"),
        "fast".as_ref(),
        "--batches".as_ref(),
        "2".as_ref(),
        script.as_os_str(),
    ])
    .run(Duration::from_secs(60));
    run.code(0);
    let expected = "\
reduceByKey <- map <- flatMap <- queueStream: no batch yet (the lineage of a batch shows once it has run)
-------------------------------------------
Time: 2021-11-14 10:00:54
-------------------------------------------
('b', 2)
('c', 1)
('a', 1)

-------------------------------------------
Time: 2021-11-14 10:00:55
-------------------------------------------
('c', 1)

Time: 2021-11-14 10:00:55
(2) PythonRDD[15] at RDD at PythonRDD.scala:59 []
 |  MapPartitionsRDD[14] at mapPartitions at PythonRDD.scala:197 []
 |  ShuffledRDD[13] at partitionBy at NativeMethodAccessorImpl.java:0 []
 +-(2) PairwiseRDD[12] at reduceByKey at lineage.rhai:5:62 []
    |  PythonRDD[11] at reduceByKey at lineage.rhai:5:62 []
    |  ParallelCollectionRDD[1] at readRDDFromFile at PythonRDD.scala:326 []
(2) PythonRDD[17] at RDD at PythonRDD.scala:59 [Memory Serialized 1x Replicated]
 |  ParallelCollectionRDD[16] at readRDDFromFile at PythonRDD.scala:326 [Memory Serialized 1x Replicated]
4
(2) PythonRDD[17] at RDD at PythonRDD.scala:59 [Memory Serialized 1x Replicated]
 |       CachedPartitions: 2; MemorySize: 64.0 B; DiskSize: 0.0 B
 |  ParallelCollectionRDD[16] at readRDDFromFile at PythonRDD.scala:326 [Memory Serialized 1x Replicated]
";
    assert_eq!(run.stdout, expected);
}
