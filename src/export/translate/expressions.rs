//! Expressions: literals, operators (with Rhai's meaning of `+`, `/`, `%`, `==`), variables,
//! interpolated strings and if-expressions.

use super::closures::closure_of;
use super::{
    ExportResult, P_ADD, P_AND, P_ATOM, P_BAND, P_BOR, P_CMP, P_MUL, P_OR, P_POW, P_SHIFT, P_UNARY,
    P_XOR, PyExpr, Translator,
};
use crate::types::{self, Kind, Plus, Returns, Ty};
use rhai::{Dynamic, Expr, Position, Stmt, StmtBlock};

pub(super) const IF_EXPR_SHAPE: &str =
    "an if-expression needs one expression in each branch (and an else) to be exported";

pub(super) fn py_str(s: &str) -> String {
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

pub(super) fn py_float(f: f64) -> String {
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

pub(super) fn tuple_code(items: &[String]) -> String {
    match items.len() {
        0 => "()".into(),
        1 => format!("({},)", items[0]),
        _ => format!("({})", items.join(", ")),
    }
}

pub(super) fn is_unit(e: &Expr) -> bool {
    matches!(e, Expr::Unit(_))
}

impl Translator<'_> {
    /// `if c { a } else { b }` as a value: Python's conditional expression. An `else if`
    /// chain nests (`a if c else b if d else e`).
    pub(super) fn if_expr(
        &mut self,
        fc: &rhai::FlowControl,
        pos: Position,
    ) -> ExportResult<PyExpr> {
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
        let (a, b) = self.branches(
            &fc.expr,
            |me| me.expr(a),
            |me| match branch.as_slice() {
                [Stmt::Expr(b)] => me.expr(b),
                [Stmt::If(inner, inner_pos)] => me.if_expr(inner, *inner_pos),
                _ => Err(me.err(pos, IF_EXPR_SHAPE)),
            },
        )?;
        Ok(PyExpr::conditional(a, c, b))
    }

    pub(super) fn expr(&mut self, e: &Expr) -> ExportResult<PyExpr> {
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
        if let Some(py) = literal(e) {
            return Ok(py);
        }
        Ok(match e {
            Expr::DynamicConstant(d, pos) => self.dynamic(d, *pos)?,
            Expr::InterpolatedString(parts, _) => self.interpolated(parts)?,
            Expr::Array(items, _) => {
                let mut v = vec![];
                for i in items.iter() {
                    v.push(self.expr(i)?);
                }
                PyExpr::tuple(v)
            }
            Expr::Map(_, pos) => {
                return Err(self.err(*pos, "object maps (#{...}) are not supported by export"));
            }
            Expr::Unit(_) => PyExpr::typed("None".into(), Ty::Unit),
            Expr::Variable(v, _, pos) => {
                if !v.2.is_empty() {
                    return Err(self.err(*pos, "module paths (a::b) are not supported by export"));
                }
                let name = v.1.to_string();
                PyExpr::typed(self.var_name(&name), self.ty_of(&name))
            }
            Expr::ThisPtr(pos) => return Err(self.err(*pos, "`this` is not supported by export")),
            Expr::Property(_, pos) | Expr::MethodCall(_, pos) => {
                return Err(self.err(*pos, "unexpected property or method outside a chain"));
            }
            Expr::Stmt(b) => self.block_value(b)?,
            Expr::FnCall(fc, pos) => self.fn_call(fc, *pos)?,
            Expr::Dot(..) | Expr::Index(..) => self.chain(e)?,
            Expr::And(xs, _) => self.logical(xs, " and ", P_AND)?,
            Expr::Or(xs, _) => self.logical(xs, " or ", P_OR)?,
            Expr::Coalesce(_, pos) => return Err(self.err(*pos, "?? is not supported by export")),
            _ => {
                return Err(self.err(
                    e.start_position(),
                    "this expression is not supported by export",
                ));
            }
        })
    }

    /// `` `a ${x} b` ``: an f-string; values that Python's `str` would not show as Rhai does
    /// go through `_str`.
    fn interpolated(&mut self, parts: &[Expr]) -> ExportResult<PyExpr> {
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
        Ok(PyExpr::atom(code, Kind::Str))
    }

    /// A block used as a value: one expression, a switch or an if-expression.
    fn block_value(&mut self, b: &StmtBlock) -> ExportResult<PyExpr> {
        let stmts: Vec<Stmt> = b
            .statements()
            .iter()
            .filter(|s| !matches!(s, Stmt::Noop(..)))
            .cloned()
            .collect();
        match stmts.as_slice() {
            [Stmt::Expr(x)] => self.expr(x),
            [Stmt::Switch(x, pos)] => self.switch_expr(x, *pos),
            [Stmt::If(fc, pos)] => self.if_expr(fc, *pos),
            _ => Err(self.err(
                b.position(),
                "a statement block used as a value is not supported by export",
            )),
        }
    }

    /// `a and b and c` / `a or b or c`.
    fn logical(&mut self, xs: &[Expr], word: &str, p: u8) -> ExportResult<PyExpr> {
        let mut parts = vec![];
        for x in xs {
            parts.push(self.expr(x)?.at(p + 1));
        }
        Ok(PyExpr {
            code: parts.join(word),
            ty: Ty::Bool,
            prec: p,
        })
    }

    pub(super) fn dynamic(&mut self, d: &Dynamic, pos: Position) -> ExportResult<PyExpr> {
        if d.is_unit() {
            return Ok(PyExpr::typed("None".into(), Ty::Unit));
        }
        if let Ok(n) = d.as_int() {
            return Ok(PyExpr::typed(n.to_string(), Ty::Int));
        }
        if let Ok(b) = d.as_bool() {
            return Ok(PyExpr::typed(
                if b { "True" } else { "False" }.into(),
                Ty::Bool,
            ));
        }
        if let Ok(f) = d.as_float() {
            return Ok(PyExpr::typed(py_float(f), Ty::Float));
        }
        if d.is_string() {
            return Ok(PyExpr::atom(py_str(&d.to_string()), Kind::Str));
        }
        if d.is_array() {
            let arr = d.clone().into_array().unwrap_or_default();
            let mut v = vec![];
            for x in &arr {
                v.push(self.dynamic(x, pos)?);
            }
            return Ok(PyExpr::tuple(v));
        }
        if let Some(c) = d.read_lock::<char>() {
            return Ok(PyExpr::typed(py_str(&c.to_string()), Ty::Str));
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
    pub(super) fn str_of(&mut self, v: PyExpr) -> PyExpr {
        if v.ty == Ty::Str {
            return v;
        }
        if v.ty == Ty::Int && v.code.parse::<i64>().is_ok() {
            return PyExpr::atom(py_str(&v.code), Kind::Str);
        }
        if v.ty == Ty::Int || v.ty == Ty::Time {
            return PyExpr::atom(format!("str({})", v.code), Kind::Str);
        }
        self.need_helper("_str");
        PyExpr::atom(format!("_str({})", v.code), Kind::Str)
    }

    pub(super) fn binary(
        &mut self,
        op: &str,
        a: PyExpr,
        b: PyExpr,
        pos: Position,
    ) -> ExportResult<PyExpr> {
        let bin = binary_at;
        if a.ty == Ty::Time && op == "+" {
            return Err(self.err(pos, "time + seconds is not supported by export"));
        }
        Ok(match op {
            "+" => self.plus(a, b),
            // Rhai's string minus a string or char removes every occurrence.
            "-" if a.ty == Ty::Str && b.ty == Ty::Str => PyExpr::typed(
                format!("{}.replace({}, \"\")", a.at(P_ATOM), b.code),
                Ty::Str,
            ),
            "-" => bin(&a, &b, "-", P_ADD, types::arith(&a.ty, &b.ty)),
            "*" => bin(&a, &b, "*", P_MUL, types::arith(&a.ty, &b.ty)),
            "**" => PyExpr {
                code: format!("{} ** {}", a.at(P_POW + 1), b.at(P_UNARY)),
                ty: types::arith(&a.ty, &b.ty),
                prec: P_POW,
            },
            // A float on either side: Rhai divides as Python's / does.
            "/" if a.ty == Ty::Float || b.ty == Ty::Float => bin(&a, &b, "/", P_MUL, Ty::Float),
            "/" | "%" => self.int_division(op, a, b),
            "==" | "!=" => equality(op == "!=", a, b),
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
            ".." => PyExpr::typed(format!("range({}, {})", a.code, b.code), Ty::Range),
            "..=" => PyExpr::typed(
                format!("range({}, {} + 1)", a.code, b.at(P_ADD + 1)),
                Ty::Range,
            ),
            _ => return Err(self.err(pos, format!("operator {op} is not supported by export"))),
        })
    }

    /// `a + b` with Rhai's meaning: Python's `+` where it agrees, string concatenation of
    /// `str(x)`, else `_add`.
    fn plus(&mut self, a: PyExpr, b: PyExpr) -> PyExpr {
        match types::plus(&a.ty, &b.ty) {
            Plus::Plain(t) => binary_at(&a, &b, "+", P_ADD, t),
            Plus::Concat => {
                let (a, b) = (self.str_of(a), self.str_of(b));
                binary_at(&a, &b, "+", P_ADD, Ty::Str)
            }
            Plus::Helper => {
                self.need_helper("_add");
                let ty = types::plus_helper_result(&a.ty, &b.ty);
                PyExpr::typed(format!("_add({}, {})", a.code, b.code), ty)
            }
        }
    }

    /// `a / b` or `a % b` of integers, with Rhai's rounding toward zero (`_div`, `_mod`).
    fn int_division(&mut self, op: &str, a: PyExpr, b: PyExpr) -> PyExpr {
        let h = if op == "/" { "_div" } else { "_mod" };
        self.need_helper(h);
        if h == "_mod" {
            self.uses_math = true;
        }
        PyExpr::typed(
            format!("{h}({}, {})", a.code, b.code),
            types::arith(&a.ty, &b.ty),
        )
    }

    pub(super) fn args(&mut self, args: &[Expr]) -> ExportResult<Vec<String>> {
        let mut v = vec![];
        for a in args {
            v.push(self.expr(a)?.code);
        }
        Ok(v)
    }
}

/// `a sym b` at precedence `p` (left-associative: the right side binds tighter).
fn binary_at(a: &PyExpr, b: &PyExpr, sym: &str, p: u8, ty: Ty) -> PyExpr {
    PyExpr {
        code: format!("{} {sym} {}", a.at(p), b.at(p + 1)),
        ty,
        prec: p,
    }
}

/// `a == b` / `a != b`; a comparison with `()` is Python's `is None` / `is not None`.
fn equality(neg: bool, a: PyExpr, b: PyExpr) -> PyExpr {
    // x == () is a None test; type_of(x) == "()" too.
    if a.code == "None" || b.code == "None" {
        let other = if a.code == "None" { b } else { a };
        let sym = if neg { "is not" } else { "is" };
        PyExpr {
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
        PyExpr {
            code: format!("{inner} {sym} None"),
            ty: Ty::Bool,
            prec: P_CMP,
        }
    } else {
        binary_at(&a, &b, if neg { "!=" } else { "==" }, P_CMP, Ty::Bool)
    }
}

/// A literal bool, number, char or string (None for other expressions).
fn literal(e: &Expr) -> Option<PyExpr> {
    Some(match e {
        Expr::BoolConstant(b, _) => {
            PyExpr::typed(if *b { "True" } else { "False" }.into(), Ty::Bool)
        }
        Expr::IntegerConstant(n, _) => {
            let p = if *n < 0 { P_UNARY } else { P_ATOM };
            PyExpr {
                code: n.to_string(),
                ty: Ty::Int,
                prec: p,
            }
        }
        Expr::FloatConstant(f, _) => {
            let s = py_float(**f);
            let p = if s.starts_with('-') { P_UNARY } else { P_ATOM };
            PyExpr {
                code: s,
                ty: Ty::Float,
                prec: p,
            }
        }
        Expr::CharConstant(c, _) => PyExpr::atom(py_str(&c.to_string()), Kind::Str),
        Expr::StringConstant(s, _) => PyExpr::atom(py_str(s), Kind::Str),
        _ => return None,
    })
}
