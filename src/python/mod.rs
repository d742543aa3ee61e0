//! `centella PROGRAM.py`: a PySpark DStream program read with a real Python parser (ruff's)
//! and translated into the Rhai program centella runs. Python's meaning is kept where the
//! two languages differ through the `py_*` helpers of `script/api_python`; what cannot be
//! translated is an error naming the construct, its `file:line:col` and what to write instead.
//!
//! `program.rs` the module level (`build(ssc, sc)`, drivers, imports), `defs.rs` `def`
//! functions and function-wide variables, `preamble.rs` the contexts and sessions, `stmt.rs`
//! statements, `expr.rs` expressions, `operators.rs` operators, truthiness and comparisons,
//! `calls.rs` calls and methods, `modules.rs` the standard modules with a translation
//! (operator, math, time, tempfile, sys), `builtins.rs` Python's builtins, `signatures.rs`
//! the keyword arguments of PySpark's API, `export_helpers.rs` the helpers `centella export`
//! writes.

mod builtins;
mod calls;
mod defs;
pub mod error;
mod export_helpers;
mod expr;
mod modules;
mod names;
mod operators;
mod preamble;
mod program;
mod signatures;
mod stmt;
#[cfg(test)]
mod tests;

pub use error::TranslateError;

use error::Lines;
use ruff_python_ast::ModModule;
use ruff_text_size::Ranged;

/// Translates a whole PySpark program into a Rhai script that starts and awaits its
/// StreamingContext as the program does. `file` names the program in errors.
pub fn translate_program(file: &str, source: &str) -> Result<String, TranslateError> {
    translate_program_and_master(file, source).map(|(rhai, _)| rhai)
}

/// A translated program and the master URL its preamble names (`SparkContext("local[4]",
/// "app")`, `.setMaster(...)`, `SparkSession.builder.master(...)`), which `centella
/// PROGRAM.py` uses unless `--master` is given.
pub fn translate_program_and_master(
    file: &str,
    source: &str,
) -> Result<(String, Option<String>), TranslateError> {
    with_large_stack(|| {
        let module = parse(file, source)?;
        program::Program::new(file, source, program::Mode::Program).translate_with_master(&module)
    })
}

/// Translates one shell entry (a line or a pasted block) into Rhai: no preamble is added and
/// `sc`/`ssc` are the shell's. Errors as for programs.
pub fn translate_entry(entry: &str) -> Result<String, TranslateError> {
    translate_entry_with(entry, &[], &[])
}

/// As [`translate_entry`], knowing the functions earlier entries defined (so `map(f)` passes
/// `Fn("f")` and `f(x)` calls it) and the session's variables (assigned, never declared
/// again: a name first set inside an `if` or a loop is declared with `let x = ();` before it
/// only when the session does not have it yet).
pub fn translate_entry_with(
    entry: &str,
    functions: &[String],
    variables: &[String],
) -> Result<String, TranslateError> {
    with_large_stack(|| {
        let module = parse("<input>", entry)?;
        program::Program::new("<input>", entry, program::Mode::Entry)
            .with_functions(functions)
            .with_variables(variables)
            .translate(&module)
    })
}

/// The shell's hook: for an entry that failed to parse as Rhai, the Rhai it means when it
/// reads as Python (`visits = ssc.queueStream([[('Web', 1)]])`, a lambda chain, a `def` with
/// an indented body, `x = ...` without `let`), else `None`. `functions` are the names the
/// session defined with `fn` so far (`ScriptHost::function_names`), `variables` the names in
/// its scope (`ScriptHost::scope()`). `>>> `/`... ` prompts of pasted sessions and slides are
/// ignored. The text returned is complete Rhai statements (each ending in `;` or `}`), ready
/// to show and run.
pub fn read_as_python(entry: &str, functions: &[String], variables: &[String]) -> Option<String> {
    if entry.trim().is_empty() {
        return None;
    }
    let entry = without_prompts(entry);
    let rhai = translate_entry_with(&entry, functions, variables).ok()?;
    let rhai = rhai.trim().to_string();
    (!rhai.is_empty()).then_some(rhai)
}

/// A line pasted from a Python session or a slide, without its `>>> ` or `... ` prompt (a
/// bare `...` is the blank line that ends a block). Neither prompt begins any Rhai line.
pub fn without_prompt(line: &str) -> &str {
    for prompt in [">>> ", "... ", ">>>", "..."] {
        if let Some(rest) = line.strip_prefix(prompt) {
            // `...x` is not a prompt; `...` alone or before a space is.
            if prompt.len() == 4 || rest.trim().is_empty() {
                return if rest.trim().is_empty() { "" } else { rest };
            }
        }
    }
    line
}

/// An entry with [`without_prompt`] applied to each of its lines.
pub fn without_prompts(code: &str) -> std::borrow::Cow<'_, str> {
    if !code.lines().any(|l| without_prompt(l).len() != l.len()) {
        return std::borrow::Cow::Borrowed(code);
    }
    std::borrow::Cow::Owned(
        code.split('\n')
            .map(without_prompt)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Runs a translation on a thread with a large stack: ruff's syntax tree is recursive (and so
/// is dropping it), and hostile input (`1+1+...` a million times) must not crash centella.
fn with_large_stack<T: Send>(
    f: impl FnOnce() -> Result<T, TranslateError> + Send,
) -> Result<T, TranslateError> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn_scoped(s, f)
            .map_err(|e| TranslateError {
                file: String::new(),
                line: 0,
                col: 0,
                construct: format!("the program (no thread to translate it on: {e})"),
                hint: String::new(),
                source_line: String::new(),
                syntax: false,
            })?
            .join()
            .unwrap_or_else(|_| {
                Err(TranslateError {
                    file: String::new(),
                    line: 0,
                    col: 0,
                    construct: "the program (the translator failed)".into(),
                    hint: String::new(),
                    source_line: String::new(),
                    syntax: false,
                })
            })
    })
}

/// Brackets nested deeper than any program needs are refused before parsing.
fn check_nesting(file: &str, source: &str) -> Result<(), TranslateError> {
    const MAX: usize = 200;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    for (i, c) in source.char_indices() {
        if comment {
            comment = c != '\n';
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q || c == '\n' {
                quote = None;
            }
            continue;
        }
        match c {
            '#' => comment = true,
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX {
                    let lines = Lines::new(source);
                    let (line, col) = lines.line_col(i);
                    return Err(TranslateError {
                        file: file.to_string(),
                        line,
                        col,
                        construct: format!("brackets nested more than {MAX} deep"),
                        hint: "split the expression into variables".into(),
                        source_line: lines.text(line).chars().take(200).collect(),
                        syntax: false,
                    });
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn parse(file: &str, source: &str) -> Result<ModModule, TranslateError> {
    check_nesting(file, source)?;
    match ruff_python_parser::parse_module(source) {
        Ok(parsed) => Ok(parsed.into_syntax()),
        Err(e) => {
            let lines = Lines::new(source);
            let (line, col) = lines.line_col(e.location.start().to_usize());
            Err(TranslateError {
                file: file.to_string(),
                line,
                col,
                construct: e.error.to_string(),
                hint: String::new(),
                source_line: lines.text(line).chars().take(200).collect(),
                syntax: true,
            })
        }
    }
}

/// Where a node is, for errors.
pub(crate) fn error_at(
    file: &str,
    lines: &Lines,
    node: &impl Ranged,
    construct: impl Into<String>,
    hint: impl Into<String>,
) -> TranslateError {
    let (line, col) = lines.line_col(node.start().to_usize());
    TranslateError {
        file: file.to_string(),
        line,
        col,
        construct: construct.into(),
        hint: hint.into(),
        source_line: lines.text(line).chars().take(200).collect(),
        syntax: false,
    }
}

/// For a `.rhai` script's syntax error: when the failing line reads as Python, the Rhai it
/// means, as a sentence to append to the error (`this line reads as Python; in Rhai: ...`).
pub fn rhai_suggestion(line: &str) -> Option<String> {
    let rhai = read_as_python(line.trim(), &[], &[])?;
    Some(format!("this line reads as Python; in Rhai: {rhai}"))
}
