//! Short constructors for records in unit tests.

use super::pyrepr::LIST_TAG;
use rhai::{Array, Dynamic};

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
    Dynamic::from_array(items as Array)
}
pub fn list(items: Vec<Dynamic>) -> Dynamic {
    let mut d = t(items);
    d.set_tag(LIST_TAG);
    d
}
