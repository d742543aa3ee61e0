//! An entry that is not Rhai but reads as Python (issue 11 §2): the shell shows the Rhai it
//! means and runs that. Also when a Python block (`def f(a):` and its indented body) is
//! still being typed, and where it ends in piped input.
//!
//! The translation itself is `crate::python`'s; this module decides when to ask for it.

use super::entry;
use std::collections::HashSet;

/// Whether the shell should try `code` as Python before running it as Rhai: it does not
/// compile as Rhai; or it assigns at its top level a name that the entry did not declare and
/// the session has only from Python entries, if at all (`x = 5`, which Rhai would run up to
/// the assignment and then fail; and `x = 7 / 2` typed again, which must not turn into Rhai's
/// integer division the second time); or it uses `//` between operands (Python's floor
/// division, a comment in Rhai: `7 // 2` would silently be 7).
pub fn wants_python(
    engine: &rhai::Engine,
    code: &str,
    rhai_variables: &[String],
    python_names: &HashSet<String>,
) -> bool {
    match engine.compile(code) {
        Err(_) => true,
        Ok(_) => {
            assigns_undeclared(code, rhai_variables)
                || floor_division(code)
                || calls_a_python_name(code, python_names)
        }
    }
}

/// `f(3)` where a Python entry set `f` (`f = lambda x: x + 1`): a call of a closure, which Rhai
/// writes `f.call(3)`.
fn calls_a_python_name(code: &str, python_names: &HashSet<String>) -> bool {
    super::syntax::tokenize(code).windows(2).any(|w| {
        w[0].kind == super::syntax::Kind::Ident
            && &code[w[1].start..w[1].end] == "("
            && python_names
                .iter()
                .any(|n| n == &code[w[0].start..w[0].end])
            && !code[..w[0].start].ends_with('.')
    })
}

/// A `//` right after an operand and before another (`7 // 2`, `n // k`): Python's floor
/// division. A Rhai comment after code is `x; // note` or has words after it.
fn floor_division(code: &str) -> bool {
    code.lines().any(|line| {
        let Some(at) = comment_start(line) else {
            return false;
        };
        let before = line[..at].trim_end();
        let after = line[at + 2..].trim();
        let operand_before = before
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ')' || c == ']');
        let operand_after = !after.is_empty()
            && !after.contains(' ')
            && after
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.()[]".contains(c));
        operand_before && operand_after
    })
}

/// Where a `//` outside strings begins on a line (the shell's Rhai lexer knows both).
fn comment_start(line: &str) -> Option<usize> {
    super::syntax::tokenize(line)
        .into_iter()
        .find(|t| t.kind == super::syntax::Kind::Comment)
        .map(|t| t.start)
}

/// What reading an entry as Python gave.
pub enum Reading {
    /// The Rhai it means (it compiles).
    Rhai(String),
    /// It is Python, but a construct centella cannot translate (`class`, `yield`, ...): the
    /// translator's error names it and says what to write instead.
    Untranslatable(crate::python::TranslateError),
    /// Python with nothing to run in centella (`from pyspark import SparkContext`: the shell
    /// has PySpark's names already; imports are remembered for later entries).
    Nothing,
    /// Not Python either (or its Rhai would not compile): the Rhai error is more use.
    NotPython,
}

/// `code` read as Python, knowing the session's functions, variables and the imports earlier
/// Python entries made (`from operator import add`), which are read again before it.
pub fn translate(
    engine: &rhai::Engine,
    code: &str,
    imports: &[String],
    functions: &[String],
    variables: &[String],
) -> Reading {
    if code.trim().is_empty() {
        return Reading::NotPython;
    }
    let with_imports;
    let source = if imports.is_empty() {
        code
    } else {
        with_imports = format!("{}\n{code}", imports.join("\n"));
        &with_imports
    };
    match crate::python::translate_entry_with(source, functions, variables) {
        Ok(rhai) => {
            let rhai = rhai.trim();
            if rhai.is_empty() {
                Reading::Nothing
            } else if engine.compile(rhai).is_err() {
                Reading::NotPython
            } else {
                Reading::Rhai(rhai.to_string())
            }
        }
        Err(e) if !e.syntax => Reading::Untranslatable(e),
        Err(_) => Reading::NotPython,
    }
}

/// A temporary the translation made (`py_t1` for `a, b = 1, 2`): not the user's, so `:vars`
/// and completion leave it out.
pub fn is_temporary(name: &str) -> bool {
    name.strip_prefix("py_").is_some_and(|rest| {
        let digits = rest.trim_start_matches(|c: char| c.is_ascii_lowercase());
        digits.len() < rest.len()
            && !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
    })
}

/// The import statements of a Python entry (top-level `import x` / `from x import y`), to read
/// again before later entries.
pub fn imports_of(code: &str) -> Vec<String> {
    code.lines()
        .filter(|l| l.starts_with("import ") || (l.starts_with("from ") && l.contains(" import ")))
        .map(|l| code_part(l).trim_end().to_string())
        .collect()
}

/// The names a translated entry declares at its top level (`let x = ...;`): the session has
/// them from Python, so assigning them again reads as Python too.
pub fn declared_names(rhai: &str) -> Vec<String> {
    rhai.lines()
        .filter_map(|l| l.strip_prefix("let "))
        .map(|rest| leading_name(rest.trim_start()).to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

pub use crate::python::{without_prompt, without_prompts};

/// A top-level line `name = ...` (not `==`, not `+=`) for a name not in `variables` and not
/// declared by a `let`/`const` earlier in the entry.
fn assigns_undeclared(code: &str, variables: &[String]) -> bool {
    let mut declared: Vec<&str> = Vec::new();
    let mut depth = 0usize;
    for line in code.lines() {
        let at_top = depth == 0;
        depth = (depth + entry::open_brackets(line)).saturating_sub(closed_brackets(line));
        let t = line.trim_start();
        for kw in ["let ", "const "] {
            if let Some(rest) = t.strip_prefix(kw) {
                declared.push(leading_name(rest.trim_start()));
            }
        }
        if !at_top {
            continue;
        }
        let name = leading_name(t);
        if name.is_empty() {
            continue;
        }
        let rest = t[name.len()..].trim_start();
        let assigns = rest.starts_with('=') && !rest.starts_with("==");
        if assigns && !declared.contains(&name) && !variables.iter().any(|v| v == name) {
            return true;
        }
    }
    false
}

fn leading_name(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_alphanumeric() || *c == '_') || (*i == 0 && c.is_ascii_digit()))
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// Closing brackets on a line (strings aside) beyond its own openings.
fn closed_brackets(line: &str) -> usize {
    let mut open = 0usize;
    let mut extra = 0usize;
    for t in super::syntax::tokenize(line) {
        match t.kind {
            super::syntax::Kind::Open => open += 1,
            super::syntax::Kind::Close if open > 0 => open -= 1,
            super::syntax::Kind::Close => extra += 1,
            _ => {}
        }
    }
    extra
}

/// Whether a Python entry is still being typed: an open block, or a last line that ends in
/// `\` (Python's explicit line joining, common in slides' method chains; not in a Rhai
/// `//` comment).
pub fn incomplete(code: &str) -> bool {
    let joins = code.split('\n').next_back().is_some_and(|l| {
        !l.trim_start().starts_with("//") && code_part(l).trim_end().ends_with('\\')
    });
    joins || block_open(code)
}

/// Python's compound statements, whose header line ends with `:`.
const BLOCK_KEYWORDS: &[&str] = &[
    "def", "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "class",
    "async",
];

/// A Python block header: a compound statement's keyword, then `:` at the end.
fn opens_block(line: &str) -> bool {
    let t = line.trim_start();
    let keyword = leading_name(t);
    BLOCK_KEYWORDS.contains(&keyword) && code_part(line).trim_end().ends_with(':')
}

/// Whether `code` is a Python block still being typed: a `def`, `if`, `for`, ... header line
/// and no blank line that ended it yet. Python's own shell waits for the blank line too. Only
/// asked of entries that are not complete Rhai.
pub fn block_open(code: &str) -> bool {
    has_block_header(code) && !entry::ends_with_blank_line(code)
}

/// Whether a line of `code` is a Python block header (then its brackets are counted without
/// Python's `#` comments).
pub fn has_block_header(code: &str) -> bool {
    code.lines().any(opens_block)
}

/// In piped input, whether `next` ends the Python block in `buffer`: a line that is not
/// indented and does not go on with the block's statement (`else:`, `elif`, `except`,
/// `finally`, a closing bracket).
pub fn block_ends(buffer: &str, next: &str) -> bool {
    if !block_open(buffer) || next.trim().is_empty() {
        return false;
    }
    let indented = next.starts_with(' ') || next.starts_with('\t');
    let t = next.trim_start();
    let goes_on = ["else", "elif", "except", "finally", ")", "]", "}"]
        .iter()
        .any(|w| t.starts_with(w));
    !indented && !goes_on && open_brackets_outside_comments(buffer) == 0
}

/// Brackets still open in `code`, not counting those in Python `#` comments.
pub fn open_brackets_outside_comments(code: &str) -> usize {
    let code: Vec<&str> = code.lines().map(code_part).collect();
    entry::open_brackets(&code.join("\n"))
}

/// A line without its `# comment` (quotes respected).
fn code_part(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else if c == '\'' || c == '"' || c == '`' {
            quote = Some(c);
        } else if c == '#' {
            // `#{` opens a Rhai object map, not a comment.
            if line[i + 1..].starts_with('{') {
                continue;
            }
            return &line[..i];
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn undeclared_assignments_read_as_python() {
        assert!(assigns_undeclared("x = 5", &[]));
        assert!(!assigns_undeclared("x = 5", &vars(&["x"])));
        assert!(!assigns_undeclared("let x = 5;\nx = 6;", &[]));
        assert!(!assigns_undeclared("x == 5", &[]));
        assert!(!assigns_undeclared("x += 1", &[]));
        assert!(!assigns_undeclared("fn f() {\n  y = 1;\n}", &[]));
        assert!(assigns_undeclared(
            "counts = pairs.reduceByKey(add)",
            &vars(&["pairs"])
        ));
    }

    #[test]
    fn a_call_of_a_name_python_set_reads_as_python() {
        let names: HashSet<String> = vars(&["f"]).into_iter().collect();
        assert!(calls_a_python_name("f(3)", &names));
        assert!(calls_a_python_name("print(f(3))", &names));
        assert!(!calls_a_python_name("g(3)", &names));
        assert!(!calls_a_python_name("ds.f(3)", &names));
    }

    #[test]
    fn translation_temporaries_are_not_the_user_s() {
        assert!(is_temporary("py_t1"));
        assert!(is_temporary("py_r12"));
        assert!(!is_temporary("py_total"));
        assert!(!is_temporary("t1"));
        assert!(!is_temporary("py_1"));
    }

    #[test]
    fn floor_division_is_python_and_comments_are_rhai() {
        assert!(floor_division("7 // 2"));
        assert!(floor_division("let half = n // k"));
        assert!(!floor_division("let r = 10; // note"));
        assert!(!floor_division("x + 1 // the next one"));
        assert!(!floor_division("// 2"));
        assert!(!floor_division("let s = \"a // b\";"));
    }

    #[test]
    fn blocks_need_a_python_keyword_and_remember_imports() {
        assert!(!block_open("fn g(x) {\n  // result:\n  x +* 2"));
        assert!(!incomplete("fn g(x) {\n  // a path C:\\"));
        assert!(block_open("if x > 1:"));
        assert!(block_open("else:"));
        assert_eq!(
            open_brackets_outside_comments("def f(a):  # one (to a\n    return a"),
            0
        );
        assert_eq!(
            imports_of("from operator import add\nimport math  # for sqrt\nx = 1"),
            vec!["from operator import add", "import math"]
        );
        assert_eq!(
            declared_names("let x = py_div(7, 2);\nfn f(a) {\n    let y = 1;\n}"),
            vec!["x"]
        );
    }

    #[test]
    fn prompts_of_a_python_session_are_dropped() {
        assert_eq!(without_prompt(">>> x = 1"), "x = 1");
        assert_eq!(without_prompt("...     return a"), "    return a");
        assert_eq!(without_prompt("..."), "");
        assert_eq!(without_prompt(">>>"), "");
        assert_eq!(without_prompt("..5"), "..5");
        assert_eq!(
            without_prompts(">>> def f(a):\n...     return a\n...\n"),
            "def f(a):\n    return a\n\n"
        );
        assert_eq!(without_prompts("let x = 1;"), "let x = 1;");
    }

    #[test]
    fn python_blocks_wait_for_their_end() {
        assert!(block_open("def f(a):"));
        assert!(block_open("def f(a):\n    return a + 1"));
        assert!(!block_open("def f(a):\n    return a + 1\n"));
        assert!(block_open("for x in xs:  # each\n    print(x)"));
        assert!(!block_open("let m = #{a: 1};"));
        assert!(!block_open("print('a:')"));
        assert!(block_ends("def f(a):\n    return a + 1", "x = f(1)"));
        assert!(!block_ends("def f(a):\n    return a + 1", "    y = 2"));
        assert!(!block_ends("if a:\n    b = 1", "else:"));
        assert!(!block_ends("x = 1", "y = 2"));
        assert!(incomplete("lines.flatMap(f) \\"));
        assert!(!incomplete("lines.flatMap(f) \\\n"));
    }
}
