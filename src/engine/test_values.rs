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
