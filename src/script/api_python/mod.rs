//! The native helpers that keep Python's meaning in Rhai translated from a PySpark program
//! (`src/python/`). Their names start with `py_`, which no Rhai script of the course uses, so
//! they never clash with a user's names. Errors read as Python's exceptions
//! (`ZeroDivisionError: division by zero`).
//!
//! `ops.rs` arithmetic, comparison and truthiness; `iterables.rs` builtins over sequences
//! (len, sorted, zip, ...) and list/dict methods; `subscripts.rs` indexing and slicing;
//! `strings.rs` str methods; `format.rs`
//! f-string specs, `%` formatting and `str.format`.

mod format;
mod iterables;
mod ops;
mod strings;
mod subscripts;

use rhai::{Dynamic, Engine, EvalAltResult, Position};

pub type PyResult<T> = Result<T, Box<EvalAltResult>>;

/// A Python exception as a Rhai runtime error.
pub fn py_err<T>(msg: impl Into<String>) -> PyResult<T> {
    Err(EvalAltResult::ErrorRuntime(Dynamic::from(msg.into()), Position::NONE).into())
}

pub fn register(engine: &mut Engine) {
    ops::register(engine);
    iterables::register(engine);
    subscripts::register(engine);
    strings::register(engine);
    format::register(engine);
}

#[cfg(test)]
mod tests;
