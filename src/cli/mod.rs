//! The command line: argument parsing, the terminal sink, and running a script file.
//! The only layer that writes to the terminal.

pub mod args;
pub mod run_script;
pub mod stdout_sink;
