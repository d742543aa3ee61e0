//! The one-line warning while running: the scheduling delay has grown for 5 batches in a
//! row, so batches are queueing up. At most once every 10 s, through the sink's `warn`.

use super::status::fmt_ms;
use crate::engine::listener::StreamingListener;
use crate::engine::sink::OutputSink;
use crate::engine::stats::BatchInfo;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Consecutive growing delays before the warning.
pub const STREAK: u32 = 5;
/// The least time between two warnings.
pub const QUIET: Duration = Duration::from_secs(10);
/// Growth smaller than this is timer jitter, not a queue building up.
const MIN_GROWTH_MS: i64 = 5;

#[derive(Default)]
struct State {
    last_delay: Option<i64>,
    streak: u32,
    /// Delay when the streak started.
    streak_from: i64,
    last_warned: Option<Instant>,
}

pub struct DelayWarner {
    sink: Arc<dyn OutputSink>,
    interval_ms: i64,
    quiet: Duration,
    state: Mutex<State>,
}

impl DelayWarner {
    pub fn new(sink: Arc<dyn OutputSink>, interval_ms: i64) -> DelayWarner {
        DelayWarner::with_quiet(sink, interval_ms, QUIET)
    }

    /// With another least time between warnings (for tests).
    pub fn with_quiet(sink: Arc<dyn OutputSink>, interval_ms: i64, quiet: Duration) -> DelayWarner {
        DelayWarner {
            sink,
            interval_ms,
            quiet,
            state: Mutex::new(State::default()),
        }
    }
}

impl StreamingListener for DelayWarner {
    fn on_batch_completed(&self, info: &BatchInfo) {
        let delay = info.scheduling_delay_ms();
        let mut st = crate::engine::lock(&self.state);
        match st.last_delay {
            Some(prev) if delay >= prev + MIN_GROWTH_MS => {
                if st.streak == 0 {
                    st.streak_from = prev;
                }
                st.streak += 1;
            }
            _ => st.streak = 0,
        }
        st.last_delay = Some(delay);
        if st.streak < STREAK || st.last_warned.is_some_and(|t| t.elapsed() < self.quiet) {
            return;
        }
        st.last_warned = Some(Instant::now());
        let per_batch = (delay - st.streak_from) / i64::from(st.streak);
        let streak = st.streak;
        drop(st);
        self.sink.warn(&format!(
            "falling behind: the scheduling delay grew {streak} batches in a row, now {} \
             (+{} per batch; processing {} vs interval {}): batches are queueing up",
            fmt_ms(delay),
            fmt_ms(per_batch),
            fmt_ms(info.processing_delay_ms()),
            fmt_ms(self.interval_ms)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sink::MemorySink;
    use crate::engine::time::Time;

    fn batch(i: i64, delay: i64) -> BatchInfo {
        BatchInfo {
            batch_time: Time(i * 1000),
            num_records: 0,
            submission_time: i * 1000,
            processing_start: i * 1000 + delay,
            processing_end: i * 1000 + delay + 1400,
            failures: Vec::new(),
            input_info: Vec::new(),
            output_ops: Vec::new(),
            failed_tasks: Vec::new(),
            recomputed: Vec::new(),
        }
    }

    #[test]
    fn warns_after_five_growing_delays_then_stays_quiet() {
        let sink = Arc::new(MemorySink::default());
        let w = DelayWarner::new(sink.clone(), 1000);
        for i in 0..5 {
            w.on_batch_completed(&batch(i, i * 400));
        }
        assert_eq!(sink.stderr(), "", "4 increases are not enough");
        w.on_batch_completed(&batch(5, 2000));
        assert_eq!(
            sink.stderr(),
            "WARN: falling behind: the scheduling delay grew 5 batches in a row, now 2 s \
             (+400 ms per batch; processing 1.4 s vs interval 1 s): batches are queueing up\n"
        );
        for i in 6..20 {
            w.on_batch_completed(&batch(i, i * 400));
        }
        assert_eq!(sink.stderr().lines().count(), 1, "at most once every 10 s");
    }

    #[test]
    fn jitter_and_a_flat_delay_do_not_warn() {
        let sink = Arc::new(MemorySink::default());
        let w = DelayWarner::with_quiet(sink.clone(), 1000, Duration::ZERO);
        for i in 0..30 {
            w.on_batch_completed(&batch(i, i % 3));
        }
        assert_eq!(sink.stderr(), "");
    }
}
