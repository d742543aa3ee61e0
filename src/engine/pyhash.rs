//! PySpark's `portable_hash`, bit-for-bit as a PySpark worker computes it
//! (CPython 3.11, `PYTHONHASHSEED=0`).
//!
//! `partitionBy`, `reduceByKey`, `groupByKey`, joins … place a key in
//! partition `portable_hash(key) % numPartitions`. Reproducing the exact
//! hash keeps partition contents (and therefore output order) identical to
//! PySpark's.

use std::hash::Hasher;

use rhai::Dynamic;
use siphasher::sip::SipHasher13;

use super::record::{RecordView, view};

/// `_PyHASH_MODULUS` = 2^61 - 1 (a Mersenne prime).
const MODULUS: u64 = (1 << 61) - 1;
/// `_PyHASH_BITS`.
const HASH_BITS: u32 = 61;
/// `_PyHASH_INF`.
const HASH_INF: i64 = 314_159;
/// `sys.maxsize` as a mask.
const MAXSIZE: u64 = i64::MAX as u64;

/// Python's `portable_hash(v)` for a record (or key) value.
pub fn portable_hash(v: &Dynamic) -> i64 {
    match view(v) {
        RecordView::None => 0,
        RecordView::Bool(b) => i64::from(b),
        RecordView::Int(n) => hash_int(n),
        RecordView::Float(f) => hash_float(f),
        RecordView::Char(c) => hash_str(c.encode_utf8(&mut [0; 4])),
        RecordView::Str(s) => hash_str(s.as_str()),
        RecordView::Tuple(a) | RecordView::List(a) => hash_tuple(a.iter()),
        RecordView::Bytes(b) => hash_bytes(&b),
        RecordView::Map(_) | RecordView::Other => hash_str(&v.to_string()),
    }
}

/// Python `portable_hash(v) % num_partitions` (never negative).
/// Returns 0 when `num_partitions` is 0.
pub fn partition_of(v: &Dynamic, num_partitions: usize) -> usize {
    let n = i64::try_from(num_partitions).unwrap_or(i64::MAX);
    if n == 0 {
        return 0;
    }
    // rem_euclid of a positive divisor is in [0, n), so it fits in usize.
    portable_hash(v).rem_euclid(n) as usize
}

/// CPython's `long_hash`: `sign * (|n| mod (2^61 - 1))`, with -1 → -2.
fn hash_int(n: i64) -> i64 {
    let m = (n.unsigned_abs() % MODULUS) as i64;
    fix_minus_one(if n < 0 { -m } else { m })
}

/// CPython's `_Py_HashDouble` (nan hashes to 0 here).
fn hash_float(f: f64) -> i64 {
    if f.is_nan() {
        return 0;
    }
    if f.is_infinite() {
        return if f > 0.0 { HASH_INF } else { -HASH_INF };
    }
    // f = ±mant * 2^exp with mant < 2^53 < MODULUS; multiplying by 2^exp
    // modulo a Mersenne prime is a rotation of the 61-bit value.
    let (mant, exp) = decompose(f.abs());
    let e = exp.rem_euclid(HASH_BITS as i32) as u32;
    let x = ((mant << e) & MODULUS) | (mant >> (HASH_BITS - e));
    let x = x as i64;
    fix_minus_one(if f < 0.0 { -x } else { x })
}

/// Split a finite non-negative float into `(mantissa, exponent)` such that
/// `f == mantissa * 2^exponent`.
fn decompose(f: f64) -> (u64, i32) {
    let bits = f.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    }
}

/// Python `hash(str)`: SipHash-1-3 (zero keys) over the string's PEP 393
/// representation (latin-1, UCS-2 LE or UCS-4 LE).
fn hash_str(s: &str) -> i64 {
    let max = s.chars().map(u32::from).max().unwrap_or(0);
    let bytes: Vec<u8> = if max < 0x100 {
        s.chars().map(|c| u32::from(c) as u8).collect()
    } else if max < 0x1_0000 {
        s.chars()
            .flat_map(|c| (u32::from(c) as u16).to_le_bytes())
            .collect()
    } else {
        s.chars().flat_map(|c| u32::from(c).to_le_bytes()).collect()
    };
    hash_bytes(&bytes)
}

/// CPython's `_Py_HashBytes` with the SipHash-1-3 algorithm and zero keys.
fn hash_bytes(bytes: &[u8]) -> i64 {
    if bytes.is_empty() {
        return 0;
    }
    let mut h = SipHasher13::new_with_keys(0, 0);
    h.write(bytes);
    fix_minus_one(h.finish() as i64)
}

/// PySpark's tuple rule. Python ints are unbounded, but only the low 63
/// bits survive `& sys.maxsize`, and those only depend on the low 64 bits
/// of the two's-complement operands — so wrapping u64 arithmetic is exact.
fn hash_tuple<'a>(items: impl ExactSizeIterator<Item = &'a Dynamic>) -> i64 {
    let len = items.len() as u64;
    let mut h: u64 = 0x345678;
    for item in items {
        h ^= portable_hash(item) as u64;
        h = h.wrapping_mul(1_000_003) & MAXSIZE;
    }
    h ^= len;
    fix_minus_one(h as i64)
}

fn fix_minus_one(h: i64) -> i64 {
    if h == -1 { -2 } else { h }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_values::{f, i, s, t};

    #[test]
    fn strings_match_python() {
        let cases: &[(&str, i64)] = &[
            ("", 0),
            ("a", 4644417185603328019),
            ("Web", -427297060231186628),
            ("Store", 4111560235518236873),
            ("Mobile", 5587328698460497862),
            ("hello world", -5642461784034726774),
            ("é", 6047309291227476195),
            ("café", 137524001917817222),
            ("ÿ", 3476900567878811119),
            ("Ā", 75343234424780393),
            ("€", -5529981157763016009),
            ("日本", 6243316497235261705),
            ("a€", 5181483246891551849),
            ("😀", -3536540696076613844),
            ("a😀", -6970120874385731343),
            ("日本😀", -2966531826703198576),
            ("\0", 7541581120933061747),
        ];
        for (x, want) in cases {
            assert_eq!(portable_hash(&s(x)), *want, "{x:?}");
        }
        assert_eq!(portable_hash(&s(&"x".repeat(100))), 1359644457043326220);
    }

    #[test]
    fn chars_hash_like_one_char_strings() {
        assert_eq!(portable_hash(&Dynamic::from_char('a')), 4644417185603328019);
        assert_eq!(
            portable_hash(&Dynamic::from_char('€')),
            -5529981157763016009
        );
        assert_eq!(
            portable_hash(&Dynamic::from_char('😀')),
            -3536540696076613844
        );
    }

    #[test]
    fn ints_match_python() {
        let m = (1i64 << 61) - 1;
        let cases: &[(i64, i64)] = &[
            (0, 0),
            (1, 1),
            (-1, -2),
            (-2, -2),
            (2, 2),
            (42, 42),
            (-42, -42),
            (m, 0),
            (m + 1, 1),
            (m - 1, m - 1),
            (-m, 0),
            (-m - 1, -2),
            (m + 6, 6),
            (1 << 62, 2),
            (i64::MAX, 3),
            (i64::MIN, -4),
            (20190101, 20190101),
        ];
        for (x, want) in cases {
            assert_eq!(portable_hash(&i(*x)), *want, "{x}");
        }
    }

    #[test]
    fn floats_match_python() {
        let cases: &[(f64, i64)] = &[
            (0.5, 1152921504606846976),
            (-2.75, -1729382256910270466),
            (1e300, 1224995262755759164),
            (1.0, 1),
            (-1.0, -2),
            (0.0, 0),
            (-0.0, 0),
            (f64::INFINITY, 314159),
            (f64::NEG_INFINITY, -314159),
            (f64::NAN, 0),
            (1e-300, 482449582752280463),
            (1234.5678, 1309257660631614674),
            (-0.1, -230584300921369408),
            (2f64.powi(61), 1),
            (2f64.powi(62), 2),
            (123456.789, 1819310134279660096),
            (5e-324, 16777216),
            (f64::MAX, 2234066890152476671),
            (2f64.powi(100), 549755813888),
            (-1.5, -1152921504606846977),
            (1e16, 10000000000000000),
        ];
        for (x, want) in cases {
            assert_eq!(portable_hash(&f(*x)), *want, "{x}");
        }
    }

    #[test]
    fn integral_floats_hash_like_ints() {
        for n in [0i64, 1, -1, 7, -7, 1 << 40, -(1 << 52), 20190101] {
            assert_eq!(portable_hash(&f(n as f64)), portable_hash(&i(n)));
        }
    }

    #[test]
    fn none_and_bools() {
        assert_eq!(portable_hash(&Dynamic::UNIT), 0);
        assert_eq!(portable_hash(&Dynamic::TRUE), 1);
        assert_eq!(portable_hash(&Dynamic::FALSE), 0);
    }

    #[test]
    fn tuples_match_pyspark() {
        let u = Dynamic::UNIT;
        let cases: Vec<(Dynamic, i64)> = vec![
            (t(vec![s("Web"), i(4)]), 8761989081108641882),
            (t(vec![t(vec![i(20190101), s("Web")])]), 4805152535704535520),
            (t(vec![]), 3430008),
            (t(vec![i(1)]), 3430019290026),
            (t(vec![i(-1)]), 9223368606834485779),
            (t(vec![i(-2), i(-3)]), 3430030580091870095),
            (
                t(vec![s("a"), t(vec![s("b"), t(vec![i(1), f(2.5)])])]),
                2790194397993921076,
            ),
            (t(vec![u.clone()]), 3430018290025),
            (t(vec![u.clone(), u, Dynamic::TRUE]), 5160238872008252136),
            (t(vec![s("Store"), i(-7)]), 1995621719144796028),
            (t(vec![i(i64::MAX), i(i64::MIN)]), 5793340456755905701),
            (t(vec![t(vec![]), t(vec![])]), 3430018290026),
            (t((1..=5).map(i).collect()), 9213574847282269254),
            (
                t(vec![Dynamic::FALSE, s("x"), f(-1.5)]),
                1383760654904208921,
            ),
        ];
        for (x, want) in cases {
            assert_eq!(portable_hash(&x), want, "{x:?}");
        }
    }

    #[test]
    fn partition_is_python_modulo() {
        // hash('Web') = -427297060231186628; Python: % 4 == 0, % 7 == 0.
        assert_eq!(partition_of(&s("Web"), 4), 0);
        assert_eq!(partition_of(&s("Web"), 7), 0);
        // hash('Store') = 4111560235518236873; % 4 == 1, % 7 == 1.
        assert_eq!(partition_of(&s("Store"), 4), 1);
        assert_eq!(partition_of(&s("Store"), 7), 1);
        assert_eq!(partition_of(&i(-1), 3), 1);
        assert_eq!(partition_of(&i(5), 1), 0);
        assert_eq!(partition_of(&i(5), 0), 0);
    }
}
