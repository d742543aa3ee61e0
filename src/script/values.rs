//! Conversions between script values and engine values, and the shared registration state.

use super::closure::RhaiFn;
use super::fixits::KnownFunctions;
use crate::engine::api::DStream;
use crate::engine::clock::RunConfig;
use crate::engine::context::StreamingContext;
use crate::engine::func::{OpSite, Record, RecordFn};
use crate::engine::rdd::Rdd;
use crate::engine::sc::SparkContext;
use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, NativeCallContext};
use std::sync::{Arc, Mutex, OnceLock, Weak};

pub type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// The session's engine as its closures hold it: weakly (the engine's own functions hold
/// closures), with the functions it registered (to explain an error on a worker thread).
pub struct EngineRef {
    pub engine: Weak<Engine>,
    pub known: Arc<KnownFunctions>,
}

/// What every registered function may need: the engine (set once it is built), the
/// session's settings, the CLI's hooks for new contexts, and the contexts created so far.
#[derive(Clone)]
pub struct Api {
    pub engine: Arc<OnceLock<EngineRef>>,
    pub config: RunConfig,
    pub hooks: super::api_listener::ContextHooks,
    pub sc: SparkContext,
    pub contexts: Arc<Mutex<Vec<StreamingContext>>>,
}

impl Api {
    /// Wraps a script function so the engine can call it per record.
    pub fn func(&self, ctx: &NativeCallContext, f: FnPtr, op: &str) -> RhaiResult<Arc<RhaiFn>> {
        let engine = self
            .engine
            .get()
            .ok_or_else(|| runtime(ctx, "the script engine is not ready"))?;
        Ok(Arc::new(RhaiFn::new(
            engine.engine.clone(),
            engine.known.clone(),
            ctx,
            f,
            site(ctx, op).to_string(),
        )))
    }

    pub fn record_fn(
        &self,
        ctx: &NativeCallContext,
        f: FnPtr,
        op: &str,
    ) -> RhaiResult<Arc<dyn RecordFn>> {
        Ok(self.func(ctx, f, op)?)
    }

    /// An optional function argument: a closure, or `()` for none.
    pub fn opt_fn(
        &self,
        ctx: &NativeCallContext,
        f: Dynamic,
        op: &str,
    ) -> RhaiResult<Option<Arc<dyn RecordFn>>> {
        if f.is_unit() {
            return Ok(None);
        }
        match f.try_cast::<FnPtr>() {
            Some(p) => Ok(Some(self.record_fn(ctx, p, op)?)),
            None => Err(runtime(ctx, &format!("{op}: expected a function or ()"))),
        }
    }
}

/// Where the current call is in the script, as `op at file:line:col`.
pub fn site(ctx: &NativeCallContext, op: &str) -> OpSite {
    let pos = ctx.call_position();
    let file = ctx.call_source().unwrap_or("<input>");
    let location = match (pos.line(), pos.position()) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        _ => file.to_string(),
    };
    OpSite::new(op, location)
}

pub fn runtime(ctx: &NativeCallContext, msg: &str) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(msg.into(), ctx.call_position()).into()
}

pub fn engine_err(ctx: &NativeCallContext, e: impl std::fmt::Display) -> Box<EvalAltResult> {
    runtime(ctx, &e.to_string())
}

/// Seconds given as int or float.
pub fn seconds(ctx: &NativeCallContext, d: &Dynamic, what: &str) -> RhaiResult<f64> {
    if let Ok(i) = d.as_int() {
        return Ok(i as f64);
    }
    d.as_float().map_err(|_| {
        runtime(
            ctx,
            &format!("{what} must be a number of seconds, got {}", d.type_name()),
        )
    })
}

/// A non-negative count (numPartitions, num...).
pub fn count(ctx: &NativeCallContext, n: i64, what: &str) -> RhaiResult<usize> {
    usize::try_from(n).map_err(|_| runtime(ctx, &format!("{what} must be >= 0, got {n}")))
}

/// An optional count: `()` means the default.
pub fn opt_count(ctx: &NativeCallContext, d: &Dynamic, what: &str) -> RhaiResult<Option<usize>> {
    if d.is_unit() {
        return Ok(None);
    }
    match d.as_int() {
        Ok(n) => count(ctx, n, what).map(Some),
        Err(_) => Err(runtime(ctx, &format!("{what} must be an integer or ()"))),
    }
}

/// A batch's data given by a script: an RDD, or an array to parallelize.
pub fn to_rdd(
    ctx: &NativeCallContext,
    sc: &SparkContext,
    item: Dynamic,
    what: &str,
) -> RhaiResult<Rdd> {
    if item.is::<Rdd>() {
        return item
            .try_cast::<Rdd>()
            .ok_or_else(|| runtime(ctx, "RDD expected"));
    }
    match item.into_array() {
        Ok(a) => Ok(sc.parallelize(a, None)),
        Err(t) => Err(runtime(
            ctx,
            &format!("{what}: expected an array or an RDD, got {t}"),
        )),
    }
}

/// What collect/take/top return: a Python list, printed `[a, b]`.
pub fn records(v: Vec<Record>) -> Dynamic {
    crate::engine::record::list(v)
}

pub fn dstreams(ctx: &NativeCallContext, arr: rhai::Array) -> RhaiResult<Vec<DStream>> {
    arr.into_iter()
        .map(|d| {
            let t = d.type_name();
            d.try_cast::<DStream>()
                .ok_or_else(|| runtime(ctx, &format!("expected a list of DStreams, found {t}")))
        })
        .collect()
}

/// A value echoed at the prompt, in Python's notation: an array the user built is a list
/// (`[1, 2] + [3]` → `[1, 2, 3]`, `[["Web", 1]]` → `[['Web', 1]]`), while what an RDD
/// action returned (a list of records, tagged) keeps PySpark's notation inside, as
/// `collect()` prints in PySpark (`[('Web', 1)]`).
pub fn prompt_repr(v: &Dynamic) -> String {
    let mut out = String::new();
    write_prompt_repr(v, &mut out);
    out
}

fn write_prompt_repr(v: &Dynamic, out: &mut String) {
    use crate::engine::pyrepr::{write_python_repr, write_str_repr};
    use crate::engine::record::{RecordView, view};
    match view(v) {
        RecordView::Tuple(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_prompt_repr(item, out);
            }
            out.push(']');
        }
        RecordView::Map(m) => {
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str_repr(k, out);
                out.push_str(": ");
                write_prompt_repr(item, out);
            }
            out.push('}');
        }
        _ => write_python_repr(v, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_echo_as_lists_and_collected_records_as_pyspark() {
        let row: rhai::Array = vec!["Web".into(), Dynamic::from_int(1)];
        let nested: rhai::Array = vec![row.clone().into()];
        assert_eq!(prompt_repr(&nested.into()), "[['Web', 1]]");
        assert_eq!(prompt_repr(&records(vec![row.into()])), "[('Web', 1)]");
        let mut m = rhai::Map::new();
        m.insert("a".into(), Dynamic::from_array(vec![Dynamic::UNIT]));
        assert_eq!(prompt_repr(&m.into()), "{'a': [None]}");
        assert_eq!(prompt_repr(&"x".into()), "'x'");
    }
}
