//! Just enough of the JVM's randomness to place records where Spark does: Spark's
//! `XORShiftRandom` (seeded through Scala's MurmurHash3) and `java.util.Random.nextInt(bound)`,
//! used by `repartition`'s shuffle.

/// Scala's `MurmurHash3.bytesHash(data, seed)`.
fn murmur3_bytes(data: &[u8], seed: u32) -> u32 {
    fn mix_last(h: u32, k: u32) -> u32 {
        let k = k
            .wrapping_mul(0xcc9e_2d51)
            .rotate_left(15)
            .wrapping_mul(0x1b87_3593);
        h ^ k
    }
    fn mix(h: u32, k: u32) -> u32 {
        mix_last(h, k)
            .rotate_left(13)
            .wrapping_mul(5)
            .wrapping_add(0xe654_6b64)
    }
    let mut h = seed;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        h = mix(h, u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, b) in tail.iter().enumerate() {
            k ^= u32::from(*b) << (8 * i);
        }
        h = mix_last(h, k);
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Spark's `XORShiftRandom`.
pub struct XorShiftRandom {
    seed: u64,
}

impl XorShiftRandom {
    pub fn new(init: i64) -> XorShiftRandom {
        // XORShiftRandom.hashSeed: MurmurHash3 of the big-endian bytes, twice.
        let bytes = init.to_be_bytes();
        let low = murmur3_bytes(&bytes, 0x3c07_4a61);
        let high = murmur3_bytes(&bytes, low);
        XorShiftRandom {
            seed: (u64::from(high) << 32) | u64::from(low),
        }
    }

    fn next(&mut self, bits: u32) -> i32 {
        let mut s = self.seed ^ (self.seed << 21);
        s ^= s >> 35;
        s ^= s << 4;
        self.seed = s;
        (s & ((1u64 << bits) - 1)) as i32
    }

    /// `java.util.Random.nextInt(bound)`.
    pub fn next_int(&mut self, bound: i32) -> i32 {
        let bound = bound.max(1);
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_positions_match_sparks_repartition() {
        // Measured on PySpark 4.3.0: repartition(5) of 2 partitions sends both to partition 4,
        // repartition(2) of 5 partitions sends partitions 0,1 to 1 and 2,3,4 to 0.
        let start = |i: i64, n: i32| XorShiftRandom::new(i).next_int(n);
        assert_eq!((start(0, 5) + 1) % 5, 4);
        assert_eq!((start(1, 5) + 1) % 5, 4);
        let to: Vec<i32> = (0..5).map(|i| (start(i, 2) + 1) % 2).collect();
        assert_eq!(to, vec![1, 1, 0, 0, 0]);
    }
}
