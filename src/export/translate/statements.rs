//! Statements: `let`, assignments, `if`/`for`/`while`, `return`/`throw`, blocks, and in-place
//! string methods used as statements.

use super::closures::closure_of;
use super::expressions::{is_unit, py_float};
use super::{ExportResult, P_LAMBDA, P_OR, PyExpr, Translator};
use crate::export::types::{self, Kind, Plus, Returns, Ty};
use rhai::{ASTFlags, ASTNode, Expr, Stmt};
use std::collections::HashSet;

/// Rhai string methods that change the string in place (and return `()`), with Python's
/// expression for the new value.
pub(super) const IN_PLACE_STR: &[(&str, &str)] = &[
    ("replace", "replace"),
    ("trim", "strip"),
    ("make_upper", "upper"),
    ("make_lower", "lower"),
];

/// Array methods that mutate the receiver: such arrays stay Python lists.
pub(super) const MUTATING: &[&str] = &[
    "push", "insert", "pop", "shift", "clear", "append", "remove", "truncate", "sort", "reverse",
    "extend", "retain", "drain", "splice", "dedup",
];

pub(super) fn flags_break(f: ASTFlags) -> bool {
    f.intersects(ASTFlags::BREAK)
}

/// Whether a block always ends in a return (a value, `return` or `throw`), as the translation
/// of a function body writes it; otherwise Python may fall off its end and return None.
pub(super) fn always_returns(stmts: &[Stmt]) -> bool {
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

pub(super) fn collect_mutated(stmts: &[Stmt], out: &mut HashSet<String>) {
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

impl Translator<'_> {
    pub(super) fn block(
        &mut self,
        stmts: &[Stmt],
        indent: usize,
        ret: bool,
        out: &mut Vec<String>,
    ) -> ExportResult<()> {
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

    pub(super) fn stmt(
        &mut self,
        s: &Stmt,
        indent: usize,
        ret: bool,
        out: &mut Vec<String>,
        top: bool,
    ) -> ExportResult<()> {
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
    pub(super) fn if_branch(
        &mut self,
        branch: &[Stmt],
        indent: usize,
        ret: bool,
        lines: &mut Vec<String>,
    ) -> ExportResult<()> {
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

    /// `s.replace(a, b);` as a statement: Rhai changes `s` in place, Python rebinds it.
    pub(super) fn in_place(&mut self, e: &Expr) -> ExportResult<Option<String>> {
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

    pub(super) fn let_value(&mut self, name: &str, e: &Expr) -> ExportResult<PyExpr> {
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
            return Ok(PyExpr::atom(
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
    pub(super) fn list_value(&mut self, name: &str, e: &Expr) -> ExportResult<PyExpr> {
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
                return Ok(PyExpr::typed(
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
                    return Ok(PyExpr {
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
                Ok(PyExpr { ty, ..py })
            }
            Ty::Unknown if !copied => {
                // A call of unknown result: as before, its kind only.
                self.pushed_into(&code, Ty::Unknown);
                Ok(py)
            }
            t => {
                self.pushed_into(&code, t.elem());
                // Rhai copies arrays on assignment; Python would share the list.
                Ok(PyExpr::typed(format!("list({})", py.code), ty))
            }
        }
    }
}
