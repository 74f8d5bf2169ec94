//! The datum decoder: what generated code calls to read Avro's binary encoding.

use crate::compiled::decode_generic_or_serde;
use crate::decode_support::{
    DecodeState, checked_len, decode_state_methods, read_byte_buf, variant_index,
};
use crate::varint;
use typeinfo::codec::{Decode, decode_array_with, is_u8, read_raw_array};
use typeinfo::factory::Factories;
use typeinfo::io::Reader;
use typeinfo::{DecodeError, Decoder, Limits};

/// Reads values in Avro's binary encoding from a [`Reader`].
#[derive(Debug)]
pub struct AvroDecoder<'f, R> {
    reader: R,
    state: DecodeState<'f>,
    /// A variant index already read with an optional enum's union index.
    pending_variant: Option<u32>,
}

impl<R: Reader> AvroDecoder<'static, R> {
    pub fn new(reader: R, limits: Limits) -> Self {
        AvroDecoder::with_factories(reader, limits, Factories::none())
    }
}

impl<'f, R: Reader> AvroDecoder<'f, R> {
    /// A decoder whose generic fields are read by `factories` where they have one.
    pub fn with_factories(reader: R, limits: Limits, factories: &'f Factories) -> Self {
        AvroDecoder {
            reader,
            state: DecodeState::new(limits, factories),
            pending_variant: None,
        }
    }

    /// The reader, positioned after what was decoded.
    pub fn into_reader(self) -> R {
        self.reader
    }

    /// The `size` bytes of a `fixed`.
    pub(crate) fn decode_fixed(&mut self, size: usize) -> Result<Vec<u8>, DecodeError> {
        read_byte_buf(&mut self.reader, size)
    }

    #[inline]
    fn long(&mut self) -> Result<i64, DecodeError> {
        varint::read(&mut self.reader, 64, "long").map(|v| varint::unzigzag(v) as i64)
    }

    #[inline]
    fn int(&mut self) -> Result<i32, DecodeError> {
        varint::read(&mut self.reader, 32, "int").map(|v| varint::unzigzag(v) as i32)
    }

    /// An `int` or `long` that must fit `T`.
    #[inline]
    fn ranged<T: TryFrom<i64>>(
        &mut self,
        wide: bool,
        type_name: &'static str,
    ) -> Result<T, DecodeError> {
        let value = if wide {
            self.long()?
        } else {
            self.int()?.into()
        };
        T::try_from(value).map_err(|_| DecodeError::OutOfRange { type_name })
    }

    /// A non-negative `long` length, within `max_collection_len`.
    #[inline]
    fn len(&mut self) -> Result<usize, DecodeError> {
        checked_length(self.long()?, &self.state.limits)
    }

    /// A block's item count. A negative count is followed by the block's size in bytes,
    /// which a reader that decodes every item does not need.
    #[inline]
    fn block(&mut self) -> Result<usize, DecodeError> {
        let count = self.long()?;
        if count >= 0 {
            return self.state.len(count as u128);
        }
        let _size = self.len()?;
        self.state.len(count.unsigned_abs().into())
    }

    #[inline]
    fn union_index(&mut self) -> Result<i64, DecodeError> {
        self.long()
    }
}

/// The blocks of an Avro array read as a fixed-size array: they must add up to `expected`.
struct ArrayBlocks {
    expected: usize,
    read: usize,
    in_block: usize,
}

impl ArrayBlocks {
    fn new(expected: usize) -> Self {
        ArrayBlocks {
            expected,
            read: 0,
            in_block: 0,
        }
    }

    /// Before each element: a block count when the last block is used up.
    fn next<R: Reader>(&mut self, d: &mut AvroDecoder<'_, R>) -> Result<(), DecodeError> {
        if self.in_block == 0 {
            self.in_block = d.block()?;
            if self.in_block == 0 {
                return Err(self.wrong_length(self.read));
            }
        }
        self.in_block -= 1;
        self.read += 1;
        Ok(())
    }

    /// After the last element. Items left in the current block come next, not a block
    /// count: they are the excess (at least); only after a block ends does another count
    /// follow.
    fn end<R: Reader>(self, d: &mut AvroDecoder<'_, R>) -> Result<(), DecodeError> {
        let extra = match self.in_block {
            0 => d.block()?,
            left => left,
        };
        if extra != 0 {
            return Err(self.wrong_length(self.expected + extra));
        }
        Ok(())
    }

    fn wrong_length(&self, found: usize) -> DecodeError {
        DecodeError::LengthMismatch {
            expected: self.expected,
            found,
        }
    }
}

impl<R: Reader> Decoder for AvroDecoder<'_, R> {
    decode_state_methods!(state);

    #[inline]
    fn remaining(&self) -> usize {
        self.reader.remaining()
    }

    #[inline]
    fn decode_bool(&mut self) -> Result<bool, DecodeError> {
        match self.reader.read_array::<1>()? {
            [0] => Ok(false),
            [1] => Ok(true),
            [b] => Err(DecodeError::InvalidTag {
                type_name: "boolean",
                tag: b.into(),
            }),
        }
    }

    #[inline]
    fn decode_u8(&mut self) -> Result<u8, DecodeError> {
        self.ranged(false, "u8")
    }

    #[inline]
    fn decode_u16(&mut self) -> Result<u16, DecodeError> {
        self.ranged(false, "u16")
    }

    #[inline]
    fn decode_u32(&mut self) -> Result<u32, DecodeError> {
        self.ranged(true, "u32")
    }

    #[inline]
    fn decode_u64(&mut self) -> Result<u64, DecodeError> {
        self.reader.read_array().map(u64::from_le_bytes)
    }

    #[inline]
    fn decode_u128(&mut self) -> Result<u128, DecodeError> {
        self.reader.read_array().map(u128::from_le_bytes)
    }

    #[inline]
    fn decode_i8(&mut self) -> Result<i8, DecodeError> {
        self.ranged(false, "i8")
    }

    #[inline]
    fn decode_i16(&mut self) -> Result<i16, DecodeError> {
        self.ranged(false, "i16")
    }

    #[inline]
    fn decode_i32(&mut self) -> Result<i32, DecodeError> {
        self.int()
    }

    #[inline]
    fn decode_i64(&mut self) -> Result<i64, DecodeError> {
        self.long()
    }

    #[inline]
    fn decode_i128(&mut self) -> Result<i128, DecodeError> {
        self.reader.read_array().map(i128::from_le_bytes)
    }

    #[inline]
    fn decode_f32(&mut self) -> Result<f32, DecodeError> {
        self.reader.read_array().map(f32::from_le_bytes)
    }

    #[inline]
    fn decode_f64(&mut self) -> Result<f64, DecodeError> {
        self.reader.read_array().map(f64::from_le_bytes)
    }

    /// A `string` holding exactly one character.
    fn decode_char(&mut self) -> Result<char, DecodeError> {
        let s = self.decode_string()?;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            (first, _) => Err(DecodeError::InvalidChar(first.map_or(0, u32::from))),
        }
    }

    #[inline]
    fn decode_byte_buf(&mut self) -> Result<Vec<u8>, DecodeError> {
        let len = self.len()?;
        read_byte_buf(&mut self.reader, len)
    }

    #[inline]
    fn decode_option_tag(&mut self) -> Result<bool, DecodeError> {
        match self.union_index()? {
            0 => Ok(false),
            1 => Ok(true),
            tag => Err(DecodeError::InvalidTag {
                type_name: "Option",
                tag: u32::try_from(tag).unwrap_or(u32::MAX),
            }),
        }
    }

    /// `["null", A, B, …]`: index 0 is `None`, any other is the variant one below it.
    #[inline]
    fn decode_option_variant(&mut self) -> Result<bool, DecodeError> {
        match self.union_index()? {
            0 => Ok(false),
            tag => {
                let variant = u32::try_from(tag)
                    .ok()
                    .and_then(|t| t.checked_sub(1))
                    .ok_or(DecodeError::InvalidTag {
                        type_name: "Option",
                        tag: u32::MAX,
                    })?;
                self.pending_variant = Some(variant);
                Ok(true)
            }
        }
    }

    #[inline]
    fn decode_seq_len(&mut self) -> Result<usize, DecodeError> {
        self.block()
    }

    #[inline]
    fn decode_seq_more(&mut self) -> Result<usize, DecodeError> {
        self.block()
    }

    #[inline]
    fn decode_variant(
        &mut self,
        type_name: &'static str,
        variants: u32,
    ) -> Result<u32, DecodeError> {
        let index = match self.pending_variant.take() {
            Some(index) => index.into(),
            None => {
                let index = self.long()?;
                u128::try_from(index).unwrap_or(u128::MAX)
            }
        };
        variant_index(index, type_name, variants)
    }

    /// `[u8; N]` is a `fixed`; other arrays are Avro arrays whose blocks add up to `N`.
    #[inline]
    fn decode_array<T: Decode, const N: usize>(&mut self) -> Result<[T; N], DecodeError> {
        if is_u8::<T>() {
            // SAFETY: a `u8`-like type is raw (one byte, every value valid).
            return unsafe { read_raw_array(&mut self.reader) };
        }
        let mut blocks = ArrayBlocks::new(N);
        let items = decode_array_with(|| {
            blocks.next(self)?;
            T::decode(self)
        })?;
        blocks.end(self)?;
        Ok(items)
    }

    /// A `fixed` of `len` bytes.
    fn decode_byte_array(&mut self, len: usize) -> Result<Vec<u8>, DecodeError> {
        read_byte_buf(&mut self.reader, len)
    }

    /// An Avro array whose blocks add up to `len`, as [`Decoder::decode_array`].
    fn decode_array_elements(
        &mut self,
        len: usize,
        element: &mut dyn FnMut(&mut Self, usize) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        let mut blocks = ArrayBlocks::new(len);
        for index in 0..len {
            blocks.next(self)?;
            element(self, index)?;
        }
        blocks.end(self)
    }

    /// A generic field: `bytes` holding the value's encoding by its factory or serde.
    fn decode_generic<T: serde::de::DeserializeOwned + 'static>(
        &mut self,
    ) -> Result<T, DecodeError> {
        let bytes = self.decode_byte_buf()?;
        let mut inner = AvroDecoder {
            reader: &bytes[..],
            state: self.state,
            pending_variant: None,
        };
        let value =
            decode_generic_or_serde(self.state.factories, &mut inner, true, |compiled, d| {
                (compiled.avro_decode)(d)
            })?;
        match inner.reader.remaining() {
            0 => Ok(value),
            remaining => Err(DecodeError::TrailingBytes { remaining }),
        }
    }
}

/// A `long` as written for a length (of bytes, a string, a block): non-negative and
/// within `max_collection_len`.
#[inline(always)]
pub(super) fn checked_length(value: i64, limits: &Limits) -> Result<usize, DecodeError> {
    let claimed = u128::try_from(value).map_err(|_| DecodeError::OutOfRange {
        type_name: "length",
    })?;
    checked_len(claimed, limits)
}
