//! Operators with Python's meaning: `+` (lists stay lists), `*` (repetition), `/` true
//! division, `//` floor, `%` with the divisor's sign (or `%` formatting), `**`, `==`/`<` on
//! tuples, truthiness, `in`, and the conversions (`int`, `float`, `str`, `repr`, `bool`).

use super::{PyResult, py_err};
use crate::engine::pyorder::{compare, py_eq, py_type_name};
use crate::engine::pyrepr::{python_str, write_python_repr};
use crate::engine::record::LIST_TAG;
use crate::engine::record::list;
use rhai::{Array, Dynamic, Engine, ImmutableString};
use std::cmp::Ordering;

#[derive(Clone, Copy)]
pub enum Num {
    Int(i64),
    Float(f64),
}

pub fn num(v: &Dynamic) -> Option<Num> {
    if let Ok(b) = v.as_bool() {
        Some(Num::Int(i64::from(b)))
    } else if let Ok(i) = v.as_int() {
        Some(Num::Int(i))
    } else {
        v.as_float().ok().map(Num::Float)
    }
}

fn f(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(x) => x,
    }
}

fn overflow<T>() -> PyResult<T> {
    py_err("OverflowError: integer overflow (centella's integers are 64-bit)")
}

fn unsupported<T>(op: &str, a: &Dynamic, b: &Dynamic) -> PyResult<T> {
    py_err(format!(
        "TypeError: unsupported operand type(s) for {op}: '{}' and '{}'",
        py_type_name(a),
        py_type_name(b)
    ))
}

pub fn is_str(v: &Dynamic) -> bool {
    v.is_string() || v.is_char()
}

pub fn text(v: &Dynamic) -> Option<String> {
    if let Ok(c) = v.as_char() {
        return Some(c.to_string());
    }
    v.as_immutable_string_ref().ok().map(|s| s.to_string())
}

pub fn is_list(v: &Dynamic) -> bool {
    v.is_array() && v.tag() == LIST_TAG
}

/// An array with the tuple/list kind of `like`.
pub fn same_kind(items: Array, like: &Dynamic) -> Dynamic {
    if is_list(like) {
        list(items)
    } else {
        Dynamic::from_array(items)
    }
}

pub fn py_add(a: Dynamic, b: Dynamic) -> PyResult<Dynamic> {
    match (num(&a), num(&b)) {
        (Some(Num::Int(x)), Some(Num::Int(y))) => {
            return x
                .checked_add(y)
                .map(Dynamic::from)
                .map_or_else(overflow, Ok);
        }
        (Some(x), Some(y)) => return Ok(Dynamic::from(f(x) + f(y))),
        _ => {}
    }
    if let (Some(x), Some(y)) = (text(&a), text(&b)) {
        return Ok(Dynamic::from(format!("{x}{y}")));
    }
    if a.is_array() && b.is_array() {
        if is_list(&a) != is_list(&b) {
            return py_err(format!(
                "TypeError: can only concatenate {} (not \"{}\") to {}",
                py_type_name(&a),
                py_type_name(&b),
                py_type_name(&a)
            ));
        }
        let mut items = a.clone().into_array().unwrap_or_default();
        items.extend(b.into_array().unwrap_or_default());
        return Ok(same_kind(items, &a));
    }
    if is_str(&a) {
        return py_err(format!(
            "TypeError: can only concatenate str (not \"{}\") to str",
            py_type_name(&b)
        ));
    }
    unsupported("+", &a, &b)
}

/// The largest string or list a helper builds (a record, not a data set).
pub const MAX_ITEMS: usize = 50_000_000;

fn repeat(seq: &Dynamic, n: i64) -> PyResult<Dynamic> {
    let n = n.max(0) as usize;
    let len = text(seq).map_or_else(|| seq.as_array_ref().map_or(0, |a| a.len()), |s| s.len());
    if len.checked_mul(n).is_none_or(|total| total > MAX_ITEMS) {
        return py_err("MemoryError: the repeated sequence would be too large");
    }
    if let Some(s) = text(seq) {
        return Ok(Dynamic::from(s.repeat(n)));
    }
    let items = seq.clone().into_array().unwrap_or_default();
    let mut out = Vec::with_capacity(items.len() * n);
    for _ in 0..n {
        out.extend(items.iter().cloned());
    }
    Ok(same_kind(out, seq))
}

pub fn py_mul(a: Dynamic, b: Dynamic) -> PyResult<Dynamic> {
    match (num(&a), num(&b)) {
        (Some(Num::Int(x)), Some(Num::Int(y))) => {
            return x
                .checked_mul(y)
                .map(Dynamic::from)
                .map_or_else(overflow, Ok);
        }
        (Some(x), Some(y)) => return Ok(Dynamic::from(f(x) * f(y))),
        _ => {}
    }
    if (is_str(&a) || a.is_array())
        && let Ok(n) = b.as_int()
    {
        return repeat(&a, n);
    }
    if (is_str(&b) || b.is_array())
        && let Ok(n) = a.as_int()
    {
        return repeat(&b, n);
    }
    unsupported("*", &a, &b)
}

fn numbers(op: &str, a: &Dynamic, b: &Dynamic) -> PyResult<(Num, Num)> {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => unsupported(op, a, b),
    }
}

pub fn py_div(a: Dynamic, b: Dynamic) -> PyResult<Dynamic> {
    let (x, y) = numbers("/", &a, &b)?;
    if f(y) == 0.0 {
        return py_err("ZeroDivisionError: division by zero");
    }
    Ok(Dynamic::from(f(x) / f(y)))
}

pub fn py_floordiv(a: Dynamic, b: Dynamic) -> PyResult<Dynamic> {
    match numbers("//", &a, &b)? {
        (Num::Int(_), Num::Int(0)) => {
            py_err("ZeroDivisionError: integer division or modulo by zero")
        }
        (Num::Int(x), Num::Int(y)) => match x.checked_div_euclid(y) {
            // div_euclid rounds toward -inf only for a positive divisor.
            Some(_) => Ok(Dynamic::from(floor_div(x, y))),
            None => overflow(),
        },
        (x, y) => {
            if f(y) == 0.0 {
                return py_err("ZeroDivisionError: float floor division by zero");
            }
            Ok(Dynamic::from((f(x) / f(y)).floor()))
        }
    }
}

fn floor_div(x: i64, y: i64) -> i64 {
    let q = x / y;
    if (x % y != 0) && ((x < 0) != (y < 0)) {
        q - 1
    } else {
        q
    }
}

pub fn py_mod(a: Dynamic, b: Dynamic) -> PyResult<Dynamic> {
    if let Some(fmt) = text(&a) {
        return super::format::percent(&fmt, &b).map(Dynamic::from);
    }
    match numbers("%", &a, &b)? {
        (Num::Int(_), Num::Int(0)) => py_err("ZeroDivisionError: integer modulo by zero"),
        (Num::Int(x), Num::Int(y)) => {
            let r = x.checked_rem(y).unwrap_or(0);
            Ok(Dynamic::from(if r != 0 && ((r < 0) != (y < 0)) {
                r + y
            } else {
                r
            }))
        }
        (x, y) => {
            let (x, y) = (f(x), f(y));
            if y == 0.0 {
                return py_err("ZeroDivisionError: float modulo");
            }
            let r = x % y;
            Ok(Dynamic::from(if r != 0.0 && ((r < 0.0) != (y < 0.0)) {
                r + y
            } else {
                r
            }))
        }
    }
}

pub fn py_pow(a: Dynamic, b: Dynamic) -> PyResult<Dynamic> {
    match numbers("**", &a, &b)? {
        (Num::Int(x), Num::Int(y)) if y >= 0 => {
            match u32::try_from(y).ok().and_then(|e| x.checked_pow(e)) {
                Some(v) => Ok(Dynamic::from(v)),
                None => overflow(),
            }
        }
        (x, y) => {
            if f(x) == 0.0 && f(y) < 0.0 {
                return py_err("ZeroDivisionError: 0.0 cannot be raised to a negative power");
            }
            Ok(Dynamic::from(f(x).powf(f(y))))
        }
    }
}

/// Python's truthiness: None, False, 0, 0.0, "", empty containers are false.
pub fn truthy(v: &Dynamic) -> bool {
    if v.is_unit() {
        return false;
    }
    if let Ok(b) = v.as_bool() {
        return b;
    }
    if let Ok(i) = v.as_int() {
        return i != 0;
    }
    if let Ok(x) = v.as_float() {
        return x != 0.0;
    }
    if let Ok(s) = v.as_immutable_string_ref() {
        return !s.is_empty();
    }
    if v.is_char() {
        return true;
    }
    if let Ok(a) = v.as_array_ref() {
        return !a.is_empty();
    }
    if let Ok(m) = v.as_map_ref() {
        return !m.is_empty();
    }
    true
}

pub fn py_lt(a: Dynamic, b: Dynamic) -> PyResult<bool> {
    compare(&a, &b)
        .map(|o| o == Ordering::Less)
        .or_else(|e| py_err(format!("TypeError: {e}")))
}

pub fn py_le(a: Dynamic, b: Dynamic) -> PyResult<bool> {
    if py_eq(&a, &b) {
        return Ok(true);
    }
    py_lt(a, b)
}

/// `x in container`: substring, element (Python's ==), or dict key.
pub fn py_in(x: Dynamic, container: Dynamic) -> PyResult<bool> {
    if let Some(s) = text(&container) {
        return match text(&x) {
            Some(sub) => Ok(s.contains(&sub)),
            None => py_err(format!(
                "TypeError: 'in <string>' requires string as left operand, not {}",
                py_type_name(&x)
            )),
        };
    }
    if let Ok(a) = container.as_array_ref() {
        return Ok(a.iter().any(|y| py_eq(&x, y)));
    }
    if let Ok(m) = container.as_map_ref() {
        let k = text(&x).unwrap_or_else(|| python_str(&x));
        return Ok(m.contains_key(k.as_str()));
    }
    py_err(format!(
        "TypeError: argument of type '{}' is not iterable",
        py_type_name(&container)
    ))
}

pub fn py_int(v: Dynamic) -> PyResult<i64> {
    if let Some(n) = num(&v) {
        return match n {
            Num::Int(i) => Ok(i),
            Num::Float(x) if x.is_finite() && x.abs() < 9.2e18 => Ok(x.trunc() as i64),
            Num::Float(_) => {
                py_err("OverflowError: cannot convert float infinity or NaN to integer")
            }
        };
    }
    if let Some(s) = text(&v) {
        let t = s.trim().replace('_', "");
        return t.parse::<i64>().or_else(|_| {
            py_err(format!(
                "ValueError: invalid literal for int() with base 10: {}",
                repr(&v)
            ))
        });
    }
    py_err(format!(
        "TypeError: int() argument must be a string or a number, not '{}'",
        py_type_name(&v)
    ))
}

fn int_base(v: Dynamic, base: i64) -> PyResult<i64> {
    let Some(s) = text(&v) else {
        return py_err("TypeError: int() can't convert non-string with explicit base");
    };
    let t = s.trim().to_lowercase();
    let t = t
        .strip_prefix("0x")
        .filter(|_| base == 16)
        .or_else(|| t.strip_prefix("0b").filter(|_| base == 2))
        .or_else(|| t.strip_prefix("0o").filter(|_| base == 8))
        .unwrap_or(&t);
    u32::try_from(base)
        .ok()
        .filter(|b| (2..=36).contains(b))
        .and_then(|b| i64::from_str_radix(t, b).ok())
        .map_or_else(
            || {
                py_err(format!(
                    "ValueError: invalid literal for int() with base {base}: {}",
                    repr(&v)
                ))
            },
            Ok,
        )
}

pub fn py_float(v: Dynamic) -> PyResult<f64> {
    if let Some(n) = num(&v) {
        return Ok(f(n));
    }
    if let Some(s) = text(&v) {
        let t = s.trim().to_lowercase();
        return match t.as_str() {
            "inf" | "+inf" | "infinity" => Ok(f64::INFINITY),
            "-inf" | "-infinity" => Ok(f64::NEG_INFINITY),
            "nan" => Ok(f64::NAN),
            _ => t.parse::<f64>().or_else(|_| {
                py_err(format!(
                    "ValueError: could not convert string to float: {}",
                    repr(&v)
                ))
            }),
        };
    }
    py_err(format!(
        "TypeError: float() argument must be a string or a real number, not '{}'",
        py_type_name(&v)
    ))
}

/// Python's str(); a batch time prints as PySpark's datetime does.
pub fn py_str(v: Dynamic) -> String {
    if let Some(t) = v.read_lock::<crate::engine::time::Time>() {
        return t.format_local();
    }
    python_str(&v)
}

pub fn repr(v: &Dynamic) -> String {
    let mut s = String::new();
    write_python_repr(v, &mut s);
    s
}

fn py_abs(v: Dynamic) -> PyResult<Dynamic> {
    match num(&v) {
        Some(Num::Int(i)) => i.checked_abs().map(Dynamic::from).map_or_else(overflow, Ok),
        Some(Num::Float(x)) => Ok(Dynamic::from(x.abs())),
        None => py_err(format!(
            "TypeError: bad operand type for abs(): '{}'",
            py_type_name(&v)
        )),
    }
}

/// Python's round: halves to even.
fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

fn py_round(v: Dynamic) -> PyResult<Dynamic> {
    match num(&v) {
        Some(Num::Int(i)) => Ok(Dynamic::from(i)),
        Some(Num::Float(x)) if x.is_finite() => Ok(Dynamic::from(round_half_even(x) as i64)),
        Some(Num::Float(_)) => py_err("OverflowError: cannot convert float infinity to integer"),
        None => py_err(format!(
            "TypeError: type {} doesn't define __round__ method",
            py_type_name(&v)
        )),
    }
}

fn py_round_n(v: Dynamic, n: i64) -> PyResult<Dynamic> {
    match num(&v) {
        Some(Num::Int(i)) => Ok(Dynamic::from(i)),
        Some(Num::Float(x)) => {
            // Through the decimal text, as Python rounds the exact value.
            let s = format!("{:.*}", n.clamp(0, 17) as usize, x);
            Ok(Dynamic::from(s.parse::<f64>().unwrap_or(x)))
        }
        None => py_err(format!(
            "TypeError: type {} doesn't define __round__ method",
            py_type_name(&v)
        )),
    }
}

fn py_isinstance(v: Dynamic, types: Array) -> bool {
    let t = py_type_name(&v);
    types.iter().any(|name| {
        let n = name.to_string();
        n == t || (n == "int" && t == "bool")
    })
}

fn py_divmod(a: Dynamic, b: Dynamic) -> PyResult<Dynamic> {
    let q = py_floordiv(a.clone(), b.clone())?;
    let r = py_mod(a, b)?;
    Ok(Dynamic::from_array(vec![q, r]))
}

/// A fresh temporary directory (`tempfile.mkdtemp()` for a checkpoint path).
fn py_temp_dir() -> PyResult<String> {
    let base = std::env::temp_dir();
    for n in 0..1000u32 {
        let dir = base.join(format!("centella-{}-{n}", std::process::id()));
        if std::fs::create_dir(&dir).is_ok() {
            return Ok(dir.to_string_lossy().to_string());
        }
    }
    py_err("OSError: cannot create a temporary directory")
}

pub fn register(engine: &mut Engine) {
    engine.register_fn("py_add", py_add);
    engine.register_fn("py_mul", py_mul);
    engine.register_fn("py_div", py_div);
    engine.register_fn("py_floordiv", py_floordiv);
    engine.register_fn("py_mod", py_mod);
    engine.register_fn("py_pow", py_pow);
    engine.register_fn("py_invert", |a: i64| !a);
    engine.register_fn("py_divmod", py_divmod);
    engine.register_fn("py_eq", |a: Dynamic, b: Dynamic| py_eq(&a, &b));
    engine.register_fn("py_lt", py_lt);
    engine.register_fn("py_le", py_le);
    engine.register_fn("py_bool", |v: Dynamic| truthy(&v));
    engine.register_fn("py_is_none", |v: Dynamic| v.is_unit());
    engine.register_fn("py_in", py_in);
    engine.register_fn("py_int", py_int);
    engine.register_fn("py_int", int_base);
    engine.register_fn("py_float", py_float);
    engine.register_fn("py_abs", py_abs);
    engine.register_fn("py_round", py_round);
    engine.register_fn("py_round", py_round_n);
    engine.register_fn("py_str", py_str);
    engine.register_fn("py_repr", |v: Dynamic| repr(&v));
    engine.register_fn("py_isinstance", py_isinstance);
    engine.register_fn("py_temp_dir", py_temp_dir);
    engine.register_fn("py_ord", |s: ImmutableString| -> PyResult<i64> {
        let mut c = s.chars();
        match (c.next(), c.next()) {
            (Some(ch), None) => Ok(ch as i64),
            _ => py_err(format!(
                "TypeError: ord() expected a character, but string of length {} found",
                s.chars().count()
            )),
        }
    });
    engine.register_fn("py_chr", |i: i64| -> PyResult<String> {
        u32::try_from(i)
            .ok()
            .and_then(char::from_u32)
            .map(|c| c.to_string())
            .map_or_else(
                || py_err("ValueError: chr() arg not in range(0x110000)"),
                Ok,
            )
    });
}
