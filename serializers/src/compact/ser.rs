//! The compact encoder.

use crate::compiled::encode_generic_compiled;
use crate::decode_support::{WriteDepth, instants_whole_when_encoding, write_depth_methods};
use crate::varint;
use typeinfo::codec::{encode_slice_by_element, uniform_bytes};
use typeinfo::factory::Factories;
use typeinfo::{Encode, EncodeError, Encoder};

/// No flag byte is open.
const CLOSED: u8 = 8;

/// Where the compact encoder's bytes go: a vector, or a [`ByteCount`] for the size pass.
pub trait CompactSink: Sized {
    /// Bytes written (or counted) so far.
    fn written(&self) -> usize;
    fn push(&mut self, byte: u8);
    fn extend(&mut self, bytes: &[u8]);
    /// Sets `bits` in the byte at `at` (a flag byte pushed earlier).
    fn set_bits(&mut self, at: usize, bits: u8);
    fn varint(&mut self, v: u64);
    fn varint_u128(&mut self, v: u128);
    /// The vector, for a factory's code compiled for encoders over vectors; `None` for a
    /// counter (the factory then runs behind its trait object, writing the same bytes).
    fn as_vec(&mut self) -> Option<&mut Vec<u8>>;
}

impl CompactSink for &mut Vec<u8> {
    #[inline]
    fn written(&self) -> usize {
        self.len()
    }

    #[inline]
    fn push(&mut self, byte: u8) {
        Vec::push(self, byte);
    }

    #[inline]
    fn extend(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    #[inline]
    fn set_bits(&mut self, at: usize, bits: u8) {
        self[at] |= bits;
    }

    #[inline]
    fn varint(&mut self, v: u64) {
        varint::write(self, v);
    }

    #[inline]
    fn varint_u128(&mut self, v: u128) {
        varint::write_u128(self, v);
    }

    #[inline]
    fn as_vec(&mut self) -> Option<&mut Vec<u8>> {
        Some(self)
    }
}

/// Counts the bytes the compact encoder would write: its size pass.
#[derive(Debug, Default)]
pub struct ByteCount(usize);

impl CompactSink for ByteCount {
    #[inline]
    fn written(&self) -> usize {
        self.0
    }

    #[inline]
    fn push(&mut self, _: u8) {
        self.0 += 1;
    }

    #[inline]
    fn extend(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }

    #[inline]
    fn set_bits(&mut self, _: usize, _: u8) {}

    #[inline]
    fn varint(&mut self, v: u64) {
        self.0 += varint::len(v.into());
    }

    #[inline]
    fn varint_u128(&mut self, v: u128) {
        self.0 += varint::len(v);
    }

    #[inline]
    fn as_vec(&mut self) -> Option<&mut Vec<u8>> {
        None
    }
}

/// Writes values in the compact format into a vector (flag bytes are patched in place), or
/// counts them into a [`ByteCount`].
#[derive(Debug)]
pub struct CompactEncoder<'a, S = &'a mut Vec<u8>> {
    out: S,
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
}

impl<'a, S: CompactSink> CompactEncoder<'a, S> {
    /// An encoder whose generic fields are written by `factories` where they have one.
    pub fn with_factories(out: S, factories: &'a Factories) -> Self {
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

    /// The sink, once the value is written.
    pub fn into_sink(self) -> S {
        self.out
    }

    /// Packs one flag: the first of eight opens a byte at the current position, the rest
    /// take its next bits, low bit first.
    #[inline]
    fn flag(&mut self, set: bool) {
        if self.flags_used == CLOSED {
            self.flags_at = self.out.written();
            self.out.push(0);
            self.flags_used = 0;
        }
        self.out
            .set_bits(self.flags_at, u8::from(set) << self.flags_used);
        self.flags_used += 1;
    }

    #[inline]
    fn unsigned(&mut self, v: impl Into<u64>) -> Result<(), EncodeError> {
        self.out.varint(v.into());
        Ok(())
    }

    #[inline]
    fn signed(&mut self, v: impl Into<i64>) -> Result<(), EncodeError> {
        self.out.varint(varint::zigzag64(v.into()));
        Ok(())
    }
}

impl<S: CompactSink> Encoder for CompactEncoder<'_, S> {
    write_depth_methods!(depth);
    instants_whole_when_encoding!();

    /// Equal values have equal bytes, hash maps and sets included.
    #[inline]
    fn canonical_order(&self) -> bool {
        true
    }

    encode_generic_compiled!(|compiled, encoder, value| {
        let (factories, depth) = (encoder.factories, encoder.depth);
        let (flags_at, flags_used) = (encoder.flags_at, encoder.flags_used);
        let mut over_vec = CompactEncoder {
            out: encoder.out.as_vec()?,
            factories,
            depth,
            flags_at,
            flags_used,
        };
        let written = (compiled.compact_encode)(value, &mut over_vec);
        // The flag byte open after the value is the vector's, which is the encoder's.
        (encoder.flags_at, encoder.flags_used) = (over_vec.flags_at, over_vec.flags_used);
        Some(written)
    });

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
        self.out.varint_u128(v);
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
        self.out.varint_u128(varint::zigzag(v));
        Ok(())
    }

    #[inline]
    fn encode_f32(&mut self, v: f32) -> Result<(), EncodeError> {
        self.out.extend(&v.to_le_bytes());
        Ok(())
    }

    #[inline]
    fn encode_f64(&mut self, v: f64) -> Result<(), EncodeError> {
        self.out.extend(&v.to_le_bytes());
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
        self.out.extend(v);
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
                self.out.extend(bytes);
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
                self.out.extend(bytes);
                Ok(())
            }
            None => items.iter().try_for_each(|item| item.encode(self)),
        }
    }
}
