//! Fix-its for a PySpark user's Rhai mistakes.
//!
//! A syntax error in code that reads as Python (single-quoted strings, tuples, `lambda`,
//! `def`, `and`/`or`/`not`, `is None`, `elif`, `:` blocks, `#` comments, f-strings) gets a
//! hint naming the Rhai form with the user's line rewritten ([`for_syntax`]). A run-time
//! "Function not found" is said in the user's terms, with the Rhai name of a Python method
//! (`startswith` → `starts_with`) or what a `()` argument means ([`function_not_found`]).

/// The hint for a syntax error in `code`, if the code reads as Python: what to write in
/// Rhai, then the changed lines rewritten.
pub fn for_syntax(code: &str) -> Option<String> {
    let mut notes: Vec<&'static str> = Vec::new();
    let lines: Vec<&str> = code.lines().collect();
    let mut rewritten: Vec<String> = Vec::new();
    let mut changed: Vec<usize> = Vec::new();
    let mut open_blocks: Vec<usize> = Vec::new();
    let mut added_let = false;
    for (i, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let mut closing = String::new();
        if !line.trim().is_empty() {
            while let Some(d) = open_blocks.pop_if(|d| indent <= *d) {
                closing.push_str(&" ".repeat(d));
                closing.push_str("}\n");
            }
        }
        let (mut new, opens) = rewrite_line(line, &mut notes);
        // `x = ...` outside any block: Python's first assignment is Rhai's `let` (declaring
        // again is harmless there; inside a loop it would not be, so blocks keep theirs).
        if open_blocks.is_empty() && indent == 0 && assigns_a_name(&new) {
            new = format!("let {new}");
            added_let = true;
        }
        if opens {
            open_blocks.push(indent);
        }
        if !closing.is_empty() {
            new = format!("{closing}{new}");
        }
        if new != *line {
            changed.push(i);
        }
        rewritten.push(new);
    }
    if !open_blocks.is_empty() {
        for d in open_blocks.iter().rev() {
            rewritten.push(format!("{}}}", " ".repeat(*d)));
        }
        changed.push(lines.len());
    }
    if notes.is_empty() {
        return None;
    }
    if added_let {
        notes.push("a new variable is let x = ...");
    }
    let mut seen = std::collections::HashSet::new();
    notes.retain(|n| seen.insert(*n));
    // The lines from the first to the last changed one (a `def`'s body comes along).
    let (Some(&first), Some(&last)) = (changed.first(), changed.last()) else {
        return None;
    };
    let shown: Vec<&str> = rewritten[first..=last.min(rewritten.len() - 1)]
        .iter()
        .flat_map(|l| l.lines())
        .take(12)
        .collect();
    Some(format!(
        "this reads as Python; in Rhai {}:\n    {}",
        notes.join(", "),
        shown.join("\n").replace('\n', "\n    ")
    ))
}

/// Whether `line` is `name = value` (not `==`, not already `let`).
fn assigns_a_name(line: &str) -> bool {
    let t = line.trim_start();
    let name_len = t
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    if name_len == 0
        || t[..name_len]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    {
        return false;
    }
    let rest = t[name_len..].trim_start();
    !matches!(
        &t[..name_len],
        "let" | "const" | "fn" | "if" | "for" | "while" | "return"
    ) && rest.starts_with('=')
        && !rest.starts_with("==")
}

/// A lexical piece of a line.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    /// A string literal as Rhai should read it (double quotes or backticks).
    Str(String),
    Punct(char),
    Space(String),
    Comment(String),
}

fn lex(line: &str, notes: &mut Vec<&'static str>) -> Vec<Tok> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || c == '\'' || c == '`' {
            let mut j = i + 1;
            let mut body = String::new();
            while j < chars.len() && chars[j] != c {
                if chars[j] == '\\' && j + 1 < chars.len() {
                    body.push(chars[j]);
                    j += 1;
                }
                body.push(chars[j]);
                j += 1;
            }
            let prefix_f = matches!(out.last(), Some(Tok::Word(w)) if w == "f" || w == "F");
            if prefix_f {
                out.pop();
                notes.push("an f-string is a backtick string with ${x}");
                out.push(Tok::Str(format!("`{}`", body.replace('{', "${"))));
            } else if c == '\'' {
                // A one-character one is also Rhai (a char): no reason for a hint alone.
                if body.chars().count() != 1 {
                    notes.push("strings take double quotes");
                }
                out.push(Tok::Str(format!("\"{}\"", body.replace('"', "\\\""))));
            } else {
                out.push(Tok::Str(format!("{c}{body}{c}")));
            }
            i = (j + 1).min(chars.len());
        } else if c == '#' && chars.get(i + 1) != Some(&'{') {
            notes.push("comments start with //");
            let rest: String = chars[i + 1..].iter().collect();
            out.push(Tok::Comment(format!("//{rest}")));
            break;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            out.push(Tok::Comment(chars[i..].iter().collect()));
            break;
        } else if c.is_alphanumeric() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            out.push(Tok::Word(chars[i..j].iter().collect()));
            i = j;
        } else if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            out.push(Tok::Space(chars[i..j].iter().collect()));
            i = j;
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

fn text(toks: &[Tok]) -> String {
    toks.iter()
        .map(|t| match t {
            Tok::Word(s) | Tok::Str(s) | Tok::Space(s) | Tok::Comment(s) => s.clone(),
            Tok::Punct(c) => c.to_string(),
        })
        .collect()
}

fn is_word(t: Option<&Tok>, w: &str) -> bool {
    matches!(t, Some(Tok::Word(x)) if x == w)
}

/// The index of the next non-space token at or after `i`.
fn next_solid(toks: &[Tok], i: usize) -> Option<usize> {
    (i..toks.len()).find(|&j| !matches!(toks[j], Tok::Space(_)))
}

/// The index of the previous non-space token before `i`.
fn prev_solid(toks: &[Tok], i: usize) -> Option<usize> {
    (0..i).rev().find(|&j| !matches!(toks[j], Tok::Space(_)))
}

/// One line rewritten from Python to Rhai, and whether it opens a `{` block that an
/// indented body continues.
fn rewrite_line(line: &str, notes: &mut Vec<&'static str>) -> (String, bool) {
    let mut toks = lex(line, notes);
    keywords(&mut toks, notes);
    lambdas(&mut toks, notes);
    tuples(&mut toks, notes);
    comprehensions(&mut toks, notes);
    let opens = colon_block(&mut toks, notes);
    (text(&toks), opens)
}

/// `and`/`or`/`not`, `is None`, `elif`, `def`.
fn keywords(toks: &mut Vec<Tok>, notes: &mut Vec<&'static str>) {
    let mut i = 0;
    while i < toks.len() {
        let Tok::Word(w) = &toks[i] else {
            i += 1;
            continue;
        };
        match w.as_str() {
            "and" | "or" => {
                notes.push("and/or/not are &&, ||, !");
                toks[i] = Tok::Str(if w == "and" { "&&" } else { "||" }.to_string());
            }
            "not" => {
                notes.push("and/or/not are &&, ||, !");
                toks[i] = Tok::Punct('!');
                if matches!(toks.get(i + 1), Some(Tok::Space(_))) {
                    toks.remove(i + 1);
                }
            }
            "is" => {
                notes.push("`is None` is `== ()`");
                let negated = next_solid(toks, i + 1).filter(|&j| is_word(toks.get(j), "not"));
                if let Some(j) = negated {
                    toks.drain(i + 1..=j);
                    toks[i] = Tok::Str("!=".to_string());
                } else {
                    toks[i] = Tok::Str("==".to_string());
                }
                if let Some(j) = next_solid(toks, i + 1)
                    && is_word(toks.get(j), "None")
                {
                    toks[j] = Tok::Str("()".to_string());
                }
            }
            "elif" => {
                notes.push("elif is else if");
                toks.splice(
                    i..=i,
                    [
                        Tok::Word("else".to_string()),
                        Tok::Space(" ".to_string()),
                        Tok::Word("if".to_string()),
                    ],
                );
            }
            _ if prev_solid(toks, i).is_some_and(|p| toks[p] == Tok::Punct('.')) => {
                if let Some((_, rhai, "")) = PY_METHODS
                    .iter()
                    .find(|(p, r, _)| p == w && r.chars().all(|c| c.is_alphanumeric() || c == '_'))
                {
                    notes.push("string methods have Rhai's names (starts_with, to_lower, trim)");
                    toks[i] = Tok::Word(rhai.to_string());
                }
            }
            "def" => {
                notes.push("a function is fn name(a) { ... }");
                toks[i] = Tok::Word("fn".to_string());
            }
            _ => {}
        }
        i += 1;
    }
}

/// `lambda a, b: body` → `|a, b| body`.
fn lambdas(toks: &mut Vec<Tok>, notes: &mut Vec<&'static str>) {
    while let Some(i) = toks.iter().position(|t| is_word(Some(t), "lambda")) {
        let Some(colon) = (i..toks.len()).find(|&j| toks[j] == Tok::Punct(':')) else {
            return;
        };
        notes.push("a lambda is a closure |x| ...");
        let params = text(&toks[i + 1..colon]).trim().to_string();
        let mut end = colon + 1;
        if matches!(toks.get(end), Some(Tok::Space(_))) {
            end += 1;
        }
        toks.splice(i..end, [Tok::Str(format!("|{params}| "))]);
    }
}

/// `[f(x) for x in xs if p(x)]` → `xs.filter(|x| p(x)).map(|x| f(x))`.
fn comprehensions(toks: &mut Vec<Tok>, notes: &mut Vec<&'static str>) {
    for _ in 0..8 {
        let Some((open, close, for_at)) = find_comprehension(toks) else {
            return;
        };
        let at_depth0 = |from: usize, to: usize, word: &str| {
            let mut depth = 0i32;
            (from..to).find(|&j| {
                match &toks[j] {
                    Tok::Punct('(' | '[' | '{') => depth += 1,
                    Tok::Punct(')' | ']' | '}') => depth -= 1,
                    _ => {}
                }
                depth == 0 && is_word(toks.get(j), word)
            })
        };
        let Some(in_at) = at_depth0(for_at + 1, close, "in") else {
            return;
        };
        let if_at = at_depth0(in_at + 1, close, "if");
        let var = text(&toks[for_at + 1..in_at]).trim().to_string();
        if var.contains(',') {
            return;
        }
        let expr = text(&toks[open + 1..for_at]).trim().to_string();
        let iter_end = if_at.unwrap_or(close);
        let iter_toks = &toks[in_at + 1..iter_end];
        let mut iter = text(iter_toks).trim().to_string();
        // `a + b` needs parentheses before `.filter`; `l.split(" ")` does not.
        let mut depth = 0i32;
        let spaced = iter_toks
            .iter()
            .skip_while(|t| matches!(t, Tok::Space(_)))
            .collect::<Vec<_>>()
            .iter()
            .rev()
            .skip_while(|t| matches!(t, Tok::Space(_)))
            .any(|t| {
                match t {
                    Tok::Punct(')' | ']' | '}') => depth += 1,
                    Tok::Punct('(' | '[' | '{') => depth -= 1,
                    _ => {}
                }
                depth == 0 && matches!(t, Tok::Space(_))
            });
        if spaced {
            iter = format!("({iter})");
        }
        let mut out = iter;
        if let Some(i) = if_at {
            let cond = text(&toks[i + 1..close]).trim().to_string();
            out.push_str(&format!(".filter(|{var}| {cond})"));
        }
        if expr != var {
            out.push_str(&format!(".map(|{var}| {expr})"));
        }
        notes.push("a comprehension is xs.filter(|x| ...).map(|x| ...)");
        if toks[open] == Tok::Punct('(') {
            // A generator passed to a call: the call keeps its parentheses.
            toks.splice(open + 1..close, [Tok::Str(out)]);
        } else {
            toks.splice(open..=close, [Tok::Str(out)]);
        }
    }
}

/// The first `[ ... for ... ]`, or `f( ... for ... )` (a generator passed to a call): its
/// brackets and the `for`.
fn find_comprehension(toks: &[Tok]) -> Option<(usize, usize, usize)> {
    let mut stack: Vec<(usize, Option<usize>)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Punct('(' | '[' | '{') => stack.push((i, None)),
            Tok::Word(w) if w == "for" => {
                if let Some(top) = stack.last_mut()
                    && (toks[top.0] == Tok::Punct('[')
                        || (toks[top.0] == Tok::Punct('(')
                            && prev_solid(toks, top.0)
                                .is_some_and(|p| matches!(toks[p], Tok::Word(_)))))
                {
                    top.1.get_or_insert(i);
                }
            }
            Tok::Punct(')' | ']' | '}') => {
                if let Some((open, Some(for_at))) = stack.pop()
                    && matches!(t, Tok::Punct(']' | ')'))
                {
                    return Some((open, i, for_at));
                }
            }
            _ => {}
        }
    }
    None
}

/// `(a, b)` → `[a, b]` where the parentheses are not a call's: a tuple is an array.
fn tuples(toks: &mut [Tok], notes: &mut Vec<&'static str>) {
    let mut stack: Vec<(usize, bool, bool)> = Vec::new(); // (index, is_tuple_candidate, has_comma)
    for i in 0..toks.len() {
        match toks[i] {
            Tok::Punct('(') | Tok::Punct('[') | Tok::Punct('{') => {
                let paren = toks[i] == Tok::Punct('(');
                // A call's or `for (x, i)`'s parentheses stay.
                let kept = prev_solid(toks, i).is_some_and(|p| match &toks[p] {
                    Tok::Word(w) => !matches!(w.as_str(), "in" | "return" | "if" | "while"),
                    Tok::Punct(c) => matches!(c, ')' | ']'),
                    _ => false,
                });
                stack.push((i, paren && !kept, false));
            }
            Tok::Punct(',') => {
                if let Some(top) = stack.last_mut() {
                    top.2 = true;
                }
            }
            Tok::Punct(')') | Tok::Punct(']') | Tok::Punct('}') => {
                if let Some((open, candidate, comma)) = stack.pop()
                    && candidate
                    && comma
                    && toks[i] == Tok::Punct(')')
                {
                    notes.push("a tuple is an array [a, b]");
                    toks[open] = Tok::Punct('[');
                    toks[i] = Tok::Punct(']');
                    // `(a,)`: the trailing comma goes.
                    if let Some(p) = prev_solid(toks, i)
                        && toks[p] == Tok::Punct(',')
                    {
                        toks[p] = Tok::Str(String::new());
                    }
                }
            }
            _ => {}
        }
    }
}

/// A line ending in `:` after `def`/`fn`/`if`/`else`/`for`/`while`: the `:` becomes ` {`.
/// A body on the same line is wrapped in braces. Returns whether the block stays open.
fn colon_block(toks: &mut Vec<Tok>, notes: &mut Vec<&'static str>) -> bool {
    let Some(first) = next_solid(toks, 0) else {
        return false;
    };
    let Tok::Word(w) = &toks[first] else {
        return false;
    };
    if !matches!(w.as_str(), "fn" | "if" | "else" | "for" | "while") {
        return false;
    }
    // The block's `:` is the last one at bracket depth 0.
    let mut depth = 0i32;
    let mut colon = None;
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => depth -= 1,
            Tok::Punct(':') if depth == 0 => colon = Some(i),
            _ => {}
        }
    }
    let Some(colon) = colon else {
        return false;
    };
    notes.push("blocks take braces { }");
    let body_start = next_solid(toks, colon + 1);
    let body_is_comment = body_start.is_some_and(|b| matches!(toks[b], Tok::Comment(_)));
    toks[colon] = Tok::Str(" {".to_string());
    if colon > 0 && matches!(toks[colon - 1], Tok::Space(_)) {
        toks.remove(colon - 1);
    }
    match body_start {
        Some(_) if !body_is_comment => {
            toks.push(Tok::Str(" }".to_string()));
            false
        }
        _ => true,
    }
}

/// The engine's function signatures, as `(name, first parameter's type)`: the same for
/// every session, kept once so errors raised on worker threads can be explained.
static KNOWN: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();

pub fn learn_functions(engine: &rhai::Engine) {
    KNOWN.get_or_init(|| {
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
            .collect()
    });
}

/// Whether a function `name` is registered (for any types).
pub fn is_registered(name: &str) -> bool {
    KNOWN
        .get()
        .is_some_and(|k| k.iter().any(|(n, _)| n == name))
}

/// The registered method for receiver type `recv` (user terms) closest to `name` (a typo,
/// or PySpark's spelling in another case), if one is close.
pub fn closest_method(name: &str, recv: &str) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for (candidate, first) in KNOWN.get()? {
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
const PY_METHODS: &[(&str, &str, &str)] = &[
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
/// inside an array's `reduce` closure. `registered(name)`: whether any function of that
/// name exists (so the name is right and the types are not).
pub fn function_not_found(
    sig: &str,
    in_reduce: bool,
    registered: impl Fn(&str) -> bool,
) -> Option<String> {
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
    } else if let Some(m) = closest_method(name, recv).filter(|_| !registered(name)) {
        text.push_str(&format!("; did you mean {m}?"));
    }
    Some(text)
}

/// `Function not found: NAME (T1, T2)` for a call written as a function, `name(a, b)`: a
/// Python user's closure call `f(x)` is `f.call(x)` in Rhai.
pub fn function_call_not_found(sig: &str, registered: impl Fn(&str) -> bool) -> Option<String> {
    let (name, args) = sig.split_once(" (")?;
    let name = name.trim();
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        return None;
    }
    if PY_FUNCTIONS.iter().any(|(p, _)| *p == name) || registered(name) {
        return function_not_found(sig, false, registered);
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

    fn hint(code: &str) -> String {
        for_syntax(code).unwrap_or_default()
    }

    #[test]
    fn python_lines_are_rewritten() {
        assert_eq!(
            hint("let visits = ssc.queueStream([[('Web', 1)]]);"),
            "this reads as Python; in Rhai strings take double quotes, a tuple is an array [a, b]:\n    let visits = ssc.queueStream([[[\"Web\", 1]]]);"
        );
        assert!(hint("ds.map(lambda w: (w, 1))").ends_with("ds.map(|w| [w, 1])"));
        assert!(hint("if x is None and not y: z").ends_with("if x == () && !y { z }"));
        assert!(hint("if x is not None or y").ends_with("if x != () || y"));
        assert!(
            hint("def f(a):\n    return a + 1").ends_with("fn f(a) {\n        return a + 1\n    }")
        );
        assert!(hint("f\"n={n}\"").ends_with("`n=${n}`"));
        assert!(hint("} elif x {").ends_with("} else if x {"));
        assert!(hint("let t = (1,)").ends_with("let t = [1]"));
        assert!(
            hint("let ys = [x * 2 for x in xs if x > 1]")
                .ends_with("let ys = xs.filter(|x| x > 1).map(|x| x * 2)")
        );
        assert!(hint("let ys = [w for w in l.split(\" \")]").ends_with("let ys = l.split(\" \")"));
        assert!(
            hint("let ys = [(w, 1) for w in words]").ends_with("let ys = words.map(|w| [w, 1])")
        );
        assert!(hint("let n = 1 # count").ends_with("let n = 1 // count"));
        assert!(
            hint("hi = max(r[2] for r in readings)")
                .ends_with("let hi = max(readings.map(|r| r[2]))")
        );
        assert_eq!(
            hint("visits = ssc.queueStream([[(1, 'Web')]])"),
            "this reads as Python; in Rhai strings take double quotes, a tuple is an array [a, b], \
             a new variable is let x = ...:\n    let visits = ssc.queueStream([[[1, \"Web\"]]])"
        );
        assert!(hint("def f(a):\n    t = (a, 1)\n    return t").contains("\n        t = [a, 1]\n"));
        assert!(
            hint("ds.filter(lambda w: w.startswith(\"#\")).map(lambda h: (h.lower(), 1))")
                .ends_with("ds.filter(|w| w.starts_with(\"#\")).map(|h| [h.to_lower(), 1])")
        );
        assert_eq!(for_syntax("let x = f(1, 2);"), None);
        assert_eq!(for_syntax("let c = 'a';"), None);
        assert!(
            hint("let a = 1;\nlet b = ('x', a);\nlet c = 3;")
                .ends_with(":\n    let b = [\"x\", a];")
        );
    }

    #[test]
    fn function_not_found_in_user_terms() {
        let none = |_: &str| false;
        assert_eq!(
            function_not_found(
                "startswith (&str | ImmutableString | String, &str | ImmutableString | String)",
                false,
                none
            )
            .as_deref(),
            Some("no method startswith for a string; did you mean starts_with?")
        );
        let max = |n: &str| n == "max";
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
            function_call_not_found("f (i64)", |_| false).as_deref(),
            Some("no function f(integer); a closure held in a variable is called as f.call(...)")
        );
        assert_eq!(
            function_call_not_found("range (i64)", |n| n == "range").as_deref(),
            Some("range does not take (integer); write 0..n (or range(0, n))")
        );
        assert_eq!(
            function_call_not_found("len (i64)", |n| n == "len").as_deref(),
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
