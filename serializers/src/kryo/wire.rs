//! Kryo 2.x's primitive encodings, byte for byte: varints, strings, fixed big-endian
//! numbers. Everything else in the format is built from these.

use crate::varint;
use typeinfo::DecodeError;

/// The first byte of an empty string (the UTF-8 flag and a length of 1).
pub const EMPTY_STRING: u8 = 0x81;

/// Kryo's `writeInt(v, true)` / `writeVarInt(v, true)`: plain LEB128, at most 5 bytes.
#[inline]
pub fn write_var_u32(out: &mut Vec<u8>, v: u32) {
    // The shared writer inlines the common one-byte case (class ids, small lengths).
    varint::write(out, u64::from(v));
}

/// Kryo's `writeInt(v, false)`: zigzag, then [`write_var_u32`].
#[inline]
pub fn write_var_i32(out: &mut Vec<u8>, v: i32) {
    write_var_u32(out, ((v << 1) ^ (v >> 31)) as u32);
}

/// Kryo's `writeLong(v, true)`: 7 bits per byte for eight bytes, then a ninth byte that
/// carries the last 8 bits whole, so 64 bits fit in 9 bytes (LEB128 needs 10).
#[inline]
pub fn write_var_u64(out: &mut Vec<u8>, mut v: u64) {
    out.reserve(9);
    for _ in 0..8 {
        if v < 0x80 {
            out.push(v as u8);
            return;
        }
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Kryo's `writeLong(v, false)`: zigzag, then [`write_var_u64`].
#[inline]
pub fn write_var_i64(out: &mut Vec<u8>, v: i64) {
    write_var_u64(out, varint::zigzag64(v));
}

/// The bytes of a Kryo string, for a present value.
///
/// ASCII of 2 to 63 characters is written raw with the high bit set on the last byte; any
/// other string as a flagged length of UTF-16 units + 1, then each unit in 1 to 3 bytes (so a
/// character outside the BMP becomes two 3-byte surrogates, as Java writes it). A string that
/// starts with NUL takes the second form, so no present string starts with a 0 byte: the
/// format uses a leading 0 for `None` (Kryo itself writes such a string raw; its reader reads
/// both forms).
#[inline(always)]
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if (2..64).contains(&bytes.len()) && bytes[0] != 0 && is_short_ascii(bytes) {
        // The last byte is written marked, not patched after the copy: a patch reads back
        // what the copy has just stored, and that load waits for the store.
        let (last, head) = bytes.split_last().expect("two bytes or more");
        out.reserve(bytes.len());
        out.extend_from_slice(head);
        out.push(last | 0x80);
    } else if bytes.is_empty() {
        out.push(EMPTY_STRING);
    } else {
        write_utf8(out, s);
    }
}

/// Whether `bytes` (2 to 63 of them) are ASCII: the bytes ORed a word at a time, the last
/// word overlapping the one before, without an early exit (a loop that can stop at each
/// byte mispredicts on the lengths of short strings).
#[inline]
fn is_short_ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let n = bytes.len();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let any = if n >= 8 {
        bytes.chunks_exact(8).fold(word(n - 8), |a, c| {
            a | u64::from_le_bytes(c.try_into().expect("8 bytes"))
        })
    } else if n >= 4 {
        u64::from(half(0) | half(n - 4))
    } else {
        u64::from(bytes[0] | bytes[1] | bytes[n - 1])
    };
    any & HIGH == 0
}

/// Out of line, so that the ASCII path inlines where strings are written.
#[inline(never)]
fn write_utf8(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // UTF-16 units: one per UTF-8 lead byte, two for each 4-byte sequence.
    let units: usize = bytes
        .iter()
        .map(|&b| usize::from(b & 0xc0 != 0x80) + usize::from(b >= 0xf0))
        .sum();
    write_utf8_length(out, units as u64 + 1);
    if units == bytes.len() || !bytes.iter().any(|&b| b >= 0xf0) {
        // Within the BMP, Java's 1–3 byte form is UTF-8.
        out.extend_from_slice(bytes);
        return;
    }
    let mut buf = [0u16; 2];
    for c in s.chars() {
        for &unit in c.encode_utf16(&mut buf).iter() {
            push_unit(out, unit);
        }
    }
}

/// One UTF-16 unit in Java's modified UTF-8 (surrogates as 3 bytes each).
fn push_unit(out: &mut Vec<u8>, unit: u16) {
    match unit {
        0..=0x7f => out.push(unit as u8),
        0x80..=0x7ff => {
            out.extend_from_slice(&[0xc0 | (unit >> 6) as u8, 0x80 | (unit & 0x3f) as u8])
        }
        _ => out.extend_from_slice(&[
            0xe0 | (unit >> 12) as u8,
            0x80 | ((unit >> 6) & 0x3f) as u8,
            0x80 | (unit & 0x3f) as u8,
        ]),
    }
}

/// The string length prefix: bit 8 flags UTF-8, bit 7 says more bytes follow, the low 6
/// bits are the lowest bits of the value; later bytes are LEB128 groups.
fn write_utf8_length(out: &mut Vec<u8>, value: u64) {
    let first = (value & 0x3f) as u8 | 0x80;
    let rest = value >> 6;
    if rest == 0 {
        out.push(first);
    } else {
        out.push(first | 0x40);
        varint::write(out, rest);
    }
}

/// Reads from a byte slice with a position; every read is bounds checked.
#[derive(Debug, Clone, Copy)]
pub struct Input<'de> {
    bytes: &'de [u8],
    pos: usize,
}

/// A decoded string: borrowed from the input where its bytes are UTF-8 as they stand.
#[derive(Debug)]
pub enum Str<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Input<'de> {
    pub fn new(bytes: &'de [u8]) -> Self {
        Input { bytes, pos: 0 }
    }

    #[inline]
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    #[inline]
    pub fn peek(&self) -> Result<u8, DecodeError> {
        self.bytes
            .get(self.pos)
            .copied()
            .ok_or(DecodeError::UnexpectedEnd {
                needed: 1,
                available: 0,
            })
    }

    #[inline]
    pub fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = self.peek()?;
        self.pos += 1;
        Ok(b)
    }

    #[inline]
    pub fn take(&mut self, n: usize) -> Result<&'de [u8], DecodeError> {
        let available = self.remaining();
        if n > available {
            return Err(DecodeError::UnexpectedEnd {
                needed: n,
                available,
            });
        }
        let slice = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    #[inline]
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let slice = self.take(N)?;
        Ok(slice.try_into().expect("take returned N bytes"))
    }

    #[inline]
    pub fn var_u32(&mut self, type_name: &'static str) -> Result<u32, DecodeError> {
        let mut slice = &self.bytes[self.pos..];
        let v = varint::read(&mut slice, 32, type_name)?;
        self.pos = self.bytes.len() - slice.len();
        Ok(v as u32)
    }

    #[inline]
    pub fn var_i32(&mut self) -> Result<i32, DecodeError> {
        let v = self.var_u32("int")?;
        Ok((v >> 1) as i32 ^ -((v & 1) as i32))
    }

    /// [`write_var_u64`]'s form; a redundant zero last group is refused.
    pub fn var_u64(&mut self, type_name: &'static str) -> Result<u64, DecodeError> {
        let mut value = 0u64;
        for i in 0..8 {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                if b == 0 && i > 0 {
                    return Err(DecodeError::InvalidVarint { type_name });
                }
                return Ok(value);
            }
        }
        let last = self.byte()?;
        if last == 0 {
            return Err(DecodeError::InvalidVarint { type_name });
        }
        Ok(value | u64::from(last) << 56)
    }

    #[inline]
    pub fn var_i64(&mut self) -> Result<i64, DecodeError> {
        let v = self.var_u64("long")?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// A string, or `None` for Kryo's null string.
    pub fn string(&mut self) -> Result<Option<Str<'de>>, DecodeError> {
        if self.peek()? & 0x80 == 0 {
            return self.ascii().map(Some);
        }
        let units = self.utf8_length()?;
        match units {
            0 => Ok(None),
            1 => Ok(Some(Str::Borrowed(""))),
            n => self.utf8(n - 1).map(Some),
        }
    }

    /// Bytes up to and including the first with its high bit set.
    fn ascii(&mut self) -> Result<Str<'de>, DecodeError> {
        let rest = &self.bytes[self.pos..];
        let end = rest
            .iter()
            .position(|&b| b & 0x80 != 0)
            .ok_or(DecodeError::UnexpectedEnd {
                needed: rest.len() + 1,
                available: rest.len(),
            })?;
        let raw = self.take(end + 1)?;
        let mut s = String::with_capacity(raw.len());
        // All bytes are below 0x80 once the flag is cleared: ASCII, so UTF-8.
        s.extend(raw[..end].iter().map(|&b| b as char));
        s.push((raw[end] & 0x7f) as char);
        Ok(Str::Owned(s))
    }

    fn utf8_length(&mut self) -> Result<u64, DecodeError> {
        let first = self.byte()?;
        let low = u64::from(first & 0x3f);
        if first & 0x40 == 0 {
            return Ok(low);
        }
        let mut slice = &self.bytes[self.pos..];
        let rest = varint::read(&mut slice, 26, "string length")?;
        self.pos = self.bytes.len() - slice.len();
        Ok(low | (rest as u64) << 6)
    }

    /// `units` UTF-16 units in Java's modified UTF-8.
    fn utf8(&mut self, units: u64) -> Result<Str<'de>, DecodeError> {
        let rest = &self.bytes[self.pos..];
        // Each unit takes at least a byte: a longer claim cannot be met.
        if units > rest.len() as u64 {
            return Err(DecodeError::UnexpectedEnd {
                needed: usize::try_from(units).unwrap_or(usize::MAX),
                available: rest.len(),
            });
        }
        let mut end = 0;
        for _ in 0..units {
            let lead = *rest.get(end).ok_or(DecodeError::UnexpectedEnd {
                needed: end + 1,
                available: rest.len(),
            })?;
            end += match lead >> 4 {
                0..=7 => 1,
                12 | 13 => 2,
                14 => 3,
                _ => return Err(DecodeError::InvalidUtf8 { valid_up_to: end }),
            };
        }
        let raw = self.take(end)?;
        // Within the BMP the bytes are UTF-8; surrogates (non-BMP characters) are not.
        if let Ok(s) = core::str::from_utf8(raw) {
            return Ok(Str::Borrowed(s));
        }
        decode_modified_utf8(raw).map(Str::Owned)
    }
}

/// Units of 1–3 bytes (continuation bytes checked), surrogates paired up.
fn decode_modified_utf8(raw: &[u8]) -> Result<String, DecodeError> {
    let mut units = Vec::with_capacity(raw.len());
    let mut i = 0;
    let cont = |i: usize| match raw.get(i) {
        Some(&b) if b & 0xc0 == 0x80 => Ok(u16::from(b & 0x3f)),
        _ => Err(DecodeError::InvalidUtf8 { valid_up_to: i }),
    };
    while i < raw.len() {
        let lead = u16::from(raw[i]);
        let (unit, len) = match lead >> 4 {
            0..=7 => (lead, 1),
            12 | 13 => ((lead & 0x1f) << 6 | cont(i + 1)?, 2),
            _ => ((lead & 0x0f) << 12 | cont(i + 1)? << 6 | cont(i + 2)?, 3),
        };
        units.push(unit);
        i += len;
    }
    String::from_utf16(&units).map_err(|_| DecodeError::InvalidUtf8 { valid_up_to: 0 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn string(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        write_str(&mut out, s);
        out
    }

    fn read(bytes: &[u8]) -> Option<String> {
        let mut input = Input::new(bytes);
        let s = input.string().unwrap().map(|s| match s {
            Str::Borrowed(s) => s.to_owned(),
            Str::Owned(s) => s,
        });
        assert_eq!(input.remaining(), 0);
        s
    }

    /// Bytes Kryo 2.20 wrote (`Output.writeString`, `writeLong(v, true)`).
    #[test]
    fn kryo_2_20_bytes() {
        assert_eq!(string("abc"), [0x61, 0x62, 0xe3]);
        assert_eq!(string("a"), [0x82, 0x61]);
        assert_eq!(string(""), [0x81]);
        assert_eq!(string("é"), [0x82, 0xc3, 0xa9]);
        assert_eq!(string("😀"), [0x83, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
        let mut out = Vec::new();
        write_var_u64(&mut out, u64::MAX);
        assert_eq!(out, [0xff; 9]);
        let mut out = Vec::new();
        write_var_i64(&mut out, 300);
        write_var_i32(&mut out, -1);
        assert_eq!(out, [0xd8, 0x04, 0x01]);
        // What Kryo writes for a string that starts with NUL, and for null: both read.
        assert_eq!(read(&[0x00, 0xe1]).as_deref(), Some("\0a"));
        assert_eq!(read(&[0x80]), None);
        assert_eq!(
            read(&[0x83, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]).as_deref(),
            Some("😀")
        );
    }

    #[test]
    fn long_lengths_and_strings() {
        let long = "x".repeat(64);
        let bytes = string(&long);
        assert_eq!(&bytes[..2], [0xc1, 0x01]);
        assert_eq!(read(&bytes), Some(long));
        assert_eq!(string("\0a")[0], 0x83);
    }

    /// The word-wise ASCII test finds a high bit at every position of every length.
    #[test]
    fn short_ascii_test_sees_every_byte() {
        for len in 2..64 {
            let mut bytes = vec![b'a'; len];
            assert!(is_short_ascii(&bytes), "{len}");
            for at in 0..len {
                bytes[at] = 0xc3;
                assert!(!is_short_ascii(&bytes), "{len}, high bit at {at}");
                bytes[at] = b'a';
            }
        }
    }

    #[test]
    fn hostile_strings() {
        // A lone surrogate, a 4-byte UTF-8 lead, a bad continuation byte, a huge claim.
        for bad in [
            &[0x82, 0xed, 0xa0, 0xbd][..],
            &[0x82, 0xf0, 0x9f, 0x98, 0x80],
            &[0x82, 0xc3, 0x29],
            &[0xff, 0xff, 0xff, 0xff, 0x7f],
            &[0x61, 0x62],
        ] {
            assert!(Input::new(bad).string().is_err(), "{bad:02x?}");
        }
    }

    proptest! {
        #[test]
        fn round_trips(s in any::<String>(), v in any::<u64>(), i in any::<i32>()) {
            prop_assert_eq!(read(&string(&s)), Some(s));
            let mut out = Vec::new();
            write_var_u64(&mut out, v);
            write_var_i32(&mut out, i);
            let mut input = Input::new(&out);
            prop_assert_eq!(input.var_u64("long"), Ok(v));
            prop_assert_eq!(input.var_i32(), Ok(i));
        }
    }
}
