//! The small Python helpers an exported program may need to keep Rhai's meaning where Python's
//! differs. Only the helpers a program uses are emitted, so simple programs stay plain PySpark.

/// (name, Python source). Emitted in this order, so a helper may use one listed before it.
pub const HELPERS: &[(&str, &str)] = &[
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
    return _debug(v)"##,
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
        "_listed",
        r##"def _listed(f):
    # mapPartitions hands Python an iterator; the Rhai closure was written for an array.
    return lambda *args: f(*args[:-1], list(args[-1]))"##,
    ),
    (
        "_by_str",
        r##"def _by_str(d):
    # centella's countByKey / countByValue maps are keyed by the printed key.
    return {(k if isinstance(k, str) else str(k)): v for k, v in d.items()}"##,
    ),
];
