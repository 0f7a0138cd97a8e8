//! FNV-1a, 64 bit: the one stable hash of the crate, for what must come out the
//! same on every run and machine (stamp keys, subset tags, document IDs). Not
//! for security, nor for hash maps.

/// An FNV-1a hasher.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv::new()
    }
}

impl Fnv {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;

    pub const fn new() -> Fnv {
        Fnv(Self::OFFSET)
    }

    /// A second, independent stream of the same input (for a 128-bit ID).
    pub const fn with_seed(seed: u64) -> Fnv {
        Fnv(Self::OFFSET ^ seed)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(Self::PRIME);
        }
    }

    /// `bytes` and a separator, so that consecutive fields cannot run into
    /// each other (`ab`,`c` and `a`,`bc` hash differently).
    pub fn write_field(&mut self, bytes: &[u8]) {
        self.write(bytes);
        self.write(&[0xff]);
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Fnv;

    #[test]
    fn known_values_and_separated_fields() {
        // FNV-1a 64 of "a" (the reference value).
        let mut h = Fnv::new();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
        let field = |parts: &[&[u8]]| {
            let mut h = Fnv::new();
            parts.iter().for_each(|p| h.write_field(p));
            h.finish()
        };
        assert_ne!(field(&[b"ab", b"c"]), field(&[b"a", b"bc"]));
    }
}
