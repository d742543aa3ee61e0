//! When an entry is whole, as the shell reads it line by line: complete Rhai, or an error
//! more input cannot fix. A block whose brackets are still open stays one entry even when
//! it already holds a syntax error, so it fails once, as a whole, when it is closed (or a
//! blank line submits it). A Python block (`def f(a):` and its body) or a line ending in
//! `\\` waits for its end, as in Python's shell. Also the words the shell reads itself (`exit()`, `quit()`) and
//! method chains that go on on the next line (`.map(...)`).

use super::syntax::{self, Kind};
use crate::script::diagnostics::ScriptError;

/// Whether `code` is a whole entry.
pub fn is_complete(engine: &rhai::Engine, code: &str) -> bool {
    let code = &*super::python_entry::without_prompts(code);
    match engine.compile(code) {
        Ok(_) => true,
        Err(e) => {
            let open = if super::python_entry::has_block_header(code) {
                super::python_entry::open_brackets_outside_comments(code)
            } else {
                open_brackets(code)
            };
            open == 0
                && !ScriptError::is_incomplete(&e, code)
                && !super::python_entry::incomplete(code)
        }
    }
}

/// Brackets opened and not yet closed (strings and comments aside); 0 when balanced or
/// over-closed.
pub fn open_brackets(code: &str) -> usize {
    let mut depth: usize = 0;
    for t in syntax::tokenize(code) {
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// A blank last line after at least one line: the user forces the entry out.
pub fn ends_with_blank_line(code: &str) -> bool {
    code.contains('\n')
        && code
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty())
}

/// A line that goes on with the previous entry's value: `.map(...)`, not `..` (a range).
pub fn continues_chain(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('.') && !t.starts_with("..")
}

/// What `exit`/`quit` typed as code mean in the shell.
#[derive(Debug, PartialEq, Eq)]
pub enum QuitWord {
    /// `exit()` / `quit()`: leave, as `:quit` does.
    Quit,
    /// `exit` / `quit` without parentheses: say how to leave (as Python does).
    Explain,
}

pub fn quit_word(entry: &str) -> Option<QuitWord> {
    let e = entry.trim().trim_end_matches(';').trim();
    match e {
        "exit()" | "quit()" => Some(QuitWord::Quit),
        "exit" | "quit" => Some(QuitWord::Explain),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness() {
        let host = crate::repl::test_host();
        let e = host.engine();
        assert!(!is_complete(e, "fn f(x) {"));
        assert!(!is_complete(e, "let x = "));
        assert!(!is_complete(e, "ds.map(|x|"));
        assert!(!is_complete(e, "[1, 2,"));
        assert!(!is_complete(e, "let s = `multi\nline"));
        assert!(
            is_complete(e, "foo(1 2)"),
            "an error in the middle is not incompleteness"
        );
        assert!(is_complete(e, "f(1))"));
        assert!(is_complete(e, "let x = 1;"));
        assert!(is_complete(e, "ds.print()"));
    }

    #[test]
    fn a_broken_block_stays_open_until_it_closes() {
        let host = crate::repl::test_host();
        let e = host.engine();
        assert!(!is_complete(e, "fn f(x) {\n  let y = x +* 2;"));
        assert!(!is_complete(e, "fn f(x) {\n  let y = x +* 2;\n  y"));
        assert!(is_complete(e, "fn f(x) {\n  let y = x +* 2;\n  y\n}"));
        assert_eq!(open_brackets("let s = \"{(\"; // [\n"), 0);
        assert_eq!(open_brackets("#{a: [1, (2"), 3);
    }

    #[test]
    fn chains_blank_lines_and_quit_words() {
        assert!(continues_chain("   .map(|x| x)"));
        assert!(!continues_chain("..5"));
        assert!(!continues_chain("x.map(f)"));
        assert!(ends_with_blank_line("fn f() {\n  "));
        assert!(!ends_with_blank_line("fn f() {"));
        assert_eq!(quit_word("exit()"), Some(QuitWord::Quit));
        assert_eq!(quit_word(" quit(); "), Some(QuitWord::Quit));
        assert_eq!(quit_word("exit"), Some(QuitWord::Explain));
        assert_eq!(quit_word("exit(1)"), None);
        assert_eq!(quit_word("let quit = 1"), None);
    }
}
