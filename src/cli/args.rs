//! `centella [OPTIONS] [SCRIPT]`.

use crate::engine::clock::ClockKind;
use crate::engine::dstream::output::Notation;
use crate::engine::sc::Master;
use crate::engine::time::Time;
use clap::Parser;

pub const DEFAULT_START_TIME: &str = "2021-11-14 10:00:54";

#[derive(Parser, Debug)]
#[command(
    name = "centella",
    version,
    about = "Spark Streaming's DStream API in an instant, scriptable shell",
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  centella examples/words.rhai\n  centella --clock fast --batches 6 examples/visits_window.rhai\n  centella my_pyspark_job.py\n  centella translate my_pyspark_job.py"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A .rhai script, or a PySpark program (.py, translated to Rhai first), to run. Without
    /// one, the interactive shell starts (plain, without a prompt, when stdin or stdout is not
    /// a terminal: `echo '...' | centella`).
    pub script: Option<String>,

    /// Run SCRIPT, then stay in the interactive shell.
    #[arg(short = 'i', long)]
    pub interactive: bool,

    /// No colour in the shell (also when NO_COLOR is set or output is not a terminal).
    #[arg(long)]
    pub no_color: bool,

    /// When batches run: real (wall clock), fast (simulated, back to back; alias: virtual)
    /// or manual (only on ssc.tick(n)).
    #[arg(long, default_value = "real", value_parser = parse_clock)]
    pub clock: ClockKind,

    /// First batch time under the fast and manual clocks, local time zone.
    #[arg(long, value_name = "YYYY-MM-DD HH:MM:SS", default_value = DEFAULT_START_TIME, value_parser = parse_time)]
    pub start_time: Time,

    /// Stop gracefully after N batches.
    #[arg(long, value_name = "N")]
    pub batches: Option<u64>,

    /// Worker threads, as Spark's master URL: local, local[N], local[*], or local[N, F] to
    /// let a failing task be retried until it failed F times (spark.task.maxFailures).
    #[arg(long, default_value = "local[2]", value_parser = parse_master)]
    pub master: Master,

    /// A Spark setting, as spark-submit takes it (repeatable), e.g.
    /// spark.streaming.receiver.writeAheadLog.enable=true.
    #[arg(long = "conf", value_name = "KEY=VALUE")]
    pub conf: Vec<String>,

    /// Records per second each receiver accepts (Spark's spark.streaming.receiver.maxRate);
    /// a faster sender is slowed down instead of filling memory.
    #[arg(long, value_name = "N")]
    pub receiver_max_rate: Option<u64>,

    /// How pprint writes records: python (like PySpark) or rhai.
    #[arg(long, default_value = "python", value_parser = parse_notation)]
    pub notation: Notation,

    /// The web UI's port on 127.0.0.1 (the next of 16 when busy, as Spark; 0: any free port).
    /// The UI starts by itself under the real clock on a terminal; giving a port starts it
    /// with any clock and any output.
    #[arg(long, value_name = "PORT")]
    pub ui_port: Option<u16>,

    /// No web UI.
    #[arg(long, conflicts_with = "ui_port")]
    pub no_ui: bool,

    /// The address the web UI listens on (loopback unless you say otherwise).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub ui_bind: String,
}

fn parse_clock(s: &str) -> Result<ClockKind, String> {
    ClockKind::parse(s)
        .ok_or_else(|| format!("unknown clock '{s}': use real, fast, virtual or manual"))
}

fn parse_time(s: &str) -> Result<Time, String> {
    Time::parse_local(s).ok_or_else(|| format!("'{s}' is not a time like \"{DEFAULT_START_TIME}\""))
}

fn parse_notation(s: &str) -> Result<Notation, String> {
    match s {
        "python" => Ok(Notation::Python),
        "rhai" => Ok(Notation::Rhai),
        _ => Err(format!("unknown notation '{s}': use python or rhai")),
    }
}

/// `centella feed --rate N`: lines per second, between 0.001 (one line in about 17 minutes)
/// and a billion; anything else would pace nothing or overflow the pacing arithmetic.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    const MIN: f64 = 0.001;
    const MAX: f64 = 1e9;
    match s.trim().parse::<f64>() {
        Ok(r) if (MIN..=MAX).contains(&r) => Ok(r),
        _ => Err(format!(
            "--rate is lines per second, a number between {MIN} and {MAX:e}; got {s}"
        )),
    }
}

/// `local` → 1 thread, `local[N]` → N, `local[*]` → the number of cores; `local[N, F]` also
/// lets a task fail F times before its job fails.
pub fn parse_master(s: &str) -> Result<Master, String> {
    Master::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masters() {
        assert_eq!(parse_master("local"), Ok(Master::from(1)));
        assert_eq!(parse_master("local[4]"), Ok(Master::from(4)));
        assert_eq!(parse_master("local[4, 2]").map(|m| m.max_failures), Ok(2));
        assert!(parse_master("local[0]").is_err());
        assert!(parse_master("yarn").is_err());
        assert!(
            parse_master("local[100000]")
                .unwrap_err()
                .contains("between 1 and 256")
        );
    }

    #[test]
    fn feed_rates() {
        assert_eq!(parse_rate("5"), Ok(5.0));
        assert_eq!(parse_rate("0.5"), Ok(0.5));
        for bad in ["1e-20", "0", "-1", "nan", "inf", "1e300", "fast"] {
            let e = parse_rate(bad).expect_err(bad);
            assert!(e.contains("between 0.001 and 1e9"), "{e}");
        }
    }
}

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Serve lines over TCP to every client that connects, like `nc -lk` (for demos).
    Feed(FeedArgs),
    /// Translate a script to an equivalent PySpark program (python/spark-submit JOB.py).
    Export(ExportArgs),
    /// Print the Rhai program centella runs for a PySpark program (`centella PROGRAM.py`).
    Translate(TranslateArgs),
}

#[derive(clap::Args, Debug)]
pub struct TranslateArgs {
    /// The PySpark program (.py) to translate.
    pub program: String,

    /// Write the Rhai to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct FeedArgs {
    /// A file whose lines are served (each client gets them from the start), or `-` for stdin.
    pub file: Option<String>,

    /// The port to listen on.
    #[arg(long, short = 'p', default_value_t = 9999)]
    pub port: u16,

    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,

    /// Lines per second to each client.
    #[arg(long, value_name = "N", value_parser = parse_rate)]
    pub rate: Option<f64>,

    /// Repeat the file forever.
    #[arg(long = "loop")]
    pub looping: bool,

    /// Generate demo data instead of reading a file: words, sensors or tweets.
    #[arg(long, value_name = "KIND", value_parser = ["words", "sensors", "tweets"])]
    pub generate: Option<String>,

    /// Send what you type, line by line, like `nc -lk`.
    #[arg(long)]
    pub interactive: bool,

    /// Produce into a Kafka topic on this broker (host:port) instead of serving a port.
    #[arg(long, value_name = "BROKER", requires = "topic")]
    pub kafka: Option<String>,

    /// The topic to produce into (with --kafka).
    #[arg(long, value_name = "TOPIC", requires = "kafka")]
    pub topic: Option<String>,

    /// Partitions of the topic if it has to be created (with --kafka).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(i32).range(1..))]
    pub partitions: i32,

    /// How produced record batches are compressed (with --kafka).
    #[arg(long, value_enum, default_value_t = KafkaCompression::None, requires = "kafka")]
    pub compression: KafkaCompression,
}

/// Record-batch compression codecs of the Kafka protocol.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KafkaCompression {
    None,
    Gzip,
    Snappy,
    Lz4,
    Zstd,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The .rhai script to translate.
    pub script: String,

    /// Write the program to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<String>,
}
