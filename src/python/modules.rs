//! Calls of imported names: the standard modules with a translation (operator's functions as
//! closures with Python's meaning, math, time.sleep, tempfile.mkdtemp, sys.exit, findspark)
//! and pyspark's constructors called by their imported names.

use super::calls::{no_keywords, paren, texts};
use super::error::Translated;
use super::names::{Code, Kind};
use super::program::{Program, Scope};
use ruff_python_ast as ast;

impl<'a> Program<'a> {
    /// An imported name used as a value (`reduceByKey(add)`).
    pub fn imported_value(&self, m: &str, node: &ast::ExprName) -> Translated<Code> {
        if let Some(f) = operator_fn(m) {
            return Ok(Code::op(f, Kind::Unknown));
        }
        Err(self.err(
            node,
            format!("`{}` ({m}) used as a value", node.id),
            "call it, or write a lambda",
        ))
    }

    /// `from operator import add; add(a, b)`, `from tempfile import mkdtemp`, the pyspark names.
    pub(super) fn call_imported(
        &self,
        m: &str,
        c: &ast::ExprCall,
        scope: &mut Scope,
    ) -> Translated<Code> {
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

    pub(super) fn call_module(
        &self,
        m: &str,
        f: &str,
        c: &ast::ExprCall,
        scope: &mut Scope,
    ) -> Translated<Code> {
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
}

/// operator's functions as Rhai closures with Python's meaning.
pub(super) fn operator_fn(path: &str) -> Option<String> {
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
