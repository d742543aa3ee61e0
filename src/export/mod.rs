//! `centella export job.rhai > job.py`: a Rhai script as an equivalent PySpark (DStream API)
//! program, translated from Rhai's own AST (features `internals` + `metadata`).
//!
//! # Program shape
//!
//! The pipeline lives in `def build(ssc, sc)`, the signature the course's oracle runner
//! (`run_pyspark.py PROG.py --batches N`) calls; `main()` under `if __name__ == "__main__":`
//! makes the SparkContext and a StreamingContext of `BATCH_INTERVAL` (the script's
//! `StreamingContext(sc, secs)`, else 1 s), calls `build`, starts the context and awaits it
//! (`awaitTerminationOrTimeout(s)` and `ssc.stop(...)` after `ssc.start()` in the script carry
//! over). So `python job.py`, `spark-submit job.py` and the runner all work on the same file.
//! `--master` (default: spark-submit's, else `local[2]`) and `--checkpoint DIR` (overrides the
//! script's `ssc.checkpoint(dir)`) are the program's own options.
//!
//! # Translation rules
//!
//! - Array literals become tuples (records, pairs and keys are then hashable and print as
//!   centella prints arrays), except arrays that are mutated (`push`, `insert`, `a[i] = ...`):
//!   those are lists of their own. A literal initialiser is a list literal (`[]`); one that may
//!   be a tuple or is another variable's array is copied (`list(x)`; each branch of an
//!   if-expression on its own: `[] if st is None else list(st)`), as is a parameter at the
//!   start of a function that mutates it, because Rhai arrays are values and Python lists are
//!   references. The outer levels of `queueStream` / `parallelize` data stay lists.
//! - Records print Rhai arrays as tuples, so a value in *record position* (what a `map`,
//!   `mapValues`, `keyBy`, reduce, `fold`, `combineByKey` or `updateStateByKey` function
//!   returns; the elements of what a `flatMap`, `flatMapValues` or `mapPartitions` function
//!   returns) that is, or may be, a Python list standing for a Rhai array becomes a tuple: an
//!   array literal's elements one by one (`[x, a]` is `(x, tuple(a))`), a list of values that
//!   need nothing as `tuple(x)` (`tuple(l.split(" "))`), anything else that may hold one
//!   (nested lists, an unknown type) as `_tup(x)`, which converts lists deeply and leaves
//!   other values as they are; a function value (`Fn("f")`, a closure in a variable) is
//!   wrapped as `_tupled(f)`. Values of known non-array types are left as they are. The lists
//!   PySpark hands over (groupByKey and cogroup values, `glom`, `collect`, updateStateByKey's
//!   values) are kept: centella prints them as lists too, as long as Rhai keeps them (copies,
//!   `push`, `sort`; not `map`, `filter` or `+`, which make new arrays).
//! - A one-expression closure becomes a `lambda`; a longer one a local `def` right before the
//!   statement that uses it, with `nonlocal` for captured variables it assigns; `fn` becomes a
//!   module-level `def`. A block's last expression becomes `return`.
//! - `()` is `None`; `x == ()` is `x is None`; `type_of(x)` keeps Rhai's names.
//! - In-place string methods used as statements rebind: `s.replace(a, b);` is
//!   `s = s.replace(a, b)`; on a variable known to hold a string, `s.truncate(n);` is
//!   `s = s[:n]` (`s[:max(n, 0)]` unless `n` is a literal: Rhai keeps nothing for a negative
//!   length) and `s.clear();` is `s = ""`.
//! - A string minus a string or char (both known) removes every occurrence:
//!   `s.replace(t, "")`.
//! - `s.sub_string(start, len)` is a slice `s[start:start + len]` from a non-negative literal
//!   start, else `_sub_string(s, start, len)` (Rhai counts a negative start from the end, from
//!   the first character when it is before it, even with a length past the end, where Python's
//!   `s[-2:-2 + 5]` is empty); `s.sub_string(start)` is `s[start:]` (the same in both);
//!   `s.sub_string(a..b)` needs literal, non-negative ends.
//! - `/` and `%` keep Rhai's integer semantics through `_div` / `_mod`.
//! - `+` keeps Rhai's meaning (`"n=" + 1` is `"n=1"`, `1 + "a"` is `"1a"`, arrays concatenate).
//!   Where both sides' types are known and Python's `+` agrees (numbers, strings, tuples,
//!   lists) it stays `+`; a known string on one side concatenates `str(x)` (ints) or `_str(x)`
//!   (Rhai's `to_string`: floats, arrays, `()`); otherwise `_add(a, b)`, and `+=` is `_iadd`
//!   (which also appends a non-array to an array). `/` with a float operand is `/`.
//! - Types (`types.rs`, `translate/infer.rs`) come from literals, `let`, string methods,
//!   `len()`, arithmetic, and the DStream chain: queueStream / parallelize data,
//!   `socketTextStream` / `textFileStream` lines, then each operation (`map(|w| [w, 1])` makes
//!   (str, int) pairs, so `reduceByKey(|a, b| a + b)` adds ints); `if x == () {..} else {x}`
//!   narrows; an `updateStateByKey` state is what its function returns, a `combineByKey`
//!   combiner what `createCombiner` returns, when the functions agree; a script function's
//!   parameters are what its calls pass (unknown for one used as `Fn("name")`); a mutated
//!   array's elements are what is pushed; what `-`, `*`, ... and a `+` with a known non-array
//!   side make is never an array. The translation runs in passes until what it saw is
//!   what it assumed, so nothing is guessed; a variable name that ever holds values of two
//!   types (anywhere in the script) is unknown. Chars are Python strings (a char inside an
//!   array prints quoted).
//! - `switch` is read back from the source (Rhai keeps only hashes of its case values), checked
//!   against the AST by compiling the values read into a switch of their own, and becomes an
//!   `if` / `elif` / `else` chain as a statement, a conditional expression as a value (a
//!   closure's body included), or a local `def` with returns when its cases have statements.
//!   Cases are tested in source order with Rhai's typed matching (`x == 1` for a known int,
//!   `type(x) is int and x == 1` otherwise; `1..5` is `1 <= x < 5`; `a | b` is `x in (a, b)`;
//!   `if` conditions are and'ed; a char case also matches a one-letter string). Case values
//!   must be literals or integer ranges; anything else is an error.
//! - PySpark's call shapes: `reduceByKeyAndWindow(f, win[, slide])` is `(f, None, win[,
//!   slide])`; `groupByKey`, `groupByKeyAndWindow` and `cogroup` values become lists (as
//!   centella prints them); `ssc.union([a, b, c])` is `a.union(b).union(c)`, because PySpark's
//!   `ssc.union` refuses streams with different serializers; `mapPartitions` closures get a
//!   list; `countByKey` / `countByValue` maps are keyed by the printed key, as in centella.
//!
//! Anything else (try/catch, `do`, `ssc.tick`, object maps, unknown methods, ...) is an
//! [`ExportError`] naming the construct and its `file:line:col`, never guessed Python.

pub mod api_table;
pub mod helpers;
pub mod tokens;
mod translate;
mod types;

use std::fmt;

/// Why a script cannot be exported, with where.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: cannot export: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

impl std::error::Error for ExportError {}

/// Translates the Rhai script `source` (named `file` in comments and errors) to a PySpark
/// program.
pub fn export(file: &str, source: &str) -> Result<String, ExportError> {
    translate::Translator::run(file, source)
}
