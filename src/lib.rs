//! centella: Spark Streaming's DStream API, in-process, scripted with Rhai.

pub mod engine;
