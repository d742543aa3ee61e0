//! What the Rhai engine has registered, per receiver type: the source of truth for completion,
//! signature hints and the `:help` lists (so they cannot drift from the API).

use rhai::Engine;
use std::collections::BTreeMap;

/// The receiver types the shell knows about, in the order `:help` lists them.
pub const TYPES: &[&str] = &["DStream", "RDD", "StreamingContext", "SparkContext", "Time"];

/// Rhai's own value types whose methods Tab lists after `s.` or `xs.` (Rhai's type names,
/// as the scope reports them).
pub const BUILTIN_TYPES: &[&str] = &["string", "array", "map"];

/// One registered method (all its overloads) of one receiver type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub name: String,
    /// Whether it is a property (`ssc.sparkContext`) rather than a method call.
    pub property: bool,
    /// The receiver type it returns, when that is one of [`TYPES`].
    pub returns: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Receiver type → method name → method.
    methods: BTreeMap<String, BTreeMap<String, Method>>,
    /// Functions called without a receiver (`StreamingContext`, `sleep_ms`).
    globals: Vec<String>,
    /// Global function name → the receiver type it returns.
    global_returns: BTreeMap<String, String>,
}

/// `&mut DStream` / `DStream` / `centella::engine::api::DStream` → a name in [`TYPES`].
fn known_type(text: &str) -> Option<&'static str> {
    let t = text.trim().trim_start_matches("&mut ").trim();
    let last = t.rsplit("::").next().unwrap_or(t);
    match last {
        "DStream" => Some("DStream"),
        "RDD" | "Rdd" => Some("RDD"),
        "StreamingContext" => Some("StreamingContext"),
        "SparkContext" => Some("SparkContext"),
        "Time" => Some("Time"),
        _ => None,
    }
}

/// The receiver type a signature's return part names (`-> Result<...DStream, ...>`).
fn return_type(ret: &str) -> Option<&'static str> {
    let inner = ret
        .trim()
        .strip_prefix("core::result::Result<")
        .map(|r| r.split(',').next().unwrap_or(r))
        .unwrap_or(ret);
    known_type(inner)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Registry {
    pub fn from_engine(engine: &Engine) -> Registry {
        let mut reg = Registry::default();
        for sig in engine.gen_fn_signatures(false) {
            reg.add_signature(&sig);
        }
        // Rhai's packages: only the methods of strings, arrays and maps.
        for sig in engine.gen_fn_signatures(true) {
            reg.add_builtin_method(&sig);
        }
        reg.globals.sort();
        reg.globals.dedup();
        reg
    }

    /// Parses one `name(_: &mut DStream, _: Fn) -> Result<DStream, ...>` signature.
    fn add_signature(&mut self, sig: &str) {
        let Some((name, rest)) = sig.split_once('(') else {
            return;
        };
        let (params, ret) = match rest.split_once(") -> ") {
            Some((p, r)) => (p, Some(r)),
            None => (rest.strip_suffix(')').unwrap_or(rest), None),
        };
        let returns = ret.and_then(return_type).map(str::to_string);
        let (property, name) = match name.strip_prefix("get$") {
            Some(n) => (true, n),
            None => (false, name),
        };
        // `py_*` are the helpers translated PySpark code calls: not for typing.
        if !is_identifier(name)
            || matches!(name, "to_string" | "to_debug")
            || name.starts_with("py_")
        {
            return;
        }

        let first = params
            .split(',')
            .next()
            .and_then(|p| p.split_once(':'))
            .map(|(_, ty)| ty);
        match first.and_then(known_type) {
            // A method: its first parameter is the receiver.
            Some(ty) if params.trim_start().starts_with("_: &mut") || property => {
                self.methods.entry(ty.to_string()).or_default().insert(
                    name.to_string(),
                    Method {
                        name: name.to_string(),
                        property,
                        returns,
                    },
                );
            }
            // A property or in-place method of another type (a Kafka record's `topic`, a
            // string's `replace`) is no global function.
            _ if property || params.trim_start().starts_with("_: &mut") => {}
            // `join(separator, items)` is registered for translated code; typed, it reads as
            // Python's `", ".join(items)`: a string method.
            _ if name == "join" => {
                self.methods.entry("string".into()).or_default().insert(
                    name.to_string(),
                    Method {
                        name: name.to_string(),
                        property: false,
                        returns: None,
                    },
                );
            }
            _ => {
                if let Some(r) = &returns {
                    self.global_returns.insert(name.to_string(), r.clone());
                }
                self.globals.push(name.to_string());
            }
        }
    }

    /// `starts_with(string: string, match_string: string) -> bool`: a method of `string`.
    fn add_builtin_method(&mut self, sig: &str) {
        let Some((name, params)) = sig.split_once('(') else {
            return;
        };
        let (property, name) = match name.strip_prefix("get$") {
            Some(n) => (true, n),
            None => (false, name),
        };
        if !is_identifier(name) || matches!(name, "to_debug" | "type_of" | "is_shared") {
            return;
        }
        let first = params
            .split([',', ')'])
            .next()
            .and_then(|p| p.split_once(':'))
            .map(|(_, ty)| ty.trim().trim_start_matches("&mut ").trim());
        let ty = match first {
            Some("string" | "&str" | "ImmutableString") => "string",
            Some("array") => "array",
            Some("map") => "map",
            _ => return,
        };
        self.methods
            .entry(ty.to_string())
            .or_default()
            .entry(name.to_string())
            .or_insert(Method {
                name: name.to_string(),
                property,
                returns: None,
            });
    }

    /// The methods of a receiver type, sorted by name.
    pub fn methods(&self, ty: &str) -> Vec<Method> {
        self.methods
            .get(ty)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    pub fn method(&self, ty: &str, name: &str) -> Option<&Method> {
        self.methods.get(ty).and_then(|m| m.get(name))
    }

    /// Every method name of every type (when the receiver's type is unknown).
    pub fn all_method_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .methods
            .values()
            .flat_map(|m| m.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    pub fn globals(&self) -> &[String] {
        &self.globals
    }

    pub fn global_returns(&self, name: &str) -> Option<&str> {
        self.global_returns.get(name).map(String::as_str)
    }

    /// The receiver types that have a method `name`.
    pub fn types_with(&self, name: &str) -> Vec<&'static str> {
        TYPES
            .iter()
            .copied()
            .filter(|t| self.method(t, name).is_some())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_signatures() {
        let mut reg = Registry::default();
        reg.add_signature("map(_: &mut DStream, _: Fn) -> core::result::Result<centella::engine::api::DStream,alloc::boxed::Box<rhai::types::error::EvalAltResult>>");
        reg.add_signature("get$sparkContext(_: &mut StreamingContext) -> SparkContext");
        reg.add_signature("+(_: Time, _: i64) -> Time");
        reg.add_signature("sleep_ms(_: i64)");
        reg.add_signature("collect(_: &mut RDD) -> array");
        let map = reg.method("DStream", "map").cloned();
        assert_eq!(map.and_then(|m| m.returns), Some("DStream".to_string()));
        assert!(
            reg.method("StreamingContext", "sparkContext")
                .is_some_and(|m| m.property)
        );
        assert!(
            reg.method("RDD", "collect")
                .is_some_and(|m| m.returns.is_none())
        );
        assert_eq!(reg.globals(), ["sleep_ms".to_string()]);
    }

    #[test]
    fn the_real_engine_registers_the_api() {
        let host = crate::repl::test_host();
        let reg = Registry::from_engine(host.engine());
        assert!(reg.method("DStream", "reduceByKeyAndWindow").is_some());
        assert!(reg.method("RDD", "collect").is_some());
        assert!(
            reg.method("StreamingContext", "queueStream")
                .is_some_and(|m| m.returns.as_deref() == Some("DStream"))
        );
        assert_eq!(
            reg.global_returns("StreamingContext"),
            Some("StreamingContext")
        );
        assert!(reg.globals().iter().any(|g| g == "sleep_ms"));
        for (ty, m) in [
            ("string", "starts_with"),
            ("string", "replace"),
            ("string", "to_upper"),
            ("array", "push"),
            ("array", "reduce"),
            ("map", "keys"),
        ] {
            assert!(reg.method(ty, m).is_some(), "{ty}.{m}");
        }
        assert!(reg.method("array", "starts_with").is_none());
    }

    /// The API table (`export::api_table`) and the engine's registrations agree both ways.
    mod api_table_agrees {
        use super::Registry;
        use crate::export::api_table::{
            DSTREAM, RDD, SPARK_CONTEXT, STREAMING_CONTEXT, TIME, find, methods,
        };

        const RECEIVERS: [&str; 5] = [DSTREAM, RDD, STREAMING_CONTEXT, SPARK_CONTEXT, TIME];

        fn registry() -> Registry {
            let host = crate::repl::test_host();
            Registry::from_engine(host.engine())
        }

        #[test]
        fn every_registered_method_is_in_the_table() {
            let reg = registry();
            let mut missing = Vec::new();
            for ty in RECEIVERS {
                for m in reg.methods(ty) {
                    if find(ty, &m.name).is_none() {
                        missing.push(format!("{ty}.{}", m.name));
                    }
                }
            }
            assert!(missing.is_empty(), "not in the API table: {missing:?}");
        }

        #[test]
        fn every_table_entry_is_registered() {
            let reg = registry();
            let stale: Vec<String> = methods()
                .filter(|m| !reg.methods(m.receiver).iter().any(|r| r.name == m.name))
                .map(|m| format!("{}.{}", m.receiver, m.name))
                .collect();
            assert!(stale.is_empty(), "in the table, not registered: {stale:?}");
        }
    }
}
