//! The AST walk behind `centella export` (the rules are documented in `mod.rs`).

mod calls;
mod closures;
mod comments;
mod expressions;
mod infer;
mod methods;
mod program;
mod rhai_methods;
mod statements;
mod switch;
mod variables;

use infer::{Assumed, Seen};

use super::ExportError;
use super::types::{self, Kind, Returns, Ty};
use rhai::{AST, Engine, Expr, Position, Stmt};
use std::collections::{BTreeSet, HashMap, HashSet};

/// What every step of the translation returns: the Python, or where and why it cannot be.
type ExportResult<T> = Result<T, ExportError>;

/// A translated expression with Python's operator precedence (higher binds tighter).
#[derive(Clone)]
struct PyExpr {
    code: String,
    ty: Ty,
    prec: u8,
}

const P_LAMBDA: u8 = 0;

const P_OR: u8 = 1;

const P_AND: u8 = 2;

const P_NOT: u8 = 3;

const P_CMP: u8 = 4;

const P_BOR: u8 = 5;

const P_XOR: u8 = 6;

const P_BAND: u8 = 7;

const P_SHIFT: u8 = 8;

const P_ADD: u8 = 9;

const P_MUL: u8 = 10;

const P_UNARY: u8 = 11;

const P_POW: u8 = 12;

const P_ATOM: u8 = 13;

impl PyExpr {
    fn atom(code: String, kind: Kind) -> PyExpr {
        PyExpr::typed(code, Ty::of_kind(kind))
    }
    fn typed(code: String, ty: Ty) -> PyExpr {
        PyExpr {
            code,
            ty,
            prec: P_ATOM,
        }
    }
    fn kind(&self) -> Kind {
        self.ty.kind()
    }
    /// A tuple of `items` (a Rhai array in record position): `(a, b)`, `(a,)`, `()`.
    fn tuple(items: Vec<PyExpr>) -> PyExpr {
        let (code, tys): (Vec<String>, Vec<Ty>) = items.into_iter().map(|p| (p.code, p.ty)).unzip();
        PyExpr::typed(expressions::tuple_code(&code), Ty::Tuple(tys))
    }
    /// `a if c else b`, of either branch's type.
    fn conditional(a: PyExpr, c: PyExpr, b: PyExpr) -> PyExpr {
        PyExpr {
            code: format!("{} if {} else {}", a.at(P_OR), c.at(P_OR), b.at(P_LAMBDA)),
            ty: types::join(&a.ty, &b.ty),
            prec: P_LAMBDA,
        }
    }
    /// The code, parenthesised if it binds looser than `min`.
    fn at(&self, min: u8) -> String {
        if self.prec < min {
            format!("({})", self.code)
        } else {
            self.code.clone()
        }
    }
}

/// Python builtins the translation calls, and keywords: a Rhai variable with such a name is
/// renamed with a trailing `_`.
const RESERVED: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "class", "def", "del",
    "elif", "except", "finally", "from", "global", "is", "lambda", "nonlocal", "not", "or", "pass",
    "raise", "with", "yield", "list", "str", "len", "print", "range", "tuple", "int", "float",
    "abs", "max", "min", "all", "any", "sum", "map", "filter", "type", "math", "time", "sys",
    "main", "build", "dict", "set", "iter", "next", "id", "input", "object", "sorted",
];

/// What `main()` does after `ssc.start()`, from the script's statements after its start.
#[derive(Default)]
struct AfterStart {
    timeout: Option<String>,
    stop: Option<String>,
}

pub struct Translator<'a> {
    file: &'a str,
    /// The script's file name, for `# name.rhai:LINE` markers.
    script_name: String,
    source: &'a str,
    lines: Vec<&'a str>,
    ast: AST,
    /// What this pass assumes of types (what the previous ones saw).
    assumed: Assumed,
    /// What this pass sees.
    seen: Seen,
    /// Script functions used as values (`Fn("name")`): their callers are not all known.
    escaping: HashSet<String>,
    /// For each closure def being translated, the join of the types it returns.
    returns: Vec<Option<Ty>>,
    /// For each def being translated, what its caller makes of its results (records print
    /// Rhai arrays as tuples).
    shapes: Vec<Returns>,
    /// Script function bodies, extracted once (params, top-level statements).
    bodies: HashMap<String, (Vec<String>, Vec<Stmt>)>,
    /// The script's own functions (module-level defs).
    script_fns: HashSet<String>,
    /// The arrays mutated in the code being translated: they stay Python lists of their own.
    mutated: HashSet<String>,
    /// The Python helpers the program calls (`helpers.rs`).
    helpers: BTreeSet<&'static str>,
    uses_time: bool,
    uses_math: bool,
    /// The batch interval of the script's StreamingContext, as Python.
    interval: Option<String>,
    /// The variables that hold the StreamingContext.
    contexts: HashSet<String>,
    /// Whether `ssc.start()` has been seen at the top level.
    started: bool,
    after: AfterStart,
    /// The types of the variables in scope, innermost last.
    scopes: Vec<HashMap<String, Ty>>,
    /// Hoisted local `def`s for the statement being translated (lines relative to it).
    hoisted: Vec<Vec<String>>,
    /// How many local defs (`_f1`, `_f2`, ...) have been named.
    local_defs: usize,
    /// The source lines whose comments have been carried over.
    used_comments: HashSet<usize>,
}

impl<'a> Translator<'a> {
    pub fn run(file: &'a str, source: &'a str) -> ExportResult<String> {
        let mut engine = Engine::new();
        // `None`, `True`, `False` read as centella reads them.
        crate::tokens::map_python_names(&mut engine);
        // No optimisation: the AST must stay what the user wrote (no folded constants).
        engine.set_optimization_level(rhai::OptimizationLevel::None);
        engine.set_max_expr_depths(256, 256);
        let ast = engine.compile(source).map_err(|e| {
            let pos = e.position();
            ExportError {
                file: file.to_string(),
                line: pos.line().unwrap_or(0),
                col: pos.position().unwrap_or(0),
                message: format!("syntax error: {}", e.err_type()),
            }
        })?;
        let short = std::path::Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| file.to_string());
        infer::fixpoint(|assumed| {
            Translator::new(file, source, &short, ast.clone(), assumed).program_typed()
        })
    }

    fn new(
        file: &'a str,
        source: &'a str,
        short: &str,
        ast: AST,
        assumed: Assumed,
    ) -> Translator<'a> {
        Translator {
            file,
            script_name: short.to_string(),
            source,
            lines: source.lines().collect(),
            ast,
            assumed,
            seen: Seen::default(),
            returns: vec![],
            shapes: vec![],
            bodies: HashMap::new(),
            script_fns: HashSet::new(),
            escaping: HashSet::new(),
            mutated: HashSet::new(),
            helpers: BTreeSet::new(),
            uses_time: false,
            uses_math: false,
            interval: None,
            contexts: ["ssc".to_string()].into_iter().collect(),
            started: false,
            after: AfterStart::default(),
            scopes: vec![HashMap::new()],
            hoisted: vec![],
            local_defs: 0,
            used_comments: HashSet::new(),
        }
    }

    /// Translates the program, with what this pass saw of types.
    fn program_typed(mut self) -> ExportResult<(String, Seen)> {
        let py = self.program()?;
        Ok((py, self.seen))
    }

    fn err(&self, pos: Position, message: impl Into<String>) -> ExportError {
        ExportError {
            file: self.file.to_string(),
            line: pos.line().unwrap_or(0),
            col: pos.position().unwrap_or(0),
            message: message.into(),
        }
    }

    fn var_name(&self, name: &str) -> String {
        if RESERVED.contains(&name) {
            format!("{name}_")
        } else {
            name.to_string()
        }
    }

    /// Emits a helper and the helpers it calls.
    fn need_helper(&mut self, name: &'static str) {
        if self.helpers.insert(name) {
            for d in super::helpers::deps(name) {
                self.need_helper(d);
            }
        }
    }

    /// Runs `f` with `scope` as the innermost scope (a def's parameters, a branch's narrowed
    /// types); the scope is dropped whatever `f` returns.
    fn in_scope<T>(
        &mut self,
        scope: HashMap<String, Ty>,
        f: impl FnOnce(&mut Self) -> ExportResult<T>,
    ) -> ExportResult<T> {
        self.scopes.push(scope);
        let r = f(self);
        self.scopes.pop();
        r
    }

    /// Runs `then` and `otherwise` in the scopes that `if cond` gives its two branches
    /// (`x != ()` makes `x` not `()` in the first).
    fn branches<A, B>(
        &mut self,
        cond: &Expr,
        then: impl FnOnce(&mut Self) -> ExportResult<A>,
        otherwise: impl FnOnce(&mut Self) -> ExportResult<B>,
    ) -> ExportResult<(A, B)> {
        let (then_scope, else_scope) = self.narrowing(cond);
        let a = self.in_scope(then_scope, then)?;
        let b = self.in_scope(else_scope, otherwise)?;
        Ok((a, b))
    }

    fn ty_of(&self, name: &str) -> Ty {
        for s in self.scopes.iter().rev() {
            if let Some(t) = s.get(name) {
                return t.clone();
            }
        }
        match name {
            "sc" => Ty::Sc,
            _ if self.contexts.contains(name) => Ty::Ssc,
            _ => Ty::Unknown,
        }
    }
}
