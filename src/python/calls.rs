//! Calls: Python's builtins, str/list/dict methods (as `py_*` helpers, so `replace` returns
//! the new string and `split()` splits on whitespace), PySpark's API with keyword arguments,
//! the preamble (SparkContext, StreamingContext, SparkSession, setLogLevel), the modules
//! with a translation, and calls of the program's own functions.

use super::error::Translated;
use super::export_helpers;
use super::modules::operator_fn;
use super::names::{Code, Kind, rhai_name, rhai_string};
use super::program::{Program, Scope};
use super::signatures;
use ruff_python_ast::{self as ast, Expr};

/// A call's positional and keyword arguments, translated.
pub type Args = (Vec<Code>, Vec<(String, Code)>);

/// str/list/dict methods whose result is a new value: `recv.m(args)` → `py_m(recv, args)`.
/// (name, helper, min args, max args, result kind)
const VALUE_METHODS: &[(&str, &str, usize, usize, Kind)] = &[
    ("split", "py_split", 0, 2, Kind::List),
    ("rsplit", "py_rsplit", 0, 2, Kind::List),
    ("splitlines", "py_splitlines", 0, 0, Kind::List),
    ("strip", "py_strip", 0, 1, Kind::Str),
    ("lstrip", "py_lstrip", 0, 1, Kind::Str),
    ("rstrip", "py_rstrip", 0, 1, Kind::Str),
    ("lower", "py_lower", 0, 0, Kind::Str),
    ("upper", "py_upper", 0, 0, Kind::Str),
    ("title", "py_title", 0, 0, Kind::Str),
    ("capitalize", "py_capitalize", 0, 0, Kind::Str),
    ("swapcase", "py_swapcase", 0, 0, Kind::Str),
    ("casefold", "py_lower", 0, 0, Kind::Str),
    ("startswith", "py_startswith", 1, 1, Kind::Bool),
    ("endswith", "py_endswith", 1, 1, Kind::Bool),
    ("replace", "py_replace", 2, 3, Kind::Str),
    ("find", "py_find", 1, 1, Kind::Int),
    ("rfind", "py_rfind", 1, 1, Kind::Int),
    ("index", "py_index", 1, 1, Kind::Int),
    ("isdigit", "py_isdigit", 0, 0, Kind::Bool),
    ("isnumeric", "py_isdigit", 0, 0, Kind::Bool),
    ("isdecimal", "py_isdigit", 0, 0, Kind::Bool),
    ("isalpha", "py_isalpha", 0, 0, Kind::Bool),
    ("isalnum", "py_isalnum", 0, 0, Kind::Bool),
    ("isspace", "py_isspace", 0, 0, Kind::Bool),
    ("isupper", "py_isupper", 0, 0, Kind::Bool),
    ("islower", "py_islower", 0, 0, Kind::Bool),
    ("zfill", "py_zfill", 1, 1, Kind::Str),
    ("ljust", "py_ljust", 1, 2, Kind::Str),
    ("rjust", "py_rjust", 1, 2, Kind::Str),
    ("center", "py_center", 1, 2, Kind::Str),
    ("get", "py_get", 1, 2, Kind::Unknown),
    ("items", "py_items", 0, 0, Kind::List),
    ("copy", "py_copy", 0, 0, Kind::Unknown),
];

/// Methods that change their receiver: `recv.py_m(args)` (Rhai passes a method's receiver
/// by reference).
const MUTATING_METHODS: &[(&str, &str, usize, usize)] = &[
    ("append", "push", 1, 1),
    ("extend", "py_extend", 1, 1),
    ("insert", "py_insert", 2, 2),
    ("pop", "py_pop", 0, 2),
    ("remove", "py_remove", 1, 1),
    ("clear", "clear", 0, 0),
    ("reverse", "reverse", 0, 0),
    ("update", "py_update", 1, 1),
    ("setdefault", "py_setdefault", 1, 2),
];

impl<'a> Program<'a> {
    pub fn attribute(&self, a: &ast::ExprAttribute, scope: &mut Scope) -> Translated<Code> {
        let attr = a.attr.id.as_str();
        if let Expr::Name(n) = &*a.value
            && !scope.is_local(n.id.as_str())
            && let Some(m) = self.imports.get(n.id.as_str())
        {
            let path = format!("{m}.{attr}");
            if let Some(f) = operator_fn(&path) {
                return Ok(Code::op(f, Kind::Unknown));
            }
            return Ok(match path.as_str() {
                "math.pi" => Code::atom("PI()", Kind::Float),
                "math.e" => Code::atom("E()", Kind::Float),
                "math.inf" => Code::atom("py_float(\"inf\")", Kind::Float),
                "sys.argv" => Code::atom("py_list([])", Kind::List),
                // PySpark's storage levels: centella's scripts have the same names.
                p if p.starts_with("pyspark.StorageLevel.")
                    || p.starts_with("pyspark.storagelevel.StorageLevel.") =>
                {
                    Code::atom(format!("StorageLevel.{attr}"), Kind::Str)
                }
                _ => {
                    return Err(self.err(
                        a,
                        format!("`{}.{attr}`", n.id),
                        "centella translates only the pyspark API and a few functions of \
                         operator, math, tempfile and time",
                    ));
                }
            });
        }
        if attr == "sparkContext" {
            return Ok(Code::atom("sc", Kind::Unknown));
        }
        let v = self.expr(&a.value, scope)?;
        // PySpark properties centella's API has.
        if matches!(attr, "defaultParallelism" | "master") {
            return Ok(Code::atom(format!("{}.{attr}", v.operand()), Kind::Unknown));
        }
        Err(self.err(
            a,
            format!("the attribute `.{attr}` of `{}`", short(&v.text)),
            "centella's values have no attributes: index tuples (`t[0]`) or dict keys (`d[\"k\"]`)",
        ))
    }

    pub fn args(&self, c: &ast::ExprCall, scope: &mut Scope) -> Translated<Args> {
        let mut pos = Vec::new();
        for a in c.arguments.args.iter() {
            if let Expr::Starred(_) = a {
                return Err(self.err(a, "a `*args` argument", "pass the arguments one by one"));
            }
            pos.push(self.expr(a, scope)?);
        }
        let mut kws = Vec::new();
        for k in c.arguments.keywords.iter() {
            let Some(name) = &k.arg else {
                return Err(self.err(k, "a `**kwargs` argument", "pass the keywords one by one"));
            };
            kws.push((name.id.to_string(), self.expr(&k.value, scope)?));
        }
        Ok((pos, kws))
    }

    pub fn call(&self, c: &ast::ExprCall, scope: &mut Scope) -> Translated<Code> {
        match &*c.func {
            Expr::Name(n) => self.call_name(n, c, scope),
            Expr::Attribute(a) => self.call_method(a, c, scope),
            Expr::Lambda(_) | Expr::Call(_) | Expr::Subscript(_) => {
                let f = self.expr(&c.func, scope)?;
                let (pos, kws) = self.args(c, scope)?;
                no_keywords(self, c, &kws, "a function value")?;
                Ok(Code::atom(
                    format!("({}).call({})", f.text, texts(&pos)),
                    Kind::Unknown,
                ))
            }
            _ => Err(self.err(
                &*c.func,
                "a call of this expression",
                "call a function by its name",
            )),
        }
    }

    fn call_name(
        &self,
        n: &ast::ExprName,
        c: &ast::ExprCall,
        scope: &mut Scope,
    ) -> Translated<Code> {
        let id = n.id.as_str();
        if scope.is_local(id) || (scope.declared.contains(id) && !self.defs.contains_key(id)) {
            let (pos, kws) = self.args(c, scope)?;
            no_keywords(self, c, &kws, id)?;
            return Ok(Code::atom(
                format!("{}.call({})", rhai_name(id), texts(&pos)),
                Kind::Unknown,
            ));
        }
        if let Some(sig) = self.defs.get(id) {
            let (pos, kws) = self.args(c, scope)?;
            if sig.open {
                no_keywords(self, c, &kws, id)?;
                return Ok(Code::atom(
                    format!("{}({})", rhai_name(id), texts(&pos)),
                    Kind::Unknown,
                ));
            }
            let mut slots: Vec<Option<String>> = vec![None; sig.params.len()];
            if pos.len() > slots.len() {
                return Err(self.err(
                    c,
                    format!("{} arguments to `{id}`", pos.len()),
                    format!("`{id}` takes {}", slots.len()),
                ));
            }
            for (i, p) in pos.into_iter().enumerate() {
                slots[i] = Some(p.text);
            }
            for (k, v) in kws {
                let Some(i) = sig.params.iter().position(|p| *p == k) else {
                    return Err(self.err(
                        c,
                        format!("the keyword `{k}`"),
                        format!("`{id}` has no parameter `{k}`"),
                    ));
                };
                slots[i] = Some(v.text);
            }
            let mut args = Vec::new();
            for (i, s) in slots.into_iter().enumerate() {
                match s.or_else(|| sig.defaults[i].clone()) {
                    Some(t) => args.push(t),
                    None => {
                        return Err(self.err(
                            c,
                            format!("a call of `{id}` without `{}`", sig.params[i]),
                            "pass every parameter",
                        ));
                    }
                }
            }
            return Ok(Code::atom(
                format!("{}({})", rhai_name(id), args.join(", ")),
                Kind::Unknown,
            ));
        }
        if self.export_helpers.contains(id) {
            let (pos, _) = self.args(c, scope)?;
            let arity = c
                .arguments
                .args
                .first()
                .and_then(|a| self.fn_arity(a, scope));
            let args: Vec<String> = pos.into_iter().map(|p| p.text).collect();
            if let Some(t) = export_helpers::call(id, &args, arity) {
                return Ok(Code::atom(t, Kind::Unknown));
            }
            return Err(self.err(
                c,
                format!("this use of export's helper `{id}`"),
                "call it as centella export does",
            ));
        }
        if self.drivers.contains_key(id) {
            return Err(self.err(
                c,
                format!("a call of `{id}` inside an expression"),
                "call it on a line of its own",
            ));
        }
        if let Some(m) = self.imports.get(id).cloned() {
            return self.call_imported(&m, c, scope);
        }
        if self.module_vars.contains(id) {
            let (pos, _) = self.args(c, scope)?;
            return Ok(Code::atom(
                format!("{}.call({})", rhai_name(id), texts(&pos)),
                Kind::Unknown,
            ));
        }
        self.builtin_call(id, c, scope)
    }

    /// The number of parameters of a function argument (a lambda or one of the program's).
    fn fn_arity(&self, e: &Expr, scope: &Scope) -> Option<usize> {
        match e {
            Expr::Lambda(l) => Some(
                l.parameters
                    .as_ref()
                    .map_or(0, |p| p.args.len() + p.posonlyargs.len()),
            ),
            Expr::Name(n) => self
                .defs
                .get(n.id.as_str())
                .map(|s| s.params.len())
                .or_else(|| scope.lambda_arity.get(n.id.as_str()).copied()),
            _ => None,
        }
    }

    fn call_method(
        &self,
        a: &ast::ExprAttribute,
        c: &ast::ExprCall,
        scope: &mut Scope,
    ) -> Translated<Code> {
        let method = a.attr.id.as_str();
        if method == "getOrCreate" && self.is_streaming_context_class(&a.value) {
            return self
                .get_or_create(c, scope)
                .map(|t| Code::atom(t, Kind::Unknown));
        }
        // Module functions: math.sqrt(x), tempfile.mkdtemp(), time.sleep(s), operator.add(a, b).
        if let Expr::Name(n) = &*a.value
            && !scope.is_local(n.id.as_str())
            && let Some(m) = self.imports.get(n.id.as_str()).cloned()
        {
            return self.call_module(&m, method, c, scope);
        }
        // SparkSession.builder....getOrCreate(), SparkContext.getOrCreate(), conf chains.
        if self.is_spark_setup(&c.func) {
            return Ok(Code::atom("sc", Kind::Unknown));
        }
        let recv = self.expr(&a.value, scope)?;
        let (mut pos, kws) = self.args(c, scope)?;
        // The batches of queueStream and the data of parallelize are containers of records:
        // their own list-ness is never seen, so they stay plain Rhai arrays (as a user writes).
        let depth = match method {
            "queueStream" => 2,
            "parallelize" => 1,
            _ => 0,
        };
        if depth > 0
            && let Some(first) = c.arguments.args.first()
        {
            pos[0] = self.container(first, depth, scope)?;
        }
        let n = pos.len();
        // count(x) and join(iterable) on strings and lists; count() and join(other) on streams.
        if method == "count" && n == 1 {
            return Ok(Code::atom(
                format!("py_count({}, {})", recv.text, pos[0].text),
                Kind::Int,
            ));
        }
        if method == "join"
            && n == 1
            && kws.is_empty()
            && (recv.kind == Kind::Str || pos[0].kind != Kind::Unknown)
        {
            return Ok(Code::atom(
                format!("py_join({}, {})", recv.text, pos[0].text),
                Kind::Str,
            ));
        }
        if method == "format" && recv.kind == Kind::Str {
            let items: Vec<String> = kws
                .iter()
                .map(|(k, v)| format!("{}: {}", rhai_string(k), v.text))
                .collect();
            return Ok(Code::atom(
                format!(
                    "py_str_format({}, [{}], #{{{}}})",
                    recv.text,
                    texts(&pos),
                    items.join(", ")
                ),
                Kind::Str,
            ));
        }
        if method == "sort" {
            let key = kws
                .iter()
                .find(|(k, _)| k == "key")
                .map_or("()".to_string(), |(_, v)| v.text.clone());
            let rev = kws
                .iter()
                .find(|(k, _)| k == "reverse")
                .map_or("false".to_string(), |(_, v)| v.text.clone());
            if n > 0 || kws.iter().any(|(k, _)| k != "key" && k != "reverse") {
                return Err(self.err(
                    c,
                    "`sort()` with these arguments",
                    "use `sort(key=..., reverse=...)`",
                ));
            }
            return Ok(Code::atom(
                format!("{}.py_sort({key}, {rev})", self.receiver(&a.value, &recv)?),
                Kind::Unknown,
            ));
        }
        if let Some((_, helper, lo, hi, kind)) = VALUE_METHODS.iter().find(|m| m.0 == method)
            && (*lo..=*hi).contains(&n)
            && (kws.is_empty() || method == "split" || method == "rsplit")
        {
            let mut args = vec![recv.text.clone()];
            args.extend(pos.iter().map(|p| p.text.clone()));
            if !kws.is_empty() {
                let sep = kws
                    .iter()
                    .find(|(k, _)| k == "sep")
                    .map(|(_, v)| v.text.clone());
                let max = kws
                    .iter()
                    .find(|(k, _)| k == "maxsplit")
                    .map(|(_, v)| v.text.clone());
                if kws.iter().any(|(k, _)| k != "sep" && k != "maxsplit") {
                    return Err(self.err(
                        c,
                        format!("this keyword of `{method}`"),
                        "use sep= and maxsplit=",
                    ));
                }
                if args.len() == 1 {
                    args.push(sep.unwrap_or_else(|| "()".into()));
                }
                if let Some(m) = max {
                    args.push(m);
                }
            }
            return Ok(Code::atom(format!("{helper}({})", args.join(", ")), *kind));
        }
        if let Some((_, helper, lo, hi)) = MUTATING_METHODS.iter().find(|m| m.0 == method)
            && (*lo..=*hi).contains(&n)
            && kws.is_empty()
        {
            return Ok(Code::atom(
                format!(
                    "{}.{helper}({})",
                    self.receiver(&a.value, &recv)?,
                    texts(&pos)
                ),
                Kind::Unknown,
            ));
        }
        // StreamingContext.union(*dstreams): centella's takes them as an array.
        if method == "union"
            && (n >= 2 || matches!(&*a.value, Expr::Name(r) if r.id.as_str() == "ssc"))
        {
            return Ok(Code::atom(
                format!("{}.union([{}])", recv.operand(), texts(&pos)),
                Kind::Unknown,
            ));
        }
        // PySpark's API: keywords to positions.
        if let Some(params) = signatures::params(method) {
            for k in c.arguments.keywords.iter() {
                if let Some(name) = &k.arg
                    && !params.iter().any(|(p, _)| *p == name.id.as_str())
                {
                    let names: Vec<&str> = params.iter().map(|(p, _)| *p).collect();
                    return Err(self.err(
                        k,
                        format!("the keyword `{}` of `{method}`", name.id),
                        format!("PySpark's `{method}` takes {}", names.join(", ")),
                    ));
                }
            }
        }
        let positional: Vec<String> = pos.iter().map(|p| p.text.clone()).collect();
        let keywords: Vec<(String, String)> = kws.into_iter().map(|(k, v)| (k, v.text)).collect();
        let args = signatures::arrange(method, positional, keywords)
            .map_err(|m| self.err(&a.attr, m, "use PySpark's parameter names"))?;
        match method {
            "start" => self.note_start(),
            "awaitTermination" | "awaitTerminationOrTimeout" => self.note_await(),
            _ => {}
        }
        let mut text = format!("{}.{method}({})", recv.operand(), args.join(", "));
        if matches!(method, "countByKey" | "countByValue") && args.is_empty() {
            // An RDD's counts are a defaultdict(int) in PySpark: a missing key counts 0.
            text = format!("py_counts({text})");
        }
        Ok(Code::atom(text, Kind::Unknown))
    }

    /// A list literal whose list-ness is never observed, `depth` levels down.
    fn container(&self, e: &Expr, depth: usize, scope: &mut Scope) -> Translated<Code> {
        match e {
            Expr::List(l) if depth > 0 => {
                let items = l
                    .elts
                    .iter()
                    .map(|x| self.container(x, depth - 1, scope).map(|c| c.text))
                    .collect::<Translated<Vec<_>>>()?;
                Ok(Code::atom(format!("[{}]", items.join(", ")), Kind::Tuple))
            }
            _ => self.expr(e, scope),
        }
    }

    /// A method's receiver when the method changes it: it must be a variable or an element.
    fn receiver(&self, e: &Expr, recv: &Code) -> Translated<String> {
        match e {
            Expr::Name(_) | Expr::Subscript(_) => Ok(recv.text.clone()),
            _ => Ok(recv.operand()),
        }
    }
}

pub(super) fn texts(c: &[Code]) -> String {
    c.iter()
        .map(|c| c.text.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn no_keywords(
    p: &Program,
    c: &ast::ExprCall,
    kws: &[(String, Code)],
    what: &str,
) -> Translated<()> {
    match kws.first() {
        Some((k, _)) => Err(p.err(
            c,
            format!("the keyword `{k}` in a call of {what}"),
            "pass the arguments by position",
        )),
        None => Ok(()),
    }
}

pub(super) fn paren(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        s.to_string()
    } else {
        format!("({s})")
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}...", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}
