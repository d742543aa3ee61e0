//! Native execution of the closure shapes that dominate real scripts, with Rhai's exact
//! semantics: `|a, b| a + b`, `|w| [w, 1]`, `|l| l.split(" ")`, `|x| x > 3`. Anything the
//! shape does not cover (other types, overflow) falls back to calling the closure in Rhai,
//! so results and error messages are always Rhai's own.

use crate::engine::func::Record;
use rhai::{AST, ASTNode, Dynamic, Expr, FnPtr, ImmutableString, Module, Stmt};

type SharedModule = rhai::Shared<Module>;

/// One element of a recognised closure body: a parameter or a constant.
#[derive(Clone, Debug)]
pub enum Operand {
    Param(usize),
    Const(Dynamic),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Clone, Debug)]
pub enum FastShape {
    /// `|a, b| a + b` (or `b + a`).
    Add(usize, usize),
    /// `|w| [w, 1]`: an array of parameters and constants.
    Array(Vec<Operand>),
    /// `|l| l.split(" ")`.
    SplitStr(usize, ImmutableString),
    SplitChar(usize, char),
    /// `|l| py_split(l, " ")` (translated Python's `l.split(" ")`): the same parts, as a list.
    PySplitStr(usize, ImmutableString),
    /// `|x| x > 3`.
    Compare(CmpOp, Operand, Operand),
}

/// Recognises the closure's body, if it is one of the fast shapes.
pub fn recognise(lib: &[SharedModule], fn_ptr: &FnPtr) -> Option<FastShape> {
    if !fn_ptr.curry().is_empty() {
        return None;
    }
    let def = lib
        .iter()
        .find_map(|m| (0..=4).find_map(|n| m.get_script_fn(fn_ptr.fn_name(), n).cloned()))?;
    let params: Vec<String> = def.params.iter().map(|p| p.to_string()).collect();
    // The body's type is not exported: walk a one-function AST instead.
    let mut module = Module::new();
    module.set_script_fn(def);
    let ast = AST::new(Vec::<Stmt>::new(), module);
    let mut top_level = 0;
    let mut shape = None;
    ast.walk(&mut |path: &[ASTNode]| {
        if path.len() == 1 {
            top_level += 1;
            if let ASTNode::Stmt(s) = path[0] {
                shape = stmt_shape(s, &params);
            }
        }
        true
    });
    if top_level == 1 { shape } else { None }
}

fn stmt_shape(s: &Stmt, params: &[String]) -> Option<FastShape> {
    match s {
        Stmt::Expr(e) => expr_shape(e, params),
        Stmt::FnCall(call, _) => {
            call_shape(&call.name, &call.args, call.op_token.is_some(), params)
        }
        Stmt::Return(Some(e), ..) => expr_shape(e, params),
        _ => None,
    }
}

fn param_index(e: &Expr, params: &[String]) -> Option<usize> {
    match e {
        Expr::Variable(v, ..) => params.iter().position(|p| p.as_str() == v.1.as_str()),
        _ => None,
    }
}

fn constant(e: &Expr) -> Option<Dynamic> {
    Some(match e {
        Expr::IntegerConstant(i, _) => Dynamic::from(*i),
        Expr::FloatConstant(f, _) => Dynamic::from(**f),
        Expr::StringConstant(s, _) => Dynamic::from(s.clone()),
        Expr::CharConstant(c, _) => Dynamic::from(*c),
        Expr::BoolConstant(b, _) => Dynamic::from(*b),
        Expr::Unit(_) => Dynamic::UNIT,
        Expr::DynamicConstant(d, _) => (**d).clone(),
        _ => return None,
    })
}

fn operand(e: &Expr, params: &[String]) -> Option<Operand> {
    param_index(e, params)
        .map(Operand::Param)
        .or_else(|| constant(e).map(Operand::Const))
}

fn expr_shape(e: &Expr, params: &[String]) -> Option<FastShape> {
    match e {
        Expr::FnCall(call, _) => {
            call_shape(&call.name, &call.args, call.op_token.is_some(), params)
        }
        Expr::Array(items, _) => items
            .iter()
            .map(|i| operand(i, params))
            .collect::<Option<Vec<_>>>()
            .map(FastShape::Array),
        Expr::Dot(bin, ..) => {
            let recv = param_index(&bin.lhs, params)?;
            let Expr::MethodCall(call, _) = &bin.rhs else {
                return None;
            };
            if call.name.as_str() != "split" || call.args.len() != 1 {
                return None;
            }
            match &call.args[0] {
                Expr::StringConstant(d, _) => Some(FastShape::SplitStr(recv, d.clone())),
                Expr::CharConstant(c, _) => Some(FastShape::SplitChar(recv, *c)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn call_shape(
    name: &str,
    args: &[Expr],
    is_operator: bool,
    params: &[String],
) -> Option<FastShape> {
    // `py_add(a, b)` is how translated Python writes `a + b`: the same shape, and the same
    // result wherever the fast path answers (numbers, strings).
    if name == "py_split" && !is_operator && args.len() == 2 {
        // Python's split with a non-empty separator is Rust's.
        if let Expr::StringConstant(d, _) = &args[1]
            && !d.is_empty()
        {
            return Some(FastShape::PySplitStr(
                param_index(&args[0], params)?,
                d.clone(),
            ));
        }
        return None;
    }
    let py_add = name == "py_add" && !is_operator;
    if (!is_operator && !py_add) || args.len() != 2 {
        return None;
    }
    if name == "+" || py_add {
        return Some(FastShape::Add(
            param_index(&args[0], params)?,
            param_index(&args[1], params)?,
        ));
    }
    let op = match name {
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        _ => return None,
    };
    Some(FastShape::Compare(
        op,
        operand(&args[0], params)?,
        operand(&args[1], params)?,
    ))
}

fn take(args: &mut [Record], op: &Operand) -> Option<Dynamic> {
    match op {
        Operand::Param(i) => args.get(*i).cloned(),
        Operand::Const(c) => Some(c.clone()),
    }
}

impl FastShape {
    /// Runs the shape natively, or returns None to let Rhai handle the call.
    pub fn run(&self, args: &mut [Record]) -> Option<Record> {
        match self {
            FastShape::Add(a, b) => add(args.get(*a)?, args.get(*b)?),
            FastShape::Array(items) => {
                let in_range = |o: &Operand| !matches!(o, Operand::Param(i) if *i >= args.len());
                if !items.iter().all(in_range) {
                    return None;
                }
                let mut v = Vec::with_capacity(items.len());
                for (n, o) in items.iter().enumerate() {
                    v.push(match o {
                        // Arguments are consumed by a call: a parameter used once moves.
                        Operand::Param(i)
                            if !items[n + 1..]
                                .iter()
                                .any(|x| matches!(x, Operand::Param(j) if j == i)) =>
                        {
                            std::mem::take(&mut args[*i])
                        }
                        Operand::Param(i) => args[*i].clone(),
                        Operand::Const(c) => c.clone(),
                    });
                }
                Some(Dynamic::from_array(v))
            }
            FastShape::SplitStr(i, d) => {
                // Rhai's `split`: the whole string when empty or when the delimiter is absent.
                let s = args.get(*i)?.read_lock::<ImmutableString>()?.clone();
                if s.is_empty() || (!d.is_empty() && !s.contains(d.as_str())) {
                    return Some(Dynamic::from_array(vec![Dynamic::from(s)]));
                }
                Some(Dynamic::from_array(
                    s.split(d.as_str())
                        .map(|p| Dynamic::from(ImmutableString::from(p)))
                        .collect(),
                ))
            }
            FastShape::PySplitStr(i, d) => {
                let s = args.get(*i)?.read_lock::<ImmutableString>()?.clone();
                Some(crate::engine::record::list(
                    s.split(d.as_str())
                        .map(|p| Dynamic::from(ImmutableString::from(p)))
                        .collect(),
                ))
            }
            FastShape::SplitChar(i, c) => {
                let s = args.get(*i)?.read_lock::<ImmutableString>()?.clone();
                if s.is_empty() || !s.contains(*c) {
                    return Some(Dynamic::from_array(vec![Dynamic::from(s)]));
                }
                Some(Dynamic::from_array(
                    s.split(*c)
                        .map(|p| Dynamic::from(ImmutableString::from(p)))
                        .collect(),
                ))
            }
            FastShape::Compare(op, a, b) => compare(*op, &take(args, a)?, &take(args, b)?),
        }
    }
}

fn add(a: &Dynamic, b: &Dynamic) -> Option<Dynamic> {
    if let (Ok(x), Ok(y)) = (a.as_int(), b.as_int()) {
        // Overflow: let Rhai raise its own error.
        return x.checked_add(y).map(Dynamic::from);
    }
    if let (Ok(x), Ok(y)) = (a.as_float(), b.as_float()) {
        return Some(Dynamic::from(x + y));
    }
    if let (Ok(x), Ok(y)) = (a.as_int(), b.as_float()) {
        return Some(Dynamic::from(x as f64 + y));
    }
    if let (Ok(x), Ok(y)) = (a.as_float(), b.as_int()) {
        return Some(Dynamic::from(x + y as f64));
    }
    let x = a.read_lock::<ImmutableString>()?;
    let y = b.read_lock::<ImmutableString>()?;
    let mut s = String::with_capacity(x.len() + y.len());
    s.push_str(&x);
    s.push_str(&y);
    Some(Dynamic::from(s))
}

fn compare(op: CmpOp, a: &Dynamic, b: &Dynamic) -> Option<Dynamic> {
    use std::cmp::Ordering;
    let ord: Ordering = if let (Ok(x), Ok(y)) = (a.as_int(), b.as_int()) {
        x.cmp(&y)
    } else if let (Some(x), Some(y)) = (number(a), number(b)) {
        // NaN: every comparison but != is false, as in Rhai.
        match x.partial_cmp(&y) {
            Some(o) => o,
            None => return Some(Dynamic::from(op == CmpOp::Ne)),
        }
    } else {
        let x = a.read_lock::<ImmutableString>()?;
        let y = b.read_lock::<ImmutableString>()?;
        x.as_str().cmp(y.as_str())
    };
    Some(Dynamic::from(match op {
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
    }))
}

fn number(d: &Dynamic) -> Option<f64> {
    d.as_float()
        .ok()
        .or_else(|| d.as_int().ok().map(|i| i as f64))
}
