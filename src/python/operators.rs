//! Operators: arithmetic (`binop`: Rhai's where it means Python's, a `py_*` helper for true
//! and floor division, `%`, list `+`), truthiness and conditions, `and`/`or` with Python's
//! values, and comparisons (chained, `in`, `is`).

use super::error::Translated;
use super::names::{Code, Kind};
use super::program::{Program, Scope};
use ruff_python_ast::{self as ast, Expr};

impl<'a> Program<'a> {
    pub fn binop(&self, op: ast::Operator, l: Code, r: Code, node: &Expr) -> Translated<Code> {
        use ast::Operator as O;
        let both_num = l.kind.is_number() && r.kind.is_number();
        let num_kind = if l.kind == Kind::Int && r.kind == Kind::Int {
            Kind::Int
        } else if both_num {
            Kind::Float
        } else {
            Kind::Unknown
        };
        let infix =
            |sym: &str, kind| Code::op(format!("{} {sym} {}", l.operand(), r.operand()), kind);
        let helper = |name: &str, kind| Code::atom(format!("{name}({}, {})", l.text, r.text), kind);
        Ok(match op {
            O::Add => {
                if (l.kind.is_scalar() || r.kind.is_scalar())
                    && l.kind != Kind::Bool
                    && r.kind != Kind::Bool
                {
                    let kind = if l.kind == Kind::Str || r.kind == Kind::Str {
                        Kind::Str
                    } else {
                        num_kind
                    };
                    infix("+", kind)
                } else {
                    let kind = if l.kind == r.kind {
                        l.kind
                    } else {
                        Kind::Unknown
                    };
                    helper("py_add", kind)
                }
            }
            O::Sub => infix("-", num_kind),
            O::Mult => {
                if both_num {
                    infix("*", num_kind)
                } else {
                    let kind = if l.kind == Kind::Str || r.kind == Kind::Str {
                        Kind::Str
                    } else {
                        Kind::Unknown
                    };
                    helper("py_mul", kind)
                }
            }
            O::Div => helper("py_div", Kind::Float),
            O::FloorDiv => helper("py_floordiv", num_kind),
            O::Mod => {
                let kind = if l.kind == Kind::Str {
                    Kind::Str
                } else {
                    num_kind
                };
                helper("py_mod", kind)
            }
            O::Pow => helper("py_pow", num_kind),
            O::BitAnd => infix("&", Kind::Int),
            O::BitOr => infix("|", Kind::Int),
            O::BitXor => infix("^", Kind::Int),
            O::LShift => infix("<<", Kind::Int),
            O::RShift => infix(">>", Kind::Int),
            O::MatMult => {
                return Err(self.err(node, "the `@` operator", "multiply element by element"));
            }
        })
    }

    /// A value as a Rhai bool: Python's truthiness unless it already is a bool.
    pub fn truthy(&self, c: &Code) -> String {
        if c.kind == Kind::Bool {
            c.operand()
        } else {
            format!("py_bool({})", c.text)
        }
    }

    /// A condition (`if`, `while`, comprehension filters).
    pub fn condition(&self, e: &Expr, scope: &mut Scope) -> Translated<String> {
        let c = self.expr(e, scope)?;
        Ok(if c.kind == Kind::Bool {
            c.text
        } else {
            format!("py_bool({})", c.text)
        })
    }

    pub(super) fn boolop(&self, b: &ast::ExprBoolOp, scope: &mut Scope) -> Translated<Code> {
        let values: Vec<Code> = b
            .values
            .iter()
            .map(|v| self.expr(v, scope))
            .collect::<Translated<_>>()?;
        if values.iter().all(|v| v.kind == Kind::Bool) {
            let sym = if b.op == ast::BoolOp::And {
                " && "
            } else {
                " || "
            };
            let parts: Vec<String> = values.iter().map(Code::operand).collect();
            return Ok(Code::op(parts.join(sym), Kind::Bool));
        }
        // Python's `a or b` is a value: a when truthy, else b (b evaluated only then).
        let mut iter = values.into_iter().rev();
        let Some(mut acc) = iter.next() else {
            return Ok(Code::atom("()", Kind::Unknown));
        };
        for v in iter {
            let t = self.temp("v");
            let text = if b.op == ast::BoolOp::And {
                format!(
                    "({{ let {t} = {}; if py_bool({t}) {{ {} }} else {{ {t} }} }})",
                    v.text, acc.text
                )
            } else {
                format!(
                    "({{ let {t} = {}; if py_bool({t}) {{ {t} }} else {{ {} }} }})",
                    v.text, acc.text
                )
            };
            let kind = if v.kind == acc.kind {
                v.kind
            } else {
                Kind::Unknown
            };
            acc = Code::atom(text, kind);
        }
        Ok(acc)
    }

    pub(super) fn compare(&self, c: &ast::ExprCompare, scope: &mut Scope) -> Translated<Code> {
        let mut left = self.expr(&c.left, scope)?;
        let mut parts = Vec::new();
        for (op, right) in c.ops.iter().zip(c.comparators.iter()) {
            let r = self.expr(right, scope)?;
            use ast::CmpOp as C;
            let scalar = left.kind.is_scalar() || r.kind.is_scalar();
            let text = match op {
                C::Eq if scalar => format!("{} == {}", left.operand(), r.operand()),
                C::NotEq if scalar => format!("{} != {}", left.operand(), r.operand()),
                C::Eq => format!("py_eq({}, {})", left.text, r.text),
                C::NotEq => format!("!py_eq({}, {})", left.text, r.text),
                // A number on one side: Rhai's comparison means Python's (and keeps the
                // closure on the native fast path).
                C::Lt | C::LtE | C::Gt | C::GtE if left.kind.is_number() || r.kind.is_number() => {
                    format!("{} {} {}", left.operand(), op.as_str(), r.operand())
                }
                C::Lt => format!("py_lt({}, {})", left.text, r.text),
                C::LtE => format!("py_le({}, {})", left.text, r.text),
                C::Gt => format!("py_lt({}, {})", r.text, left.text),
                C::GtE => format!("py_le({}, {})", r.text, left.text),
                C::Is | C::IsNot => {
                    let none = |e: &Expr| matches!(e, Expr::NoneLiteral(_));
                    let t = if none(right) {
                        format!("py_is_none({})", left.text)
                    } else if none(&c.left) {
                        format!("py_is_none({})", r.text)
                    } else if let Expr::BooleanLiteral(_) = right {
                        format!("{} == {}", left.operand(), r.operand())
                    } else {
                        return Err(self.err(
                            right,
                            "`is` between values other than None",
                            "compare with `==`",
                        ));
                    };
                    if *op == C::IsNot { format!("!{t}") } else { t }
                }
                C::In => format!("py_in({}, {})", left.text, r.text),
                C::NotIn => format!("!py_in({}, {})", left.text, r.text),
            };
            parts.push(text);
            left = r;
        }
        if parts.len() == 1 {
            return Ok(Code::op(parts.remove(0), Kind::Bool));
        }
        let parts: Vec<String> = parts.into_iter().map(|p| format!("({p})")).collect();
        Ok(Code::op(parts.join(" && "), Kind::Bool))
    }
}
