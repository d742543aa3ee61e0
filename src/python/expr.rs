//! Expressions. Rhai's own operators are kept where they mean what Python's mean (numbers,
//! strings); elsewhere a `py_*` helper carries Python's meaning: `/` true division, `//`
//! floor, `%` with the divisor's sign (and `%` formatting), list `+`, truthiness, `in`,
//! slices, comprehensions, f-strings.

use super::error::Translated;
use super::names::{Code, Kind, rhai_float, rhai_name, rhai_string};
use super::program::{Program, Scope};
use ruff_python_ast::{self as ast, Expr, Number};

/// How deep expressions may nest.
const MAX_DEPTH: usize = 100;

impl<'a> Program<'a> {
    pub fn expr(&self, e: &Expr, scope: &mut Scope) -> Translated<Code> {
        // Rhai refuses expressions nested deeper than 256; stop well before the stack does.
        if self.depth.get() >= MAX_DEPTH {
            return Err(self.err(
                e,
                format!("an expression nested more than {MAX_DEPTH} levels deep"),
                "split it into variables",
            ));
        }
        self.depth.set(self.depth.get() + 1);
        let code = self.expr_inner(e, scope);
        self.depth.set(self.depth.get() - 1);
        code
    }

    fn expr_inner(&self, e: &Expr, scope: &mut Scope) -> Translated<Code> {
        Ok(match e {
            Expr::NumberLiteral(n) => match &n.value {
                Number::Int(i) => match i.as_i64() {
                    Some(v) => Code::atom(v.to_string(), Kind::Int),
                    None => {
                        return Err(self.err(
                            e,
                            "an integer beyond 64 bits",
                            "centella's integers are 64-bit (up to 9223372036854775807)",
                        ));
                    }
                },
                Number::Float(f) => match rhai_float(*f) {
                    Some(t) => Code::atom(t, Kind::Float),
                    None => Code::atom("py_float(\"inf\")", Kind::Float),
                },
                Number::Complex { .. } => {
                    return Err(self.err(e, "a complex number", "use floats"));
                }
            },
            Expr::StringLiteral(s) => Code::atom(rhai_string(s.value.to_str()), Kind::Str),
            Expr::BooleanLiteral(b) => Code::atom(b.value.to_string(), Kind::Bool),
            Expr::NoneLiteral(_) => Code::atom("()", Kind::Unknown),
            Expr::Name(n) => self.name(n, scope)?,
            Expr::Tuple(t) => {
                let items = self.exprs(&t.elts, scope)?;
                Code::atom(format!("[{}]", items.join(", ")), Kind::Tuple)
            }
            Expr::List(l) => {
                let items = self.exprs(&l.elts, scope)?;
                Code::atom(format!("py_list([{}])", items.join(", ")), Kind::List)
            }
            Expr::Dict(d) => self.dict(d, scope)?,
            Expr::Set(_) | Expr::SetComp(_) => {
                return Err(self.err(
                    e,
                    "a set",
                    "centella's records have no set type: use a list (with `x not in l` before \
                     appending) or a dict's keys",
                ));
            }
            Expr::BinOp(b) => {
                let l = self.expr(&b.left, scope)?;
                let r = self.expr(&b.right, scope)?;
                self.binop(b.op, l, r, e)?
            }
            Expr::UnaryOp(u) => {
                let v = self.expr(&u.operand, scope)?;
                match u.op {
                    ast::UnaryOp::Not => Code::op(format!("!{}", self.truthy(&v)), Kind::Bool),
                    ast::UnaryOp::USub => match &*u.operand {
                        Expr::NumberLiteral(_) => Code::atom(format!("-{}", v.text), v.kind),
                        _ => Code::op(format!("-{}", v.operand()), v.kind),
                    },
                    ast::UnaryOp::UAdd => v,
                    ast::UnaryOp::Invert => Code::op(format!("py_invert({})", v.text), Kind::Int),
                }
            }
            Expr::BoolOp(b) => self.boolop(b, scope)?,
            Expr::Compare(c) => self.compare(c, scope)?,
            Expr::If(i) => {
                let test = self.condition(&i.test, scope)?;
                let a = self.expr(&i.body, scope)?;
                let b = self.expr(&i.orelse, scope)?;
                let kind = if a.kind == b.kind {
                    a.kind
                } else {
                    Kind::Unknown
                };
                Code::op(
                    format!("if {test} {{ {} }} else {{ {} }}", a.text, b.text),
                    kind,
                )
            }
            Expr::Lambda(l) => self.lambda(l, scope)?,
            Expr::Call(c) => self.call(c, scope)?,
            Expr::Attribute(a) => self.attribute(a, scope)?,
            Expr::Subscript(s) => self.subscript(s, scope)?,
            Expr::ListComp(c) => self.comprehension(&c.elt, None, &c.generators, scope, "list")?,
            Expr::Generator(g) => self.comprehension(&g.elt, None, &g.generators, scope, "gen")?,
            Expr::DictComp(d) => {
                let Some(key) = &d.key else {
                    return Err(self.err(
                        e,
                        "a `**` in a dict comprehension",
                        "build the dict with a loop",
                    ));
                };
                self.comprehension(&d.value, Some(key), &d.generators, scope, "dict")?
            }
            Expr::FString(f) => self.fstring(f, scope)?,
            Expr::Starred(_) => {
                return Err(self.err(
                    e,
                    "a starred expression (`*x`)",
                    "pass the elements one by one",
                ));
            }
            Expr::Yield(_) | Expr::YieldFrom(_) => {
                return Err(self.err(
                    e,
                    "`yield` (a generator function)",
                    "build and return a list instead (flatMap and mapPartitions accept lists)",
                ));
            }
            Expr::Await(_) => return Err(self.err(e, "`await`", "remove it")),
            Expr::Named(_) => {
                return Err(self.err(
                    e,
                    "an assignment expression (`:=`)",
                    "assign on a line of its own",
                ));
            }
            Expr::Slice(_) => {
                return Err(self.err(e, "a slice outside brackets", "use it as `x[a:b]`"));
            }
            Expr::BytesLiteral(_) => return Err(self.err(e, "a bytes literal", "use a string")),
            Expr::TString(_) => return Err(self.err(e, "a template string", "use an f-string")),
            Expr::EllipsisLiteral(_) => return Err(self.err(e, "`...`", "write the value")),
            Expr::IpyEscapeCommand(_) => {
                return Err(self.err(e, "an IPython command", "remove it"));
            }
        })
    }

    pub fn exprs(&self, es: &[Expr], scope: &mut Scope) -> Translated<Vec<String>> {
        es.iter()
            .map(|e| self.expr(e, scope).map(|c| c.text))
            .collect()
    }

    /// A name: a local, a program constant (inlined inside functions, which cannot see the
    /// script's variables), a function (as a function pointer), an imported name.
    fn name(&self, n: &ast::ExprName, scope: &mut Scope) -> Translated<Code> {
        let id = n.id.as_str();
        if scope.bound.iter().any(|b| b == id) || (scope.in_fn && scope.locals.contains(id)) {
            return Ok(Code::atom(rhai_name(id), Kind::Unknown));
        }
        // Literal constants are inlined inside functions (which cannot see the script's
        // variables) and, when scalar, inside lambdas (no captured variable: the closure
        // stays on the native fast path).
        if let Some(c) = self.consts.get(id)
            && (scope.in_fn || (!scope.bound.is_empty() && c.kind.is_scalar()))
        {
            return Ok(Code::atom(c.text.clone(), c.kind));
        }
        if scope.declared.contains(id) {
            return Ok(Code::atom(rhai_name(id), Kind::Unknown));
        }
        if self.spark_contexts.borrow().contains(id) {
            return Ok(Code::atom("sc", Kind::Unknown));
        }
        if self.defs.contains_key(id) {
            return Ok(Code::atom(
                format!("Fn(\"{}\")", rhai_name(id)),
                Kind::Unknown,
            ));
        }
        if let Some(f) = self.builtin_value(id) {
            return Ok(Code::atom(f, Kind::Unknown));
        }
        if let Some(m) = self.imports.get(id) {
            return self.imported_value(m, n);
        }
        if scope.in_fn && self.is_session_variable(id) && !matches!(id, "sc" | "ssc") {
            // A `def` becomes a Rhai `fn`, which cannot read the shell's variables; copying
            // the value in would break Python's late binding silently.
            return Err(self.err(
                n,
                format!("the session's variable `{id}` read inside a def"),
                format!(
                    "a def typed at the prompt sees only its parameters: pass `{id}` as a \
                     parameter, or write a lambda (`f = lambda a: ... {id} ...`), which sees it"
                ),
            ));
        }
        if scope.in_fn && self.module_vars.contains(id) {
            return Err(self.err(
                n,
                format!("the program's variable `{id}` read inside a function"),
                "a translated function sees only its parameters and the program's literal \
                 constants: pass the value as a parameter (or use a lambda inside build)",
            ));
        }
        if self.mode == super::program::Mode::Program
            && !self.module_vars.contains(id)
            && !matches!(id, "ssc" | "sc")
        {
            return Err(self.err(
                n,
                format!("the name `{id}`, which the program never defines"),
                "define it before using it",
            ));
        }
        Ok(Code::atom(rhai_name(id), Kind::Unknown))
    }

    fn dict(&self, d: &ast::ExprDict, scope: &mut Scope) -> Translated<Code> {
        let all_str_keys = d
            .items
            .iter()
            .all(|i| matches!(&i.key, Some(Expr::StringLiteral(_))));
        if all_str_keys {
            let mut items = Vec::new();
            for i in &d.items {
                if let Some(k) = &i.key {
                    let k = self.expr(k, scope)?;
                    let v = self.expr(&i.value, scope)?;
                    items.push(format!("{}: {}", k.text, v.text));
                }
            }
            return Ok(Code::atom(format!("#{{{}}}", items.join(", ")), Kind::Dict));
        }
        let mut pairs = Vec::new();
        for i in &d.items {
            let Some(k) = &i.key else {
                return Err(self.err(
                    &i.value,
                    "a `**` in a dict literal",
                    "copy the entries with a loop",
                ));
            };
            let k = self.expr(k, scope)?;
            let v = self.expr(&i.value, scope)?;
            pairs.push(format!("[{}, {}]", k.text, v.text));
        }
        Ok(Code::atom(
            format!("py_dict([{}])", pairs.join(", ")),
            Kind::Dict,
        ))
    }

    fn lambda(&self, l: &ast::ExprLambda, scope: &mut Scope) -> Translated<Code> {
        let mut names = Vec::new();
        if let Some(p) = &l.parameters {
            if p.vararg.is_some() || p.kwarg.is_some() || !p.kwonlyargs.is_empty() {
                return Err(self.err(
                    &**p,
                    "`*args`/`**kwargs` in a lambda",
                    "name each parameter",
                ));
            }
            for a in p.posonlyargs.iter().chain(&p.args) {
                if let Some(d) = &a.default {
                    return Err(self.err(
                        &**d,
                        "a lambda parameter with a default",
                        "use the value inside the lambda's body",
                    ));
                }
                names.push(a.parameter.name.id.to_string());
            }
        }
        let n = names.len();
        scope.bound.extend(names.iter().cloned());
        let body = self.expr(&l.body, scope);
        scope.bound.truncate(scope.bound.len() - n);
        let body = body?;
        let params: Vec<String> = names.iter().map(|n| rhai_name(n)).collect();
        Ok(Code::op(
            format!("|{}| {}", params.join(", "), body.text),
            Kind::Unknown,
        ))
    }

    fn subscript(&self, s: &ast::ExprSubscript, scope: &mut Scope) -> Translated<Code> {
        let v = self.expr(&s.value, scope)?;
        if let Expr::Slice(sl) = &*s.slice {
            let mut part = |p: &Option<Box<Expr>>| -> Translated<String> {
                Ok(match p {
                    Some(e) => self.expr(e, scope)?.text,
                    None => "()".into(),
                })
            };
            let (a, b, c) = (part(&sl.lower)?, part(&sl.upper)?, part(&sl.step)?);
            let kind = if v.kind == Kind::Str || v.kind.is_sequence() {
                v.kind
            } else {
                Kind::Unknown
            };
            return Ok(Code::atom(
                format!("py_slice({}, {a}, {b}, {c})", v.text),
                kind,
            ));
        }
        let i = self.expr(&s.slice, scope)?;
        // An integer index into a tuple or list: Rhai's own (negative indexes count from the
        // end, as in Python); strings and dict keys through py_getitem.
        if i.kind == Kind::Int && v.kind != Kind::Str && v.kind != Kind::Dict {
            return Ok(Code::atom(
                format!("{}[{}]", v.operand(), i.text),
                Kind::Unknown,
            ));
        }
        Ok(Code::atom(
            format!("py_getitem({}, {})", v.text, i.text),
            Kind::Unknown,
        ))
    }

    /// For-loop iterables: arrays as they are, strings, dicts and ranges through `py_iter`.
    pub fn iterable(&self, e: &Expr, scope: &mut Scope) -> Translated<String> {
        if let Expr::Call(c) = e
            && let Expr::Name(n) = &*c.func
            && n.id.as_str() == "range"
            && !scope.is_local("range")
            && c.arguments.keywords.is_empty()
        {
            let args = self.exprs(&c.arguments.args, scope)?;
            match args.len() {
                1 => return Ok(format!("0..{}", paren(&args[0]))),
                2 => return Ok(format!("{}..{}", paren(&args[0]), paren(&args[1]))),
                _ => {}
            }
        }
        let c = self.expr(e, scope)?;
        Ok(if c.kind.is_sequence() {
            c.text
        } else {
            format!("py_iter({})", c.text)
        })
    }

    /// `[elt for x in xs if c ...]` as a Rhai block that fills an array (or a map).
    fn comprehension(
        &self,
        elt: &Expr,
        key: Option<&Expr>,
        generators: &[ast::Comprehension],
        scope: &mut Scope,
        what: &str,
    ) -> Translated<Code> {
        let acc = self.temp("r");
        let mut head = String::new();
        let mut bound = 0;
        let mut closes = 0;
        for g in generators {
            if g.is_async {
                return Err(self.err(g, "an async comprehension", "use a plain `for`"));
            }
            let iter = self.iterable(&g.iter, scope)?;
            let before = scope.bound.len();
            let (var, unpack) = self.loop_target(&g.target, scope)?;
            bound += scope.bound.len() - before;
            head.push_str(&format!("for {var} in {iter} {{ "));
            closes += 1;
            if let Some(u) = unpack {
                head.push_str(&u);
                head.push(' ');
            }
            for cond in &g.ifs {
                let c = self.condition(cond, scope)?;
                head.push_str(&format!("if {c} {{ "));
                closes += 1;
            }
        }
        let body = match key {
            Some(k) => {
                let k = self.expr(k, scope);
                let v = self.expr(elt, scope);
                format!("{acc}.py_setitem({}, {});", k?.text, v?.text)
            }
            None => format!("{acc}.push({});", self.expr(elt, scope)?.text),
        };
        scope.bound.truncate(scope.bound.len() - bound);
        let (init, result, kind) = match what {
            "list" => ("[]", format!("py_list({acc})"), Kind::List),
            "dict" => ("#{}", acc.clone(), Kind::Dict),
            _ => ("[]", acc.clone(), Kind::Tuple),
        };
        Ok(Code::atom(
            format!(
                "({{ let {acc} = {init}; {head}{body}{} {result} }})",
                " }".repeat(closes)
            ),
            kind,
        ))
    }

    fn fstring(&self, f: &ast::ExprFString, scope: &mut Scope) -> Translated<Code> {
        let mut parts: Vec<String> = Vec::new();
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(l) => parts.push(rhai_string(&l.value)),
                ast::FStringPart::FString(fs) => {
                    for el in fs.elements.iter() {
                        match el {
                            ast::InterpolatedStringElement::Literal(l) => {
                                parts.push(rhai_string(&l.value))
                            }
                            ast::InterpolatedStringElement::Interpolation(i) => {
                                if i.debug_text.is_some() {
                                    return Err(self.err(
                                        i,
                                        "an f-string `=` specifier",
                                        "write the name before the braces",
                                    ));
                                }
                                let v = self.expr(&i.expression, scope)?;
                                let v = match i.conversion {
                                    ast::ConversionFlag::Repr => format!("py_repr({})", v.text),
                                    ast::ConversionFlag::Ascii => format!("py_repr({})", v.text),
                                    _ => v.text,
                                };
                                match &i.format_spec {
                                    Some(spec) => {
                                        let mut s = String::new();
                                        for e in spec.elements.iter() {
                                            match e {
                                                ast::InterpolatedStringElement::Literal(l) => {
                                                    s.push_str(&l.value)
                                                }
                                                ast::InterpolatedStringElement::Interpolation(
                                                    n,
                                                ) => {
                                                    return Err(self.err(
                                                        n,
                                                        "a computed format spec",
                                                        "write the spec as a literal",
                                                    ));
                                                }
                                            }
                                        }
                                        parts.push(format!("py_format({v}, {})", rhai_string(&s)));
                                    }
                                    None => parts.push(format!("py_str({v})")),
                                }
                            }
                        }
                    }
                }
            }
        }
        if parts.is_empty() {
            return Ok(Code::atom("\"\"", Kind::Str));
        }
        if parts.len() == 1 && parts[0].starts_with('"') {
            return Ok(Code::atom(parts.remove(0), Kind::Str));
        }
        if parts.len() == 1 {
            return Ok(Code::atom(parts.remove(0), Kind::Str));
        }
        // Rhai's `+` joins strings; the first operand must be a string.
        Ok(Code::op(parts.join(" + "), Kind::Str))
    }
}

fn paren(s: &str) -> String {
    if s.chars().all(|c| c.is_alphanumeric() || c == '_') {
        s.to_string()
    } else {
        format!("({s})")
    }
}
