//! Closures: a one-expression closure becomes a `lambda`, a longer one a local `def` hoisted
//! before its statement; what a caller makes of a closure's results (records become tuples).

use super::statements::{always_returns, collect_mutated};
use super::switch;
use super::{ExportResult, P_LAMBDA, PyExpr, Translator};
use crate::types::{self, Returns, ToRecord, Ty};
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
                for i in items.iter() {
                    v.push(self.shaped(i, Returns::Record)?);
                }
                Ok(PyExpr::tuple(v))
            }
            _ => {
                let py = self.expr(e)?;
                Ok(self.reshape(py, shape))
            }
        }
    }

    /// A translated value returned to a caller that makes `shape` of it (see `shaped`).
    pub(super) fn reshape(&mut self, py: PyExpr, shape: Returns) -> PyExpr {
        let (convert, ty) = types::shape_rule(shape, &py.ty);
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
        if let Some((name, captured)) = closure_of(e) {
            let pos = e.start_position();
            return self.closure(&name, &captured, param_tys, pos, listed, returns);
        }
        let mut v = self.expr(e)?;
        let (convert, ret) = types::shape_rule(returns, &v.ty.returns());
        if convert != ToRecord::Keep {
            // A function value (`Fn("name")`, a variable): its results become records.
            self.need_helper("_tupled");
            v = PyExpr::typed(format!("_tupled({})", v.code), Ty::Fn(Box::new(ret)));
        }
        if listed {
            self.need_helper("_listed");
            Ok(PyExpr::typed(format!("_listed({})", v.code), v.ty))
        } else {
            Ok(v)
        }
    }

    /// A closure literal (the function `fn_name`, capturing `captured`): a `lambda` when its
    /// body is one expression that needs no hoisted def, else a local def hoisted before the
    /// statement being translated.
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
        let scope = self.closure_scope(&own, param_tys, &own_mutated);
        let lambda_body = lambda_body(&real, pos);
        if let Some(x) = lambda_body
            && !own.iter().any(|p| own_mutated.contains(p))
            && let Some((code, ret)) = self.lambda(&own, scope.clone(), &x, returns)?
        {
            return Ok(self.function_value(code, ret, listed));
        }
        let def = LocalDef {
            captured,
            own: &own,
            own_mutated: &own_mutated,
            body: &real,
        };
        let (def_name, ret) = self.local_def(def, scope, pos, returns)?;
        Ok(self.function_value(def_name, ret, listed))
    }

    /// The closure's own parameters' types: `param_tys` (for the trailing parameters of a
    /// `(time, rdd)` form), widened for those that are mutated or take values of two types.
    fn closure_scope(
        &self,
        own: &[String],
        param_tys: &[Ty],
        own_mutated: &HashSet<String>,
    ) -> HashMap<String, Ty> {
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
                types::widen(t)
            } else {
                t
            };
            scope.insert(p.clone(), t);
        }
        scope
    }

    /// `lambda params: value` with the value shaped as the caller needs it, and its type; None
    /// when the value needs a hoisted def of its own (then the closure is a def too).
    fn lambda(
        &mut self,
        own: &[String],
        scope: HashMap<String, Ty>,
        x: &Expr,
        returns: Returns,
    ) -> ExportResult<Option<(String, Ty)>> {
        let (v, hoisted) = self.in_scope(scope, |me| {
            me.hoisted.push(vec![]);
            let r = me.shaped(x, returns);
            let hoisted = me.hoisted.pop().unwrap_or_default();
            r.map(|v| (v, hoisted))
        })?;
        if !hoisted.is_empty() {
            return Ok(None);
        }
        let pnames: Vec<String> = own.iter().map(|p| self.var_name(p)).collect();
        let code = if pnames.is_empty() {
            format!("lambda: {}", v.at(P_LAMBDA))
        } else {
            format!("lambda {}: {}", pnames.join(", "), v.at(P_LAMBDA))
        };
        Ok(Some((code, v.ty)))
    }

    /// A closure as a local def, emitted right before the statement that uses it (with
    /// `nonlocal` for the captured variables it assigns): its name and what it returns.
    fn local_def(
        &mut self,
        def: LocalDef,
        scope: HashMap<String, Ty>,
        pos: Position,
        returns: Returns,
    ) -> ExportResult<(String, Ty)> {
        self.local_defs += 1;
        let def_name = format!("_f{}", self.local_defs);
        let line = pos.line().unwrap_or(0);
        let pnames: Vec<String> = def.own.iter().map(|p| self.var_name(p)).collect();
        let mut lines = vec![format!(
            "def {def_name}({}):  # {}:{line}",
            pnames.join(", "),
            self.script_name
        )];
        let nonlocal: Vec<String> = assigned_captures(def.body, def.captured)
            .iter()
            .map(|c| self.var_name(c))
            .collect();
        if !nonlocal.is_empty() {
            // Rhai closures share captured variables; Python needs nonlocal to assign them.
            lines.push(format!("    nonlocal {}", nonlocal.join(", ")));
        }
        let body = DefBody {
            params: def.own,
            mutated: def.own_mutated,
            scope,
            shape: returns,
            stmts: def.body,
        };
        let ret_ty = self.def_body(body, &mut lines)?;
        match self.hoisted.last_mut() {
            Some(p) => p.extend(lines),
            None => return Err(self.err(pos, "a multi-statement closure outside a statement")),
        }
        Ok((def_name, ret_ty))
    }

    /// A def's lines after its `def` line, for a script function and a closure alike: copies
    /// of the parameters it mutates (Rhai arrays are values), then its statements in its
    /// parameters' scope, the last one returned. What the def returns: its returns' types,
    /// and () if it can end without one.
    pub(super) fn def_body(&mut self, def: DefBody, out: &mut Vec<String>) -> ExportResult<Ty> {
        for p in def.params {
            if def.mutated.contains(p) {
                out.push(format!(
                    "    {0} = list({0})  # Rhai arrays are values",
                    self.var_name(p)
                ));
            }
        }
        self.returns.push(None);
        self.shapes.push(def.shape);
        let r = self.in_scope(def.scope, |me| me.block(def.stmts, 1, true, out));
        self.shapes.pop();
        let returned = self.returns.pop().flatten();
        r?;
        Ok(match returned {
            Some(t) if always_returns(def.stmts) => t,
            Some(t) => types::join(&t, &Ty::Unit),
            None => Ty::Unit,
        })
    }

    /// A function value: `_listed(f)` where Spark hands the function an iterator.
    fn function_value(&mut self, code: String, ret: Ty, listed: bool) -> PyExpr {
        if listed {
            self.need_helper("_listed");
            PyExpr::typed(format!("_listed({code})"), Ty::Fn(Box::new(ret)))
        } else {
            PyExpr {
                code,
                ty: Ty::Fn(Box::new(ret)),
                prec: P_LAMBDA,
            }
        }
    }
}

/// A closure that becomes a local def.
struct LocalDef<'d> {
    captured: &'d [String],
    own: &'d [String],
    own_mutated: &'d HashSet<String>,
    body: &'d [Stmt],
}

/// What [`Translator::def_body`] translates.
pub(super) struct DefBody<'d> {
    pub params: &'d [String],
    /// The parameters (and other variables) the body mutates as arrays.
    pub mutated: &'d HashSet<String>,
    pub scope: HashMap<String, Ty>,
    /// What the caller makes of the def's results.
    pub shape: Returns,
    pub stmts: &'d [Stmt],
}

/// The body of a closure that can be a `lambda`: one expression (not a block), or a switch
/// with one expression per case (a conditional expression).
fn lambda_body(real: &[Stmt], pos: Position) -> Option<Expr> {
    match real {
        [Stmt::Expr(x)] if !matches!(x.as_ref(), Expr::Stmt(_) if closure_of(x).is_none()) => {
            Some((**x).clone())
        }
        [Stmt::Switch(x, _)] if switch::is_expression(x) => Some(Expr::Stmt(Box::new(
            rhai::StmtBlock::new(real.iter().cloned(), pos, Position::NONE),
        ))),
        _ => None,
    }
}

/// The captured variables a closure's body assigns.
fn assigned_captures<'c>(body: &[Stmt], captured: &'c [String]) -> Vec<&'c String> {
    let mut assigned = HashSet::new();
    for s in body {
        s.walk(&mut Vec::new(), &mut |path: &[ASTNode]| {
            if let Some(ASTNode::Stmt(Stmt::Assignment(x))) = path.last()
                && let Expr::Variable(v, _, _) = &x.1.lhs
            {
                assigned.insert(v.1.to_string());
            }
            true
        });
    }
    captured.iter().filter(|c| assigned.contains(*c)).collect()
}
