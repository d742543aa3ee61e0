//! The script's `//` comments carried into the Python: leading comment blocks, `# file:line`
//! markers and trailing comments.

use super::Translator;

/// Where a `//` comment starts in a line, outside string literals; None if there is none.
pub(super) fn comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == b'"' || c == b'`' || c == b'\'' {
                    quote = Some(c);
                } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

pub(super) fn comment_text(line: &str) -> Option<String> {
    comment_start(line).map(|i| line[i..].trim_start_matches('/').trim().to_string())
}

pub(super) fn is_whole_line_comment(line: &str) -> bool {
    line.trim_start().starts_with("//")
}

impl Translator<'_> {
    /// Whole-line comments right above `line` (not yet emitted), at `indent` levels.
    pub(super) fn leading_comments(&mut self, line: usize, indent: usize) -> Vec<String> {
        let mut first = line;
        while first > 1 && is_whole_line_comment(self.lines[first - 2]) {
            first -= 1;
        }
        let pad = "    ".repeat(indent);
        let mut out = vec![];
        for l in first..line {
            if self.used_comments.insert(l) {
                out.push(format!(
                    "{pad}# {}",
                    comment_text(self.lines[l - 1]).unwrap_or_default()
                ));
            }
        }
        out
    }

    /// `# file:line` plus a trailing `//` comment of that line.
    pub(super) fn marker(&mut self, line: usize) -> String {
        let mut m = format!("  # {}:{line}", self.script_name);
        if line > 0
            && line <= self.lines.len()
            && !self.used_comments.contains(&line)
            && let Some(c) = comment_text(self.lines[line - 1])
        {
            if !c.is_empty() {
                m.push_str(": ");
                m.push_str(&c);
            }
            self.used_comments.insert(line);
        }
        m
    }

    pub(super) fn same_line_comment(&mut self, line: usize) -> String {
        if line == 0 || line > self.lines.len() || self.used_comments.contains(&line) {
            return String::new();
        }
        let l = self.lines[line - 1];
        if is_whole_line_comment(l) {
            return String::new();
        }
        match comment_text(l) {
            Some(c) => {
                self.used_comments.insert(line);
                format!("  # {c}")
            }
            None => String::new(),
        }
    }

    /// Comments at the end of a statement's other lines (`lines`), not yet emitted: they
    /// follow it in `build()`.
    pub(super) fn trailing_comments(&mut self, lines: std::ops::Range<usize>) -> Vec<String> {
        let mut out = vec![];
        for l in lines {
            let text = self.lines.get(l - 1).copied().unwrap_or("");
            if !is_whole_line_comment(text)
                && !self.used_comments.contains(&l)
                && let Some(c) = comment_text(text)
            {
                self.used_comments.insert(l);
                out.push(format!("    # {}:{l}: {c}", self.script_name));
            }
        }
        out
    }
}
