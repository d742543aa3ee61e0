//! What a record means: the one place that decodes a `rhai::Dynamic` into the Python value it
//! stands for.
//!
//! Records are Rhai values. An array is a Python tuple unless it carries [`LIST_TAG`], which
//! makes it a list (Rhai has one array type; Python has two, and they print, compare and
//! checkpoint differently). An object map is a dict, `()` is `None`, a char is a one-letter
//! `str`, a blob is `bytes`. Everything that asks "what is this record?" (keys, hashing,
//! printing, ordering, truthiness, pairs, checkpoints) matches on [`RecordView`] instead of
//! testing the `Dynamic` itself.
//!
//! A view borrows: strings, arrays, maps and blobs are read in place, so taking one costs no
//! allocation (it is on the hot path of every shuffle and print).

use rhai::{Array, Blob, DynamicReadLock, ImmutableString, Map};

/// A record flowing through RDDs. Rhai's `Dynamic` is used purely as a data type.
pub type Record = rhai::Dynamic;

/// `Dynamic::tag()` value marking an array that is a Python list, not a tuple.
pub const LIST_TAG: i32 = 1;

/// A Python tuple `(a, b, ...)`.
pub fn tuple(items: Vec<Record>) -> Record {
    Record::from_array(items)
}

/// A Python list `[a, b, ...]` (prints as `[a, b]`, unlike a tuple).
pub fn list(items: Vec<Record>) -> Record {
    let mut d = Record::from_array(items);
    d.set_tag(LIST_TAG);
    d
}

/// A record seen as the Python value it stands for.
pub enum RecordView<'a> {
    /// `None` (Rhai's `()`).
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A one-letter `str` (Rhai's `char`).
    Char(char),
    Str(DynamicReadLock<'a, ImmutableString>),
    Tuple(DynamicReadLock<'a, Array>),
    List(DynamicReadLock<'a, Array>),
    /// A dict (Rhai's object map).
    Map(DynamicReadLock<'a, Map>),
    /// `bytes` (Rhai's blob).
    Bytes(DynamicReadLock<'a, Blob>),
    /// Anything else (a `Time`, a function pointer, ...): ask the record itself.
    Other,
}

impl RecordView<'_> {
    /// The items of a tuple or a list.
    pub fn items(&self) -> Option<&[Record]> {
        match self {
            RecordView::Tuple(a) | RecordView::List(a) => Some(a),
            _ => None,
        }
    }

    /// The text of a `str` (a char is spelled into `buf`).
    pub fn text<'b>(&'b self, buf: &'b mut [u8; 4]) -> Option<&'b str> {
        match self {
            RecordView::Str(s) => Some(s.as_str()),
            RecordView::Char(c) => Some(c.encode_utf8(buf)),
            _ => None,
        }
    }
}

/// Decode `r`. The most frequent kinds of record (strings, ints, pairs) are tested first.
pub fn view(r: &Record) -> RecordView<'_> {
    if let Some(s) = r.read_lock::<ImmutableString>() {
        return RecordView::Str(s);
    }
    if let Ok(i) = r.as_int() {
        return RecordView::Int(i);
    }
    if let Some(a) = r.read_lock::<Array>() {
        return if r.tag() == LIST_TAG {
            RecordView::List(a)
        } else {
            RecordView::Tuple(a)
        };
    }
    if r.is_unit() {
        return RecordView::None;
    }
    if let Ok(b) = r.as_bool() {
        return RecordView::Bool(b);
    }
    if let Ok(f) = r.as_float() {
        return RecordView::Float(f);
    }
    if let Ok(c) = r.as_char() {
        return RecordView::Char(c);
    }
    if let Some(m) = r.read_lock::<Map>() {
        return RecordView::Map(m);
    }
    if let Some(b) = r.read_lock::<Blob>() {
        return RecordView::Bytes(b);
    }
    RecordView::Other
}

/// Roughly how many bytes a record takes, for the sizes `toDebugString` and the UI show.
pub fn estimated_size(r: &Record) -> u64 {
    match view(r) {
        RecordView::Str(s) => 24 + s.len() as u64,
        RecordView::Tuple(a) | RecordView::List(a) => {
            24 + a.iter().map(estimated_size).sum::<u64>()
        }
        RecordView::Map(m) => {
            48 + m
                .iter()
                .map(|(k, v)| k.len() as u64 + estimated_size(v))
                .sum::<u64>()
        }
        RecordView::Bytes(b) => 24 + b.len() as u64,
        _ => 16,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(r: &Record) -> &'static str {
        match view(r) {
            RecordView::None => "None",
            RecordView::Bool(_) => "bool",
            RecordView::Int(_) => "int",
            RecordView::Float(_) => "float",
            RecordView::Char(_) => "char",
            RecordView::Str(_) => "str",
            RecordView::Tuple(_) => "tuple",
            RecordView::List(_) => "list",
            RecordView::Map(_) => "dict",
            RecordView::Bytes(_) => "bytes",
            RecordView::Other => "other",
        }
    }

    #[test]
    fn every_kind_of_record_has_its_view() {
        let cases = [
            (Record::UNIT, "None"),
            (Record::from(true), "bool"),
            (Record::from(3_i64), "int"),
            (Record::from(2.5_f64), "float"),
            (Record::from('x'), "char"),
            (Record::from("x"), "str"),
            (tuple(vec![Record::from(1_i64)]), "tuple"),
            (list(vec![Record::from(1_i64)]), "list"),
            (Record::from_map(Map::new()), "dict"),
            (Record::from_blob(vec![1, 2]), "bytes"),
            (Record::from(super::super::time::Time(5)), "other"),
        ];
        for (r, want) in cases {
            assert_eq!(kind(&r), want, "{r:?}");
        }
    }

    #[test]
    fn shared_values_are_seen_through() {
        let shared = Record::from("shared").into_shared();
        assert_eq!(kind(&shared), "str");
        let mut buf = [0; 4];
        assert_eq!(view(&Record::from('é')).text(&mut buf), Some("é"));
    }
}
