//! Method calls: chains (`a.b(x)[i].c`), Rhai's own string and array methods, and Spark's
//! StreamingContext, SparkContext, DStream and RDD methods.

use super::closures::closure_of;
use super::expressions::is_unit;
use super::statements::flags_break;
use super::{ExportResult, P_ATOM, PyExpr, Translator};
use crate::api_table::{self, DSTREAM, Export, RDD};
use crate::types::{self, Kind, Returns, Ty};
use rhai::{Expr, FnCallExpr, Position};

/// Whether PySpark writes `receiver.name(...)` as the same call (the API table's
/// transformations, outputs and actions).
fn same_call(receiver: &str, name: &str) -> bool {
    matches!(
        api_table::export_of(receiver, name),
        Some(Export::Transform | Export::Output | Export::Action)
    )
}

/// A chain `a.b(x)[i].c` as its base and (is_index, element) steps.
pub(super) fn flatten_chain(e: &Expr) -> Option<(&Expr, Vec<(bool, &Expr)>)> {
    fn rest<'e>(node: &'e Expr, index: bool, out: &mut Vec<(bool, &'e Expr)>) {
        match node {
            Expr::Dot(x, f, _) if !flags_break(*f) => {
                out.push((index, &x.lhs));
                rest(&x.rhs, false, out);
            }
            Expr::Index(x, f, _) if !flags_break(*f) => {
                out.push((index, &x.lhs));
                rest(&x.rhs, true, out);
            }
            Expr::Dot(x, _, _) => {
                out.push((index, &x.lhs));
                out.push((false, &x.rhs));
            }
            Expr::Index(x, _, _) => {
                out.push((index, &x.lhs));
                out.push((true, &x.rhs));
            }
            other => out.push((index, other)),
        }
    }
    let mut out = vec![];
    match e {
        Expr::Dot(x, f, _) | Expr::Index(x, f, _) => {
            let index = matches!(e, Expr::Index(..));
            if flags_break(*f) {
                out.push((index, &x.rhs));
            } else {
                rest(&x.rhs, index, &mut out);
            }
            Some((&x.lhs, out))
        }
        _ => None,
    }
}

impl Translator<'_> {
    pub(super) fn chain(&mut self, e: &Expr) -> ExportResult<PyExpr> {
        let Some((base, steps)) = flatten_chain(e) else {
            return Err(self.err(e.start_position(), "unexpected chain"));
        };
        let mut steps = steps.as_slice();
        // `StorageLevel.MEMORY_ONLY`: PySpark's constant of the same name.
        let mut cur = match (base, steps.first()) {
            (Expr::Variable(v, _, _), Some((false, Expr::Property(p, _))))
                if v.1.as_str() == "StorageLevel" =>
            {
                steps = &steps[1..];
                PyExpr::typed(format!("StorageLevel.{}", p.2), Ty::Scalar)
            }
            _ => self.expr(base)?,
        };
        for (index, step) in steps.iter().copied() {
            cur = if index {
                let i = self.expr(step)?;
                let ty = match (&cur.ty, step) {
                    (Ty::RddList, _) => Ty::Rdd(Box::new(Ty::Unknown)),
                    (t, Expr::IntegerConstant(n, _)) => t.at(*n),
                    (Ty::Str, _) => Ty::Str,
                    (t, _) => t.elem(),
                };
                PyExpr::typed(format!("{}[{}]", cur.at(P_ATOM), i.code), ty)
            } else {
                match step {
                    Expr::MethodCall(fc, pos) => self.method(cur, fc, *pos)?,
                    Expr::Property(p, pos) => {
                        if p.2.as_str() == "ms" && cur.kind() == Kind::Time {
                            PyExpr::typed(
                                format!("int({}.timestamp() * 1000)", cur.at(P_ATOM)),
                                Ty::Int,
                            )
                        } else {
                            return Err(self.err(
                                *pos,
                                format!("property .{} is not supported by export", p.2),
                            ));
                        }
                    }
                    other => {
                        return Err(self.err(other.start_position(), "unexpected chain element"));
                    }
                }
            };
        }
        Ok(cur)
    }

    pub(super) fn method(
        &mut self,
        recv: PyExpr,
        fc: &FnCallExpr,
        pos: Position,
    ) -> ExportResult<PyExpr> {
        let name = fc.name.as_str();
        let args: &[Expr] = &fc.args;
        let r = recv.at(P_ATOM);
        self.refuse_kafka(name, pos)?;
        if self.script_fns.contains(name) {
            return self.script_fn_call(name, Some(recv), args);
        }
        match recv.kind() {
            Kind::Ssc => return self.context_method(&r, name, args, pos),
            Kind::Sc => return self.sc_method(&r, name, args, pos),
            Kind::Array => {
                if let Some(p) = self.array_method(&recv, name, args)? {
                    return Ok(p);
                }
            }
            _ => {}
        }
        if let Some(p) = self.rhai_method(&recv, name, args, pos)? {
            return Ok(p);
        }
        let rec = recv.ty.records();
        match recv.kind() {
            Kind::Rdd => self.rdd_method(&r, &rec, name, args, pos),
            Kind::DStream | Kind::Unknown => {
                if same_call(DSTREAM, name) {
                    self.dstream_method(&r, &rec, name, args)
                } else if same_call(RDD, name) {
                    self.rdd_method(&r, &rec, name, args, pos)
                } else {
                    Err(self.err(pos, format!("method {name}() is not supported by export")))
                }
            }
            _ => Err(self.err(
                pos,
                format!("method {name}() on this value is not supported by export"),
            )),
        }
    }

    pub(super) fn context_method(
        &mut self,
        r: &str,
        name: &str,
        args: &[Expr],
        pos: Position,
    ) -> ExportResult<PyExpr> {
        let n = args.len();
        let ds = |code: String| Ok(PyExpr::atom(code, Kind::DStream));
        let ds_of = |code: String, rec: Ty| Ok(PyExpr::typed(code, Ty::DStream(Box::new(rec))));
        match (name, n) {
            ("queueStream", 1..=3) => self.queue_stream(r, args),
            ("socketTextStream" | "textFileStream", _) => ds_of(format!("{r}.{name}({})", self.args(args)?.join(", ")), Ty::Str),
            ("union", 1) => self.context_union(&args[0], pos),
            ("transform", 2) => {
                let list = match &args[0] {
                    Expr::Array(items, _) => {
                        let mut v = vec![];
                        for i in items.iter() {
                            v.push(self.expr(i)?.code);
                        }
                        format!("[{}]", v.join(", "))
                    }
                    other => self.expr(other)?.code,
                };
                let f = self.closure_arg(&args[1], &[Ty::RddList], false, Returns::Value)?;
                ds(format!("{r}.transform({list}, {})", f.code))
            }
            ("checkpoint", 1) => {
                let d = self.expr(&args[0])?;
                Ok(PyExpr::atom(format!("{r}.checkpoint(CHECKPOINT_DIR or {})", d.code), Kind::Unknown))
            }
            ("remember", 1) => Ok(PyExpr::atom(format!("{r}.remember({})", self.expr(&args[0])?.code), Kind::Unknown)),
            ("tick", _) => Err(self.err(pos, "ssc.tick() drives centella's manual clock; Spark has no manual clock")),
            ("start" | "awaitTermination" | "awaitTerminationOrTimeout" | "stop", _) => Err(self.err(
                pos,
                format!("ssc.{name}() inside an expression or a function cannot be exported; call it as a top-level statement"),
            )),
            _ => Err(self.err(pos, format!("StreamingContext.{name}() with {n} argument(s) is not supported by export"))),
        }
    }

    /// `ssc.queueStream(rdds[, oneAtATime[, default]])`: the queue's items are batches (arrays
    /// or RDDs) of records.
    fn queue_stream(&mut self, r: &str, args: &[Expr]) -> ExportResult<PyExpr> {
        let (code, ty) = self.data(&args[0], 2)?;
        let mut rec = ty.elem().elem();
        let mut a = vec![code];
        if let Some(one_at_a_time) = args.get(1) {
            a.push(self.expr(one_at_a_time)?.code);
        }
        if let Some(default) = args.get(2) {
            let (code, ty) = self.data(default, 1)?;
            rec = types::join(&rec, &ty.elem());
            a.push(code);
        }
        let code = format!("{r}.queueStream({})", a.join(", "));
        Ok(PyExpr::typed(code, Ty::DStream(Box::new(rec))))
    }

    /// `ssc.union([a, b, ...])` as `a.union(b)...`: PySpark's ssc.union refuses streams with
    /// different serializers.
    fn context_union(&mut self, streams: &Expr, pos: Position) -> ExportResult<PyExpr> {
        let Expr::Array(items, _) = streams else {
            return Err(self.err(
                pos,
                "ssc.union needs a literal array of streams to be exported",
            ));
        };
        let Some(first) = items.first() else {
            return Err(self.err(
                pos,
                "ssc.union needs a literal array of streams to be exported",
            ));
        };
        let first = self.expr(first)?;
        let mut rec = first.ty.records();
        let mut code = first.at(P_ATOM);
        for i in items.iter().skip(1) {
            let other = self.expr(i)?;
            rec = types::join(&rec, &other.ty.records());
            code = format!("{code}.union({})", other.code);
        }
        Ok(PyExpr::typed(code, Ty::DStream(Box::new(rec))))
    }

    pub(super) fn sc_method(
        &mut self,
        r: &str,
        name: &str,
        args: &[Expr],
        pos: Position,
    ) -> ExportResult<PyExpr> {
        match (name, args.len()) {
            ("parallelize", 1 | 2) => {
                let (code, ty) = self.data(&args[0], 1)?;
                let mut a = vec![code];
                if args.len() == 2 {
                    a.push(self.expr(&args[1])?.code);
                }
                Ok(PyExpr::typed(
                    format!("{r}.parallelize({})", a.join(", ")),
                    Ty::Rdd(Box::new(ty.elem())),
                ))
            }
            ("textFile", 1 | 2) => Ok(PyExpr::typed(
                format!("{r}.textFile({})", self.args(args)?.join(", ")),
                Ty::Rdd(Box::new(Ty::Str)),
            )),
            ("union", 1) => {
                let (code, ty) = self.data(&args[0], 1)?;
                Ok(PyExpr::typed(
                    format!("{r}.union({code})"),
                    Ty::Rdd(Box::new(ty.elem().elem())),
                ))
            }
            _ => Err(self.err(
                pos,
                format!(
                    "SparkContext.{name}() with {} argument(s) is not supported by export",
                    args.len()
                ),
            )),
        }
    }

    /// Data for queueStream / parallelize: the outer `depth` levels of array literals are
    /// Python lists (PySpark wants lists there); records inside are tuples. With its type (an
    /// RDD counts as a list of its records).
    pub(super) fn data(&mut self, e: &Expr, depth: usize) -> ExportResult<(String, Ty)> {
        match e {
            Expr::Array(items, _) if depth > 0 => {
                let mut v = vec![];
                let mut tys = vec![];
                for i in items.iter() {
                    let (code, ty) = self.data(i, depth - 1)?;
                    v.push(code);
                    tys.push(ty);
                }
                let elem = types::join_all(tys).unwrap_or(Ty::Never);
                let ty = Ty::List(Box::new(elem));
                Ok((format!("[{}]", v.join(", ")), ty))
            }
            _ => {
                let py = self.expr(e)?;
                // A variable holding an array literal of RDDs is a Python tuple; PySpark's
                // queueStream assigns into its list of RDDs (to reserialize them), so it must
                // be a list.
                let rdds = |items: &[Ty]| items.iter().all(|t| matches!(t, Ty::Rdd(_)));
                let (code, ty) = match py.ty {
                    Ty::Rdd(rec) => (py.code, Ty::List(rec)),
                    Ty::Tuple(items) if depth > 1 && !items.is_empty() && rdds(&items) => (
                        format!("list({})", py.code),
                        Ty::List(Box::new(
                            types::join_all(items.into_iter().map(|t| match t {
                                Ty::Rdd(rec) => Ty::List(rec),
                                t => t,
                            }))
                            .unwrap_or(Ty::Never),
                        )),
                    ),
                    t => (py.code, t),
                };
                Ok((code, ty))
            }
        }
    }

    /// The records' type of a stream or RDD passed as an argument, without translating it.
    pub(super) fn records_of_arg(&self, e: &Expr) -> Ty {
        match e {
            Expr::Variable(v, _, _) => self.ty_of(&v.1).records(),
            _ => Ty::Unknown,
        }
    }

    /// A Spark method's arguments, closures typed from the receiver's records `rec`; with the
    /// arguments' types.
    pub(super) fn spark_args(
        &mut self,
        rec: &Ty,
        name: &str,
        args: &[Expr],
    ) -> ExportResult<(Vec<String>, Vec<Ty>)> {
        let listed = matches!(name, "mapPartitions" | "mapPartitionsWithIndex");
        let others: Vec<Ty> = args
            .iter()
            .filter(|a| closure_of(a).is_none())
            .map(|a| self.records_of_arg(a))
            .collect();
        let mut v = vec![];
        let mut tys: Vec<Ty> = vec![];
        for (i, a) in args.iter().enumerate() {
            let returns = types::closure_returns(name, i);
            let py = if closure_of(a).is_some() {
                let params = types::closure_params(name, i, rec, &others);
                match self.assumed_params(name, i, rec, &tys, args) {
                    Some(assumed) => {
                        self.closure_assuming(a, &params, &assumed, listed, returns)?
                    }
                    None => self.closure_arg(a, &params, listed, returns)?,
                }
            } else if returns != Returns::Value && self.is_function_value(a) {
                self.closure_arg(a, &[], listed, returns)?
            } else {
                self.expr(a)?
            };
            v.push(py.code);
            tys.push(match py.ty {
                t @ Ty::Fn(_) => t,
                t if matches!(t.kind(), Kind::DStream | Kind::Rdd) => t.records(),
                t => t,
            });
        }
        Ok((v, tys))
    }

    /// A DStream method PySpark names the same (the API table's transformations and
    /// outputs).
    pub(super) fn dstream_method(
        &mut self,
        r: &str,
        rec: &Ty,
        name: &str,
        args: &[Expr],
    ) -> ExportResult<PyExpr> {
        let (mut a, tys) = self.spark_args(rec, name, args)?;
        if name == "reduceByKeyAndWindow"
            && matches!(args.len(), 2 | 3)
            && !is_unit(&args[1])
            && closure_of(&args[1]).is_none()
            && !matches!(&args[1], Expr::FnCall(fc, _) if fc.name.as_str() == "Fn")
        {
            // PySpark's signature is (func, invFunc, window[, slide]).
            a.insert(1, "None".into());
        }
        let code = spark_call(r, name, &a);
        let ty = if api_table::export_of(DSTREAM, name) == Some(Export::Output) {
            Ty::Unknown
        } else {
            Ty::DStream(Box::new(types::records_after(name, rec, &tys)))
        };
        Ok(PyExpr::typed(code, ty))
    }

    /// An RDD method PySpark names the same (the API table's transformations and actions).
    pub(super) fn rdd_method(
        &mut self,
        r: &str,
        rec: &Ty,
        name: &str,
        args: &[Expr],
        pos: Position,
    ) -> ExportResult<PyExpr> {
        if !same_call(RDD, name) {
            return Err(self.err(pos, format!("RDD.{name}() is not supported by export")));
        }
        let (a, tys) = self.spark_args(rec, name, args)?;
        let mut code = spark_call(r, name, &a);
        match name {
            "countByKey" | "countByValue" => {
                self.need_helper("_by_str");
                code = format!("_by_str({code})");
            }
            _ => {}
        }
        let ty = if api_table::export_of(RDD, name) == Some(Export::Action) {
            types::action_result(name, rec, &tys)
        } else {
            Ty::Rdd(Box::new(types::records_after(name, rec, &tys)))
        };
        Ok(PyExpr::typed(code, ty))
    }
}

/// `r.name(args)`; the values PySpark groups (iterables) as lists, as centella prints them.
fn spark_call(r: &str, name: &str, args: &[String]) -> String {
    let mut code = format!("{r}.{name}({})", args.join(", "));
    match name {
        "groupByKey" | "groupByKeyAndWindow" => code.push_str(".mapValues(list)"),
        "cogroup" => code.push_str(".mapValues(lambda vs: (list(vs[0]), list(vs[1])))"),
        _ => {}
    }
    code
}
