//! The scripting layer: the only place that knows Rhai. It builds the Rhai engine with the
//! DStream API registered, holds the session's scope (`sc`, `ssc`, user variables), and
//! turns Rhai errors into readable messages with the source line and a caret.

pub mod api_context;
pub mod api_dstream;
pub mod api_kafka;
pub mod api_listener;
pub mod api_python;
pub mod api_rdd;
pub mod closure;
pub mod diagnostics;
pub mod fast_path;
pub mod values;

use crate::engine::clock::{RunConfig, abort_requested, interrupted};
use crate::engine::context::StreamingContext;
use crate::engine::sc::SparkContext;
use crate::engine::time::Duration;
use diagnostics::ScriptError;
use rhai::{AST, Dynamic, Engine, Scope};
use std::sync::{Arc, Mutex, OnceLock};
use values::Api;

/// Prefix of a batch error re-raised by awaitTermination (already shown when it happened).
pub const BATCH_ERROR_MARK: &str = "batch failed: ";

pub struct ScriptHost {
    engine: &'static Engine,
    scope: Scope<'static>,
    api: Api,
    /// Functions defined so far (kept across REPL entries).
    functions: AST,
}

impl ScriptHost {
    pub fn new(config: RunConfig, parallelism: usize) -> Result<ScriptHost, String> {
        let sc = SparkContext::new(parallelism)?;
        let api = Api {
            engine: Arc::new(OnceLock::new()),
            config,
            sc: sc.clone(),
            contexts: Arc::new(Mutex::new(Vec::new())),
        };
        let mut engine = Engine::new();
        engine.set_max_call_levels(256);
        engine.set_max_expr_depths(256, 256);
        let sink = api.config.sink.clone();
        engine.on_print(move |s| sink.print(s));
        engine.on_debug(|s, src, pos| {
            eprintln!(
                "{}{pos:?} | {s}",
                src.map(|s| format!("{s}:")).unwrap_or_default()
            )
        });
        engine.on_progress(|_| {
            (interrupted() || abort_requested()).then(|| Dynamic::from("interrupted (Ctrl-C)"))
        });
        api_context::register(&mut engine, &api);
        api_dstream::register(&mut engine, &api);
        api_rdd::register(&mut engine, &api);
        api_listener::register(&mut engine, &api);
        api_kafka::register(&mut engine);
        api_python::register(&mut engine);
        // One engine per session, alive until the process ends: closures handed to the
        // worker threads borrow it for as long as any stream may run.
        let engine: &'static Engine = Box::leak(Box::new(engine));
        let _ = api.engine.set(engine);
        let ssc = api_context::new_context(&api, &sc, Duration(1000));
        let mut scope = Scope::new();
        scope.push("sc", sc);
        scope.push("ssc", ssc);
        Ok(ScriptHost {
            engine,
            scope,
            api,
            functions: AST::empty(),
        })
    }

    pub fn engine(&self) -> &'static Engine {
        self.engine
    }

    pub fn scope(&self) -> &Scope<'static> {
        &self.scope
    }

    /// Compiles and runs `code` named `source` in the session's scope.
    pub fn eval(&mut self, source: &str, code: &str) -> Result<Dynamic, ScriptError> {
        let mut ast = self
            .engine
            .compile_with_scope(&self.scope, code)
            .map_err(|e| ScriptError::syntax(&e, source, code))?;
        ast.set_source(source);
        // Earlier functions stay callable; the new definitions win.
        let merged = self.functions.merge(&ast);
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut self.scope, &merged);
        self.functions = merged.clone_functions_only();
        result.map_err(|e| {
            let mut err = ScriptError::runtime(&e, source, code);
            if let Some(m) = diagnostics::suggest_method(self.engine, &err.message) {
                err.message.push_str(&format!(" (did you mean `{m}`?)"));
            }
            err
        })
    }

    /// Names of the functions the session's scripts defined with `fn`.
    pub fn function_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .functions
            .iter_functions()
            .filter(|f| !f.name.starts_with("anon$"))
            .map(|f| f.name.to_string())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Every StreamingContext the session made.
    pub fn contexts(&self) -> Vec<StreamingContext> {
        self.api
            .contexts
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    /// The context currently bound to `ssc`, if it is one.
    pub fn ssc(&self) -> Option<StreamingContext> {
        self.scope.get_value::<StreamingContext>("ssc")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clock::ClockKind;
    use crate::engine::dstream::output::Notation;
    use crate::engine::sink::MemorySink;
    use crate::engine::time::Time;

    fn host() -> ScriptHost {
        let config = RunConfig {
            clock: ClockKind::Manual,
            start_time: Time(0),
            max_batches: None,
            notation: Notation::Python,
            sink: Arc::new(MemorySink::default()),
        };
        ScriptHost::new(config, 1).expect("host")
    }

    #[test]
    fn functions_and_variables_survive_across_entries() {
        let mut h = host();
        let _ = h
            .eval("a", "fn double(x) { x * 2 } let base = 20;")
            .expect("define");
        let v = h.eval("b", "double(base) + 2").expect("use");
        assert_eq!(v.as_int().ok(), Some(42));
        let _ = h.eval("c", "let f = |x| x + 1;").expect("closure");
        assert_eq!(h.function_names(), vec!["double".to_string()]);
    }
}
