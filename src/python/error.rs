//! What cannot be translated: the construct, where it is (`file:line:col`), and what to write
//! instead, shown with the source line and a caret like the script errors.

use std::fmt;

/// What translating a piece of a program gives: its Rhai code, or why it cannot be translated.
pub type Translated<T> = Result<T, TranslateError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslateError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    /// The construct, e.g. "a class definition".
    pub construct: String,
    /// What to write instead.
    pub hint: String,
    /// The source line, for the caret display.
    pub source_line: String,
    /// True when the text is not Python at all (a syntax error).
    pub syntax: bool,
}

impl fmt::Display for TranslateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.syntax {
            write!(
                f,
                "{}:{}:{}: not valid Python: {}",
                self.file, self.line, self.col, self.construct
            )?;
        } else {
            write!(
                f,
                "{}:{}:{}: cannot translate {}",
                self.file, self.line, self.col, self.construct
            )?;
        }
        if !self.hint.is_empty() {
            write!(f, ": {}", self.hint)?;
        }
        if !self.source_line.is_empty() {
            let gutter = self.line.to_string();
            write!(
                f,
                "\n {gutter} | {}\n {} | {}^",
                self.source_line,
                " ".repeat(gutter.len()),
                " ".repeat(self.col.saturating_sub(1))
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for TranslateError {}

/// Byte offsets to 1-based line and column (in characters, as editors count).
pub struct Lines<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(src: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Lines { src, starts }
    }

    pub fn source(&self) -> &'a str {
        self.src
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let col = self.src.get(start..offset).map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }

    pub fn text(&self, line: usize) -> &'a str {
        let start = self.starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        let end = self.starts.get(line).copied().unwrap_or(self.src.len());
        self.src
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}
