//! How PySpark's `pprint()` shows a record: `print(record)`, i.e. Python
//! `str()` at the top level and `repr()` inside containers.
//!
//! Records are Rhai values; arrays stand for Python tuples (or lists when
//! tagged with [`super::record::LIST_TAG`]) and object maps for dicts. Matching Python's
//! text exactly (float digits, quote choice, escapes) keeps output
//! byte-identical to PySpark's. [`rhai_str`] is the `--notation rhai`
//! alternative.

use std::fmt::Write;

use rhai::Dynamic;

use super::record::{RecordView, view};

/// Python `str(v)`: strings bare, everything else as `repr(v)`.
pub fn python_str(v: &Dynamic) -> String {
    let view = view(v);
    if let Some(text) = view.text(&mut [0; 4]) {
        return text.to_string();
    }
    let mut out = String::new();
    write_view_repr(v, view, &mut out);
    out
}

/// Append Python `repr(v)` to `out`.
pub fn write_python_repr(v: &Dynamic, out: &mut String) {
    write_view_repr(v, view(v), out);
}

fn write_view_repr(v: &Dynamic, view: RecordView<'_>, out: &mut String) {
    match view {
        RecordView::None => out.push_str("None"),
        RecordView::Bool(b) => out.push_str(if b { "True" } else { "False" }),
        RecordView::Int(n) => {
            let _ = write!(out, "{n}");
        }
        RecordView::Float(f) => write_float_repr(f, out),
        RecordView::Char(c) => write_str_repr(c.encode_utf8(&mut [0; 4]), out),
        RecordView::Str(s) => write_str_repr(&s, out),
        RecordView::Tuple(a) => write_sequence(&a, false, out),
        RecordView::List(a) => write_sequence(&a, true, out),
        RecordView::Map(m) => write_dict(m.iter().map(|(k, v)| (k.as_str(), v)), out),
        RecordView::Bytes(b) => write_bytes_repr(&b, out),
        RecordView::Other => out.push_str(&v.to_string()),
    }
}

/// `--notation rhai`: top-level strings bare, otherwise Rhai's debug form.
pub fn rhai_str(v: &Dynamic) -> String {
    if let Some(text) = view(v).text(&mut [0; 4]) {
        return text.to_string();
    }
    format!("{v:?}")
}

/// A tuple `(a, b)` / `(a,)` / `()` or a list `[a, b]`.
fn write_sequence(items: &[Dynamic], is_list: bool, out: &mut String) {
    out.push(if is_list { '[' } else { '(' });
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_python_repr(item, out);
    }
    if !is_list && items.len() == 1 {
        out.push(',');
    }
    out.push(if is_list { ']' } else { ')' });
}

fn write_dict<'a>(entries: impl Iterator<Item = (&'a str, &'a Dynamic)>, out: &mut String) {
    out.push('{');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_str_repr(k, out);
        out.push_str(": ");
        write_python_repr(v, out);
    }
    out.push('}');
}

/// Python `repr(float)`: shortest round-trip digits, fixed notation when
/// the decimal exponent is in [-4, 16), otherwise `d.ddde±XX`.
///
/// Public for the script layer's messages that quote a float as Python shows it.
pub fn write_float_repr(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("nan");
        return;
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    if f.is_infinite() {
        out.push_str("inf");
        return;
    }
    let sci = shortest_sci(f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        write_fixed(&digits, exp + 1, out);
    } else {
        write_scientific(&digits, exp, out);
    }
}

/// Shortest round-trip digits in Rust's `{:e}` form ("1.25e-7"). Rust picks
/// the upper candidate on an exact tie where Python's dtoa rounds half to
/// even, so prefer the correctly rounded (half-even) value of the same
/// length whenever it round-trips too.
fn shortest_sci(f: f64) -> String {
    let shortest = format!("{f:e}");
    let len = shortest.find('e').unwrap_or(shortest.len());
    let sig_digits = shortest[..len].chars().filter(char::is_ascii_digit).count();
    let rounded = format!("{:.*e}", sig_digits.saturating_sub(1), f);
    if rounded.parse::<f64>() == Ok(f) {
        rounded
    } else {
        shortest
    }
}

/// `digits` with the decimal point after `decpt` digits (may be <= 0).
fn write_fixed(digits: &str, decpt: i32, out: &mut String) {
    let n = digits.len() as i32;
    if decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-decpt) as usize));
        out.push_str(digits);
    } else if decpt >= n {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (decpt - n) as usize));
        out.push_str(".0");
    } else {
        let (int, frac) = digits.split_at(decpt as usize);
        let _ = write!(out, "{int}.{frac}");
    }
}

fn write_scientific(digits: &str, exp: i32, out: &mut String) {
    let (first, rest) = digits.split_at(1.min(digits.len()));
    out.push_str(first);
    if !rest.is_empty() {
        let _ = write!(out, ".{rest}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    let _ = write!(out, "e{sign}{:02}", exp.unsigned_abs());
}

/// Python `repr(str)`.
///
/// Public for the script layer's Python helpers (a dict's keys written as `repr` does).
pub fn write_str_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => write_escape(u32::from(c), out),
        }
    }
    out.push(quote);
}

fn write_escape(cp: u32, out: &mut String) {
    let _ = match cp {
        0..=0xff => write!(out, "\\x{cp:02x}"),
        0x100..=0xffff => write!(out, "\\u{cp:04x}"),
        _ => write!(out, "\\U{cp:08x}"),
    };
}

/// Python's `str.isprintable()` for one character. Non-ASCII code points
/// in categories Cc, Cf, Co, Zs (except space), Zl and Zp are not
/// printable (ranges from Unicode 14, CPython 3.11); unassigned code points
/// (Cn) are not tracked and count as printable.
fn is_printable(c: char) -> bool {
    const NON_PRINTABLE: &[(u32, u32)] = &[
        (0x80, 0xA0),
        (0xAD, 0xAD),
        (0x600, 0x605),
        (0x61C, 0x61C),
        (0x6DD, 0x6DD),
        (0x70F, 0x70F),
        (0x890, 0x891),
        (0x8E2, 0x8E2),
        (0x1680, 0x1680),
        (0x180E, 0x180E),
        (0x2000, 0x200F),
        (0x2028, 0x202F),
        (0x205F, 0x2064),
        (0x2066, 0x206F),
        (0x3000, 0x3000),
        (0xE000, 0xF8FF),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x13438),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
        (0xF0000, 0xFFFFD),
        (0x100000, 0x10FFFD),
    ];
    let cp = u32::from(c);
    if cp < 0x80 {
        return (0x20..0x7f).contains(&cp);
    }
    !NON_PRINTABLE
        .iter()
        .any(|&(lo, hi)| (lo..=hi).contains(&cp))
}

/// Python `repr(bytes)`.
fn write_bytes_repr(b: &[u8], out: &mut String) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.push('b');
    out.push(char::from(quote));
    for &byte in b {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            q if q == quote => {
                out.push('\\');
                out.push(char::from(q));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => write_escape(u32::from(byte), out),
        }
    }
    out.push(char::from(quote));
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhai::Map;

    use crate::test_values::{f, i, list, s, t};
    fn repr(v: &Dynamic) -> String {
        let mut out = String::new();
        write_python_repr(v, &mut out);
        out
    }

    #[test]
    fn floats_match_python_repr() {
        let cases: &[(f64, &str)] = &[
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (2.0 / 3.0, "0.6666666666666666"),
            (0.3, "0.3"),
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (2.5e-7, "2.5e-07"),
            (-1e-7, "-1e-07"),
            (1e22, "1e+22"),
            (1e100, "1e+100"),
            (6.02214076e23, "6.02214076e+23"),
            (100.0, "100.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-1.5, "-1.5"),
            (1e15, "1000000000000000.0"),
            (3e15, "3000000000000000.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (9007199254740992.0, "9007199254740992.0"),
            (1e-4, "0.0001"),
            (0.00012345, "0.00012345"),
            (123.456, "123.456"),
            (299792458.0, "299792458.0"),
            (5e-324, "5e-324"),
            // Exact ties (…932.25 etc.): Python rounds half to even.
            (688892598486932.2, "688892598486932.2"),
            (-233891771783429.62, "-233891771783429.62"),
            (21216893859084.812, "21216893859084.812"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ];
        for (x, want) in cases {
            assert_eq!(repr(&f(*x)), *want, "{x:e}");
            assert_eq!(python_str(&f(*x)), *want);
        }
    }

    #[test]
    fn strings_match_python_repr() {
        let cases: &[(&str, &str)] = &[
            ("it's", r#""it's""#),
            (r#"say "hi""#, r#"'say "hi"'"#),
            (r#"both ' and ""#, r#"'both \' and "'"#),
            ("back\\slash", r"'back\\slash'"),
            ("tab\tnl\nret\r", r"'tab\tnl\nret\r'"),
            ("\x00\x07\x1f\x7f", r"'\x00\x07\x1f\x7f'"),
            ("é€日本😀", "'é€日本😀'"),
            ("\u{80}\u{9f}\u{a0}\u{ad}", r"'\x80\x9f\xa0\xad'"),
            (
                "\u{2028}\u{200b}\u{feff}\u{e000}",
                r"'\u2028\u200b\ufeff\ue000'",
            ),
            ("\u{e0001}", r"'\U000e0001'"),
            ("", "''"),
        ];
        for (x, want) in cases {
            assert_eq!(repr(&s(x)), *want, "{x:?}");
        }
        assert_eq!(repr(&Dynamic::from_char('\'')), r#""'""#);
    }

    #[test]
    fn top_level_str_is_bare() {
        assert_eq!(python_str(&s("it's")), "it's");
        assert_eq!(python_str(&Dynamic::from_char('x')), "x");
        assert_eq!(python_str(&Dynamic::UNIT), "None");
        assert_eq!(python_str(&i(-42)), "-42");
    }

    #[test]
    fn containers_match_python() {
        let mut m = Map::new();
        m.insert("k".into(), s("v"));
        m.insert("n".into(), i(1));
        let v = list(vec![
            t(vec![s("Web"), i(4)]),
            t(vec![s("a"), list(vec![i(1), f(2.5)])]),
            t(vec![Dynamic::UNIT, Dynamic::TRUE, Dynamic::FALSE]),
            t(vec![i(1)]),
            t(vec![]),
            Dynamic::from_map(m),
        ]);
        let want =
            "[('Web', 4), ('a', [1, 2.5]), (None, True, False), (1,), (), {'k': 'v', 'n': 1}]";
        assert_eq!(python_str(&v), want);
        assert_eq!(python_str(&list(vec![])), "[]");
        assert_eq!(python_str(&list(vec![i(1)])), "[1]");
    }

    #[test]
    fn bytes_match_python() {
        let b = Dynamic::from_blob(b"a'\x00\xff\"\\".to_vec());
        assert_eq!(python_str(&b), r#"b'a\'\x00\xff"\\'"#);
        assert_eq!(
            python_str(&Dynamic::from_blob(b"it's".to_vec())),
            r#"b"it's""#
        );
    }

    #[test]
    fn custom_types_use_to_string() {
        let ts = Dynamic::from(std::time::Duration::from_secs(1));
        assert_eq!(python_str(&ts), ts.to_string());
    }

    #[test]
    fn rhai_notation() {
        assert_eq!(rhai_str(&s("Web")), "Web");
        assert_eq!(rhai_str(&t(vec![s("Web"), i(4)])), r#"["Web", 4]"#);
        assert_eq!(rhai_str(&Dynamic::UNIT), "()");
        assert_eq!(rhai_str(&Dynamic::TRUE), "true");
        assert_eq!(rhai_str(&list(vec![f(1.0)])), "[1.0]");
    }
}
