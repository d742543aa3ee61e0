//! The AST walk behind `centella export` (the rules are documented in `mod.rs`).

mod infer;
mod switch;

use infer::{Assumed, Seen};

use super::ExportError;
use super::helpers::HELPERS;
use super::types::{self, Kind, Plus, Returns, ToRecord, Ty};
use rhai::{AST, ASTFlags, ASTNode, Dynamic, Engine, Expr, FnCallExpr, FnPtr, Position, Stmt};
use std::collections::{BTreeSet, HashMap, HashSet};

const IF_EXPR_SHAPE: &str =
    "an if-expression needs one expression in each branch (and an else) to be exported";

type R<T> = Result<T, ExportError>;

/// A translated expression with Python's operator precedence (higher binds tighter).
#[derive(Clone)]
struct Py {
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

impl Py {
    fn atom(code: String, kind: Kind) -> Py {
        Py::typed(code, Ty::of_kind(kind))
    }
    fn typed(code: String, ty: Ty) -> Py {
        Py {
            code,
            ty,
            prec: P_ATOM,
        }
    }
    fn kind(&self) -> Kind {
        self.ty.kind()
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

/// DStream methods that PySpark names the same and that return a DStream.
const DSTREAM_TRANSFORMS: &[&str] = &[
    "map",
    "flatMap",
    "filter",
    "mapValues",
    "flatMapValues",
    "glom",
    "mapPartitions",
    "mapPartitionsWithIndex",
    "reduce",
    "count",
    "countByValue",
    "reduceByKey",
    "groupByKey",
    "combineByKey",
    "partitionBy",
    "repartition",
    "union",
    "cogroup",
    "join",
    "leftOuterJoin",
    "rightOuterJoin",
    "fullOuterJoin",
    "transform",
    "transformWith",
    "window",
    "countByWindow",
    "countByValueAndWindow",
    "reduceByWindow",
    "reduceByKeyAndWindow",
    "groupByKeyAndWindow",
    "updateStateByKey",
    "cache",
    "persist",
    "checkpoint",
];
const DSTREAM_OUTPUTS: &[&str] = &["pprint", "foreachRDD", "saveAsTextFiles"];
/// RDD methods that return an RDD.
const RDD_TRANSFORMS: &[&str] = &[
    "map",
    "flatMap",
    "filter",
    "mapValues",
    "flatMapValues",
    "mapPartitions",
    "mapPartitionsWithIndex",
    "keyBy",
    "reduceByKey",
    "groupByKey",
    "combineByKey",
    "partitionBy",
    "sortByKey",
    "sortBy",
    "join",
    "leftOuterJoin",
    "rightOuterJoin",
    "fullOuterJoin",
    "cogroup",
    "union",
    "cartesian",
    "distinct",
    "keys",
    "values",
    "glom",
    "repartition",
    "coalesce",
    "zipWithIndex",
    "cache",
    "persist",
];
/// RDD actions (their results' types are in `types::action_result`).
const RDD_ACTIONS: &[&str] = &[
    "count",
    "collect",
    "take",
    "first",
    "top",
    "takeOrdered",
    "reduce",
    "fold",
    "countByKey",
    "countByValue",
    "isEmpty",
    "getNumPartitions",
    "foreach",
    "saveAsTextFile",
];
/// Rhai string methods that change the string in place (and return `()`), with Python's
/// expression for the new value.
const IN_PLACE_STR: &[(&str, &str)] = &[
    ("replace", "replace"),
    ("trim", "strip"),
    ("make_upper", "upper"),
    ("make_lower", "lower"),
];
/// Array methods that mutate the receiver: such arrays stay Python lists.
const MUTATING: &[&str] = &[
    "push", "insert", "pop", "shift", "clear", "append", "remove", "truncate", "sort", "reverse",
    "extend", "retain", "drain", "splice", "dedup",
];
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
    short: String,
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
    script_fns: HashSet<String>,
    mutated: HashSet<String>,
    helpers: BTreeSet<&'static str>,
    uses_time: bool,
    uses_math: bool,
    interval: Option<String>,
    contexts: HashSet<String>,
    started: bool,
    after: AfterStart,
    scopes: Vec<HashMap<String, Ty>>,
    /// Hoisted local `def`s for the statement being translated (lines relative to it).
    pre: Vec<Vec<String>>,
    counter: usize,
    used_comments: HashSet<usize>,
}

fn flags_break(f: ASTFlags) -> bool {
    f.intersects(ASTFlags::BREAK)
}

fn py_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn py_float(f: f64) -> String {
    let s = format!("{f:?}");
    if s == "inf" {
        "float(\"inf\")".into()
    } else if s == "-inf" {
        "-float(\"inf\")".into()
    } else if s == "NaN" {
        "float(\"nan\")".into()
    } else {
        s
    }
}

fn tuple_code(items: &[String]) -> String {
    match items.len() {
        0 => "()".into(),
        1 => format!("({},)", items[0]),
        _ => format!("({})", items.join(", ")),
    }
}

/// Where a `//` comment starts in a line, outside string literals; None if there is none.
fn comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == b'"' || c == b'`' || c == b'\'' {
                    quote = Some(c);
                } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

fn comment_text(line: &str) -> Option<String> {
    comment_start(line).map(|i| line[i..].trim_start_matches('/').trim().to_string())
}

fn is_whole_line_comment(line: &str) -> bool {
    line.trim_start().starts_with("//")
}

/// The closure behind an expression: a plain function pointer, or `curry(Fn, captured...)`.
fn closure_of(e: &Expr) -> Option<(String, Vec<String>)> {
    match e {
        Expr::DynamicConstant(d, _) => d
            .read_lock::<FnPtr>()
            .map(|p| (p.fn_name().to_string(), vec![])),
        Expr::Stmt(block) => {
            let stmts: Vec<&Stmt> = block
                .iter()
                .filter(|s| !matches!(s, Stmt::Share(..) | Stmt::Noop(..)))
                .collect();
            match stmts.as_slice() {
                [Stmt::Expr(inner)] => match inner.as_ref() {
                    Expr::FnCall(fc, _) if fc.name.as_str() == "curry" => {
                        let (name, _) = closure_of(fc.args.first()?)?;
                        let mut captured = vec![];
                        for a in fc.args.iter().skip(1) {
                            match a {
                                Expr::Variable(v, _, _) => captured.push(v.1.to_string()),
                                _ => return None,
                            }
                        }
                        Some((name, captured))
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_unit(e: &Expr) -> bool {
    matches!(e, Expr::Unit(_))
}

/// A chain `a.b(x)[i].c` as its base and (is_index, element) steps.
fn flatten_chain(e: &Expr) -> Option<(&Expr, Vec<(bool, &Expr)>)> {
    fn rest<'e>(node: &'e Expr, index: bool, out: &mut Vec<(bool, &'e Expr)>) {
        match node {
            Expr::Dot(x, f, _) if !flags_break(*f) => {
                out.push((index, &x.lhs));
                rest(&x.rhs, false, out);
            }
            Expr::Index(x, f, _) if !flags_break(*f) => {
                out.push((index, &x.lhs));
                rest(&x.rhs, true, out);
            }
            Expr::Dot(x, _, _) => {
                out.push((index, &x.lhs));
                out.push((false, &x.rhs));
            }
            Expr::Index(x, _, _) => {
                out.push((index, &x.lhs));
                out.push((true, &x.rhs));
            }
            other => out.push((index, other)),
        }
    }
    let mut out = vec![];
    match e {
        Expr::Dot(x, f, _) | Expr::Index(x, f, _) => {
            let index = matches!(e, Expr::Index(..));
            if flags_break(*f) {
                out.push((index, &x.rhs));
            } else {
                rest(&x.rhs, index, &mut out);
            }
            Some((&x.lhs, out))
        }
        _ => None,
    }
}

/// Whether a block always ends in a return (a value, `return` or `throw`), as the translation
/// of a function body writes it; otherwise Python may fall off its end and return None.
fn always_returns(stmts: &[Stmt]) -> bool {
    let last = stmts
        .iter()
        .rev()
        .find(|s| !matches!(s, Stmt::Share(..) | Stmt::Noop(..)));
    match last {
        Some(Stmt::Expr(e)) => match e.as_ref() {
            Expr::Stmt(b) if closure_of(e).is_none() => always_returns(b.statements()),
            Expr::Dot(d, _, _) => !matches!(&d.rhs,
                Expr::MethodCall(fc, _) if MUTATING.contains(&fc.name.as_str())),
            _ => true,
        },
        Some(Stmt::FnCall(..) | Stmt::Return(..)) => true,
        Some(Stmt::If(fc, _)) => {
            !fc.branch.is_empty()
                && always_returns(fc.body.statements())
                && always_returns(fc.branch.statements())
        }
        Some(Stmt::Block(b)) => always_returns(b.statements()),
        _ => false,
    }
}

fn collect_mutated(stmts: &[Stmt], out: &mut HashSet<String>) {
    for s in stmts {
        s.walk(&mut Vec::new(), &mut |path: &[ASTNode]| {
            match path.last() {
                Some(ASTNode::Stmt(Stmt::Assignment(x))) => {
                    // a[i] = v mutates a; x += [..] on an array too, but += is mostly numeric.
                    if let Expr::Index(ix, _, _) = &x.1.lhs
                        && let Expr::Variable(v, _, _) = &ix.lhs
                    {
                        out.insert(v.1.to_string());
                    }
                }
                Some(ASTNode::Expr(Expr::Dot(x, _, _))) => {
                    if let (Expr::Variable(v, _, _), Expr::MethodCall(fc, _)) = (&x.lhs, &x.rhs)
                        && MUTATING.contains(&fc.name.as_str())
                    {
                        out.insert(v.1.to_string());
                    }
                }
                _ => {}
            }
            true
        });
    }
}

impl<'a> Translator<'a> {
    pub fn run(file: &'a str, source: &'a str) -> R<String> {
        let mut engine = Engine::new();
        // `None`, `True`, `False` read as centella reads them.
        crate::script::pynames::map_python_names(&mut engine);
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
            short: short.to_string(),
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
            pre: vec![],
            counter: 0,
            used_comments: HashSet::new(),
        }
    }

    /// Translates the program, with what this pass saw of types.
    fn program_typed(mut self) -> R<(String, Seen)> {
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

    fn program(&mut self) -> R<String> {
        // Script functions (closures are `anon$...`).
        let mut fns: Vec<(usize, String, usize)> = vec![];
        let mut arity: HashMap<String, usize> = HashMap::new();
        for f in self.ast.iter_functions() {
            if f.name.starts_with("anon$") {
                continue;
            }
            if let Some(&n) = arity.get(f.name)
                && n != f.params.len()
            {
                return Err(self.err(
                    Position::new(self.fn_line(f.name) as u16, 1),
                    format!(
                        "fn {} is defined with {} and {} parameters: Python has no overloading",
                        f.name,
                        n,
                        f.params.len()
                    ),
                ));
            }
            arity.insert(f.name.to_string(), f.params.len());
            fns.push((self.fn_line(f.name), f.name.to_string(), f.params.len()));
        }
        fns.sort();
        for (_, name, _) in &fns {
            self.script_fns.insert(name.clone());
        }
        // Functions used as values: not every call is seen.
        let mut escaping = HashSet::new();
        self.ast.walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Expr(Expr::FnCall(fc, _))) = path.last()
                && fc.name.as_str() == "Fn"
                && let Some(Expr::StringConstant(s, _)) = fc.args.first()
            {
                escaping.insert(s.to_string());
            }
            true
        });
        self.escaping = escaping;
        let statements: Vec<Stmt> = self.ast.statements().to_vec();
        // Which arrays are mutated: the top level's and the closures' (they capture the top
        // level's variables); each script fn gets its own set while it is translated.
        let mut mutated = HashSet::new();
        collect_mutated(&statements, &mut mutated);
        let anon: Vec<String> = self
            .ast
            .iter_functions()
            .filter(|f| f.name.starts_with("anon$"))
            .map(|f| f.name.to_string())
            .collect();
        for name in &anon {
            let (_, body) = self.body_of(name);
            collect_mutated(&body, &mut mutated);
        }
        self.mutated = mutated;

        // Header: the script's leading comment block.
        let mut header = vec![];
        for (i, l) in self.lines.iter().enumerate() {
            if is_whole_line_comment(l) {
                header.push(format!("# {}", comment_text(l).unwrap_or_default()));
                self.used_comments.insert(i + 1);
            } else {
                break;
            }
        }

        // Module-level defs.
        let mut defs = vec![];
        for (line, name, _) in &fns {
            let mut lines = self.leading_comments(*line, 0);
            lines.extend(self.script_fn(name, *line)?);
            defs.push(lines);
        }

        // build(): the top-level statements.
        let mut body = vec![];
        let mut prev_line = 0;
        let starts: Vec<usize> = statements
            .iter()
            .map(|s| s.position().line().unwrap_or(0))
            .collect();
        for (k, s) in statements.iter().enumerate() {
            let line = s.position().line().unwrap_or(0);
            // Blank lines between statements carry over (at most one).
            if prev_line > 0 && line > prev_line + 1 {
                let gap = &self.lines[prev_line..line.saturating_sub(1)];
                if gap.iter().any(|l| l.trim().is_empty()) && !body.is_empty() {
                    body.push(String::new());
                }
            }
            body.extend(self.leading_comments(line, 1));
            self.top_stmt(s, &mut body)?;
            // Comments at the end of the statement's other lines follow it.
            let end = starts.get(k + 1).copied().unwrap_or(self.lines.len() + 1);
            for l in line + 1..end {
                let text = self.lines.get(l - 1).copied().unwrap_or("");
                if !is_whole_line_comment(text)
                    && !self.used_comments.contains(&l)
                    && let Some(c) = comment_text(text)
                {
                    self.used_comments.insert(l);
                    body.push(format!("    # {}:{l}: {c}", self.short));
                }
            }
            prev_line = line;
        }
        if body
            .iter()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            body.push("    pass".into());
        }

        let mut out = vec![];
        let stem = std::path::Path::new(self.file)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "job".into());
        out.push(format!(
            "# {stem}.py: generated by `centella export {}`, the same pipeline in PySpark's DStream API.",
            self.short
        ));
        out.push(format!(
            "#   python {stem}.py [--master local[2]] [--checkpoint DIR] [--timeout SECONDS]"
        ));
        out.push(format!("#   spark-submit {stem}.py"));
        out.push(
            "# build(ssc, sc) holds the pipeline; \"# FILE:LINE\" comments point at the Rhai source."
                .into(),
        );
        if !header.is_empty() {
            out.push("#".into());
            out.extend(header);
        }
        out.push(String::new());
        let mut imports = vec![];
        if self.helpers.contains("_float") {
            imports.push("import decimal");
        }
        if self.uses_math {
            imports.push("import math");
        }
        imports.push("import sys");
        if self.uses_time {
            imports.push("import time");
        }
        for i in imports {
            out.push(i.into());
        }
        out.push(String::new());
        out.push("from pyspark import SparkConf, SparkContext".into());
        out.push("from pyspark.streaming import StreamingContext".into());
        out.push(String::new());
        out.push(format!(
            "BATCH_INTERVAL = {}  # seconds",
            self.interval.clone().unwrap_or_else(|| "1".into())
        ));
        out.push(
            "CHECKPOINT_DIR = None  # --checkpoint DIR replaces the script's checkpoint directory"
                .into(),
        );
        for (name, code) in HELPERS {
            if self.helpers.contains(name) {
                out.push(String::new());
                out.push(String::new());
                out.push((*code).to_string());
            }
        }
        for d in defs {
            out.push(String::new());
            out.push(String::new());
            out.extend(d);
        }
        out.push(String::new());
        out.push(String::new());
        out.push("def build(ssc, sc):".into());
        out.extend(body);
        out.push(String::new());
        out.push(String::new());
        out.extend(self.main_fn(&stem));
        let mut text = out.join("\n");
        text.push('\n');
        Ok(text)
    }

    fn main_fn(&self, stem: &str) -> Vec<String> {
        let mut m = vec![
            "def main(argv):".to_string(),
            "    import argparse".into(),
            format!("    p = argparse.ArgumentParser(description={})", py_str(&format!("{stem}: exported from {} by centella", self.short))),
            "    p.add_argument(\"--master\", help=\"Spark master URL (default: spark-submit's, else local[2])\")".into(),
            "    p.add_argument(\"--checkpoint\", help=\"checkpoint directory\")".into(),
            "    p.add_argument(\"--timeout\", type=float, help=\"stop gracefully after this many seconds\")".into(),
            "    args = p.parse_args(argv)".into(),
            "    global CHECKPOINT_DIR".into(),
            "    CHECKPOINT_DIR = args.checkpoint".into(),
            format!("    conf = SparkConf().setAppName({})", py_str(stem)),
            "    if args.master:".into(),
            "        conf.setMaster(args.master)".into(),
            "    conf.setIfMissing(\"spark.master\", \"local[2]\")".into(),
            "    sc = SparkContext(conf=conf)".into(),
            "    sc.setLogLevel(\"ERROR\")".into(),
            "    ssc = StreamingContext(sc, BATCH_INTERVAL)".into(),
            "    build(ssc, sc)".into(),
            "    ssc.start()".into(),
        ];
        let timeout = self
            .after
            .timeout
            .clone()
            .map(|t| format!("args.timeout if args.timeout is not None else {t}"))
            .unwrap_or_else(|| "args.timeout".into());
        m.push(format!("    timeout = {timeout}"));
        m.push("    if timeout is None:".into());
        m.push("        ssc.awaitTermination()".into());
        m.push("    else:".into());
        m.push("        ssc.awaitTerminationOrTimeout(timeout)".into());
        m.push(format!(
            "        ssc.stop({})",
            self.after
                .stop
                .clone()
                .unwrap_or_else(|| "stopSparkContext=True, stopGraceFully=True".into())
        ));
        m.push(String::new());
        m.push(String::new());
        m.push("if __name__ == \"__main__\":".into());
        m.push("    main(sys.argv[1:])".into());
        m
    }

    fn fn_line(&self, name: &str) -> usize {
        let needle = format!("fn {name}(");
        self.lines
            .iter()
            .position(|l| l.contains(&needle))
            .map(|i| i + 1)
            .unwrap_or(0)
    }

    /// Whole-line comments right above `line` (not yet emitted), at `indent` levels.
    fn leading_comments(&mut self, line: usize, indent: usize) -> Vec<String> {
        let mut first = line;
        while first > 1 && is_whole_line_comment(self.lines[first - 2]) {
            first -= 1;
        }
        let pad = "    ".repeat(indent);
        let mut out = vec![];
        for l in first..line {
            if self.used_comments.insert(l) {
                out.push(format!(
                    "{pad}# {}",
                    comment_text(self.lines[l - 1]).unwrap_or_default()
                ));
            }
        }
        out
    }

    /// `# file:line` plus a trailing `//` comment of that line.
    fn marker(&mut self, line: usize) -> String {
        let mut m = format!("  # {}:{line}", self.short);
        if line > 0
            && line <= self.lines.len()
            && !self.used_comments.contains(&line)
            && let Some(c) = comment_text(self.lines[line - 1])
        {
            if !c.is_empty() {
                m.push_str(": ");
                m.push_str(&c);
            }
            self.used_comments.insert(line);
        }
        m
    }

    /// The parameters and top-level statements of a script function or closure. Rhai does
    /// not export the body's type, so keep just that function in a functions-only clone and
    /// walk it: its top-level statements are the walk's depth-1 nodes.
    fn body_of(&mut self, name: &str) -> (Vec<String>, Vec<Stmt>) {
        if let Some(b) = self.bodies.get(name) {
            return b.clone();
        }
        let mut only = self.ast.clone_functions_only();
        only.retain_functions(|_, _, n, _| n == name);
        let params: Vec<String> = only
            .iter_functions()
            .next()
            .map(|f| f.params.iter().map(|p| p.to_string()).collect())
            .unwrap_or_default();
        let mut stmts = vec![];
        only.walk(&mut |path: &[ASTNode]| {
            if let [ASTNode::Stmt(s)] = path {
                stmts.push((*s).clone());
            }
            true
        });
        let b = (params, stmts);
        self.bodies.insert(name.to_string(), b.clone());
        b
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

    fn script_fn(&mut self, name: &str, line: usize) -> R<Vec<String>> {
        let (params, body) = self.body_of(name);
        let mut own = HashSet::new();
        collect_mutated(&body, &mut own);
        let outer = std::mem::replace(&mut self.mutated, own);
        let r = self.script_fn_inner(name, line, &params, &body);
        self.mutated = outer;
        r
    }

    fn script_fn_inner(
        &mut self,
        name: &str,
        line: usize,
        params: &[String],
        body: &[Stmt],
    ) -> R<Vec<String>> {
        let pnames: Vec<String> = params.iter().map(|p| self.var_name(p)).collect();
        let mut out = vec![format!(
            "def {}({}):{}",
            self.var_name(name),
            pnames.join(", "),
            self.marker(line)
        )];
        let mut scope = HashMap::new();
        for (i, p) in params.iter().enumerate() {
            if self.mutated.contains(p) {
                // Rhai passes arrays by value: the caller's array must not change.
                out.push(format!(
                    "    {0} = list({0})  # Rhai arrays are values",
                    self.var_name(p)
                ));
            }
            scope.insert(p.clone(), self.param_ty(name, i, p));
        }
        self.scopes.push(scope);
        self.returns.push(None);
        self.shapes.push(Returns::Value);
        let r = self.block(body, 1, true, &mut out);
        self.shapes.pop();
        let returned = self.returns.pop().flatten();
        self.scopes.pop();
        r?;
        let ret = match returned {
            Some(t) if always_returns(body) => t,
            Some(t) => types::join(&t, &Ty::Unit),
            None => Ty::Unit,
        };
        self.seen.rets.insert(name.to_string(), ret);
        Ok(out)
    }

    fn top_stmt(&mut self, s: &Stmt, out: &mut Vec<String>) -> R<()> {
        let line = s.position().line().unwrap_or(0);
        // Context lifecycle calls belong to main(), which starts and awaits the context.
        if let Stmt::Expr(e) = s
            && let Some((method, args, pos)) = self.context_call(e)
        {
            match method.as_str() {
                "start" => {
                    self.started = true;
                    let m = self.marker(line);
                    out.push(format!(
                        "    # ssc.start(): main() starts the context after build(){m}"
                    ));
                    return Ok(());
                }
                "awaitTermination" => {
                    let m = self.marker(line);
                    out.push(format!("    # ssc.awaitTermination(): done by main(){m}"));
                    return Ok(());
                }
                "awaitTerminationOrTimeout" => {
                    let t = match args.first() {
                        Some(a) => self.expr(a)?.code,
                        None => {
                            return Err(self.err(pos, "awaitTerminationOrTimeout needs a timeout"));
                        }
                    };
                    self.after.timeout = Some(t.clone());
                    let m = self.marker(line);
                    out.push(format!(
                        "    # ssc.awaitTerminationOrTimeout({t}): done by main(){m}"
                    ));
                    return Ok(());
                }
                "stop" => {
                    let mut a = vec![];
                    for x in &args {
                        a.push(self.expr(x)?.code);
                    }
                    let stop = a.join(", ");
                    self.after.stop = Some(if stop.is_empty() {
                        "stopSparkContext=True, stopGraceFully=True".into()
                    } else {
                        stop.clone()
                    });
                    let m = self.marker(line);
                    out.push(format!("    # ssc.stop({stop}): done by main(){m}"));
                    return Ok(());
                }
                "tick" => {
                    return Err(self.err(
                        pos,
                        "ssc.tick() drives centella's manual clock; Spark has no manual clock, \
                             remove the ticks (main() runs the batches on Spark's clock)",
                    ));
                }
                _ => {}
            }
        }
        if self.started {
            return Err(self.err(
                s.position(),
                "statements after ssc.start() (other than awaitTermination, \
                 awaitTerminationOrTimeout and stop) cannot be exported: PySpark builds the \
                 pipeline before start",
            ));
        }
        self.stmt(s, 1, false, out, true)
    }

    /// `ssc.method(args)` as a statement, for a StreamingContext variable.
    fn context_call(&self, e: &Expr) -> Option<(String, Vec<Expr>, Position)> {
        if let Expr::Dot(x, _, _) = e
            && let (Expr::Variable(v, _, _), Expr::MethodCall(fc, pos)) = (&x.lhs, &x.rhs)
            && self.contexts.contains(v.1.as_str())
        {
            return Some((fc.name.to_string(), fc.args.to_vec(), *pos));
        }
        None
    }

    fn block(&mut self, stmts: &[Stmt], indent: usize, ret: bool, out: &mut Vec<String>) -> R<()> {
        let real: Vec<&Stmt> = stmts
            .iter()
            .filter(|s| !matches!(s, Stmt::Share(..) | Stmt::Noop(..)))
            .collect();
        let start = out.len();
        for (i, s) in real.iter().enumerate() {
            let line = s.position().line().unwrap_or(0);
            if line > 0 {
                out.extend(self.leading_comments(line, indent));
            }
            self.stmt(s, indent, ret && i + 1 == real.len(), out, false)?;
        }
        if out[start..].iter().all(|l| l.trim_start().starts_with('#')) {
            out.push(format!("{}pass", "    ".repeat(indent)));
        }
        Ok(())
    }

    fn stmt(
        &mut self,
        s: &Stmt,
        indent: usize,
        ret: bool,
        out: &mut Vec<String>,
        top: bool,
    ) -> R<()> {
        let pad = "    ".repeat(indent);
        let line = s.position().line().unwrap_or(0);
        let marker = if top {
            self.marker(line)
        } else {
            self.same_line_comment(line)
        };
        self.pre.push(vec![]);
        let mut lines: Vec<String> = vec![];
        match s {
            Stmt::Noop(_) | Stmt::Share(_) => {}
            Stmt::Var(x, _, _) => {
                let name = x.0.name.to_string();
                let py = self.let_value(&name, &x.1)?;
                self.set_ty(&name, py.ty.clone());
                lines.push(format!(
                    "{pad}{} = {}{marker}",
                    self.var_name(&name),
                    py.code
                ));
            }
            Stmt::Assignment(x) => {
                let (op, bin) = (&x.0, &x.1);
                let lhs = self.expr(&bin.lhs)?;
                let rhs = match (&bin.lhs, op.get_op_assignment_info()) {
                    // An array that is mutated gets a list of its own.
                    (Expr::Variable(v, _, _), None) if self.mutated.contains(v.1.as_str()) => {
                        self.list_value(&v.1, &bin.rhs)?
                    }
                    _ => self.expr(&bin.rhs)?,
                };
                let rhs_ty = rhs.ty.clone();
                let (code, ty) = match op.get_op_assignment_info() {
                    None => (format!("{} = {}", lhs.code, rhs.code), rhs.ty),
                    Some((.., "+")) => match types::plus(&lhs.ty, &rhs.ty) {
                        Plus::Plain(t) => (format!("{} += {}", lhs.code, rhs.code), t),
                        Plus::Concat => {
                            let v = self.binary("+", lhs.clone(), rhs, op.position())?;
                            (format!("{} = {}", lhs.code, v.code), v.ty)
                        }
                        Plus::Helper => {
                            // Rhai's += also appends a single element to an array.
                            self.need_helper("_iadd");
                            (
                                format!("{0} = _iadd({0}, {1})", lhs.code, rhs.code),
                                Ty::Unknown,
                            )
                        }
                    },
                    Some((.., syntax)) if matches!(syntax, "-" | "*") => {
                        let t = types::arith(&lhs.ty, &rhs.ty);
                        (format!("{} {syntax}= {}", lhs.code, rhs.code), t)
                    }
                    Some((.., syntax)) => {
                        let v = self.binary(syntax, lhs.clone(), rhs, op.position())?;
                        (format!("{} = {}", lhs.code, v.code), v.ty)
                    }
                };
                match &bin.lhs {
                    Expr::Variable(v, _, _) => {
                        if op.get_op_assignment_info().is_some() {
                            // `a += x` appends x, or x's elements, to an array.
                            let t = if rhs_ty.kind() == Kind::Array {
                                rhs_ty.elem()
                            } else {
                                rhs_ty.clone()
                            };
                            let code = self.var_name(&v.1);
                            self.pushed_into(&code, t);
                        }
                        self.assigned(&v.1, &ty);
                    }
                    Expr::Index(ix, _, _) => {
                        if let Expr::Variable(v, _, _) = &ix.lhs {
                            let code = self.var_name(&v.1);
                            self.pushed_into(&code, rhs_ty.clone());
                        }
                    }
                    _ => {}
                }
                lines.push(format!("{pad}{code}{marker}"));
            }
            Stmt::Expr(e) => {
                // A returned in-place method is its value form (the new string), as in
                // centella's runtime (`script/in_place.rs`).
                if let Some(code) = if ret { None } else { self.in_place(e)? } {
                    lines.push(format!("{pad}{code}{marker}"));
                } else if let (true, Expr::Stmt(b)) = (ret, e.as_ref()) {
                    if closure_of(e).is_none() {
                        // A block whose value is returned: its statements, last one returned.
                        let stmts = b.statements().to_vec();
                        let p = self.pre.pop().unwrap_or_default();
                        out.extend(p.into_iter().map(|l| format!("{pad}{l}")));
                        return self.block(&stmts, indent, true, out);
                    }
                    let py = self.expr(e)?;
                    self.note_return(&py.ty);
                    lines.push(format!("{pad}return {}{marker}", py.code));
                } else {
                    let unit_call = matches!(e.as_ref(), Expr::Dot(d, _, _)
                        if matches!(&d.rhs, Expr::MethodCall(fc, _) if MUTATING.contains(&fc.name.as_str())));
                    let py = if ret && !unit_call {
                        self.returned(e)?
                    } else {
                        self.expr(e)?
                    };
                    if ret && !unit_call {
                        self.note_return(&py.ty);
                        lines.push(format!("{pad}return {}{marker}", py.code));
                    } else {
                        lines.push(format!("{pad}{}{marker}", py.code));
                    }
                }
            }
            Stmt::FnCall(fc, pos) => {
                let py = self.fn_call(fc, *pos)?;
                if ret {
                    let shape = self.shapes.last().copied().unwrap_or(Returns::Value);
                    let py = self.reshape(py, shape);
                    self.note_return(&py.ty);
                    lines.push(format!("{pad}return {}{marker}", py.code));
                } else {
                    lines.push(format!("{pad}{}{marker}", py.code));
                }
            }
            Stmt::If(fc, _) => {
                let cond = self.expr(&fc.expr)?.code;
                let (then_scope, else_scope) = self.narrowing(&fc.expr);
                lines.push(format!("{pad}if {}:{marker}", cond));
                let body = fc.body.statements().to_vec();
                self.scopes.push(then_scope);
                let r = self.block(&body, indent + 1, ret, &mut lines);
                self.scopes.pop();
                r?;
                let branch = fc.branch.statements().to_vec();
                self.scopes.push(else_scope);
                let r = self.if_branch(&branch, indent, ret, &mut lines);
                self.scopes.pop();
                r?;
            }
            Stmt::For(x, _) => {
                let (var, counter, fc) = (&x.0, &x.1, &x.2);
                let iter = self.expr(&fc.expr)?;
                let elem = match &iter.ty {
                    Ty::RddList => Ty::Rdd(Box::new(Ty::Unknown)),
                    t => t.elem(),
                };
                self.set_ty(&var.name, elem);
                let head = match counter {
                    Some(c) => format!(
                        "for {}, {} in enumerate({}):",
                        self.var_name(&c.name),
                        self.var_name(&var.name),
                        iter.code
                    ),
                    None => format!("for {} in {}:", self.var_name(&var.name), iter.code),
                };
                lines.push(format!("{pad}{head}{marker}"));
                let body = fc.body.statements().to_vec();
                self.block(&body, indent + 1, false, &mut lines)?;
            }
            Stmt::While(fc, _) => {
                let cond = if is_unit(&fc.expr) {
                    "True".to_string()
                } else {
                    self.expr(&fc.expr)?.code
                };
                lines.push(format!("{pad}while {cond}:{marker}"));
                let body = fc.body.statements().to_vec();
                self.block(&body, indent + 1, false, &mut lines)?;
            }
            Stmt::BreakLoop(value, flags, pos) => {
                if value.is_some() {
                    return Err(self.err(*pos, "break with a value"));
                }
                let w = if flags_break(*flags) {
                    "break"
                } else {
                    "continue"
                };
                lines.push(format!("{pad}{w}{marker}"));
            }
            Stmt::Return(value, flags, pos) => {
                let v = match value {
                    Some(e) if flags_break(*flags) => Some(self.expr(e)?.code),
                    Some(e) => {
                        let py = self.returned(e)?;
                        self.note_return(&py.ty);
                        Some(py.code)
                    }
                    None => {
                        self.note_return(&Ty::Unit);
                        None
                    }
                };
                if flags_break(*flags) {
                    let v = v.ok_or_else(|| self.err(*pos, "throw without a value"))?;
                    self.need_helper("_str");
                    lines.push(format!("{pad}raise RuntimeError(_str({v})){marker}"));
                } else {
                    lines.push(format!(
                        "{pad}return {}{marker}",
                        v.unwrap_or_else(|| "None".into())
                    ));
                }
            }
            Stmt::Block(b) => {
                let stmts = b.statements().to_vec();
                self.block(&stmts, indent, ret, &mut lines)?;
            }
            Stmt::Switch(x, pos) => {
                self.switch_stmt(x, *pos, indent, ret, &marker, &mut lines)?;
            }
            Stmt::Do(_, _, pos) => {
                return Err(self.err(
                    *pos,
                    "do ... while/until is not supported by export; use while",
                ));
            }
            Stmt::TryCatch(_, pos) => {
                return Err(self.err(*pos, "try / catch is not supported by export"));
            }
            Stmt::Import(_, pos) => return Err(self.err(*pos, "import is not supported by export")),
            Stmt::Export(_, pos) => return Err(self.err(*pos, "export is not supported by export")),
            _ => return Err(self.err(s.position(), "this statement is not supported by export")),
        }
        let hoisted = self.pre.pop().unwrap_or_default();
        out.extend(hoisted.into_iter().map(|l| format!("{pad}{l}")));
        out.extend(lines);
        Ok(())
    }

    /// The `else` of an `if` statement: `elif` for an `else if`.
    fn if_branch(
        &mut self,
        branch: &[Stmt],
        indent: usize,
        ret: bool,
        lines: &mut Vec<String>,
    ) -> R<()> {
        let pad = "    ".repeat(indent);
        if branch.is_empty() {
            return Ok(());
        }
        if let [Stmt::If(..)] = branch {
            let mut sub = vec![];
            self.stmt(&branch[0], indent, ret, &mut sub, false)?;
            if let Some(first) = sub.first_mut() {
                *first = format!("{pad}el{}", first.trim_start());
            }
            lines.extend(sub);
        } else {
            lines.push(format!("{pad}else:"));
            self.block(branch, indent + 1, ret, lines)?;
        }
        Ok(())
    }

    fn same_line_comment(&mut self, line: usize) -> String {
        if line == 0 || line > self.lines.len() || self.used_comments.contains(&line) {
            return String::new();
        }
        let l = self.lines[line - 1];
        if is_whole_line_comment(l) {
            return String::new();
        }
        match comment_text(l) {
            Some(c) => {
                self.used_comments.insert(line);
                format!("  # {c}")
            }
            None => String::new(),
        }
    }

    /// `s.replace(a, b);` as a statement: Rhai changes `s` in place, Python rebinds it.
    fn in_place(&mut self, e: &Expr) -> R<Option<String>> {
        if let Expr::Dot(x, _, _) = e
            && let (Expr::Variable(v, _, _), Expr::MethodCall(fc, _)) = (&x.lhs, &x.rhs)
            && let Some((_, py)) = IN_PLACE_STR.iter().find(|(r, _)| *r == fc.name.as_str())
        {
            let name = self.var_name(&v.1);
            let mut args = vec![];
            for a in fc.args.iter() {
                args.push(self.expr(a)?.code);
            }
            return Ok(Some(format!("{name} = {name}.{py}({})", args.join(", "))));
        }
        // `truncate` and `clear` also change a *string* in place (on an array they are list
        // methods): rebinding keeps Rhai's meaning.
        if let Expr::Dot(x, _, _) = e
            && let (Expr::Variable(v, _, _), Expr::MethodCall(fc, _)) = (&x.lhs, &x.rhs)
            && matches!(fc.name.as_str(), "truncate" | "clear")
            && self.expr(&x.lhs)?.ty == Ty::Str
        {
            let name = self.var_name(&v.1);
            return Ok(Some(match (fc.name.as_str(), fc.args.first()) {
                ("clear", None) => format!("{name} = \"\""),
                ("truncate", Some(Expr::IntegerConstant(n, _))) if *n >= 0 => {
                    format!("{name} = {name}[:{n}]")
                }
                // Rhai keeps nothing for a negative length; Python's slice would count from
                // the end.
                ("truncate", Some(a)) => {
                    let n = self.expr(a)?;
                    format!("{name} = {name}[:max({}, 0)]", n.code)
                }
                _ => return Ok(None),
            }));
        }
        Ok(None)
    }

    fn let_value(&mut self, name: &str, e: &Expr) -> R<Py> {
        // `let ssc2 = StreamingContext(sc, secs)`: build() gets the one context, whose batch
        // interval becomes BATCH_INTERVAL.
        if let Expr::FnCall(fc, pos) = e
            && fc.name.as_str() == "StreamingContext"
        {
            let secs = match fc.args.get(1) {
                Some(Expr::IntegerConstant(n, _)) => n.to_string(),
                Some(Expr::FloatConstant(f, _)) => py_float(**f),
                _ => {
                    return Err(self.err(
                        *pos,
                        "StreamingContext(sc, secs) needs a literal number of seconds",
                    ));
                }
            };
            if let Some(old) = &self.interval
                && *old != secs
            {
                return Err(self.err(
                    *pos,
                    "a second StreamingContext with another interval: a PySpark program has one",
                ));
            }
            self.interval = Some(secs.clone());
            self.contexts.insert(name.to_string());
            return Ok(Py::atom(
                format!("ssc  # StreamingContext(sc, {secs}): main() makes it with BATCH_INTERVAL"),
                Kind::Ssc,
            ));
        }
        if self.mutated.contains(name) {
            return self.list_value(name, e);
        }
        self.expr(e)
    }

    /// The value of a variable that is mutated as an array (`push`, `a[i] = ...`): a Python
    /// list of its own. An array literal is a list literal; an array from a variable (or an
    /// if-expression's branch, or anything that may be a tuple) is copied into a new list, as
    /// Rhai arrays are values; a value known not to be an array is left as it is.
    fn list_value(&mut self, name: &str, e: &Expr) -> R<Py> {
        let code = self.var_name(name);
        let elems = self.assumed_elems(name);
        match e {
            Expr::Array(items, _) => {
                let mut v = vec![];
                for i in items.iter() {
                    let py = self.expr(i)?;
                    self.pushed_into(&code, py.ty);
                    v.push(py.code);
                }
                return Ok(Py::typed(
                    format!("[{}]", v.join(", ")),
                    Ty::List(Box::new(elems)),
                ));
            }
            Expr::Stmt(b) => {
                if let [Stmt::If(fc, _)] = b.statements()
                    && let ([Stmt::Expr(x)], [Stmt::Expr(y)]) =
                        (fc.body.statements(), fc.branch.statements())
                {
                    let c = self.expr(&fc.expr)?;
                    let (then_scope, else_scope) = self.narrowing(&fc.expr);
                    self.scopes.push(then_scope);
                    let a = self.list_value(name, x);
                    self.scopes.pop();
                    let a = a?;
                    self.scopes.push(else_scope);
                    let b = self.list_value(name, y);
                    self.scopes.pop();
                    let b = b?;
                    return Ok(Py {
                        code: format!("{} if {} else {}", a.at(P_OR), c.at(P_OR), b.at(P_LAMBDA)),
                        ty: types::join(&a.ty, &b.ty),
                        prec: P_LAMBDA,
                    });
                }
            }
            _ => {}
        }
        let py = self.expr(e)?;
        let copied = matches!(e, Expr::Variable(..) | Expr::Dot(..) | Expr::Index(..));
        let ty = match &py.ty {
            // Rhai keeps the list tag of a copy.
            Ty::SparkList(_) => Ty::SparkList(Box::new(elems)),
            _ => Ty::List(Box::new(elems)),
        };
        match &py.ty {
            // Not an array: as it is (a string has `pop`, `clear`, ... too).
            t if !matches!(t.kind(), Kind::Array | Kind::Unknown) || *t == Ty::Unit => {
                self.pushed_into(&code, Ty::Unknown);
                Ok(py)
            }
            // A new list (`split`, `+` of lists): nothing else holds it.
            Ty::List(t) | Ty::SparkList(t) if !copied => {
                self.pushed_into(&code, (**t).clone());
                Ok(Py { ty, ..py })
            }
            Ty::Unknown if !copied => {
                // A call of unknown result: as before, its kind only.
                self.pushed_into(&code, Ty::Unknown);
                Ok(py)
            }
            t => {
                self.pushed_into(&code, t.elem());
                // Rhai copies arrays on assignment; Python would share the list.
                Ok(Py::typed(format!("list({})", py.code), ty))
            }
        }
    }

    /// Whether an argument is a function value (not a closure literal): `Fn("name")` or a
    /// variable holding a closure.
    fn is_function_value(&self, e: &Expr) -> bool {
        match e {
            Expr::FnCall(fc, _) => fc.name.as_str() == "Fn",
            Expr::Variable(v, _, _) => matches!(self.ty_of(&v.1), Ty::Fn(_)),
            _ => false,
        }
    }

    /// A value the def being translated returns, as its caller needs it.
    fn returned(&mut self, e: &Expr) -> R<Py> {
        let shape = self.shapes.last().copied().unwrap_or(Returns::Value);
        self.shaped(e, shape)
    }

    /// A value returned to a caller that makes `shape` of it. In a record, the Python lists
    /// that stand for Rhai arrays become tuples (centella prints them so); an array literal's
    /// elements are converted one by one, so `[x, a]` is `(x, tuple(a))`.
    fn shaped(&mut self, e: &Expr, shape: Returns) -> R<Py> {
        match (shape, e) {
            (Returns::Value, _) => self.expr(e),
            // Either way, the literal's elements are records.
            (_, Expr::Array(items, _)) => {
                let mut v = vec![];
                let mut tys = vec![];
                for i in items.iter() {
                    let py = self.shaped(i, Returns::Record)?;
                    v.push(py.code);
                    tys.push(py.ty);
                }
                Ok(Py::typed(tuple_code(&v), Ty::Tuple(tys)))
            }
            _ => {
                let py = self.expr(e)?;
                Ok(self.reshape(py, shape))
            }
        }
    }

    /// A translated value returned to a caller that makes `shape` of it (see `shaped`).
    fn reshape(&mut self, py: Py, shape: Returns) -> Py {
        let convert = match shape {
            Returns::Value => ToRecord::Keep,
            Returns::Record => types::to_record(&py.ty),
            Returns::Records => types::to_records(&py.ty),
        };
        let ty = match shape {
            Returns::Records => Ty::TupleOf(Box::new(types::as_record(&py.ty.elem()))),
            _ => types::as_record(&py.ty),
        };
        match convert {
            ToRecord::Keep => py,
            ToRecord::Tuple => Py::typed(format!("tuple({})", py.code), ty),
            ToRecord::Helper => {
                self.need_helper("_tup");
                Py::typed(format!("_tup({})", py.code), ty)
            }
        }
    }

    /// `if c { a } else { b }` as a value: Python's conditional expression. An `else if`
    /// chain nests (`a if c else b if d else e`).
    fn if_expr(&mut self, fc: &rhai::FlowControl, pos: Position) -> R<Py> {
        let body = fc.body.statements();
        let branch: Vec<&Stmt> = fc
            .branch
            .statements()
            .iter()
            .filter(|s| !matches!(s, Stmt::Noop(..)))
            .collect();
        let [Stmt::Expr(a)] = body else {
            return Err(self.err(pos, IF_EXPR_SHAPE));
        };
        let c = self.expr(&fc.expr)?;
        let (then_scope, else_scope) = self.narrowing(&fc.expr);
        self.scopes.push(then_scope);
        let a = self.expr(a);
        self.scopes.pop();
        let a = a?;
        self.scopes.push(else_scope);
        let b = match branch.as_slice() {
            [Stmt::Expr(b)] => self.expr(b),
            [Stmt::If(inner, inner_pos)] => self.if_expr(inner, *inner_pos),
            _ => Err(self.err(pos, IF_EXPR_SHAPE)),
        };
        self.scopes.pop();
        let b = b?;
        Ok(Py {
            code: format!("{} if {} else {}", a.at(P_OR), c.at(P_OR), b.at(P_LAMBDA)),
            ty: types::join(&a.ty, &b.ty),
            prec: P_LAMBDA,
        })
    }

    fn expr(&mut self, e: &Expr) -> R<Py> {
        if let Some((name, captured)) = closure_of(e) {
            return self.closure(
                &name,
                &captured,
                &[],
                e.start_position(),
                false,
                Returns::Value,
            );
        }
        Ok(match e {
            Expr::DynamicConstant(d, pos) => self.dynamic(d, *pos)?,
            Expr::BoolConstant(b, _) => {
                Py::typed(if *b { "True" } else { "False" }.into(), Ty::Bool)
            }
            Expr::IntegerConstant(n, _) => {
                let p = if *n < 0 { P_UNARY } else { P_ATOM };
                Py {
                    code: n.to_string(),
                    ty: Ty::Int,
                    prec: p,
                }
            }
            Expr::FloatConstant(f, _) => {
                let s = py_float(**f);
                let p = if s.starts_with('-') { P_UNARY } else { P_ATOM };
                Py {
                    code: s,
                    ty: Ty::Float,
                    prec: p,
                }
            }
            Expr::CharConstant(c, _) => Py::atom(py_str(&c.to_string()), Kind::Str),
            Expr::StringConstant(s, _) => Py::atom(py_str(s), Kind::Str),
            Expr::InterpolatedString(parts, _) => {
                let mut code = String::from("f\"");
                for p in parts.iter() {
                    match p {
                        Expr::StringConstant(s, _) => {
                            let q = py_str(s);
                            let inner = &q[1..q.len() - 1];
                            code.push_str(&inner.replace('{', "{{").replace('}', "}}"));
                        }
                        other => {
                            let v = match other {
                                Expr::Stmt(b) => match b.statements() {
                                    [Stmt::Expr(x)] => self.expr(x)?,
                                    _ => {
                                        return Err(self.err(
                                            other.start_position(),
                                            "a statement block inside ${...}",
                                        ));
                                    }
                                },
                                x => self.expr(x)?,
                            };
                            let shown = match v.ty {
                                Ty::Str | Ty::Int | Ty::Time => v.code,
                                _ => self.str_of(v).code,
                            };
                            if shown.contains('"') || shown.contains('\\') {
                                return Err(self.err(
                                    other.start_position(),
                                    "a string literal inside ${...}: use a variable",
                                ));
                            }
                            code.push('{');
                            code.push_str(&shown);
                            code.push('}');
                        }
                    }
                }
                code.push('"');
                Py::atom(code, Kind::Str)
            }
            Expr::Array(items, _) => {
                let mut v = vec![];
                let mut tys = vec![];
                for i in items.iter() {
                    let py = self.expr(i)?;
                    v.push(py.code);
                    tys.push(py.ty);
                }
                Py::typed(tuple_code(&v), Ty::Tuple(tys))
            }
            Expr::Map(_, pos) => {
                return Err(self.err(*pos, "object maps (#{...}) are not supported by export"));
            }
            Expr::Unit(_) => Py::typed("None".into(), Ty::Unit),
            Expr::Variable(v, _, pos) => {
                if !v.2.is_empty() {
                    return Err(self.err(*pos, "module paths (a::b) are not supported by export"));
                }
                let name = v.1.to_string();
                Py::typed(self.var_name(&name), self.ty_of(&name))
            }
            Expr::ThisPtr(pos) => return Err(self.err(*pos, "`this` is not supported by export")),
            Expr::Property(_, pos) | Expr::MethodCall(_, pos) => {
                return Err(self.err(*pos, "unexpected property or method outside a chain"));
            }
            Expr::Stmt(b) => {
                let stmts: Vec<Stmt> = b
                    .statements()
                    .iter()
                    .filter(|s| !matches!(s, Stmt::Noop(..)))
                    .cloned()
                    .collect();
                match stmts.as_slice() {
                    [Stmt::Expr(x)] => self.expr(x)?,
                    [Stmt::Switch(x, pos)] => self.switch_expr(x, *pos)?,
                    [Stmt::If(fc, pos)] => self.if_expr(fc, *pos)?,
                    _ => {
                        return Err(self.err(
                            b.position(),
                            "a statement block used as a value is not supported by export",
                        ));
                    }
                }
            }
            Expr::FnCall(fc, pos) => self.fn_call(fc, *pos)?,
            Expr::Dot(..) | Expr::Index(..) => self.chain(e)?,
            Expr::And(xs, _) | Expr::Or(xs, _) => {
                let (word, p) = if matches!(e, Expr::And(..)) {
                    (" and ", P_AND)
                } else {
                    (" or ", P_OR)
                };
                let mut parts = vec![];
                for x in xs.iter() {
                    parts.push(self.expr(x)?.at(p + 1));
                }
                Py {
                    code: parts.join(word),
                    ty: Ty::Bool,
                    prec: p,
                }
            }
            Expr::Coalesce(_, pos) => return Err(self.err(*pos, "?? is not supported by export")),
            _ => {
                return Err(self.err(
                    e.start_position(),
                    "this expression is not supported by export",
                ));
            }
        })
    }

    fn dynamic(&mut self, d: &Dynamic, pos: Position) -> R<Py> {
        if d.is_unit() {
            return Ok(Py::typed("None".into(), Ty::Unit));
        }
        if let Ok(n) = d.as_int() {
            return Ok(Py::typed(n.to_string(), Ty::Int));
        }
        if let Ok(b) = d.as_bool() {
            return Ok(Py::typed(if b { "True" } else { "False" }.into(), Ty::Bool));
        }
        if let Ok(f) = d.as_float() {
            return Ok(Py::typed(py_float(f), Ty::Float));
        }
        if d.is_string() {
            return Ok(Py::atom(py_str(&d.to_string()), Kind::Str));
        }
        if d.is_array() {
            let arr = d.clone().into_array().unwrap_or_default();
            let mut v = vec![];
            let mut tys = vec![];
            for x in &arr {
                let py = self.dynamic(x, pos)?;
                v.push(py.code);
                tys.push(py.ty);
            }
            return Ok(Py::typed(tuple_code(&v), Ty::Tuple(tys)));
        }
        if let Some(c) = d.read_lock::<char>() {
            return Ok(Py::typed(py_str(&c.to_string()), Ty::Str));
        }
        Err(self.err(
            pos,
            format!(
                "a constant of type {} is not supported by export",
                d.type_name()
            ),
        ))
    }

    /// Rhai's `to_string` of a value: Python's `str` where it agrees (strings, ints).
    fn str_of(&mut self, v: Py) -> Py {
        if v.ty == Ty::Str {
            return v;
        }
        if v.ty == Ty::Int && v.code.parse::<i64>().is_ok() {
            return Py::atom(py_str(&v.code), Kind::Str);
        }
        if v.ty == Ty::Int || v.ty == Ty::Time {
            return Py::atom(format!("str({})", v.code), Kind::Str);
        }
        self.need_helper("_str");
        Py::atom(format!("_str({})", v.code), Kind::Str)
    }

    fn binary(&mut self, op: &str, a: Py, b: Py, pos: Position) -> R<Py> {
        let bin = |a: &Py, b: &Py, sym: &str, p: u8, ty: Ty| Py {
            code: format!("{} {sym} {}", a.at(p), b.at(p + 1)),
            ty,
            prec: p,
        };
        if a.ty == Ty::Time && op == "+" {
            return Err(self.err(pos, "time + seconds is not supported by export"));
        }
        Ok(match op {
            "+" => match types::plus(&a.ty, &b.ty) {
                Plus::Plain(t) => bin(&a, &b, "+", P_ADD, t),
                Plus::Concat => {
                    let (a, b) = (self.str_of(a), self.str_of(b));
                    bin(&a, &b, "+", P_ADD, Ty::Str)
                }
                Plus::Helper => {
                    self.need_helper("_add");
                    let ty = types::plus_helper_result(&a.ty, &b.ty);
                    Py::typed(format!("_add({}, {})", a.code, b.code), ty)
                }
            },
            // Rhai's string minus a string or char removes every occurrence.
            "-" if a.ty == Ty::Str && b.ty == Ty::Str => Py::typed(
                format!("{}.replace({}, \"\")", a.at(P_ATOM), b.code),
                Ty::Str,
            ),
            "-" => bin(&a, &b, "-", P_ADD, types::arith(&a.ty, &b.ty)),
            "*" => bin(&a, &b, "*", P_MUL, types::arith(&a.ty, &b.ty)),
            "**" => Py {
                code: format!("{} ** {}", a.at(P_POW + 1), b.at(P_UNARY)),
                ty: types::arith(&a.ty, &b.ty),
                prec: P_POW,
            },
            // A float on either side: Rhai divides as Python's / does.
            "/" if a.ty == Ty::Float || b.ty == Ty::Float => bin(&a, &b, "/", P_MUL, Ty::Float),
            "/" | "%" => {
                let h = if op == "/" { "_div" } else { "_mod" };
                self.need_helper(h);
                if h == "_mod" {
                    self.uses_math = true;
                }
                Py::typed(
                    format!("{h}({}, {})", a.code, b.code),
                    types::arith(&a.ty, &b.ty),
                )
            }
            "==" | "!=" => {
                let neg = op == "!=";
                // x == () is a None test; type_of(x) == "()" too.
                if a.code == "None" || b.code == "None" {
                    let other = if a.code == "None" { b } else { a };
                    let sym = if neg { "is not" } else { "is" };
                    Py {
                        code: format!("{} {sym} None", other.at(P_CMP + 1)),
                        ty: Ty::Bool,
                        prec: P_CMP,
                    }
                } else if let Some(inner) = a
                    .code
                    .strip_prefix("_type_of(")
                    .and_then(|r| r.strip_suffix(')'))
                    .filter(|_| b.code == "\"()\"")
                {
                    let sym = if neg { "is not" } else { "is" };
                    Py {
                        code: format!("{inner} {sym} None"),
                        ty: Ty::Bool,
                        prec: P_CMP,
                    }
                } else {
                    bin(&a, &b, op, P_CMP, Ty::Bool)
                }
            }
            "<" | "<=" | ">" | ">=" => bin(&a, &b, op, P_CMP, Ty::Bool),
            "&" | "|" | "^" => {
                let t = if a.ty == Ty::Bool && b.ty == Ty::Bool {
                    Ty::Bool
                } else {
                    types::arith(&a.ty, &b.ty)
                };
                let p = match op {
                    "&" => P_BAND,
                    "|" => P_BOR,
                    _ => P_XOR,
                };
                bin(&a, &b, op, p, t)
            }
            "<<" | ">>" => bin(&a, &b, op, P_SHIFT, types::arith(&a.ty, &b.ty)),
            ".." => Py::typed(format!("range({}, {})", a.code, b.code), Ty::Range),
            "..=" => Py::typed(
                format!("range({}, {} + 1)", a.code, b.at(P_ADD + 1)),
                Ty::Range,
            ),
            _ => return Err(self.err(pos, format!("operator {op} is not supported by export"))),
        })
    }

    fn args(&mut self, args: &[Expr]) -> R<Vec<String>> {
        let mut v = vec![];
        for a in args {
            v.push(self.expr(a)?.code);
        }
        Ok(v)
    }

    fn fn_call(&mut self, fc: &FnCallExpr, pos: Position) -> R<Py> {
        let name = fc.name.as_str();
        if !fc.namespace.is_empty() {
            return Err(self.err(
                pos,
                format!(
                    "module function {}::{name} is not supported by export",
                    fc.namespace
                ),
            ));
        }
        if name.to_ascii_lowercase().contains("kafka") {
            return Err(self.err(pos, format!("{name}: PySpark 3+ has no DStream Kafka API; use Structured Streaming's Kafka source (spark.readStream.format(\"kafka\"))")));
        }
        if fc.op_token.is_some() || matches!(name, ".." | "..=") {
            if fc.args.len() == 1 {
                let a = self.expr(&fc.args[0])?;
                return Ok(match name {
                    "-" => Py {
                        code: format!("-{}", a.at(P_UNARY)),
                        ty: types::arith(&a.ty, &a.ty),
                        prec: P_UNARY,
                    },
                    "+" => a,
                    "!" => Py {
                        code: format!("not {}", a.at(P_NOT)),
                        ty: Ty::Bool,
                        prec: P_NOT,
                    },
                    _ => {
                        return Err(self.err(
                            pos,
                            format!("unary operator {name} is not supported by export"),
                        ));
                    }
                });
            }
            if fc.args.len() == 2 {
                let a = self.expr(&fc.args[0])?;
                let b = self.expr(&fc.args[1])?;
                return self.binary(name, a, b, pos);
            }
        }
        let n = fc.args.len();
        Ok(match name {
            "contains" if n == 2 => {
                // `x in c` parses as contains(c, x).
                let c = self.expr(&fc.args[0])?;
                let x = self.expr(&fc.args[1])?;
                Py {
                    code: format!("{} in {}", x.at(P_CMP + 1), c.at(P_CMP + 1)),
                    ty: Ty::Bool,
                    prec: P_CMP,
                }
            }
            "print" | "debug" if n == 1 => {
                let v = self.expr(&fc.args[0])?;
                // Python prints strings and ints as Rhai does.
                let v = if v.ty == Ty::Int { v } else { self.str_of(v) };
                Py::atom(format!("print({})", v.code), Kind::Unknown)
            }
            "type_of" if n == 1 => {
                self.need_helper("_type_of");
                let v = self.expr(&fc.args[0])?;
                Py::atom(format!("_type_of({})", v.code), Kind::Str)
            }
            // Python's builtins over an array (`script/pynames.rs`): the same in Python.
            "max" | "min" if n == 1 => {
                let xs = self.expr(&fc.args[0])?;
                let elem = xs.ty.elem();
                let ty = if elem.is_num() { elem } else { Ty::Unknown };
                Py::typed(format!("{name}({})", xs.code), ty)
            }
            "sum" if n == 1 || n == 2 => {
                let xs = self.expr(&fc.args[0])?;
                let elem = xs.ty.elem();
                let ty = if elem.is_num() { elem } else { Ty::Num };
                Py::typed(format!("sum({})", self.args(&fc.args)?.join(", ")), ty)
            }
            "sorted" if n == 1 || n == 2 => {
                let xs = self.expr(&fc.args[0])?;
                let key = match fc.args.get(1) {
                    Some(k) => format!(", key={}", self.expr(k)?.code),
                    None => String::new(),
                };
                let elem = xs.ty.elem();
                Py::typed(
                    format!("sorted({}{key})", xs.code),
                    Ty::List(Box::new(elem)),
                )
            }
            "len" if n == 1 => {
                let x = self.expr(&fc.args[0])?;
                Py::typed(format!("len({})", x.code), Ty::Int)
            }
            "max" | "min" | "abs" => {
                let mut code = vec![];
                let mut ty: Option<Ty> = None;
                for a in fc.args.iter() {
                    let py = self.expr(a)?;
                    code.push(py.code);
                    ty = Some(match ty {
                        None => py.ty,
                        Some(t) => types::join(&t, &py.ty),
                    });
                }
                let ty = ty.filter(Ty::is_num).unwrap_or(Ty::Num);
                Py::typed(format!("{name}({})", code.join(", ")), ty)
            }
            "to_string" if n == 1 => {
                let v = self.expr(&fc.args[0])?;
                self.str_of(v)
            }
            "parse_int" if n == 1 => {
                Py::typed(format!("int({})", self.args(&fc.args)?.join(", ")), Ty::Int)
            }
            "parse_float" if n == 1 => Py::typed(
                format!("float({})", self.args(&fc.args)?.join(", ")),
                Ty::Float,
            ),
            "range" if n == 2 => Py::typed(
                format!("range({})", self.args(&fc.args)?.join(", ")),
                Ty::Range,
            ),
            "sleep_ms" if n == 1 => {
                self.uses_time = true;
                let v = self.expr(&fc.args[0])?;
                Py::atom(format!("time.sleep({} / 1000)", v.at(P_MUL)), Kind::Unknown)
            }
            "Fn" if n == 1 => match &fc.args[0] {
                Expr::StringConstant(s, _) if self.script_fns.contains(s.as_str()) => {
                    let ret = match self.assumed.fn_rets.get(s.as_str()) {
                        Some(t) => t.clone(),
                        None if self.assumed.optimistic => Ty::Never,
                        None => Ty::Unknown,
                    };
                    Py::typed(self.var_name(s), Ty::Fn(Box::new(ret)))
                }
                _ => {
                    return Err(
                        self.err(pos, "Fn(...) needs the literal name of a script function")
                    );
                }
            },
            "StreamingContext" => {
                return Err(self.err(
                    pos,
                    "StreamingContext(sc, secs) must be bound with let to be exported",
                ));
            }
            _ if self.script_fns.contains(name) => {
                let mut a = vec![];
                let mut tys = vec![];
                for x in fc.args.iter() {
                    let py = self.expr(x)?;
                    a.push(py.code);
                    tys.push(py.ty);
                }
                let ty = self.called(name, tys);
                Py::typed(format!("{}({})", self.var_name(name), a.join(", ")), ty)
            }
            _ => {
                return Err(self.err(
                    pos,
                    format!("function {name}() with {n} argument(s) is not supported by export"),
                ));
            }
        })
    }

    fn chain(&mut self, e: &Expr) -> R<Py> {
        let Some((base, steps)) = flatten_chain(e) else {
            return Err(self.err(e.start_position(), "unexpected chain"));
        };
        let mut cur = self.expr(base)?;
        for (index, step) in steps {
            cur = if index {
                let i = self.expr(step)?;
                let ty = match (&cur.ty, step) {
                    (Ty::RddList, _) => Ty::Rdd(Box::new(Ty::Unknown)),
                    (t, Expr::IntegerConstant(n, _)) => t.at(*n),
                    (Ty::Str, _) => Ty::Str,
                    (t, _) => t.elem(),
                };
                Py::typed(format!("{}[{}]", cur.at(P_ATOM), i.code), ty)
            } else {
                match step {
                    Expr::MethodCall(fc, pos) => self.method(cur, fc, *pos)?,
                    Expr::Property(p, pos) => {
                        if p.2.as_str() == "ms" && cur.kind() == Kind::Time {
                            Py::typed(
                                format!("int({}.timestamp() * 1000)", cur.at(P_ATOM)),
                                Ty::Int,
                            )
                        } else {
                            return Err(self.err(
                                *pos,
                                format!("property .{} is not supported by export", p.2),
                            ));
                        }
                    }
                    other => {
                        return Err(self.err(other.start_position(), "unexpected chain element"));
                    }
                }
            };
        }
        Ok(cur)
    }

    /// Translates a closure argument; `param_tys` are its parameters' types (when known),
    /// `returns` what the caller makes of its results.
    fn closure_arg(&mut self, e: &Expr, param_tys: &[Ty], listed: bool, returns: Returns) -> R<Py> {
        match closure_of(e) {
            Some((name, captured)) => self.closure(
                &name,
                &captured,
                param_tys,
                e.start_position(),
                listed,
                returns,
            ),
            None => {
                let mut v = self.expr(e)?;
                let ret = v.ty.returns();
                let convert = match returns {
                    Returns::Value => ToRecord::Keep,
                    Returns::Record => types::to_record(&ret),
                    Returns::Records => types::to_records(&ret),
                };
                if convert != ToRecord::Keep {
                    // A function value (`Fn("name")`, a variable): its results become records.
                    self.need_helper("_tupled");
                    let ret = match returns {
                        Returns::Records => Ty::TupleOf(Box::new(types::as_record(&ret.elem()))),
                        _ => types::as_record(&ret),
                    };
                    v = Py::typed(format!("_tupled({})", v.code), Ty::Fn(Box::new(ret)));
                }
                if listed {
                    self.need_helper("_listed");
                    Ok(Py::typed(format!("_listed({})", v.code), v.ty))
                } else {
                    Ok(v)
                }
            }
        }
    }

    fn closure(
        &mut self,
        fn_name: &str,
        captured: &[String],
        param_tys: &[Ty],
        pos: Position,
        listed: bool,
        returns: Returns,
    ) -> R<Py> {
        let (params, body) = self.body_of(fn_name);
        let own: Vec<String> = params.iter().skip(captured.len()).cloned().collect();
        let real: Vec<Stmt> = body
            .iter()
            .filter(|s| !matches!(s, Stmt::Share(..) | Stmt::Noop(..)))
            .cloned()
            .collect();
        let mut own_mutated = HashSet::new();
        collect_mutated(&real, &mut own_mutated);
        let mut scope = HashMap::new();
        for (i, p) in own.iter().enumerate() {
            let t = match param_tys.len() {
                0 => Ty::Unknown,
                // (time, rdd) forms: the types given are for the trailing parameters.
                n if own.len() > n && i < own.len() - n => Ty::Time,
                n if own.len() > n => param_tys[i - (own.len() - n)].clone(),
                _ => param_tys.get(i).cloned().unwrap_or(Ty::Unknown),
            };
            let t = if own_mutated.contains(p) {
                Ty::of_kind(t.kind())
            } else if self.assumed.widened.contains(p) {
                Ty::of_kind(match t.kind() {
                    k @ (Kind::Rdd | Kind::RddList | Kind::Time) => k,
                    _ => Kind::Unknown,
                })
            } else {
                t
            };
            scope.insert(p.clone(), t);
        }
        let pnames: Vec<String> = own.iter().map(|p| self.var_name(p)).collect();
        let wrap = |me: &mut Self, code: String, ret: Ty| {
            if listed {
                me.need_helper("_listed");
                Py::typed(format!("_listed({code})"), Ty::Fn(Box::new(ret)))
            } else {
                Py {
                    code,
                    ty: Ty::Fn(Box::new(ret)),
                    prec: P_LAMBDA,
                }
            }
        };
        let mutates_param = own.iter().any(|p| own_mutated.contains(p));
        let lambda_body: Option<Expr> = match real.as_slice() {
            [Stmt::Expr(x)] if !matches!(x.as_ref(), Expr::Stmt(_) if closure_of(x).is_none()) => {
                Some((**x).clone())
            }
            // A switch with one expression per case is a conditional expression.
            [Stmt::Switch(x, _)] if switch::is_expression(x) => Some(Expr::Stmt(Box::new(
                rhai::StmtBlock::new(real.iter().cloned(), pos, Position::NONE),
            ))),
            _ => None,
        };
        if let Some(x) = lambda_body
            && !mutates_param
        {
            self.scopes.push(scope.clone());
            self.pre.push(vec![]);
            let r = self.shaped(&x, returns);
            let hoisted = self.pre.pop().unwrap_or_default();
            self.scopes.pop();
            let v = r?;
            if hoisted.is_empty() {
                let code = if pnames.is_empty() {
                    format!("lambda: {}", v.at(P_LAMBDA))
                } else {
                    format!("lambda {}: {}", pnames.join(", "), v.at(P_LAMBDA))
                };
                return Ok(wrap(self, code, v.ty));
            }
        }
        // A local def, emitted right before the statement that uses it.
        self.counter += 1;
        let def_name = format!("_f{}", self.counter);
        let line = pos.line().unwrap_or(0);
        let mut lines = vec![format!(
            "def {def_name}({}):  # {}:{line}",
            pnames.join(", "),
            self.short
        )];
        let mut assigned = HashSet::new();
        for s in &real {
            s.walk(&mut Vec::new(), &mut |path: &[ASTNode]| {
                if let Some(ASTNode::Stmt(Stmt::Assignment(x))) = path.last()
                    && let Expr::Variable(v, _, _) = &x.1.lhs
                {
                    assigned.insert(v.1.to_string());
                }
                true
            });
        }
        let nonlocal: Vec<String> = captured
            .iter()
            .filter(|c| assigned.contains(*c))
            .map(|c| self.var_name(c))
            .collect();
        if !nonlocal.is_empty() {
            // Rhai closures share captured variables; Python needs nonlocal to assign them.
            lines.push(format!("    nonlocal {}", nonlocal.join(", ")));
        }
        for p in &own {
            if own_mutated.contains(p) {
                lines.push(format!(
                    "    {0} = list({0})  # Rhai arrays are values",
                    self.var_name(p)
                ));
            }
        }
        self.scopes.push(scope);
        self.returns.push(None);
        self.shapes.push(returns);
        let r = self.block(&real, 1, true, &mut lines);
        self.shapes.pop();
        let returned = self.returns.pop().flatten();
        self.scopes.pop();
        r?;
        // What the def returns: its returns' types, and () if it can end without one.
        let ret_ty = match returned {
            Some(t) if always_returns(&real) => t,
            Some(t) => types::join(&t, &Ty::Unit),
            None => Ty::Unit,
        };
        match self.pre.last_mut() {
            Some(p) => p.extend(lines),
            None => return Err(self.err(pos, "a multi-statement closure outside a statement")),
        }
        Ok(wrap(self, def_name, ret_ty))
    }

    fn method(&mut self, recv: Py, fc: &FnCallExpr, pos: Position) -> R<Py> {
        let name = fc.name.as_str();
        let args: &[Expr] = &fc.args;
        let n = args.len();
        let r = recv.at(P_ATOM);
        if name.to_ascii_lowercase().contains("kafka") {
            return Err(self.err(pos, format!("{name}: PySpark 3+ has no DStream Kafka API; use Structured Streaming's Kafka source (spark.readStream.format(\"kafka\"))")));
        }
        // A script function called with method syntax: x.f(a) is f(x, a).
        if self.script_fns.contains(name) {
            let mut a = vec![recv.code.clone()];
            let mut tys = vec![recv.ty.clone()];
            for x in args {
                let py = self.expr(x)?;
                a.push(py.code);
                tys.push(py.ty);
            }
            let ty = self.called(name, tys);
            return Ok(Py::typed(
                format!("{}({})", self.var_name(name), a.join(", ")),
                ty,
            ));
        }
        match recv.kind() {
            Kind::Ssc => return self.context_method(&r, name, args, pos),
            Kind::Sc => return self.sc_method(&r, name, args, pos),
            Kind::Array => {
                if let Some(p) = self.array_method(&recv, name, args)? {
                    return Ok(p);
                }
            }
            _ => {}
        }
        // Rhai's own methods on strings, arrays and numbers (names Spark does not use).
        let simple = |code: String, kind: Kind| Ok(Py::atom(code, kind));
        match (name, n) {
            ("len", 0) => return Ok(Py::typed(format!("len({})", recv.code), Ty::Int)),
            ("is_empty", 0) => {
                return Ok(Py {
                    code: format!("len({}) == 0", recv.code),
                    ty: Ty::Bool,
                    prec: P_CMP,
                });
            }
            ("push", 1) => {
                let v = self.expr(&args[0])?;
                self.pushed_into(&recv.code, v.ty);
                return simple(format!("{r}.append({})", v.code), Kind::Unknown);
            }
            ("insert", 2) => {
                let i = self.expr(&args[0])?;
                let v = self.expr(&args[1])?;
                self.pushed_into(&recv.code, v.ty);
                return simple(format!("{r}.insert({}, {})", i.code, v.code), Kind::Unknown);
            }
            ("pop", 0) => return simple(format!("{r}.pop()"), Kind::Unknown),
            ("contains", 1) => {
                let x = self.expr(&args[0])?;
                return Ok(Py {
                    code: format!("{} in {}", x.at(P_CMP + 1), recv.at(P_CMP + 1)),
                    ty: Ty::Bool,
                    prec: P_CMP,
                });
            }
            ("starts_with", 1) => {
                return Ok(Py::typed(
                    format!("{r}.startswith({})", self.expr(&args[0])?.code),
                    Ty::Bool,
                ));
            }
            ("ends_with", 1) => {
                return Ok(Py::typed(
                    format!("{r}.endswith({})", self.expr(&args[0])?.code),
                    Ty::Bool,
                ));
            }
            ("to_upper", 0) => return simple(format!("{r}.upper()"), Kind::Str),
            ("to_lower", 0) => return simple(format!("{r}.lower()"), Kind::Str),
            ("split", 1) => {
                return Ok(Py::typed(
                    format!("{r}.split({})", self.expr(&args[0])?.code),
                    Ty::List(Box::new(Ty::Str)),
                ));
            }
            ("split", 0) => {
                return Ok(Py::typed(
                    format!("{r}.split()"),
                    Ty::List(Box::new(Ty::Str)),
                ));
            }
            ("index_of", 1) => {
                return Ok(Py::typed(
                    format!("{r}.find({})", self.expr(&args[0])?.code),
                    Ty::Int,
                ));
            }
            ("sub_string", 2) => {
                let a = self.expr(&args[0])?;
                let b = self.expr(&args[1])?;
                if matches!(&args[0], Expr::IntegerConstant(n, _) if *n >= 0) {
                    // A slice means the same from a start that is not negative.
                    return simple(
                        format!("{r}[{0}:{0} + {1}]", a.at(P_ADD + 1), b.at(P_ADD + 1)),
                        Kind::Str,
                    );
                }
                // A negative start counts from the end in Rhai, even with a length past it.
                self.need_helper("_sub_string");
                return simple(
                    format!("_sub_string({}, {}, {})", recv.code, a.code, b.code),
                    Kind::Str,
                );
            }
            ("sub_string", 1) => {
                if let Expr::FnCall(range, _) = &args[0]
                    && matches!(range.name.as_str(), ".." | "..=")
                {
                    // Rhai clamps a range's ends; only non-negative literal ends mean a slice.
                    return match range.args.as_slice() {
                        [Expr::IntegerConstant(a, _), Expr::IntegerConstant(b, _)]
                            if *a >= 0 && *b >= 0 =>
                        {
                            let end = if range.name.as_str() == ".." {
                                *b.max(a)
                            } else {
                                b.max(a) + 1
                            };
                            simple(format!("{r}[{a}:{end}]"), Kind::Str)
                        }
                        _ => Err(self.err(
                            pos,
                            "sub_string(range) needs a range of literal, non-negative ends to be exported",
                        )),
                    };
                }
                let a = self.expr(&args[0])?;
                if a.kind() == Kind::Array {
                    return Err(self.err(
                        pos,
                        "sub_string(range) needs a literal range to be exported",
                    ));
                }
                // From a negative start Rhai counts from the end as Python does, and from the
                // first character before it: Python's slice.
                return simple(format!("{r}[{}:]", a.code), Kind::Str);
            }
            ("to_string", 0) => return Ok(self.str_of(recv)),
            ("to_int", 0) => return Ok(Py::typed(format!("int({})", recv.code), Ty::Int)),
            ("to_float", 0) => {
                return Ok(Py::typed(format!("float({})", recv.code), Ty::Float));
            }
            ("abs", 0) => {
                let t = types::arith(&recv.ty, &recv.ty);
                return Ok(Py::typed(format!("abs({})", recv.code), t));
            }
            ("call", _) => {
                return simple(
                    format!("{r}({})", self.args(args)?.join(", ")),
                    Kind::Unknown,
                );
            }
            _ => {}
        }
        // Used as a value, an in-place string method gives the new string (as centella runs
        // it): Python's str method.
        if let Some((_, py)) = IN_PLACE_STR.iter().find(|(rn, _)| *rn == name) {
            let args = self.args(args)?.join(", ");
            return Ok(Py::typed(format!("{r}.{py}({args})"), Ty::Str));
        }
        let rec = recv.ty.records();
        match recv.kind() {
            Kind::Rdd => self.rdd_method(&r, &rec, name, args, pos),
            Kind::DStream | Kind::Unknown => {
                if DSTREAM_TRANSFORMS.contains(&name) || DSTREAM_OUTPUTS.contains(&name) {
                    self.dstream_method(&r, &rec, name, args, pos)
                } else if RDD_TRANSFORMS.contains(&name) || RDD_ACTIONS.contains(&name) {
                    self.rdd_method(&r, &rec, name, args, pos)
                } else {
                    Err(self.err(pos, format!("method {name}() is not supported by export")))
                }
            }
            _ => Err(self.err(
                pos,
                format!("method {name}() on this value is not supported by export"),
            )),
        }
    }

    fn array_method(&mut self, recv: &Py, name: &str, args: &[Expr]) -> R<Option<Py>> {
        let r = recv.at(P_ATOM);
        Ok(match (name, args.len()) {
            ("filter", 1) => {
                let elem = recv.ty.elem();
                let f =
                    self.closure_arg(&args[0], std::slice::from_ref(&elem), false, Returns::Value)?;
                Some(Py::typed(
                    format!("list(filter({}, {}))", f.code, recv.code),
                    Ty::List(Box::new(elem)),
                ))
            }
            ("map", 1) => {
                let f = self.closure_arg(&args[0], &[recv.ty.elem()], false, Returns::Value)?;
                Some(Py::typed(
                    format!("list(map({}, {}))", f.code, recv.code),
                    Ty::List(Box::new(f.ty.returns())),
                ))
            }
            ("sort", 0) => Some(Py::atom(format!("{r}.sort()"), Kind::Unknown)),
            ("reverse", 0) => Some(Py::atom(format!("{r}.reverse()"), Kind::Unknown)),
            ("clear", 0) => Some(Py::atom(format!("{r}.clear()"), Kind::Unknown)),
            _ => None,
        })
    }

    fn context_method(&mut self, r: &str, name: &str, args: &[Expr], pos: Position) -> R<Py> {
        let n = args.len();
        let ds = |code: String| Ok(Py::atom(code, Kind::DStream));
        let ds_of = |code: String, rec: Ty| Ok(Py::typed(code, Ty::DStream(Box::new(rec))));
        match (name, n) {
            ("queueStream", 1..=3) => {
                // The queue's items are batches (arrays or RDDs) of records.
                let (code, ty) = self.data(&args[0], 2)?;
                let mut rec = ty.elem().elem();
                let mut a = vec![code];
                if n >= 2 {
                    a.push(self.expr(&args[1])?.code);
                }
                if n >= 3 {
                    let (code, ty) = self.data(&args[2], 1)?;
                    rec = types::join(&rec, &ty.elem());
                    a.push(code);
                }
                ds_of(format!("{r}.queueStream({})", a.join(", ")), rec)
            }
            ("socketTextStream" | "textFileStream", _) => ds_of(format!("{r}.{name}({})", self.args(args)?.join(", ")), Ty::Str),
            ("union", 1) => match &args[0] {
                // PySpark's ssc.union refuses streams with different serializers.
                Expr::Array(items, _) if !items.is_empty() => {
                    let first = self.expr(&items[0])?;
                    let mut rec = first.ty.records();
                    let mut code = first.at(P_ATOM);
                    for i in items.iter().skip(1) {
                        let other = self.expr(i)?;
                        rec = types::join(&rec, &other.ty.records());
                        code = format!("{code}.union({})", other.code);
                    }
                    ds_of(code, rec)
                }
                _ => Err(self.err(pos, "ssc.union needs a literal array of streams to be exported")),
            },
            ("transform", 2) => {
                let list = match &args[0] {
                    Expr::Array(items, _) => {
                        let mut v = vec![];
                        for i in items.iter() {
                            v.push(self.expr(i)?.code);
                        }
                        format!("[{}]", v.join(", "))
                    }
                    other => self.expr(other)?.code,
                };
                let f = self.closure_arg(&args[1], &[Ty::RddList], false, Returns::Value)?;
                ds(format!("{r}.transform({list}, {})", f.code))
            }
            ("checkpoint", 1) => {
                let d = self.expr(&args[0])?;
                Ok(Py::atom(format!("{r}.checkpoint(CHECKPOINT_DIR or {})", d.code), Kind::Unknown))
            }
            ("remember", 1) => Ok(Py::atom(format!("{r}.remember({})", self.expr(&args[0])?.code), Kind::Unknown)),
            ("tick", _) => Err(self.err(pos, "ssc.tick() drives centella's manual clock; Spark has no manual clock")),
            ("start" | "awaitTermination" | "awaitTerminationOrTimeout" | "stop", _) => Err(self.err(
                pos,
                format!("ssc.{name}() inside an expression or a function cannot be exported; call it as a top-level statement"),
            )),
            _ => Err(self.err(pos, format!("StreamingContext.{name}() with {n} argument(s) is not supported by export"))),
        }
    }

    fn sc_method(&mut self, r: &str, name: &str, args: &[Expr], pos: Position) -> R<Py> {
        match (name, args.len()) {
            ("parallelize", 1 | 2) => {
                let (code, ty) = self.data(&args[0], 1)?;
                let mut a = vec![code];
                if args.len() == 2 {
                    a.push(self.expr(&args[1])?.code);
                }
                Ok(Py::typed(
                    format!("{r}.parallelize({})", a.join(", ")),
                    Ty::Rdd(Box::new(ty.elem())),
                ))
            }
            ("textFile", 1 | 2) => Ok(Py::typed(
                format!("{r}.textFile({})", self.args(args)?.join(", ")),
                Ty::Rdd(Box::new(Ty::Str)),
            )),
            ("union", 1) => {
                let (code, ty) = self.data(&args[0], 1)?;
                Ok(Py::typed(
                    format!("{r}.union({code})"),
                    Ty::Rdd(Box::new(ty.elem().elem())),
                ))
            }
            _ => Err(self.err(
                pos,
                format!(
                    "SparkContext.{name}() with {} argument(s) is not supported by export",
                    args.len()
                ),
            )),
        }
    }

    /// Data for queueStream / parallelize: the outer `depth` levels of array literals are
    /// Python lists (PySpark wants lists there); records inside are tuples. With its type (an
    /// RDD counts as a list of its records).
    fn data(&mut self, e: &Expr, depth: usize) -> R<(String, Ty)> {
        match e {
            Expr::Array(items, _) if depth > 0 => {
                let mut v = vec![];
                let mut elem: Option<Ty> = None;
                for i in items.iter() {
                    let (code, ty) = self.data(i, depth - 1)?;
                    v.push(code);
                    elem = Some(match elem {
                        None => ty,
                        Some(t) => types::join(&t, &ty),
                    });
                }
                let ty = Ty::List(Box::new(elem.unwrap_or(Ty::Never)));
                Ok((format!("[{}]", v.join(", ")), ty))
            }
            _ => {
                let py = self.expr(e)?;
                let ty = match py.ty {
                    Ty::Rdd(rec) => Ty::List(rec),
                    t => t,
                };
                Ok((py.code, ty))
            }
        }
    }

    /// The records' type of a stream or RDD passed as an argument, without translating it.
    fn records_of_arg(&self, e: &Expr) -> Ty {
        match e {
            Expr::Variable(v, _, _) => self.ty_of(&v.1).records(),
            _ => Ty::Unknown,
        }
    }

    /// A Spark method's arguments, closures typed from the receiver's records `rec`; with the
    /// arguments' types.
    fn spark_args(&mut self, rec: &Ty, name: &str, args: &[Expr]) -> R<(Vec<String>, Vec<Ty>)> {
        let listed = matches!(name, "mapPartitions" | "mapPartitionsWithIndex");
        let others: Vec<Ty> = args
            .iter()
            .filter(|a| closure_of(a).is_none())
            .map(|a| self.records_of_arg(a))
            .collect();
        let mut v = vec![];
        let mut tys: Vec<Ty> = vec![];
        for (i, a) in args.iter().enumerate() {
            let returns = types::closure_returns(name, i);
            let py = if closure_of(a).is_some() {
                let params = types::closure_params(name, i, rec, &others);
                match self.assumed_params(name, i, rec, &tys, args) {
                    Some(assumed) => {
                        self.closure_assuming(a, &params, &assumed, listed, returns)?
                    }
                    None => self.closure_arg(a, &params, listed, returns)?,
                }
            } else if returns != Returns::Value && self.is_function_value(a) {
                self.closure_arg(a, &[], listed, returns)?
            } else {
                self.expr(a)?
            };
            v.push(py.code);
            tys.push(match py.ty {
                t @ Ty::Fn(_) => t,
                t if matches!(t.kind(), Kind::DStream | Kind::Rdd) => t.records(),
                t => t,
            });
        }
        Ok((v, tys))
    }

    fn dstream_method(
        &mut self,
        r: &str,
        rec: &Ty,
        name: &str,
        args: &[Expr],
        pos: Position,
    ) -> R<Py> {
        let (mut a, tys) = self.spark_args(rec, name, args)?;
        match name {
            "reduceByKeyAndWindow" => {
                let shortcut = matches!(args.len(), 2 | 3)
                    && !is_unit(&args[1])
                    && closure_of(&args[1]).is_none()
                    && !matches!(&args[1], Expr::FnCall(fc, _) if fc.name.as_str() == "Fn");
                if shortcut {
                    // PySpark's signature is (func, invFunc, window[, slide]).
                    a.insert(1, "None".into());
                }
            }
            "slice" => return Err(self.err(pos, "DStream.slice is not supported by export")),
            _ => {}
        }
        let mut code = format!("{r}.{name}({})", a.join(", "));
        match name {
            "groupByKey" | "groupByKeyAndWindow" => code.push_str(".mapValues(list)"),
            "cogroup" => code.push_str(".mapValues(lambda vs: (list(vs[0]), list(vs[1])))"),
            _ => {}
        }
        let ty = if DSTREAM_OUTPUTS.contains(&name) {
            Ty::Unknown
        } else {
            Ty::DStream(Box::new(types::records_after(name, rec, &tys)))
        };
        Ok(Py::typed(code, ty))
    }

    fn rdd_method(&mut self, r: &str, rec: &Ty, name: &str, args: &[Expr], pos: Position) -> R<Py> {
        if !RDD_TRANSFORMS.contains(&name) && !RDD_ACTIONS.contains(&name) {
            return Err(self.err(pos, format!("RDD.{name}() is not supported by export")));
        }
        let (a, tys) = self.spark_args(rec, name, args)?;
        let mut code = format!("{r}.{name}({})", a.join(", "));
        match name {
            "groupByKey" => code.push_str(".mapValues(list)"),
            "cogroup" => code.push_str(".mapValues(lambda vs: (list(vs[0]), list(vs[1])))"),
            "countByKey" | "countByValue" => {
                self.need_helper("_by_str");
                code = format!("_by_str({code})");
            }
            _ => {}
        }
        let ty = if RDD_ACTIONS.contains(&name) {
            types::action_result(name, rec, &tys)
        } else {
            Ty::Rdd(Box::new(types::records_after(name, rec, &tys)))
        };
        Ok(Py::typed(code, ty))
    }
}
