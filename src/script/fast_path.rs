//! Native execution of the closure shapes that dominate real scripts, with Rhai's exact
//! semantics: `|a, b| a + b`, `|w| [w, 1]`, `|l| l.split(" ")`, `|x| x > 3`, `|r| r[1]`,
//! `|p| [p[1], p[0]]`, `|x| x % 2 == 0 && x > 3`, `|w| w.len()`, and the `py_add`/`py_split`
//! that translated Python writes.
//!
//! The closure's body is read once, when the closure becomes an engine function, into a small
//! expression tree (`node.rs`, built by `recognise.rs`). Each call evaluates the tree on the
//! arguments; every operation answers only for the types it is sure about (`ops.rs`) and
//! otherwise gives up, and the whole call then runs in Rhai. **Invariant:** every node is pure
//! (no side effect, no state but the per-task string cache of `intern.rs`), so giving up
//! halfway and re-running the closure in Rhai is unobservable, and results and error messages
//! are always Rhai's own (an overflow, a wrong type, an index out of range are all Rhai's).

mod intern;
mod node;
mod ops;
mod recognise;
#[cfg(test)]
mod tests;

use crate::engine::func::Record;
pub use intern::Scratch;
pub use node::Node;
pub use recognise::recognise;

/// A recognised closure body.
#[derive(Clone, Debug)]
pub struct FastShape {
    body: Node,
    /// The closure's parameters: a call with another number of arguments is Rhai's error.
    arity: usize,
}

impl FastShape {
    /// Runs the shape natively, or returns None to let Rhai handle the call. Arguments are
    /// consumed (as a Rhai call consumes them) only when the shape answers.
    pub fn run(&self, args: &mut [Record], scratch: &mut Scratch) -> Option<Record> {
        if args.len() != self.arity {
            return None;
        }
        self.body.run(args, scratch)
    }

    /// `|x| [x, c]`: c, the value of every call's pair.
    pub fn const_pair(&self) -> Option<&Record> {
        match (&self.body, self.arity) {
            (Node::Array(items), 1) => match items.as_slice() {
                [Node::Param(0), Node::Const(c)] => Some(c),
                _ => None,
            },
            _ => None,
        }
    }

    /// A one-argument `|x| [a, b]` as its two items, without the array; `arg` is consumed
    /// only when the shape answers.
    pub fn run_pair(&self, arg: &mut Record, scratch: &mut Scratch) -> Option<(Record, Record)> {
        match (&self.body, self.arity) {
            (Node::Array(items), 1) => node::build_pair(items, std::slice::from_mut(arg), scratch),
            _ => None,
        }
    }

    /// `|l| l.split(sep)` or `|l| py_split(l, sep)` on a string: its parts, handed to `each`
    /// (no list, no strings made), with `each`'s first error. None for anything else.
    pub fn str_parts<E>(
        &self,
        arg: &Record,
        each: &mut dyn FnMut(&str) -> Result<(), E>,
    ) -> Option<Result<(), E>> {
        if self.arity != 1 {
            return None;
        }
        match &self.body {
            Node::Split(s, sep) if matches!(**s, Node::Param(0)) => {
                let text = arg.read_lock::<rhai::ImmutableString>()?;
                Some(ops::split_each(&text, sep, each))
            }
            Node::PySplit(s, sep) if matches!(**s, Node::Param(0)) => {
                let text = arg.read_lock::<rhai::ImmutableString>()?;
                Some(ops::split_str_each(&text, sep, each))
            }
            _ => None,
        }
    }

    /// `|a, b| a op b` on two ints: Rust's checked operation, whose None (an overflow, a zero
    /// divisor) is where the fast path, too, leaves the call to Rhai.
    pub fn int_op(&self) -> Option<fn(i64, i64) -> Option<i64>> {
        let Node::Arith(op, a, b) = &self.body else {
            return None;
        };
        if self.arity != 2 || !matches!((&**a, &**b), (Node::Param(0), Node::Param(1))) {
            return None;
        }
        Some(match op {
            ops::ArithOp::Add => i64::checked_add,
            ops::ArithOp::Sub => i64::checked_sub,
            ops::ArithOp::Mul => i64::checked_mul,
            ops::ArithOp::Div => i64::checked_div,
            ops::ArithOp::Rem => i64::checked_rem,
        })
    }
}
