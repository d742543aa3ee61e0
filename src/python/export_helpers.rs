//! `centella export` writes small Python helpers (`_add`, `_tup`, ...) that keep Rhai's
//! meaning in PySpark, and a `main(argv)` that parses options and runs `build(ssc, sc)`.
//! Translating an exported program back turns each helper into the Rhai it stands for, so
//! the round trip gives the original script's behaviour. A helper is recognised only by its
//! exact source: a user's own `_add` is translated like any other function.

use super::error::Lines;
use crate::export::helpers::HELPERS;
use ruff_python_ast::{self as ast, Stmt};
use ruff_text_size::Ranged;

/// Whether this `def` is one of export's helpers, written as export writes it.
pub fn is_export_helper(f: &ast::StmtFunctionDef, lines: &Lines) -> bool {
    let Some((_, code)) = HELPERS.iter().find(|(n, _)| *n == f.name.id.as_str()) else {
        return false;
    };
    let (first, _) = lines.line_col(f.start().to_usize());
    let (last, _) = lines.line_col(f.end().to_usize());
    let text: Vec<&str> = (first..=last).map(|l| lines.text(l).trim_end()).collect();
    let expected: Vec<&str> = code.lines().map(str::trim_end).collect();
    text == expected
}

/// Export's `main(argv)`: it parses options with argparse and runs `build(ssc, sc)`; centella
/// runs `build` itself.
pub fn is_export_main(f: &ast::StmtFunctionDef) -> bool {
    f.name.id.as_str() == "main"
        && f.body.iter().any(|s| match s {
            Stmt::Import(i) => i.names.iter().any(|a| a.name.id.as_str() == "argparse"),
            _ => false,
        })
}

/// The Rhai for a call of export helper `name` with translated arguments (`arity` the
/// number of parameters of a function argument, when known).
pub fn call(name: &str, args: &[String], fn_arity: Option<usize>) -> Option<String> {
    let a = |i: usize| args.get(i).cloned().unwrap_or_else(|| "()".into());
    Some(match (name, args.len()) {
        ("_add", 2) => format!("({}) + ({})", a(0), a(1)),
        ("_iadd", 2) => format!("({{ let py_acc = {}; py_acc += {}; py_acc }})", a(0), a(1)),
        ("_div", 2) => format!("({}) / ({})", a(0), a(1)),
        ("_mod", 2) => format!("({}) % ({})", a(0), a(1)),
        ("_str", 1) => format!("({}).to_string()", a(0)),
        ("_debug", 1) => format!("({}).to_debug()", a(0)),
        ("_float", 2) => format!(
            "if {} {{ ({}).to_debug() }} else {{ ({}).to_string() }}",
            a(1),
            a(0),
            a(0)
        ),
        ("_type_of", 1) => format!("type_of({})", a(0)),
        ("_tup", 1) => format!("py_deep_tuple({})", a(0)),
        ("_tupled", 1) => {
            let n = fn_arity?;
            let params: Vec<String> = (0..n).map(|i| format!("py_a{i}")).collect();
            format!(
                "|{}| py_deep_tuple(({}).call({}))",
                params.join(", "),
                a(0),
                params.join(", ")
            )
        }
        ("_sub_string", 3) => format!("({}).sub_string({}, {})", a(0), a(1), a(2)),
        ("_listed", 1) | ("_by_str", 1) => a(0),
        ("live_sensor", 2) => format!("live_sensor({}, {})", a(0), a(1)),
        _ => return None,
    })
}
