//! The rustyline helper: completion (variables, globals, methods by receiver type, `:commands`,
//! file paths in strings), highlighting, signature and history hints.

use super::commands::COMMANDS;
use super::help;
use super::registry::Registry;
use super::syntax::{self, Kind};
use nu_ansi_term::{Color, Style};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use std::borrow::Cow;
use std::collections::HashMap;

pub struct ReplHelper {
    pub registry: Registry,
    /// Variables in scope and their Rhai type names, refreshed after every entry.
    pub vars: HashMap<String, String>,
    pub color: bool,
    history: HistoryHinter,
}

impl ReplHelper {
    pub fn new(registry: Registry, color: bool) -> ReplHelper {
        ReplHelper {
            registry,
            vars: HashMap::new(),
            color,
            history: HistoryHinter::new(),
        }
    }

    /// Candidates for the text before `pos`, and where the replaced word starts.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        let pair = |s: &str, display: String| Pair {
            display,
            replacement: s.to_string(),
        };
        let head = &line[..pos];
        let trimmed = head.trim_start();
        // `:commands`, then `:load PATH` and `:help NAME`.
        if trimmed.starts_with(':') && !line.contains('\n') {
            let offset = head.len() - trimmed.len();
            return match trimmed.split_once(' ') {
                None => {
                    let list = COMMANDS
                        .iter()
                        .filter(|(c, _)| c.starts_with(trimmed))
                        .map(|(c, _)| pair(c, c.to_string()))
                        .collect();
                    (offset, list)
                }
                Some((":load", _)) => {
                    let start = head.rfind(' ').map_or(pos, |i| i + 1);
                    (start, complete_path(&head[start..]))
                }
                Some((":help", arg)) => {
                    let start = pos - arg.trim_start().len();
                    let word = &head[start..];
                    let mut names: Vec<String> = help::methods()
                        .map(|m| m.name.to_string())
                        .chain(super::registry::TYPES.iter().map(|t| t.to_string()))
                        .chain(super::registry::BUILTIN_TYPES.iter().map(|t| t.to_string()))
                        .chain(["rhai", "syntax"].map(String::from))
                        .filter(|n| n.starts_with(word))
                        .collect();
                    names.sort();
                    names.dedup();
                    (start, names.iter().map(|n| pair(n, n.clone())).collect())
                }
                Some(_) => (pos, Vec::new()),
            };
        }
        if let Some(start) = syntax::string_start(line, pos) {
            return (start, complete_path(&line[start..pos]));
        }
        let start = syntax::word_start(line, pos);
        let word = &line[start..pos];
        let before = line[..start].trim_end();
        if let Some(recv) = before.strip_suffix('.') {
            // A method after `.`: of the receiver's type when it is known.
            if recv.trim_end().ends_with('.') {
                return (pos, Vec::new()); // `1..` is a range
            }
            // A string literal's methods: `"a b".`.
            let literal = recv
                .trim_end()
                .ends_with(['"', '`'])
                .then(|| "string".to_string());
            let names: Vec<(String, bool)> = match literal
                .or_else(|| syntax::expr_type(line, recv.len(), &self.registry, &self.vars))
            {
                Some(ty) => self
                    .registry
                    .methods(&ty)
                    .into_iter()
                    .map(|m| (m.name, m.property))
                    .collect(),
                None => self
                    .registry
                    .all_method_names()
                    .into_iter()
                    .map(|n| (n, false))
                    .collect(),
            };
            let list = names
                .into_iter()
                .filter(|(n, _)| n.starts_with(word))
                .map(|(n, property)| {
                    let display = if property { n.clone() } else { format!("{n}(") };
                    pair(&n, display)
                })
                .collect();
            return (start, list);
        }
        if word.is_empty() {
            return (pos, Vec::new());
        }
        let mut names: Vec<String> = self
            .vars
            .keys()
            .cloned()
            .chain(self.registry.globals().iter().cloned())
            .chain(syntax::KEYWORDS.iter().map(|k| k.to_string()))
            .chain(["print", "debug"].map(String::from))
            .filter(|n| n.starts_with(word))
            .collect();
        names.sort();
        names.dedup();
        (start, names.iter().map(|n| pair(n, n.clone())).collect())
    }

    /// The PySpark signature of the call the cursor is in, e.g. `(func, [invFunc,] ...)`.
    pub fn signature_hint(&self, line: &str, pos: usize) -> Option<String> {
        let (recv, name) = syntax::enclosing_call(line, pos)?;
        let params = match recv {
            Some(end) => {
                let ty = syntax::expr_type(line, end, &self.registry, &self.vars);
                let entries = help::lookup(ty.as_deref(), &name);
                entries.first().map(|m| m.params)?
            }
            None => help::GLOBALS
                .iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, p, _)| *p)?,
        };
        Some(format!("  {params}"))
    }
}

/// Paths starting with `partial` (relative to the working directory); directories end in `/`.
pub fn complete_path(partial: &str) -> Vec<Pair> {
    let (dir, prefix) = match partial.rfind('/') {
        Some(i) => (&partial[..=i], &partial[i + 1..]),
        None => ("", partial),
    };
    let expanded = match dir.strip_prefix("~/") {
        Some(rest) => std::env::var("HOME")
            .map(|h| format!("{h}/{rest}"))
            .unwrap_or_else(|_| dir.to_string()),
        None => dir.to_string(),
    };
    let read_from = if expanded.is_empty() {
        "."
    } else {
        expanded.as_str()
    };
    let Ok(entries) = std::fs::read_dir(read_from) else {
        return Vec::new();
    };
    let mut out: Vec<Pair> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            let shown = if is_dir { format!("{name}/") } else { name };
            Some(Pair {
                display: shown.clone(),
                replacement: format!("{dir}{shown}"),
            })
        })
        .collect();
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out
}

/// A hint shown after the cursor: either the rest of a history entry (accepted with →) or a
/// call's signature (only shown).
pub struct ShellHint {
    display: String,
    completion: Option<String>,
}

impl Hint for ShellHint {
    fn display(&self) -> &str {
        &self.display
    }
    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(line, pos))
    }
}

impl Hinter for ReplHelper {
    type Hint = ShellHint;
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<ShellHint> {
        if pos < line.len() {
            return None;
        }
        if let Some(sig) = self.signature_hint(line, pos) {
            return Some(ShellHint {
                display: sig,
                completion: None,
            });
        }
        self.history.hint(line, pos, ctx).map(|h| ShellHint {
            display: h.clone(),
            completion: Some(h),
        })
    }
}

impl Validator for ReplHelper {}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        if !self.color {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight_code(line, pos))
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if !self.color {
            return Cow::Borrowed(prompt);
        }
        let style = if prompt.contains("[running") {
            Color::Yellow.bold()
        } else {
            Color::Green.bold()
        };
        Cow::Owned(style.paint(prompt).to_string())
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if !self.color {
            return Cow::Borrowed(hint);
        }
        Cow::Owned(Style::new().dimmed().paint(hint).to_string())
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind != CmdKind::ForcedRefresh
    }
}

impl Helper for ReplHelper {}

/// Keywords, strings, numbers and comments in colour; the bracket under the cursor and its
/// match in bold.
pub fn highlight_code(line: &str, pos: usize) -> String {
    let brackets = syntax::matching_bracket(line, pos);
    let mut out = String::with_capacity(line.len() * 2);
    for t in syntax::tokenize(line) {
        let text = &line[t.start..t.end];
        let style = match t.kind {
            Kind::Keyword => Some(Color::Magenta.bold()),
            Kind::String => Some(Color::Green.normal()),
            Kind::Number => Some(Color::Cyan.normal()),
            Kind::Comment => Some(Style::new().dimmed()),
            Kind::Open | Kind::Close
                if brackets.is_some_and(|(a, b)| t.start == a || t.start == b) =>
            {
                Some(Color::Blue.bold().underline())
            }
            _ => None,
        };
        match style {
            Some(s) => out.push_str(&s.paint(text).to_string()),
            None => out.push_str(text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> ReplHelper {
        let host = crate::repl::test_host();
        let mut h = ReplHelper::new(Registry::from_engine(host.engine()), false);
        h.vars.insert("ssc".into(), "StreamingContext".into());
        h.vars.insert("sc".into(), "SparkContext".into());
        h.vars.insert("lines".into(), "DStream".into());
        h
    }

    fn replacements(h: &ReplHelper, line: &str) -> (usize, Vec<String>) {
        let (start, c) = h.candidates(line, line.len());
        (start, c.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn methods_by_receiver_type() {
        let h = helper();
        let (start, c) = replacements(&h, "lines.reduceByKeyAndW");
        assert_eq!(start, 6);
        assert_eq!(c, vec!["reduceByKeyAndWindow".to_string()]);
        let (_, c) = replacements(&h, "lines.");
        assert!(c.contains(&"pprint".to_string()) && !c.contains(&"collect".to_string()));
        let (_, c) = replacements(&h, "ssc.queueStream([[1]]).co");
        assert!(c.contains(&"countByWindow".to_string()) && !c.contains(&"collect".to_string()));
        let (_, c) = replacements(&h, "sc.parallelize([1]).co");
        assert!(c.contains(&"collect".to_string()) && !c.contains(&"countByWindow".to_string()));
        let (_, c) = replacements(&h, "ssc.");
        assert!(c.contains(&"queueStream".to_string()) && c.contains(&"sparkContext".to_string()));
    }

    #[test]
    fn methods_of_strings_arrays_and_maps() {
        let mut h = helper();
        // The type names the shell's scope reports, as `Shell::var_types` reads them.
        let mut host = crate::repl::test_host();
        let _ = host.eval("t", "let s = \"a\"; let xs = [1]; let m = #{a: 1};");
        for (name, _, v) in host.scope().iter_raw() {
            h.vars.insert(
                name.to_string(),
                host.engine().map_type_name(v.type_name()).to_string(),
            );
        }
        assert_eq!(h.vars.get("s").map(String::as_str), Some("string"));
        assert_eq!(h.vars.get("xs").map(String::as_str), Some("array"));
        assert_eq!(h.vars.get("m").map(String::as_str), Some("map"));
        let (start, c) = replacements(&h, "s.sta");
        assert_eq!(start, 2);
        assert_eq!(c, vec!["starts_with".to_string()]);
        let (_, c) = replacements(&h, "s.");
        for m in ["replace", "trim", "to_upper", "split", "len", "contains"] {
            assert!(c.contains(&m.to_string()), "s.{m} in {c:?}");
        }
        assert!(!c.contains(&"pprint".to_string()) && !c.contains(&"push".to_string()));
        let (_, c) = replacements(&h, "xs.");
        for m in [
            "push", "map", "filter", "reduce", "sort", "len", "max", "sorted",
        ] {
            assert!(c.contains(&m.to_string()), "xs.{m} in {c:?}");
        }
        assert!(!c.contains(&"starts_with".to_string()));
        let (_, c) = replacements(&h, "m.ke");
        assert_eq!(c, vec!["keys".to_string()]);
        let (_, c) = replacements(&h, "\"a b\".spl");
        assert!(c.contains(&"split".to_string()) && !c.contains(&"splice".to_string()));
    }

    #[test]
    fn globals_commands_and_paths() {
        let h = helper();
        let (_, c) = replacements(&h, "let x = Stre");
        assert_eq!(c, vec!["StreamingContext".to_string()]);
        let (_, c) = replacements(&h, "li");
        assert!(c.contains(&"lines".to_string()));
        let (start, c) = replacements(&h, ":st");
        assert_eq!(start, 0);
        assert_eq!(c, vec![":stop".to_string(), ":status".to_string()]);
        let (_, c) = replacements(&h, "sc.textFile(\"Cargo.t");
        assert_eq!(c, vec!["Cargo.toml".to_string()]);
        let (_, c) = replacements(&h, ":load sr");
        assert_eq!(c, vec!["src/".to_string()]);
        let (_, c) = replacements(&h, ":help reduceByKeyAndW");
        assert_eq!(c, vec!["reduceByKeyAndWindow".to_string()]);
        let (_, c) = replacements(&h, ":help syn");
        assert_eq!(c, vec!["syntax".to_string()]);
        let (_, c) = replacements(&h, ":help rh");
        assert_eq!(c, vec!["rhai".to_string()]);
    }

    #[test]
    fn signature_hints() {
        let h = helper();
        let hint = h.signature_hint("lines.reduceByKeyAndWindow(", 27);
        assert_eq!(
            hint.as_deref(),
            Some(
                "  (func, [invFunc,] windowDuration[, slideDuration[, numPartitions[, filterFunc]]])"
            )
        );
        assert_eq!(h.signature_hint("lines.map(f)", 12), None);
    }

    #[test]
    fn highlighting_keeps_the_text() {
        let line = "let x = [1, \"a\"]; // c";
        let out = highlight_code(line, 8);
        let plain: String = strip_ansi(&out);
        assert_eq!(plain, line);
        assert!(out.contains("\u{1b}["));
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
