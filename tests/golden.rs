//! Golden tests: every `examples/NAME.rhai` runs under the fast clock for a fixed number of
//! batches and must print exactly `tests/golden/NAME.out`, with nothing on stderr.
//!
//! The expected outputs of the seed examples are real PySpark 4.3.0 runs (Spark's
//! ManualClock, first batch at 2021-11-14 10:00:54); `words`, `visits_window` and
//! `trending_authors` were worked out by hand with PySpark's partitioning rules.

mod common;

use common::{Centella, ROOT, TempDir, assert_golden, first_difference};
use std::path::Path;
use std::time::Duration;

/// Working directory of a run.
enum Cwd {
    /// A fresh, empty temp dir, so `ssc.checkpoint("checkpoint")` never sees an old one.
    Temp,
    /// The repository root, for scripts that read `examples/data/...`.
    Root,
}

fn run_golden(name: &str, batches: u32, cwd: Cwd) {
    let root = Path::new(ROOT);
    let script = root.join("examples").join(format!("{name}.rhai"));
    let golden = root
        .join("tests")
        .join("golden")
        .join(format!("{name}.out"));
    let temp;
    let dir: &Path = match cwd {
        Cwd::Temp => {
            temp = TempDir::new("golden", name);
            &temp
        }
        Cwd::Root => root,
    };
    let run = Centella::new(&["--clock", "fast", "--batches", &batches.to_string()])
        .arg(&script)
        .dir(dir)
        .run(Duration::from_secs(120));
    assert_golden(name, &run, &golden, "");
}

/// `golden!(name, batches)` runs in a fresh temp dir; `golden!(name, batches, Root)` runs in
/// the repository root.
macro_rules! golden {
    ($name:ident, $batches:expr) => {
        golden!($name, $batches, Temp);
    };
    ($name:ident, $batches:expr, $cwd:ident) => {
        #[test]
        fn $name() {
            run_golden(stringify!($name), $batches, Cwd::$cwd);
        }
    };
}

// Seed examples: PySpark output of /work/shared/oracle/seed/NAME.py.
golden!(window3, 8);
golden!(window3_slide2, 8); // a window with slide 2 prints every 2nd batch: 4 blocks
golden!(window3_inv, 8);
golden!(window3_inv_filter, 8);
golden!(window5_inv, 10);
golden!(window5_inv_filter, 10);
golden!(window5_noinv, 10);
golden!(state_minmax, 8);
golden!(state_expire, 8);
golden!(hashtags_sorted, 8);
golden!(visits_queue, 8);
golden!(pprint_limits, 8); // two pprints: 16 blocks
golden!(queue_modes, 8); // three pprints: 24 blocks

// Written from the slides, expected output worked out by hand.
golden!(words, 8);
golden!(visits_window, 8);
golden!(trending_authors, 8, Root);

#[test]
fn first_difference_reports_line_and_both_sides() {
    assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
    let msg = first_difference("a\nb\n", "a\nc\n").unwrap();
    assert!(
        msg.contains("line 2") && msg.contains("\"b\\n\"") && msg.contains("\"c\\n\""),
        "{msg}"
    );
    let msg = first_difference("a\nb\n", "a\n").unwrap();
    assert!(
        msg.contains("line 2") && msg.contains("<end of output>"),
        "{msg}"
    );
}
