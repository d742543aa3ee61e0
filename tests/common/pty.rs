//! The shell in a pseudo-terminal: starting it, reading what it wrote while answering
//! rustyline's cursor queries, and its exit status.

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use std::io::{ErrorKind, Write};
use std::path::Path;
use std::process::Command;

/// `centella ARGS` for a pty: an xterm, history and home in `state`, colours unless `no_color`.
pub fn command(args: &[&str], state: &Path, no_color: bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_centella"));
    cmd.args(args)
        .env("TERM", "xterm")
        .env("XDG_STATE_HOME", state)
        .env("HOME", state)
        .env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    cmd
}

pub fn spawn(cmd: Command) -> OsSession {
    OsSession::spawn(cmd).expect("cannot spawn centella in a pty")
}

/// Reads all that is available, handing each chunk to `take`, which returns the cursor
/// position (1-based row, column) once the chunk is shown. rustyline asks where the cursor is
/// (`ESC [ 6 n`) before each prompt and waits 100 ms for the answer: unanswered, a key sent in
/// that window would be read as a garbled answer and lost.
pub fn pump(session: &mut OsSession, mut take: impl FnMut(&[u8]) -> (u16, u16)) {
    let mut buf = [0u8; 4096];
    loop {
        match session.try_read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let (row, col) = take(&buf[..n]);
                let queries = buf[..n].windows(4).filter(|w| *w == b"\x1b[6n").count();
                for _ in 0..queries {
                    let _ = session.write_all(format!("\x1b[{row};{col}R").as_bytes());
                    let _ = session.flush();
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(_) => break,
        }
    }
}

/// The exit code once the shell has exited, None while it runs; a signal fails the test.
pub fn exit_code(session: &OsSession) -> Option<i32> {
    match session.get_process().status() {
        Ok(WaitStatus::Exited(_, code)) => Some(code),
        Ok(WaitStatus::StillAlive) | Err(_) => None,
        Ok(other) => panic!("centella ended with {other:?}"),
    }
}
