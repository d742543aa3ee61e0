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
}
