//! The expression tree of a recognised closure body, and its evaluation. Every node is pure;
//! `None` anywhere means "ask Rhai", never an error of its own.

use super::intern::Scratch;
use super::ops::{self, ArithOp, CmpOp, Sep};
use crate::engine::func::Record;
use rhai::ImmutableString;
use std::borrow::Cow;

#[derive(Clone, Debug)]
pub enum Node {
    /// The closure's i-th parameter.
    Param(usize),
    Const(Record),
    /// `[a, b, ...]`: how scripts build tuples (and pairs).
    Array(Vec<Node>),
    /// `x[i]` with a constant integer index.
    Index(Box<Node>, i64),
    /// `a + b`, `a - b`, `a * b`, `a / b`, `a % b`, and translated Python's `py_add(a, b)`.
    Arith(ArithOp, Box<Node>, Box<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    /// `a && b && ...` and `a || b || ...`: bools only, short-circuiting as Rhai does.
    And(Vec<Node>),
    Or(Vec<Node>),
    /// `!a` on a bool.
    Not(Box<Node>),
    /// `s.split(sep)` with a constant separator.
    Split(Box<Node>, Sep),
    /// `py_split(s, sep)` with a constant non-empty separator (a list).
    PySplit(Box<Node>, ImmutableString),
    /// `x.len()` of a string or an array.
    Len(Box<Node>),
}

impl Node {
    /// The call: arguments that the result holds as they are move into it.
    pub fn run(&self, args: &mut [Record], scratch: &mut Scratch) -> Option<Record> {
        match self {
            Node::Param(i) => args.get_mut(*i).map(std::mem::take),
            Node::Array(items) => build_array(items, args, scratch),
            _ => self.eval(args, scratch),
        }
    }

    /// The node's value, borrowed when it is an argument or a constant.
    fn value<'a>(&'a self, args: &'a [Record], scratch: &mut Scratch) -> Option<Cow<'a, Record>> {
        match self {
            Node::Param(i) => args.get(*i).map(Cow::Borrowed),
            Node::Const(c) => Some(Cow::Borrowed(c)),
            _ => self.eval(args, scratch).map(Cow::Owned),
        }
    }

    fn eval(&self, args: &[Record], scratch: &mut Scratch) -> Option<Record> {
        match self {
            Node::Param(_) | Node::Const(_) => self.value(args, scratch).map(Cow::into_owned),
            Node::Array(items) => items
                .iter()
                .map(|n| n.eval(args, scratch))
                .collect::<Option<Vec<_>>>()
                .map(Record::from_array),
            Node::Index(a, i) => ops::index(&*a.value(args, scratch)?, *i),
            Node::Arith(op, a, b) => {
                let x = a.value(args, scratch)?;
                ops::arith(*op, &x, &*b.value(args, scratch)?)
            }
            Node::Cmp(op, a, b) => {
                let x = a.value(args, scratch)?;
                ops::compare(*op, &x, &*b.value(args, scratch)?)
            }
            Node::And(items) => logic(items, args, scratch, false),
            Node::Or(items) => logic(items, args, scratch, true),
            Node::Not(a) => a
                .value(args, scratch)?
                .as_bool()
                .ok()
                .map(|b| Record::from(!b)),
            Node::Split(s, sep) => {
                let s = s.value(args, scratch)?;
                ops::split(&s, sep, scratch)
            }
            Node::PySplit(s, sep) => {
                let s = s.value(args, scratch)?;
                ops::py_split(&s, sep, scratch)
            }
            Node::Len(a) => ops::len(&*a.value(args, scratch)?),
        }
    }
}

/// `&&` (`stop_at` false) or `||` (true): the first operand equal to `stop_at` decides; every
/// operand evaluated must be a bool.
fn logic(items: &[Node], args: &[Record], scratch: &mut Scratch, stop_at: bool) -> Option<Record> {
    for n in items {
        if n.value(args, scratch)?.as_bool().ok()? == stop_at {
            return Some(Record::from(stop_at));
        }
    }
    Some(Record::from(!stop_at))
}

/// `[a, b, ...]`: the items built by `build_items`. One allocation: the array's own.
fn build_array(items: &[Node], args: &mut [Record], scratch: &mut Scratch) -> Option<Record> {
    let mut v = vec![Record::UNIT; items.len()];
    build_items(items, args, scratch, &mut v)?;
    Some(Record::from_array(v))
}

/// `[a, b]` as its two items, without the array (the engine's `call_pair`).
pub fn build_pair(
    items: &[Node],
    args: &mut [Record],
    scratch: &mut Scratch,
) -> Option<(Record, Record)> {
    let mut v = [Record::UNIT, Record::UNIT];
    if items.len() != v.len() {
        return None;
    }
    build_items(items, args, scratch, &mut v)?;
    let [a, b] = v;
    Some((a, b))
}

/// Fills `out` (as long as `items`) with the items' values: computed items first, then the
/// parameters, moved when an argument appears once among the items (a Rhai call consumes its
/// arguments too), so that giving up halfway leaves the arguments untouched.
fn build_items(
    items: &[Node],
    args: &mut [Record],
    scratch: &mut Scratch,
    out: &mut [Record],
) -> Option<()> {
    for (slot, n) in out.iter_mut().zip(items) {
        match n {
            Node::Param(i) if *i < args.len() => {}
            Node::Param(_) => return None,
            _ => *slot = n.eval(args, scratch)?,
        }
    }
    for (at, n) in items.iter().enumerate() {
        if let Node::Param(i) = n {
            let used_later = items[at + 1..]
                .iter()
                .any(|x| matches!(x, Node::Param(j) if j == i));
            out[at] = if used_later {
                args[*i].clone()
            } else {
                std::mem::take(&mut args[*i])
            };
        }
    }
    Some(())
}
