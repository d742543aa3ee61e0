//! Run-time errors in the user's terms: `Function not found: startswith (&str |
//! ImmutableString | String, ...)` becomes `no method startswith for a string; did you mean
//! starts_with?`, with Rhai's type names as a student knows them and Python's names mapped
//! to Rhai's.

/// The engine's function signatures, as `(name, first parameter's type)`: read once from
/// the session's engine after registration and carried by the session (and by every closure
/// it makes), so errors raised on worker threads can be explained.
#[derive(Debug, Default)]
pub struct KnownFunctions(Vec<(String, String)>);

impl KnownFunctions {
    /// The functions `engine` has registered.
    pub fn of(engine: &rhai::Engine) -> KnownFunctions {
        KnownFunctions(
            engine
                .gen_fn_signatures(true)
                .iter()
                .filter_map(|sig| {
                    let (name, params) = sig.split_once('(')?;
                    let first = params
                        .split([',', ')'])
                        .next()
                        .and_then(|p| p.split_once(':'))
                        .map(|(_, t)| user_type(t.trim().trim_start_matches("&mut ")))
                        .unwrap_or_default();
                    Some((name.trim_start_matches("get$").to_string(), first))
                })
                .collect(),
        )
    }

    /// Whether a function `name` is registered (for any types).
    pub fn is_registered(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    /// The registered method for receiver type `recv` (user terms) closest to `name` (a
    /// typo, or PySpark's spelling in another case), if one is close.
    pub fn closest_method(&self, name: &str, recv: &str) -> Option<String> {
        let mut best: Option<(usize, &str)> = None;
        for (candidate, first) in &self.0 {
            if first != recv || candidate == name || !candidate.starts_with(char::is_alphabetic) {
                continue;
            }
            let d = edit_distance(&name.to_lowercase(), &candidate.to_lowercase());
            if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, candidate));
            }
        }
        best.map(|(_, m)| m.to_string())
    }
}

/// Levenshtein distance, for short identifiers.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Rhai's type names in an error as the user knows them.
pub fn user_type(rhai: &str) -> String {
    let t = rhai.trim();
    if t.contains("ImmutableString") || t == "&str" || t == "String" || t == "string" {
        return "string".into();
    }
    match t
        .trim_start_matches("&mut ")
        .rsplit("::")
        .next()
        .unwrap_or(t)
    {
        "i64" | "i32" | "INT" | "int" => "integer".into(),
        "f64" | "f32" | "FLOAT" | "float" => "float".into(),
        "bool" => "bool".into(),
        "char" => "char".into(),
        "array" | "Array" | "Vec<Dynamic>" => "array".into(),
        "map" | "Map" => "map".into(),
        "()" => "()".into(),
        "Fn" | "FnPtr" => "function".into(),
        "blob" | "Blob" => "blob".into(),
        "Rdd" => "RDD".into(),
        other => other.into(),
    }
}

fn article(t: &str) -> &'static str {
    match t.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u' | 'R') => "an ",
        Some('(') => "",
        _ => "a ",
    }
}

/// Python's method → Rhai's, and the receiver type it is for ("" for any). A name Rhai
/// also has (`append`) is only suggested for that receiver.
pub(super) const PY_METHODS: &[(&str, &str, &str)] = &[
    ("startswith", "starts_with", ""),
    ("endswith", "ends_with", ""),
    ("lower", "to_lower", ""),
    ("upper", "to_upper", ""),
    ("strip", "trim", ""),
    ("lstrip", "trim", ""),
    ("rstrip", "trim", ""),
    ("find", "index_of", ""),
    ("index", "index_of", ""),
    ("append", "push", "array"),
    ("extend", "append", "array"),
    ("items", "keys() and values()", ""),
    ("get", "m[key] (() when missing)", "map"),
    ("join", "xs.reduce(|a, b| a + sep + b)", ""),
    ("format", "a backtick string `${x}`", ""),
    ("isdigit", "parse_int", ""),
];

/// Python's global functions → what to write in Rhai.
const PY_FUNCTIONS: &[(&str, &str)] = &[
    ("str", "x.to_string()"),
    ("int", "x.to_int() or parse_int(s)"),
    ("float", "x.to_float() or parse_float(s)"),
    ("range", "0..n (or range(0, n))"),
    ("list", "an array [...]"),
    ("tuple", "an array [...]"),
    ("dict", "a map #{}"),
    ("isinstance", "type_of(x) == \"string\""),
    ("enumerate", "for (x, i) in xs { ... }"),
    ("round", "x.round()"),
];

/// `Function not found: NAME (T1, T2)` in the user's terms. `in_reduce`: the call failed
/// inside an array's `reduce` closure. `known`: the session's functions (when a function
/// of that name exists, the name is right and the types are not).
pub fn function_not_found(sig: &str, in_reduce: bool, known: &KnownFunctions) -> Option<String> {
    let registered = |name: &str| known.is_registered(name);
    let (name, args) = match sig.split_once(" (") {
        Some((n, a)) => (n.trim(), a.trim_end().strip_suffix(')').unwrap_or(a)),
        None => (sig.trim(), ""),
    };
    let types: Vec<String> = if args.trim().is_empty() {
        Vec::new()
    } else {
        split_types(args).iter().map(|t| user_type(t)).collect()
    };
    let list = types.join(", ");
    let is_op = !name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    if in_reduce && types.first().is_some_and(|t| t == "()") {
        let instead = match name {
            "max" | "min" => format!(
                "use {name}(xs), or give reduce a start value: xs.reduce(|a, b| {name}(a, b), xs[0])"
            ),
            "+" => {
                "use sum(xs), or give reduce a start value: xs.reduce(|a, b| a + b, 0)".to_string()
            }
            _ => "give reduce a start value: xs.reduce(f, start)".to_string(),
        };
        return Some(format!(
            "reduce's first call got () as the accumulator ({name} ({list})): Rhai's reduce \
             starts from () without one; {instead}"
        ));
    }
    let unit_note = if types.iter().any(|t| t == "()") {
        "; () is None: a value was missing, or an in-place method (push, sort...) returned ()"
    } else {
        ""
    };
    if is_op {
        let shown = if types.len() == 2 {
            format!("{} {name} {}", types[0], types[1])
        } else {
            format!("{name} ({list})")
        };
        return Some(format!("no operator {name} for {shown}{unit_note}"));
    }
    if let Some((_, rhai)) = PY_FUNCTIONS.iter().find(|(p, _)| *p == name) {
        return Some(if registered(name) {
            format!("{name} does not take ({list}); write {rhai}{unit_note}")
        } else {
            format!("no function {name}({list}) in Rhai; write {rhai}{unit_note}")
        });
    }
    let Some(recv) = types.first() else {
        return Some(format!("no function {name}()"));
    };
    let mut text = if registered(name) {
        format!("{name} does not take ({list}){unit_note}")
    } else {
        format!("no method {name} for {}{recv}{unit_note}", article(recv))
    };
    if let Some((_, rhai, _)) = PY_METHODS.iter().find(|(p, _, t)| {
        *p == name && (*t == recv.as_str() || (t.is_empty() && !registered(name)))
    }) {
        if rhai.chars().all(|c| c.is_alphanumeric() || c == '_') {
            text.push_str(&format!("; did you mean {rhai}?"));
        } else {
            text.push_str(&format!("; in Rhai: {rhai}"));
        }
    } else if let Some(m) = known
        .closest_method(name, recv)
        .filter(|_| !registered(name))
    {
        text.push_str(&format!("; did you mean {m}?"));
    }
    Some(text)
}

/// `Function not found: NAME (T1, T2)` for a call written as a function, `name(a, b)`: a
/// Python user's closure call `f(x)` is `f.call(x)` in Rhai.
pub fn function_call_not_found(sig: &str, known: &KnownFunctions) -> Option<String> {
    let (name, args) = sig.split_once(" (")?;
    let name = name.trim();
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        return None;
    }
    if PY_FUNCTIONS.iter().any(|(p, _)| *p == name) || known.is_registered(name) {
        return function_not_found(sig, false, known);
    }
    let args = args.trim_end().strip_suffix(')').unwrap_or(args);
    let list: Vec<String> = if args.trim().is_empty() {
        Vec::new()
    } else {
        split_types(args).iter().map(|t| user_type(t)).collect()
    };
    Some(format!(
        "no function {name}({}); a closure held in a variable is called as {name}.call(...)",
        list.join(", ")
    ))
}

/// `&str | ImmutableString | String, i64` → the argument types (alternatives stay one).
fn split_types(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in args.chars() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

/// The user's line with the method the error suggests: for `no method lower for a string;
/// did you mean to_lower?` on `let t = s.lower();`, `let t = s.to_lower();`.
pub fn rewritten_call(message: &str, source_line: Option<&str>) -> Option<String> {
    let rest = message.strip_prefix("no method ")?;
    let (name, rest) = rest.split_once(' ')?;
    let rhai = rest.split("; did you mean ").nth(1)?.strip_suffix('?')?;
    let line = source_line?;
    let from = format!(".{name}(");
    line.contains(&from).then(|| {
        format!(
            "in Rhai:\n    {}",
            line.trim().replace(&from, &format!(".{rhai}("))
        )
    })
}

/// For `Variable not found: x` on a line `x = ...`: Rhai declares variables with `let`.
pub fn undeclared(message: &str, source_line: Option<&str>) -> Option<String> {
    let name = message.strip_prefix("Variable not found: ")?.trim();
    let line = source_line?.trim_start();
    let rest = line.strip_prefix(name)?.trim_start();
    (rest.starts_with('=') && !rest.starts_with("==")).then(|| {
        format!(
            "a new variable needs let:\n    let {}",
            line.trim_end().trim_end_matches(';')
        ) + ";"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Functions of these names, taking anything.
    fn known(names: &[&str]) -> KnownFunctions {
        KnownFunctions(
            names
                .iter()
                .map(|n| (n.to_string(), String::new()))
                .collect(),
        )
    }

    #[test]
    fn function_not_found_in_user_terms() {
        let none = &KnownFunctions::default();
        assert_eq!(
            function_not_found(
                "startswith (&str | ImmutableString | String, &str | ImmutableString | String)",
                false,
                none
            )
            .as_deref(),
            Some("no method startswith for a string; did you mean starts_with?")
        );
        let max = &known(&["max"]);
        assert!(
            function_not_found("max ((), i64)", true, max)
                .is_some_and(|m| m.starts_with("reduce's first call got () as the accumulator"))
        );
        assert_eq!(
            function_not_found("+ ((), i64)", false, none).as_deref(),
            Some(
                "no operator + for () + integer; () is None: a value was missing, or an in-place method (push, sort...) returned ()"
            )
        );
        assert_eq!(
            function_not_found("join (&str | ImmutableString | String, array)", false, none)
                .as_deref(),
            Some("no method join for a string; in Rhai: xs.reduce(|a, b| a + sep + b)")
        );
        assert_eq!(
            function_not_found("str (i64)", false, none).as_deref(),
            Some("no function str(integer) in Rhai; write x.to_string()")
        );
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("mapp", "map"), 1);
        assert_eq!(edit_distance("reducebykey", "reducebykey"), 0);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }

    #[test]
    fn a_closure_called_like_a_python_function() {
        assert_eq!(
            function_call_not_found("f (i64)", &KnownFunctions::default()).as_deref(),
            Some("no function f(integer); a closure held in a variable is called as f.call(...)")
        );
        assert_eq!(
            function_call_not_found("range (i64)", &known(&["range"])).as_deref(),
            Some("range does not take (integer); write 0..n (or range(0, n))")
        );
        assert_eq!(
            function_call_not_found("len (i64)", &known(&["len"])).as_deref(),
            Some("len does not take (integer)")
        );
    }

    #[test]
    fn the_line_with_the_rhai_method() {
        assert_eq!(
            rewritten_call(
                "no method lower for a string; did you mean to_lower?",
                Some("  let t = s.lower();")
            )
            .as_deref(),
            Some("in Rhai:\n    let t = s.to_lower();")
        );
        assert_eq!(
            rewritten_call("no method lower for a string", Some("s.lower()")),
            None
        );
    }

    #[test]
    fn undeclared_assignment() {
        assert_eq!(
            undeclared("Variable not found: x", Some("x = 5")).as_deref(),
            Some("a new variable needs let:\n    let x = 5;")
        );
        assert_eq!(undeclared("Variable not found: x", Some("x == 5")), None);
    }
}
