//! The scripting layer: the only place that knows Rhai. It builds the Rhai engine with the
//! DStream API registered, holds the session's scope (`sc`, `ssc`, user variables), and
//! turns Rhai errors into readable messages with the source line and a caret.

pub mod api_context;
pub mod api_dstream;
pub mod api_fault;
pub mod api_kafka;
pub mod api_listener;
pub mod api_python;
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

use crate::engine::clock::{CancelToken, ClockKind, RunConfig};
use crate::engine::context::StreamingContext;
use crate::engine::sc::SparkContext;
use crate::engine::time::Duration;
use api_listener::ContextHooks;
use diagnostics::ScriptError;
use rhai::{AST, Dynamic, Engine, Scope};
use session::SessionMode;
use std::sync::{Arc, Mutex, OnceLock};
use values::Api;

/// Prefix of a batch error re-raised by awaitTermination (already shown when it happened).
pub const BATCH_ERROR_MARK: &str = "batch failed: ";

pub struct ScriptHost {
    /// The only strong reference: closures hold weak ones, so `:reset` frees the engine.
    engine: Arc<Engine>,
    /// The functions the engine registered (for errors in the user's terms).
    known: Arc<fixits::KnownFunctions>,
    scope: Scope<'static>,
    api: Api,
    /// Functions defined so far (kept across REPL entries).
    functions: AST,
    mode: Arc<SessionMode>,
    /// Which in-place string method calls are statements.
    in_place_sites: in_place::Sites,
}

impl ScriptHost {
    /// A session with no hooks on its contexts (tests, tools).
    pub fn new(config: RunConfig, parallelism: usize) -> Result<ScriptHost, String> {
        ScriptHost::with_hooks(config, parallelism, ContextHooks::default())
    }

    /// A session whose every new StreamingContext goes through `hooks` (the CLI's delay
    /// warning and web UI).
    pub fn with_hooks(
        config: RunConfig,
        master: impl Into<crate::engine::sc::Master>,
        hooks: ContextHooks,
    ) -> Result<ScriptHost, String> {
        let sc = SparkContext::for_master(master.into())?;
        // Lost tasks and executors are reported where the session's output goes.
        sc.set_sink(config.sink.clone());
        let api = Api {
            engine: Arc::new(OnceLock::new()),
            config,
            hooks,
            sc: sc.clone(),
            contexts: Arc::new(Mutex::new(Vec::new())),
        };
        let mut engine = Engine::new();
        engine.set_max_call_levels(256);
        engine.set_max_expr_depths(256, 256);
        let sink = api.config.sink.clone();
        if api.config.clock == ClockKind::Real {
            // Live: a closure's print shows as soon as it runs, as Spark's local executors do.
            engine.on_print(move |s| sink.print(s));
        } else {
            // Simulated clocks promise the same output in the same order on every run: a
            // task's prints wait for the end of its stage and come in partition order.
            engine.on_print(move |s| crate::engine::task_output::print(&sink, s));
        }
        let sink = api.config.sink.clone();
        engine.on_debug(move |s, src, pos| {
            let src = src.map(|s| format!("{s}:")).unwrap_or_default();
            sink.debug(&format!("{src}{pos:?} | {s}"));
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
        api_fault::register(&mut engine);
        pynames::register(&mut engine);
        let in_place_sites = in_place::Sites::default();
        in_place::register(&mut engine, &in_place_sites);
        api_python::register(&mut engine);
        let known = Arc::new(fixits::KnownFunctions::of(&engine));
        // One engine per session, freed with it: closures on the worker threads hold it
        // weakly, and the session stops its contexts before it goes.
        let engine = Arc::new(engine);
        let _ = api.engine.set(values::EngineRef {
            engine: Arc::downgrade(&engine),
            known: known.clone(),
        });
        let ssc = api_context::new_context(&api, &sc, Duration(1000));
        let mut scope = Scope::new();
        scope.push("sc", sc);
        scope.push("ssc", ssc);
        // PySpark's `StorageLevel.MEMORY_ONLY` etc.: the names, which the API reads.
        let levels: rhai::Map = [
            "MEMORY_ONLY",
            "MEMORY_ONLY_2",
            "MEMORY_ONLY_SER",
            "MEMORY_ONLY_SER_2",
            "MEMORY_AND_DISK",
            "MEMORY_AND_DISK_2",
            "MEMORY_AND_DISK_SER",
            "MEMORY_AND_DISK_SER_2",
            "DISK_ONLY",
            "DISK_ONLY_2",
        ]
        .into_iter()
        .map(|l| (l.into(), Dynamic::from(l.to_string())))
        .collect();
        scope.push_constant("StorageLevel", levels);
        Ok(ScriptHost {
            engine,
            known,
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

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
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
        result.map_err(|e| ScriptError::runtime(&e, source, code, &self.known))
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

    /// The session's SparkContext (`sc`), if the script has not rebound the name.
    pub fn spark_context(&self) -> Option<SparkContext> {
        self.scope.get_value::<SparkContext>("sc")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dstream::output::Notation;
    use crate::engine::sink::MemorySink;
    use crate::engine::time::Time;

    /// A manual-clock session's settings, output kept in memory.
    fn manual_config() -> RunConfig {
        RunConfig {
            clock: ClockKind::Manual,
            start_time: Time(0),
            max_batches: None,
            notation: Notation::Python,
            sink: Arc::new(MemorySink::default()),
            session: Default::default(),
        }
    }

    fn host() -> ScriptHost {
        ScriptHost::new(manual_config(), 1).expect("host")
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

    /// `:reset` makes a new host; the old one's engine must go with it, even when its
    /// closures sit in a context's graph and a script listener (no cycle through the engine).
    #[test]
    fn a_dropped_host_frees_its_engine() {
        let code = "let ds = ssc.queueStream([[1, 2], [3]]).map(|x| x * 2);\n\
                    ds.pprint();\n\
                    ssc.addStreamingListener(#{ onBatchCompleted: |info| () });\n\
                    ssc.start();\n\
                    sc.parallelize([1, 2, 3]).map(|x| x + 1).collect();\n\
                    ssc.stop();";
        let mut engines = Vec::new();
        for _ in 0..20 {
            let mut h = host();
            let _ = h.eval("reset", code).expect("runs");
            engines.push(Arc::downgrade(h.engine()));
            // The host goes here, as the shell's `:reset` replaces it.
        }
        let alive = engines.iter().filter(|w| w.strong_count() > 0).count();
        assert_eq!(alive, 0, "{alive} of 20 engines outlived their session");
    }

    /// `debug()` goes through the session's sink (the shell draws it above the prompt).
    #[test]
    fn debug_goes_to_the_sink() {
        let sink = Arc::new(MemorySink::default());
        let config = RunConfig {
            clock: ClockKind::Manual,
            start_time: Time(0),
            max_batches: None,
            notation: Notation::Python,
            sink: sink.clone(),
            session: Default::default(),
        };
        let mut h = ScriptHost::new(config, 1).expect("host");
        let _ = h.eval("dbg.rhai", "debug(\"here\");").expect("runs");
        let err = sink.stderr();
        assert!(err.starts_with("dbg.rhai:1:1 |"), "{err}");
        assert!(err.contains("here"), "{err}");
        assert_eq!(sink.stdout(), "");
    }

    /// The CLI's hooks run on every context the session creates, `ssc` and the script's own.
    #[test]
    fn hooks_see_every_new_context() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let seen = Arc::new(AtomicUsize::new(0));
        let mut hooks = ContextHooks::default();
        let s = seen.clone();
        hooks.on_every_context(Arc::new(move |_: &StreamingContext, _: &_| {
            s.fetch_add(1, Ordering::SeqCst);
        }));
        let config = manual_config();
        let mut h = ScriptHost::with_hooks(config.clone(), 1, hooks.clone()).expect("host");
        assert_eq!(seen.load(Ordering::SeqCst), 1, "ssc");
        let _ = h
            .eval("h", "let s2 = StreamingContext(sc, 2);")
            .expect("runs");
        assert_eq!(seen.load(Ordering::SeqCst), 2, "the script's context");
        let _other = ScriptHost::new(config, 1).expect("host without hooks");
        assert_eq!(
            seen.load(Ordering::SeqCst),
            2,
            "hooks belong to one session"
        );
    }
}
