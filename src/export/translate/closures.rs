//! Closures: a one-expression closure becomes a `lambda`, a longer one a local `def` hoisted
//! before its statement; what a caller makes of a closure's results (records become tuples).

use super::expressions::tuple_code;
use super::statements::{always_returns, collect_mutated};
use super::switch;
use super::{ExportResult, P_LAMBDA, PyExpr, Translator};
use crate::export::types::{self, Kind, Returns, ToRecord, Ty};
use rhai::{ASTNode, Expr, FnPtr, Position, Stmt};
use std::collections::{HashMap, HashSet};

/// The closure behind an expression: a plain function pointer, or `curry(Fn, captured...)`.
pub(super) fn closure_of(e: &Expr) -> Option<(String, Vec<String>)> {
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

impl Translator<'_> {
    /// Whether an argument is a function value (not a closure literal): `Fn("name")` or a
    /// variable holding a closure.
    pub(super) fn is_function_value(&self, e: &Expr) -> bool {
        match e {
            Expr::FnCall(fc, _) => fc.name.as_str() == "Fn",
            Expr::Variable(v, _, _) => matches!(self.ty_of(&v.1), Ty::Fn(_)),
            _ => false,
        }
    }

    /// A value the def being translated returns, as its caller needs it.
    pub(super) fn returned(&mut self, e: &Expr) -> ExportResult<PyExpr> {
        let shape = self.shapes.last().copied().unwrap_or(Returns::Value);
        self.shaped(e, shape)
    }

    /// A value returned to a caller that makes `shape` of it. In a record, the Python lists
    /// that stand for Rhai arrays become tuples (centella prints them so); an array literal's
    /// elements are converted one by one, so `[x, a]` is `(x, tuple(a))`.
    pub(super) fn shaped(&mut self, e: &Expr, shape: Returns) -> ExportResult<PyExpr> {
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
                Ok(PyExpr::typed(tuple_code(&v), Ty::Tuple(tys)))
            }
            _ => {
                let py = self.expr(e)?;
                Ok(self.reshape(py, shape))
            }
        }
    }

    /// A translated value returned to a caller that makes `shape` of it (see `shaped`).
    pub(super) fn reshape(&mut self, py: PyExpr, shape: Returns) -> PyExpr {
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
            ToRecord::Tuple => PyExpr::typed(format!("tuple({})", py.code), ty),
            ToRecord::Helper => {
                self.need_helper("_tup");
                PyExpr::typed(format!("_tup({})", py.code), ty)
            }
        }
    }

    /// Translates a closure argument; `param_tys` are its parameters' types (when known),
    /// `returns` what the caller makes of its results.
    pub(super) fn closure_arg(
        &mut self,
        e: &Expr,
        param_tys: &[Ty],
        listed: bool,
        returns: Returns,
    ) -> ExportResult<PyExpr> {
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
                    v = PyExpr::typed(format!("_tupled({})", v.code), Ty::Fn(Box::new(ret)));
                }
                if listed {
                    self.need_helper("_listed");
                    Ok(PyExpr::typed(format!("_listed({})", v.code), v.ty))
                } else {
                    Ok(v)
                }
            }
        }
    }

    pub(super) fn closure(
        &mut self,
        fn_name: &str,
        captured: &[String],
        param_tys: &[Ty],
        pos: Position,
        listed: bool,
        returns: Returns,
    ) -> ExportResult<PyExpr> {
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
                PyExpr::typed(format!("_listed({code})"), Ty::Fn(Box::new(ret)))
            } else {
                PyExpr {
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
}
