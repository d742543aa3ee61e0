//! Hashable keys for ByKey operations, with Python's equality (1 == 1.0 == True).

use super::func::Record;
use super::record::{RecordView, view};
use rhai::ImmutableString;
use std::hash::{Hash, Hasher};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Unit,
    Int(i64),
    Float(u64),
    Str(ImmutableString),
    Tuple(Vec<Key>),
    Other(String),
}

impl Key {
    pub fn of(r: &Record) -> Key {
        match view(r) {
            RecordView::None => Key::Unit,
            RecordView::Str(s) => Key::Str(s.clone()),
            RecordView::Int(i) => Key::Int(i),
            RecordView::Bool(b) => Key::Int(i64::from(b)),
            RecordView::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Key::Int(f as i64),
            RecordView::Float(f) => Key::Float(f.to_bits()),
            RecordView::Char(c) => Key::Str(c.to_string().into()),
            RecordView::Tuple(a) | RecordView::List(a) => {
                Key::Tuple(a.iter().map(Key::of).collect())
            }
            RecordView::Map(_) | RecordView::Bytes(_) | RecordView::Other => {
                Key::Other(r.to_string())
            }
        }
    }
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match self {
            Key::Unit => h.write_u8(0),
            Key::Int(i) => {
                h.write_u8(1);
                i.hash(h);
            }
            Key::Float(bits) => {
                h.write_u8(2);
                bits.hash(h);
            }
            Key::Str(s) => {
                h.write_u8(3);
                s.as_str().hash(h);
            }
            Key::Tuple(items) => {
                h.write_u8(4);
                items.hash(h);
            }
            Key::Other(s) => {
                h.write_u8(5);
                s.hash(h);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhai::Dynamic;

    #[test]
    fn python_equal_values_are_equal_keys() {
        assert_eq!(
            Key::of(&Dynamic::from(1_i64)),
            Key::of(&Dynamic::from(1.0_f64))
        );
        assert_eq!(
            Key::of(&Dynamic::from(true)),
            Key::of(&Dynamic::from(1_i64))
        );
        assert_eq!(Key::of(&Dynamic::from('a')), Key::of(&Dynamic::from("a")));
        assert_ne!(Key::of(&Dynamic::from("1")), Key::of(&Dynamic::from(1_i64)));
        let t: rhai::Array = vec![Dynamic::from("Web"), Dynamic::from(1_i64)];
        let u: rhai::Array = vec![Dynamic::from("Web"), Dynamic::from(1_i64)];
        assert_eq!(Key::of(&Dynamic::from(t)), Key::of(&Dynamic::from(u)));
    }
}
