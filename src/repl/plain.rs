//! The shell without a terminal (pipes, CI, `TERM=dumb`): plain lines, no prompt, no colour;
//! the same entries and meta-commands. A method chain may go on on the next lines, and a
//! Python block ends at a line back at the margin.

use super::commands::Flow;
use super::printer::Printer;
use super::{EXIT_FAILED, EXIT_INTERRUPTED, Shell, ShellOptions, entry, is_complete, python_entry};
use crate::engine::sink::OutputSink;
use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

pub(super) fn run_plain(opts: &ShellOptions) -> i32 {
    let printer = Arc::new(Printer::plain());
    let mut shell = match Shell::new(opts, printer.clone(), "<stdin>") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    if let Some(path) = &opts.init_script {
        shell.load(path);
    }
    let stdin = std::io::stdin();
    // Looking ahead for `.method()` lines would wait for a line typed at a terminal.
    let lookahead = !stdin.is_terminal();
    let mut lines = InputLines::new(stdin.lock(), printer.clone()).peekable();
    let mut buffer = String::new();
    let cancel = opts.session.cancel.clone();
    while !cancel.interrupted() {
        let Some(line) = lines
            .next()
            .map(|l| python_entry::without_prompt(&l).to_string())
        else {
            if !buffer.trim().is_empty() {
                shell.submit(&buffer);
            }
            break;
        };
        // Piped Python: a line back at the margin ends the `def`/`for` block before it.
        if python_entry::block_ends(&buffer, &line) {
            let entry = std::mem::take(&mut buffer);
            if shell.submit(&entry) == Flow::Quit {
                break;
            }
        }
        if buffer.is_empty() {
            if line.trim_start().starts_with(':') {
                if shell.submit(&line) == Flow::Quit {
                    break;
                }
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
        } else if line.trim().is_empty() {
            // A blank line inside a Python block whose body goes on (the next line is
            // indented) belongs to the block, as in a file; piped input can look ahead.
            if lookahead
                && python_entry::block_open(&buffer)
                && lines
                    .peek()
                    .is_some_and(|next| next.starts_with(' ') || next.starts_with('\t'))
            {
                buffer.push('\n');
                continue;
            }
            // A blank line forces submission.
            let entry = std::mem::take(&mut buffer);
            if shell.submit(&entry) == Flow::Quit {
                break;
            }
            continue;
        }
        if !buffer.is_empty() {
            buffer.push('\n');
        }
        buffer.push_str(&line);
        if !is_complete(shell.host.engine(), &buffer) {
            continue;
        }
        // A method chain may go on on the next lines: `.map(...)`.
        while let Some(next) = lookahead
            .then(|| lines.next_if(|l| entry::continues_chain(l)))
            .flatten()
        {
            buffer.push('\n');
            buffer.push_str(&next);
        }
        if is_complete(shell.host.engine(), &buffer) {
            let entry = std::mem::take(&mut buffer);
            if shell.submit(&entry) == Flow::Quit {
                break;
            }
        }
    }
    if cancel.interrupted() {
        shell.stop_all(false);
        printer.flush_pending();
        printer.note("interrupted (Ctrl-C)");
        return EXIT_INTERRUPTED;
    }
    shell.stop_all(true);
    printer.flush_pending();
    shell.status()
}

/// Lines of piped input. Bytes that are not UTF-8 never end the session: they read as
/// U+FFFD, with a warning naming the line, as the socket source does.
struct InputLines<R: BufRead> {
    input: R,
    printer: Arc<Printer>,
    number: usize,
}

impl<R: BufRead> InputLines<R> {
    fn new(input: R, printer: Arc<Printer>) -> Self {
        InputLines {
            input,
            printer,
            number: 0,
        }
    }
}

impl<R: BufRead> Iterator for InputLines<R> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        let mut bytes = Vec::new();
        match self.input.read_until(b'\n', &mut bytes) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => {
                self.printer
                    .error(&format!("error: cannot read the input: {e}"));
                return None;
            }
        }
        self.number += 1;
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        Some(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                self.printer.warn(&format!(
                    "line {} of the input is not valid UTF-8: read with U+FFFD (\u{FFFD}) \
                     in place of the bad bytes",
                    self.number
                ));
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        })
    }
}
