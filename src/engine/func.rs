//! The seam between the engine and whatever defines user functions (the scripting layer).
//! The engine only ever sees these traits: it never evaluates Rhai itself.

use std::fmt;
use std::sync::Arc;

pub use super::record::Record;

/// A failure inside a user function, as text ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct FnError(pub String);

impl fmt::Display for FnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FnError {
    pub fn new(msg: impl Into<String>) -> FnError {
        FnError(msg.into())
    }
}

/// Where an operation was defined, e.g. `map at wordcount.rhai:4:12`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpSite {
    pub op: String,
    pub location: String,
}

impl OpSite {
    pub fn new(op: impl Into<String>, location: impl Into<String>) -> OpSite {
        OpSite {
            op: op.into(),
            location: location.into(),
        }
    }
}

impl fmt::Display for OpSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            f.write_str(&self.op)
        } else {
            write!(f, "{} at {}", self.op, self.location)
        }
    }
}

/// A user function called once per record (or per pair of values).
///
/// `caller()` is invoked once per partition and task, so implementations can set up
/// per-thread call state once and reuse it for every record.
pub trait RecordFn: Send + Sync {
    fn caller(&self) -> Box<dyn FnCall + '_>;
    /// Number of parameters the function declares, when known.
    fn arity(&self) -> Option<usize> {
        None
    }
}

/// Per-task call state of a [`RecordFn`]. Arguments are consumed.
pub trait FnCall {
    fn call(&mut self, args: &mut [Record]) -> Result<Record, FnError>;

    fn call1(&mut self, a: Record) -> Result<Record, FnError> {
        self.call(&mut [a])
    }
    fn call2(&mut self, a: Record, b: Record) -> Result<Record, FnError> {
        self.call(&mut [a, b])
    }

    // What follows lets the engine skip building values a known function shape makes only
    // to be taken apart (a pair array per word, a list of words per line). Each answers
    // None when it cannot tell, and the engine then makes the ordinary call: an answer
    // must be exactly what the ordinary call would give.

    /// The (key, value) pair `call1(a)` returns, without the 2-element array. `a` is
    /// consumed only when it answers.
    fn call_pair(&mut self, _a: &mut Record) -> Option<Result<(Record, Record), FnError>> {
        None
    }

    /// `Some(c)` when every `call1(x)` returns the pair `[x, c]` (`|w| [w, 1]`), whatever `x`.
    fn const_pair(&self) -> Option<&Record> {
        None
    }

    /// When `call1(a)` returns a list of strings (`|l| l.split(" ")` on a string): hands each
    /// to `each` in order, without the list, and gives `each`'s first error. None, with `each`
    /// never called, when it cannot tell for this `a`.
    fn call_str_parts(
        &mut self,
        _a: &Record,
        _each: &mut dyn FnMut(&str) -> Result<(), FnError>,
    ) -> Option<Result<(), FnError>> {
        None
    }

    /// When `call2(x, y)` on two ints is an integer operation (`|a, b| a + b`): that
    /// operation, whose None means "make the call" (an overflow is the script's error).
    fn int_op(&self) -> Option<IntOp> {
        None
    }
}

/// An integer operation a function performs on two ints; None where the function itself
/// must answer (an overflow, a zero divisor).
pub type IntOp = fn(i64, i64) -> Option<i64>;

/// A Rust closure as a [`RecordFn`], for built-in operations and tests.
pub struct NativeFn<F>(pub F);

impl<F> RecordFn for NativeFn<F>
where
    F: Fn(&mut [Record]) -> Result<Record, FnError> + Send + Sync,
{
    fn caller(&self) -> Box<dyn FnCall + '_> {
        Box::new(NativeCall(&self.0))
    }
}

struct NativeCall<'a, F>(&'a F);

impl<F> FnCall for NativeCall<'_, F>
where
    F: Fn(&mut [Record]) -> Result<Record, FnError>,
{
    fn call(&mut self, args: &mut [Record]) -> Result<Record, FnError> {
        (self.0)(args)
    }
}

/// Shorthand to build a shared native record function.
pub fn native<F>(f: F) -> Arc<dyn RecordFn>
where
    F: Fn(&mut [Record]) -> Result<Record, FnError> + Send + Sync + 'static,
{
    Arc::new(NativeFn(f))
}
