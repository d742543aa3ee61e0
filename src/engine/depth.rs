//! How deeply records may nest. Printing, hashing, keying and checkpointing a record recurse
//! into it; a record nested 20,000 levels deep would overflow a worker's stack and abort the
//! process. Python stops at its recursion limit (1000) with a `RecursionError`; so do we,
//! checking the depth (itself a recursion bounded by the limit) before recursing.

use super::func::{FnError, Record};
use super::record::{RecordView, view};

/// Python's default recursion limit.
pub const MAX_DEPTH: usize = 1000;

/// Whether `v` nests containers (arrays, maps) more than `limit` levels deep.
pub fn exceeds(v: &Record, limit: usize) -> bool {
    match view(v) {
        RecordView::Tuple(a) | RecordView::List(a) => {
            limit == 0 || a.iter().any(|x| exceeds(x, limit - 1))
        }
        RecordView::Map(m) => limit == 0 || m.values().any(|x| exceeds(x, limit - 1)),
        _ => false,
    }
}

/// Before `repr`/`str` of a record (pprint, saveAsTextFiles, messages).
pub fn check_repr(v: &Record) -> Result<(), FnError> {
    if exceeds(v, MAX_DEPTH) {
        return Err(FnError::new(
            "RecursionError: maximum recursion depth exceeded while getting the repr of an object",
        ));
    }
    Ok(())
}

/// Before hashing a key or comparing keys (ByKey operations, state, partitionBy).
pub fn check_key(v: &Record) -> Result<(), FnError> {
    if exceeds(v, MAX_DEPTH) {
        return Err(FnError::new(
            "RecursionError: maximum recursion depth exceeded while calling a Python object (a key nested more than 1000 levels deep)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> Record {
        let mut r = Record::from(1_i64);
        for _ in 0..depth {
            r = Record::from_array(vec![r]);
        }
        r
    }

    #[test]
    fn depth_is_checked_without_recursing_past_the_limit() {
        assert!(!exceeds(&nested(MAX_DEPTH), MAX_DEPTH));
        assert!(exceeds(&nested(MAX_DEPTH + 1), MAX_DEPTH));
        let deep = nested(5_000);
        assert!(
            check_repr(&deep)
                .expect_err("too deep")
                .0
                .starts_with("RecursionError")
        );
        assert!(check_key(&deep).is_err());
        assert!(check_repr(&nested(3)).is_ok());
    }
}
