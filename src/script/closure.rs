//! Rhai closures as engine functions: compiled once, called per record with a call state
//! (Rhai's global runtime state) built once per task instead of once per call.

use super::fixits::KnownFunctions;
use crate::engine::func::{FnCall, FnError, IntOp, Record, RecordFn};
use rhai::{Engine, EvalAltResult, FnPtr, GlobalRuntimeState, NativeCallContext, Position};
use std::sync::{Arc, Weak};
type SharedModule = rhai::Shared<rhai::Module>;

/// A Rhai function pointer plus everything needed to call it from any thread.
pub struct RhaiFn {
    /// Weak: the session's ScriptHost owns the engine, and the engine's registered functions
    /// reach the contexts that hold this closure; a strong link would be a cycle that keeps
    /// every engine of a `:reset` session alive.
    engine: Weak<Engine>,
    /// The session's functions, to say a "Function not found" in the user's terms.
    known: Arc<KnownFunctions>,
    fn_ptr: FnPtr,
    lib: Vec<SharedModule>,
    source: Option<String>,
    arity: Option<usize>,
    /// A natively executed equivalent of the closure, when its shape is a common one.
    fast: Option<super::fast_path::FastShape>,
    /// How to name this function in errors, e.g. `map at words.rhai:4:12`.
    pub site: String,
}

impl RhaiFn {
    pub fn new(
        engine: Weak<Engine>,
        known: Arc<KnownFunctions>,
        ctx: &NativeCallContext,
        fn_ptr: FnPtr,
        site: String,
    ) -> RhaiFn {
        let lib: Vec<SharedModule> = ctx.namespaces().to_vec();
        let arity = script_arity(&lib, &fn_ptr);
        let fast = super::fast_path::recognise(&lib, &fn_ptr);
        RhaiFn {
            fast,
            engine,
            known,
            fn_ptr,
            lib,
            source: ctx.call_source().map(str::to_string),
            arity,
            site,
        }
    }

    fn new_global(&self, engine: &Engine) -> GlobalRuntimeState {
        let mut global = engine.new_global_runtime_state();
        global.lib.extend(self.lib.iter().cloned());
        global.source = self.source.as_deref().map(Into::into);
        global
    }

    /// One call, for functions called once per batch (transform, foreachRDD).
    pub fn call_once(&self, args: Vec<Record>) -> Result<Record, FnError> {
        let mut c = self.caller();
        let mut args = args;
        c.call(&mut args)
    }
}

/// Parameters of a script closure, not counting captured variables (curried first).
fn script_arity(lib: &[SharedModule], fn_ptr: &FnPtr) -> Option<usize> {
    let name = fn_ptr.fn_name();
    for m in lib {
        for n in 0..=16 {
            if let Some(def) = m.get_script_fn(name, n) {
                return def.params.len().checked_sub(fn_ptr.curry().len());
            }
        }
    }
    None
}

struct RhaiCall<'a> {
    f: &'a RhaiFn,
    /// None once the session that made the closure was reset: calls then fail.
    state: Option<(Arc<Engine>, GlobalRuntimeState)>,
    /// What the fast path keeps between the task's records.
    scratch: super::fast_path::Scratch,
}

/// Why a closure of a session that `:reset` dropped cannot run.
const SESSION_GONE: &str = "this function belongs to a script session that was reset";

impl RecordFn for RhaiFn {
    fn caller(&self) -> Box<dyn FnCall + '_> {
        let state = self.engine.upgrade().map(|e| {
            let global = self.new_global(&e);
            (e, global)
        });
        Box::new(RhaiCall {
            f: self,
            state,
            scratch: Default::default(),
        })
    }

    fn arity(&self) -> Option<usize> {
        self.arity
    }
}

impl FnCall for RhaiCall<'_> {
    fn call(&mut self, args: &mut [Record]) -> Result<Record, FnError> {
        let f = self.f;
        if let Some(out) = f.fast.as_ref().and_then(|s| s.run(args, &mut self.scratch)) {
            return Ok(out);
        }
        let Some((engine, global)) = &self.state else {
            return Err(FnError(SESSION_GONE.to_string()));
        };
        let ctx = NativeCallContext::new_with_all_fields(
            engine,
            f.fn_ptr.fn_name(),
            f.source.as_deref(),
            global,
            Position::NONE,
        );
        let n = args.len();
        f.fn_ptr.call_raw(&ctx, None, args).map_err(|e| {
            FnError(
                f.arity_error(&e, n)
                    .unwrap_or_else(|| describe_error(&e, f.source.as_deref(), &f.known)),
            )
        })
    }

    // The fast path's answers without building what the engine would take apart; None
    // (the engine then calls) wherever `call` would not take the fast path either.

    fn call_pair(&mut self, a: &mut Record) -> Option<Result<(Record, Record), FnError>> {
        let shape = self.f.fast.as_ref()?;
        shape.run_pair(a, &mut self.scratch).map(Ok)
    }

    fn const_pair(&self) -> Option<&Record> {
        self.f.fast.as_ref()?.const_pair()
    }

    fn call_str_parts(
        &mut self,
        a: &Record,
        each: &mut dyn FnMut(&str) -> Result<(), FnError>,
    ) -> Option<Result<(), FnError>> {
        self.f.fast.as_ref()?.str_parts(a, each)
    }

    fn int_op(&self) -> Option<IntOp> {
        self.f.fast.as_ref()?.int_op()
    }
}

impl RhaiFn {
    /// `map expects a function of 1 argument, got |a, b|` when the call failed because the
    /// closure takes another number of parameters than the operation passes.
    fn arity_error(&self, e: &EvalAltResult, passed: usize) -> Option<String> {
        let EvalAltResult::ErrorFunctionNotFound(sig, _) = e else {
            return None;
        };
        let name = self.fn_ptr.fn_name();
        if !sig.starts_with(&format!("{name} (")) {
            return None;
        }
        let curried = self.fn_ptr.curry().len();
        let params: Vec<String> = self
            .lib
            .iter()
            .find_map(|m| (0..=16).find_map(|n| m.get_script_fn(name, n)))
            .map(|def| {
                def.params
                    .iter()
                    .skip(curried)
                    .map(|p| p.to_string())
                    .collect()
            })?;
        if params.len() == passed {
            return None;
        }
        let op = self.site.split(" at ").next().unwrap_or(&self.site);
        let shown = if name.starts_with("anon$") {
            format!("|{}|", params.join(", "))
        } else {
            format!("{name}({})", params.join(", "))
        };
        let s = if passed == 1 { "" } else { "s" };
        Some(format!(
            "{op} expects a function of {passed} argument{s}, got {shown}"
        ))
    }
}

/// Whether the error happened in a closure that an array's `reduce` called.
fn in_reduce(err: &EvalAltResult) -> bool {
    let mut e = err;
    while let EvalAltResult::ErrorInFunctionCall(name, _, inner, _) = e {
        if name == "reduce" {
            return true;
        }
        e = inner;
    }
    false
}

/// A Rhai runtime error as one readable line: the innermost error, with `file:line:col`.
pub fn describe_error(err: &EvalAltResult, source: Option<&str>, known: &KnownFunctions) -> String {
    let mut e = err;
    while let EvalAltResult::ErrorInFunctionCall(_, _, inner, _) = e {
        e = inner;
    }
    let pos = e.position();
    let mut text = super::in_batch::explain(e).unwrap_or_else(|| match e {
        EvalAltResult::ErrorFunctionNotFound(sig, _) => {
            super::fixits::function_not_found(sig, in_reduce(err), known)
                .unwrap_or_else(|| e.to_string())
        }
        _ => e.to_string(),
    });
    if let Some(rest) = text.strip_prefix("Runtime error: ") {
        text = rest.to_string();
    }
    if let Some(cut) = text.rfind(" (line ") {
        text.truncate(cut);
    }
    if pos.is_none() {
        return text;
    }
    let file = source.unwrap_or("<input>");
    match (pos.line(), pos.position()) {
        (Some(l), Some(c)) => format!("{text} ({file}:{l}:{c})"),
        (Some(l), None) => format!("{text} ({file}:{l})"),
        _ => text,
    }
}
