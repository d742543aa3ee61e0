//! Hashable keys for ByKey operations, with Python's equality (1 == 1.0 == True).

use super::func::Record;
use rhai::ImmutableString;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
        if r.is_unit() {
            return Key::Unit;
        }
        if let Some(s) = r.read_lock::<ImmutableString>() {
            return Key::Str(s.clone());
        }
        if let Ok(i) = r.as_int() {
            return Key::Int(i);
        }
        if let Ok(b) = r.as_bool() {
            return Key::Int(i64::from(b));
        }
        if let Ok(f) = r.as_float() {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                return Key::Int(f as i64);
            }
            return Key::Float(f.to_bits());
        }
        if let Ok(c) = r.as_char() {
            return Key::Str(c.to_string().into());
        }
        if let Some(a) = r.read_lock::<rhai::Array>() {
            return Key::Tuple(a.iter().map(Key::of).collect());
        }
        Key::Other(r.to_string())
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
