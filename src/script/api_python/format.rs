//! Python's formatting: the format-spec mini-language (`f"{x:>8.2f}"`, `format(x, spec)`),
//! `%` formatting (`"%s: %d" % (k, v)`) and `str.format`.

use super::ops::{Num, num, repr, text};
use super::{PyResult, py_err};
use crate::engine::pyorder::py_type_name;
use crate::engine::pyrepr::python_str;
use rhai::{Array, Dynamic, Engine, Map};

/// Pads `s` to `width` with `fill`: `<` left, `>` right, `^` centre (extra on the right).
pub fn align(s: &str, width: usize, fill: char, how: char) -> String {
    // A width beyond any record's (a typo like {:99999999999}) is not honoured.
    let width = width.min(super::ops::MAX_ITEMS);
    let n = s.chars().count();
    if n >= width {
        return s.to_string();
    }
    let pad = width - n;
    let f = |k: usize| fill.to_string().repeat(k);
    match how {
        '>' => format!("{}{s}", f(pad)),
        '^' => format!("{}{s}{}", f(pad / 2), f(pad - pad / 2)),
        _ => format!("{s}{}", f(pad)),
    }
}

#[derive(Default)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: char,
    alternate: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn parse_spec(spec: &str) -> PyResult<Spec> {
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut s = Spec {
        sign: '-',
        ..Spec::default()
    };
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        s.fill = Some(chars[0]);
        s.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        s.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        s.sign = chars[i];
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        s.alternate = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    s.width = chars[start..i]
        .iter()
        .collect::<String>()
        .parse()
        .unwrap_or(0);
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        s.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            return py_err("ValueError: Format specifier missing precision");
        }
        s.precision = chars[start..i].iter().collect::<String>().parse().ok();
        if s.precision.is_none_or(|p| p > 1000) {
            return py_err("ValueError: precision too big");
        }
    }
    if i < chars.len() {
        s.ty = Some(chars[i]);
        i += 1;
    }
    if i != chars.len() {
        return py_err(format!("ValueError: Invalid format specifier '{spec}'"));
    }
    Ok(s)
}

fn group(digits: &str, sep: char) -> String {
    let mut out = String::new();
    let n = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Python's exponent form: `1.500000e+03`.
fn exp_form(x: f64, p: usize, upper: bool) -> String {
    let s = format!("{:.*e}", p, x);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = exp.parse().unwrap_or(0);
    let out = format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    if upper { out.to_uppercase() } else { out }
}

/// Python's `g`: `p` significant digits, fixed or exponent form, trailing zeros dropped.
fn general(x: f64, p: usize, alternate: bool, upper: bool) -> String {
    let p = p.max(1);
    if x == 0.0 {
        return if alternate {
            format!("{:.*}", p - 1, 0.0)
        } else {
            "0".into()
        };
    }
    let sci = exp_form(x, p - 1, false);
    let e: i32 = sci
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let mut out = if e >= -4 && e < p as i32 {
        format!("{:.*}", (p as i32 - 1 - e).max(0) as usize, x)
    } else {
        sci
    };
    if !alternate {
        if let Some((m, ex)) = out.clone().split_once('e') {
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            out = format!("{m}e{ex}");
        } else if out.contains('.') {
            out = out.trim_end_matches('0').trim_end_matches('.').to_string();
        }
    }
    if upper { out.to_uppercase() } else { out }
}

fn format_number(n: Num, s: &Spec) -> PyResult<String> {
    let negative = match n {
        Num::Int(i) => i < 0,
        Num::Float(x) => x.is_sign_negative() && !(x == 0.0 && s.ty.is_none()),
    };
    let body = match (s.ty, n) {
        (None | Some('d') | Some('n'), Num::Int(i)) => {
            let d = i.unsigned_abs().to_string();
            match s.grouping {
                Some(g) => group(&d, g),
                None => d,
            }
        }
        (Some('x'), Num::Int(i)) => format!(
            "{}{:x}",
            if s.alternate { "0x" } else { "" },
            i.unsigned_abs()
        ),
        (Some('X'), Num::Int(i)) => format!(
            "{}{:X}",
            if s.alternate { "0X" } else { "" },
            i.unsigned_abs()
        ),
        (Some('o'), Num::Int(i)) => format!(
            "{}{:o}",
            if s.alternate { "0o" } else { "" },
            i.unsigned_abs()
        ),
        (Some('b'), Num::Int(i)) => format!(
            "{}{:b}",
            if s.alternate { "0b" } else { "" },
            i.unsigned_abs()
        ),
        (Some('c'), Num::Int(i)) => u32::try_from(i)
            .ok()
            .and_then(char::from_u32)
            .map(String::from)
            .unwrap_or_default(),
        (Some(t @ ('f' | 'F' | 'e' | 'E' | 'g' | 'G' | '%')), n) => {
            let x = match n {
                Num::Int(i) => i as f64,
                Num::Float(x) => x,
            }
            .abs();
            let p = s.precision.unwrap_or(6);
            if !x.is_finite() {
                let t = if x.is_nan() { "nan" } else { "inf" };
                if t.chars().all(|c| c.is_lowercase()) && matches!(s.ty, Some('F' | 'E' | 'G')) {
                    t.to_uppercase()
                } else {
                    t.to_string()
                }
            } else {
                let body = match t {
                    'f' | 'F' => format!("{:.*}", p, x),
                    'e' | 'E' => exp_form(x, p, t == 'E'),
                    'g' | 'G' => general(x, p, s.alternate, t == 'G'),
                    _ => format!("{:.*}%", p, x * 100.0),
                };
                match s.grouping {
                    Some(g) if t == 'f' || t == 'F' => {
                        let (int, frac) = body
                            .split_once('.')
                            .map_or((body.as_str(), None), |(a, b)| (a, Some(b)));
                        let mut out = group(int, g);
                        if let Some(f) = frac {
                            out.push('.');
                            out.push_str(f);
                        }
                        out
                    }
                    _ => body,
                }
            }
        }
        (None, Num::Float(x)) => match s.precision {
            Some(p) => {
                let g = general(x.abs(), p, s.alternate, false);
                if g.contains(['.', 'e', 'n', 'i']) {
                    g
                } else {
                    format!("{g}.0")
                }
            }
            None => repr(&Dynamic::from(x.abs())),
        },
        (Some(t), _) => {
            return py_err(format!(
                "ValueError: Unknown format code '{t}' for object of type 'float'"
            ));
        }
    };
    let sign = if negative {
        "-"
    } else {
        match s.sign {
            '+' => "+",
            ' ' => " ",
            _ => "",
        }
    };
    let fill = s.fill.unwrap_or(if s.zero { '0' } else { ' ' });
    let how = s.align.unwrap_or(if s.zero { '=' } else { '>' });
    if how == '=' {
        let w = s.width.saturating_sub(sign.len());
        return Ok(format!("{sign}{}", align(&body, w, fill, '>')));
    }
    Ok(align(&format!("{sign}{body}"), s.width, fill, how))
}

/// `format(v, spec)`, an f-string's `{v:spec}`.
pub fn format_value(v: &Dynamic, spec: &str) -> PyResult<String> {
    let s = parse_spec(spec)?;
    if let Some(n) = num(v).filter(|_| !v.is_bool() || s.ty.is_some()) {
        return format_number(n, &s);
    }
    if let Some(t) = s.ty.filter(|t| *t != 's') {
        return py_err(format!(
            "ValueError: Unknown format code '{t}' for object of type '{}'",
            py_type_name(v)
        ));
    }
    let mut st = python_str(v);
    if let Some(p) = s.precision {
        st = st.chars().take(p).collect();
    }
    Ok(align(
        &st,
        s.width,
        s.fill.unwrap_or(' '),
        s.align.unwrap_or('<'),
    ))
}

/// `fmt % args`.
pub fn percent(fmt: &str, args: &Dynamic) -> PyResult<String> {
    let values: Vec<Dynamic> = match args.as_array_ref() {
        Ok(a) if args.tag() != crate::engine::record::LIST_TAG => a.clone(),
        _ => vec![args.clone()],
    };
    let mut next = values.iter();
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        let mut flags = String::new();
        while i < chars.len() && matches!(chars[i], '-' | '+' | ' ' | '0' | '#') {
            flags.push(chars[i]);
            i += 1;
        }
        let mut width = String::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            width.push(chars[i]);
            i += 1;
        }
        let mut precision = None;
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            let mut p = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                p.push(chars[i]);
                i += 1;
            }
            precision = Some(p.parse::<usize>().unwrap_or(0).min(1000));
        }
        let Some(&conv) = chars.get(i) else {
            return py_err("ValueError: incomplete format");
        };
        i += 1;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let Some(v) = next.next() else {
            return py_err("TypeError: not enough arguments for format string");
        };
        let w: usize = width.parse().unwrap_or(0);
        let left = flags.contains('-');
        let text = match conv {
            's' | 'r' | 'a' => {
                let mut t = if conv == 's' { python_str(v) } else { repr(v) };
                if let Some(p) = precision {
                    t = t.chars().take(p).collect();
                }
                align(&t, w, ' ', if left { '<' } else { '>' })
            }
            'd' | 'i' | 'u' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'x' | 'X' | 'o' => {
                let Some(n) = num(v) else {
                    return py_err(format!(
                        "TypeError: %{conv} format: a real number is required, not {}",
                        py_type_name(v)
                    ));
                };
                let n = match (conv, n) {
                    ('d' | 'i' | 'u' | 'x' | 'X' | 'o', Num::Float(x)) => {
                        Num::Int(x.trunc() as i64)
                    }
                    _ => n,
                };
                let ty = match conv {
                    'i' | 'u' => 'd',
                    c => c,
                };
                let spec = Spec {
                    fill: None,
                    align: Some(if left {
                        '<'
                    } else if flags.contains('0') {
                        '='
                    } else {
                        '>'
                    }),
                    sign: if flags.contains('+') {
                        '+'
                    } else if flags.contains(' ') {
                        ' '
                    } else {
                        '-'
                    },
                    alternate: flags.contains('#'),
                    zero: flags.contains('0') && !left,
                    width: w,
                    grouping: None,
                    precision,
                    ty: Some(ty),
                };
                format_number(n, &spec)?
            }
            'c' => python_str(v),
            c => return py_err(format!("ValueError: unsupported format character '{c}'")),
        };
        out.push_str(&text);
    }
    if next.next().is_some() {
        return py_err("TypeError: not all arguments converted during string formatting");
    }
    Ok(out)
}

/// `fmt.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{0[1]}`, `{:spec}`, `{!r}`.
fn str_format(fmt: &str, args: Array, kwargs: Map) -> PyResult<String> {
    let mut out = String::new();
    let mut auto = 0;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut field = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => field.push(c),
                        None => return py_err("ValueError: expected '}' before end of string"),
                    }
                }
                let (field, spec) = field
                    .split_once(':')
                    .map_or((field.as_str(), ""), |(a, b)| (a, b));
                let (name, conv) = field
                    .split_once('!')
                    .map_or((field, None), |(a, b)| (a, Some(b)));
                let (base, index) = match name.split_once('[') {
                    Some((b, rest)) => (b, Some(rest.trim_end_matches(']'))),
                    None => (name, None),
                };
                let mut v = if base.is_empty() {
                    let v = args.get(auto).cloned();
                    auto += 1;
                    v
                } else if let Ok(i) = base.parse::<usize>() {
                    args.get(i).cloned()
                } else {
                    kwargs.get(base).cloned()
                }
                .map_or_else(
                    || py_err(format!("IndexError: Replacement index {base} out of range for positional args tuple")),
                    Ok,
                )?;
                if let Some(ix) = index {
                    let key = ix
                        .parse::<i64>()
                        .map(Dynamic::from)
                        .unwrap_or_else(|_| Dynamic::from(ix.to_string()));
                    v = super::subscripts::py_getitem(v, key)?;
                }
                let v = match conv {
                    Some("r") | Some("a") => Dynamic::from(repr(&v)),
                    Some("s") => Dynamic::from(python_str(&v)),
                    _ => v,
                };
                out.push_str(&format_value(&v, spec)?);
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

pub fn register(engine: &mut Engine) {
    engine.register_fn(
        "py_format",
        |v: Dynamic, spec: Dynamic| -> PyResult<String> {
            let spec = text(&spec).unwrap_or_default();
            format_value(&v, &spec)
        },
    );
    engine.register_fn(
        "py_str_format",
        |fmt: Dynamic, args: Array, kwargs: Map| -> PyResult<String> {
            match text(&fmt) {
                Some(f) => str_format(&f, args, kwargs),
                None => py_err(format!(
                    "AttributeError: '{}' object has no attribute 'format'",
                    py_type_name(&fmt)
                )),
            }
        },
    );
}
