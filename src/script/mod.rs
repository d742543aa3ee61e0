//! The scripting layer: the only place that knows Rhai. It builds the Rhai engine with the
//! DStream API registered, holds the session's scope (`sc`, `ssc`, user variables), and
//! turns Rhai errors into readable messages with the source line and a caret.

pub mod api_context;
pub mod api_dstream;
pub mod api_kafka;
pub mod api_listener;
pub mod api_rdd;
pub mod checked;
pub mod closure;
pub mod diagnostics;
pub mod fast_path;
pub mod fixits;
pub mod in_batch;
pub mod in_place;
pub mod pynames;
pub mod session;
pub mod values;

use crate::engine::clock::{CancelToken, RunConfig};
use crate::engine::context::StreamingContext;
use crate::engine::sc::SparkContext;
use crate::engine::time::Duration;
use diagnostics::ScriptError;
use rhai::{AST, Dynamic, Engine, Scope};
use session::SessionMode;
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
    mode: Arc<SessionMode>,
    /// Which in-place string method calls are statements.
    in_place_sites: in_place::Sites,
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
        let cancel = api.config.session.cancel.clone();
        engine.on_progress(move |_| {
            if cancel.interrupted() || cancel.abort_requested() {
                return Some(Dynamic::from("interrupted (Ctrl-C)"));
            }
            cancel.batch_cancelled().map(Dynamic::from)
        });
        let mode = Arc::new(SessionMode::default());
        api_context::register(&mut engine, &api, &mode);
        api_dstream::register(&mut engine, &api);
        api_rdd::register(&mut engine, &api);
        api_listener::register(&mut engine, &api);
        api_kafka::register(&mut engine);
        pynames::register(&mut engine);
        let in_place_sites = in_place::Sites::default();
        in_place::register(&mut engine, &in_place_sites);
        // One engine per session, alive until the process ends: closures handed to the
        // worker threads borrow it for as long as any stream may run.
        fixits::learn_functions(&engine);
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
            mode,
            in_place_sites,
        })
    }

    /// Shell or script, and whether `:restart` is replaying entries.
    pub fn mode(&self) -> &SessionMode {
        &self.mode
    }

    /// `:restart`: stops every context and binds `ssc` to a fresh one with the same batch
    /// interval, keeping every variable and function.
    pub fn fresh_context(&mut self) -> StreamingContext {
        let batch = self
            .ssc()
            .map(|s| s.batch_duration())
            .unwrap_or(Duration(1000));
        for ctx in self.contexts() {
            if ctx.state() != crate::engine::context::ContextState::Stopped {
                ctx.stop(false);
            }
        }
        let ssc = api_context::new_context(&self.api, &self.api.sc, batch);
        self.scope.set_or_push("ssc", ssc.clone());
        ssc
    }

    pub fn engine(&self) -> &'static Engine {
        self.engine
    }

    pub fn scope(&self) -> &Scope<'static> {
        &self.scope
    }

    /// Compiles and runs `code` named `source` in the session's scope.
    pub fn eval(&mut self, source: &str, code: &str) -> Result<Dynamic, ScriptError> {
        let ast = self
            .engine
            .compile_with_scope(&self.scope, code)
            .map_err(|e| ScriptError::syntax(&e, source, code))?;
        let mut ast = ast;
        // An entry's last value is echoed unless a `;` ends it.
        self.in_place_sites
            .record(&ast, source, !code.trim_end().ends_with(';'));
        ast.set_source(source);
        // Earlier functions stay callable; the new definitions win.
        let merged = self.functions.merge(&ast);
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut self.scope, &merged);
        self.functions = merged.clone_functions_only();
        result.map_err(|e| ScriptError::runtime(&e, source, code))
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

    /// The session's cancel token (Ctrl-C), as the script's closures check it.
    pub fn cancel_token(&self) -> Arc<CancelToken> {
        self.api.config.session.cancel.clone()
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
            session: Default::default(),
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
