//! `centella export`: the script as a PySpark program, on stdout or in `--output`.

use super::args::ExportArgs;
use super::run_script::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

pub fn run(args: &ExportArgs) -> i32 {
    let code = match std::fs::read_to_string(&args.script) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot read script {}: {e}", args.script);
            return EXIT_USAGE;
        }
    };
    let python = match crate::export::export(&args.script, &code) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    match &args.output {
        Some(path) => match std::fs::write(path, python) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("error: cannot write {path}: {e}");
                EXIT_FAILED
            }
        },
        None => {
            print!("{python}");
            EXIT_OK
        }
    }
}
