//! Records: centella prints a Rhai array inside a record as a tuple, so where a value is a
//! record (what a `map` function returns, ...) the Python lists that stand for Rhai arrays
//! become tuples.

use super::{Returns, Ty, opt};

/// How a value of type `t` becomes a record: centella prints a Rhai array inside a record as a
/// tuple, so the Python lists that stand for Rhai arrays become tuples, deeply.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ToRecord {
    /// Nothing in it is (or may be) such a list.
    Keep,
    /// A list of values that need nothing: `tuple(x)`.
    Tuple,
    /// Anything else that may hold such lists: `_tup(x)`, which converts lists deeply.
    Helper,
}

pub fn to_record(t: &Ty) -> ToRecord {
    let keep = |t: &Ty| to_record(t) == ToRecord::Keep;
    match t {
        Ty::List(e) if keep(e) => ToRecord::Tuple,
        // Python lists that centella prints as lists too.
        Ty::SparkList(e) if keep(e) => ToRecord::Keep,
        Ty::Tuple(ts) if ts.iter().all(keep) => ToRecord::Keep,
        Ty::TupleOf(e) | Ty::Opt(e) if keep(e) => ToRecord::Keep,
        Ty::List(_)
        | Ty::SparkList(_)
        | Ty::Tuple(_)
        | Ty::TupleOf(_)
        | Ty::Opt(_)
        | Ty::Array(_)
        | Ty::Unknown => ToRecord::Helper,
        _ => ToRecord::Keep,
    }
}

/// What a caller that makes `shape` of a value of type `t` does to it, and the value's type
/// then (the Python lists that stand for Rhai arrays become tuples in records).
pub fn shape_rule(shape: Returns, t: &Ty) -> (ToRecord, Ty) {
    let convert = match shape {
        Returns::Value => ToRecord::Keep,
        Returns::Record => to_record(t),
        Returns::Records => to_records(t),
    };
    let ty = match shape {
        Returns::Records => Ty::TupleOf(Box::new(as_record(&t.elem()))),
        _ => as_record(t),
    };
    (convert, ty)
}

/// The type of a value of type `t` once it is a record (see [`to_record`]).
pub fn as_record(t: &Ty) -> Ty {
    match (to_record(t), t) {
        (ToRecord::Keep, _) => t.clone(),
        (_, Ty::List(e) | Ty::SparkList(e) | Ty::TupleOf(e)) => Ty::TupleOf(Box::new(as_record(e))),
        (_, Ty::Tuple(ts)) => Ty::Tuple(ts.iter().map(as_record).collect()),
        (_, Ty::Opt(e)) => opt(as_record(e)),
        // Perhaps a range, which `_tup` leaves as it is.
        (_, Ty::Array(e)) => Ty::Array(Box::new(as_record(e))),
        _ => t.clone(),
    }
}

/// How the records a closure returns to iterate over (a sequence of type `t`) become records:
/// [`ToRecord::Keep`] when its elements need nothing, else [`ToRecord::Helper`] (`_tup` of the
/// sequence: a tuple of records).
pub fn to_records(t: &Ty) -> ToRecord {
    match t {
        Ty::List(_) | Ty::SparkList(_) | Ty::Tuple(_) | Ty::TupleOf(_) | Ty::Array(_)
            if to_record(&t.elem()) == ToRecord::Keep =>
        {
            ToRecord::Keep
        }
        Ty::List(_)
        | Ty::SparkList(_)
        | Ty::Tuple(_)
        | Ty::TupleOf(_)
        | Ty::Array(_)
        | Ty::Unknown => ToRecord::Helper,
        _ => ToRecord::Keep,
    }
}
