//! How records are written by `pprint`, `saveAsTextFiles` and the shell: Python's notation
//! (as PySpark prints) or Rhai's. A session setting, so it lives beside the printing code and
//! not in the output operations that use it.

use super::func::Record;
use super::pyrepr;

/// How records are written by pprint and saveAsTextFiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Notation {
    /// PySpark's `print(record)`: tuples, quoted strings, True/None.
    #[default]
    Python,
    /// Rhai's own notation: `["Web", 4]`.
    Rhai,
}

impl Notation {
    pub fn show(self, r: &Record) -> String {
        match self {
            Notation::Python => pyrepr::python_str(r),
            Notation::Rhai => pyrepr::rhai_str(r),
        }
    }
}
