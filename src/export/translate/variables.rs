//! What a variable is bound to: `let` values (a StreamingContext, a mutated array's own
//! list) and in-place string methods as statements, which rebind the variable in Python.

use super::expressions::py_float;
use super::{ExportResult, PyExpr, Translator};
use crate::types::{Kind, Ty};
use rhai::{Expr, Stmt};

/// Rhai string methods that change the string in place (and return `()`), with Python's
/// expression for the new value.
pub(super) const IN_PLACE_STR: &[(&str, &str)] = &[
    ("replace", "replace"),
    ("trim", "strip"),
    ("make_upper", "upper"),
    ("make_lower", "lower"),
];

impl Translator<'_> {
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
                    let (a, b) = self.branches(
                        &fc.expr,
                        |me| me.list_value(name, x),
                        |me| me.list_value(name, y),
                    )?;
                    return Ok(PyExpr::conditional(a, c, b));
                }
            }
            _ => {}
        }
        self.own_list(&code, elems, e)
    }

    /// A value that is not an array literal, for the mutated array `code` with elements of
    /// type `elems`: a list of its own, copied where something else may hold it.
    fn own_list(&mut self, code: &str, elems: Ty, e: &Expr) -> ExportResult<PyExpr> {
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
                self.pushed_into(code, Ty::Unknown);
                Ok(py)
            }
            // A new list (`split`, `+` of lists): nothing else holds it.
            Ty::List(t) | Ty::SparkList(t) if !copied => {
                self.pushed_into(code, (**t).clone());
                Ok(PyExpr { ty, ..py })
            }
            Ty::Unknown if !copied => {
                // A call of unknown result: as before, its kind only.
                self.pushed_into(code, Ty::Unknown);
                Ok(py)
            }
            t => {
                self.pushed_into(code, t.elem());
                // Rhai copies arrays on assignment; Python would share the list.
                Ok(PyExpr::typed(format!("list({})", py.code), ty))
            }
        }
    }
}
