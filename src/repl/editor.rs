//! The line editor's helper for the shell: [`ReplHelper`]'s completion, hints and colours,
//! plus the shell's own rules. Enter on an unfinished entry inserts a newline, so a
//! multi-line entry is one buffer that background output prints above as a whole; a
//! completed `:command` that takes an argument gets its trailing space.

use super::commands::COMMANDS;
use super::entry;
use super::helper::{ReplHelper, ShellHint};
use super::printer::Printer;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::line_buffer::LineBuffer;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Changeset, Context, Helper};
use std::borrow::Cow;
use std::sync::{Arc, Mutex};

pub struct ShellHelper {
    pub inner: ReplHelper,
    /// The first session's engine, only to tell complete entries (kept across `:reset`).
    engine: Arc<rhai::Engine>,
    printer: Arc<Printer>,
    /// The entry as last drawn: a byte that is not UTF-8 ends rustyline's read, and the
    /// shell gives the entry back with U+FFFD in its place.
    last_line: Mutex<String>,
}

impl ShellHelper {
    pub fn new(inner: ReplHelper, engine: Arc<rhai::Engine>, printer: Arc<Printer>) -> Self {
        ShellHelper {
            inner,
            engine,
            printer,
            last_line: Mutex::new(String::new()),
        }
    }

    /// The entry being typed when the read ended (then forgotten).
    pub fn take_last_line(&self) -> String {
        std::mem::take(&mut *self.last_line.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Whether the editor should submit `input` now.
pub fn submits(engine: &rhai::Engine, input: &str) -> bool {
    let trimmed = input.trim_start();
    trimmed.is_empty()
        || (trimmed.starts_with(':') && !input.contains('\n'))
        || entry::ends_with_blank_line(input)
        || entry::is_complete(engine, input)
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if submits(&self.engine, ctx.input()) {
            // From here on the entry is on the screen below any summary line.
            self.printer.mark_input();
            Ok(ValidationResult::Valid(None))
        } else {
            Ok(ValidationResult::Incomplete)
        }
    }
}

/// Commands that are followed by an argument.
fn takes_argument(cmd: &str) -> bool {
    COMMANDS
        .iter()
        .find(|(c, _)| *c == cmd)
        .is_some_and(|(_, usage)| usage.trim_start_matches(cmd).starts_with(" ["))
        || matches!(cmd, ":load" | ":empty")
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, mut list) = self.inner.complete(line, pos, ctx)?;
        if line[..pos].trim_start().starts_with(':') && !line[..pos].contains(' ') {
            for p in &mut list {
                if takes_argument(&p.replacement) {
                    p.replacement.push(' ');
                }
            }
        }
        Ok((start, list))
    }

    fn update(&self, line: &mut LineBuffer, start: usize, elected: &str, cl: &mut Changeset) {
        self.inner.update(line, start, elected, cl)
    }
}

impl Hinter for ShellHelper {
    type Hint = ShellHint;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<ShellHint> {
        // Called on every change of the line: remember it.
        let mut last = self.last_line.lock().unwrap_or_else(|p| p.into_inner());
        last.clear();
        last.push_str(line);
        drop(last);
        self.inner.hint(line, pos, ctx)
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        self.inner.highlight(line, pos)
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        default: bool,
    ) -> Cow<'b, str> {
        self.inner.highlight_prompt(prompt, default)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        self.inner.highlight_hint(hint)
    }

    fn highlight_candidate<'c>(
        &self,
        candidate: &'c str,
        completion: rustyline::CompletionType,
    ) -> Cow<'c, str> {
        self.inner.highlight_candidate(candidate, completion)
    }

    fn highlight_char(&self, line: &str, pos: usize, kind: CmdKind) -> bool {
        self.inner.highlight_char(line, pos, kind)
    }
}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_submits_whole_entries_only() {
        let host = crate::repl::test_host();
        let e = host.engine();
        assert!(submits(e, "1 + 1"));
        assert!(submits(e, ":help"));
        assert!(submits(e, ""));
        assert!(!submits(e, "fn f(x) {"));
        assert!(!submits(e, "fn f(x) {\n  x +* 2"));
        assert!(submits(e, "fn f(x) {\n  x +* 2\n"), "a blank line submits");
        assert!(submits(e, "fn f(x) {\n  x * 2\n}"));
    }

    #[test]
    fn commands_with_an_argument_complete_with_a_space() {
        assert!(takes_argument(":load"));
        assert!(takes_argument(":help"));
        assert!(takes_argument(":tick"));
        assert!(!takes_argument(":quit"));
        assert!(!takes_argument(":vars"));
    }
}
