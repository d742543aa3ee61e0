//! Python's names in Rhai scripts: `None`, `True` and `False` read as `()`, `true` and
//! `false` (mapped while parsing, so they cost nothing at run time and work inside `fn`s
//! and closures), and `max`/`min`/`sum`/`sorted` of an array with Python's semantics
//! (`len(x)` is Rhai's own `len`, callable as a function). Ordering and error texts are
//! Python's, from `engine::pyorder`.

use super::values::RhaiResult;
use crate::engine::pyorder::{compare, py_type_name};
use crate::export::tokens::map_python_names;
use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, NativeCallContext};
use std::cmp::Ordering;

pub fn register(engine: &mut Engine) {
    map_python_names(engine);
    engine.register_fn("max", |ctx: NativeCallContext, a: Array| {
        extreme(&ctx, a, "max", Ordering::Greater)
    });
    engine.register_fn("min", |ctx: NativeCallContext, a: Array| {
        extreme(&ctx, a, "min", Ordering::Less)
    });
    engine.register_fn("sum", |ctx: NativeCallContext, a: Array| {
        sum(&ctx, a, Dynamic::from_int(0))
    });
    engine.register_fn("sum", |ctx: NativeCallContext, a: Array, start: Dynamic| {
        sum(&ctx, a, start)
    });
    engine.register_fn("sorted", |ctx: NativeCallContext, a: Array| {
        sorted(&ctx, a, None)
    });
    engine.register_fn("sorted", |ctx: NativeCallContext, a: Array, key: FnPtr| {
        sorted(&ctx, a, Some(key))
    });
}

fn error(ctx: &NativeCallContext, msg: String) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(msg.into(), ctx.call_position()).into()
}

fn type_error(ctx: &NativeCallContext, msg: String) -> Box<EvalAltResult> {
    error(ctx, format!("TypeError: {msg}"))
}

/// Python's `max(xs)` / `min(xs)`: the first of the greatest (least) items.
fn extreme(ctx: &NativeCallContext, a: Array, name: &str, keep: Ordering) -> RhaiResult<Dynamic> {
    let mut items = a.into_iter();
    let Some(mut best) = items.next() else {
        return Err(error(
            ctx,
            format!("ValueError: {name}() arg is an empty sequence"),
        ));
    };
    for item in items {
        if compare(&item, &best).map_err(|e| type_error(ctx, e.to_string()))? == keep {
            best = item;
        }
    }
    Ok(best)
}

/// Python's `sum(xs, start)` over numbers (int, float, bool).
fn sum(ctx: &NativeCallContext, a: Array, start: Dynamic) -> RhaiResult<Dynamic> {
    let mut acc = start;
    for item in a {
        acc = add(&acc, &item).ok_or_else(|| {
            let (l, r) = (py_type_name(&acc), py_type_name(&item));
            if is_number(&acc) && is_number(&item) {
                error(ctx, "sum(): integer overflow".to_string())
            } else {
                error(
                    ctx,
                    format!("TypeError: unsupported operand type(s) for +: '{l}' and '{r}'"),
                )
            }
        })?;
    }
    Ok(acc)
}

fn is_number(v: &Dynamic) -> bool {
    v.is_int() || v.is_float() || v.is_bool()
}

fn as_int(v: &Dynamic) -> Option<i64> {
    v.as_int().ok().or_else(|| v.as_bool().ok().map(i64::from))
}

fn as_float(v: &Dynamic) -> Option<f64> {
    v.as_float().ok().or_else(|| as_int(v).map(|i| i as f64))
}

fn add(a: &Dynamic, b: &Dynamic) -> Option<Dynamic> {
    if !is_number(a) || !is_number(b) {
        return None;
    }
    if a.is_float() || b.is_float() {
        return Some(Dynamic::from_float(as_float(a)? + as_float(b)?));
    }
    as_int(a)?.checked_add(as_int(b)?).map(Dynamic::from_int)
}

/// Python's `sorted(xs)` (stable, Python's `<`), or `sorted(xs, key)` ordering by `key(x)`.
fn sorted(ctx: &NativeCallContext, a: Array, key: Option<FnPtr>) -> RhaiResult<Array> {
    let keyed: Vec<(Dynamic, Dynamic)> = match &key {
        None => a.into_iter().map(|x| (x.clone(), x)).collect(),
        Some(f) => a
            .into_iter()
            .map(|x| Ok((f.call_within_context::<Dynamic>(ctx, (x.clone(),))?, x)))
            .collect::<RhaiResult<_>>()?,
    };
    let sorted = insertion_sort(keyed, |p, q| compare(&p.0, &q.0).map_err(|e| e.to_string()))
        .map_err(|e| type_error(ctx, e))?;
    Ok(sorted.into_iter().map(|(_, x)| x).collect())
}

/// CPython's binary insertion sort (what `sorted` does below 64 items), so a mixed list
/// fails on the same comparison with the same message; longer lists are merged in runs of
/// it, keeping the sort stable.
fn insertion_sort<T>(
    items: Vec<T>,
    cmp: impl Fn(&T, &T) -> Result<Ordering, String> + Copy,
) -> Result<Vec<T>, String> {
    const RUN: usize = 64;
    if items.len() <= RUN {
        let mut out: Vec<T> = Vec::with_capacity(items.len());
        for pivot in items {
            // First position whose item is greater than the pivot (after equal ones).
            let (mut lo, mut hi) = (0, out.len());
            while lo < hi {
                let mid = (lo + hi) / 2;
                if cmp(&pivot, &out[mid])? == Ordering::Less {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            out.insert(lo, pivot);
        }
        return Ok(out);
    }
    let mut rest = items;
    let tail = rest.split_off(rest.len() / 2);
    let left = insertion_sort(rest, cmp)?;
    let right = insertion_sort(tail, cmp)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut right = right.into_iter().peekable();
    for l in left {
        while let Some(r) = right.peek() {
            if cmp(r, &l)? == Ordering::Less {
                out.extend(right.next());
            } else {
                break;
            }
        }
        out.push(l);
    }
    out.extend(right);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertion_sort_is_stable_and_reports_errors() {
        let v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        let out = insertion_sort(v, |a, b| Ok(a.0.cmp(&b.0))).expect("sorts");
        assert_eq!(out, vec![(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
        let long: Vec<i64> = (0..200).rev().collect();
        let out = insertion_sort(long, |a, b| Ok(a.cmp(b))).expect("sorts");
        assert_eq!(out, (0..200).collect::<Vec<_>>());
        let err = insertion_sort(vec![1, 2], |_, _| Err("no".to_string()));
        assert_eq!(err.err().as_deref(), Some("no"));
    }
}
