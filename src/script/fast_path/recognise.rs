//! Reads a closure's body, once, into a [`Node`] tree, when every part of it is something the
//! fast path knows; otherwise the closure always runs in Rhai.

use super::FastShape;
use super::node::Node;
use super::ops::{ArithOp, CmpOp, Sep};
use rhai::{AST, ASTNode, Dynamic, Expr, FnCallExpr, FnPtr, Module, Stmt};

type SharedModule = rhai::Shared<Module>;

/// Recognises the closure's body, if the fast path can run all of it.
pub fn recognise(lib: &[SharedModule], fn_ptr: &FnPtr) -> Option<FastShape> {
    if !fn_ptr.curry().is_empty() {
        return None;
    }
    let def = lib
        .iter()
        .find_map(|m| (0..=4).find_map(|n| m.get_script_fn(fn_ptr.fn_name(), n).cloned()))?;
    let reader = Reader {
        params: def.params.iter().map(|p| p.to_string()).collect(),
        lib,
    };
    // The body's type is not exported: walk a one-function AST instead.
    let mut module = Module::new();
    module.set_script_fn(def);
    let ast = AST::new(Vec::<Stmt>::new(), module);
    let mut top_level = 0;
    let mut body = None;
    ast.walk(&mut |path: &[ASTNode]| {
        if path.len() == 1 {
            top_level += 1;
            if let ASTNode::Stmt(s) = path[0] {
                body = reader.stmt(s);
            }
        }
        true
    });
    let arity = reader.params.len();
    (top_level == 1)
        .then_some(body?)
        .map(|body| FastShape { body, arity })
}

struct Reader<'a> {
    params: Vec<String>,
    lib: &'a [SharedModule],
}

impl Reader<'_> {
    fn stmt(&self, s: &Stmt) -> Option<Node> {
        match s {
            Stmt::Expr(e) | Stmt::Return(Some(e), ..) => self.expr(e),
            Stmt::FnCall(call, _) => self.call(call),
            _ => None,
        }
    }

    /// A function the script defines itself under this name would be called instead of the
    /// built-in one: such calls stay in Rhai.
    fn script_defines(&self, name: &str) -> bool {
        self.lib
            .iter()
            .any(|m| (0..=4).any(|n| m.get_script_fn(name, n).is_some()))
    }

    fn expr(&self, e: &Expr) -> Option<Node> {
        Some(match e {
            Expr::Variable(v, ..) => {
                if !v.2.path.is_empty() {
                    return None; // a namespaced variable
                }
                let name = v.1.as_str();
                Node::Param(self.params.iter().position(|p| p == name)?)
            }
            Expr::IntegerConstant(i, _) => Node::Const(Dynamic::from(*i)),
            Expr::FloatConstant(f, _) => Node::Const(Dynamic::from(**f)),
            Expr::StringConstant(s, _) => Node::Const(Dynamic::from(s.clone())),
            Expr::CharConstant(c, _) => Node::Const(Dynamic::from(*c)),
            Expr::BoolConstant(b, _) => Node::Const(Dynamic::from(*b)),
            Expr::Unit(_) => Node::Const(Dynamic::UNIT),
            Expr::DynamicConstant(d, _) => Node::Const((**d).clone()),
            Expr::Array(items, _) => {
                Node::Array(items.iter().map(|i| self.expr(i)).collect::<Option<_>>()?)
            }
            Expr::Index(bin, ..) => {
                // `x[i]` only: a longer chain (`x[i][j]`, `x[i].f()`) nests in the index.
                let Expr::IntegerConstant(i, _) = &bin.rhs else {
                    return None;
                };
                Node::Index(Box::new(self.expr(&bin.lhs)?), *i)
            }
            Expr::Dot(bin, ..) => {
                let Expr::MethodCall(call, _) = &bin.rhs else {
                    return None;
                };
                if self.script_defines(call.name.as_str()) || call.is_qualified() {
                    return None;
                }
                let recv = Box::new(self.expr(&bin.lhs)?);
                match (call.name.as_str(), call.args.as_slice()) {
                    ("split", [Expr::StringConstant(d, _)]) => {
                        Node::Split(recv, Sep::Str(d.clone()))
                    }
                    ("split", [Expr::CharConstant(c, _)]) => Node::Split(recv, Sep::Char(*c)),
                    ("len", []) => Node::Len(recv),
                    _ => return None,
                }
            }
            Expr::FnCall(call, _) => self.call(call)?,
            Expr::And(items, _) => {
                Node::And(items.iter().map(|i| self.expr(i)).collect::<Option<_>>()?)
            }
            Expr::Or(items, _) => {
                Node::Or(items.iter().map(|i| self.expr(i)).collect::<Option<_>>()?)
            }
            _ => return None,
        })
    }

    fn call(&self, call: &FnCallExpr) -> Option<Node> {
        if call.is_qualified() {
            return None;
        }
        let name = call.name.as_str();
        let args = call.args.as_slice();
        if call.op_token.is_none() {
            // Translated Python's helpers, unless the script defines its own.
            if self.script_defines(name) {
                return None;
            }
            return match (name, args) {
                // `py_add` gives `+`'s result wherever the fast path answers (numbers,
                // strings); elsewhere (bools, lists, overflow) Python's own rules run.
                ("py_add", [a, b]) => Some(self.binary(ArithOp::Add, a, b)?),
                // Python's split with a non-empty separator is Rust's.
                ("py_split", [s, Expr::StringConstant(d, _)]) if !d.is_empty() => {
                    Some(Node::PySplit(Box::new(self.expr(s)?), d.clone()))
                }
                _ => None,
            };
        }
        if let ("!", [a]) = (name, args) {
            return Some(Node::Not(Box::new(self.expr(a)?)));
        }
        let [a, b] = args else {
            return None;
        };
        let arith = match name {
            "+" => Some(ArithOp::Add),
            "-" => Some(ArithOp::Sub),
            "*" => Some(ArithOp::Mul),
            "/" => Some(ArithOp::Div),
            "%" => Some(ArithOp::Rem),
            _ => None,
        };
        if let Some(op) = arith {
            return self.binary(op, a, b);
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
        Some(Node::Cmp(
            op,
            Box::new(self.expr(a)?),
            Box::new(self.expr(b)?),
        ))
    }

    fn binary(&self, op: ArithOp, a: &Expr, b: &Expr) -> Option<Node> {
        Some(Node::Arith(
            op,
            Box::new(self.expr(a)?),
            Box::new(self.expr(b)?),
        ))
    }
}
