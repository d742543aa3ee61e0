//! Script errors as users read them: `file:line:col`, the source line and a caret.

use super::closure::describe_error;
use super::fixits::KnownFunctions;
use rhai::{EvalAltResult, ParseError, Position};
use std::fmt;

#[derive(Debug, Clone)]
pub struct ScriptError {
    pub kind: ErrorKind,
    pub message: String,
    pub file: Box<str>,
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub source_line: Option<String>,
    /// What to write instead, shown after the caret (a fix-it). Boxed: errors stay small.
    pub hint: Option<Box<str>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Syntax,
    Runtime,
    /// A batch error re-raised by awaitTermination: already printed when it happened.
    BatchFailed,
    Interrupted,
}

/// Whether a fix-it's rewritten lines (after its first line, indented four spaces) parse as
/// Rhai. Syntax only: centella registers no custom syntax, so a raw engine parses the same.
fn rewrite_compiles(hint: &str) -> bool {
    let code: Vec<&str> = hint
        .lines()
        .skip(1)
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect();
    rhai::Engine::new_raw().compile(code.join("\n")).is_ok()
}

fn line_of(code: &str, pos: Position) -> Option<String> {
    pos.line()
        .and_then(|l| code.lines().nth(l.saturating_sub(1)))
        .map(str::to_string)
}

impl ScriptError {
    pub fn syntax(e: &ParseError, file: &str, code: &str) -> ScriptError {
        let pos = e.position();
        let source_line = line_of(code, pos);
        // The fix-its' rewrite of a Python habit names the rule; when its rewrite is not
        // valid Rhai (`'a' if c else 'b'`), the line as the real Python translator reads it
        // (what the shell would run) is the better suggestion.
        let fixit = super::fixits::for_syntax(code);
        let hint = if fixit.as_deref().is_some_and(rewrite_compiles) {
            fixit
        } else {
            source_line
                .as_deref()
                .and_then(crate::python::rhai_suggestion)
                .or(fixit)
        };
        ScriptError {
            kind: ErrorKind::Syntax,
            message: format!("Syntax error: {}", e.err_type()),
            file: file.into(),
            line: pos.line(),
            col: pos.position(),
            source_line,
            hint: hint.map(Into::into),
        }
    }

    /// `known`: the session's functions, to say a "Function not found" in the user's terms.
    pub fn runtime(
        e: &EvalAltResult,
        file: &str,
        code: &str,
        known: &KnownFunctions,
    ) -> ScriptError {
        // The position of the outermost call is the line the user wrote.
        let pos = e.position();
        let mut message = describe_error(e, Some(file), known);
        let mut kind = ErrorKind::Runtime;
        if let Some(rest) = message.strip_prefix(super::BATCH_ERROR_MARK) {
            message = rest.to_string();
            kind = ErrorKind::BatchFailed;
        }
        if message.contains("interrupted (Ctrl-C)")
            || matches!(e, EvalAltResult::ErrorTerminated(..))
        {
            kind = ErrorKind::Interrupted;
        }
        if let Some(cut) = message.rfind(&format!(" ({file}:")) {
            message.truncate(cut);
        }
        let source_line = line_of(code, pos);
        // `f(1)` rather than `x.f()`: said as a function (a closure needs `f.call(1)`).
        if let EvalAltResult::ErrorFunctionNotFound(sig, _) = e
            && let (Some(src), Some(col)) = (&source_line, pos.position())
            && !src
                .chars()
                .take(col.saturating_sub(1))
                .collect::<String>()
                .trim_end()
                .ends_with('.')
            && let Some(text) = super::fixits::function_call_not_found(sig, known)
        {
            message = text;
        }
        ScriptError {
            hint: super::fixits::undeclared(&message, source_line.as_deref())
                .or_else(|| super::fixits::rewritten_call(&message, source_line.as_deref()))
                .map(Into::into),
            kind,
            message,
            file: file.into(),
            line: pos.line(),
            col: pos.position(),
            source_line,
        }
    }

    /// Whether more input could complete the code (for multi-line input in the REPL): the
    /// parse error sits at the end of the input (an unclosed block, call, list, or an
    /// operator waiting for its operand), or a backtick string is still open.
    pub fn is_incomplete(e: &ParseError, code: &str) -> bool {
        use rhai::{LexError, ParseErrorType as P};
        let pos = e.position();
        let (Some(line), Some(col)) = (pos.line(), pos.position()) else {
            return true;
        };
        match e.err_type() {
            P::UnexpectedEOF => true,
            P::MissingToken(..) | P::MissingSymbol(..) => {
                let trimmed = code.trim_end();
                let last_line = trimmed.lines().count().max(1);
                let last_len = trimmed.lines().last().map_or(0, |l| l.chars().count());
                line > last_line || (line == last_line && col > last_len)
            }
            P::BadInput(LexError::UnterminatedString) => {
                code.lines()
                    .nth(line.saturating_sub(1))
                    .and_then(|l| l.chars().nth(col.saturating_sub(1)))
                    == Some('`')
            }
            _ => false,
        }
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        let hint = self
            .hint
            .as_ref()
            .map(|h| format!("\nhint: {h}"))
            .unwrap_or_default();
        let (Some(line), Some(src)) = (self.line, &self.source_line) else {
            return write!(f, "  --> {}{hint}", self.file);
        };
        match self.col {
            Some(col) => writeln!(f, "  --> {}:{line}:{col}", self.file)?,
            None => writeln!(f, "  --> {}:{line}", self.file)?,
        }
        let num = line.to_string();
        let pad = " ".repeat(num.len());
        writeln!(f, "{pad} |")?;
        writeln!(f, "{num} | {src}")?;
        let caret_at = self.col.unwrap_or(1).saturating_sub(1);
        let indent: String = src
            .chars()
            .take(caret_at)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{pad} | {indent}^{hint}")
    }
}
