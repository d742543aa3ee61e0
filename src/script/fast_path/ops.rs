//! Rhai's built-in operators on the types the fast path is sure about. Each function returns
//! None wherever Rhai would do something else (another type, an overflow, a division by zero,
//! an index out of range): the caller then lets Rhai run the closure and say it.

use super::intern::Scratch;
use crate::engine::func::Record;
use rhai::{Array, ImmutableString};
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// `a op b` on ints (checked: an overflow or a zero divisor is Rhai's error), floats, an int
/// and a float (as floats, as Rhai does), and `+` on two strings.
pub fn arith(op: ArithOp, a: &Record, b: &Record) -> Option<Record> {
    if let (Ok(x), Ok(y)) = (a.as_int(), b.as_int()) {
        return match op {
            ArithOp::Add => x.checked_add(y),
            ArithOp::Sub => x.checked_sub(y),
            ArithOp::Mul => x.checked_mul(y),
            ArithOp::Div => x.checked_div(y),
            ArithOp::Rem => x.checked_rem(y),
        }
        .map(Record::from);
    }
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return Some(Record::from(match op {
            ArithOp::Add => x + y,
            ArithOp::Sub => x - y,
            ArithOp::Mul => x * y,
            ArithOp::Div => x / y,
            ArithOp::Rem => x % y,
        }));
    }
    if op != ArithOp::Add {
        return None;
    }
    let x = a.read_lock::<ImmutableString>()?;
    let y = b.read_lock::<ImmutableString>()?;
    let mut s = String::with_capacity(x.len() + y.len());
    s.push_str(&x);
    s.push_str(&y);
    Some(Record::from(s))
}

/// A float, or an int seen as one; None for anything else.
fn number(d: &Record) -> Option<f64> {
    d.as_float()
        .ok()
        .or_else(|| d.as_int().ok().map(|i| i as f64))
}

/// `a op b` on two ints, numbers with a float (Rhai's relative-epsilon comparison, below),
/// strings, and `==`/`!=` on two bools.
pub fn compare(op: CmpOp, a: &Record, b: &Record) -> Option<Record> {
    let ord: Ordering = if let (Ok(x), Ok(y)) = (a.as_int(), b.as_int()) {
        x.cmp(&y)
    } else if let (Some(x), Some(y)) = (number(a), number(b)) {
        return Some(Record::from(compare_floats(op, x, y)));
    } else if let (Ok(x), Ok(y)) = (a.as_bool(), b.as_bool()) {
        return match op {
            CmpOp::Eq => Some(Record::from(x == y)),
            CmpOp::Ne => Some(Record::from(x != y)),
            _ => None,
        };
    } else {
        let x = a.read_lock::<ImmutableString>()?;
        let y = b.read_lock::<ImmutableString>()?;
        x.as_str().cmp(y.as_str())
    };
    Some(Record::from(match op {
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
    }))
}

/// Rhai's (checked build's) float comparison, copied from its `builtin.rs`: equal within a
/// relative `EPSILON` (so `0.1 + 0.2 == 0.3`), and false for every NaN comparison, `!=` too.
fn compare_floats(op: CmpOp, x: f64, y: f64) -> bool {
    let max = if x * y == 0.0 {
        1.0
    } else {
        x.abs().max(y.abs())
    };
    if max == 0.0 {
        return matches!(op, CmpOp::Eq | CmpOp::Ge | CmpOp::Le);
    }
    let eps = f64::EPSILON;
    match op {
        CmpOp::Eq => (x - y).abs() / max <= eps,
        CmpOp::Ne => (x - y).abs() / max > eps,
        CmpOp::Gt => (x - y) / max > eps,
        CmpOp::Ge => (x - y) / max > -eps,
        CmpOp::Lt => (y - x) / max > eps,
        CmpOp::Le => (y - x) / max > -eps,
    }
}

/// `a[i]` on an array: negative indexes count from the end, as in Rhai. Strings, maps, ints
/// (bit fields) and out-of-range indexes are Rhai's business.
pub fn index(a: &Record, i: i64) -> Option<Record> {
    let items = a.read_lock::<Array>()?;
    let n = i64::try_from(items.len()).ok()?;
    let at = if i < 0 { i.checked_add(n)? } else { i };
    if at < 0 || at >= n {
        return None;
    }
    let item = items.get(usize::try_from(at).ok()?)?;
    // A shared value (captured by a closure) is Rhai's to read.
    (!item.is_shared()).then(|| item.clone())
}

/// `x.len()`: characters of a string, items of an array.
pub fn len(a: &Record) -> Option<Record> {
    if let Some(s) = a.read_lock::<ImmutableString>() {
        return i64::try_from(s.chars().count()).ok().map(Record::from);
    }
    let items = a.read_lock::<Array>()?;
    i64::try_from(items.len()).ok().map(Record::from)
}

/// A separator of `split`.
#[derive(Clone, Debug)]
pub enum Sep {
    Str(ImmutableString),
    Char(char),
}

/// Rhai's `s.split(sep)`: the string itself when it is empty or does not contain the
/// separator, else its parts. (A one-byte separator splits as a char: the same parts, found
/// with memchr.)
pub fn split(s: &Record, sep: &Sep, scratch: &mut Scratch) -> Option<Record> {
    let s = s.read_lock::<ImmutableString>()?;
    if s.is_empty() {
        return Some(Record::from_array(vec![Record::from(s.clone())]));
    }
    let parts = match sep {
        Sep::Str(d) if d.len() == 1 => parts(s.split(char::from(d.as_bytes()[0])), scratch),
        Sep::Str(d) => parts(s.split(d.as_str()), scratch),
        Sep::Char(c) => parts(s.split(*c), scratch),
    };
    // One part: the separator is absent (or the string empty), and Rhai returns the string.
    Some(Record::from_array(match parts {
        Some(p) => p,
        None => vec![Record::from(s.clone())],
    }))
}

/// The texts `split(s, sep)` (Rhai's, above) or `py_split(s, sep)` would return, handed to
/// `each` in order, with its first error: Rhai gives `[s]` for an empty `s`, the only case
/// where Rust's split of a non-empty string differs (`"".split("")` is two empty parts).
pub fn split_each<E>(
    s: &str,
    sep: &Sep,
    each: &mut dyn FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    match sep {
        Sep::Str(d) => split_str_each(s, d, each),
        Sep::Char(_) if s.is_empty() => each(s),
        Sep::Char(c) => match u8::try_from(*c) {
            Ok(b) if b.is_ascii() => split_byte_each(s, b, each),
            _ => s.split(*c).try_for_each(each),
        },
    }
}

/// `split_each` with a string separator (a one-byte one splits as a char, found by memchr).
pub fn split_str_each<E>(
    s: &str,
    sep: &str,
    each: &mut dyn FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    if s.is_empty() {
        return each(s);
    }
    match sep.as_bytes() {
        [b] => split_byte_each(s, *b, each),
        _ => s.split(sep).try_for_each(each),
    }
}

/// `s.split(b)` for an ASCII byte `b` (never part of a multi-byte character, so every cut
/// is at a character boundary), by a plain scan: for a line's short words, quicker than
/// searching for each separator with `memchr`.
fn split_byte_each<E>(
    s: &str,
    b: u8,
    each: &mut dyn FnMut(&str) -> Result<(), E>,
) -> Result<(), E> {
    let mut start = 0;
    for (at, &c) in s.as_bytes().iter().enumerate() {
        if c == b {
            each(s.get(start..at).unwrap_or_default())?;
            start = at + 1;
        }
    }
    each(s.get(start..).unwrap_or_default())
}

/// The parts as records, or None when there is only one.
fn parts<'a>(mut it: impl Iterator<Item = &'a str>, scratch: &mut Scratch) -> Option<Array> {
    let first = it.next()?;
    let second = it.next()?;
    let mut out = Vec::with_capacity(16);
    out.push(Record::from(scratch.string(first)));
    out.push(Record::from(scratch.string(second)));
    out.extend(it.map(|p| Record::from(scratch.string(p))));
    Some(out)
}

/// `py_split(s, sep)` with a non-empty separator: Python's `str.split`, which is Rust's, as a
/// list.
pub fn py_split(s: &Record, sep: &str, scratch: &mut Scratch) -> Option<Record> {
    let s = s.read_lock::<ImmutableString>()?;
    let mut out = Vec::new();
    let mut push = |p: &str| out.push(Record::from(scratch.string(p)));
    match sep.as_bytes() {
        [b] => s.split(char::from(*b)).for_each(&mut push),
        _ => s.split(sep).for_each(&mut push),
    }
    Some(crate::engine::record::list(out))
}
