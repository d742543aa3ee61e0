//! What the shell does with repetitive stream output: runs of empty pprint batches become one
//! line (`... 7 empty batches (10:01:02–10:01:08)`), and a batch error that repeats the last
//! one becomes one line per batch (`... the same error in batch 10:00:58 (3 times)`). A pure
//! state machine: the [`Printer`](super::printer::Printer) decides how a line reaches the screen.

/// `:empty show|collapse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyBatches {
    /// Every empty batch prints its pprint header, as PySpark does.
    Show,
    /// A run of empty batches is one line.
    Collapse,
}

/// What to print for one piece of stream output.
#[derive(Debug, PartialEq, Eq)]
pub enum Shown {
    /// The text as it came.
    Full(String),
    /// The summary line of a repetition, replacing the previous summary of the same run
    /// when that is still the last line on the screen.
    Summary(String),
}

#[derive(Debug)]
struct EmptyRun {
    first: String,
    last: String,
    batches: u64,
}

#[derive(Debug)]
struct LastError {
    key: String,
    repeats: u64,
}

#[derive(Debug)]
pub struct Collapser {
    pub empty: EmptyBatches,
    run: Option<EmptyRun>,
    last_error: Option<LastError>,
}

impl Collapser {
    pub fn new(empty: EmptyBatches) -> Collapser {
        Collapser {
            empty,
            run: None,
            last_error: None,
        }
    }

    /// A pprint block. Empty ones (header only) join the current run when collapsing.
    pub fn pprint(&mut self, block: &str) -> Shown {
        let time = match (self.empty, empty_block_time(block)) {
            (EmptyBatches::Collapse, Some(t)) => t,
            _ => {
                self.run = None;
                return Shown::Full(block.to_string());
            }
        };
        let clock = clock_part(&time).to_string();
        match &mut self.run {
            // Another pprint of the same batch: the batch is already counted.
            Some(run) if run.last == clock => {}
            Some(run) => {
                run.last = clock;
                run.batches += 1;
            }
            None => {
                self.run = Some(EmptyRun {
                    first: clock.clone(),
                    last: clock,
                    batches: 1,
                })
            }
        }
        Shown::Summary(self.run_line())
    }

    fn run_line(&self) -> String {
        match &self.run {
            Some(r) if r.batches == 1 => format!("... 1 empty batch ({})", r.first),
            Some(r) => format!("... {} empty batches ({}–{})", r.batches, r.first, r.last),
            None => String::new(),
        }
    }

    /// A failed batch: in full the first time, then one line per batch that repeats it.
    /// `key` is the error without its batch time; `time` is the batch's.
    pub fn batch_error(&mut self, key: &str, time: &str, full: &str) -> Shown {
        self.run = None;
        match &mut self.last_error {
            Some(last) if last.key == key => {
                last.repeats += 1;
                Shown::Summary(format!(
                    "... the same error in batch {} ({} times)",
                    clock_part(time),
                    last.repeats + 1
                ))
            }
            _ => {
                self.last_error = Some(LastError {
                    key: key.to_string(),
                    repeats: 0,
                });
                Shown::Full(full.to_string())
            }
        }
    }

    /// Any other output ends a run of empty batches (the next one starts a new line).
    pub fn other_output(&mut self) {
        self.run = None;
    }

    /// A new context or `:restart`: errors are new again.
    pub fn forget_errors(&mut self) {
        self.last_error = None;
    }
}

/// The batch time of a pprint block with no records, if it is one.
pub fn empty_block_time(block: &str) -> Option<String> {
    let mut lines = block.lines();
    let dashes = |l: Option<&str>| l.is_some_and(|l| !l.is_empty() && l.chars().all(|c| c == '-'));
    if !dashes(lines.next()) {
        return None;
    }
    let time = lines.next()?.strip_prefix("Time: ")?.to_string();
    if !dashes(lines.next()) {
        return None;
    }
    lines.all(|l| l.trim().is_empty()).then_some(time)
}

/// `10:00:58` from `2021-11-14 10:00:58`.
pub fn clock_part(time: &str) -> &str {
    time.rsplit(' ').next().unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DASHES: &str = "-------------------------------------------";

    fn block(t: &str, records: &[&str]) -> String {
        let mut b = format!("{DASHES}\nTime: 2021-11-14 {t}\n{DASHES}\n");
        for r in records {
            b.push_str(r);
            b.push('\n');
        }
        b.push('\n');
        b
    }

    #[test]
    fn empty_blocks_collapse_into_one_counting_line() {
        let mut c = Collapser::new(EmptyBatches::Collapse);
        assert_eq!(
            c.pprint(&block("10:01:01", &["1"])),
            Shown::Full(block("10:01:01", &["1"]))
        );
        assert_eq!(
            c.pprint(&block("10:01:02", &[])),
            Shown::Summary("... 1 empty batch (10:01:02)".into())
        );
        // A second pprint of the same batch does not count twice.
        let _ = c.pprint(&block("10:01:02", &[]));
        let _ = c.pprint(&block("10:01:03", &[]));
        assert_eq!(
            c.pprint(&block("10:01:08", &[])),
            Shown::Summary("... 3 empty batches (10:01:02–10:01:08)".into())
        );
        // Records end the run; the next empty batch starts a new one.
        let _ = c.pprint(&block("10:01:09", &["x"]));
        assert_eq!(
            c.pprint(&block("10:01:10", &[])),
            Shown::Summary("... 1 empty batch (10:01:10)".into())
        );
    }

    #[test]
    fn show_keeps_pyspark_output() {
        let mut c = Collapser::new(EmptyBatches::Show);
        let b = block("10:01:02", &[]);
        assert_eq!(c.pprint(&b), Shown::Full(b.clone()));
    }

    #[test]
    fn a_repeated_error_is_one_line_per_batch() {
        let mut c = Collapser::new(EmptyBatches::Collapse);
        let first = c.batch_error("k", "2021-11-14 10:00:56", "ERROR: full text");
        assert_eq!(first, Shown::Full("ERROR: full text".into()));
        let _ = c.batch_error("k", "2021-11-14 10:00:57", "ERROR: full text");
        assert_eq!(
            c.batch_error("k", "2021-11-14 10:00:58", "ERROR: full text"),
            Shown::Summary("... the same error in batch 10:00:58 (3 times)".into())
        );
        assert_eq!(
            c.batch_error("other", "2021-11-14 10:00:59", "ERROR: other"),
            Shown::Full("ERROR: other".into())
        );
    }

    #[test]
    fn only_header_blocks_are_empty() {
        assert_eq!(
            empty_block_time(&block("10:00:00", &[])).as_deref(),
            Some("2021-11-14 10:00:00")
        );
        assert_eq!(empty_block_time(&block("10:00:00", &["()"])), None);
        assert_eq!(empty_block_time("hello\n"), None);
    }
}
