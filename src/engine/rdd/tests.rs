//! The lineage model: laziness, pipelining, shuffles written once, cache, retries and
//! `toDebugString`, each checked through what a user would see.

use super::debug_string::debug_string;
use super::*;
use crate::func::{OpSite, native};
use crate::pair;
use crate::scheduler::dag_scheduler::collect_jobs;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

fn sc() -> SparkContext {
    SparkContext::new(2).expect("pool")
}

fn ints(v: &[i64]) -> Vec<Record> {
    v.iter().map(|&i| Record::from(i)).collect()
}

fn as_ints(v: Vec<Record>) -> Vec<i64> {
    v.into_iter().map(|r| r.as_int().unwrap_or(-999)).collect()
}

/// A map that counts its calls.
fn counting(calls: &Arc<AtomicUsize>) -> Arc<dyn crate::func::RecordFn> {
    let calls = calls.clone();
    native(move |a| {
        calls.fetch_add(1, Ordering::SeqCst);
        Ok(std::mem::take(&mut a[0]))
    })
}

#[test]
fn source_info_is_found_by_type_and_not_inherited() {
    let r = Rdd::from_partitions(sc(), vec![ints(&[1, 2])]).with_source_info(vec![7_u8]);
    assert_eq!(r.source_info::<Vec<u8>>(), Some(&vec![7_u8]));
    assert_eq!(r.source_info::<String>(), None);
    let derived = r.map(native(|a| Ok(std::mem::take(&mut a[0]))));
    assert_eq!(derived.source_info::<Vec<u8>>(), None);
}

#[test]
fn map_filter_flatmap_keep_partition_order() {
    let r = sc().parallelize(ints(&[1, 2, 3, 4, 5]), Some(2));
    let double = native(|a| Ok(Record::from(a[0].as_int().unwrap_or(0) * 2)));
    assert_eq!(
        as_ints(r.map(double).collect().expect("collect")),
        vec![2, 4, 6, 8, 10]
    );
    let odd = native(|a| Ok(Record::from(a[0].as_int().unwrap_or(0) % 2 == 1)));
    assert_eq!(
        as_ints(r.filter(odd).collect().expect("collect")),
        vec![1, 3, 5]
    );
    let twice = native(|a| Ok(Record::from(vec![a[0].clone(), a[0].clone()])));
    assert_eq!(r.flat_map(twice).count().expect("count"), 10);
}

#[test]
fn reduce_of_empty_rdd_is_none_and_errors_name_the_failing_operation() {
    let sc = sc();
    let add = native(|a| {
        Ok(Record::from(
            a[0].as_int().unwrap_or(0) + a[1].as_int().unwrap_or(0),
        ))
    });
    assert!(
        sc.empty_rdd()
            .reduce(add.clone())
            .expect("reduce")
            .is_none()
    );
    let r = sc.parallelize(ints(&[1, 2, 3]), None);
    assert_eq!(
        r.reduce(add).expect("reduce").and_then(|x| x.as_int().ok()),
        Some(6)
    );
    let boom = native(|_| Err(FnError::new("boom")));
    let site = OpSite::new("map", "t.rhai:3:9");
    let failing = with_creation_site(&site, || r.map(boom));
    let ok = native(|a| Ok(std::mem::take(&mut a[0])));
    let after = with_creation_site(&OpSite::new("filter", "t.rhai:4:9"), || failing.filter(ok));
    let e = after.collect().unwrap_err();
    assert_eq!(e.error, FnError::new("boom"));
    assert_eq!(
        e.site,
        Some(site),
        "the map failed, not the filter after it"
    );
}

#[test]
fn take_top_and_ordered() {
    let r = sc().parallelize(ints(&[5, 1, 4, 2, 3]), Some(3));
    assert_eq!(as_ints(r.take(2).expect("take")), vec![5, 1]);
    assert_eq!(as_ints(r.top(2, None).expect("top")), vec![5, 4]);
    assert_eq!(
        as_ints(r.take_ordered(2, None).expect("ordered")),
        vec![1, 2]
    );
    assert_eq!(r.repartition(4).num_partitions(), 4);
    assert_eq!(r.repartition(4).count().expect("count"), 5);
    assert_eq!(r.coalesce(1).num_partitions(), 1);
    assert_eq!(r.glom().count().expect("count"), 3);
}

#[test]
fn truthiness_is_pythons() {
    assert!(!truthy(&Record::UNIT));
    assert!(!truthy(&Record::from(0_i64)));
    assert!(truthy(&Record::from("x")));
    assert!(!truthy(&Record::from("")));
}

#[test]
fn a_transformation_no_action_needs_never_runs() {
    let calls = Arc::new(AtomicUsize::new(0));
    let r = sc().parallelize(ints(&[1, 2, 3, 4]), Some(2));
    let mapped = r.map(counting(&calls));
    let _more = mapped.filter(native(|_| Ok(Record::from(true))));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "nothing ran before an action"
    );
    assert_eq!(mapped.count().expect("count"), 4);
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[test]
fn take_computes_only_the_partitions_and_records_pyspark_reads() {
    // 4 partitions of 3: take(2) reads partition 0 only, and only its first 2 records.
    let calls = Arc::new(AtomicUsize::new(0));
    let r = sc().parallelize((0..12_i64).map(Record::from).collect(), Some(4));
    let mapped = r.map(counting(&calls));
    let ((), jobs) = collect_jobs(|| {
        assert_eq!(as_ints(mapped.take(2).expect("take")), vec![0, 1]);
    });
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].stages[0].num_tasks, 1);
    // Records only in the last partition: 1 partition, then 4 more (capped at 3).
    let sparse = sc().parallelize(
        vec![
            Record::UNIT,
            Record::UNIT,
            Record::UNIT,
            Record::from(7_i64),
        ],
        Some(4),
    );
    let only_ints = sparse.filter(native(|a| Ok(Record::from(a[0].is_int()))));
    let (taken, jobs) = collect_jobs(|| only_ints.take(1).expect("take"));
    assert_eq!(as_ints(taken), vec![7]);
    let tasks: Vec<usize> = jobs.iter().map(|j| j.stages[0].num_tasks).collect();
    assert_eq!(
        tasks,
        vec![1, 3],
        "PySpark's take: 1 partition, then 4x (capped)"
    );
}

#[test]
fn narrow_operations_are_pipelined_record_by_record() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let (l1, l2) = (log.clone(), log.clone());
    let r = sc().parallelize(ints(&[1, 2]), Some(1));
    let out = r
        .map(native(move |a| {
            crate::lock(&l1).push(format!("map {}", a[0]));
            Ok(std::mem::take(&mut a[0]))
        }))
        .filter(native(move |a| {
            crate::lock(&l2).push(format!("filter {}", a[0]));
            Ok(Record::from(true))
        }));
    out.collect().expect("collect");
    assert_eq!(
        *crate::lock(&log),
        vec!["map 1", "filter 1", "map 2", "filter 2"]
    );
}

#[test]
fn an_rdd_used_twice_is_computed_twice_unless_cached() {
    let calls = Arc::new(AtomicUsize::new(0));
    let r = sc().parallelize(ints(&[1, 2, 3]), Some(2));
    let plain = r.map(counting(&calls));
    plain.count().expect("count");
    plain.collect().expect("collect");
    assert_eq!(calls.load(Ordering::SeqCst), 6);

    let cached_calls = Arc::new(AtomicUsize::new(0));
    let cached = r.map(counting(&cached_calls)).cache();
    cached.count().expect("count");
    cached.collect().expect("collect");
    assert_eq!(cached_calls.load(Ordering::SeqCst), 3);
    assert!(cached.fully_cached());
}

#[test]
fn a_shuffle_is_written_once_and_skipped_by_the_next_job() {
    let calls = Arc::new(AtomicUsize::new(0));
    let r = sc().parallelize(
        crate::test_values::pairs(&[("a", 1), ("b", 2), ("a", 3)]),
        None,
    );
    let add = native(|a| {
        Ok(Record::from(
            a[0].as_int().unwrap_or(0) + a[1].as_int().unwrap_or(0),
        ))
    });
    let reduced = pair::reduce_by_key(&r.map(counting(&calls)), add, 2);
    let (_, first) = collect_jobs(|| reduced.collect().expect("collect"));
    let (_, second) = collect_jobs(|| reduced.count().expect("count"));
    assert_eq!(calls.load(Ordering::SeqCst), 3, "the map side ran once");
    let skipped = |jobs: &[crate::scheduler::dag_scheduler::JobInfo]| {
        jobs[0].stages.iter().map(|s| s.skipped).collect::<Vec<_>>()
    };
    assert_eq!(skipped(&first), vec![false, false]);
    assert_eq!(skipped(&second), vec![true, false]);
}

#[test]
fn a_failing_task_is_retried_up_to_max_failures() {
    let sc = SparkContext::with_task_failures(2, 3).expect("pool");
    let attempts = Arc::new(AtomicUsize::new(0));
    let a2 = attempts.clone();
    // Fails the first two times it sees a record, then works.
    let flaky = native(move |a| {
        if a2.fetch_add(1, Ordering::SeqCst) < 2 {
            Err(FnError::new("flaky"))
        } else {
            Ok(std::mem::take(&mut a[0]))
        }
    });
    let r = sc.parallelize(ints(&[1]), Some(1)).map(flaky);
    let (out, jobs) = collect_jobs(|| r.collect().expect("retried"));
    assert_eq!(as_ints(out), vec![1]);
    assert_eq!(jobs[0].stages[0].failed_attempts, 2);
    // The failed attempts are recorded for the batch, with what became of the task.
    let failed: Vec<(usize, String, String)> = jobs[0].stages[0]
        .failed_tasks
        .iter()
        .map(|f| (f.attempt, f.error.clone(), f.outcome.describe(f.partition)))
        .collect();
    let retried = |a: usize| (a, "flaky".to_string(), "retried, 0.2 succeeded".to_string());
    assert_eq!(failed, vec![retried(0), retried(1)]);

    let always = sc
        .parallelize(ints(&[1]), Some(1))
        .map(native(|_| Err(FnError::new("boom"))));
    let e = always.collect().unwrap_err();
    let msg = e.message();
    assert!(
        msg.starts_with("Job aborted due to stage failure: Task 0 in stage ")
            && msg.contains(".0 failed 3 times, most recent failure: Lost task 0.2 in stage ")
            && msg.ends_with("(localhost executor driver): boom"),
        "{msg}"
    );
    // local[N]: one attempt, and the function's own error.
    let once = SparkContext::new(1).expect("pool");
    let e = once
        .parallelize(ints(&[1]), Some(1))
        .map(native(|_| Err(FnError::new("boom"))))
        .collect()
        .unwrap_err();
    assert_eq!(e.message(), "boom");
}

/// PySpark's text with RDD ids and the script's file:line taken out.
fn normalised(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '[' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
        }
    }
    out.replace("/tmp/dbg/dbg2.py:13", "SITE")
        .replace("t.rhai:13:5", "SITE")
}

#[test]
fn to_debug_string_matches_pysparks_lineage() {
    let sc = SparkContext::new(2).expect("pool");
    let lines: Vec<Record> = ["a b", "b c", "c d", "d e"]
        .iter()
        .map(|s| Record::from(*s))
        .collect();
    let a = sc.parallelize(lines, Some(4));
    let same = native(|a| Ok(std::mem::take(&mut a[0])));
    let w = a.flat_map(same.clone());
    let p = w.map(same.clone());
    let site = OpSite::new("reduceByKey", "t.rhai:13:5");
    let r = with_creation_site(&site, || pair::reduce_by_key(&p, same.clone(), 4));
    // PySpark 4.3.0, measured (see ../shared/oracle): the same RDDs.
    let pyspark_reduce = "(4) PythonRDD[7] at RDD at PythonRDD.scala:59 []
 |  MapPartitionsRDD[6] at mapPartitions at PythonRDD.scala:197 []
 |  ShuffledRDD[5] at partitionBy at NativeMethodAccessorImpl.java:0 []
 +-(4) PairwiseRDD[4] at reduceByKey at /tmp/dbg/dbg2.py:13 []
    |  PythonRDD[3] at reduceByKey at /tmp/dbg/dbg2.py:13 []
    |  ParallelCollectionRDD[0] at readRDDFromFile at PythonRDD.scala:326 []";
    assert_eq!(normalised(&debug_string(&r)), normalised(pyspark_reduce));
    assert_eq!(
        normalised(&debug_string(&r.map(same.clone()))),
        normalised(pyspark_reduce),
        "a map after the shuffle joins PySpark's last PythonRDD"
    );
    assert_eq!(
        normalised(&debug_string(&p.filter(same.clone()))),
        normalised(
            "(4) PythonRDD[2] at RDD at PythonRDD.scala:59 []
 |  ParallelCollectionRDD[0] at readRDDFromFile at PythonRDD.scala:326 []"
        )
    );
    assert_eq!(
        normalised(&debug_string(&a.union(&w))),
        normalised(
            "(8) UnionRDD[24] at union at NativeMethodAccessorImpl.java:0 []
 |  ParallelCollectionRDD[0] at readRDDFromFile at PythonRDD.scala:326 []
 |  PythonRDD[23] at RDD at PythonRDD.scala:59 []
 |  ParallelCollectionRDD[0] at readRDDFromFile at PythonRDD.scala:326 []"
        )
    );
    assert_eq!(
        normalised(&debug_string(&a.cartesian(&a))),
        normalised(
            "(16) CartesianRDD[44] at cartesian at NativeMethodAccessorImpl.java:0 []
 |   ParallelCollectionRDD[0] at readRDDFromFile at PythonRDD.scala:326 []
 |   ParallelCollectionRDD[0] at readRDDFromFile at PythonRDD.scala:326 []"
        )
    );
    let sorted = with_creation_site(&OpSite::new("sortByKey", "t.rhai:19:5"), || {
        pair::sort_by_key(&r, true, None)
    });
    assert_eq!(
        normalised(&debug_string(&sorted)).replace("t.rhai:19:5", "/tmp/dbg/dbg2.py:19"),
        normalised(
            "(4) PythonRDD[31] at RDD at PythonRDD.scala:59 []
 |  MapPartitionsRDD[30] at mapPartitions at PythonRDD.scala:197 []
 |  ShuffledRDD[29] at partitionBy at NativeMethodAccessorImpl.java:0 []
 +-(4) PairwiseRDD[28] at sortByKey at /tmp/dbg/dbg2.py:19 []
    |  PythonRDD[27] at sortByKey at /tmp/dbg/dbg2.py:19 []
    |  MapPartitionsRDD[6] at mapPartitions at PythonRDD.scala:197 []
    |  ShuffledRDD[5] at partitionBy at NativeMethodAccessorImpl.java:0 []
    +-(4) PairwiseRDD[4] at reduceByKey at /tmp/dbg/dbg2.py:13 []
       |  PythonRDD[3] at reduceByKey at /tmp/dbg/dbg2.py:13 []
       |  ParallelCollectionRDD[0] at readRDDFromFile at PythonRDD.scala:326 []"
        )
    );
    let repartitioned = w.repartition(3);
    assert_eq!(
        normalised(&debug_string(&repartitioned)),
        normalised(
            "(3) MapPartitionsRDD[41] at coalesce at NativeMethodAccessorImpl.java:0 []
 |  CoalescedRDD[40] at coalesce at NativeMethodAccessorImpl.java:0 []
 |  ShuffledRDD[39] at coalesce at NativeMethodAccessorImpl.java:0 []
 +-(4) MapPartitionsRDD[38] at coalesce at NativeMethodAccessorImpl.java:0 []
    |  PythonRDD[37] at RDD at PythonRDD.scala:59 []
    |  ParallelCollectionRDD[0] at readRDDFromFile at PythonRDD.scala:326 []"
        )
    );
    assert_eq!(
        normalised(&debug_string(&sc.empty_rdd())),
        normalised("(0) EmptyRDD[63] at emptyRDD at NativeMethodAccessorImpl.java:0 []")
    );
}

#[test]
fn to_debug_string_shows_cached_partitions_as_pyspark_does() {
    let sc = SparkContext::new(2).expect("pool");
    let a = sc.parallelize(ints(&[1, 2, 3, 4]), Some(4));
    let same = native(|a| Ok(std::mem::take(&mut a[0])));
    let c = a.map(same.clone()).cache();
    // Before an action: the level on every line (Spark prints the root's level), no blocks.
    assert_eq!(
        normalised(&debug_string(&c)),
        normalised(
            "(4) PythonRDD[64] at RDD at PythonRDD.scala:59 [Memory Serialized 1x Replicated]
 |  ParallelCollectionRDD[0] at readRDDFromFile at PythonRDD.scala:326 [Memory Serialized 1x Replicated]"
        )
    );
    c.count().expect("count");
    let after = debug_string(&c);
    let lines: Vec<&str> = after.lines().collect();
    assert!(
        lines[1].starts_with(" |       CachedPartitions: 4; MemorySize: ")
            && lines[1].ends_with(" B; DiskSize: 0.0 B"),
        "{after}"
    );
    let child = debug_string(&c.map(same));
    let lines: Vec<&str> = child.lines().collect();
    assert!(
        lines[0].starts_with("(4) PythonRDD[")
            && lines[0].ends_with("] at RDD at PythonRDD.scala:59 []"),
        "{child}"
    );
    assert!(
        lines[1].starts_with(" |  PythonRDD["),
        "the cached RDD is not merged: {child}"
    );
    assert!(
        lines[2].starts_with(" |      CachedPartitions: 4;"),
        "{child}"
    );
}

#[test]
fn a_block_of_lines_is_read_as_records_only_by_a_task() {
    use super::source::{LineBlock, ReceivedBlock, received_blocks};
    let mut a = LineBlock::default();
    for l in ["x y", "", "z"] {
        a.push(l);
    }
    let mut b = LineBlock::default();
    b.push("w");
    let blocks = [a, b, LineBlock::default()]
        .into_iter()
        .enumerate()
        .map(|(i, lines)| ReceivedBlock {
            id: format!("input-0-{i}"),
            lines,
            executors: Vec::new(),
            dropped: false,
        })
        .collect();
    let rdd = received_blocks(&sc(), blocks, false, "socketTextStream at here");
    assert_eq!(rdd.source_len(), Some(4), "known without a job");
    assert_eq!(rdd.num_partitions(), 3);
    let parts = rdd.collect_partitions().expect("collect");
    let text: Vec<Vec<String>> = parts
        .iter()
        .map(|p| p.iter().map(|r| r.to_string()).collect())
        .collect();
    assert_eq!(text, vec![vec!["x y", "", "z"], vec!["w"], vec![]]);
    assert!(debug_string(&rdd).starts_with("(3) BlockRDD["));
}

#[test]
fn a_lost_executors_blocks_are_recomputed_from_lineage() {
    use crate::sc::Master;
    let sc = SparkContext::for_master(Master::parse("local-cluster[2, 1, 512]").expect("master"))
        .expect("pool");
    let mem = Arc::new(crate::sink::MemorySink::default());
    sc.set_sink(mem.clone());
    let calls = Arc::new(AtomicUsize::new(0));
    let cached = sc
        .parallelize(ints(&[1, 2, 3, 4]), Some(2))
        .map(counting(&calls))
        .cache();
    assert_eq!(cached.count().expect("count"), 4);
    assert_eq!(cached.storage().location(1).as_deref(), Some("1"));
    let lost = sc.lose_executor("1", "test").expect("alive");
    assert_eq!(lost, vec![format!("rdd_{}_1", cached.id())]);
    assert!(sc.lose_executor("1", "again").is_none());
    assert_eq!(
        as_ints(cached.collect().expect("collect")),
        vec![1, 2, 3, 4]
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        6,
        "only the lost partition ran again"
    );
    assert_eq!(cached.storage().location(1).as_deref(), Some("0"));
    assert!(
        mem.stderr()
            .contains("(RECOMPUTED: its block was lost with executor 1)"),
        "{}",
        mem.stderr()
    );
}

#[test]
fn a_lineage_past_the_limit_is_an_error_not_a_crash() {
    let sc = sc();
    let e = sc.parallelize(ints(&[1]), Some(1));
    let same = native(|a| Ok(std::mem::take(&mut a[0])));
    let mut r = e.clone();
    for _ in 0..(MAX_LINEAGE / 2 + 10) {
        r = r.union(&e).map(same.clone());
    }
    let err = r.count().unwrap_err();
    assert!(
        err.error
            .0
            .starts_with("RecursionError: this RDD's lineage is more than"),
        "{err}"
    );
    // Short of it, fine.
    let mut ok = e.clone();
    for _ in 0..100 {
        ok = ok.union(&e).map(same.clone());
    }
    assert_eq!(ok.count().expect("count"), 101);
}

/// What a script function may offer the engine (`FnCall::call_pair`, `const_pair`,
/// `call_str_parts`, `int_op`), with a switch: whatever the engine does with the offers, the
/// records, their order and the errors must be those of the plain calls.
#[derive(Clone, Copy)]
enum Shape {
    /// `|l| l.split(" ")` on a string; an int n gives `[n]`; anything else fails.
    Split,
    /// `|w| [w, c]`.
    PairConst(i64),
    /// `|w| [w, w.len()]` on a string; anything else fails.
    PairLen,
    /// `|a, b| a + b` on ints (an overflow fails), `a` itself otherwise.
    Add,
}

struct Offering {
    shape: Shape,
    offers: bool,
}

struct OfferingCall<'a>(&'a Offering, Record);

impl crate::func::RecordFn for Offering {
    fn caller(&self) -> Box<dyn crate::func::FnCall + '_> {
        let c = match self.shape {
            Shape::PairConst(c) => c,
            _ => 0,
        };
        Box::new(OfferingCall(self, Record::from(c)))
    }
}

impl crate::func::FnCall for OfferingCall<'_> {
    fn call(&mut self, args: &mut [Record]) -> Result<Record, FnError> {
        let a = std::mem::take(&mut args[0]);
        match self.0.shape {
            Shape::Split => {
                if let Ok(n) = a.as_int() {
                    return Ok(Record::from(vec![Record::from(n)]));
                }
                let text = a
                    .into_immutable_string()
                    .map_err(|t| FnError::new(format!("cannot split {t}")))?;
                Ok(Record::from(
                    text.split(' ')
                        .map(|w| Record::from(w.to_string()))
                        .collect::<Vec<_>>(),
                ))
            }
            Shape::PairConst(c) => Ok(pair_of(a, Record::from(c))),
            Shape::PairLen => {
                let n = a
                    .read_lock::<rhai::ImmutableString>()
                    .map(|s| s.len() as i64)
                    .ok_or_else(|| FnError::new("no len"))?;
                Ok(pair_of(a, Record::from(n)))
            }
            Shape::Add => match (a.as_int(), args[1].as_int()) {
                (Ok(x), Ok(y)) => x
                    .checked_add(y)
                    .map(Record::from)
                    .ok_or_else(|| FnError::new("overflow")),
                _ => Ok(a),
            },
        }
    }

    fn call_pair(&mut self, a: &mut Record) -> Option<Result<(Record, Record), FnError>> {
        if !self.0.offers || !matches!(self.0.shape, Shape::PairLen) {
            return None;
        }
        let n = a.read_lock::<rhai::ImmutableString>()?.len() as i64;
        Some(Ok((std::mem::take(a), Record::from(n))))
    }

    fn const_pair(&self) -> Option<&Record> {
        (self.0.offers && matches!(self.0.shape, Shape::PairConst(_))).then_some(&self.1)
    }

    fn call_str_parts(
        &mut self,
        a: &Record,
        each: &mut dyn FnMut(&str) -> Result<(), FnError>,
    ) -> Option<Result<(), FnError>> {
        if !self.0.offers || !matches!(self.0.shape, Shape::Split) {
            return None;
        }
        let text = a.read_lock::<rhai::ImmutableString>()?;
        Some(text.split(' ').try_for_each(each))
    }

    fn int_op(&self) -> Option<crate::func::IntOp> {
        (self.0.offers && matches!(self.0.shape, Shape::Add)).then_some(i64::checked_add)
    }
}

fn offering(shape: Shape, offers: bool) -> Arc<dyn crate::func::RecordFn> {
    Arc::new(Offering { shape, offers })
}

/// `flatMap(split)` (when `flat`), then `map(pair)`, then `reduceByKey(add)` into `n`, each
/// made at its own site; `cache_before_map` keeps the pipeline from reaching the combine.
fn word_count(
    data: &Rdd,
    flat: bool,
    pair: Shape,
    n: usize,
    offers: bool,
    cache_before_map: bool,
) -> Rdd {
    let mut r = data.clone();
    if flat {
        r = with_creation_site(&OpSite::new("flatMap", "t:1"), || {
            r.flat_map(offering(Shape::Split, offers))
        });
    }
    if cache_before_map {
        r = r.cache();
    }
    let mapped = with_creation_site(&OpSite::new("map", "t:2"), || r.map(offering(pair, offers)));
    with_creation_site(&OpSite::new("reduceByKey", "t:3"), || {
        pair::reduce_by_key(&mapped, offering(Shape::Add, offers), n)
    })
}

fn outcome(r: &Rdd) -> Result<Vec<String>, (Option<OpSite>, String)> {
    r.collect()
        .map(|v| v.iter().map(crate::pyrepr::python_str).collect())
        .map_err(|e| (e.site, e.error.0))
}

#[test]
fn the_combine_s_shortcuts_give_the_plain_calls_records_order_and_errors() {
    let sc = sc();
    let lines = |v: Vec<Record>, parts| sc.parallelize(v, Some(parts));
    let words = vec![
        Record::from("b a b"),
        Record::from(""),
        Record::from("zz a  q"),
        Record::from(3_i64),
        Record::from("a zz c b"),
        Record::from(3_i64),
        Record::from("q"),
    ];
    let cases: Vec<(&str, Rdd, bool, Shape)> = vec![
        ("words", lines(words.clone(), 3), true, Shape::PairConst(1)),
        (
            "word lengths",
            lines(words.clone(), 2),
            true,
            Shape::PairLen,
        ),
        (
            "pairs without flatMap",
            lines(
                vec![Record::from("x"), Record::from("yy"), Record::from("x")],
                2,
            ),
            false,
            Shape::PairLen,
        ),
        (
            "a line that cannot be split",
            lines(
                vec![Record::from("a b"), Record::UNIT, Record::from("c")],
                1,
            ),
            true,
            Shape::PairConst(1),
        ),
        (
            "a word without a len",
            lines(vec![Record::from("a b"), Record::from(5_i64)], 1),
            true,
            Shape::PairLen,
        ),
        (
            "an overflow in the combine",
            lines(vec![Record::from("k j k")], 1),
            true,
            Shape::PairConst(i64::MAX),
        ),
    ];
    for (name, data, flat, pair) in cases {
        for n in [1, 2, 3] {
            let plain = outcome(&word_count(&data, flat, pair, n, false, true));
            for offers in [false, true] {
                let got = outcome(&word_count(&data, flat, pair, n, offers, false));
                assert_eq!(got, plain, "{name}, {n} partitions, offers {offers}");
            }
        }
    }
    // The cases above do fail where they should, each blamed to its own operation.
    let fail = |data: Vec<Record>, pair| {
        outcome(&word_count(&lines(data, 1), true, pair, 2, true, false)).unwrap_err()
    };
    let (site, e) = fail(vec![Record::from("a"), Record::UNIT], Shape::PairConst(1));
    assert_eq!(
        (site.map(|s| s.op), e),
        (Some("flatMap".into()), "cannot split ()".into())
    );
    let (site, e) = fail(vec![Record::from(4_i64)], Shape::PairLen);
    assert_eq!(
        (site.map(|s| s.op), e),
        (Some("map".into()), "no len".into())
    );
    let (site, e) = fail(vec![Record::from("k k")], Shape::PairConst(i64::MAX));
    let reduce = Some("reduceByKey".into());
    assert_eq!((site.map(|s| s.op), e), (reduce, "overflow".into()));
}

#[test]
fn a_combiner_kept_as_a_plain_int_is_given_back_as_the_record_it_was() {
    // A tagged or shared int is not what `Record::from` would make again: kept as it is.
    let mut tagged = Record::from(5_i64);
    tagged.set_tag(9);
    let shared = Record::from(6_i64).into_shared();
    let data = vec![
        pair_of(Record::from("t"), tagged),
        pair_of(Record::from("s"), shared),
        pair_of(Record::from("p"), Record::from(7_i64)),
        pair_of(Record::from("p"), Record::from(1_i64)),
    ];
    let same = native(|a| Ok(std::mem::take(&mut a[0])));
    let r = sc().parallelize(data, Some(1)).map(same);
    let out = pair::reduce_by_key(&r, offering(Shape::Add, true), 1)
        .collect()
        .expect("collect");
    let values: Vec<(i64, i32, bool)> = out
        .iter()
        .map(|p| {
            let v = p.clone().into_array().expect("pair")[1].clone();
            (v.as_int().unwrap_or(-1), v.tag(), v.is_shared())
        })
        .collect();
    assert_eq!(values, vec![(5, 9, false), (6, 0, true), (8, 0, false)]);
}

#[test]
fn a_lost_executor_does_not_count_toward_max_failures() {
    use crate::fault::{At, Fault};
    use crate::sc::Master;
    let sc = SparkContext::for_master(Master::parse("local-cluster[2, 1, 512]").expect("master"))
        .expect("pool");
    let source = sc.parallelize(ints(&[1, 2]), Some(1));
    let r = with_creation_site(&OpSite::new("map", "t.rhai:1:1"), || {
        source.map(native(|a| Ok(std::mem::take(&mut a[0]))))
    });
    // Partition 0 runs on executor 0: lost once, then the task fails 3 times (of 4 allowed).
    sc.faults()
        .add(Fault::parse("kill-executor 0").expect("fault"), At::Next);
    sc.faults()
        .add(Fault::parse("fail-task map 0 3").expect("fault"), At::Next);
    let (out, jobs) = collect_jobs(|| r.collect().expect("the 5th attempt succeeds"));
    assert_eq!(as_ints(out), vec![1, 2]);
    assert_eq!(jobs[0].stages[0].failed_attempts, 4);
    let failed = &jobs[0].stages[0].failed_tasks;
    assert_eq!(
        failed
            .iter()
            .map(|f| f.executor.as_str())
            .collect::<Vec<_>>(),
        ["0", "1", "1", "1"],
        "lost with executor 0, then failing on executor 1"
    );
    assert!(
        failed[0]
            .error
            .starts_with("ExecutorLostFailure (executor 0")
    );
    assert!(
        failed.iter().all(|f| f.outcome
            == crate::scheduler::task_info::TaskOutcome::RetriedSucceeded { attempt: 4 })
    );
    // Nothing was cached, so nothing was recomputed.
    assert!(jobs[0].stages[0].recomputed.is_empty());
}

#[test]
fn executors_know_their_blocks_and_a_recomputed_partition_is_recorded_with_its_chain() {
    use crate::rdd::task::How;
    use crate::sc::Master;
    let sc = SparkContext::for_master(Master::parse("local-cluster[2, 1, 512]").expect("master"))
        .expect("pool");
    let cached = sc
        .parallelize(ints(&[1, 2]), Some(2))
        .map(native(|a| Ok(std::mem::take(&mut a[0]))))
        .cache();
    let (_, first) = collect_jobs(|| cached.collect().expect("collect"));
    assert!(first[0].stages[0].recomputed.is_empty());
    let id = cached.id();
    let blocks = |sc: &SparkContext| -> Vec<(String, bool, Vec<String>)> {
        sc.executor_summaries()
            .into_iter()
            .map(|e| (e.info.id, e.info.alive, e.rdd_blocks))
            .collect()
    };
    assert_eq!(
        blocks(&sc),
        vec![
            ("0".to_string(), true, vec![format!("rdd_{id}_0")]),
            ("1".to_string(), true, vec![format!("rdd_{id}_1")]),
        ]
    );
    assert_eq!(
        sc.lose_executor("1", "test"),
        Some(vec![format!("rdd_{id}_1")])
    );
    let (out, jobs) = collect_jobs(|| cached.collect().expect("recomputed"));
    assert_eq!(as_ints(out), vec![1, 2]);
    let recomputed = &jobs[0].stages[0].recomputed;
    assert_eq!(recomputed.len(), 1, "{recomputed:?}");
    let r = &recomputed[0];
    assert_eq!((r.partition, r.attempt, r.executor.as_str()), (1, 0, "0"));
    assert_eq!(
        r.steps.last().map(|s| (s.partition, s.how.clone())),
        Some((
            1,
            How::Recomputed {
                executor: "1".into()
            }
        ))
    );
    assert!(
        r.chain()
            .ends_with("(RECOMPUTED: its block was lost with executor 1)")
    );
    assert_eq!(
        blocks(&sc),
        vec![
            (
                "0".to_string(),
                true,
                vec![format!("rdd_{id}_0"), format!("rdd_{id}_1")]
            ),
            ("1".to_string(), false, vec![]),
        ],
        "the recomputed block lives on executor 0"
    );
}

#[test]
fn executors_hold_a_receivers_blocks_while_their_block_rdd_lives() {
    use super::source::{LineBlock, ReceivedBlock, received_blocks};
    use crate::sc::Master;
    let sc = SparkContext::for_master(Master::parse("local-cluster[3, 1, 512]").expect("master"))
        .expect("pool");
    let block = |i: usize, executors: &[&str], dropped: bool| ReceivedBlock {
        id: format!("input-0-{i}"),
        lines: LineBlock::default(),
        executors: executors.iter().map(|e| e.to_string()).collect(),
        dropped,
    };
    // Replicated on 0 and 1; the second block's copy on 0 was dropped by the fault lab.
    let rdd = received_blocks(
        &sc,
        vec![block(0, &["0", "1"], false), block(1, &["0", "1"], true)],
        false,
        "socketTextStream at here",
    );
    let held = |sc: &SparkContext| -> Vec<Vec<String>> {
        sc.executor_summaries()
            .into_iter()
            .map(|e| e.receiver_blocks)
            .collect()
    };
    let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        held(&sc),
        vec![
            ids(&["input-0-0"]),
            ids(&["input-0-0", "input-0-1"]),
            ids(&[])
        ]
    );
    assert!(sc.lose_executor("1", "test").is_some());
    assert_eq!(
        held(&sc),
        vec![ids(&["input-0-0"]), ids(&[]), ids(&[])],
        "a lost executor holds nothing"
    );
    drop(rdd);
    assert_eq!(
        held(&sc),
        vec![ids(&[]), ids(&[]), ids(&[])],
        "gone with the batch"
    );
}

#[test]
fn a_union_of_rdds_with_one_partitioner_keeps_their_partitions_together() {
    use crate::test_values::pairs;
    let sc = sc();
    let batch = |v: &[(&str, i64)]| {
        let r = Rdd::from_partitions(sc.clone(), vec![pairs(v), Vec::new()]);
        pair::reduce_by_key(&r, native(|a| Ok(a[0].clone())), 2)
    };
    let (a, b) = (batch(&[("a", 1), ("b", 1)]), batch(&[("c", 1), ("a", 1)]));
    assert_eq!(a.partitioner(), Some(&Partitioner::hash(2)));
    let same = native(|a| Ok(std::mem::take(&mut a[0])));
    let kept = a
        .map_values(same.clone())
        .filter(native(|_| Ok(Record::from(true))));
    assert_eq!(
        kept.partitioner(),
        a.partitioner(),
        "mapValues and filter keep keys"
    );
    assert_eq!(a.map(same.clone()).partitioner(), None, "map may move them");

    let aware = sc.union(&[a.clone(), b.clone()]);
    assert_eq!(aware.class_name(), "PartitionerAwareUnionRDD");
    assert_eq!(aware.num_partitions(), 2);
    let part = |r: &Rdd, i: usize| {
        r.collect_partitions().expect("collect")[i]
            .iter()
            .map(crate::pyrepr::python_str)
            .collect::<Vec<_>>()
    };
    // Partition i is partition i of a, then of b.
    for i in 0..2 {
        let mut expected = part(&a, i);
        expected.extend(part(&b, i));
        assert_eq!(part(&aware, i), expected, "partition {i}");
    }
    let plain = sc.union(&[a.clone(), a.map(same.clone())]);
    assert_eq!(plain.class_name(), "UnionRDD");
    assert_eq!(plain.num_partitions(), 4);
    // sortByKey's range partitioners never equal one another, as PySpark compares functions.
    let sorted = |r: &Rdd| pair::sort_by_key(r, true, Some(2));
    assert_eq!(sc.union(&[sorted(&a), sorted(&b)]).num_partitions(), 4);
    assert!(
        debug_string(&aware).starts_with(&format!(
            "(2) PartitionerAwareUnionRDD[{}] at union at",
            aware.id()
        )),
        "{}",
        debug_string(&aware)
    );
}

#[test]
fn an_rdd_partitioned_as_asked_is_combined_where_it_is_without_a_shuffle() {
    use crate::test_values::pairs;
    let sc = sc();
    let words = Rdd::from_partitions(
        sc.clone(),
        vec![
            pairs(&[("a", 1), ("b", 1), ("a", 1)]),
            pairs(&[("c", 1), ("a", 1)]),
        ],
    );
    let add = native(|a| {
        let (x, y) = (a[0].as_int().unwrap_or(0), a[1].as_int().unwrap_or(0));
        Ok(Record::from(x + y))
    });
    let once = pair::reduce_by_key(&words, add.clone(), 2);
    let twice = pair::reduce_by_key(&once, add.clone(), 2);
    assert_eq!(
        debug_string(&twice).matches("ShuffledRDD").count(),
        1,
        "PySpark's partitionBy returns an RDD partitioned so as it is:\n{}",
        debug_string(&twice)
    );
    assert_eq!(twice.partitioner(), Some(&Partitioner::hash(2)));
    let (parts, jobs) = collect_jobs(|| twice.collect_partitions().expect("collect"));
    let shown: Vec<Vec<String>> = parts
        .iter()
        .map(|p| p.iter().map(crate::pyrepr::python_str).collect())
        .collect();
    assert_eq!(
        shown,
        once.collect_partitions()
            .expect("collect")
            .iter()
            .map(|p| p.iter().map(crate::pyrepr::python_str).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        jobs[0].stages.len(),
        2,
        "the one shuffle's map stage and the result stage"
    );
    // Into another number of partitions, it shuffles.
    let three = pair::reduce_by_key(&once, add, 3);
    assert_eq!(debug_string(&three).matches("ShuffledRDD").count(), 2);
    assert!(pair::partition_by(&once, 2).same_as(&once));
}
