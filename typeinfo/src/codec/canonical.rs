//! One order for the entries of hash maps and hash sets, whose iteration order means
//! nothing, so that a format that promises equal values equal bytes can keep the promise
//! ([`Encoder::canonical_order`]).
//!
//! The order is that of each key's *order key*: its bytes in a format of this module that
//! no value of the type shares with another and that compares as the value does for the
//! common key types (integers, `char`s, strings and byte strings, `bool`, and tuples and
//! structs of them, field by field). It is independent of the format, so that every path
//! of one format (generated code, factories behind a trait object) agrees on it.
//!
//! - Unsigned integers are big-endian; signed ones too, with the sign bit flipped.
//! - `f32`, `f64`: their bits, big-endian, flipped as for a total order (negative below
//!   positive, `-0.0` below `0.0`).
//! - `bool` and option tags are one byte (0, 1), a `char` its `u32`.
//! - Strings and byte strings are their bytes with each `0x00` written `0x00 0xFF`, then
//!   `0x00 0x00`: a string sorts before every longer string it begins.
//! - Lengths and variant indexes are big-endian `u64` and `u32`.
//! - An instant is its seconds and nanoseconds (as signed and unsigned integers above).

use super::{Encode, Encoder, epoch};
use crate::error::{DecodeError, EncodeError, EncodeErrorKind};

/// Writes a value's order key.
struct OrderKeyEncoder<'a> {
    out: &'a mut Vec<u8>,
}

impl OrderKeyEncoder<'_> {
    fn bytes(&mut self, v: &[u8]) -> Result<(), EncodeError> {
        if !v.contains(&0) {
            self.out.extend_from_slice(v);
            self.out.extend_from_slice(&[0, 0]);
            return Ok(());
        }
        for chunk in v.split_inclusive(|&b| b == 0) {
            self.out.extend_from_slice(chunk);
            if chunk.last() == Some(&0) {
                self.out.push(0xFF);
            }
        }
        self.out.extend_from_slice(&[0, 0]);
        Ok(())
    }

    fn put<const N: usize>(&mut self, bytes: [u8; N]) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&bytes);
        Ok(())
    }
}

/// The order key bytes of a signed integer: its bits with the sign flipped, big-endian.
macro_rules! signed {
    ($v:expr, $unsigned:ty) => {
        ($v as $unsigned ^ (1 << (<$unsigned>::BITS - 1))).to_be_bytes()
    };
}

/// The order key bytes of a float's bits: negative ones inverted, positive ones with the
/// sign set, so that they compare as the numbers do.
macro_rules! float {
    ($bits:expr, $unsigned:ty) => {{
        let bits: $unsigned = $bits;
        let sign = 1 << (<$unsigned>::BITS - 1);
        (if bits & sign == 0 { bits | sign } else { !bits }).to_be_bytes()
    }};
}

impl Encoder for OrderKeyEncoder<'_> {
    fn encode_bool(&mut self, v: bool) -> Result<(), EncodeError> {
        self.put([u8::from(v)])
    }
    fn encode_u8(&mut self, v: u8) -> Result<(), EncodeError> {
        self.put([v])
    }
    fn encode_u16(&mut self, v: u16) -> Result<(), EncodeError> {
        self.put(v.to_be_bytes())
    }
    fn encode_u32(&mut self, v: u32) -> Result<(), EncodeError> {
        self.put(v.to_be_bytes())
    }
    fn encode_u64(&mut self, v: u64) -> Result<(), EncodeError> {
        self.put(v.to_be_bytes())
    }
    fn encode_u128(&mut self, v: u128) -> Result<(), EncodeError> {
        self.put(v.to_be_bytes())
    }
    fn encode_i8(&mut self, v: i8) -> Result<(), EncodeError> {
        self.put(signed!(v, u8))
    }
    fn encode_i16(&mut self, v: i16) -> Result<(), EncodeError> {
        self.put(signed!(v, u16))
    }
    fn encode_i32(&mut self, v: i32) -> Result<(), EncodeError> {
        self.put(signed!(v, u32))
    }
    fn encode_i64(&mut self, v: i64) -> Result<(), EncodeError> {
        self.put(signed!(v, u64))
    }
    fn encode_i128(&mut self, v: i128) -> Result<(), EncodeError> {
        self.put(signed!(v, u128))
    }
    fn encode_f32(&mut self, v: f32) -> Result<(), EncodeError> {
        self.put(float!(v.to_bits(), u32))
    }
    fn encode_f64(&mut self, v: f64) -> Result<(), EncodeError> {
        self.put(float!(v.to_bits(), u64))
    }
    fn encode_char(&mut self, v: char) -> Result<(), EncodeError> {
        self.put(u32::from(v).to_be_bytes())
    }
    fn encode_str(&mut self, v: &str) -> Result<(), EncodeError> {
        self.bytes(v.as_bytes())
    }
    fn encode_bytes(&mut self, v: &[u8]) -> Result<(), EncodeError> {
        self.bytes(v)
    }
    fn encode_option_tag(&mut self, present: bool) -> Result<(), EncodeError> {
        self.encode_bool(present)
    }
    fn encode_seq_len(&mut self, len: usize) -> Result<(), EncodeError> {
        self.put((len as u64).to_be_bytes())
    }
    fn encode_variant(&mut self, index: u32) -> Result<(), EncodeError> {
        self.put(index.to_be_bytes())
    }
    fn encode_instant(
        &mut self,
        instant: epoch::Instant,
        _: &'static crate::error::ValueError,
    ) -> Result<(), EncodeError> {
        epoch::encode_whole(self, instant)
    }
}

/// Appends `value`'s order key to `out`.
fn write_order_key<T: Encode + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    value.encode(&mut OrderKeyEncoder { out })
}

/// `entries`, each with its key, in the order of the keys' order keys. Two keys with one
/// order key are refused: a reader could not tell them apart (it refuses the second as a
/// repeated key).
pub(crate) fn in_canonical_order<'a, K: Encode + 'a, X>(
    entries: impl ExactSizeIterator<Item = (&'a K, X)>,
    type_name: &'static str,
) -> Result<Vec<X>, EncodeError> {
    if entries.len() < 2 {
        return Ok(entries.map(|(_, entry)| entry).collect());
    }
    // Room for short keys at once: one allocation, not one per doubling.
    let mut keys = Vec::with_capacity(entries.len() * 16);
    let mut ranked = Vec::with_capacity(entries.len());
    for (key, entry) in entries {
        let start = keys.len();
        write_order_key(key, &mut keys)?;
        ranked.push((prefix(&keys[start..]), start..keys.len(), entry));
    }
    // Most keys differ in their first eight bytes (every integer key is whole in them):
    // those compare as one integer, the rest by their bytes.
    let order_key = |r: &core::ops::Range<usize>| &keys[r.clone()];
    ranked.sort_unstable_by(|(pa, a, _), (pb, b, _)| {
        pa.cmp(pb).then_with(|| order_key(a).cmp(order_key(b)))
    });
    if ranked
        .windows(2)
        .any(|pair| pair[0].0 == pair[1].0 && order_key(&pair[0].1) == order_key(&pair[1].1))
    {
        return Err(EncodeErrorKind::IndistinctKeys { type_name }.into());
    }
    Ok(ranked.into_iter().map(|(_, _, entry)| entry).collect())
}

/// An order key's first eight bytes as a big-endian integer, zeros after a shorter key:
/// two keys whose prefixes differ compare as their prefixes do (a key that ends first is
/// padded with zeros, below or equal to any byte the other has there, and when equal the
/// prefixes are equal too).
#[inline]
fn prefix(order_key: &[u8]) -> u64 {
    let mut first = [0u8; 8];
    let n = order_key.len().min(8);
    first[..n].copy_from_slice(&order_key[..n]);
    u64::from_be_bytes(first)
}

/// Checks, while a collection is read, that each key comes after the one before in the
/// canonical order, when the format promises that order ([`Decoder::canonical_order`]);
/// otherwise does nothing and allocates nothing.
///
/// [`Decoder::canonical_order`]: super::Decoder::canonical_order
pub(crate) struct CanonicalOrderCheck {
    on: bool,
    /// Whether a key was checked before (an order key may be empty: `()`).
    started: bool,
    /// The order keys of the key before and of the one being checked.
    previous: Vec<u8>,
    next: Vec<u8>,
}

impl CanonicalOrderCheck {
    #[inline]
    pub(crate) fn new(on: bool) -> Self {
        CanonicalOrderCheck {
            on,
            started: false,
            previous: Vec::new(),
            next: Vec::new(),
        }
    }

    /// Refuses `key` unless it comes after the key checked before it: a key equal to it
    /// is a repeated key, one before it is out of order.
    #[inline]
    pub(crate) fn check<K: Encode>(
        &mut self,
        key: &K,
        type_name: &'static str,
    ) -> Result<(), DecodeError> {
        if self.on {
            self.check_after_previous(key, type_name)?;
        }
        Ok(())
    }

    fn check_after_previous<K: Encode>(
        &mut self,
        key: &K,
        type_name: &'static str,
    ) -> Result<(), DecodeError> {
        self.next.clear();
        write_order_key(key, &mut self.next)
            .map_err(|e| DecodeError::Custom(format!("{type_name} key: {e}").into()))?;
        if self.started {
            match self.next.cmp(&self.previous) {
                core::cmp::Ordering::Greater => {}
                core::cmp::Ordering::Equal => return Err(DecodeError::DuplicateKey { type_name }),
                core::cmp::Ordering::Less => return Err(DecodeError::OutOfOrder { type_name }),
            }
        }
        core::mem::swap(&mut self.previous, &mut self.next);
        self.started = true;
        Ok(())
    }
}
