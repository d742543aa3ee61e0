//! Calls: Python's builtins, str/list/dict methods (as `py_*` helpers, so `replace` returns
//! the new string and `split()` splits on whitespace), PySpark's API with keyword arguments,
//! the preamble (SparkContext, StreamingContext, SparkSession, setLogLevel), the modules
//! with a translation, and calls of the program's own functions.

use super::TranslateError;
use super::export_helpers;
use super::names::{Code, Kind, rhai_name, rhai_string};
use super::program::{Program, Scope};
use super::signatures;
use ruff_python_ast::{self as ast, Expr};

type R<T> = Result<T, TranslateError>;

/// A call's positional and keyword arguments, translated.
type Args = (Vec<Code>, Vec<(String, Code)>);

/// Python builtins usable as function values (`map(str, xs)`, `sorted(xs, key=len)`).
const BUILTIN_VALUES: &[(&str, &str)] = &[
    ("len", "py_len"),
    ("str", "py_str"),
    ("repr", "py_repr"),
    ("int", "py_int"),
    ("float", "py_float"),
    ("bool", "py_bool"),
    ("abs", "py_abs"),
    ("list", "py_list_of"),
    ("tuple", "py_tuple"),
    ("sorted", "py_sorted"),
    ("sum", "py_sum"),
    ("max", "py_max"),
    ("min", "py_min"),
    ("reversed", "py_reversed"),
];

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
    /// A builtin used as a value, unless the program defines the name itself.
    pub fn builtin_value(&self, id: &str) -> Option<String> {
        if self.module_vars.contains(id) || self.defs.contains_key(id) {
            return None;
        }
        if id == "print" {
            // rdd.foreach(print)
            return Some("|x| print(py_str(x))".into());
        }
        BUILTIN_VALUES
            .iter()
            .find(|(n, _)| *n == id)
            .map(|(_, h)| format!("Fn(\"{h}\")"))
    }

    /// An imported name used as a value (`reduceByKey(add)`).
    pub fn imported_value(&self, m: &str, node: &ast::ExprName) -> R<Code> {
        if let Some(f) = operator_fn(m) {
            return Ok(Code::op(f, Kind::Unknown));
        }
        Err(self.err(
            node,
            format!("`{}` ({m}) used as a value", node.id),
            "call it, or write a lambda",
        ))
    }

    pub fn attribute(&self, a: &ast::ExprAttribute, scope: &mut Scope) -> R<Code> {
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

    fn args(&self, c: &ast::ExprCall, scope: &mut Scope) -> R<Args> {
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

    pub fn call(&self, c: &ast::ExprCall, scope: &mut Scope) -> R<Code> {
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

    fn call_name(&self, n: &ast::ExprName, c: &ast::ExprCall, scope: &mut Scope) -> R<Code> {
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
            let arity = c.arguments.args.first().and_then(|a| self.fn_arity(a));
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
    fn fn_arity(&self, e: &Expr) -> Option<usize> {
        match e {
            Expr::Lambda(l) => Some(
                l.parameters
                    .as_ref()
                    .map_or(0, |p| p.args.len() + p.posonlyargs.len()),
            ),
            Expr::Name(n) => self.defs.get(n.id.as_str()).map(|s| s.params.len()),
            _ => None,
        }
    }

    fn builtin_call(&self, id: &str, c: &ast::ExprCall, scope: &mut Scope) -> R<Code> {
        let (pos, kws) = self.args(c, scope)?;
        let n = pos.len();
        let kw = |name: &str| {
            kws.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.text.clone())
        };
        let allowed = |names: &[&str]| -> R<()> {
            for (k, _) in &kws {
                if !names.contains(&k.as_str()) {
                    return Err(self.err(
                        c,
                        format!("the keyword `{k}` of `{id}()`"),
                        if names.is_empty() {
                            "it takes none".to_string()
                        } else {
                            format!("it takes {}", names.join(", "))
                        },
                    ));
                }
            }
            Ok(())
        };
        let a = |i: usize| pos[i].text.clone();
        let wrong = || {
            self.err(
                c,
                format!("`{id}()` with {n} arguments"),
                "pass the arguments Python's builtin takes",
            )
        };
        let call1 = |h: &str, kind| -> R<Code> {
            if n != 1 {
                return Err(wrong());
            }
            Ok(Code::atom(format!("{h}({})", a(0)), kind))
        };
        match id {
            "len" => { allowed(&[])?; call1("py_len", Kind::Int) }
            "repr" => { allowed(&[])?; call1("py_repr", Kind::Str) }
            "abs" => { allowed(&[])?; let k = if n == 1 { pos[0].kind } else { Kind::Unknown }; call1("py_abs", if k.is_number() { k } else { Kind::Unknown }) }
            "bool" => { allowed(&[])?; if n == 0 { return Ok(Code::atom("false", Kind::Bool)); } call1("py_bool", Kind::Bool) }
            "str" => {
                allowed(&[])?;
                match n {
                    0 => Ok(Code::atom("\"\"", Kind::Str)),
                    _ => call1("py_str", Kind::Str),
                }
            }
            "int" => {
                allowed(&[])?;
                match n {
                    0 => Ok(Code::atom("0", Kind::Int)),
                    1 => call1("py_int", Kind::Int),
                    2 => Ok(Code::atom(format!("py_int({}, {})", a(0), a(1)), Kind::Int)),
                    _ => Err(wrong()),
                }
            }
            "float" => { allowed(&[])?; if n == 0 { return Ok(Code::atom("0.0", Kind::Float)); } call1("py_float", Kind::Float) }
            "list" => {
                allowed(&[])?;
                if n == 0 { return Ok(Code::atom("py_list([])", Kind::List)); }
                call1("py_list_of", Kind::List)
            }
            "tuple" => {
                allowed(&[])?;
                if n == 0 { return Ok(Code::atom("[]", Kind::Tuple)); }
                call1("py_tuple", Kind::Tuple)
            }
            "dict" => {
                if n == 0 {
                    let items: Vec<String> = kws.iter().map(|(k, v)| format!("{}: {}", rhai_string(k), v.text)).collect();
                    return Ok(Code::atom(format!("#{{{}}}", items.join(", ")), Kind::Dict));
                }
                allowed(&[])?;
                call1("py_dict", Kind::Dict)
            }
            "max" | "min" | "sorted" | "sum" | "any" | "all" | "reversed" => {
                let helper = format!("py_{id}");
                let key = kw("key").unwrap_or_else(|| "()".into());
                match id {
                    "max" | "min" => {
                        allowed(&["key", "default"])?;
                        let items = match n {
                            0 => return Err(wrong()),
                            1 => a(0),
                            _ => format!("[{}]", texts(&pos)),
                        };
                        let kind = if n > 1 && pos.iter().all(|p| p.kind == pos[0].kind) { pos[0].kind } else { Kind::Unknown };
                        match kw("default") {
                            Some(d) => Ok(Code::atom(format!("py_{id}_default({items}, {key}, {d})"), kind)),
                            None => Ok(Code::atom(format!("{helper}({items}, {key})"), kind)),
                        }
                    }
                    "sorted" => {
                        allowed(&["key", "reverse"])?;
                        if n != 1 { return Err(wrong()); }
                        let rev = kw("reverse").unwrap_or_else(|| "false".into());
                        Ok(Code::atom(format!("py_sorted({}, {key}, {rev})", a(0)), Kind::List))
                    }
                    "sum" => {
                        allowed(&["start"])?;
                        let start = kw("start");
                        match (n, start) {
                            (1, None) => Ok(Code::atom(format!("py_sum({})", a(0)), Kind::Unknown)),
                            (1, Some(s)) => Ok(Code::atom(format!("py_sum({}, {s})", a(0)), Kind::Unknown)),
                            (2, None) => Ok(Code::atom(format!("py_sum({}, {})", a(0), a(1)), Kind::Unknown)),
                            _ => Err(wrong()),
                        }
                    }
                    _ => { allowed(&[])?; call1(&helper, if id == "reversed" { Kind::Tuple } else { Kind::Bool }) }
                }
            }
            "range" => {
                allowed(&[])?;
                match n {
                    1..=3 => Ok(Code::atom(format!("py_range({})", texts(&pos)), Kind::Tuple)),
                    _ => Err(wrong()),
                }
            }
            "zip" => { allowed(&[])?; Ok(Code::atom(format!("py_zip([{}])", texts(&pos)), Kind::Tuple)) }
            "enumerate" => {
                allowed(&["start"])?;
                let start = kw("start").unwrap_or_else(|| if n == 2 { a(1) } else { "0".into() });
                if n == 0 || n > 2 { return Err(wrong()); }
                Ok(Code::atom(format!("py_enumerate({}, {start})", a(0)), Kind::Tuple))
            }
            "map" | "filter" => {
                allowed(&[])?;
                if n != 2 {
                    return Err(self.err(c, format!("`{id}()` over {} iterables", n.saturating_sub(1)), "zip them first, or use a comprehension"));
                }
                Ok(Code::atom(format!("py_{id}({}, {})", a(0), a(1)), Kind::Tuple))
            }
            "isinstance" => {
                allowed(&[])?;
                if n != 2 { return Err(wrong()); }
                let types = match &c.arguments.args[1] {
                    Expr::Name(t) => vec![t.id.to_string()],
                    Expr::Tuple(t) => t.elts.iter().filter_map(|e| match e { Expr::Name(t) => Some(t.id.to_string()), _ => None }).collect(),
                    _ => vec![],
                };
                if types.is_empty() {
                    return Err(self.err(&c.arguments.args[1], "this type test", "name the types: int, float, str, bool, list, tuple, dict"));
                }
                let names: Vec<String> = types.iter().map(|t| rhai_string(t)).collect();
                Ok(Code::atom(format!("py_isinstance({}, [{}])", a(0), names.join(", ")), Kind::Bool))
            }
            "round" => {
                allowed(&[])?;
                match n {
                    1 => Ok(Code::atom(format!("py_round({})", a(0)), Kind::Int)),
                    2 => Ok(Code::atom(format!("py_round({}, {})", a(0), a(1)), Kind::Float)),
                    _ => Err(wrong()),
                }
            }
            "pow" => { allowed(&[])?; if n != 2 { return Err(wrong()); } Ok(Code::atom(format!("py_pow({}, {})", a(0), a(1)), Kind::Unknown)) }
            "divmod" => { allowed(&[])?; if n != 2 { return Err(wrong()); } Ok(Code::atom(format!("py_divmod({}, {})", a(0), a(1)), Kind::Tuple)) }
            "ord" => { allowed(&[])?; call1("py_ord", Kind::Int) }
            "chr" => { allowed(&[])?; call1("py_chr", Kind::Str) }
            "format" => {
                allowed(&[])?;
                match n {
                    1 => Ok(Code::atom(format!("py_str({})", a(0)), Kind::Str)),
                    2 => Ok(Code::atom(format!("py_format({}, {})", a(0), a(1)), Kind::Str)),
                    _ => Err(wrong()),
                }
            }
            "print" => {
                allowed(&["sep", "end", "flush"])?;
                if let Some(e) = kw("end") && e != "\"\\n\"" {
                    return Err(self.err(c, "`print(..., end=...)`", "centella prints whole lines: build the line first, then print it"));
                }
                let sep = kw("sep").unwrap_or_else(|| "\" \"".into());
                Ok(Code::atom(
                    match n {
                        0 => "print(\"\")".to_string(),
                        1 if pos[0].kind == Kind::Str => format!("print({})", a(0)),
                        1 => format!("print(py_str({}))", a(0)),
                        _ => format!("print(py_print_line([{}], {sep}))", texts(&pos)),
                    },
                    Kind::Unknown,
                ))
            }
            "set" | "frozenset" => Err(self.err(
                c,
                "a set",
                "centella's records have no set type: use a list (with `x not in l` before appending) or a dict's keys",
            )),
            "open" | "input" => Err(self.err(
                c,
                format!("`{id}()`"),
                "read data with the stream sources (ssc.textFileStream, ssc.socketTextStream, sc.textFile)",
            )),
            "iter" | "next" => Err(self.err(c, format!("`{id}()`"), "loop with `for`, or index the list")),
            "type" | "id" | "hash" | "getattr" | "setattr" | "hasattr" | "eval" | "exec" | "globals" | "locals" | "vars" | "super" | "object" => Err(self.err(
                c,
                format!("`{id}()`"),
                "it has no translation to centella's Rhai",
            )),
            "SparkContext" => Ok(Code::atom("sc", Kind::Unknown)),
            _ => Err(self.err(
                c,
                format!("a call of `{id}`, which the program never defines"),
                "define the function with `def` before calling it",
            )),
        }
    }

    /// `from operator import add; add(a, b)`, `from tempfile import mkdtemp`, the pyspark names.
    fn call_imported(&self, m: &str, c: &ast::ExprCall, scope: &mut Scope) -> R<Code> {
        let (pos, kws) = self.args(c, scope)?;
        if let Some(f) = operator_fn(m) {
            no_keywords(self, c, &kws, m)?;
            return Ok(Code::atom(
                format!("({f}).call({})", texts(&pos)),
                Kind::Unknown,
            ));
        }
        match m {
            "tempfile.mkdtemp" => Ok(Code::atom("py_temp_dir()", Kind::Str)),
            "pyspark.streaming.StreamingContext" | "pyspark.streaming.context.StreamingContext" => {
                let interval = match (pos.get(1), kws.iter().find(|(k, _)| k == "batchDuration")) {
                    (Some(p), _) => p.text.clone(),
                    (None, Some((_, v))) => v.text.clone(),
                    _ => "1".into(),
                };
                Ok(Code::atom(
                    format!("StreamingContext(sc, {interval})"),
                    Kind::Unknown,
                ))
            }
            m if m.ends_with(".SparkContext") => Ok(Code::atom("sc", Kind::Unknown)),
            m if m.ends_with(".SparkConf") => Ok(Code::atom("()", Kind::Unknown)),
            _ => Err(self.err(
                c,
                format!("a call of `{m}`"),
                "centella translates the DStream API of pyspark",
            )),
        }
    }

    fn call_method(&self, a: &ast::ExprAttribute, c: &ast::ExprCall, scope: &mut Scope) -> R<Code> {
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

    /// The master a preamble names: `SparkContext("local[4]", ...)`, `master="..."`,
    /// `.setMaster("...")`, `SparkSession.builder.master("...")`.
    fn note_master(&self, e: &Expr) {
        let literal = |e: &Expr| match e {
            Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
            _ => None,
        };
        match e {
            Expr::Call(c) => {
                let named = c
                    .arguments
                    .keywords
                    .iter()
                    .find(|k| k.arg.as_ref().is_some_and(|a| a.id.as_str() == "master"))
                    .and_then(|k| literal(&k.value));
                let first = c.arguments.args.first().and_then(literal);
                let found = match &*c.func {
                    Expr::Attribute(a) if matches!(a.attr.id.as_str(), "setMaster" | "master") => {
                        first
                    }
                    Expr::Name(n)
                        if self
                            .imports
                            .get(n.id.as_str())
                            .is_some_and(|m| m.ends_with(".SparkContext")) =>
                    {
                        named.or(first)
                    }
                    _ => named,
                };
                if let Some(m) = found {
                    *self.master.borrow_mut() = Some(m);
                }
                self.note_master(&c.func);
                for a in c.arguments.args.iter() {
                    self.note_master(a);
                }
            }
            Expr::Attribute(a) => self.note_master(&a.value),
            _ => {}
        }
    }

    fn is_streaming_context_class(&self, e: &Expr) -> bool {
        matches!(e, Expr::Name(n) if self.imports.get(n.id.as_str()).is_some_and(|m| m.ends_with("StreamingContext")))
    }

    /// `StreamingContext.getOrCreate(checkpointPath, setupFunc)`: the setup function's body
    /// as the closure of centella's `StreamingContext::getOrCreate`, ending in the context it
    /// returns.
    fn get_or_create(&self, c: &ast::ExprCall, scope: &mut Scope) -> R<String> {
        let arg = |i: usize, name: &str| {
            c.arguments.args.get(i).or_else(|| {
                c.arguments
                    .keywords
                    .iter()
                    .find(|k| k.arg.as_ref().is_some_and(|a| a.id.as_str() == name))
                    .map(|k| &k.value)
            })
        };
        let hint = "pass the function that creates, sets up and returns the StreamingContext \
                    (`def create(): ... return ssc`)";
        let (Some(path), Some(setup)) = (arg(0, "checkpointPath"), arg(1, "setupFunc")) else {
            return Err(self.err(
                c,
                "`getOrCreate` without a checkpoint path and a setup function",
                hint,
            ));
        };
        let path = self.expr(path, scope)?.text;
        let is_driver_call = |e: &Expr| matches!(e, Expr::Call(b) if matches!(&*b.func, Expr::Name(n) if self.drivers.contains_key(n.id.as_str())));
        let mut inner = Scope {
            bound: scope.bound.clone(),
            ..Scope::default()
        };
        let mut lines = Vec::new();
        match setup {
            Expr::Name(n) if self.drivers.contains_key(n.id.as_str()) => {
                let f = self.drivers[n.id.as_str()];
                self.driver_body(f, &mut inner, 1, &mut lines)?;
            }
            Expr::Lambda(l) if l.parameters.is_none() && is_driver_call(&l.body) => {
                let driver_lines = self
                    .driver_call(&l.body, &mut inner, 1, &mut [])?
                    .unwrap_or_default();
                lines.extend(driver_lines);
            }
            _ => return Err(self.err(setup, "this setup function", hint)),
        }
        let ret = self
            .last_return
            .borrow_mut()
            .take()
            .unwrap_or_else(|| "ssc".into());
        lines.push(format!("    {}", rhai_name(&ret)));
        Ok(format!(
            "StreamingContext::getOrCreate({path}, || {{\n{}\n}})",
            lines.join("\n")
        ))
    }

    /// A list literal whose list-ness is never observed, `depth` levels down.
    fn container(&self, e: &Expr, depth: usize, scope: &mut Scope) -> R<Code> {
        match e {
            Expr::List(l) if depth > 0 => {
                let items = l
                    .elts
                    .iter()
                    .map(|x| self.container(x, depth - 1, scope).map(|c| c.text))
                    .collect::<R<Vec<_>>>()?;
                Ok(Code::atom(format!("[{}]", items.join(", ")), Kind::Tuple))
            }
            _ => self.expr(e, scope),
        }
    }

    /// A method's receiver when the method changes it: it must be a variable or an element.
    fn receiver(&self, e: &Expr, recv: &Code) -> R<String> {
        match e {
            Expr::Name(_) | Expr::Subscript(_) => Ok(recv.text.clone()),
            _ => Ok(recv.operand()),
        }
    }

    fn call_module(&self, m: &str, f: &str, c: &ast::ExprCall, scope: &mut Scope) -> R<Code> {
        let (pos, kws) = self.args(c, scope)?;
        let path = format!("{m}.{f}");
        if let Some(op) = operator_fn(&path) {
            no_keywords(self, c, &kws, &path)?;
            return Ok(Code::atom(
                format!("({op}).call({})", texts(&pos)),
                Kind::Unknown,
            ));
        }
        let a = |i: usize| pos.get(i).map(|p| p.text.clone()).unwrap_or_default();
        let n = pos.len();
        if m.ends_with(".KafkaUtils") && f == "createDirectStream" {
            // centella's Kafka direct stream has PySpark's positional parameters.
            no_keywords(self, c, &kws, "KafkaUtils.createDirectStream")?;
            return Ok(Code::atom(
                format!("KafkaUtils::createDirectStream({})", texts(&pos)),
                Kind::Unknown,
            ));
        }
        let code = match (path.as_str(), n) {
            ("tempfile.mkdtemp", _) => Code::atom("py_temp_dir()", Kind::Str),
            // findspark locates a Spark installation; centella is one.
            ("findspark.init", _) => Code::atom("()", Kind::Unknown),
            ("time.sleep", 1) => Code::atom(
                format!("sleep_ms(py_int({} * 1000))", paren(&a(0))),
                Kind::Unknown,
            ),
            ("math.sqrt", 1) => Code::atom(format!("py_float({}).sqrt()", a(0)), Kind::Float),
            ("math.floor", 1) => Code::atom(format!("py_floordiv({}, 1)", a(0)), Kind::Int),
            ("math.ceil", 1) => Code::atom(format!("-py_floordiv(-({}), 1)", a(0)), Kind::Int),
            ("math.fabs", 1) => Code::atom(format!("py_float(py_abs({}))", a(0)), Kind::Float),
            ("math.log", 1) => Code::atom(format!("py_float({}).ln()", a(0)), Kind::Float),
            ("math.log10", 1) => Code::atom(format!("py_float({}).log()", a(0)), Kind::Float),
            ("math.exp", 1) => Code::atom(format!("py_float({}).exp()", a(0)), Kind::Float),
            ("math.pow", 2) => Code::atom(
                format!("py_float({}) ** py_float({})", a(0), a(1)),
                Kind::Float,
            ),
            ("math.isnan", 1) => Code::atom(format!("py_float({}).is_nan", a(0)), Kind::Bool),
            ("pyspark.SparkContext.getOrCreate", _)
            | ("pyspark.context.SparkContext.getOrCreate", _) => Code::atom("sc", Kind::Unknown),
            ("sys.exit", _) => Code::atom("exit()", Kind::Unknown),
            _ => {
                return Err(self.err(
                    c,
                    format!("`{path}()`"),
                    "centella translates the pyspark API and math.sqrt/floor/ceil/log/exp, \
                     tempfile.mkdtemp, time.sleep and operator's functions",
                ));
            }
        };
        Ok(code)
    }

    /// `SparkSession.builder.appName(..).getOrCreate()`, `SparkContext.getOrCreate()`,
    /// `SparkConf().setAppName(..)`: the session's SparkContext.
    pub fn is_spark_setup(&self, e: &Expr) -> bool {
        match e {
            Expr::Name(n) => {
                let id = n.id.as_str();
                self.imports.get(id).is_some_and(|m| {
                    m.ends_with(".SparkSession")
                        || m.ends_with(".SparkContext")
                        || m.ends_with(".SparkConf")
                }) || self.sessions.borrow().contains(id)
                    || self.confs.borrow().contains(id)
            }
            Expr::Attribute(a) => self.is_spark_setup(&a.value),
            Expr::Call(c) => self.is_spark_setup(&c.func),
            _ => false,
        }
    }

    /// Module-level preamble assignments: `sc = SparkContext(...)`, `spark =
    /// SparkSession...`, `conf = SparkConf()...`, `ssc = StreamingContext(sc, N)`. The text
    /// to write (maybe empty), or None when `value` is something else.
    pub fn preamble_assign(
        &self,
        name: &str,
        value: &Expr,
        scope: &mut Scope,
    ) -> R<Option<String>> {
        let creates_context = match value {
            Expr::Call(c) => match &*c.func {
                Expr::Attribute(a) => {
                    a.attr.id.as_str() == "getOrCreate" && self.is_streaming_context_class(&a.value)
                }
                f => self.is_streaming_context_class(f),
            },
            _ => false,
        };
        if creates_context {
            let code = self.expr(value, scope)?;
            scope.declared.insert(name.to_string());
            return Ok(Some(format!("let {} = {};", rhai_name(name), code.text)));
        }
        if !self.is_spark_setup(value)
            && !matches!(value, Expr::Attribute(a) if a.attr.id.as_str() == "sparkContext")
        {
            return Ok(None);
        }
        let text = format!("{value:?}");
        self.note_master(value);
        // Which object: a conf, a session, or the SparkContext.
        let last = match value {
            Expr::Call(c) => match &*c.func {
                Expr::Attribute(a) => a.attr.id.to_string(),
                Expr::Name(n) => self.imports.get(n.id.as_str()).cloned().unwrap_or_default(),
                _ => String::new(),
            },
            Expr::Attribute(a) => a.attr.id.to_string(),
            _ => String::new(),
        };
        let _ = text;
        if last.ends_with("SparkConf") || last.starts_with("set") {
            self.confs.borrow_mut().insert(name.to_string());
            return Ok(Some(String::new()));
        }
        if last == "getOrCreate" && format!("{value:?}").contains("builder") {
            self.sessions.borrow_mut().insert(name.to_string());
            return Ok(Some(String::new()));
        }
        self.spark_contexts.borrow_mut().insert(name.to_string());
        Ok(Some(if name == "sc" {
            String::new()
        } else {
            scope.declared.insert(name.to_string());
            format!("let {} = sc;", rhai_name(name))
        }))
    }

    /// Statement-level calls with nothing to do in centella (`sc.setLogLevel("ERROR")`).
    pub fn preamble_call(&self, e: &Expr, _scope: &mut Scope) -> R<Option<String>> {
        let Expr::Call(c) = e else { return Ok(None) };
        let Expr::Attribute(a) = &*c.func else {
            return Ok(None);
        };
        let on_context = matches!(&*a.value, Expr::Name(n) if self.spark_contexts.borrow().contains(n.id.as_str()) || self.sessions.borrow().contains(n.id.as_str()))
            || matches!(&*a.value, Expr::Attribute(x) if x.attr.id.as_str() == "sparkContext");
        if on_context
            && matches!(
                a.attr.id.as_str(),
                "setLogLevel" | "setCheckpointDir" | "setJobGroup" | "setLocalProperty"
            )
        {
            return Ok(Some(String::new()));
        }
        Ok(None)
    }

    /// A statement calling a driver (`main()`, `build(ssc, sc)`): its body, here.
    pub fn driver_call(
        &self,
        e: &Expr,
        scope: &mut Scope,
        depth: usize,
        _out: &mut [String],
    ) -> R<Option<Vec<String>>> {
        let Expr::Call(c) = e else { return Ok(None) };
        let Expr::Name(n) = &*c.func else {
            return Ok(None);
        };
        let Some(f) = self.drivers.get(n.id.as_str()).copied() else {
            return Ok(None);
        };
        let ind = "    ".repeat(depth);
        let mut lines = Vec::new();
        let params: Vec<&str> = f
            .parameters
            .args
            .iter()
            .map(|p| p.parameter.name.id.as_str())
            .collect();
        for (i, p) in params.iter().enumerate() {
            let value = match c.arguments.args.get(i) {
                Some(a) => self.expr(a, scope)?.text,
                None => match &f.parameters.args[i].default {
                    Some(d) => self.expr(d, scope)?.text,
                    None => {
                        return Err(self.err(
                            c,
                            format!("a call of `{}` without `{p}`", n.id),
                            "pass every parameter",
                        ));
                    }
                },
            };
            if value != rhai_name(p) {
                lines.push(format!("{ind}let {} = {value};", rhai_name(p)));
                scope.declared.insert(p.to_string());
            }
        }
        self.driver_body(f, scope, depth, &mut lines)?;
        Ok(Some(lines))
    }
}

/// operator's functions as Rhai closures with Python's meaning.
fn operator_fn(path: &str) -> Option<String> {
    let f = path.strip_prefix("operator.")?;
    Some(
        match f {
            "add" | "concat" => "|a, b| py_add(a, b)",
            "sub" => "|a, b| a - b",
            "mul" => "|a, b| py_mul(a, b)",
            "truediv" => "|a, b| py_div(a, b)",
            "floordiv" => "|a, b| py_floordiv(a, b)",
            "mod" => "|a, b| py_mod(a, b)",
            "neg" => "|a| -a",
            "eq" => "|a, b| py_eq(a, b)",
            "lt" => "|a, b| py_lt(a, b)",
            "gt" => "|a, b| py_lt(b, a)",
            "itemgetter" => return None,
            _ => return None,
        }
        .to_string(),
    )
}

fn texts(c: &[Code]) -> String {
    c.iter()
        .map(|c| c.text.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

fn no_keywords(p: &Program, c: &ast::ExprCall, kws: &[(String, Code)], what: &str) -> R<()> {
    match kws.first() {
        Some((k, _)) => Err(p.err(
            c,
            format!("the keyword `{k}` in a call of {what}"),
            "pass the arguments by position",
        )),
        None => Ok(()),
    }
}

fn paren(s: &str) -> String {
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
