//! A syntax error's Python lines rewritten as Rhai: single-quoted strings, tuples, `lambda`,
//! `def` and `:` blocks, `and`/`or`/`not`, `is None`, `elif`, `#` comments, f-strings,
//! comprehensions, Python's string method names and `let` for a first assignment. A small
//! lexer, not a parser: it only has to propose the line the user meant.

use super::runtime::PY_METHODS;

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
}
