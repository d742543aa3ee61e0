//! Builtins over iterables (len, max/min/sum/sorted/any/all with key=, range, zip,
//! enumerate, map, filter, list/tuple/dict) and the list and dict methods (subscripts are in
//! `subscripts.rs`).

use super::ops::{py_add, text, truthy};
use super::subscripts::{index_of, key_text, lookup_key};
use super::{PyResult, py_err};
use crate::engine::pyorder::{compare, py_eq, py_type_name};
use crate::engine::pyrepr::python_str;
use crate::engine::record::list;
use rhai::{Array, Dynamic, Engine, FnPtr, Map, NativeCallContext};
use std::cmp::Ordering;

/// The items a Python `for` sees: elements, 1-character strings, or a dict's keys.
pub fn items(v: &Dynamic) -> PyResult<Vec<Dynamic>> {
    if let Ok(a) = v.as_array_ref() {
        return Ok(a.clone());
    }
    if let Some(s) = text(v) {
        return Ok(s.chars().map(|c| Dynamic::from(c.to_string())).collect());
    }
    if let Ok(m) = v.as_map_ref() {
        return Ok(m
            .keys()
            .map(|k| Dynamic::from(k.as_str().to_string()))
            .collect());
    }
    py_err(format!(
        "TypeError: '{}' object is not iterable",
        py_type_name(v)
    ))
}

fn call(ctx: &NativeCallContext, f: &Dynamic, args: Vec<Dynamic>) -> PyResult<Dynamic> {
    match f.clone().try_cast::<FnPtr>() {
        Some(p) => p.call_raw(ctx, None, args),
        None => py_err(format!(
            "TypeError: '{}' object is not callable",
            py_type_name(f)
        )),
    }
}

/// Each item with its sort key (the item itself when `key` is None).
fn keyed(
    ctx: &NativeCallContext,
    it: &Dynamic,
    key: &Dynamic,
) -> PyResult<Vec<(Dynamic, Dynamic)>> {
    items(it)?
        .into_iter()
        .map(|x| {
            let k = if key.is_unit() {
                x.clone()
            } else {
                call(ctx, key, vec![x.clone()])?
            };
            Ok((k, x))
        })
        .collect()
}

fn cmp(a: &Dynamic, b: &Dynamic) -> PyResult<Ordering> {
    compare(a, b).or_else(|e| py_err(format!("TypeError: {e}")))
}

fn extreme(
    ctx: &NativeCallContext,
    it: &Dynamic,
    key: &Dynamic,
    max: bool,
) -> PyResult<Option<Dynamic>> {
    let mut best: Option<(Dynamic, Dynamic)> = None;
    for (k, x) in keyed(ctx, it, key)? {
        best = match best {
            None => Some((k, x)),
            // The first of equal items wins, as in Python.
            Some((bk, bx)) => {
                let o = cmp(&k, &bk)?;
                if (max && o == Ordering::Greater) || (!max && o == Ordering::Less) {
                    Some((k, x))
                } else {
                    Some((bk, bx))
                }
            }
        };
    }
    Ok(best.map(|(_, x)| x))
}

fn py_max(ctx: NativeCallContext, it: Dynamic, key: Dynamic, max: bool) -> PyResult<Dynamic> {
    let name = if max { "max" } else { "min" };
    extreme(&ctx, &it, &key, max)?.map_or_else(
        || py_err(format!("ValueError: {name}() iterable argument is empty")),
        Ok,
    )
}

fn py_sum(it: Dynamic, start: Dynamic) -> PyResult<Dynamic> {
    let mut acc = start;
    for x in items(&it)? {
        acc = py_add(acc, x)?;
    }
    Ok(acc)
}

fn sorted(ctx: &NativeCallContext, it: &Dynamic, key: &Dynamic, reverse: bool) -> PyResult<Array> {
    let mut pairs = keyed(ctx, it, key)?;
    let mut error = None;
    pairs.sort_by(|a, b| {
        let (x, y) = if reverse { (&b.0, &a.0) } else { (&a.0, &b.0) };
        compare(x, y).unwrap_or_else(|e| {
            error.get_or_insert(e);
            Ordering::Equal
        })
    });
    if let Some(e) = error {
        return py_err(format!("TypeError: {e}"));
    }
    Ok(pairs.into_iter().map(|(_, x)| x).collect())
}

fn py_range(start: i64, stop: i64, step: i64) -> PyResult<Dynamic> {
    if step == 0 {
        return py_err("ValueError: range() arg 3 must not be zero");
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(Dynamic::from(i));
        if out.len() > super::ops::MAX_ITEMS {
            return py_err("MemoryError: range too large");
        }
        i = match i.checked_add(step) {
            Some(n) => n,
            None => break,
        };
    }
    Ok(Dynamic::from_array(out))
}

fn py_zip(iterables: Array) -> PyResult<Dynamic> {
    let lists: Vec<Vec<Dynamic>> = iterables.iter().map(items).collect::<PyResult<_>>()?;
    let n = lists.iter().map(Vec::len).min().unwrap_or(0);
    Ok(Dynamic::from_array(
        (0..n)
            .map(|i| Dynamic::from_array(lists.iter().map(|l| l[i].clone()).collect()))
            .collect(),
    ))
}

fn not_a(what: &str, v: &Dynamic, method: &str) -> Box<rhai::EvalAltResult> {
    py_err::<()>(format!(
        "AttributeError: '{}' object has no attribute '{method}' (it is a {what} method)",
        py_type_name(v)
    ))
    .unwrap_err()
}

fn py_get(d: Dynamic, k: Dynamic, default: Dynamic) -> PyResult<Dynamic> {
    let Ok(m) = d.as_map_ref() else {
        return Err(not_a("dict", &d, "get"));
    };
    Ok(m.get(lookup_key(&k).as_str()).cloned().unwrap_or(default))
}

fn py_items(d: Dynamic) -> PyResult<Dynamic> {
    let Ok(m) = d.as_map_ref() else {
        return Err(not_a("dict", &d, "items"));
    };
    Ok(list(
        m.iter()
            .map(|(k, v)| {
                Dynamic::from_array(vec![Dynamic::from(k.as_str().to_string()), v.clone()])
            })
            .collect(),
    ))
}

fn py_dict(v: Dynamic) -> PyResult<Dynamic> {
    if v.is_map() {
        return Ok(v);
    }
    let mut m = Map::new();
    for pair in items(&v)? {
        let kv = items(&pair)?;
        if kv.len() != 2 {
            return py_err(format!(
                "ValueError: dictionary update sequence element has length {}; 2 is required",
                kv.len()
            ));
        }
        m.insert(key_text(&kv[0])?.into(), kv[1].clone());
    }
    Ok(Dynamic::from_map(m))
}

fn py_unpack(v: Dynamic, n: i64) -> PyResult<Array> {
    let xs = items(&v).or_else(|_| {
        py_err(format!(
            "TypeError: cannot unpack non-iterable {} object",
            py_type_name(&v)
        ))
    })?;
    let n = n as usize;
    if xs.len() > n {
        return py_err(format!(
            "ValueError: too many values to unpack (expected {n})"
        ));
    }
    if xs.len() < n {
        return py_err(format!(
            "ValueError: not enough values to unpack (expected {n}, got {})",
            xs.len()
        ));
    }
    Ok(xs)
}

fn py_len(v: Dynamic) -> PyResult<i64> {
    if let Ok(a) = v.as_array_ref() {
        return Ok(a.len() as i64);
    }
    if let Some(s) = text(&v) {
        return Ok(s.chars().count() as i64);
    }
    if let Ok(m) = v.as_map_ref() {
        return Ok(m.len() as i64);
    }
    py_err(format!(
        "TypeError: object of type '{}' has no len()",
        py_type_name(&v)
    ))
}

fn py_count(x: Dynamic, sub: Dynamic) -> PyResult<i64> {
    if let Some(s) = text(&x) {
        let Some(t) = text(&sub) else {
            return py_err("TypeError: must be str");
        };
        if t.is_empty() {
            return Ok(s.chars().count() as i64 + 1);
        }
        return Ok(s.matches(t.as_str()).count() as i64);
    }
    if let Ok(a) = x.as_array_ref() {
        return Ok(a.iter().filter(|y| py_eq(y, &sub)).count() as i64);
    }
    Err(not_a("str or list", &x, "count"))
}

fn py_index(x: Dynamic, sub: Dynamic) -> PyResult<i64> {
    if let Some(s) = text(&x) {
        return match text(&sub).and_then(|t| s.find(t.as_str())) {
            Some(i) => Ok(s[..i].chars().count() as i64),
            None => py_err("ValueError: substring not found"),
        };
    }
    if let Ok(a) = x.as_array_ref() {
        return match a.iter().position(|y| py_eq(y, &sub)) {
            Some(i) => Ok(i as i64),
            None => py_err(format!(
                "ValueError: {} is not in list",
                super::ops::repr(&sub)
            )),
        };
    }
    Err(not_a("str or list", &x, "index"))
}

fn py_print_line(items: Array, sep: Dynamic) -> String {
    let sep = text(&sep).unwrap_or_else(|| " ".into());
    items.iter().map(python_str).collect::<Vec<_>>().join(&sep)
}

pub fn register(engine: &mut Engine) {
    engine.register_fn("py_list", |a: Array| list(a));
    engine.register_fn("py_list_of", |v: Dynamic| items(&v).map(list));
    engine.register_fn("py_tuple", |v: Dynamic| items(&v).map(Dynamic::from_array));
    engine.register_fn("py_deep_tuple", deep_tuple);
    engine.register_fn("py_iter", |v: Dynamic| items(&v));
    engine.register_fn("py_unpack", py_unpack);
    engine.register_fn("py_len", py_len);
    engine.register_fn("py_max", |ctx: NativeCallContext, it: Dynamic| {
        py_max(ctx, it, Dynamic::UNIT, true)
    });
    engine.register_fn(
        "py_max",
        |ctx: NativeCallContext, it: Dynamic, k: Dynamic| py_max(ctx, it, k, true),
    );
    engine.register_fn("py_min", |ctx: NativeCallContext, it: Dynamic| {
        py_max(ctx, it, Dynamic::UNIT, false)
    });
    engine.register_fn(
        "py_min",
        |ctx: NativeCallContext, it: Dynamic, k: Dynamic| py_max(ctx, it, k, false),
    );
    engine.register_fn(
        "py_max_default",
        |ctx: NativeCallContext, it: Dynamic, k: Dynamic, d: Dynamic| {
            extreme(&ctx, &it, &k, true).map(|x| x.unwrap_or(d))
        },
    );
    engine.register_fn(
        "py_min_default",
        |ctx: NativeCallContext, it: Dynamic, k: Dynamic, d: Dynamic| {
            extreme(&ctx, &it, &k, false).map(|x| x.unwrap_or(d))
        },
    );
    engine.register_fn("py_sum", |it: Dynamic| py_sum(it, Dynamic::from(0_i64)));
    engine.register_fn("py_sum", py_sum);
    engine.register_fn("py_sorted", |ctx: NativeCallContext, it: Dynamic| {
        sorted(&ctx, &it, &Dynamic::UNIT, false).map(list)
    });
    engine.register_fn(
        "py_sorted",
        |ctx: NativeCallContext, it: Dynamic, key: Dynamic, rev: Dynamic| {
            sorted(&ctx, &it, &key, truthy(&rev)).map(list)
        },
    );
    engine.register_fn("py_any", |v: Dynamic| {
        items(&v).map(|xs| xs.iter().any(truthy))
    });
    engine.register_fn("py_all", |v: Dynamic| {
        items(&v).map(|xs| xs.iter().all(truthy))
    });
    engine.register_fn("py_reversed", |v: Dynamic| {
        items(&v).map(|mut xs| {
            xs.reverse();
            Dynamic::from_array(xs)
        })
    });
    engine.register_fn("py_range", |n: i64| py_range(0, n, 1));
    engine.register_fn("py_range", |a: i64, b: i64| py_range(a, b, 1));
    engine.register_fn("py_range", py_range);
    engine.register_fn("py_zip", py_zip);
    engine.register_fn("py_enumerate", |v: Dynamic, start: i64| {
        items(&v).map(|xs| {
            xs.into_iter()
                .zip(start..)
                .map(|(x, i)| Dynamic::from_array(vec![Dynamic::from(i), x]))
                .collect::<Array>()
        })
    });
    engine.register_fn(
        "py_map",
        |ctx: NativeCallContext, f: Dynamic, v: Dynamic| -> PyResult<Array> {
            items(&v)?
                .into_iter()
                .map(|x| call(&ctx, &f, vec![x]))
                .collect()
        },
    );
    engine.register_fn(
        "py_filter",
        |ctx: NativeCallContext, f: Dynamic, v: Dynamic| -> PyResult<Array> {
            let mut out = Vec::new();
            for x in items(&v)? {
                let keep = if f.is_unit() {
                    truthy(&x)
                } else {
                    truthy(&call(&ctx, &f, vec![x.clone()])?)
                };
                if keep {
                    out.push(x);
                }
            }
            Ok(out)
        },
    );
    engine.register_fn("py_get", |d: Dynamic, k: Dynamic| {
        py_get(d, k, Dynamic::UNIT)
    });
    engine.register_fn("py_get", py_get);
    engine.register_fn("py_items", py_items);
    engine.register_fn("py_copy", |v: Dynamic| v);
    engine.register_fn("py_dict", py_dict);
    engine.register_fn("py_count", py_count);
    engine.register_fn("py_index", py_index);
    engine.register_fn("py_print_line", py_print_line);
    engine.register_fn("py_update", |m: &mut Map, other: Dynamic| -> PyResult<()> {
        let d = py_dict(other)?;
        if let Ok(o) = d.as_map_ref() {
            for (k, v) in o.iter() {
                m.insert(k.clone(), v.clone());
            }
        }
        Ok(())
    });
    engine.register_fn(
        "py_setdefault",
        |m: &mut Map, k: Dynamic| -> PyResult<Dynamic> {
            let k = key_text(&k)?;
            Ok(m.entry(k.into()).or_insert(Dynamic::UNIT).clone())
        },
    );
    engine.register_fn(
        "py_setdefault",
        |m: &mut Map, k: Dynamic, d: Dynamic| -> PyResult<Dynamic> {
            let k = key_text(&k)?;
            Ok(m.entry(k.into()).or_insert(d).clone())
        },
    );
    engine.register_fn("py_pop", |a: &mut Array| -> PyResult<Dynamic> {
        a.pop()
            .map_or_else(|| py_err("IndexError: pop from empty list"), Ok)
    });
    engine.register_fn("py_pop", |a: &mut Array, i: i64| -> PyResult<Dynamic> {
        let j = index_of(a.len(), i, "pop")?;
        Ok(a.remove(j))
    });
    engine.register_fn("py_pop", |m: &mut Map, k: Dynamic| -> PyResult<Dynamic> {
        match m.remove(key_text(&k)?.as_str()) {
            Some(v) => Ok(v),
            None => py_err(format!("KeyError: {}", super::ops::repr(&k))),
        }
    });
    engine.register_fn(
        "py_pop",
        |m: &mut Map, k: Dynamic, d: Dynamic| -> PyResult<Dynamic> {
            Ok(text(&k).and_then(|k| m.remove(k.as_str())).unwrap_or(d))
        },
    );
    engine.register_fn("py_extend", |a: &mut Array, v: Dynamic| -> PyResult<()> {
        a.extend(items(&v)?);
        Ok(())
    });
    engine.register_fn("py_insert", |a: &mut Array, i: i64, x: Dynamic| {
        let n = a.len() as i64;
        let j = if i < 0 { (i + n).max(0) } else { i.min(n) };
        a.insert(j as usize, x);
    });
    engine.register_fn("py_remove", |a: &mut Array, x: Dynamic| -> PyResult<()> {
        match a.iter().position(|y| py_eq(y, &x)) {
            Some(i) => {
                let _ = a.remove(i);
                Ok(())
            }
            None => py_err("ValueError: list.remove(x): x not in list"),
        }
    });
    engine.register_fn(
        "py_sort",
        |ctx: NativeCallContext, a: &mut Array, key: Dynamic, rev: Dynamic| -> PyResult<()> {
            let sorted = sorted(&ctx, &Dynamic::from_array(a.clone()), &key, truthy(&rev))?;
            *a = sorted;
            Ok(())
        },
    );
}

/// export's `_tup`: lists become tuples, deeply.
fn deep_tuple(v: Dynamic) -> Dynamic {
    if v.is_array() {
        let items = v.into_array().unwrap_or_default();
        return Dynamic::from_array(items.into_iter().map(deep_tuple).collect());
    }
    v
}
