//! Calls of global functions: operators, builtins (`print`, `type_of`, `len`, `max`, ...),
//! `Fn("name")` and the script's own functions.

use super::{ExportResult, P_CMP, P_MUL, P_NOT, P_UNARY, PyExpr, Translator};
use crate::types::{self, Kind, Ty};
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
        self.refuse_kafka(name, pos)?;
        if fc.op_token.is_some() || matches!(name, ".." | "..=") {
            match fc.args.as_slice() {
                [a] => return self.unary(name, a, pos),
                [a, b] => {
                    let a = self.expr(a)?;
                    let b = self.expr(b)?;
                    return self.binary(name, a, b, pos);
                }
                _ => {}
            }
        }
        if let Some(py) = self.python_builtin(name, &fc.args)? {
            return Ok(py);
        }
        self.global_call(name, &fc.args, pos)
    }

    /// Kafka's DStream API is gone from PySpark 3: a clear error, not a broken program.
    pub(super) fn refuse_kafka(&self, name: &str, pos: Position) -> ExportResult<()> {
        if name.to_ascii_lowercase().contains("kafka") {
            return Err(self.err(pos, format!("{name}: PySpark 3+ has no DStream Kafka API; use Structured Streaming's Kafka source (spark.readStream.format(\"kafka\"))")));
        }
        Ok(())
    }

    /// `-x`, `+x`, `!x`.
    fn unary(&mut self, name: &str, arg: &Expr, pos: Position) -> ExportResult<PyExpr> {
        let a = self.expr(arg)?;
        Ok(match name {
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
        })
    }

    /// Python's builtins over an array (`script/pynames.rs`), and `max`/`min`/`abs` of
    /// numbers: the same in Python. None for other names.
    fn python_builtin(&mut self, name: &str, args: &[Expr]) -> ExportResult<Option<PyExpr>> {
        let n = args.len();
        Ok(Some(match name {
            "max" | "min" if n == 1 => {
                let xs = self.expr(&args[0])?;
                let elem = xs.ty.elem();
                let ty = if elem.is_num() { elem } else { Ty::Unknown };
                PyExpr::typed(format!("{name}({})", xs.code), ty)
            }
            "sum" if n == 1 || n == 2 => {
                let xs = self.expr(&args[0])?;
                let elem = xs.ty.elem();
                let ty = if elem.is_num() { elem } else { Ty::Num };
                PyExpr::typed(format!("sum({})", self.args(args)?.join(", ")), ty)
            }
            "sorted" if n == 1 || n == 2 => {
                let xs = self.expr(&args[0])?;
                let key = match args.get(1) {
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
                let x = self.expr(&args[0])?;
                PyExpr::typed(format!("len({})", x.code), Ty::Int)
            }
            "max" | "min" | "abs" => {
                let mut code = vec![];
                let mut tys = vec![];
                for a in args {
                    let py = self.expr(a)?;
                    code.push(py.code);
                    tys.push(py.ty);
                }
                let ty = types::join_all(tys).filter(Ty::is_num).unwrap_or(Ty::Num);
                PyExpr::typed(format!("{name}({})", code.join(", ")), ty)
            }
            _ => return Ok(None),
        }))
    }

    /// Rhai's global functions that Python spells differently, `Fn("name")`, and the script's
    /// own functions.
    fn global_call(&mut self, name: &str, args: &[Expr], pos: Position) -> ExportResult<PyExpr> {
        let n = args.len();
        Ok(match name {
            "contains" if n == 2 => {
                // `x in c` parses as contains(c, x).
                let c = self.expr(&args[0])?;
                let x = self.expr(&args[1])?;
                PyExpr {
                    code: format!("{} in {}", x.at(P_CMP + 1), c.at(P_CMP + 1)),
                    ty: Ty::Bool,
                    prec: P_CMP,
                }
            }
            "print" | "debug" if n == 1 => {
                let v = self.expr(&args[0])?;
                // Python prints strings and ints as Rhai does.
                let v = if v.ty == Ty::Int { v } else { self.str_of(v) };
                PyExpr::atom(format!("print({})", v.code), Kind::Unknown)
            }
            "type_of" if n == 1 => {
                self.need_helper("_type_of");
                let v = self.expr(&args[0])?;
                PyExpr::atom(format!("_type_of({})", v.code), Kind::Str)
            }
            "to_string" if n == 1 => {
                let v = self.expr(&args[0])?;
                self.str_of(v)
            }
            "parse_int" if n == 1 => {
                PyExpr::typed(format!("int({})", self.args(args)?.join(", ")), Ty::Int)
            }
            "live_sensor" if n == 2 => {
                self.need_helper("live_sensor");
                PyExpr::typed(
                    format!("live_sensor({})", self.args(args)?.join(", ")),
                    Ty::Int,
                )
            }
            "parse_float" if n == 1 => {
                PyExpr::typed(format!("float({})", self.args(args)?.join(", ")), Ty::Float)
            }
            "range" if n == 2 => {
                PyExpr::typed(format!("range({})", self.args(args)?.join(", ")), Ty::Range)
            }
            "sleep_ms" if n == 1 => {
                self.uses_time = true;
                let v = self.expr(&args[0])?;
                PyExpr::atom(format!("time.sleep({} / 1000)", v.at(P_MUL)), Kind::Unknown)
            }
            "Fn" if n == 1 => self.fn_pointer(&args[0], pos)?,
            "StreamingContext" => {
                return Err(self.err(
                    pos,
                    "StreamingContext(sc, secs) must be bound with let to be exported",
                ));
            }
            _ if self.script_fns.contains(name) => self.script_fn_call(name, None, args)?,
            _ => {
                return Err(self.err(
                    pos,
                    format!("function {name}() with {n} argument(s) is not supported by export"),
                ));
            }
        })
    }

    /// `Fn("name")` of a script function: the def's name.
    fn fn_pointer(&mut self, arg: &Expr, pos: Position) -> ExportResult<PyExpr> {
        match arg {
            Expr::StringConstant(s, _) if self.script_fns.contains(s.as_str()) => {
                let ret = match self.assumed.fn_rets.get(s.as_str()) {
                    Some(t) => t.clone(),
                    None if self.assumed.optimistic => Ty::Never,
                    None => Ty::Unknown,
                };
                Ok(PyExpr::typed(self.var_name(s), Ty::Fn(Box::new(ret))))
            }
            _ => Err(self.err(pos, "Fn(...) needs the literal name of a script function")),
        }
    }

    /// A call of the script function `name`, with `first` before `args` when it is called
    /// with method syntax (`x.f(a)` is `f(x, a)`).
    pub(super) fn script_fn_call(
        &mut self,
        name: &str,
        first: Option<PyExpr>,
        args: &[Expr],
    ) -> ExportResult<PyExpr> {
        let (mut code, mut tys) = match first {
            Some(py) => (vec![py.code], vec![py.ty]),
            None => (vec![], vec![]),
        };
        for x in args {
            let py = self.expr(x)?;
            code.push(py.code);
            tys.push(py.ty);
        }
        let ty = self.called(name, tys);
        Ok(PyExpr::typed(
            format!("{}({})", self.var_name(name), code.join(", ")),
            ty,
        ))
    }
}
