//! Short constructors for records in unit tests.

pub use super::record::list;
use rhai::Dynamic;

pub fn s(x: &str) -> Dynamic {
    Dynamic::from(x.to_string())
}
pub fn i(x: i64) -> Dynamic {
    Dynamic::from_int(x)
}
pub fn f(x: f64) -> Dynamic {
    Dynamic::from_float(x)
}
/// A tuple.
pub fn t(items: Vec<Dynamic>) -> Dynamic {
    super::record::tuple(items)
}

/// `(key, count)` pairs with string keys.
pub fn pairs(v: &[(&str, i64)]) -> Vec<Dynamic> {
    v.iter()
        .map(|(k, n)| super::rdd::pair_of(Dynamic::from(k.to_string()), Dynamic::from(*n)))
        .collect()
}

/// An RDD's records as PySpark prints them.
pub fn show(r: &super::rdd::Rdd) -> Vec<String> {
    r.collect()
        .expect("collect")
        .iter()
        .map(super::pyrepr::python_str)
        .collect()
}
