//! What the translation knows about a value's type, so that Rhai's operators keep their meaning
//! where Python's differ (`"n=" + 1` concatenates in Rhai and raises in Python) without helpers
//! where the types are known.
//!
//! Types are inferred locally (literals, `let` bindings, string methods, `len()`, arithmetic)
//! and along the DStream chain: a stream's or RDD's type is the type of its records, so the
//! closure of `words.map(|w| [w, 1]).reduceByKey(|a, b| a + b)` knows that `a` and `b` are ints.
//! Inference never guesses: whatever is not known is [`Ty::Unknown`], and a variable that is
//! ever given a value of another type is unknown everywhere (see `Translator::run`).

mod records;

pub use records::{ToRecord, shape_rule};

/// The coarse kind of an expression, which decides how a method call is translated.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    DStream,
    Rdd,
    RddList,
    Ssc,
    Sc,
    Str,
    Num,
    Time,
    Array,
    Unknown,
}

/// A value's type as far as it is known. Rhai arrays are told apart by their Python
/// representation, because `tuple + list` raises in Python.
#[derive(Clone, PartialEq, Debug)]
pub enum Ty {
    Unknown,
    /// No value at all: the elements of an empty array.
    Never,
    Int,
    Float,
    /// An int or a float.
    Num,
    /// A string or a char (both are Python strings).
    Str,
    /// A value known not to be an array (a number, a string, a bool, a time: which one is
    /// not known). Everywhere but in records it is as unknown as [`Ty::Unknown`].
    Scalar,
    /// A range (`a..b`, `range(a, b)`: Python's `range`) of ints.
    Range,
    Bool,
    Unit,
    /// A value of a type, or `()` (None): what `if x == () { ... } else { x }` sees as `x`.
    Opt(Box<Ty>),
    Time,
    /// A Python tuple (an array literal), with its elements' types.
    Tuple(Vec<Ty>),
    /// A Python tuple of any length, with its elements' type.
    TupleOf(Box<Ty>),
    /// A Python list that is a Rhai array (centella prints it as a tuple), with its elements'
    /// type: what `split` or an array's `map` make, an array that is pushed to.
    List(Box<Ty>),
    /// A Python list that centella prints as a list too, with its elements' type: what PySpark
    /// hands over as a list (`groupByKey` and `cogroup` values, `glom`, `collect`, the values of
    /// `updateStateByKey`), kept as long as Rhai keeps its list tag (copies, `push`, `sort`).
    SparkList(Box<Ty>),
    /// A Rhai array of unknown Python representation (a tuple, a list or a range), with its
    /// elements' type.
    Array(Box<Ty>),
    /// A closure, with the type it returns.
    Fn(Box<Ty>),
    /// A DStream, an RDD: with their records' type.
    DStream(Box<Ty>),
    Rdd(Box<Ty>),
    RddList,
    Ssc,
    Sc,
}

impl Ty {
    pub fn kind(&self) -> Kind {
        match self {
            Ty::DStream(_) => Kind::DStream,
            Ty::Rdd(_) => Kind::Rdd,
            Ty::RddList => Kind::RddList,
            Ty::Ssc => Kind::Ssc,
            Ty::Sc => Kind::Sc,
            Ty::Str => Kind::Str,
            Ty::Int | Ty::Float | Ty::Num => Kind::Num,
            Ty::Time => Kind::Time,
            Ty::Tuple(_)
            | Ty::TupleOf(_)
            | Ty::List(_)
            | Ty::SparkList(_)
            | Ty::Range
            | Ty::Array(_) => Kind::Array,
            Ty::Unknown | Ty::Never | Ty::Bool | Ty::Scalar | Ty::Unit | Ty::Opt(_) | Ty::Fn(_) => {
                Kind::Unknown
            }
        }
    }

    /// The least precise type for a kind.
    pub fn of_kind(k: Kind) -> Ty {
        match k {
            Kind::DStream => Ty::DStream(Box::new(Ty::Unknown)),
            Kind::Rdd => Ty::Rdd(Box::new(Ty::Unknown)),
            Kind::RddList => Ty::RddList,
            Kind::Ssc => Ty::Ssc,
            Kind::Sc => Ty::Sc,
            Kind::Str => Ty::Str,
            Kind::Num => Ty::Num,
            Kind::Time => Ty::Time,
            Kind::Array => Ty::Array(Box::new(Ty::Unknown)),
            Kind::Unknown => Ty::Unknown,
        }
    }

    pub fn is_num(&self) -> bool {
        matches!(self, Ty::Int | Ty::Float | Ty::Num)
    }

    /// Known not to be an array (nor `()`, a stream, a closure).
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Ty::Int | Ty::Float | Ty::Num | Ty::Str | Ty::Bool | Ty::Time | Ty::Scalar
        )
    }

    /// The records of a stream or an RDD.
    pub fn records(&self) -> Ty {
        match self {
            Ty::DStream(r) | Ty::Rdd(r) => (**r).clone(),
            Ty::Never => Ty::Never,
            _ => Ty::Unknown,
        }
    }

    /// What a closure returns.
    pub fn returns(&self) -> Ty {
        match self {
            Ty::Fn(r) => (**r).clone(),
            Ty::Never => Ty::Never,
            _ => Ty::Unknown,
        }
    }

    /// The type of an element of a sequence (of an RDD: a record).
    pub fn elem(&self) -> Ty {
        match self {
            Ty::Tuple(ts) => ts
                .iter()
                .cloned()
                .reduce(|a, b| join(&a, &b))
                .unwrap_or(Ty::Never),
            Ty::List(t) | Ty::SparkList(t) | Ty::TupleOf(t) | Ty::Array(t) | Ty::Rdd(t) => {
                (**t).clone()
            }
            Ty::Range => Ty::Int,
            Ty::Never => Ty::Never,
            _ => Ty::Unknown,
        }
    }

    /// The element at a literal index (negative from the end, as in Rhai and Python).
    pub fn at(&self, i: i64) -> Ty {
        match self {
            Ty::Tuple(ts) => {
                let n = ts.len() as i64;
                let k = if i < 0 { n + i } else { i };
                usize::try_from(k)
                    .ok()
                    .and_then(|k| ts.get(k))
                    .cloned()
                    .unwrap_or(Ty::Unknown)
            }
            Ty::Str => Ty::Str,
            other => other.elem(),
        }
    }

    /// The key and value types of a pair.
    pub fn pair(&self) -> (Ty, Ty) {
        match self {
            Ty::Tuple(kv) if kv.len() == 2 => (kv[0].clone(), kv[1].clone()),
            Ty::Never => (Ty::Never, Ty::Never),
            _ => (Ty::Unknown, Ty::Unknown),
        }
    }
}

fn pair(k: Ty, v: Ty) -> Ty {
    Ty::Tuple(vec![k, v])
}

fn opt(t: Ty) -> Ty {
    match t {
        Ty::Unknown => Ty::Unknown,
        Ty::Unit | Ty::Opt(_) => t,
        t => Ty::Opt(Box::new(t)),
    }
}

impl Ty {
    /// The type without `()`: of `x` where `x != ()`.
    pub fn without_unit(&self) -> Ty {
        match self {
            Ty::Opt(t) => (**t).clone(),
            Ty::Unit => Ty::Never,
            t => t.clone(),
        }
    }
}

/// The type of a value that is either an `a` or a `b`.
pub fn join(a: &Ty, b: &Ty) -> Ty {
    match (a, b) {
        _ if a == b => a.clone(),
        (Ty::Never, t) | (t, Ty::Never) => t.clone(),
        (Ty::Unknown, _) | (_, Ty::Unknown) => Ty::Unknown,
        (Ty::Unit, Ty::Opt(t)) | (Ty::Opt(t), Ty::Unit) => Ty::Opt(t.clone()),
        (Ty::Unit, t) | (t, Ty::Unit) => opt(t.clone()),
        (Ty::Opt(x), Ty::Opt(y)) => opt(join(x, y)),
        (Ty::Opt(x), t) | (t, Ty::Opt(x)) => opt(join(x, t)),
        _ if a.is_num() && b.is_num() => Ty::Num,
        _ if a.is_scalar() && b.is_scalar() => Ty::Scalar,
        (Ty::Tuple(x), Ty::Tuple(y)) if x.len() == y.len() => {
            Ty::Tuple(x.iter().zip(y).map(|(a, b)| join(a, b)).collect())
        }
        (Ty::List(x), Ty::List(y)) => Ty::List(Box::new(join(x, y))),
        (Ty::SparkList(x), Ty::SparkList(y)) => Ty::SparkList(Box::new(join(x, y))),
        (Ty::Rdd(x), Ty::Rdd(y)) => Ty::Rdd(Box::new(join(x, y))),
        (Ty::DStream(x), Ty::DStream(y)) => Ty::DStream(Box::new(join(x, y))),
        (Ty::Tuple(_) | Ty::TupleOf(_), Ty::Tuple(_) | Ty::TupleOf(_)) => {
            Ty::TupleOf(Box::new(join(&a.elem(), &b.elem())))
        }
        _ if sequence(a) && sequence(b) => Ty::Array(Box::new(join(&a.elem(), &b.elem()))),
        _ => Ty::Unknown,
    }
}

/// The type of a variable that takes values of two types (`infer::Assumed::widened`):
/// streams, RDDs, contexts and times keep their kind; value types become unknown.
pub fn widen(t: Ty) -> Ty {
    match t {
        Ty::DStream(_) => Ty::DStream(Box::new(Ty::Unknown)),
        Ty::Rdd(_) => Ty::Rdd(Box::new(Ty::Unknown)),
        Ty::RddList | Ty::Time | Ty::Ssc | Ty::Sc => t,
        _ => Ty::Unknown,
    }
}

/// The join of all of `tys`; None for none.
pub fn join_all(tys: impl IntoIterator<Item = Ty>) -> Option<Ty> {
    tys.into_iter().reduce(|a, b| join(&a, &b))
}

/// Types that are Rhai arrays in one Python form or another.
fn sequence(t: &Ty) -> bool {
    matches!(
        t,
        Ty::Tuple(_) | Ty::TupleOf(_) | Ty::List(_) | Ty::SparkList(_) | Ty::Range | Ty::Array(_)
    )
}

/// How Rhai's `a + b` is written in Python, given what is known of `a` and `b`.
#[derive(Debug, PartialEq)]
pub enum Plus {
    /// Python's `+` means the same; the result's type.
    Plain(Ty),
    /// A string on one side: concatenate Rhai's `to_string` of the other.
    Concat,
    /// Not known: `_add(a, b)`.
    Helper,
}

pub fn plus(a: &Ty, b: &Ty) -> Plus {
    match (a, b) {
        // No value (yet): nothing to keep.
        (Ty::Never, _) | (_, Ty::Never) => Plus::Plain(Ty::Never),
        (Ty::Str, _) | (_, Ty::Str) => Plus::Concat,
        (Ty::Int, Ty::Int) => Plus::Plain(Ty::Int),
        _ if a.is_num() && b.is_num() => Plus::Plain(if *a == Ty::Float || *b == Ty::Float {
            Ty::Float
        } else {
            Ty::Num
        }),
        (Ty::Tuple(x), Ty::Tuple(y)) => {
            Plus::Plain(Ty::Tuple(x.iter().chain(y).cloned().collect()))
        }
        (Ty::Tuple(_) | Ty::TupleOf(_), Ty::Tuple(_) | Ty::TupleOf(_)) => {
            Plus::Plain(Ty::TupleOf(Box::new(join(&a.elem(), &b.elem()))))
        }
        // A new array: Rhai's list tag does not carry over.
        (Ty::List(x) | Ty::SparkList(x), Ty::List(y) | Ty::SparkList(y)) => {
            Plus::Plain(Ty::List(Box::new(join(x, y))))
        }
        _ => Plus::Helper,
    }
}

/// The type of `a op b` for `-`, `*`, `/`, `%`, `**` (Rhai's integer ops stay integers).
/// Never an array: Rhai has these operators for numbers (and centella for times) only.
pub fn arith(a: &Ty, b: &Ty) -> Ty {
    match (a, b) {
        (Ty::Never, _) | (_, Ty::Never) => Ty::Never,
        (Ty::Int, Ty::Int) => Ty::Int,
        (Ty::Float, x) | (x, Ty::Float) if x.is_num() => Ty::Float,
        _ if a.is_num() && b.is_num() => Ty::Num,
        _ => Ty::Scalar,
    }
}

/// The type of Rhai's `a + b` where Python's `+` does not mean the same (`_add`): Rhai adds an
/// array only to an array, so a known non-array on either side makes a non-array.
pub fn plus_helper_result(a: &Ty, b: &Ty) -> Ty {
    if a.is_scalar() || b.is_scalar() || *a == Ty::Unit || *b == Ty::Unit {
        Ty::Scalar
    } else {
        Ty::Unknown
    }
}

/// The parameter types of the function argument number `i` of `recv.method(...)`, where the
/// stream or RDD has records of type `rec` and `others` are the records of streams passed as
/// arguments. Empty when nothing is known.
pub fn closure_params(method: &str, i: usize, rec: &Ty, others: &[Ty]) -> Vec<Ty> {
    let (_, v) = rec.pair();
    let other = others.first().cloned().unwrap_or(Ty::Unknown);
    let one = |t: Ty| vec![t];
    match (method, i) {
        ("map" | "filter" | "flatMap" | "foreach" | "keyBy" | "sortBy", 0) => one(rec.clone()),
        ("mapValues" | "flatMapValues", 0) => one(v),
        ("reduceByKey", 0) | ("reduceByKeyAndWindow", 0 | 1) => vec![v.clone(), v],
        ("reduceByKeyAndWindow", 5) => one(rec.clone()),
        ("reduce" | "reduceByWindow", 0 | 1) => vec![rec.clone(), rec.clone()],
        ("fold", 1) => vec![Ty::Unknown, rec.clone()],
        ("mapPartitions", 0) => one(Ty::List(Box::new(rec.clone()))),
        ("mapPartitionsWithIndex", 0) => vec![Ty::Int, Ty::List(Box::new(rec.clone()))],
        ("updateStateByKey", 0) => vec![Ty::SparkList(Box::new(v)), Ty::Unknown],
        ("combineByKey", 0) => one(v),
        ("combineByKey", 1) => vec![Ty::Unknown, v],
        ("transform" | "foreachRDD", 0) => one(Ty::Rdd(Box::new(rec.clone()))),
        ("transformWith", 0) => vec![Ty::Rdd(Box::new(rec.clone())), Ty::Rdd(Box::new(other))],
        _ => vec![],
    }
}

/// The records' type after `recv.method(args)`, where `rec` is the receiver's and `args` the
/// arguments' types (a closure's is [`Ty::Fn`], a stream's or RDD's its records').
pub fn records_after(method: &str, rec: &Ty, args: &[Ty]) -> Ty {
    let (k, v) = rec.pair();
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Ty::Unknown);
    let ret = |i: usize| arg(i).returns();
    let (_, v2) = arg(0).pair();
    match method {
        "map" => ret(0),
        "flatMap" | "mapPartitions" => ret(0).elem(),
        "mapPartitionsWithIndex" => ret(0).elem(),
        "filter" | "window" | "cache" | "persist" | "checkpoint" | "repartition"
        | "partitionBy" | "coalesce" | "distinct" | "sortByKey" | "sortBy" => rec.clone(),
        "union" => join(rec, &arg(0)),
        // The closure returns an RDD: its records.
        "transform" | "transformWith" => ret(0).records(),
        "mapValues" => pair(k, ret(0)),
        "flatMapValues" => pair(k, ret(0).elem()),
        "reduceByKey" => pair(k, join(&v, &ret(0))),
        "reduceByKeyAndWindow" => {
            // The inverse function's results are values too.
            let inv = match arg(1) {
                Ty::Fn(r) => *r,
                _ => v.clone(),
            };
            pair(k, join(&join(&v, &ret(0)), &inv))
        }
        "reduce" => join(rec, &ret(0)),
        "reduceByWindow" => {
            let inv = match arg(1) {
                Ty::Fn(r) => *r,
                _ => rec.clone(),
            };
            join(&join(rec, &ret(0)), &inv)
        }
        "count" | "countByWindow" => Ty::Int,
        "countByValue" | "countByValueAndWindow" => pair(rec.clone(), Ty::Int),
        "groupByKey" | "groupByKeyAndWindow" => pair(k, Ty::SparkList(Box::new(v))),
        "glom" => Ty::SparkList(Box::new(rec.clone())),
        "keyBy" => pair(ret(0), rec.clone()),
        "keys" => k,
        "values" => v,
        "zipWithIndex" => pair(rec.clone(), Ty::Int),
        "join" => pair(k, Ty::Tuple(vec![v, v2])),
        "cogroup" => pair(
            k,
            Ty::Tuple(vec![
                Ty::SparkList(Box::new(v)),
                Ty::SparkList(Box::new(v2)),
            ]),
        ),
        "cartesian" => pair(rec.clone(), arg(0)),
        // The states are what the function returned (other than ()), or the initial ones.
        "updateStateByKey" => {
            let mut state = ret(0).without_unit();
            for a in args.iter().skip(1) {
                match a {
                    Ty::Int => {}
                    t => state = join(&state, &t.pair().1),
                }
            }
            pair(k, state)
        }
        // The combiners come from one of the three functions.
        "combineByKey" => pair(k, join(&join(&ret(0), &ret(1)), &ret(2))),
        // Outer joins: values may be None or anything.
        _ => Ty::Unknown,
    }
}

/// The value an RDD action returns.
pub fn action_result(method: &str, rec: &Ty, args: &[Ty]) -> Ty {
    match method {
        "count" | "getNumPartitions" => Ty::Int,
        "collect" | "take" | "top" | "takeOrdered" => Ty::SparkList(Box::new(rec.clone())),
        "first" => rec.clone(),
        "reduce" => join(rec, &args.first().map(Ty::returns).unwrap_or(Ty::Unknown)),
        "fold" => match args {
            [zero, f] => join(&join(zero, rec), &f.returns()),
            _ => Ty::Unknown,
        },
        "isEmpty" => Ty::Bool,
        _ => Ty::Unknown,
    }
}

/// What a closure's results are to the operation that calls it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Returns {
    /// A plain value (a filter's bool, a transform's RDD, a sort key).
    Value,
    /// A record, or a part of one that is printed (a pair's value, a state, a combiner).
    Record,
    /// Records to iterate over (flatMap, mapPartitions).
    Records,
}

/// What the function argument number `i` of `method` returns.
pub fn closure_returns(method: &str, i: usize) -> Returns {
    match (method, i) {
        ("map" | "mapValues" | "keyBy" | "reduce" | "reduceByKey" | "updateStateByKey", 0)
        | ("reduceByWindow" | "reduceByKeyAndWindow", 0 | 1)
        | ("combineByKey", 0..=2)
        | ("fold", 1) => Returns::Record,
        ("flatMap" | "flatMapValues" | "mapPartitions" | "mapPartitionsWithIndex", 0) => {
            Returns::Records
        }
        _ => Returns::Value,
    }
}

#[cfg(test)]
mod tests {
    use super::records::{as_record, to_record, to_records};
    use super::*;

    #[test]
    fn word_count_values_stay_ints() {
        let line = Ty::Str;
        let words = records_after(
            "flatMap",
            &line,
            &[Ty::Fn(Box::new(Ty::List(Box::new(Ty::Str))))],
        );
        assert_eq!(words, Ty::Str);
        let pairs = records_after(
            "map",
            &words,
            &[Ty::Fn(Box::new(Ty::Tuple(vec![Ty::Str, Ty::Int])))],
        );
        assert_eq!(
            closure_params("reduceByKey", 0, &pairs, &[]),
            vec![Ty::Int, Ty::Int]
        );
        let counts = records_after("reduceByKey", &pairs, &[Ty::Fn(Box::new(Ty::Int))]);
        assert_eq!(counts, Ty::Tuple(vec![Ty::Str, Ty::Int]));
        // A reducer returning something else makes the values unknown.
        let mixed = records_after("reduceByKey", &pairs, &[Ty::Fn(Box::new(Ty::Unknown))]);
        assert_eq!(mixed, Ty::Tuple(vec![Ty::Str, Ty::Unknown]));
    }

    #[test]
    fn transform_gives_the_records_of_the_rdd_it_returns() {
        let f = Ty::Fn(Box::new(Ty::Rdd(Box::new(Ty::Str))));
        assert_eq!(records_after("transform", &Ty::Int, &[f]), Ty::Str);
        // The inverse function's results are in the window too.
        let sum = Ty::Fn(Box::new(Ty::Int));
        let inv = Ty::Fn(Box::new(Ty::Unknown));
        assert_eq!(
            records_after("reduceByWindow", &Ty::Int, &[sum, inv]),
            Ty::Unknown
        );
    }

    #[test]
    fn unit_joins_into_an_optional() {
        let opt = join(&Ty::Unit, &Ty::Int);
        assert_eq!(opt, Ty::Opt(Box::new(Ty::Int)));
        assert_eq!(join(&opt, &Ty::Int), opt);
        assert_eq!(opt.without_unit(), Ty::Int);
        assert_eq!(join(&Ty::Never, &Ty::Str), Ty::Str);
        assert_eq!(join(&Ty::Unit, &Ty::Unknown), Ty::Unknown);
    }

    #[test]
    fn records_turn_only_rhai_arrays_into_tuples() {
        let strs = Ty::List(Box::new(Ty::Str));
        assert_eq!(to_record(&strs), ToRecord::Tuple);
        assert_eq!(as_record(&strs), Ty::TupleOf(Box::new(Ty::Str)));
        // groupByKey's lists print as lists in centella too.
        let grouped = Ty::Tuple(vec![Ty::Str, Ty::SparkList(Box::new(Ty::Int))]);
        assert_eq!(to_record(&grouped), ToRecord::Keep);
        assert_eq!(
            to_record(&Ty::Tuple(vec![Ty::Int, Ty::Str])),
            ToRecord::Keep
        );
        assert_eq!(to_record(&join(&Ty::Int, &Ty::Str)), ToRecord::Keep);
        // Nested, optional or unknown: the deep helper.
        let nested = Ty::List(Box::new(strs.clone()));
        assert_eq!(to_record(&nested), ToRecord::Helper);
        assert_eq!(to_record(&join(&strs, &Ty::Unit)), ToRecord::Helper);
        assert_eq!(to_record(&Ty::Unknown), ToRecord::Helper);
        // Records to iterate over: their elements count.
        assert_eq!(to_records(&strs), ToRecord::Keep);
        assert_eq!(to_records(&nested), ToRecord::Helper);
        assert_eq!(to_records(&Ty::Range), ToRecord::Keep);
        // Arithmetic and a + with a known non-array side never make arrays.
        assert_eq!(to_record(&arith(&Ty::Unknown, &Ty::Int)), ToRecord::Keep);
        assert_eq!(plus_helper_result(&Ty::Unknown, &Ty::Int), Ty::Scalar);
        assert_eq!(plus_helper_result(&Ty::Unknown, &Ty::Unknown), Ty::Unknown);
    }

    #[test]
    fn plus_is_plain_only_when_python_agrees() {
        assert_eq!(plus(&Ty::Int, &Ty::Int), Plus::Plain(Ty::Int));
        assert_eq!(plus(&Ty::Int, &Ty::Float), Plus::Plain(Ty::Float));
        assert_eq!(plus(&Ty::Str, &Ty::Unknown), Plus::Concat);
        assert_eq!(plus(&Ty::Int, &Ty::Unknown), Plus::Helper);
        assert_eq!(
            plus(&Ty::Tuple(vec![]), &Ty::List(Box::new(Ty::Int))),
            Plus::Helper
        );
        assert_eq!(plus(&Ty::Bool, &Ty::Int), Plus::Helper);
    }
}
