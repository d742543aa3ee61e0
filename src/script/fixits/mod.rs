//! Fix-its for a PySpark user's Rhai mistakes.
//!
//! A syntax error in code that reads as Python gets a hint naming the Rhai form with the
//! user's lines rewritten ([`python_line`]); a run-time "Function not found" is said in the
//! user's terms, with the Rhai name of a Python method (`startswith` → `starts_with`) or
//! what a `()` argument means ([`runtime`]).

pub mod python_line;
pub mod runtime;

pub use python_line::for_syntax;
pub use runtime::{
    KnownFunctions, function_call_not_found, function_not_found, rewritten_call, undeclared,
    user_type,
};
