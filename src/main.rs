//! The `centella` binary: parses the arguments; everything else is in `centella::cli`.

use clap::Parser;

fn main() {
    let args = centella::cli::args::Args::parse();
    std::process::exit(centella::cli::main(args));
}
