//! Python's str methods, returning new strings (Rhai's `replace`, `trim`, `to_lower` work in
//! place): `split()` on runs of whitespace, `strip(chars)`, `startswith(tuple)`, `join`, ...

use super::ops::text;
use super::{PyResult, py_err};
use crate::engine::pyorder::py_type_name;
use crate::engine::record::list;
use rhai::{Dynamic, Engine};

fn s(v: &Dynamic, method: &str) -> PyResult<String> {
    text(v).map_or_else(
        || {
            py_err(format!(
                "AttributeError: '{}' object has no attribute '{method}'",
                py_type_name(v)
            ))
        },
        Ok,
    )
}

fn strs(parts: impl IntoIterator<Item = String>) -> Dynamic {
    list(parts.into_iter().map(Dynamic::from).collect())
}

fn max_splits(m: &Dynamic) -> PyResult<Option<usize>> {
    if m.is_unit() {
        return Ok(None);
    }
    match m.as_int() {
        Ok(n) if n < 0 => Ok(None),
        Ok(n) => Ok(Some(n as usize)),
        Err(_) => py_err("TypeError: maxsplit must be an integer"),
    }
}

/// `s.split(sep=None, maxsplit=-1)`.
fn split(v: Dynamic, sep: Dynamic, max: Dynamic) -> PyResult<Dynamic> {
    let st = s(&v, "split")?;
    let max = max_splits(&max)?;
    if sep.is_unit() {
        // Runs of whitespace; no empty strings at the ends.
        let mut out = Vec::new();
        let mut rest = st.trim_start();
        while !rest.is_empty() {
            if max.is_some_and(|m| out.len() == m) {
                out.push(rest.to_string());
                break;
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
        return Ok(strs(out));
    }
    let sep = s(&sep, "split")?;
    if sep.is_empty() {
        return py_err("ValueError: empty separator");
    }
    Ok(match max {
        Some(m) => strs(st.splitn(m + 1, sep.as_str()).map(str::to_string)),
        None => strs(st.split(sep.as_str()).map(str::to_string)),
    })
}

fn rsplit(v: Dynamic, sep: Dynamic, max: Dynamic) -> PyResult<Dynamic> {
    let max = max_splits(&max)?;
    let Some(m) = max else {
        return split(v, sep, Dynamic::UNIT);
    };
    let st = s(&v, "rsplit")?;
    if sep.is_unit() {
        let mut out: Vec<String> = Vec::new();
        let mut rest = st.trim_end();
        while !rest.is_empty() {
            if out.len() == m {
                out.push(rest.to_string());
                break;
            }
            let start = rest.rfind(char::is_whitespace).map_or(0, |i| {
                i + rest[i..].chars().next().map_or(1, char::len_utf8)
            });
            out.push(rest[start..].to_string());
            rest = rest[..start].trim_end();
        }
        out.reverse();
        return Ok(strs(out));
    }
    let sep = s(&sep, "rsplit")?;
    if sep.is_empty() {
        return py_err("ValueError: empty separator");
    }
    let mut out: Vec<String> = st
        .rsplitn(m + 1, sep.as_str())
        .map(str::to_string)
        .collect();
    out.reverse();
    Ok(strs(out))
}

fn strip(v: Dynamic, chars: Dynamic, left: bool, right: bool) -> PyResult<String> {
    let st = s(&v, "strip")?;
    let set: Option<Vec<char>> = if chars.is_unit() {
        None
    } else {
        Some(s(&chars, "strip")?.chars().collect())
    };
    let matches = |c: char| match &set {
        None => c.is_whitespace(),
        Some(cs) => cs.contains(&c),
    };
    let mut t = st.as_str();
    if left {
        t = t.trim_start_matches(matches);
    }
    if right {
        t = t.trim_end_matches(matches);
    }
    Ok(t.to_string())
}

/// startswith/endswith with a string or a tuple of strings.
fn affix(v: Dynamic, p: Dynamic, start: bool) -> PyResult<bool> {
    let st = s(&v, if start { "startswith" } else { "endswith" })?;
    let test = |x: &str| {
        if start {
            st.starts_with(x)
        } else {
            st.ends_with(x)
        }
    };
    if let Some(one) = text(&p) {
        return Ok(test(&one));
    }
    if let Ok(a) = p.as_array_ref() {
        return Ok(a.iter().filter_map(text).any(|x| test(&x)));
    }
    py_err(format!(
        "TypeError: {} first arg must be str or a tuple of str, not {}",
        if start { "startswith" } else { "endswith" },
        py_type_name(&p)
    ))
}

fn replace(v: Dynamic, old: Dynamic, new: Dynamic, count: i64) -> PyResult<String> {
    let st = s(&v, "replace")?;
    let (o, n) = (s(&old, "replace")?, s(&new, "replace")?);
    Ok(if count < 0 {
        st.replace(&o, &n)
    } else {
        st.replacen(&o, &n, count as usize)
    })
}

fn join(sep: Dynamic, it: Dynamic) -> PyResult<String> {
    let sep = s(&sep, "join")?;
    let mut parts = Vec::new();
    for (i, x) in super::iterables::items(&it)?.iter().enumerate() {
        match text(x) {
            Some(t) => parts.push(t),
            None => {
                return py_err(format!(
                    "TypeError: sequence item {i}: expected str instance, {} found",
                    py_type_name(x)
                ));
            }
        }
    }
    Ok(parts.join(&sep))
}

fn find(v: Dynamic, sub: Dynamic, last: bool) -> PyResult<i64> {
    let st = s(&v, "find")?;
    let sub = s(&sub, "find")?;
    let at = if last { st.rfind(&sub) } else { st.find(&sub) };
    Ok(at.map_or(-1, |i| st[..i].chars().count() as i64))
}

fn pad(v: Dynamic, width: i64, fill: Dynamic, align: char) -> PyResult<String> {
    let st = s(&v, "ljust")?;
    let fill = if fill.is_unit() {
        ' '
    } else {
        s(&fill, "ljust")?.chars().next().unwrap_or(' ')
    };
    Ok(super::format::align(
        &st,
        width.max(0) as usize,
        fill,
        align,
    ))
}

fn capitalize(st: &str) -> String {
    let mut c = st.chars();
    match c.next() {
        Some(f) => format!(
            "{}{}",
            f.to_uppercase().collect::<String>(),
            c.as_str().to_lowercase()
        ),
        None => String::new(),
    }
}

fn title(st: &str) -> String {
    let mut out = String::with_capacity(st.len());
    let mut prev_cased = false;
    for ch in st.chars() {
        if prev_cased {
            out.extend(ch.to_lowercase());
        } else {
            out.extend(ch.to_uppercase());
        }
        prev_cased = ch.is_alphabetic();
    }
    out
}

fn all_chars(v: Dynamic, method: &str, f: fn(char) -> bool) -> PyResult<bool> {
    let st = s(&v, method)?;
    Ok(!st.is_empty() && st.chars().all(f))
}

pub fn register(engine: &mut Engine) {
    engine.register_fn("py_split", |v: Dynamic| {
        split(v, Dynamic::UNIT, Dynamic::UNIT)
    });
    engine.register_fn("py_split", |v: Dynamic, sep: Dynamic| {
        split(v, sep, Dynamic::UNIT)
    });
    engine.register_fn("py_split", split);
    engine.register_fn("py_rsplit", |v: Dynamic| {
        rsplit(v, Dynamic::UNIT, Dynamic::UNIT)
    });
    engine.register_fn("py_rsplit", |v: Dynamic, sep: Dynamic| {
        rsplit(v, sep, Dynamic::UNIT)
    });
    engine.register_fn("py_rsplit", rsplit);
    engine.register_fn("py_splitlines", |v: Dynamic| -> PyResult<Dynamic> {
        Ok(strs(s(&v, "splitlines")?.lines().map(str::to_string)))
    });
    engine.register_fn("py_strip", |v: Dynamic| strip(v, Dynamic::UNIT, true, true));
    engine.register_fn("py_strip", |v: Dynamic, c: Dynamic| strip(v, c, true, true));
    engine.register_fn("py_lstrip", |v: Dynamic| {
        strip(v, Dynamic::UNIT, true, false)
    });
    engine.register_fn("py_lstrip", |v: Dynamic, c: Dynamic| {
        strip(v, c, true, false)
    });
    engine.register_fn("py_rstrip", |v: Dynamic| {
        strip(v, Dynamic::UNIT, false, true)
    });
    engine.register_fn("py_rstrip", |v: Dynamic, c: Dynamic| {
        strip(v, c, false, true)
    });
    engine.register_fn("py_lower", |v: Dynamic| {
        s(&v, "lower").map(|t| t.to_lowercase())
    });
    engine.register_fn("py_upper", |v: Dynamic| {
        s(&v, "upper").map(|t| t.to_uppercase())
    });
    engine.register_fn("py_title", |v: Dynamic| s(&v, "title").map(|t| title(&t)));
    engine.register_fn("py_capitalize", |v: Dynamic| {
        s(&v, "capitalize").map(|t| capitalize(&t))
    });
    engine.register_fn("py_swapcase", |v: Dynamic| {
        s(&v, "swapcase").map(|t| {
            t.chars()
                .flat_map(|c| -> Vec<char> {
                    if c.is_uppercase() {
                        c.to_lowercase().collect()
                    } else {
                        c.to_uppercase().collect()
                    }
                })
                .collect::<String>()
        })
    });
    engine.register_fn("py_startswith", |v: Dynamic, p: Dynamic| affix(v, p, true));
    engine.register_fn("py_endswith", |v: Dynamic, p: Dynamic| affix(v, p, false));
    engine.register_fn("py_replace", |v: Dynamic, o: Dynamic, n: Dynamic| {
        replace(v, o, n, -1)
    });
    engine.register_fn("py_replace", replace);
    engine.register_fn("py_join", join);
    engine.register_fn("join", |sep: rhai::ImmutableString, it: Dynamic| {
        join(Dynamic::from(sep), it)
    });
    engine.register_fn("py_find", |v: Dynamic, sub: Dynamic| find(v, sub, false));
    engine.register_fn("py_rfind", |v: Dynamic, sub: Dynamic| find(v, sub, true));
    engine.register_fn("py_isdigit", |v: Dynamic| {
        all_chars(v, "isdigit", |c| c.is_ascii_digit())
    });
    engine.register_fn("py_isalpha", |v: Dynamic| {
        all_chars(v, "isalpha", char::is_alphabetic)
    });
    engine.register_fn("py_isalnum", |v: Dynamic| {
        all_chars(v, "isalnum", char::is_alphanumeric)
    });
    engine.register_fn("py_isspace", |v: Dynamic| {
        all_chars(v, "isspace", char::is_whitespace)
    });
    engine.register_fn("py_isupper", |v: Dynamic| -> PyResult<bool> {
        let t = s(&v, "isupper")?;
        Ok(t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase))
    });
    engine.register_fn("py_islower", |v: Dynamic| -> PyResult<bool> {
        let t = s(&v, "islower")?;
        Ok(t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_uppercase))
    });
    engine.register_fn("py_zfill", |v: Dynamic, w: i64| -> PyResult<String> {
        let t = s(&v, "zfill")?;
        let n = t.chars().count();
        let w = (w.max(0) as usize).min(super::ops::MAX_ITEMS);
        if n >= w {
            return Ok(t);
        }
        let (sign, digits) = match t.strip_prefix(['-', '+']) {
            Some(rest) => (&t[..1], rest),
            None => ("", t.as_str()),
        };
        Ok(format!("{sign}{}{digits}", "0".repeat(w - n)))
    });
    engine.register_fn("py_ljust", |v: Dynamic, w: i64| {
        pad(v, w, Dynamic::UNIT, '<')
    });
    engine.register_fn("py_ljust", |v: Dynamic, w: i64, f: Dynamic| {
        pad(v, w, f, '<')
    });
    engine.register_fn("py_rjust", |v: Dynamic, w: i64| {
        pad(v, w, Dynamic::UNIT, '>')
    });
    engine.register_fn("py_rjust", |v: Dynamic, w: i64, f: Dynamic| {
        pad(v, w, f, '>')
    });
    engine.register_fn("py_center", |v: Dynamic, w: i64| {
        pad(v, w, Dynamic::UNIT, '^')
    });
    engine.register_fn("py_center", |v: Dynamic, w: i64, f: Dynamic| {
        pad(v, w, f, '^')
    });
}
