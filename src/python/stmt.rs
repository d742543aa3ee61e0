//! Statements: assignments (Python's function-wide variables as Rhai `let`s), `if`/`elif`,
//! `for` (tuple targets unpacked), `while`, `return`, `assert`, `raise`, `del`, and the
//! constructs with no translation, refused with what to write instead.

use super::error::Translated;
use super::names::{Code, Kind, rhai_name};
use super::program::{Program, Scope};
use ruff_python_ast::{self as ast, Expr, Stmt};

impl<'a> Program<'a> {
    pub fn block(
        &self,
        body: &'a [Stmt],
        scope: &mut Scope,
        depth: usize,
        out: &mut Vec<String>,
    ) -> Translated<()> {
        for s in body {
            self.stmt(s, scope, depth, out)?;
        }
        Ok(())
    }

    pub fn stmt(
        &self,
        s: &'a Stmt,
        scope: &mut Scope,
        depth: usize,
        out: &mut Vec<String>,
    ) -> Translated<()> {
        let first = out.len();
        self.stmt_inner(s, scope, depth, out)?;
        // Where each statement came from, so a runtime error's Rhai line leads back to it.
        if self.mode == super::program::Mode::Program
            && let Some(line) = out.get_mut(first)
            && !line.trim().is_empty()
            && !line.contains("//")
        {
            let (n, _) = self
                .lines
                .line_col(ruff_text_size::Ranged::start(s).to_usize());
            line.push_str(&format!("  // {}:{n}", self.file));
        }
        Ok(())
    }

    fn stmt_inner(
        &self,
        s: &'a Stmt,
        scope: &mut Scope,
        depth: usize,
        out: &mut Vec<String>,
    ) -> Translated<()> {
        let ind = "    ".repeat(depth);
        match s {
            Stmt::Expr(e) => {
                // A docstring or a bare literal does nothing (in the shell it shows its value).
                if self.mode == super::program::Mode::Program
                    && matches!(
                        &*e.value,
                        Expr::StringLiteral(_) | Expr::NumberLiteral(_) | Expr::EllipsisLiteral(_)
                    )
                {
                    return Ok(());
                }
                if let Some(text) = self.preamble_call(&e.value, scope)? {
                    if !text.is_empty() {
                        out.push(format!("{ind}{text}"));
                    }
                    return Ok(());
                }
                if let Some(text) = self.driver_call(&e.value, scope, depth, out)? {
                    out.extend(text);
                    return Ok(());
                }
                let c = self.expr(&e.value, scope)?;
                // A call with nothing to do in centella (findspark.init()).
                if c.text == "()" && self.mode == super::program::Mode::Program {
                    return Ok(());
                }
                out.push(format!("{ind}{};", c.text));
            }
            Stmt::Assign(a) => self.assign(a, scope, depth, out)?,
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.assign_to(&a.target, v, scope, depth, out)?;
                }
            }
            Stmt::AugAssign(a) => {
                let target = self.target_text(&a.target, scope)?;
                let value = self.expr(&a.value, scope)?;
                let current = self.expr(&a.target, scope)?;
                let line = match a.op {
                    ast::Operator::Add if value.kind.is_scalar() => {
                        format!("{target} += {};", value.text)
                    }
                    ast::Operator::Sub => format!("{target} -= {};", value.text),
                    ast::Operator::Mult if value.kind.is_number() && current.kind != Kind::Str => {
                        format!("{target} *= {};", value.text)
                    }
                    op => {
                        let c = self.binop(op, current, value, &a.value)?;
                        format!("{target} = {};", c.text)
                    }
                };
                out.push(format!("{ind}{line}"));
            }
            Stmt::If(i) => {
                let test = self.condition(&i.test, scope)?;
                out.push(format!("{ind}if {test} {{"));
                self.block(&i.body, scope, depth + 1, out)?;
                for c in &i.elif_else_clauses {
                    match &c.test {
                        Some(t) => {
                            let test = self.condition(t, scope)?;
                            out.push(format!("{ind}}} else if {test} {{"));
                        }
                        None => out.push(format!("{ind}}} else {{")),
                    }
                    self.block(&c.body, scope, depth + 1, out)?;
                }
                out.push(format!("{ind}}}"));
            }
            Stmt::For(f) => {
                if f.is_async {
                    return Err(self.err(s, "`async for`", "use a plain `for`"));
                }
                if !f.orelse.is_empty() {
                    return Err(self.err(
                        s,
                        "a `for ... else`",
                        "set a flag in the loop and test it after",
                    ));
                }
                let iter = self.iterable(&f.iter, scope)?;
                let (var, unpack) = self.loop_target(&f.target, scope)?;
                out.push(format!("{ind}for {var} in {iter} {{"));
                if let Some(u) = unpack {
                    out.push(format!("{ind}    {u}"));
                }
                self.block(&f.body, scope, depth + 1, out)?;
                self.unbind_target(&f.target, scope);
                out.push(format!("{ind}}}"));
            }
            Stmt::While(w) => {
                if !w.orelse.is_empty() {
                    return Err(self.err(
                        s,
                        "a `while ... else`",
                        "set a flag in the loop and test it after",
                    ));
                }
                let test = self.condition(&w.test, scope)?;
                out.push(format!("{ind}while {test} {{"));
                self.block(&w.body, scope, depth + 1, out)?;
                out.push(format!("{ind}}}"));
            }
            Stmt::Return(r) => match &r.value {
                Some(v) => {
                    let c = self.expr(v, scope)?;
                    out.push(format!("{ind}return {};", c.text));
                }
                None => out.push(format!("{ind}return;")),
            },
            Stmt::Pass(_) => {}
            Stmt::Break(_) => out.push(format!("{ind}break;")),
            Stmt::Continue(_) => out.push(format!("{ind}continue;")),
            Stmt::Assert(a) => {
                let test = self.condition(&a.test, scope)?;
                let msg = match &a.msg {
                    Some(m) => format!(
                        "\"AssertionError: \" + py_str({})",
                        self.expr(m, scope)?.text
                    ),
                    None => "\"AssertionError\"".to_string(),
                };
                out.push(format!("{ind}if !({test}) {{ throw {msg}; }}"));
            }
            Stmt::Raise(r) => {
                let msg = match &r.exc {
                    Some(e) => self.exception_text(e, scope)?,
                    None => {
                        return Err(self.err(
                            s,
                            "a bare `raise`",
                            "raise an exception with a message",
                        ));
                    }
                };
                out.push(format!("{ind}throw {msg};"));
            }
            Stmt::Delete(d) => {
                for t in &d.targets {
                    let Expr::Subscript(sub) = t else {
                        return Err(self.err(
                            t,
                            "`del` of a variable",
                            "assign None to it instead",
                        ));
                    };
                    let target = self.target_text(&sub.value, scope)?;
                    let key = self.expr(&sub.slice, scope)?;
                    out.push(format!("{ind}{target}.py_delitem({});", key.text));
                }
            }
            Stmt::FunctionDef(f) => self.local_function(f, scope, depth, out)?,
            Stmt::Import(_) | Stmt::ImportFrom(_) => {
                // Module-level imports were read in the first pass; inside functions they
                // must be of the same modules.
            }
            Stmt::ClassDef(_) => {
                return Err(self.err(
                    s,
                    "a class definition",
                    "centella's Rhai has no classes: use functions with tuples or dicts \
                     (`#{...}` maps) for the data",
                ));
            }
            Stmt::Try(_) => {
                return Err(self.err(
                    s,
                    "`try`/`except`",
                    "centella stops the streams cleanly on Ctrl-C and reports a failing batch \
                     while the stream keeps running, as Spark does; remove the `try` (test \
                     values with `if` where they may be wrong)",
                ));
            }
            Stmt::With(_) => {
                return Err(self.err(
                    s,
                    "a `with` block",
                    "files are read by the stream sources (ssc.textFileStream, \
                     sc.textFile); remove the `with`",
                ));
            }
            Stmt::Global(_) | Stmt::Nonlocal(_) => {
                return Err(self.err(
                    s,
                    "`global`/`nonlocal`",
                    "a translated function cannot assign the program's variables; return \
                     the new value and assign it where the function is called",
                ));
            }
            Stmt::Match(_) => {
                return Err(self.err(s, "a `match` statement", "write it as `if`/`elif`"));
            }
            Stmt::TypeAlias(_) | Stmt::IpyEscapeCommand(_) => {
                return Err(self.err(s, "this statement", "remove it"));
            }
        }
        Ok(())
    }

    fn assign(
        &self,
        a: &'a ast::StmtAssign,
        scope: &mut Scope,
        depth: usize,
        out: &mut Vec<String>,
    ) -> Translated<()> {
        if a.targets.len() > 1 {
            // a = b = value: evaluate once.
            let t = self.temp("v");
            let v = self.expr(&a.value, scope)?;
            out.push(format!("{}let {t} = {};", "    ".repeat(depth), v.text));
            for target in &a.targets {
                self.assign_code(target, Code::atom(t.clone(), v.kind), scope, depth, out)?;
            }
            return Ok(());
        }
        if let (Expr::Name(n), Expr::Lambda(l)) = (&a.targets[0], &*a.value) {
            let arity = l
                .parameters
                .as_ref()
                .map_or(0, |p| p.args.len() + p.posonlyargs.len());
            scope.lambda_arity.insert(n.id.to_string(), arity);
        }
        self.assign_to(&a.targets[0], &a.value, scope, depth, out)
    }

    fn assign_to(
        &self,
        target: &'a Expr,
        value: &'a Expr,
        scope: &mut Scope,
        depth: usize,
        out: &mut Vec<String>,
    ) -> Translated<()> {
        // `ssc = create_context()`: the function's body here, then its result.
        if let Expr::Name(n) = target
            && let Expr::Call(c) = value
            && matches!(&*c.func, Expr::Name(f) if self.drivers.contains_key(f.id.as_str()))
            && let Some(lines) = self.driver_call(value, scope, depth, out)?
        {
            out.extend(lines);
            if let Some(ret) = self.last_return.borrow_mut().take()
                && ret != n.id.as_str()
            {
                let code = Code::atom(rhai_name(&ret), Kind::Unknown);
                return self.assign_code(target, code, scope, depth, out);
            }
            return Ok(());
        }
        if let Expr::Name(n) = target
            && let Some(text) = self.preamble_assign(n.id.as_str(), value, scope)?
        {
            if !text.is_empty() {
                out.push(format!("{}{text}", "    ".repeat(depth)));
            }
            return Ok(());
        }
        let v = self.expr(value, scope)?;
        self.assign_code(target, v, scope, depth, out)
    }

    pub fn assign_code(
        &self,
        target: &Expr,
        v: Code,
        scope: &mut Scope,
        depth: usize,
        out: &mut Vec<String>,
    ) -> Translated<()> {
        let ind = "    ".repeat(depth);
        match target {
            Expr::Name(n) => {
                let name = n.id.to_string();
                let kw = if scope.declared.contains(&name) {
                    ""
                } else {
                    "let "
                };
                out.push(format!("{ind}{kw}{} = {};", rhai_name(&name), v.text));
                scope.declared.insert(name.clone());
                scope.locals.insert(name);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let t = self.temp("t");
                out.push(format!(
                    "{ind}let {t} = py_unpack({}, {});",
                    v.text,
                    elts.len()
                ));
                for (i, e) in elts.iter().enumerate() {
                    if let Expr::Starred(_) = e {
                        return Err(self.err(
                            e,
                            "a starred assignment target",
                            "index the value instead",
                        ));
                    }
                    self.assign_code(
                        e,
                        Code::atom(format!("{t}[{i}]"), Kind::Unknown),
                        scope,
                        depth,
                        out,
                    )?;
                }
            }
            Expr::Subscript(_) => {
                let t = self.target_text(target, scope)?;
                out.push(format!("{ind}{t} = {};", v.text));
            }
            _ => {
                return Err(self.err(
                    target,
                    "an assignment to this target",
                    "assign to a variable, an index (`x[i] = v`) or a dict key (`d[k] = v`)",
                ));
            }
        }
        Ok(())
    }

    /// `x`, `x[i]`, `d[k]` as an assignment target.
    fn target_text(&self, target: &Expr, scope: &mut Scope) -> Translated<String> {
        match target {
            Expr::Name(n) => {
                if scope.in_fn
                    && !scope.is_local(n.id.as_str())
                    && self.module_vars.contains(n.id.as_str())
                {
                    return Err(self.err(
                        target,
                        format!(
                            "an assignment to the program's variable `{}` inside a function",
                            n.id
                        ),
                        "return the new value and assign it where the function is called",
                    ));
                }
                Ok(rhai_name(&n.id))
            }
            Expr::Subscript(s) => {
                if let Expr::Slice(_) = &*s.slice {
                    return Err(self.err(
                        target,
                        "an assignment to a slice",
                        "build the new list with `+` and slices",
                    ));
                }
                let base = self.target_text(&s.value, scope)?;
                let key = self.expr(&s.slice, scope)?;
                Ok(format!("{base}[{}]", key.text))
            }
            _ => Err(self.err(
                target,
                "an assignment to this target",
                "assign to a variable, an index (`x[i] = v`) or a dict key (`d[k] = v`)",
            )),
        }
    }

    /// The loop variable, and the `let`s that unpack a tuple target.
    pub fn loop_target(
        &self,
        target: &Expr,
        scope: &mut Scope,
    ) -> Translated<(String, Option<String>)> {
        match target {
            Expr::Name(n) => {
                scope.bound.push(n.id.to_string());
                Ok((rhai_name(&n.id), None))
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let t = self.temp("it");
                let mut lets = vec![format!("let {t}u = py_unpack({t}, {});", elts.len())];
                for (i, e) in elts.iter().enumerate() {
                    let Expr::Name(n) = e else {
                        return Err(self.err(
                            e,
                            "a nested loop target",
                            "unpack the inner tuple in the loop body",
                        ));
                    };
                    scope.bound.push(n.id.to_string());
                    lets.push(format!("let {} = {t}u[{i}];", rhai_name(&n.id)));
                }
                Ok((t, Some(lets.join(" "))))
            }
            _ => Err(self.err(
                target,
                "this loop target",
                "loop over a variable or a tuple of variables",
            )),
        }
    }

    pub fn unbind_target(&self, target: &Expr, scope: &mut Scope) {
        let n = match target {
            Expr::Tuple(t) => t.elts.len(),
            Expr::List(l) => l.elts.len(),
            _ => 1,
        };
        for _ in 0..n {
            scope.bound.pop();
        }
    }

    /// `raise ValueError("msg")` as the text thrown.
    fn exception_text(&self, e: &Expr, scope: &mut Scope) -> Translated<String> {
        if let Expr::Call(c) = e
            && let Expr::Name(n) = &*c.func
        {
            let arg = match c.arguments.args.first() {
                Some(a) => format!(" + \": \" + py_str({})", self.expr(a, scope)?.text),
                None => String::new(),
            };
            return Ok(format!("\"{}\"{arg}", n.id));
        }
        if let Expr::Name(n) = e {
            return Ok(format!("\"{}\"", n.id));
        }
        Ok(format!("py_str({})", self.expr(e, scope)?.text))
    }
}
