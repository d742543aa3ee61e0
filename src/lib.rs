//! centella: Spark Streaming's DStream API, in-process, scripted with Rhai.
//!
//! Layers: `engine` (streams, windows, state, scheduling; no Rhai evaluation, no terminal),
//! `export` (Rhai to PySpark, and the API table), `script` (the
//! host that evaluates Rhai), `cli` (the only place that writes to the terminal).

pub mod cli;
pub use centella_engine as engine;
pub use centella_export as export;
pub mod feed;
pub mod python;
pub mod repl;
pub mod script;
pub mod ui;
