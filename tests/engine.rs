//! The engine driven from Rust, the way timely's examples drive time: a graph built with
//! native closures (no Rhai), a memory sink, and `run_batch(T)` called for T1, T2, ... by the
//! test itself. Each test asserts the exact pprint blocks of each batch, which are PySpark's
//! (the same cases as tests/cases/*.out, where real PySpark printed them).

use centella::engine::api::DStream;
use centella::engine::clock::{ClockKind, RunConfig};
use centella::engine::cogroup::JoinKind;
use centella::engine::context::StreamingContext;
use centella::engine::dstream::output::Notation;
use centella::engine::func::{FnError, OpSite, Record, RecordFn, native};
use centella::engine::rdd::pair_of;
use centella::engine::record::list;
use centella::engine::sc::SparkContext;
use centella::engine::sink::MemorySink;
use centella::engine::time::{Duration, Time};
use std::path::PathBuf;
use std::sync::Arc;

const FIRST_BATCH: &str = "2021-11-14 10:00:54";
const SECOND: Duration = Duration(1000);

/// A manual-clock context on 2 workers (`local[2]`, the CLI's default), its sink and a
/// checkpoint directory, removed on drop.
struct Engine {
    ctx: StreamingContext,
    sink: Arc<MemorySink>,
    first: Time,
    printed: usize,
    checkpoint: PathBuf,
}

impl Engine {
    fn new(name: &str) -> Engine {
        let first = Time::parse_local(FIRST_BATCH).expect("start time");
        let sink = Arc::new(MemorySink::default());
        let config = RunConfig {
            clock: ClockKind::Manual,
            start_time: first,
            max_batches: None,
            notation: Notation::Python,
            sink: sink.clone(),
            // A session of its own: the one-active-context rule is per session, so the tests
            // run in parallel.
            session: Default::default(),
        };
        let sc = SparkContext::new(2).expect("spark context");
        let checkpoint =
            std::env::temp_dir().join(format!("centella-engine-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&checkpoint);
        Engine {
            ctx: StreamingContext::new(sc, SECOND, config),
            sink,
            first,
            printed: 0,
            checkpoint,
        }
    }

    /// Operations that keep state need a checkpoint directory, as in Spark.
    fn with_checkpoint(self) -> Engine {
        let dir = self.checkpoint.to_string_lossy().into_owned();
        self.ctx.set_checkpoint_dir(&dir).expect("checkpoint dir");
        self
    }

    /// `ssc.queueStream(batches)`, one batch per item.
    fn queue(&self, batches: Vec<Vec<Record>>) -> DStream {
        let sc = self.ctx.spark_context();
        let rdds = batches
            .into_iter()
            .map(|b| sc.parallelize(b, None))
            .collect();
        self.ctx
            .queue_stream(rdds, true, None, site("queueStream"))
            .expect("queueStream")
    }

    /// Starts the context, runs the batches 1..=n by their times, and returns what each
    /// batch printed.
    fn run(&mut self, n: i64) -> Vec<String> {
        self.ctx.start("tests/engine.rs").expect("start");
        (0..n)
            .map(|k| {
                self.ctx.run_batch(Time(self.first.ms() + k * SECOND.ms()));
                self.take_printed()
            })
            .collect()
    }

    fn take_printed(&mut self) -> String {
        let out = self.sink.stdout();
        let new = out[self.printed..].to_string();
        self.printed = out.len();
        new
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.ctx.stop(false);
        let _ = std::fs::remove_dir_all(&self.checkpoint);
    }
}

fn site(op: &str) -> OpSite {
    OpSite::new(op, "tests/engine.rs")
}

fn s(x: &str) -> Record {
    Record::from(x.to_string())
}

fn kv(k: &str, v: i64) -> Record {
    pair_of(s(k), Record::from(v))
}

fn int(r: &Record) -> Result<i64, FnError> {
    r.as_int()
        .map_err(|t| FnError::new(format!("expected an int, got {t}")))
}

fn add() -> Arc<dyn RecordFn> {
    native(|a| Ok(Record::from(int(&a[0])? + int(&a[1])?)))
}

fn sub() -> Arc<dyn RecordFn> {
    native(|a| Ok(Record::from(int(&a[0])? - int(&a[1])?)))
}

/// A pprint block as PySpark prints it: `FIRST_BATCH` plus `k` seconds, then the records.
fn block(k: i64, records: &[&str]) -> String {
    let dashes = "-".repeat(43);
    let t = Time::parse_local(FIRST_BATCH).expect("time").ms() + k * 1000;
    let mut b = format!("{dashes}\nTime: {}\n{dashes}\n", Time(t));
    for r in records {
        b.push_str(r);
        b.push('\n');
    }
    b.push('\n');
    b
}

/// `ds.pprint()`, for a stream that must build.
fn pprint(ds: centella::engine::api::Result<DStream>) {
    ds.and_then(|d| d.pprint(10, site("pprint")))
        .expect("graph");
}

/// What a stream that prints only at some batches prints over `n` batches: the blocks at
/// those (0-based) batches, nothing at the others.
fn only_at(n: usize, blocks: &[(i64, &[&str])]) -> Vec<String> {
    let mut printed = vec![String::new(); n];
    for (k, records) in blocks {
        printed[*k as usize] = block(*k, records);
    }
    printed
}

fn assert_blocks(printed: &[String], expected: &[&[&str]]) {
    assert_eq!(printed.len(), expected.len(), "{printed:#?}");
    for (k, (got, want)) in printed.iter().zip(expected).enumerate() {
        assert_eq!(got, &block(k as i64, want), "batch {}", k + 1);
    }
}

/// The counts per key of the first five batches of [`big_test_batches`], which both a running
/// count (updateStateByKey) and a 5-batch window print.
const RUNNING_COUNTS: [&[&str]; 5] = [
    &["('a', 1)"],
    &["('b', 1)", "('a', 2)"],
    &["('b', 2)", "('c', 1)", "('a', 3)"],
    &["('b', 3)", "('c', 1)", "('a', 4)"],
    &["('b', 3)", "('c', 1)", "('a', 5)"],
];

/// The keys of BasicOperationsSuite's updateStateByKey batches; WindowOperationsSuite's
/// "big test" (tests/cases/reduceByKeyAndWindow*) has them twice.
const BIG_TEST_KEYS: [&[&str]; 6] = [
    &["a"],
    &["a", "b"],
    &["a", "b", "c"],
    &["a", "b"],
    &["a"],
    &[],
];

/// The "big test" batches as (key, 1) pairs: twelve.
fn big_test_batches() -> Vec<Vec<Record>> {
    BIG_TEST_KEYS
        .iter()
        .cycle()
        .take(12)
        .map(|b| b.iter().map(|k| kv(k, 1)).collect())
        .collect()
}

#[test]
fn map_flat_map_and_reduce_by_key_count_words() {
    let mut e = Engine::new("words");
    let lines = e.queue(vec![vec![s("a b a")], vec![], vec![s("b c"), s("c")]]);
    let words = native(|a| {
        let line = a[0].clone().into_string().map_err(FnError::new)?;
        Ok(Record::from(
            line.split(' ').map(s).collect::<Vec<Record>>(),
        ))
    });
    let one = native(|a| Ok(pair_of(std::mem::take(&mut a[0]), Record::from(1_i64))));
    pprint(
        lines
            .flat_map(words, site("flatMap"))
            .and_then(|w| w.map(one, site("map")))
            .and_then(|p| p.reduce_by_key(add(), None, site("reduceByKey"))),
    );
    let printed = e.run(4);
    assert_blocks(
        &printed,
        &[
            &["('b', 1)", "('a', 2)"],
            &[],
            &["('b', 1)", "('c', 2)"],
            &[],
        ],
    );
}

#[test]
fn window_covers_the_last_batches_and_prints_only_at_its_slides() {
    let mut e = Engine::new("window");
    let q = e.queue((1..=6).map(|x| vec![Record::from(x as i64)]).collect());
    pprint(q.window(Duration(3000), Some(Duration(2000)), site("window")));
    let printed = e.run(6);
    // A stream of slide 2 makes RDDs at batches 2, 4, 6 only; the first window is partial.
    assert_eq!(
        printed,
        only_at(
            6,
            &[
                (1, &["1", "2"]),
                (3, &["2", "3", "4"]),
                (5, &["4", "5", "6"])
            ]
        )
    );
}

/// reduceByKeyAndWindow(add, sub, window, 1 s) over the "big test" batches, for `n` batches.
fn sums_with_inverse(name: &str, window: Duration, n: i64) -> Vec<String> {
    let mut e = Engine::new(name).with_checkpoint();
    let q = e.queue(big_test_batches());
    pprint(q.reduce_by_key_and_window(
        add(),
        Some(sub()),
        window,
        Some(SECOND),
        None,
        None,
        site("reduceByKeyAndWindow"),
    ));
    e.run(n)
}

#[test]
fn reduce_by_key_and_window_with_inverse_over_five_slides_keeps_zero_keys() {
    let printed = sums_with_inverse("inv5", Duration(5000), 9);
    // tests/cases/reduceByKeyAndWindow_inv.out: PySpark's incremental path keeps ("c", 0).
    let later: [&[&str]; 4] = [
        &["('b', 3)", "('c', 1)", "('a', 4)"],
        &["('b', 2)", "('c', 1)", "('a', 4)"],
        &["('b', 2)", "('c', 0)", "('a', 4)"],
        &["('b', 2)", "('c', 1)", "('a', 4)"],
    ];
    assert_blocks(&printed, &[&RUNNING_COUNTS[..], &later[..]].concat());
}

#[test]
fn reduce_by_key_and_window_with_inverse_under_five_slides_reduces_again() {
    let printed = sums_with_inverse("inv2", Duration(2000), 7);
    // tests/cases/reduceByKeyAndWindow_inv_small.out: no ("c", 0), the key just goes.
    assert_blocks(
        &printed,
        &[
            &["('a', 1)"],
            &["('b', 1)", "('a', 2)"],
            &["('b', 2)", "('c', 1)", "('a', 2)"],
            &["('b', 2)", "('c', 1)", "('a', 2)"],
            &["('b', 1)", "('a', 2)"],
            &["('a', 1)"],
            &["('a', 1)"],
        ],
    );
}

#[test]
fn update_state_by_key_prints_every_key_with_state_on_every_batch() {
    let mut e = Engine::new("state").with_checkpoint();
    let q = e.queue(
        BIG_TEST_KEYS
            .iter()
            .map(|b| b.iter().map(|k| s(k)).collect())
            .collect(),
    );
    let one = native(|a| Ok(pair_of(std::mem::take(&mut a[0]), Record::from(1_i64))));
    // PySpark's update function: (new values, state or None) -> new state.
    let running_count = native(|a| {
        let mut total = if a[1].is_unit() { 0 } else { int(&a[1])? };
        let values = std::mem::take(&mut a[0])
            .into_array()
            .map_err(FnError::new)?;
        for v in &values {
            total += int(v)?;
        }
        Ok(Record::from(total))
    });
    pprint(
        q.map(one, site("map")).and_then(|p| {
            p.update_state_by_key(running_count, None, None, site("updateStateByKey"))
        }),
    );
    let printed = e.run(7);
    // tests/cases/updateStateByKey.out
    let unchanged: [&[&str]; 2] = [RUNNING_COUNTS[4], RUNNING_COUNTS[4]];
    assert_blocks(&printed, &[&RUNNING_COUNTS[..], &unchanged[..]].concat());
}

#[test]
fn join_with_a_stream_of_another_slide_sees_an_empty_rdd_where_it_has_none() {
    let mut e = Engine::new("join");
    let q = e.queue((1..=4).map(|v| vec![kv("a", v)]).collect());
    let windowed = q
        .window(Duration(2000), Some(Duration(2000)), site("window"))
        .expect("window");
    q.join(&windowed, JoinKind::Inner, None, site("join"))
        .and_then(|j| j.pprint(1000, site("pprint")))
        .expect("graph");
    let printed = e.run(4);
    // tests/cases/join_different_slides.out: PySpark's rule, the missing side is empty.
    assert_blocks(
        &printed,
        &[
            &[],
            &["('a', (2, 1))", "('a', (2, 2))"],
            &[],
            &["('a', (4, 3))", "('a', (4, 4))"],
        ],
    );
}

#[test]
fn the_queue_is_dequeued_lazily_under_a_window_shorter_than_its_slide() {
    let mut e = Engine::new("lazy");
    let q = e.queue((1..=6).map(|x| vec![Record::from(x as i64)]).collect());
    pprint(q.window(Duration(2000), Some(Duration(3000)), site("window")));
    let printed = e.run(6);
    // tests/cases/window_lazy_queue.out: batches 1 and 4 are never computed, so the queue's
    // items shift against the batch times ([1, 2] and [3, 4], not [2, 3] and [5, 6]).
    assert_eq!(printed, only_at(6, &[(2, &["1", "2"]), (5, &["3", "4"])]));
}

#[test]
fn lists_and_tuples_print_as_python_does() {
    let mut e = Engine::new("notation");
    let q = e.queue(vec![vec![pair_of(
        s("k"),
        list(vec![Record::from(1_i64), s("x")]),
    )]]);
    pprint(Ok(q));
    let printed = e.run(1);
    assert_blocks(&printed, &[&["('k', [1, 'x'])"]]);
}
