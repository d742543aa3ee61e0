//! Statements: `let`, assignments, `if`/`for`/`while`, `break`, `return`/`throw` and blocks, one
//! step per kind (the values bound to variables are in `variables.rs`).

use super::closures::closure_of;
use super::expressions::is_unit;
use super::{ExportResult, PyExpr, Translator};
use crate::types::{self, Kind, Plus, Returns, Ty};
use rhai::{
    ASTFlags, ASTNode, BinaryExpr, Expr, FlowControl, FnCallExpr, Ident, OpAssignment, Position,
    Stmt,
};
use std::collections::HashSet;

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
        self.hoisted.push(vec![]);
        if ret
            && let Stmt::Expr(e) = s
            && let Expr::Stmt(b) = e.as_ref()
            && closure_of(e).is_none()
        {
            // A block whose value is returned: its statements, last one returned.
            let stmts = b.statements().to_vec();
            let p = self.hoisted.pop().unwrap_or_default();
            out.extend(p.into_iter().map(|l| format!("{pad}{l}")));
            return self.block(&stmts, indent, true, out);
        }
        let mut lines: Vec<String> = vec![];
        let simple = match s {
            Stmt::Noop(_) | Stmt::Share(_) => None,
            Stmt::Var(x, _, _) => Some(self.let_stmt(&x.0.name, &x.1)?),
            Stmt::Assignment(x) => Some(self.assignment(&x.0, &x.1)?),
            Stmt::Expr(e) => Some(self.expr_stmt(e, ret)?),
            Stmt::FnCall(fc, pos) => Some(self.fn_call_stmt(fc, *pos, ret)?),
            Stmt::BreakLoop(value, flags, pos) => Some(self.break_stmt(value, *flags, *pos)?),
            Stmt::Return(value, flags, pos) => Some(self.return_stmt(value, *flags, *pos)?),
            _ => {
                self.compound_stmt(s, indent, ret, &marker, &mut lines)?;
                None
            }
        };
        if let Some(code) = simple {
            lines.push(format!("{pad}{code}{marker}"));
        }
        let hoisted = self.hoisted.pop().unwrap_or_default();
        out.extend(hoisted.into_iter().map(|l| format!("{pad}{l}")));
        out.extend(lines);
        Ok(())
    }

    /// A statement with a body (`if`, `for`, `while`, a block, `switch`), or one export
    /// refuses.
    fn compound_stmt(
        &mut self,
        s: &Stmt,
        indent: usize,
        ret: bool,
        marker: &str,
        lines: &mut Vec<String>,
    ) -> ExportResult<()> {
        match s {
            Stmt::If(fc, _) => self.if_stmt(fc, indent, ret, marker, lines),
            Stmt::For(x, _) => self.for_stmt(&x.0, x.1.as_ref(), &x.2, indent, marker, lines),
            Stmt::While(fc, _) => self.while_stmt(fc, indent, marker, lines),
            Stmt::Block(b) => {
                let stmts = b.statements().to_vec();
                self.block(&stmts, indent, ret, lines)
            }
            Stmt::Switch(x, pos) => self.switch_stmt(x, *pos, indent, ret, marker, lines),
            Stmt::Do(_, _, pos) => Err(self.err(
                *pos,
                "do ... while/until is not supported by export; use while",
            )),
            Stmt::TryCatch(_, pos) => Err(self.err(*pos, "try / catch is not supported by export")),
            Stmt::Import(_, pos) => Err(self.err(*pos, "import is not supported by export")),
            Stmt::Export(_, pos) => Err(self.err(*pos, "export is not supported by export")),
            _ => Err(self.err(s.position(), "this statement is not supported by export")),
        }
    }

    /// `let name = value`.
    fn let_stmt(&mut self, name: &str, value: &Expr) -> ExportResult<String> {
        let py = self.let_value(name, value)?;
        self.set_ty(name, py.ty.clone());
        Ok(format!("{} = {}", self.var_name(name), py.code))
    }

    /// `lhs = rhs` or `lhs op= rhs`, with Rhai's meaning of the operator.
    fn assignment(&mut self, op: &OpAssignment, bin: &BinaryExpr) -> ExportResult<String> {
        let lhs = self.expr(&bin.lhs)?;
        let rhs = match (&bin.lhs, op.get_op_assignment_info()) {
            // An array that is mutated gets a list of its own.
            (Expr::Variable(v, _, _), None) if self.mutated.contains(v.1.as_str()) => {
                self.list_value(&v.1, &bin.rhs)?
            }
            _ => self.expr(&bin.rhs)?,
        };
        let rhs_ty = rhs.ty.clone();
        let (code, ty) = self.assigned_value(op, lhs, rhs)?;
        self.note_assignment(&bin.lhs, op.get_op_assignment_info().is_some(), rhs_ty, &ty);
        Ok(code)
    }

    /// The Python of an assignment, and the type the target then holds.
    fn assigned_value(
        &mut self,
        op: &OpAssignment,
        lhs: PyExpr,
        rhs: PyExpr,
    ) -> ExportResult<(String, Ty)> {
        Ok(match op.get_op_assignment_info() {
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
        })
    }

    /// What an assignment tells the type inference: the variable's new type, or what is
    /// pushed into an array (`a += x`, `a[i] = x`).
    fn note_assignment(&mut self, target: &Expr, op_assign: bool, rhs_ty: Ty, ty: &Ty) {
        match target {
            Expr::Variable(v, _, _) => {
                if op_assign {
                    // `a += x` appends x, or x's elements, to an array.
                    let t = if rhs_ty.kind() == Kind::Array {
                        rhs_ty.elem()
                    } else {
                        rhs_ty
                    };
                    let code = self.var_name(&v.1);
                    self.pushed_into(&code, t);
                }
                self.assigned(&v.1, ty);
            }
            Expr::Index(ix, _, _) => {
                if let Expr::Variable(v, _, _) = &ix.lhs {
                    let code = self.var_name(&v.1);
                    self.pushed_into(&code, rhs_ty);
                }
            }
            _ => {}
        }
    }

    /// An expression as a statement; `ret`: its value is the def's result.
    fn expr_stmt(&mut self, e: &Expr, ret: bool) -> ExportResult<String> {
        // A returned in-place method is its value form (the new string), as in centella's
        // runtime (`script/in_place.rs`).
        if !ret && let Some(code) = self.in_place(e)? {
            return Ok(code);
        }
        if let (true, Expr::Stmt(_)) = (ret, e) {
            let py = self.expr(e)?;
            self.note_return(&py.ty);
            return Ok(format!("return {}", py.code));
        }
        let unit_call = matches!(e, Expr::Dot(d, _, _)
            if matches!(&d.rhs, Expr::MethodCall(fc, _) if MUTATING.contains(&fc.name.as_str())));
        if ret && !unit_call {
            let py = self.returned(e)?;
            self.note_return(&py.ty);
            Ok(format!("return {}", py.code))
        } else {
            Ok(self.expr(e)?.code)
        }
    }

    /// A function call as a statement; `ret`: its value is the def's result.
    fn fn_call_stmt(&mut self, fc: &FnCallExpr, pos: Position, ret: bool) -> ExportResult<String> {
        let py = self.fn_call(fc, pos)?;
        if ret {
            let shape = self.shapes.last().copied().unwrap_or(Returns::Value);
            let py = self.reshape(py, shape);
            self.note_return(&py.ty);
            Ok(format!("return {}", py.code))
        } else {
            Ok(py.code)
        }
    }

    /// `break` or `continue`.
    fn break_stmt(
        &self,
        value: &Option<Box<Expr>>,
        flags: ASTFlags,
        pos: Position,
    ) -> ExportResult<String> {
        if value.is_some() {
            return Err(self.err(pos, "break with a value"));
        }
        Ok(if flags_break(flags) {
            "break"
        } else {
            "continue"
        }
        .to_string())
    }

    /// `return` (a value as the caller needs it) or `throw` (a RuntimeError).
    fn return_stmt(
        &mut self,
        value: &Option<Box<Expr>>,
        flags: ASTFlags,
        pos: Position,
    ) -> ExportResult<String> {
        let v = match value {
            Some(e) if flags_break(flags) => Some(self.expr(e)?.code),
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
        if flags_break(flags) {
            let v = v.ok_or_else(|| self.err(pos, "throw without a value"))?;
            self.need_helper("_str");
            Ok(format!("raise RuntimeError(_str({v}))"))
        } else {
            Ok(format!("return {}", v.unwrap_or_else(|| "None".into())))
        }
    }

    /// `if cond:` and its branches, each in the scope the condition narrows it to.
    fn if_stmt(
        &mut self,
        fc: &FlowControl,
        indent: usize,
        ret: bool,
        marker: &str,
        lines: &mut Vec<String>,
    ) -> ExportResult<()> {
        let pad = "    ".repeat(indent);
        let cond = self.expr(&fc.expr)?.code;
        lines.push(format!("{pad}if {}:{marker}", cond));
        let body = fc.body.statements().to_vec();
        let branch = fc.branch.statements().to_vec();
        let (then_lines, else_lines) = self.branches(
            &fc.expr,
            |me| {
                let mut v = vec![];
                me.block(&body, indent + 1, ret, &mut v).map(|()| v)
            },
            |me| {
                let mut v = vec![];
                me.if_branch(&branch, indent, ret, &mut v).map(|()| v)
            },
        )?;
        lines.extend(then_lines);
        lines.extend(else_lines);
        Ok(())
    }

    /// `for x in xs:` (`for i, x in enumerate(xs):` with a counter).
    fn for_stmt(
        &mut self,
        var: &Ident,
        counter: Option<&Ident>,
        fc: &FlowControl,
        indent: usize,
        marker: &str,
        lines: &mut Vec<String>,
    ) -> ExportResult<()> {
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
        self.loop_stmt(&head, fc, indent, marker, lines)
    }

    /// `while cond:` (`loop` is `while True:`).
    fn while_stmt(
        &mut self,
        fc: &FlowControl,
        indent: usize,
        marker: &str,
        lines: &mut Vec<String>,
    ) -> ExportResult<()> {
        let cond = if is_unit(&fc.expr) {
            "True".to_string()
        } else {
            self.expr(&fc.expr)?.code
        };
        self.loop_stmt(&format!("while {cond}:"), fc, indent, marker, lines)
    }

    /// A loop's head line and its body.
    fn loop_stmt(
        &mut self,
        head: &str,
        fc: &FlowControl,
        indent: usize,
        marker: &str,
        lines: &mut Vec<String>,
    ) -> ExportResult<()> {
        let pad = "    ".repeat(indent);
        lines.push(format!("{pad}{head}{marker}"));
        let body = fc.body.statements().to_vec();
        self.block(&body, indent + 1, false, lines)
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
}
