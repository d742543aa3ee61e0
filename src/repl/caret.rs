//! Error text that fits the terminal: a source line wider than the screen would wrap, and the
//! caret under it would land on a line of its own. The line is cut to a window around the
//! caret (`...` marks the cuts) so the caret stays under the column it points at.

/// `text` with every `N | source` line and the caret line `  | ^` under it cut to `width`.
pub fn fit(text: &str, width: Option<usize>) -> String {
    let Some(width) = width.filter(|w| *w >= 40) else {
        return text.to_string();
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if let (Some((src_gutter, src)), Some(caret_line)) =
            (split_source(lines[i]), lines.get(i + 1))
            && let Some((caret_gutter, marks)) = caret_line.split_once("| ")
            && caret_gutter.trim().is_empty()
            && marks.trim_start().starts_with('^')
            && src_gutter.chars().count() + src.chars().count() > width
        {
            let col = marks.chars().take_while(|c| c.is_whitespace()).count();
            let room = width.saturating_sub(src_gutter.chars().count() + 1);
            let (shown, caret_col) = window(src, col, room);
            out.push(format!("{src_gutter}{shown}"));
            out.push(format!("{caret_gutter}| {}^", " ".repeat(caret_col)));
            i += 2;
            continue;
        }
        out.push(lines[i].to_string());
        i += 1;
    }
    out.join("\n")
}

/// `12 | code` as (`12 | `, `code`).
fn split_source(line: &str) -> Option<(&str, &str)> {
    let (num, _) = line.split_once(" | ")?;
    if num.is_empty() || !num.trim().chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let gutter_len = num.len() + 3;
    Some((&line[..gutter_len], &line[gutter_len..]))
}

/// At most `room` characters of `src` around column `col`, and the caret's column in them.
fn window(src: &str, col: usize, room: usize) -> (String, usize) {
    let chars: Vec<char> = src
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    if chars.len() <= room {
        return (chars.iter().collect(), col);
    }
    let room = room.max(12);
    // The caret about a third of the way in, so the text after it shows too; near the end
    // of the line, more of what comes before it.
    let mut start = col.saturating_sub(room / 3);
    if start + room > chars.len() {
        // Up to the line's end, after the leading `...`.
        start = chars.len().saturating_sub(room - 3).min(col);
    }
    let lead = if start > 0 { 3 } else { 0 };
    let mut end = (start + room - lead).min(chars.len());
    if end < chars.len() {
        end -= 3;
    }
    let mut shown = String::new();
    if start > 0 {
        shown.push_str("...");
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push_str("...");
    }
    (shown, col - start + lead)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let src = format!("let x = {} + undefined_thing;", "1 + ".repeat(40));
        let col = src.find("undefined_thing").unwrap_or(0);
        let text = format!(
            "error: Variable not found: undefined_thing\n  --> <shell>:1:{}\n  |\n1 | {src}\n  | {}^",
            col + 1,
            " ".repeat(col)
        );
        let fitted = fit(&text, Some(80));
        let lines: Vec<&str> = fitted.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{fitted}");
        let caret = lines[4].find('^').unwrap_or(0);
        assert_eq!(&lines[3][caret..caret + 9], "undefined", "{fitted}");
        assert!(lines[3].contains("..."), "{fitted}");
        // Near the end of the line, the line's end shows.
        assert!(lines[3].ends_with("undefined_thing;"), "{fitted}");
        assert!((75..80).contains(&lines[3].chars().count()), "{fitted}");
    }

    #[test]
    fn short_lines_and_unknown_widths_are_kept() {
        let text = "error: x\n  --> <shell>:1:5\n  |\n1 | let = 1\n  |     ^";
        assert_eq!(fit(text, Some(80)), text);
        assert_eq!(fit(text, None), text);
    }
}
