//! `def` functions and Python's function-wide variables: a module-level `def` becomes a Rhai
//! `fn`, a `def` inside a driver a closure bound to its name; names first assigned in a
//! nested block are declared at the top of the function (`predeclare`), as Python's
//! variables live in the whole function.

use super::error::TranslateError;
use super::names::rhai_name;
use super::program::{Program, Scope, is_main_guard};
use ruff_python_ast::{self as ast, Expr, Stmt};
use std::collections::HashSet;

impl<'a> Program<'a> {
    /// A module-level `def` as a Rhai `fn`.
    pub(super) fn function(
        &self,
        f: &'a ast::StmtFunctionDef,
        out: &mut Vec<String>,
    ) -> Result<(), TranslateError> {
        self.check_def(f)?;
        let mut scope = Scope {
            in_fn: true,
            ..Scope::default()
        };
        let params = self.params(f, &mut scope);
        scope.locals = assigned_names(&f.body);
        out.push(format!(
            "fn {}({}) {{",
            rhai_name(&f.name.id),
            params.join(", ")
        ));
        self.predeclare(&f.body, &mut scope, 1, out);
        self.block(&f.body, &mut scope, 1, out)?;
        out.push("}".into());
        Ok(())
    }

    /// A `def` inside a driver: a closure bound to its name (it may read the driver's
    /// variables, which a Rhai `fn` could not).
    pub fn local_function(
        &self,
        f: &'a ast::StmtFunctionDef,
        scope: &mut Scope,
        depth: usize,
        out: &mut Vec<String>,
    ) -> Result<(), TranslateError> {
        self.check_def(f)?;
        let mut inner = Scope {
            in_fn: scope.in_fn,
            bound: scope.bound.clone(),
            ..Scope::default()
        };
        // The enclosing function's variables stay visible to the closure.
        inner.bound.extend(scope.declared.iter().cloned());
        inner.bound.extend(scope.locals.iter().cloned());
        let params = self.params(f, &mut inner);
        inner.locals = assigned_names(&f.body);
        let ind = "    ".repeat(depth);
        let name = rhai_name(&f.name.id);
        let kw = if scope.declared.contains(f.name.id.as_str()) {
            ""
        } else {
            "let "
        };
        scope.declared.insert(f.name.id.to_string());
        scope.locals.insert(f.name.id.to_string());
        out.push(format!("{ind}{kw}{name} = |{}| {{", params.join(", ")));
        self.predeclare(&f.body, &mut inner, depth + 1, out);
        self.block(&f.body, &mut inner, depth + 1, out)?;
        out.push(format!("{ind}}};"));
        Ok(())
    }

    pub(super) fn check_def(&self, f: &ast::StmtFunctionDef) -> Result<(), TranslateError> {
        if f.is_async {
            return Err(self.err(f, "an async function", "write a plain `def`"));
        }
        if let Some(d) = f.decorator_list.first() {
            return Err(self.err(d, "a decorator", "define the function without it"));
        }
        let p = &f.parameters;
        if let Some(v) = p.vararg.as_ref().or(p.kwarg.as_ref()) {
            return Err(self.err(&**v, "`*args`/`**kwargs` parameters", "name each parameter"));
        }
        if let Some(k) = p.kwonlyargs.first() {
            return Err(self.err(k, "a keyword-only parameter", "make it a positional one"));
        }
        Ok(())
    }

    pub(super) fn params(&self, f: &ast::StmtFunctionDef, scope: &mut Scope) -> Vec<String> {
        f.parameters
            .posonlyargs
            .iter()
            .chain(&f.parameters.args)
            .map(|p| {
                let n = p.parameter.name.id.to_string();
                scope.bound.push(n.clone());
                scope.declared.insert(n.clone());
                rhai_name(&n)
            })
            .collect()
    }

    /// Python's variables live in the whole function, Rhai's in their block: names first
    /// assigned inside a nested block are declared at the top.
    pub fn predeclare(
        &self,
        body: &[Stmt],
        scope: &mut Scope,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        // The body of `if __name__ == "__main__":` is the module's top level too.
        let top: HashSet<String> = body
            .iter()
            .flat_map(|s| match s {
                Stmt::If(i) if is_main_guard(&i.test) => {
                    i.body.iter().flat_map(stmt_targets).collect::<Vec<_>>()
                }
                s => stmt_targets(s),
            })
            .collect();
        let mut nested: Vec<String> = assigned_names(body)
            .into_iter()
            .filter(|n| {
                !top.contains(n)
                    && !scope.declared.contains(n)
                    && !matches!(n.as_str(), "sc" | "ssc" | "spark")
            })
            .collect();
        nested.sort();
        let ind = "    ".repeat(depth);
        for n in nested {
            out.push(format!("{ind}let {} = ();", rhai_name(&n)));
            scope.declared.insert(n);
        }
    }
}

/// Names a statement assigns at its own level.
pub fn stmt_targets(s: &Stmt) -> Vec<String> {
    let mut names = Vec::new();
    let mut add = |t: &Expr| collect_target(t, &mut names);
    match s {
        Stmt::Assign(a) => a.targets.iter().for_each(&mut add),
        Stmt::AnnAssign(a) => add(&a.target),
        Stmt::FunctionDef(f) => names.push(f.name.id.to_string()),
        _ => {}
    }
    names
}

pub(super) fn collect_target(t: &Expr, names: &mut Vec<String>) {
    match t {
        Expr::Name(n) => names.push(n.id.to_string()),
        Expr::Tuple(t) => t.elts.iter().for_each(|e| collect_target(e, names)),
        Expr::List(t) => t.elts.iter().for_each(|e| collect_target(e, names)),
        _ => {}
    }
}

/// Every name assigned anywhere in these statements (not inside nested functions), loop
/// variables excepted (Rhai's `for` declares them).
pub fn assigned_names(body: &[Stmt]) -> HashSet<String> {
    let mut names = HashSet::new();
    for s in body {
        names.extend(stmt_targets(s));
        match s {
            Stmt::If(i) => {
                names.extend(assigned_names(&i.body));
                for c in &i.elif_else_clauses {
                    names.extend(assigned_names(&c.body));
                }
            }
            Stmt::For(f) => names.extend(assigned_names(&f.body)),
            Stmt::While(w) => names.extend(assigned_names(&w.body)),
            _ => {}
        }
    }
    names
}
