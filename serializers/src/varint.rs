//! LEB128 varints (7 bits per byte, low group first, high bit = more) and zigzag for signed
//! values: the integer encoding of `compact`, and of Kryo and Avro as they land.
//!
//! Decoding is strict: a varint longer than its type allows, with bits beyond the type, or
//! with a redundant trailing zero group is refused, so every value has exactly one encoding.

use typeinfo::DecodeError;
use typeinfo::io::Reader;

/// Zigzag: 0, -1, 1, -2 … → 0, 1, 2, 3 …, so small magnitudes stay short.
#[inline]
pub fn zigzag(v: i128) -> u128 {
    ((v << 1) ^ (v >> 127)) as u128
}

/// [`zigzag`] in 64 bits, for every signed type but `i128`.
#[inline]
pub fn zigzag64(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

#[inline]
pub fn unzigzag(v: u128) -> i128 {
    ((v >> 1) as i128) ^ -((v & 1) as i128)
}

/// Appends `v` as a varint; at most 10 bytes.
#[inline(always)]
pub fn write(out: &mut Vec<u8>, v: u64) {
    // One byte (most lengths, small numbers) inlines where it is written; a call for it
    // cost more than the write.
    if v < 0x80 {
        out.push(v as u8);
    } else {
        write_multi_byte(out, v);
    }
}

/// Two bytes or more.
#[inline(never)]
fn write_multi_byte(out: &mut Vec<u8>, v: u64) {
    if v < 1 << 56 {
        // Up to eight groups: spread them a byte apart and set the continuation bits of all
        // but the last in one word, so the length costs no branch (a loop mispredicts when
        // lengths vary from record to record). The word is appended whole and cut to length:
        // a fixed-size copy is a few stores and one capacity check.
        let len = (70 - v.leading_zeros() as usize) / 7;
        let word = spread_groups(v) | (CONTINUATIONS & ((1 << (8 * (len - 1))) - 1));
        let start = out.len();
        out.extend_from_slice(&word.to_le_bytes());
        out.truncate(start + len);
    } else {
        write_long(out, v);
    }
}

/// The continuation bit of every byte of a word.
const CONTINUATIONS: u64 = 0x8080_8080_8080_8080;

/// The low 56 bits of `v` in 7-bit groups, one per byte, low group first.
#[inline]
fn spread_groups(v: u64) -> u64 {
    (0..8).fold(0, |word, group| {
        word | (v >> (7 * group) & 0x7f) << (8 * group)
    })
}

/// Nine or ten bytes: values of 2^56 and more.
#[cold]
fn write_long(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&(spread_groups(v) | CONTINUATIONS).to_le_bytes());
    let rest = v >> 56;
    if rest < 0x80 {
        out.push(rest as u8);
    } else {
        out.extend_from_slice(&[rest as u8 | 0x80, (rest >> 7) as u8]);
    }
}

/// Appends `v` as a varint; at most 19 bytes. Values that fit 64 bits take [`write`](fn@write)'s path.
#[inline]
pub fn write_u128(out: &mut Vec<u8>, v: u128) {
    if let Ok(small) = u64::try_from(v) {
        return write(out, small);
    }
    // Rare: a plain 128-bit loop.
    let (mut rest, mut buf, mut len) = (v, [0u8; 19], 0);
    while rest >= 0x80 {
        buf[len] = rest as u8 | 0x80;
        rest >>= 7;
        len += 1;
    }
    buf[len] = rest as u8;
    out.extend_from_slice(&buf[..=len]);
}

/// The bytes `v` takes as a varint: one per 7 significant bits, at least one.
#[inline]
pub fn len(v: u128) -> usize {
    (128 - v.leading_zeros() as usize).max(1).div_ceil(7)
}

/// Reads a varint of at most `bits` significant bits (16, 32, 64 or 128).
#[inline]
pub fn read<R: Reader>(
    reader: &mut R,
    bits: u32,
    type_name: &'static str,
) -> Result<u128, DecodeError> {
    let mut value: u128 = 0;
    let mut shift = 0u32;
    loop {
        let [byte] = reader.read_array::<1>()?;
        let group = u128::from(byte & 0x7f);
        // Bits at or beyond `bits` would be lost: refuse the encoding.
        if shift >= bits || (shift > 0 && group >> (bits - shift).min(127) != 0) {
            return Err(DecodeError::InvalidVarint { type_name });
        }
        value |= group << shift;
        if byte & 0x80 == 0 {
            // A last group of zero after others is a longer spelling of a shorter varint.
            if byte == 0 && shift > 0 {
                return Err(DecodeError::InvalidVarint { type_name });
            }
            return Ok(value);
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn len_is_what_write_writes(v: u128, small: u64) {
            for v in [v, u128::from(small), u128::from(small >> 40), 0, u128::MAX] {
                let mut out = Vec::new();
                write_u128(&mut out, v);
                prop_assert_eq!(len(v), out.len(), "{}", v);
            }
        }
    }

    /// LEB128 group by group, as the spec words it.
    fn by_definition(v: u128) -> Vec<u8> {
        let (mut bytes, mut rest) = (Vec::new(), v);
        loop {
            let group = (rest & 0x7f) as u8;
            rest >>= 7;
            if rest == 0 {
                bytes.push(group);
                return bytes;
            }
            bytes.push(group | 0x80);
        }
    }

    fn encoded(v: u128) -> Vec<u8> {
        let mut out = Vec::new();
        write_u128(&mut out, v);
        out
    }

    #[test]
    fn known_encodings() {
        assert_eq!(encoded(0), [0]);
        assert_eq!(encoded(127), [0x7f]);
        assert_eq!(encoded(300), [0xac, 0x02]);
        assert_eq!(encoded(u32::MAX.into()), [0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(encoded(u128::MAX).len(), 19);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        assert_eq!(zigzag(i128::MIN), u128::MAX);
        assert_eq!(zigzag64(i64::MIN), u64::MAX);
        assert_eq!(
            encoded(1 << 64),
            [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]
        );
    }

    #[test]
    fn strictness() {
        let read32 = |bytes: &[u8]| read(&mut &bytes[..], 32, "u32");
        assert_eq!(read32(&[0xff, 0xff, 0xff, 0xff, 0x0f]), Ok(u32::MAX.into()));
        // 2^32: one bit too many.
        assert_eq!(
            read32(&[0x80, 0x80, 0x80, 0x80, 0x10]),
            Err(DecodeError::InvalidVarint { type_name: "u32" })
        );
        // Six bytes.
        assert!(read32(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).is_err());
        // 0 spelled in two bytes.
        assert_eq!(
            read32(&[0x80, 0x00]),
            Err(DecodeError::InvalidVarint { type_name: "u32" })
        );
        assert!(matches!(
            read32(&[0x80]),
            Err(DecodeError::UnexpectedEnd { .. })
        ));
    }

    proptest! {
        #[test]
        fn round_trips(v in any::<u128>(), s in any::<i128>(), t in any::<i64>()) {
            prop_assert_eq!(read(&mut &encoded(v)[..], 128, "u128"), Ok(v));
            prop_assert_eq!(unzigzag(zigzag(s)), s);
            prop_assert_eq!(u128::from(zigzag64(t)), zigzag(t.into()));
        }

        /// The 64-bit path and a plain group-by-group loop agree on every value.
        #[test]
        fn fast_paths_match_the_definition(v in any::<u128>(), small in any::<u64>()) {
            prop_assert_eq!(encoded(v), by_definition(v));
            prop_assert_eq!(encoded(small.into()), by_definition(small.into()));
        }

        /// Every length of the 64-bit path, at both ends of its range.
        #[test]
        fn every_length_matches_the_definition(bits in 0u32..64, low in any::<bool>()) {
            let v = if low { 1u64 << bits } else { u64::MAX >> (63 - bits) };
            prop_assert_eq!(encoded(v.into()), by_definition(v.into()));
        }

        #[test]
        fn every_u64_has_one_encoding(v in any::<u64>()) {
            let bytes = encoded(v.into());
            prop_assert_eq!(read(&mut &bytes[..], 64, "u64"), Ok(u128::from(v)));
        }
    }
}
