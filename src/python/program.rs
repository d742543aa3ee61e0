//! The module level of a PySpark program: the preamble (imports, SparkContext,
//! StreamingContext, SparkSession), module constants, `def` functions, the drivers (`build(ssc,
//! sc)`, `main()`, `if __name__ == "__main__":`) whose bodies become the script's top level,
//! and `centella export`'s own `main(argv)`, which is dropped.

use super::error::{Lines, TranslateError};
use super::export_helpers;
use super::names::{Code, rhai_name};
use ruff_python_ast::{self as ast, Expr, ModModule, Stmt};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A whole program: the context is started and awaited if the program does not.
    Program,
    /// A shell entry: statements as they are.
    Entry,
}

/// A module-level `def` translated as a Rhai `fn`.
#[derive(Clone)]
pub struct FnSig {
    /// Unknown parameters (a shell function defined in an earlier entry): arguments as given.
    pub open: bool,
    pub params: Vec<String>,
    /// Rhai text of each parameter's default, if it has one.
    pub defaults: Vec<Option<String>>,
}

/// The state of one Python function (or of the module level) being translated.
#[derive(Default)]
pub struct Scope {
    /// Inside a Rhai `fn`, which cannot see the script's variables.
    pub in_fn: bool,
    /// Names already introduced with `let` in this function.
    pub declared: HashSet<String>,
    /// Parameters, loop and comprehension variables, lambda parameters in force.
    pub bound: Vec<String>,
    /// Every name the Python function assigns (its locals).
    pub locals: HashSet<String>,
    /// Names bound to a lambda, with its number of parameters (export's `_tupled(add)` needs
    /// it to write a Rhai closure of the same arity).
    pub lambda_arity: HashMap<String, usize>,
}

impl Scope {
    pub fn is_local(&self, name: &str) -> bool {
        self.bound.iter().any(|b| b == name) || self.locals.contains(name)
    }
}

pub struct Program<'a> {
    pub file: &'a str,
    pub lines: Lines<'a>,
    pub mode: Mode,
    tmp: Cell<usize>,
    /// How deep the expression being translated is nested.
    pub depth: Cell<usize>,
    /// Module-level functions (Rhai `fn`s).
    pub defs: HashMap<String, FnSig>,
    /// Functions whose bodies run at the top level where they are called.
    pub drivers: HashMap<String, &'a ast::StmtFunctionDef>,
    /// Module-level names bound to literal values (inlined inside functions).
    pub consts: HashMap<String, Code>,
    /// Every module-level name a statement assigns.
    pub module_vars: HashSet<String>,
    /// Imported names: local name -> module (or module.attribute).
    pub imports: HashMap<String, String>,
    /// `centella export`'s helpers, recognised by their exact source.
    pub export_helpers: HashSet<String>,
    /// Names bound to a SparkSession, a SparkConf or the SparkContext.
    pub sessions: RefCell<HashSet<String>>,
    pub confs: RefCell<HashSet<String>>,
    pub spark_contexts: RefCell<HashSet<String>>,
    /// The master URL the program's preamble names, if any.
    pub master: RefCell<Option<String>>,
    /// The name a driver returns (`return ssc`), for getOrCreate's closure.
    pub last_return: RefCell<Option<String>>,
    /// The shell's variables (Entry mode).
    known_vars: Vec<String>,
    /// Whether the translated code already starts / awaits a context.
    started: Cell<bool>,
    awaited: Cell<bool>,
}

impl<'a> Program<'a> {
    pub fn new(file: &'a str, source: &'a str, mode: Mode) -> Program<'a> {
        let mut imports = HashMap::new();
        if mode == Mode::Entry {
            // The shell has these without imports (as the pyspark shell has sc and spark).
            for (name, module) in [
                ("StreamingContext", "pyspark.streaming.StreamingContext"),
                ("SparkContext", "pyspark.SparkContext"),
                ("SparkConf", "pyspark.SparkConf"),
                ("SparkSession", "pyspark.sql.SparkSession"),
                ("KafkaUtils", "pyspark.streaming.kafka.KafkaUtils"),
                ("StorageLevel", "pyspark.StorageLevel"),
            ] {
                imports.insert(name.to_string(), module.to_string());
            }
        }
        Program {
            file,
            lines: Lines::new(source),
            mode,
            tmp: Cell::new(0),
            depth: Cell::new(0),
            defs: HashMap::new(),
            drivers: HashMap::new(),
            consts: HashMap::new(),
            module_vars: HashSet::new(),
            imports,
            export_helpers: HashSet::new(),
            sessions: RefCell::new(HashSet::new()),
            confs: RefCell::new(HashSet::new()),
            spark_contexts: RefCell::new(HashSet::from(["sc".to_string()])),
            known_vars: Vec::new(),
            last_return: RefCell::new(None),
            master: RefCell::new(None),
            started: Cell::new(false),
            awaited: Cell::new(false),
        }
    }

    /// A fresh temporary name (`py_t1`, ...), never a user's.
    pub fn temp(&self, stem: &str) -> String {
        let n = self.tmp.get() + 1;
        self.tmp.set(n);
        format!("py_{stem}{n}")
    }

    pub fn err(
        &self,
        node: &impl ruff_text_size::Ranged,
        construct: impl Into<String>,
        hint: impl Into<String>,
    ) -> TranslateError {
        super::error_at(self.file, &self.lines, node, construct, hint)
    }

    /// Variables a shell session already has (never declared again, so never reset).
    pub fn with_variables(mut self, names: &[String]) -> Self {
        self.known_vars = names.to_vec();
        self
    }

    /// Whether `id` is one of the shell session's variables (Entry mode).
    pub fn is_session_variable(&self, id: &str) -> bool {
        self.mode == Mode::Entry && self.known_vars.iter().any(|v| v == id)
    }

    /// Functions a shell session defined in earlier entries.
    pub fn with_functions(mut self, names: &[String]) -> Self {
        for n in names {
            self.defs.entry(n.clone()).or_insert(FnSig {
                open: true,
                params: Vec::new(),
                defaults: Vec::new(),
            });
        }
        self
    }

    fn lines_mention(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.lines.source().contains(w))
    }

    pub fn note_start(&self) {
        self.started.set(true);
    }

    pub fn note_await(&self) {
        self.awaited.set(true);
    }

    pub fn translate(self, module: &'a ModModule) -> Result<String, TranslateError> {
        self.translate_with_master(module).map(|(rhai, _)| rhai)
    }

    /// The Rhai and the master URL the preamble names (`SparkContext("local[4]", ...)`).
    pub fn translate_with_master(
        mut self,
        module: &'a ModModule,
    ) -> Result<(String, Option<String>), TranslateError> {
        let body: &'a [Stmt] = &module.body;
        self.collect(body)?;
        let export_main = body.iter().find_map(|s| match s {
            Stmt::FunctionDef(f) if export_helpers::is_export_main(f) => Some(f.name.id.as_str()),
            _ => None,
        });
        let mut out = Vec::new();
        let mut scope = Scope::default();
        scope.declared.extend(self.known_vars.iter().cloned());
        // Functions first: Rhai sees them anywhere, a reader finds them at the top.
        for s in body {
            if let Stmt::FunctionDef(f) = s {
                let name = f.name.id.as_str();
                if self.drivers.contains_key(name)
                    || self.export_helpers.contains(name)
                    || Some(name) == export_main
                {
                    continue;
                }
                self.function(f, &mut out)?;
                out.push(String::new());
            }
        }
        let mut build_called = false;
        self.predeclare(body, &mut scope, 0, &mut out);
        for s in body {
            match s {
                Stmt::FunctionDef(_) => continue,
                Stmt::If(i) if is_main_guard(&i.test) => {
                    if export_main.is_some_and(|m| calls_only(&i.body, m)) {
                        continue;
                    }
                    build_called |= mentions_call(&i.body, "build");
                    self.block(&i.body, &mut scope, 0, &mut out)?;
                    if let Some(clause) = i.elif_else_clauses.first() {
                        return Err(self.err(
                            clause,
                            "an else branch of `if __name__ == \"__main__\"`",
                            "the program always runs as the main module",
                        ));
                    }
                }
                _ => {
                    build_called |= mentions_call(std::slice::from_ref(s), "build");
                    self.stmt(s, &mut scope, 0, &mut out)?
                }
            }
        }
        // A program without a StreamingContext (plain Python) does not start one.
        let streaming = self.drivers.contains_key("build")
            || self.started.get()
            || self.lines_mention(&["ssc", "StreamingContext"]);
        if self.mode == Mode::Program && streaming {
            if let Some(build) = self.drivers.get("build").copied()
                && !build_called
            {
                self.run_build(build, &mut scope, &mut out)?;
            }
            if !self.started.get() {
                out.push("ssc.start();".into());
                self.started.set(true);
            }
            if !self.awaited.get() {
                out.push("ssc.awaitTermination();".into());
            }
        }
        while out.first().is_some_and(|l| l.is_empty()) {
            out.remove(0);
        }
        let mut text = out.join("\n");
        text.push('\n');
        let master = self.master.borrow_mut().take();
        Ok((text, master))
    }

    /// The oracle's and the tests' shape: `def build(ssc, sc)` holds the pipeline; the
    /// context's batch interval is `BATCH_INTERVAL` (export) or `INTERVAL` (tests/cases).
    fn run_build(
        &self,
        build: &'a ast::StmtFunctionDef,
        scope: &mut Scope,
        out: &mut Vec<String>,
    ) -> Result<(), TranslateError> {
        let interval = ["BATCH_INTERVAL", "INTERVAL"]
            .iter()
            .find_map(|n| self.consts.get(*n).filter(|c| c.kind.is_number()));
        if !out.is_empty() {
            out.push(String::new());
        }
        if let Some(i) = interval
            && i.text != "1"
        {
            out.push(format!("let ssc = StreamingContext(sc, {});", i.text));
            scope.declared.insert("ssc".into());
        }
        // As the oracle's runner does for build(ssc, sc): a fresh checkpoint directory,
        // so stateful and inverse-window operations work without one in the program.
        if !format!("{:?}", build.body).contains("\"checkpoint\"") {
            out.push("ssc.checkpoint(py_temp_dir());".into());
        }
        let params = positional_names(build);
        for (p, host) in params.iter().zip(["ssc", "sc"]) {
            if *p != host {
                out.push(format!("let {} = {host};", rhai_name(p)));
                scope.declared.insert(p.to_string());
            }
        }
        self.driver_body(build, scope, 0, out)
    }

    /// A driver's statements at the top level (its locals become the script's variables).
    pub fn driver_body(
        &self,
        f: &'a ast::StmtFunctionDef,
        scope: &mut Scope,
        depth: usize,
        out: &mut Vec<String>,
    ) -> Result<(), TranslateError> {
        self.predeclare(&f.body, scope, depth, out);
        let last = f.body.len().saturating_sub(1);
        for (i, s) in f.body.iter().enumerate() {
            if let Stmt::Return(r) = s {
                match &r.value {
                    None => continue,
                    // `return ssc` at the end: getOrCreate's closure ends in that context.
                    Some(v) if i == last && matches!(&**v, Expr::Name(_)) => {
                        if let Expr::Name(n) = &**v {
                            *self.last_return.borrow_mut() = Some(n.id.to_string());
                        }
                        continue;
                    }
                    Some(v) if matches!(&**v, Expr::Name(n) if n.id.as_str() == "ssc") => continue,
                    Some(_) => {
                        return Err(self.err(
                            s,
                            format!("a value returned by `{}`", f.name.id),
                            "functions that build the pipeline run once at the top level; \
                             keep the value in a variable instead",
                        ));
                    }
                }
            }
            if let Stmt::FunctionDef(inner) = s {
                self.local_function(inner, scope, depth, out)?;
                continue;
            }
            self.stmt(s, scope, depth, out)?;
        }
        Ok(())
    }

    /// First pass: functions, drivers, constants, imports.
    fn collect(&mut self, body: &'a [Stmt]) -> Result<(), TranslateError> {
        for s in body {
            match s {
                Stmt::FunctionDef(f) => {
                    let name = f.name.id.to_string();
                    if export_helpers::is_export_helper(f, &self.lines) {
                        self.export_helpers.insert(name);
                    } else if is_driver(f) {
                        self.drivers.insert(name, f);
                    } else {
                        let mut params = Vec::new();
                        let mut defaults = Vec::new();
                        for p in f.parameters.posonlyargs.iter().chain(&f.parameters.args) {
                            params.push(p.parameter.name.id.to_string());
                            defaults.push(match &p.default {
                                Some(d) => Some(self.default_value(d).ok_or_else(|| {
                                    self.err(
                                        &**d,
                                        "a default value that is not a literal",
                                        "use a number, string, None, True/False or a tuple of them",
                                    )
                                })?),
                                None => None,
                            });
                        }
                        self.defs.insert(
                            name,
                            FnSig {
                                open: false,
                                params,
                                defaults,
                            },
                        );
                    }
                }
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        if let Expr::Name(n) = t {
                            let name = n.id.to_string();
                            if self.module_vars.contains(&name) {
                                // Assigned twice: not a constant.
                                self.consts.remove(&name);
                            } else if let Some(c) = self.literal_code(&a.value) {
                                self.consts.insert(name.clone(), c);
                            }
                            self.module_vars.insert(name);
                        }
                    }
                }
                Stmt::Import(_) | Stmt::ImportFrom(_) => self.import(s)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// A parameter's default: a literal, or a constant defined before the function.
    fn default_value(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Name(n) => self.consts.get(n.id.as_str()).map(|c| c.text.clone()),
            e => self.literal(e),
        }
    }

    /// A literal value (numbers, strings, None, booleans, tuples/lists/dicts of them), as Rhai.
    pub fn literal(&self, e: &Expr) -> Option<String> {
        self.literal_code(e).map(|c| c.text)
    }

    pub fn literal_code(&self, e: &Expr) -> Option<Code> {
        if !is_literal(e) {
            return None;
        }
        let mut scope = Scope::default();
        self.expr(e, &mut scope).ok()
    }

    /// Imports: pyspark's, and the few standard modules with a translation.
    fn import(&mut self, s: &Stmt) -> Result<(), TranslateError> {
        const MODULES: &[&str] = &[
            "operator",
            "math",
            "tempfile",
            "sys",
            "time",
            "argparse",
            "decimal",
            "functools",
            "findspark",
        ];
        let allowed = |m: &str| {
            m == "pyspark" || m.starts_with("pyspark.") || MODULES.contains(&m) || m == "__future__"
        };
        let refuse = |this: &Self, m: &str| {
            this.err(
                s,
                format!("`import {m}`"),
                "centella translates programs that use pyspark and the modules operator, math, \
                 tempfile (for a checkpoint directory), time and sys; do this part with \
                 Python's builtins and str methods, or write it in Rhai",
            )
        };
        match s {
            Stmt::Import(i) => {
                for a in &i.names {
                    let m = a.name.id.as_str();
                    if !allowed(m) {
                        return Err(refuse(self, m));
                    }
                    let local = a.asname.as_ref().unwrap_or(&a.name).id.to_string();
                    self.imports.insert(local, m.to_string());
                }
            }
            Stmt::ImportFrom(i) => {
                let m = i.module.as_ref().map(|m| m.id.as_str()).unwrap_or("");
                if i.level > 0 || !allowed(m) {
                    return Err(refuse(self, m));
                }
                for a in &i.names {
                    let local = a.asname.as_ref().unwrap_or(&a.name).id.to_string();
                    self.imports.insert(local, format!("{m}.{}", a.name.id));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// `__name__ == "__main__"`.
pub fn is_main_guard(e: &Expr) -> bool {
    let Expr::Compare(c) = e else { return false };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    c.ops.len() == 1
        && matches!(c.ops[0], ast::CmpOp::Eq)
        && ((is_name(&c.left) && is_main(&c.comparators[0]))
            || (is_main(&c.left) && is_name(&c.comparators[0])))
}

/// A function that builds or runs the pipeline: `build`, `main`, or one that takes or makes
/// the contexts. Its body runs once, at the top level, where it is called.
fn is_driver(f: &ast::StmtFunctionDef) -> bool {
    let name = f.name.id.as_str();
    if name == "build" || name == "main" {
        return true;
    }
    let params = positional_names(f);
    if params.iter().any(|p| matches!(*p, "ssc" | "sc" | "spark")) {
        return true;
    }
    let src = format!("{:?}", f.body);
    [
        "StreamingContext",
        "SparkContext",
        "SparkSession",
        "\"ssc\"",
        "\"sc\"",
    ]
    .iter()
    .any(|n| src.contains(n))
}

/// Whether these statements call `name(...)` as a statement.
fn mentions_call(body: &[Stmt], name: &str) -> bool {
    body.iter().any(|s| match s {
        Stmt::Expr(e) => {
            matches!(&*e.value, Expr::Call(c) if matches!(&*c.func, Expr::Name(n) if n.id.as_str() == name))
        }
        Stmt::If(i) => {
            mentions_call(&i.body, name)
                || i.elif_else_clauses.iter().any(|c| mentions_call(&c.body, name))
        }
        _ => false,
    })
}

/// `main(sys.argv[1:])` and nothing else.
fn calls_only(body: &[Stmt], name: &str) -> bool {
    body.len() == 1 && mentions_call(body, name)
}

/// Literal values (safe to inline into a function body).
pub fn is_literal(e: &Expr) -> bool {
    literal_within(e, 0)
}

fn literal_within(e: &Expr, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    let is_literal = |e: &Expr| literal_within(e, depth + 1);
    match e {
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_) => true,
        Expr::UnaryOp(u) => matches!(&*u.operand, Expr::NumberLiteral(_)),
        Expr::Tuple(t) => t.elts.iter().all(is_literal),
        Expr::List(l) => l.elts.iter().all(is_literal),
        Expr::Dict(d) => d
            .items
            .iter()
            .all(|i| i.key.as_ref().is_some_and(is_literal) && is_literal(&i.value)),
        _ => false,
    }
}

/// The names of a function's positional parameters, in order.
pub(super) fn positional_names(f: &ast::StmtFunctionDef) -> Vec<&str> {
    f.parameters
        .args
        .iter()
        .map(|p| p.parameter.name.id.as_str())
        .collect()
}
