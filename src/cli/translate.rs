//! `centella translate PROGRAM.py`: the Rhai a PySpark program runs as, and the reading of a
//! `.py` script for `centella PROGRAM.py`.

use super::args::TranslateArgs;
use super::run_script::{EXIT_FAILED, EXIT_USAGE};

/// Whether a script path names a PySpark program.
pub fn is_python(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("py"))
}

/// A script to run: its name in errors, its Rhai code and (for a PySpark program) the master
/// its preamble names.
pub struct Script {
    pub name: String,
    pub code: String,
    pub master: Option<String>,
}

/// Reads `path`; a PySpark program becomes the Rhai it translates to, whose errors name
/// `PROGRAM.py.rhai` (what `centella translate PROGRAM.py` prints). On failure the message
/// and the exit status.
pub fn read_script(path: &str) -> Result<Script, (String, i32)> {
    let code = std::fs::read_to_string(path)
        .map_err(|e| (format!("cannot read script {path}: {e}"), EXIT_USAGE))?;
    let name = super::file_name(path);
    if !is_python(path) {
        return Ok(Script {
            name,
            code,
            master: None,
        });
    }
    let (rhai, master) = crate::python::translate_program_and_master(&name, &code)
        .map_err(|e| (e.to_string(), EXIT_FAILED))?;
    Ok(Script {
        name: format!("{name}.rhai"),
        code: rhai,
        master,
    })
}

/// `centella translate PROGRAM.py [-o FILE]`.
pub fn run(args: &TranslateArgs) -> i32 {
    let code = match std::fs::read_to_string(&args.program) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot read program {}: {e}", args.program);
            return EXIT_USAGE;
        }
    };
    let rhai = match crate::python::translate_program(&super::file_name(&args.program), &code) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    match &args.output {
        Some(path) => match std::fs::write(path, rhai) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: cannot write {path}: {e}");
                EXIT_FAILED
            }
        },
        None => {
            print!("{rhai}");
            0
        }
    }
}
