//! The preamble of a PySpark program: SparkContext / SparkConf / SparkSession (and the
//! master they name), `ssc = StreamingContext(sc, N)`, `StreamingContext.getOrCreate(path,
//! setup)`, calls with nothing to do in centella (`sc.setLogLevel`), and the drivers
//! (`main()`, `build(ssc, sc)`, `create_context()`) whose bodies run where they are called.

use super::error::Translated;
use super::names::rhai_name;
use super::program::{Program, Scope};
use ruff_python_ast::{self as ast, Expr};

impl<'a> Program<'a> {
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

    pub fn is_streaming_context_class(&self, e: &Expr) -> bool {
        matches!(e, Expr::Name(n) if self.imports.get(n.id.as_str()).is_some_and(|m| m.ends_with("StreamingContext")))
    }

    /// `StreamingContext.getOrCreate(checkpointPath, setupFunc)`: the setup function's body
    /// as the closure of centella's `StreamingContext::getOrCreate`, ending in the context it
    /// returns.
    pub fn get_or_create(&self, c: &ast::ExprCall, scope: &mut Scope) -> Translated<String> {
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
    ) -> Translated<Option<String>> {
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
    pub fn preamble_call(&self, e: &Expr, _scope: &mut Scope) -> Translated<Option<String>> {
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
    ) -> Translated<Option<Vec<String>>> {
        let Expr::Call(c) = e else { return Ok(None) };
        let Expr::Name(n) = &*c.func else {
            return Ok(None);
        };
        let Some(f) = self.drivers.get(n.id.as_str()).copied() else {
            return Ok(None);
        };
        let ind = "    ".repeat(depth);
        let mut lines = Vec::new();
        let params = super::program::positional_names(f);
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
