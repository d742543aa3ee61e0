//! The small Python helpers an exported program may need to keep Rhai's meaning where Python's
//! differs. Only the helpers a program uses are emitted, so simple programs stay plain PySpark.

/// (name, Python source). Emitted in this order, so a helper may use one listed before it.
pub const HELPERS: &[(&str, &str)] = &[
    (
        "_float",
        r##"def _float(f, debug):
    # Rhai's float text. to_string: an exponent outside about 1e-13..1e13 (Rhai's f32 bounds);
    # debug (inside arrays): outside 1e-4..1e16, as Python's repr. "1e16" for Python's "1e+16",
    # and whole numbers keep a ".0".
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return str(f)
    a = abs(f)
    if a == 0:
        return "-0.0" if debug and str(f).startswith("-") else "0.0"
    if debug:
        exp = a < 1e-4 or a >= 1e16
    else:
        exp = a > 9999999827968.0 or a < 9.9999998245167e-14
    t = decimal.Decimal(repr(f)).as_tuple()
    digits = "".join(map(str, t.digits)).rstrip("0") or "0"
    point = len(t.digits) + t.exponent  # where the decimal point goes in digits
    s = "-" if f < 0 else ""
    if exp:
        return s + digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + "e" + str(point - 1)
    if point <= 0:
        return s + "0." + "0" * -point + digits
    if point >= len(digits):
        return s + digits + "0" * (point - len(digits)) + ".0"
    return s + digits[:point] + "." + digits[point:]"##,
    ),
    (
        "_debug",
        r##"def _debug(v):
    # Rhai's debug form of a value inside an array: strings quoted, () for None.
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if v is None:
        return "()"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_debug(x) for x in v) + "]"
    if isinstance(v, dict):
        return "#{" + ", ".join(_debug(k) + ": " + _debug(x) for k, x in v.items()) + "}"
    if isinstance(v, float):
        return _float(v, True)
    return str(v)"##,
    ),
    (
        "_str",
        r##"def _str(v):
    # Rhai's to_string (and what print, `+` on strings and `${}` show): strings bare, () empty.
    if isinstance(v, str):
        return v
    if v is None:
        return ""
    if isinstance(v, float):
        return _float(v, False)
    return _debug(v)"##,
    ),
    (
        "_add",
        r##"def _add(a, b):
    # Rhai's +: a string on either side concatenates the other's to_string ("n=" + 1 is "n=1"),
    # arrays concatenate (tuple or list: the left one's kind), numbers add.
    if isinstance(a, str) or isinstance(b, str):
        return _str(a) + _str(b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return a + type(a)(b)
    return a + b"##,
    ),
    (
        "_iadd",
        r##"def _iadd(a, b):
    # Rhai's +=: as +, except that array += a non-array value appends it.
    if isinstance(a, (list, tuple)) and not isinstance(b, (list, tuple)):
        return a + type(a)((b,))
    return _add(a, b)"##,
    ),
    (
        "_div",
        r##"def _div(a, b):
    # Rhai divides integers truncating toward zero; Python's // floors.
    if isinstance(a, int) and isinstance(b, int):
        q = abs(a) // abs(b)
        return q if (a >= 0) == (b >= 0) else -q
    return a / b"##,
    ),
    (
        "_mod",
        r##"def _mod(a, b):
    # Rhai's % takes the sign of the dividend (as Rust does); Python's takes the divisor's.
    if isinstance(a, int) and isinstance(b, int):
        r = abs(a) % abs(b)
        return r if a >= 0 else -r
    return math.fmod(a, b)"##,
    ),
    (
        "_type_of",
        r##"def _type_of(v):
    # Rhai's type names.
    if v is None:
        return "()"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "i64"
    if isinstance(v, float):
        return "f64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, (list, tuple)):
        return "array"
    if isinstance(v, dict):
        return "map"
    return type(v).__name__"##,
    ),
    (
        "_tup",
        r##"def _tup(v):
    # centella prints a Rhai array inside a record as a tuple: lists become tuples, deeply;
    # anything else stays as it is.
    if isinstance(v, (list, tuple)):
        return tuple(_tup(x) for x in v)
    return v"##,
    ),
    (
        "_tupled",
        r##"def _tupled(f):
    # A function whose results are records (or records to iterate over).
    return lambda *args: _tup(f(*args))"##,
    ),
    (
        "_sub_string",
        r##"def _sub_string(s, start, n):
    # Rhai's sub_string(start, len): a negative start counts from the end (before the first
    # character: from the first); a start past the end or a len <= 0 gives "".
    if start < 0:
        start = max(len(s) + start, 0)
    if n <= 0 or start >= len(s):
        return ""
    return s[start:start + n]"##,
    ),
    (
        "_listed",
        r##"def _listed(f):
    # mapPartitions hands Python an iterator; the Rhai closure was written for an array.
    return lambda *args: f(*args[:-1], list(args[-1]))"##,
    ),
    (
        "live_sensor",
        r##"def live_sensor(room, metric, _reads={}):
    # centella's fault-lab sensor: each read is its next value (it keeps moving), so a
    # recomputation reads other numbers. The n-th read of a sensor is its base plus n.
    n = _reads.get((room, metric), 0)
    _reads[(room, metric)] = n + 1
    if metric == "heat":
        base = 18 + sum(room.encode()) % 8
    else:
        base = 30 + (sum(room.encode()) + sum(metric.encode())) % 40
    return base + n"##,
    ),
    (
        "_by_str",
        r##"def _by_str(d):
    # centella's countByKey / countByValue maps are keyed by the printed key.
    return {(k if isinstance(k, str) else str(k)): v for k, v in d.items()}"##,
    ),
];

/// The helpers a helper calls.
pub fn deps(name: &str) -> &'static [&'static str] {
    match name {
        "_debug" => &["_float"],
        "_str" => &["_debug"],
        "_add" => &["_str"],
        "_iadd" => &["_add"],
        "_tupled" => &["_tup"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::HELPERS;
    use std::process::Command;

    /// (Rhai a, Rhai b, Python a, Python b): `a + b` in Rhai against `_add(a, b)` in Python.
    const PLUS: &[(&str, &str, &str, &str)] = &[
        ("1", "2", "1", "2"),
        ("1.5", "2", "1.5", "2"),
        ("2", "1.5", "2", "1.5"),
        ("1.5", "1.5", "1.5", "1.5"),
        (r#""a""#, "1", r#""a""#, "1"),
        ("1", r#""a""#, "1", r#""a""#),
        (r#""a""#, "1.5", r#""a""#, "1.5"),
        (r#""a""#, "1.0", r#""a""#, "1.0"),
        (r#""a""#, "-2.5", r#""a""#, "-2.5"),
        (r#""a""#, "1e20", r#""a""#, "1e20"),
        (r#""a""#, "123456789.125", r#""a""#, "123456789.125"),
        (r#""a""#, "0.00001", r#""a""#, "0.00001"),
        (r#""a""#, "1e-15", r#""a""#, "1e-15"),
        (r#""a""#, "0.0", r#""a""#, "0.0"),
        ("'c'", r#""d""#, r#""c""#, r#""d""#),
        (r#""d""#, "'c'", r#""d""#, r#""c""#),
        (r#""a""#, r#""b""#, r#""a""#, r#""b""#),
        ("[1]", "[2]", "(1,)", "(2,)"),
        ("[1, \"x\"]", "[()]", "(1, \"x\")", "(None,)"),
        (r#""a""#, "()", r#""a""#, "None"),
        ("()", r#""a""#, "None", r#""a""#),
        (r#""a""#, "true", r#""a""#, "True"),
        // A char inside an array prints bare in Rhai ([1, c]); Python has no chars: not here.
        (r#""a""#, r#"[1, "b", ()]"#, r#""a""#, r#"(1, "b", None)"#),
        (
            r#""a""#,
            "[1.5, 1e20, 0.00001, 2.0]",
            r#""a""#,
            "(1.5, 1e20, 0.00001, 2.0)",
        ),
        ("[1]", r#""a""#, "(1,)", r#""a""#),
    ];

    /// `a += b` in Rhai against `_iadd(a, b)`.
    const PLUS_ASSIGN: &[(&str, &str, &str, &str)] = &[
        ("1", "2", "1", "2"),
        ("[1]", "2", "(1,)", "2"),
        ("[1]", "[2, 3]", "(1,)", "(2, 3)"),
        ("[1]", r#""s""#, "[1]", r#""s""#),
        (r#""a""#, "1", r#""a""#, "1"),
        (r#""a""#, "[1]", r#""a""#, "(1,)"),
    ];

    /// `s.sub_string(start, len)` in Rhai against `_sub_string(s, start, len)`.
    const SUB_STRING: &[(&str, i64, i64)] = &[
        ("hello", -2, 5),
        ("hello", -2, 1),
        ("hello", -5, 2),
        ("hello", -7, 3),
        ("hello", 7, 3),
        ("hello", 5, 1),
        ("hello", 2, -1),
        ("hello", 1, 0),
        ("hello", 1, 2),
        ("hello", 4, 10),
        ("ñandú", -2, 5),
        ("ñandú", 1, 3),
        ("", -1, 2),
    ];

    fn rhai(code: &str) -> String {
        let engine = rhai::Engine::new();
        match engine.eval::<String>(code) {
            Ok(s) => s,
            Err(e) => format!("error: {e}"),
        }
    }

    /// The helpers keep Rhai's meaning: each case's value, as Rhai prints it, and its type.
    #[test]
    fn helpers_agree_with_rhai() {
        let mut py = String::from("import decimal\nimport math\n\n");
        for (_, code) in HELPERS {
            py.push_str(code);
            py.push_str("\n\n");
        }
        let mut expected = vec![];
        for (ra, rb, pa, pb) in PLUS {
            expected.push(rhai(&format!(
                "let r = {ra} + {rb}; r.to_string() + \" \" + type_of(r)"
            )));
            py.push_str(&format!(
                "r = _add({pa}, {pb}); print(_str(r) + \" \" + _type_of(r))\n"
            ));
        }
        for (ra, rb, pa, pb) in PLUS_ASSIGN {
            expected.push(rhai(&format!(
                "let r = {ra}; r += {rb}; r.to_string() + \" \" + type_of(r)"
            )));
            py.push_str(&format!(
                "r = _iadd({pa}, {pb}); print(_str(r) + \" \" + _type_of(r))\n"
            ));
        }
        for (text, start, len) in SUB_STRING {
            expected.push(rhai(&format!(
                "\"<\" + {text:?}.sub_string({start}, {len}) + \">\""
            )));
            py.push_str(&format!(
                "print(\"<\" + _sub_string({text:?}, {start}, {len}) + \">\")\n"
            ));
        }
        // _tup: lists and tuples become tuples, deeply; anything else stays.
        py.push_str(
            "assert _tup([1, [2, (3, [4])], \"ab\", None]) == (1, (2, (3, (4,))), \"ab\", None)\n\
             assert _tup(None) is None and _tup(\"ab\") == \"ab\" and _tup(range(2)) == range(2)\n\
             assert _tupled(lambda a, b: [a, [b]])(1, 2) == (1, (2,))\n",
        );
        let Ok(out) = Command::new("python3").arg("-c").arg(&py).output() else {
            eprintln!("python3 not found: skipping the comparison of helpers with Rhai");
            return;
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        let cases: Vec<_> = PLUS
            .iter()
            .map(|c| format!("{} + {}", c.0, c.1))
            .chain(PLUS_ASSIGN.iter().map(|c| format!("{} += {}", c.0, c.1)))
            .chain(
                SUB_STRING
                    .iter()
                    .map(|c| format!("{:?}.sub_string({}, {})", c.0, c.1, c.2)),
            )
            .collect();
        let mut diffs = vec![];
        for (i, case) in cases.iter().enumerate() {
            let g = got.get(i).map(String::as_str).unwrap_or("(nothing)");
            if g != expected[i] {
                diffs.push(format!("{case}: Rhai {:?}, Python {g:?}", expected[i]));
            }
        }
        assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    }
}
