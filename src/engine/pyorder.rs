//! Python's ordering of records, for `sortByKey`, `sortBy`, `top`,
//! `takeOrdered`, `min` and `max`.
//!
//! PySpark sorts with Python's `<`: numbers compare numerically across
//! int/float/bool, strings by code point, tuples lexicographically, and
//! mixing incomparable types raises `TypeError`. This module reproduces
//! that, including the error text.

use std::cmp::Ordering;

use rhai::Dynamic;

use super::record::{RecordView, view};

/// Python's type name for a record value (`int`, `str`, `tuple`, …).
pub fn py_type_name(v: &Dynamic) -> &'static str {
    match view(v) {
        RecordView::None => "NoneType",
        RecordView::Bool(_) => "bool",
        RecordView::Int(_) => "int",
        RecordView::Float(_) => "float",
        RecordView::Str(_) | RecordView::Char(_) => "str",
        RecordView::List(_) => "list",
        RecordView::Tuple(_) => "tuple",
        RecordView::Map(_) => "dict",
        RecordView::Bytes(_) => "bytes",
        RecordView::Other => v.type_name(),
    }
}

/// Python's `TypeError` for `a < b` on values of types that do not order (its text is
/// Python's message, without the `TypeError: ` prefix).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("'<' not supported between instances of '{left}' and '{right}'")]
pub struct Unorderable {
    pub left: &'static str,
    pub right: &'static str,
}

/// Python's `a < b` / `a > b` as an ordering. NaN compares `Equal` with
/// everything; `()` equals `()`; unorderable pairs give Python's
/// `TypeError`.
pub fn compare(a: &Dynamic, b: &Dynamic) -> Result<Ordering, Unorderable> {
    let (va, vb) = (view(a), view(b));
    if let (Some(x), Some(y)) = (as_number(&va), as_number(&vb)) {
        return Ok(cmp_numbers(x, y).unwrap_or(Ordering::Equal));
    }
    let (mut buf_a, mut buf_b) = ([0; 4], [0; 4]);
    match (&va, &vb) {
        (RecordView::None, RecordView::None) => return Ok(Ordering::Equal),
        (RecordView::Tuple(x), RecordView::Tuple(y))
        | (RecordView::List(x), RecordView::List(y)) => return compare_seq(x, y),
        (RecordView::Bytes(x), RecordView::Bytes(y)) => return Ok((**x).cmp(&**y)),
        _ => {}
    }
    if let (Some(x), Some(y)) = (va.text(&mut buf_a), vb.text(&mut buf_b)) {
        return Ok(x.cmp(y));
    }
    Err(Unorderable {
        left: py_type_name(a),
        right: py_type_name(b),
    })
}

/// Tuple/list comparison: the first pair that is not `==` decides.
fn compare_seq(xs: &[Dynamic], ys: &[Dynamic]) -> Result<Ordering, Unorderable> {
    for (x, y) in xs.iter().zip(ys) {
        if !py_eq(x, y) {
            return compare(x, y);
        }
    }
    Ok(xs.len().cmp(&ys.len()))
}

/// Python's `a == b` (no identity shortcut, so NaN never equals NaN).
pub fn py_eq(a: &Dynamic, b: &Dynamic) -> bool {
    let (va, vb) = (view(a), view(b));
    if let (Some(x), Some(y)) = (as_number(&va), as_number(&vb)) {
        return cmp_numbers(x, y) == Some(Ordering::Equal);
    }
    let (mut buf_a, mut buf_b) = ([0; 4], [0; 4]);
    if let (Some(x), Some(y)) = (va.text(&mut buf_a), vb.text(&mut buf_b)) {
        return x == y;
    }
    match (&va, &vb) {
        (RecordView::None, RecordView::None) => true,
        (RecordView::Tuple(x), RecordView::Tuple(y))
        | (RecordView::List(x), RecordView::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(x, y)| py_eq(x, y))
        }
        (RecordView::Map(x), RecordView::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        (RecordView::Bytes(x), RecordView::Bytes(y)) => **x == **y,
        _ => false,
    }
}

#[derive(Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

fn as_number(v: &RecordView<'_>) -> Option<Num> {
    match *v {
        RecordView::Bool(b) => Some(Num::Int(i64::from(b))),
        RecordView::Int(n) => Some(Num::Int(n)),
        RecordView::Float(f) => Some(Num::Float(f)),
        _ => None,
    }
}

/// Exact numeric comparison; `None` when a NaN is involved.
fn cmp_numbers(a: Num, b: Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
        (Num::Int(x), Num::Float(y)) => cmp_int_float(x, y),
        (Num::Float(x), Num::Int(y)) => cmp_int_float(y, x).map(Ordering::reverse),
    }
}

/// Compare an int with a float exactly, as Python does (no rounding of
/// the int to the nearest float).
fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() {
        return None;
    }
    if f >= TWO_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    // |whole| < 2^63 (or == -2^63), so the cast is exact.
    let ord = i.cmp(&(whole as i64));
    Some(ord.then_with(|| {
        if f > whole {
            Ordering::Less
        } else if f < whole {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::{Equal, Greater, Less};
    use rhai::Map;

    use crate::test_values::{f, i, list, s, t};
    fn dict(k: &str, v: Dynamic) -> Dynamic {
        let mut m = Map::new();
        m.insert(k.into(), v);
        Dynamic::from_map(m)
    }
    fn err(left: &'static str, right: &'static str) -> Result<Ordering, Unorderable> {
        Err(Unorderable { left, right })
    }

    #[test]
    fn numbers_compare_across_types() {
        assert_eq!(compare(&i(1), &i(2)), Ok(Less));
        assert_eq!(compare(&i(2), &f(1.5)), Ok(Greater));
        assert_eq!(compare(&f(2.0), &i(2)), Ok(Equal));
        assert_eq!(compare(&Dynamic::TRUE, &i(1)), Ok(Equal));
        assert_eq!(compare(&Dynamic::FALSE, &f(0.5)), Ok(Less));
        assert_eq!(compare(&Dynamic::TRUE, &Dynamic::FALSE), Ok(Greater));
        assert_eq!(compare(&i(-3), &f(-2.5)), Ok(Less));
        assert_eq!(compare(&i(-2), &f(-2.5)), Ok(Greater));
        assert_eq!(compare(&i(i64::MAX), &f(f64::INFINITY)), Ok(Less));
        assert_eq!(compare(&i(i64::MIN), &f(-9.3e18)), Ok(Greater));
        assert_eq!(
            compare(&i(i64::MIN), &f(-9_223_372_036_854_775_808.0)),
            Ok(Equal)
        );
    }

    #[test]
    fn int_float_comparison_is_exact() {
        // Python: 2**53 + 1 > 2.0**53 and 2**63 - 1 < 2.0**63.
        let two53 = 9_007_199_254_740_992.0;
        assert_eq!(compare(&i((1 << 53) + 1), &f(two53)), Ok(Greater));
        assert_eq!(compare(&f(two53), &i((1 << 53) + 1)), Ok(Less));
        assert_eq!(compare(&i(i64::MAX), &f(9.223372036854776e18)), Ok(Less));
    }

    #[test]
    fn nan_is_equal_to_everything() {
        let nan = f(f64::NAN);
        assert_eq!(compare(&nan, &i(1)), Ok(Equal));
        assert_eq!(compare(&f(0.0), &nan), Ok(Equal));
        // Python: (nan, 1) < (nan, 2) is False, and so is the reverse.
        let a = t(vec![f(f64::NAN), i(1)]);
        let b = t(vec![f(f64::NAN), i(2)]);
        assert_eq!(compare(&a, &b), Ok(Equal));
    }

    #[test]
    fn strings_by_code_point() {
        assert_eq!(compare(&s("Store"), &s("Web")), Ok(Less));
        assert_eq!(compare(&s("Z"), &s("a")), Ok(Less));
        assert_eq!(compare(&s("ab"), &s("a")), Ok(Greater));
        assert_eq!(compare(&s("é"), &s("€")), Ok(Less));
        assert_eq!(compare(&s("\u{ff61}"), &s("😀")), Ok(Less));
        assert_eq!(compare(&Dynamic::from_char('b'), &s("a")), Ok(Greater));
        assert_eq!(compare(&Dynamic::from_char('a'), &s("a")), Ok(Equal));
    }

    #[test]
    fn tuples_are_lexicographic() {
        let a = t(vec![s("Web"), i(4)]);
        let b = t(vec![s("Web"), i(10)]);
        assert_eq!(compare(&a, &b), Ok(Less));
        assert_eq!(compare(&t(vec![i(1)]), &t(vec![i(1), i(0)])), Ok(Less));
        assert_eq!(compare(&t(vec![]), &t(vec![])), Ok(Equal));
        // The first differing pair decides, later pairs are never looked at.
        assert_eq!(
            compare(&t(vec![i(1), s("a")]), &t(vec![i(2), i(3)])),
            Ok(Less)
        );
        // Equal Nones and equal dicts are skipped.
        let n1 = t(vec![Dynamic::UNIT, i(1)]);
        let n2 = t(vec![Dynamic::UNIT, i(2)]);
        assert_eq!(compare(&n1, &n2), Ok(Less));
        let d1 = t(vec![dict("a", i(1)), i(1)]);
        let d2 = t(vec![dict("a", f(1.0)), i(2)]);
        assert_eq!(compare(&d1, &d2), Ok(Less));
        let nested1 = t(vec![t(vec![i(20190101), s("Web")]), i(1)]);
        let nested2 = t(vec![t(vec![i(20190101), s("Store")]), i(9)]);
        assert_eq!(compare(&nested1, &nested2), Ok(Greater));
        assert_eq!(compare(&list(vec![i(1)]), &list(vec![i(2)])), Ok(Less));
    }

    #[test]
    fn none_only_equals_none() {
        assert_eq!(compare(&Dynamic::UNIT, &Dynamic::UNIT), Ok(Equal));
        assert_eq!(compare(&Dynamic::UNIT, &i(1)), err("NoneType", "int"));
        assert_eq!(compare(&f(1.5), &Dynamic::UNIT), err("float", "NoneType"));
    }

    #[test]
    fn incomparable_types_give_python_errors() {
        assert_eq!(compare(&s("a"), &i(1)), err("str", "int"));
        assert_eq!(
            err("str", "int").map_err(|e| e.to_string()),
            Err("'<' not supported between instances of 'str' and 'int'".to_string())
        );
        assert_eq!(compare(&Dynamic::TRUE, &s("x")), err("bool", "str"));
        let a = t(vec![i(1), s("a")]);
        let b = t(vec![i(1), i(2)]);
        assert_eq!(compare(&a, &b), err("str", "int"));
        assert_eq!(
            compare(&list(vec![i(1)]), &t(vec![i(1)])),
            err("list", "tuple")
        );
        assert_eq!(
            compare(&t(vec![i(1)]), &list(vec![i(1)])),
            err("tuple", "list")
        );
        let d = dict("a", i(1));
        assert_eq!(compare(&d, &d.clone()), err("dict", "dict"));
        let blob = Dynamic::from_blob(b"a".to_vec());
        assert_eq!(compare(&blob, &s("a")), err("bytes", "str"));
    }

    #[test]
    fn type_names() {
        assert_eq!(py_type_name(&Dynamic::UNIT), "NoneType");
        assert_eq!(py_type_name(&Dynamic::TRUE), "bool");
        assert_eq!(py_type_name(&i(1)), "int");
        assert_eq!(py_type_name(&f(1.0)), "float");
        assert_eq!(py_type_name(&s("x")), "str");
        assert_eq!(py_type_name(&Dynamic::from_char('x')), "str");
        assert_eq!(py_type_name(&t(vec![])), "tuple");
        assert_eq!(py_type_name(&list(vec![])), "list");
        assert_eq!(py_type_name(&dict("a", i(1))), "dict");
    }
}
