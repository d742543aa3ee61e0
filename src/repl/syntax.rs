//! A small lexer for the line being edited: highlighting, the string literal the cursor is in,
//! the call the cursor is in (for signature hints) and the receiver type before a `.`.

use super::registry::Registry;
use std::collections::HashMap;

pub const KEYWORDS: &[&str] = &[
    "let",
    "const",
    "fn",
    "if",
    "else",
    "switch",
    "do",
    "while",
    "until",
    "loop",
    "for",
    "in",
    "break",
    "continue",
    "return",
    "throw",
    "try",
    "catch",
    "import",
    "export",
    "as",
    "private",
    "this",
    "global",
    "true",
    "false",
    "is_shared",
    "Fn",
    "call",
    "curry",
    "type_of",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Keyword,
    String,
    Number,
    Comment,
    Ident,
    Open,
    Close,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    /// Byte range in the line.
    pub start: usize,
    pub end: usize,
}

/// Splits `line` into tokens covering every byte (whitespace is `Other`).
pub fn tokenize(line: &str) -> Vec<Token> {
    let bytes = line.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = if c == b'"' || c == b'\'' || c == b'`' {
            i += 1;
            while i < bytes.len() && bytes[i] != c {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(bytes.len());
            Kind::String
        } else if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            Kind::Comment
        } else if c.is_ascii_digit() {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
            {
                // `1..3` is a range, not a float.
                if bytes[i] == b'.' && bytes.get(i + 1) == Some(&b'.') {
                    break;
                }
                i += 1;
            }
            Kind::Number
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if KEYWORDS.contains(&&line[start..i]) {
                Kind::Keyword
            } else {
                Kind::Ident
            }
        } else if matches!(c, b'(' | b'[' | b'{') {
            i += 1;
            Kind::Open
        } else if matches!(c, b')' | b']' | b'}') {
            i += 1;
            Kind::Close
        } else {
            // One whole UTF-8 character.
            i += line[i..].chars().next().map_or(1, char::len_utf8);
            Kind::Other
        };
        // `#{` opens an object map.
        let kind = if kind == Kind::Other && c == b'#' && bytes.get(i) == Some(&b'{') {
            i += 1;
            Kind::Open
        } else {
            kind
        };
        tokens.push(Token {
            kind,
            start,
            end: i.min(bytes.len()),
        });
    }
    tokens
}

/// The byte offset of the bracket matching the one at `pos` (or just before it), if any.
pub fn matching_bracket(line: &str, pos: usize) -> Option<(usize, usize)> {
    let tokens = tokenize(line);
    let at = |p: usize| {
        tokens
            .iter()
            .position(|t| t.start == p && matches!(t.kind, Kind::Open | Kind::Close))
    };
    let idx = at(pos).or_else(|| pos.checked_sub(1).and_then(at))?;
    let tok = tokens[idx];
    let mut depth = 0i32;
    if tok.kind == Kind::Open {
        for t in &tokens[idx..] {
            match t.kind {
                Kind::Open => depth += 1,
                Kind::Close => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((tok.start, t.start));
                    }
                }
                _ => {}
            }
        }
    } else {
        for t in tokens[..=idx].iter().rev() {
            match t.kind {
                Kind::Close => depth += 1,
                Kind::Open => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((t.start, tok.start));
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// When `pos` is inside a string literal, the byte offset where its text starts.
pub fn string_start(line: &str, pos: usize) -> Option<usize> {
    tokenize(&line[..pos])
        .last()
        .filter(|t| t.kind == Kind::String)
        .filter(|t| {
            // Still open: a single quote char, or no closing quote yet.
            let text = &line[t.start..t.end.min(pos)];
            let q = text.as_bytes()[0];
            text.len() == 1 || text.as_bytes().last() != Some(&q) || text.ends_with("\\\"")
        })
        .map(|t| t.start + 1)
}

/// The identifier being typed at `pos`: its start offset.
pub fn word_start(line: &str, pos: usize) -> usize {
    line[..pos]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
        .last()
        .map_or(pos, |(i, _)| i)
}

/// The type of the expression ending at byte `end` (exclusive), as far as it can be told:
/// a variable in scope, a global call like `StreamingContext(...)`, or a method chain.
pub fn expr_type(
    line: &str,
    end: usize,
    reg: &Registry,
    vars: &HashMap<String, String>,
) -> Option<String> {
    let before = line[..end].trim_end();
    if let Some(open_end) = before.strip_suffix(')').map(str::len) {
        // A call: find its `(` and the name before it.
        let (open, _) = matching_bracket(before, open_end)?;
        let name_start = word_start(before, open);
        let name = &before[name_start..open];
        if name.is_empty() {
            return None;
        }
        let recv_end = before[..name_start].trim_end();
        match recv_end.strip_suffix('.') {
            Some(r) => {
                let ty = expr_type(line, r.len(), reg, vars)?;
                reg.method(&ty, name).and_then(|m| m.returns.clone())
            }
            None => reg.global_returns(name).map(str::to_string),
        }
    } else {
        let start = word_start(before, before.len());
        let name = &before[start..];
        if name.is_empty() {
            return None;
        }
        let recv_end = before[..start].trim_end();
        match recv_end.strip_suffix('.') {
            // A property: `ssc.sparkContext`.
            Some(r) => {
                let ty = expr_type(line, r.len(), reg, vars)?;
                reg.method(&ty, name).and_then(|m| m.returns.clone())
            }
            None => vars.get(name).cloned(),
        }
    }
}

/// The call whose argument list the cursor is in: (receiver end, method name), where the
/// receiver end is the offset of the `.` before the name (None for a global call).
pub fn enclosing_call(line: &str, pos: usize) -> Option<(Option<usize>, String)> {
    let tokens = tokenize(&line[..pos]);
    let mut depth = 0i32;
    for (i, t) in tokens.iter().enumerate().rev() {
        match t.kind {
            Kind::Close => depth += 1,
            Kind::Open => {
                if depth == 0 {
                    if &line[t.start..t.end] != "(" || i == 0 {
                        return None;
                    }
                    let name_tok = tokens[i - 1];
                    if name_tok.kind != Kind::Ident {
                        return None;
                    }
                    let name = line[name_tok.start..name_tok.end].to_string();
                    let dot = line[..name_tok.start].trim_end();
                    let recv = dot.strip_suffix('.').map(str::len);
                    return Some((recv, name));
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_match_across_strings() {
        let line = "f(\")\", [1, 2])";
        assert_eq!(matching_bracket(line, 1), Some((1, 13)));
        assert_eq!(matching_bracket(line, 14), Some((1, 13)));
        assert_eq!(matching_bracket(line, 7), Some((7, 12)));
    }

    #[test]
    fn strings_and_words() {
        assert_eq!(string_start("sc.textFile(\"data/vi", 20), Some(13));
        assert_eq!(string_start("sc.textFile(\"a\")", 16), None);
        assert_eq!(string_start("\"", 1), Some(1));
        assert_eq!(word_start("ds.redu", 7), 3);
        assert_eq!(word_start("ds.", 3), 3);
    }

    #[test]
    fn types_of_chains() {
        let host = crate::repl::test_host();
        let reg = Registry::from_engine(host.engine());
        let mut vars = HashMap::new();
        vars.insert("ssc".to_string(), "StreamingContext".to_string());
        vars.insert("ds".to_string(), "DStream".to_string());
        let t = |s: &str| expr_type(s, s.len(), &reg, &vars);
        assert_eq!(t("ds").as_deref(), Some("DStream"));
        assert_eq!(
            t("ssc.queueStream([[1, 2]]).map(|x| (x + 1))").as_deref(),
            Some("DStream")
        );
        assert_eq!(t("ssc.sparkContext").as_deref(), Some("SparkContext"));
        assert_eq!(
            t("StreamingContext(sc, 1)").as_deref(),
            Some("StreamingContext")
        );
        assert_eq!(t("nothing"), None);
    }

    #[test]
    fn calls_under_the_cursor() {
        let line = "ds.reduceByKeyAndWindow(|a, b| a + b, ";
        assert_eq!(
            enclosing_call(line, line.len()),
            Some((Some(2), "reduceByKeyAndWindow".into()))
        );
        assert_eq!(
            enclosing_call("sleep_ms(", 9),
            Some((None, "sleep_ms".into()))
        );
        assert_eq!(enclosing_call("ds.map(f)", 9), None);
    }
}
