//! Calls of global functions: operators, builtins (`print`, `type_of`, `len`, `max`, ...),
//! `Fn("name")` and the script's own functions.

use super::{ExportResult, P_CMP, P_MUL, P_NOT, P_UNARY, PyExpr, Translator};
use crate::export::types::{self, Kind, Ty};
use rhai::{Expr, FnCallExpr, Position};

impl Translator<'_> {
    pub(super) fn fn_call(&mut self, fc: &FnCallExpr, pos: Position) -> ExportResult<PyExpr> {
        let name = fc.name.as_str();
        if !fc.namespace.is_empty() {
            return Err(self.err(
                pos,
                format!(
                    "module function {}::{name} is not supported by export",
                    fc.namespace
                ),
            ));
        }
        if name.to_ascii_lowercase().contains("kafka") {
            return Err(self.err(pos, format!("{name}: PySpark 3+ has no DStream Kafka API; use Structured Streaming's Kafka source (spark.readStream.format(\"kafka\"))")));
        }
        if fc.op_token.is_some() || matches!(name, ".." | "..=") {
            if fc.args.len() == 1 {
                let a = self.expr(&fc.args[0])?;
                return Ok(match name {
                    "-" => PyExpr {
                        code: format!("-{}", a.at(P_UNARY)),
                        ty: types::arith(&a.ty, &a.ty),
                        prec: P_UNARY,
                    },
                    "+" => a,
                    "!" => PyExpr {
                        code: format!("not {}", a.at(P_NOT)),
                        ty: Ty::Bool,
                        prec: P_NOT,
                    },
                    _ => {
                        return Err(self.err(
                            pos,
                            format!("unary operator {name} is not supported by export"),
                        ));
                    }
                });
            }
            if fc.args.len() == 2 {
                let a = self.expr(&fc.args[0])?;
                let b = self.expr(&fc.args[1])?;
                return self.binary(name, a, b, pos);
            }
        }
        let n = fc.args.len();
        Ok(match name {
            "contains" if n == 2 => {
                // `x in c` parses as contains(c, x).
                let c = self.expr(&fc.args[0])?;
                let x = self.expr(&fc.args[1])?;
                PyExpr {
                    code: format!("{} in {}", x.at(P_CMP + 1), c.at(P_CMP + 1)),
                    ty: Ty::Bool,
                    prec: P_CMP,
                }
            }
            "print" | "debug" if n == 1 => {
                let v = self.expr(&fc.args[0])?;
                // Python prints strings and ints as Rhai does.
                let v = if v.ty == Ty::Int { v } else { self.str_of(v) };
                PyExpr::atom(format!("print({})", v.code), Kind::Unknown)
            }
            "type_of" if n == 1 => {
                self.need_helper("_type_of");
                let v = self.expr(&fc.args[0])?;
                PyExpr::atom(format!("_type_of({})", v.code), Kind::Str)
            }
            // Python's builtins over an array (`script/pynames.rs`): the same in Python.
            "max" | "min" if n == 1 => {
                let xs = self.expr(&fc.args[0])?;
                let elem = xs.ty.elem();
                let ty = if elem.is_num() { elem } else { Ty::Unknown };
                PyExpr::typed(format!("{name}({})", xs.code), ty)
            }
            "sum" if n == 1 || n == 2 => {
                let xs = self.expr(&fc.args[0])?;
                let elem = xs.ty.elem();
                let ty = if elem.is_num() { elem } else { Ty::Num };
                PyExpr::typed(format!("sum({})", self.args(&fc.args)?.join(", ")), ty)
            }
            "sorted" if n == 1 || n == 2 => {
                let xs = self.expr(&fc.args[0])?;
                let key = match fc.args.get(1) {
                    Some(k) => format!(", key={}", self.expr(k)?.code),
                    None => String::new(),
                };
                let elem = xs.ty.elem();
                PyExpr::typed(
                    format!("sorted({}{key})", xs.code),
                    Ty::List(Box::new(elem)),
                )
            }
            "len" if n == 1 => {
                let x = self.expr(&fc.args[0])?;
                PyExpr::typed(format!("len({})", x.code), Ty::Int)
            }
            "max" | "min" | "abs" => {
                let mut code = vec![];
                let mut ty: Option<Ty> = None;
                for a in fc.args.iter() {
                    let py = self.expr(a)?;
                    code.push(py.code);
                    ty = Some(match ty {
                        None => py.ty,
                        Some(t) => types::join(&t, &py.ty),
                    });
                }
                let ty = ty.filter(Ty::is_num).unwrap_or(Ty::Num);
                PyExpr::typed(format!("{name}({})", code.join(", ")), ty)
            }
            "to_string" if n == 1 => {
                let v = self.expr(&fc.args[0])?;
                self.str_of(v)
            }
            "parse_int" if n == 1 => {
                PyExpr::typed(format!("int({})", self.args(&fc.args)?.join(", ")), Ty::Int)
            }
            "parse_float" if n == 1 => PyExpr::typed(
                format!("float({})", self.args(&fc.args)?.join(", ")),
                Ty::Float,
            ),
            "range" if n == 2 => PyExpr::typed(
                format!("range({})", self.args(&fc.args)?.join(", ")),
                Ty::Range,
            ),
            "sleep_ms" if n == 1 => {
                self.uses_time = true;
                let v = self.expr(&fc.args[0])?;
                PyExpr::atom(format!("time.sleep({} / 1000)", v.at(P_MUL)), Kind::Unknown)
            }
            "Fn" if n == 1 => match &fc.args[0] {
                Expr::StringConstant(s, _) if self.script_fns.contains(s.as_str()) => {
                    let ret = match self.assumed.fn_rets.get(s.as_str()) {
                        Some(t) => t.clone(),
                        None if self.assumed.optimistic => Ty::Never,
                        None => Ty::Unknown,
                    };
                    PyExpr::typed(self.var_name(s), Ty::Fn(Box::new(ret)))
                }
                _ => {
                    return Err(
                        self.err(pos, "Fn(...) needs the literal name of a script function")
                    );
                }
            },
            "StreamingContext" => {
                return Err(self.err(
                    pos,
                    "StreamingContext(sc, secs) must be bound with let to be exported",
                ));
            }
            _ if self.script_fns.contains(name) => {
                let mut a = vec![];
                let mut tys = vec![];
                for x in fc.args.iter() {
                    let py = self.expr(x)?;
                    a.push(py.code);
                    tys.push(py.ty);
                }
                let ty = self.called(name, tys);
                PyExpr::typed(format!("{}({})", self.var_name(name), a.join(", ")), ty)
            }
            _ => {
                return Err(self.err(
                    pos,
                    format!("function {name}() with {n} argument(s) is not supported by export"),
                ));
            }
        })
    }
}
