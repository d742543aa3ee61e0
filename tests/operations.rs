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

mod common;

use common::{Centella, ROOT, Run, TempDir, assert_golden};
use std::path::Path;
use std::time::Duration;

/// Runs `centella --clock fast --batches N script` in a fresh temp dir; returns the run and
/// the dir.
fn run_in_temp_dir(name: &str, script: &Path, batches: u32) -> (Run, TempDir) {
    let dir = TempDir::new("ops", name);
    let run = Centella::new(&["--clock", "fast", "--batches", &batches.to_string()])
        .arg(script)
        .dir(&dir)
        .env("TZ", "UTC") // batch times in file names are epoch ms of local times
        .run(Duration::from_secs(120));
    (run, dir)
}

/// Runs case `name` and checks stdout against its `.out`; returns the temp dir, still there.
fn check_case(name: &str, batches: u32) -> TempDir {
    let cases = Path::new(ROOT).join("tests").join("cases");
    let (run, dir) = run_in_temp_dir(name, &cases.join(format!("{name}.rhai")), batches);
    // A case may expect notes on stderr (`NAME.err`); otherwise there must be none.
    let expected_err =
        std::fs::read_to_string(cases.join(format!("{name}.err"))).unwrap_or_default();
    assert_golden(
        name,
        &run,
        &cases.join(format!("{name}.out")),
        &expected_err,
    );
    dir
}

/// `case!(name, batches)`: a test running `tests/cases/name.rhai` for `batches` batches.
macro_rules! case {
    ($name:ident, $batches:expr) => {
        #[test]
        fn $name() {
            check_case(stringify!($name), $batches);
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
case!(join_different_slides, 4); // PySpark: the other side is empty where it has no RDD
case!(joins_different_slides, 5); // cogroup, outer joins, transformWith, both ways round

// ---- WindowOperationsSuite
case!(window, 8); // window(2, 1): [1], [1, 2], ..., [6], []
case!(window_default_slide, 7); // window(3).count(): 1, 3, 6, 9, 7, 4, 0
case!(window_tumbling, 6); // window(2, 2): batches 2, 4, 6 only
case!(window_larger, 8); // window(4, 2)
case!(window_nonoverlapping, 6); // window(2, 3) with every batch dequeued
case!(window_of_reduced, 4); // PartitionerAwareUnionRDD: partition i of each reduced batch
case!(sortByKey_ranges, 2); // range partitions cut at a sample's keys, as PySpark's
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
// ---- Windows read only every k batches: PySpark computes every earlier window (issue 14)
case!(window_every_k_countByValueAndWindow, 6);
case!(window_every_k_countByWindow, 9);
case!(window_every_k_nested, 18);
case!(windows_every_k, 12); // window, reduce(ByKey)AndWindow with/without inverse, state

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
    drop(dir);
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

// ---- Property: windowed and stateful streams read only every k slides

/// A small deterministic generator (the test must fail the same way every time).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// One random chain: `queue → OP(window, slide) → window(slide, k * slide)`.
struct Chain {
    op: &'static str,
    batches: Vec<Vec<u64>>,
    window: i64,
    slide: i64,
    k: i64,
}

impl Chain {
    fn random(rng: &mut Lcg) -> Chain {
        const OPS: [&str; 4] = [
            "countByValueAndWindow",
            "reduceByKeyAndWindow",
            "countByWindow",
            "updateStateByKey",
        ];
        let op = OPS[rng.below(OPS.len() as u64) as usize];
        // A state slides with its parent (the batch).
        let slide = if op == "updateStateByKey" {
            1
        } else {
            1 + rng.below(2) as i64
        };
        let batches = (0..3 + rng.below(6))
            .map(|_| (0..rng.below(4)).map(|_| rng.below(3)).collect())
            .collect();
        Chain {
            op,
            batches,
            // The window covers its slide, so every batch is read (no lazy gaps).
            window: slide * (1 + rng.below(6) as i64),
            slide,
            k: 1 + rng.below(4) as i64,
        }
    }

    fn script(&self) -> String {
        let queue = format!("{:?}", self.batches);
        let (w, s) = (self.window, self.slide);
        let op = match self.op {
            "countByValueAndWindow" => format!("countByValueAndWindow({w}, {s})"),
            "reduceByKeyAndWindow" => {
                format!("map(|x| [x, 1]).reduceByKeyAndWindow(|a, b| a + b, |a, b| a - b, {w}, {s})")
            }
            "countByWindow" => format!("countByWindow({w}, {s})"),
            _ => "map(|x| [x, 1]).updateStateByKey(|vs, st| vs.len() + (if st == () { 0 } else { st }))".into(),
        };
        format!(
            "ssc.checkpoint(\"checkpoint\");\nssc.queueStream({queue}).{op}.window({s}, {}).pprint(1000);\nssc.start();\nssc.awaitTermination();\n",
            s * self.k
        )
    }

    fn total_batches(&self) -> i64 {
        let n = self.batches.len() as i64 + self.window + self.slide * self.k;
        n + (self.slide * self.k - n % (self.slide * self.k))
    }

    /// The records at batch `t` (1-based), recomputed from scratch, sorted.
    fn expected_at(&self, t: i64) -> Vec<String> {
        let input = |b: i64| -> &[u64] {
            self.batches
                .get((b - 1) as usize)
                .map_or(&[], |v| v.as_slice())
        };
        let in_window = |b: i64| b > t - self.window && b <= t;
        let mut counts = std::collections::BTreeMap::<u64, i64>::new();
        let mut seen = std::collections::BTreeSet::<u64>::new();
        for b in 1..=t {
            for &x in input(b) {
                seen.insert(x);
                if in_window(b) || self.op == "updateStateByKey" {
                    *counts.entry(x).or_default() += 1;
                }
            }
        }
        // PySpark's inverse path (window >= 5 slides) keeps keys whose count fell to 0.
        let keeps_zeros = self.window >= 5 * self.slide && t > self.slide;
        let mut out = Vec::new();
        match self.op {
            "countByWindow" => {
                let n: i64 = counts.values().sum();
                let any_seen = (1..=t).any(|b| !input(b).is_empty());
                if n > 0 || (keeps_zeros && any_seen) {
                    out.push(n.to_string());
                }
            }
            "countByValueAndWindow" => {
                for (x, n) in &counts {
                    if *n > 0 {
                        out.push(format!("({x}, {n})"));
                    }
                }
            }
            _ => {
                let keep_all = self.op == "updateStateByKey" || keeps_zeros;
                for x in &seen {
                    let n = counts.get(x).copied().unwrap_or(0);
                    if n > 0 || keep_all {
                        out.push(format!("({x}, {n})"));
                    }
                }
            }
        }
        out.sort();
        out
    }
}

/// Blocks of a pprint output as (time line, sorted records).
fn blocks(stdout: &str) -> Vec<(String, Vec<String>)> {
    common::blocks(stdout)
        .into_iter()
        .map(|(t, mut records)| {
            records.sort();
            (t.to_string(), records)
        })
        .collect()
}

#[test]
fn windows_and_state_read_every_k_slides_match_recomputation() {
    let mut rng = Lcg(14);
    for case in 0..24 {
        let chain = Chain::random(&mut rng);
        let dir = TempDir::new("prop", &case.to_string());
        let script = dir.write("chain.rhai", &chain.script());
        let total = chain.total_batches();
        let (run, _run_dir) = run_in_temp_dir(&format!("prop{case}"), &script, total as u32);
        let stdout = &run.stdout;
        assert!(run.code == Some(0), "{}\n{}", chain.script(), run.stderr);
        let every = chain.slide * chain.k;
        let expected: Vec<(String, Vec<String>)> = (1..=total)
            .filter(|t| t % every == 0)
            .map(|t| {
                let secs = 54 + t - 1;
                let time = format!("2021-11-14 10:{:02}:{:02}", secs / 60, secs % 60);
                (time, chain.expected_at(t))
            })
            .collect();
        assert_eq!(blocks(stdout), expected, "case {case}:\n{}", chain.script());
    }
}
