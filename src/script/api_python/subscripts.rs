//! Subscripts with Python's rules: `x[i]` (negative indices, str indexing by character, a
//! dict's missing key as KeyError, or 0 for countByKey's defaultdict), `x[a:b:c]`,
//! `x[k] = v` and `del x[k]`. centella's dicts have str keys: other keys are looked up as
//! printed, as the engine keys `countByKey`/`countByValue`.

use super::ops::{same_kind, text};
use super::{PyResult, py_err};
use crate::engine::pyorder::py_type_name;
use crate::engine::pyrepr::python_str;
use rhai::{Array, Dynamic, Engine, Map};

pub fn register(engine: &mut Engine) {
    engine.register_fn("py_getitem", py_getitem);
    engine.register_fn("py_counts", |mut v: Dynamic| {
        if v.is_map() {
            v.set_tag(COUNTS_TAG);
        }
        v
    });
    engine.register_fn("py_slice", py_slice);
    engine.register_fn(
        "py_setitem",
        |m: &mut Map, k: Dynamic, v: Dynamic| -> PyResult<()> {
            m.insert(key_text(&k)?.into(), v);
            Ok(())
        },
    );
    engine.register_fn(
        "py_setitem",
        |a: &mut Array, i: i64, v: Dynamic| -> PyResult<()> {
            let j = index_of(a.len(), i, "list assignment")?;
            a[j] = v;
            Ok(())
        },
    );
    engine.register_fn("py_delitem", |m: &mut Map, k: Dynamic| -> PyResult<()> {
        match m.remove(key_text(&k)?.as_str()) {
            Some(_) => Ok(()),
            None => py_err(format!("KeyError: {}", super::ops::repr(&k))),
        }
    });
    engine.register_fn("py_delitem", |a: &mut Array, i: i64| -> PyResult<()> {
        let j = index_of(a.len(), i, "list assignment")?;
        let _ = a.remove(j);
        Ok(())
    });
}

pub(super) fn index_of(len: usize, i: i64, what: &str) -> PyResult<usize> {
    let j = if i < 0 { i + len as i64 } else { i };
    if j < 0 || j >= len as i64 {
        return py_err(format!("IndexError: {what} index out of range"));
    }
    Ok(j as usize)
}

/// Marks the counts of `countByKey`/`countByValue`: a defaultdict(int) in PySpark.
const COUNTS_TAG: i32 = 0x5079;

/// The key under which centella's maps keep `k`: strings as they are, other keys as printed
/// (as the engine keys `countByKey`/`countByValue`).
pub(super) fn lookup_key(k: &Dynamic) -> String {
    text(k).unwrap_or_else(|| python_str(k))
}

pub(super) fn key_text(k: &Dynamic) -> PyResult<String> {
    match text(k) {
        Some(s) => Ok(s),
        None => py_err(format!(
            "TypeError: centella's dicts have str keys, not {} ({})",
            py_type_name(k),
            python_str(k)
        )),
    }
}

pub fn py_getitem(x: Dynamic, i: Dynamic) -> PyResult<Dynamic> {
    if let Ok(a) = x.as_array_ref() {
        let Ok(n) = i.as_int() else {
            return py_err(format!(
                "TypeError: {} indices must be integers, not {}",
                py_type_name(&x),
                py_type_name(&i)
            ));
        };
        return Ok(a[index_of(a.len(), n, py_type_name(&x))?].clone());
    }
    if let Some(s) = text(&x) {
        let Ok(n) = i.as_int() else {
            return py_err("TypeError: string indices must be integers");
        };
        let chars: Vec<char> = s.chars().collect();
        return Ok(Dynamic::from(
            chars[index_of(chars.len(), n, "string")?].to_string(),
        ));
    }
    if let Ok(m) = x.as_map_ref() {
        return match m.get(lookup_key(&i).as_str()) {
            Some(v) => Ok(v.clone()),
            None if x.tag() == COUNTS_TAG => Ok(Dynamic::from(0_i64)),
            None => py_err(format!("KeyError: {}", super::ops::repr(&i))),
        };
    }
    py_err(format!(
        "TypeError: '{}' object is not subscriptable",
        py_type_name(&x)
    ))
}

/// Python's slice bounds for a sequence of `len` items.
fn slice_indices(len: usize, a: &Dynamic, b: &Dynamic, c: &Dynamic) -> PyResult<Vec<usize>> {
    let int = |v: &Dynamic| -> PyResult<Option<i64>> {
        if v.is_unit() {
            return Ok(None);
        }
        v.as_int()
            .map(Some)
            .or_else(|_| py_err("TypeError: slice indices must be integers or None"))
    };
    let step = int(c)?.unwrap_or(1);
    if step == 0 {
        return py_err("ValueError: slice step cannot be zero");
    }
    let n = len as i64;
    let clamp = |v: Option<i64>, default: i64, lo: i64, hi: i64| match v {
        None => default,
        Some(i) if i < 0 => (i + n).max(lo),
        Some(i) => i.min(hi),
    };
    let mut out = Vec::new();
    if step > 0 {
        let (start, stop) = (clamp(int(a)?, 0, 0, n), clamp(int(b)?, n, 0, n));
        let mut i = start;
        while i < stop {
            out.push(i as usize);
            i = match i.checked_add(step) {
                Some(n) => n,
                None => break,
            };
        }
    } else {
        let (start, stop) = (
            clamp(int(a)?, n - 1, -1, n - 1),
            clamp(int(b)?, -1, -1, n - 1),
        );
        let mut i = start;
        while i > stop {
            out.push(i as usize);
            i = match i.checked_add(step) {
                Some(n) => n,
                None => break,
            };
        }
    }
    Ok(out)
}

fn py_slice(x: Dynamic, a: Dynamic, b: Dynamic, c: Dynamic) -> PyResult<Dynamic> {
    if let Some(s) = text(&x) {
        let chars: Vec<char> = s.chars().collect();
        let idx = slice_indices(chars.len(), &a, &b, &c)?;
        return Ok(Dynamic::from(
            idx.into_iter().map(|i| chars[i]).collect::<String>(),
        ));
    }
    if let Ok(arr) = x.as_array_ref() {
        let idx = slice_indices(arr.len(), &a, &b, &c)?;
        let items: Array = idx.into_iter().map(|i| arr[i].clone()).collect();
        return Ok(same_kind(items, &x));
    }
    py_err(format!(
        "TypeError: '{}' object is not subscriptable",
        py_type_name(&x)
    ))
}
