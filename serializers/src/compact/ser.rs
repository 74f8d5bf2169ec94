//! The compact encoder.

use crate::compiled::encode_generic_compiled;
use crate::decode_support::{WriteDepth, instants_whole_when_encoding, write_depth_methods};
use crate::varint;
use typeinfo::codec::{encode_slice_by_element, uniform_bytes};
use typeinfo::factory::Factories;
use typeinfo::{Encode, EncodeError, Encoder};

/// No flag byte is open.
const CLOSED: u8 = 8;

/// Writes values in the compact format into a vector (flag bytes are patched in place).
#[derive(Debug)]
pub struct CompactEncoder<'a> {
    out: &'a mut Vec<u8>,
    factories: &'a Factories,
    depth: WriteDepth,
    /// Where the open flag byte is, and how many of its bits are used (`CLOSED` = none open).
    flags_at: usize,
    flags_used: u8,
}

impl<'a> CompactEncoder<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        CompactEncoder::with_factories(out, Factories::none())
    }

    /// An encoder whose generic fields are written by `factories` where they have one.
    pub fn with_factories(out: &'a mut Vec<u8>, factories: &'a Factories) -> Self {
        CompactEncoder {
            out,
            factories,
            depth: WriteDepth::default(),
            flags_at: 0,
            flags_used: CLOSED,
        }
    }

    /// The same, refusing values nested deeper than `max_depth` (a reader's limit; the
    /// default's otherwise).
    pub fn with_max_depth(self, max_depth: u32) -> Self {
        CompactEncoder {
            depth: WriteDepth::new(max_depth),
            ..self
        }
    }

    /// Packs one flag: the first of eight opens a byte at the current position, the rest
    /// take its next bits, low bit first.
    #[inline]
    fn flag(&mut self, set: bool) {
        if self.flags_used == CLOSED {
            self.flags_at = self.out.len();
            self.out.push(0);
            self.flags_used = 0;
        }
        self.out[self.flags_at] |= u8::from(set) << self.flags_used;
        self.flags_used += 1;
    }

    #[inline]
    fn unsigned(&mut self, v: impl Into<u64>) -> Result<(), EncodeError> {
        varint::write(self.out, v.into());
        Ok(())
    }

    #[inline]
    fn signed(&mut self, v: impl Into<i64>) -> Result<(), EncodeError> {
        varint::write(self.out, varint::zigzag64(v.into()));
        Ok(())
    }
}

impl Encoder for CompactEncoder<'_> {
    write_depth_methods!(depth);
    instants_whole_when_encoding!();

    /// Equal values have equal bytes, hash maps and sets included.
    #[inline]
    fn canonical_order(&self) -> bool {
        true
    }

    encode_generic_compiled!(|compiled, encoder, value| Some((compiled.compact_encode)(
        value, encoder
    )));

    #[inline]
    fn encode_bool(&mut self, v: bool) -> Result<(), EncodeError> {
        self.flag(v);
        Ok(())
    }

    #[inline]
    fn encode_u8(&mut self, v: u8) -> Result<(), EncodeError> {
        self.out.push(v);
        Ok(())
    }

    #[inline]
    fn encode_i8(&mut self, v: i8) -> Result<(), EncodeError> {
        self.out.push(v as u8);
        Ok(())
    }

    #[inline]
    fn encode_u16(&mut self, v: u16) -> Result<(), EncodeError> {
        self.unsigned(v)
    }

    #[inline]
    fn encode_u32(&mut self, v: u32) -> Result<(), EncodeError> {
        self.unsigned(v)
    }

    #[inline]
    fn encode_u64(&mut self, v: u64) -> Result<(), EncodeError> {
        self.unsigned(v)
    }

    #[inline]
    fn encode_u128(&mut self, v: u128) -> Result<(), EncodeError> {
        varint::write_u128(self.out, v);
        Ok(())
    }

    #[inline]
    fn encode_i16(&mut self, v: i16) -> Result<(), EncodeError> {
        self.signed(v)
    }

    #[inline]
    fn encode_i32(&mut self, v: i32) -> Result<(), EncodeError> {
        self.signed(v)
    }

    #[inline]
    fn encode_i64(&mut self, v: i64) -> Result<(), EncodeError> {
        self.signed(v)
    }

    #[inline]
    fn encode_i128(&mut self, v: i128) -> Result<(), EncodeError> {
        varint::write_u128(self.out, varint::zigzag(v));
        Ok(())
    }

    #[inline]
    fn encode_f32(&mut self, v: f32) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    #[inline]
    fn encode_f64(&mut self, v: f64) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    #[inline]
    fn encode_char(&mut self, v: char) -> Result<(), EncodeError> {
        self.unsigned(u32::from(v))
    }

    #[inline]
    fn encode_str(&mut self, v: &str) -> Result<(), EncodeError> {
        self.encode_bytes(v.as_bytes())
    }

    #[inline]
    fn encode_bytes(&mut self, v: &[u8]) -> Result<(), EncodeError> {
        self.unsigned(v.len() as u64)?;
        self.out.extend_from_slice(v);
        Ok(())
    }

    #[inline]
    fn encode_option_tag(&mut self, present: bool) -> Result<(), EncodeError> {
        self.flag(present);
        Ok(())
    }

    #[inline]
    fn encode_seq_len(&mut self, len: usize) -> Result<(), EncodeError> {
        self.unsigned(len as u64)
    }

    #[inline]
    fn encode_variant(&mut self, index: u32) -> Result<(), EncodeError> {
        self.unsigned(index)
    }

    /// Slices of floats and bytes (vertices, a hash) are their memory: the length, then
    /// one copy.
    #[inline]
    fn encode_slice<T: Encode>(&mut self, items: &[T]) -> Result<(), EncodeError> {
        match uniform_bytes(items) {
            Some(bytes) => {
                self.unsigned(items.len() as u64)?;
                self.out.extend_from_slice(bytes);
                Ok(())
            }
            None => encode_slice_by_element(self, items),
        }
    }

    /// Arrays of floats and bytes (an IPv4 address, a vertex) are copied whole.
    #[inline]
    fn encode_array<T: Encode>(&mut self, items: &[T]) -> Result<(), EncodeError> {
        match uniform_bytes(items) {
            Some(bytes) => {
                self.out.extend_from_slice(bytes);
                Ok(())
            }
            None => items.iter().try_for_each(|item| item.encode(self)),
        }
    }
}
