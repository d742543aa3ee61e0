//! Output operations (Spark's `ForEachDStream`): pprint, foreachRDD, saveAsTextFiles.

use crate::error::ComputeError;
use crate::func::{FnError, OpSite, Record};
use crate::rdd::Rdd;
use crate::sink::OutputSink;
use crate::time::Time;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

pub use crate::notation::Notation;

/// A user output function (`foreachRDD`).
pub type RddOutputFn = Arc<dyn Fn(Time, &Rdd) -> Result<(), FnError> + Send + Sync>;

pub struct OutputEnv {
    pub sink: Arc<dyn OutputSink>,
    pub notation: Notation,
}

#[derive(Clone)]
pub enum OutputAction {
    Print(usize),
    ForEach(RddOutputFn),
    SaveAsTextFiles {
        prefix: String,
        suffix: Option<String>,
    },
}

#[derive(Clone)]
pub struct OutputOp {
    pub stream: crate::dstream::StreamId,
    pub site: OpSite,
    pub action: OutputAction,
}

const DASHES: &str = "-------------------------------------------";

/// PySpark's `takeAndPrint`: header, at most `num` records, `...` if there were more.
pub fn pprint_block(t: Time, records: &[Record], num: usize, notation: Notation) -> String {
    let mut block = format!("{DASHES}\nTime: {t}\n{DASHES}\n");
    for r in records.iter().take(num) {
        block.push_str(&notation.show(r));
        block.push('\n');
    }
    if records.len() > num {
        block.push_str("...\n");
    }
    block.push('\n');
    block
}

/// PySpark's `rddToFileName`: `prefix-TIME_IN_MS[.suffix]`.
pub fn rdd_to_file_name(prefix: &str, suffix: Option<&str>, t: Time) -> String {
    match suffix {
        Some(s) if !s.is_empty() => format!("{prefix}-{}.{s}", t.ms()),
        _ => format!("{prefix}-{}", t.ms()),
    }
}

/// `rdd.saveAsTextFile(dir)`: `part-NNNNN` per partition and `_SUCCESS`, like Hadoop's output.
pub fn save_as_text_file(
    rdd: &Rdd,
    dir: &str,
    notation: Notation,
) -> Result<(), crate::rdd::JobError> {
    let path = Path::new(dir);
    if path.exists() {
        return Err(FnError(format!(
            "org.apache.hadoop.mapred.FileAlreadyExistsException: Output directory {dir} already exists"
        ))
        .into());
    }
    let io = |e: std::io::Error| FnError(format!("cannot write {dir}: {e}"));
    std::fs::create_dir_all(path).map_err(io)?;
    let parts = rdd.collect_partitions()?;
    for (i, part) in parts.iter().enumerate() {
        let mut text = String::new();
        for r in part {
            crate::depth::check_repr(r)?;
            text.push_str(&notation.show(r));
            text.push('\n');
        }
        let mut f = std::fs::File::create(path.join(format!("part-{i:05}"))).map_err(io)?;
        f.write_all(text.as_bytes()).map_err(io)?;
    }
    std::fs::File::create(path.join("_SUCCESS")).map_err(io)?;
    Ok(())
}

/// The RDD a stream hands to `foreachRDD`, as PySpark hands it: the stream's functions run in
/// a Python worker of their own, ahead of the one running what `foreachRDD` does with the
/// RDD, so a partition they start is computed to its end (measured: `take(2)` of a mapped
/// 3-record partition runs the map 3 times there). A source's data needs no boundary.
fn python_worker_boundary(rdd: &Rdd) -> Rdd {
    if rdd.dependencies().is_empty() {
        return rdd.clone();
    }
    rdd.map_partitions_native(|_, records| Ok(records))
}

impl OutputOp {
    pub fn run(&self, t: Time, rdd: &Rdd, env: &OutputEnv) -> Result<(), ComputeError> {
        let fail = |e: FnError| ComputeError::at(&self.site, e);
        match &self.action {
            OutputAction::Print(num) => {
                let records = rdd
                    .take_whole_partitions(num + 1)
                    .map_err(|e| ComputeError::from_job(&self.site, e))?;
                for r in records.iter().take(*num) {
                    crate::depth::check_repr(r).map_err(fail)?;
                }
                env.sink
                    .pprint(&pprint_block(t, &records, *num, env.notation));
                Ok(())
            }
            OutputAction::ForEach(f) => f(t, &python_worker_boundary(rdd)).map_err(fail),
            OutputAction::SaveAsTextFiles { prefix, suffix } => {
                let dir = rdd_to_file_name(prefix, suffix.as_deref(), t);
                save_as_text_file(rdd, &dir, env.notation)
                    .map_err(|e| ComputeError::from_job(&self.site, e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pprint_shows_num_records_then_dots() {
        let t = Time::parse_local("2021-11-14 10:00:54").expect("time");
        let recs: Vec<Record> = (0..11_i64).map(Record::from).collect();
        let block = pprint_block(t, &recs, 10, Notation::Python);
        let lines: Vec<&str> = block.lines().collect();
        assert_eq!(lines[0].len(), 43);
        assert_eq!(lines[1], "Time: 2021-11-14 10:00:54");
        assert_eq!(lines[12], "9");
        assert_eq!(lines[13], "...");
        assert!(block.ends_with("...\n\n"));
        let exactly = pprint_block(t, &recs[..10], 10, Notation::Python);
        assert!(!exactly.contains("..."));
        assert_eq!(
            pprint_block(t, &[], 10, Notation::Python).lines().count(),
            4
        );
    }

    #[test]
    fn file_names_follow_pyspark() {
        assert_eq!(
            rdd_to_file_name("out/words", None, Time(1000)),
            "out/words-1000"
        );
        assert_eq!(rdd_to_file_name("w", Some("txt"), Time(2000)), "w-2000.txt");
    }
}
