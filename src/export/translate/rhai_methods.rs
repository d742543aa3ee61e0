//! Rhai's own methods on strings, arrays and numbers (names Spark does not use), as Python's
//! builtins and str / list methods.

use super::variables::IN_PLACE_STR;
use super::{ExportResult, P_ADD, P_ATOM, P_CMP, PyExpr, Translator};
use crate::types::{self, Kind, Returns, Ty};
use rhai::{Expr, FnCallExpr, Position};

impl Translator<'_> {
    /// `recv.name(args)` for a method of Rhai's own, or None for a name that is not one.
    pub(super) fn rhai_method(
        &mut self,
        recv: &PyExpr,
        name: &str,
        args: &[Expr],
        pos: Position,
    ) -> ExportResult<Option<PyExpr>> {
        let r = recv.at(P_ATOM);
        let typed = |code: String, ty: Ty| Ok(Some(PyExpr::typed(code, ty)));
        match (name, args.len()) {
            ("len", 0) => typed(format!("len({})", recv.code), Ty::Int),
            ("is_empty", 0) => Ok(Some(PyExpr {
                code: format!("len({}) == 0", recv.code),
                ty: Ty::Bool,
                prec: P_CMP,
            })),
            ("push", 1) => {
                let v = self.expr(&args[0])?;
                self.pushed_into(&recv.code, v.ty);
                typed(format!("{r}.append({})", v.code), Ty::Unknown)
            }
            ("insert", 2) => {
                let i = self.expr(&args[0])?;
                let v = self.expr(&args[1])?;
                self.pushed_into(&recv.code, v.ty);
                typed(format!("{r}.insert({}, {})", i.code, v.code), Ty::Unknown)
            }
            ("pop", 0) => typed(format!("{r}.pop()"), Ty::Unknown),
            ("contains", 1) => {
                let x = self.expr(&args[0])?;
                Ok(Some(PyExpr {
                    code: format!("{} in {}", x.at(P_CMP + 1), recv.at(P_CMP + 1)),
                    ty: Ty::Bool,
                    prec: P_CMP,
                }))
            }
            ("sub_string", 1 | 2) => self.sub_string(recv, args, pos).map(Some),
            ("to_string", 0) => Ok(Some(self.str_of(recv.clone()))),
            ("abs", 0) => typed(
                format!("abs({})", recv.code),
                types::arith(&recv.ty, &recv.ty),
            ),
            ("call", _) => typed(format!("{r}({})", self.args(args)?.join(", ")), Ty::Unknown),
            _ => self.renamed_method(recv, name, args),
        }
    }

    /// A method Python spells differently: `s.to_upper()` is `s.upper()`, `s.index_of(x)` is
    /// `s.find(x)`, `x.to_int()` is `int(x)`; and an in-place string method used as a value
    /// gives the new string (as centella runs it): Python's str method.
    fn renamed_method(
        &mut self,
        recv: &PyExpr,
        name: &str,
        args: &[Expr],
    ) -> ExportResult<Option<PyExpr>> {
        let r = recv.at(P_ATOM);
        let (code, ty) = match (name, args.len()) {
            ("starts_with", 1) => (format!("{r}.startswith({})", self.args(args)?[0]), Ty::Bool),
            ("ends_with", 1) => (format!("{r}.endswith({})", self.args(args)?[0]), Ty::Bool),
            ("to_upper", 0) => (format!("{r}.upper()"), Ty::Str),
            ("to_lower", 0) => (format!("{r}.lower()"), Ty::Str),
            ("split", 1) => (
                format!("{r}.split({})", self.args(args)?[0]),
                Ty::List(Box::new(Ty::Str)),
            ),
            ("split", 0) => (format!("{r}.split()"), Ty::List(Box::new(Ty::Str))),
            ("index_of", 1) => (format!("{r}.find({})", self.args(args)?[0]), Ty::Int),
            ("to_int", 0) => (format!("int({})", recv.code), Ty::Int),
            ("to_float", 0) => (format!("float({})", recv.code), Ty::Float),
            _ => match IN_PLACE_STR.iter().find(|(rn, _)| *rn == name) {
                Some((_, py)) => (
                    format!("{r}.{py}({})", self.args(args)?.join(", ")),
                    Ty::Str,
                ),
                None => return Ok(None),
            },
        };
        Ok(Some(PyExpr::typed(code, ty)))
    }

    /// `s.sub_string(start, len)` and `s.sub_string(start)` / `s.sub_string(range)`.
    fn sub_string(&mut self, recv: &PyExpr, args: &[Expr], pos: Position) -> ExportResult<PyExpr> {
        let r = recv.at(P_ATOM);
        let string = |code: String| Ok(PyExpr::atom(code, Kind::Str));
        if let [start, len] = args {
            let a = self.expr(start)?;
            let b = self.expr(len)?;
            if matches!(start, Expr::IntegerConstant(n, _) if *n >= 0) {
                // A slice means the same from a start that is not negative.
                return string(format!(
                    "{r}[{0}:{0} + {1}]",
                    a.at(P_ADD + 1),
                    b.at(P_ADD + 1)
                ));
            }
            // A negative start counts from the end in Rhai, even with a length past it.
            self.need_helper("_sub_string");
            return string(format!(
                "_sub_string({}, {}, {})",
                recv.code, a.code, b.code
            ));
        }
        if let Expr::FnCall(range, _) = &args[0]
            && matches!(range.name.as_str(), ".." | "..=")
        {
            return self.sub_string_range(&r, range, pos);
        }
        let a = self.expr(&args[0])?;
        if a.kind() == Kind::Array {
            return Err(self.err(
                pos,
                "sub_string(range) needs a literal range to be exported",
            ));
        }
        // From a negative start Rhai counts from the end as Python does, and from the first
        // character before it: Python's slice.
        string(format!("{r}[{}:]", a.code))
    }

    /// `s.sub_string(a..b)`: Rhai clamps a range's ends; only non-negative literal ends mean
    /// a slice.
    fn sub_string_range(&self, r: &str, range: &FnCallExpr, pos: Position) -> ExportResult<PyExpr> {
        match range.args.as_slice() {
            [Expr::IntegerConstant(a, _), Expr::IntegerConstant(b, _)] if *a >= 0 && *b >= 0 => {
                let end = if range.name.as_str() == ".." {
                    *b.max(a)
                } else {
                    b.max(a) + 1
                };
                Ok(PyExpr::atom(format!("{r}[{a}:{end}]"), Kind::Str))
            }
            _ => Err(self.err(
                pos,
                "sub_string(range) needs a range of literal, non-negative ends to be exported",
            )),
        }
    }

    /// The list methods an array literal's list has in Python (`filter` and `map` make lists).
    pub(super) fn array_method(
        &mut self,
        recv: &PyExpr,
        name: &str,
        args: &[Expr],
    ) -> ExportResult<Option<PyExpr>> {
        let r = recv.at(P_ATOM);
        Ok(match (name, args.len()) {
            ("filter", 1) => {
                let elem = recv.ty.elem();
                let f =
                    self.closure_arg(&args[0], std::slice::from_ref(&elem), false, Returns::Value)?;
                Some(PyExpr::typed(
                    format!("list(filter({}, {}))", f.code, recv.code),
                    Ty::List(Box::new(elem)),
                ))
            }
            ("map", 1) => {
                let f = self.closure_arg(&args[0], &[recv.ty.elem()], false, Returns::Value)?;
                Some(PyExpr::typed(
                    format!("list(map({}, {}))", f.code, recv.code),
                    Ty::List(Box::new(f.ty.returns())),
                ))
            }
            ("sort", 0) => Some(PyExpr::atom(format!("{r}.sort()"), Kind::Unknown)),
            ("reverse", 0) => Some(PyExpr::atom(format!("{r}.reverse()"), Kind::Unknown)),
            ("clear", 0) => Some(PyExpr::atom(format!("{r}.clear()"), Kind::Unknown)),
            _ => None,
        })
    }
}
