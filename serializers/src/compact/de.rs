//! The compact decoder.

use crate::compiled::decode_generic_compiled;
use crate::decode_support::{
    DecodeState, char_from, decode_state_methods, instants_whole_when_decoding, read_byte_buf,
    skip_byte_buf, variant_index,
};
use crate::varint;
use typeinfo::codec::{
    decode_array_by_element, decode_vec_by_element, read_raw_array, read_raw_vec,
};
use typeinfo::factory::Factories;
use typeinfo::io::Reader;
use typeinfo::{Decode, DecodeError, Decoder, Limits};

/// Reads values in the compact format from a [`Reader`].
#[derive(Debug)]
pub struct CompactDecoder<'f, R> {
    reader: R,
    state: DecodeState<'f>,
    /// The unread bits of the open flag byte, low bit next, and how many remain.
    flags: u8,
    flags_left: u8,
}

impl<R: Reader> CompactDecoder<'static, R> {
    pub fn new(reader: R, limits: Limits) -> Self {
        CompactDecoder::with_factories(reader, limits, Factories::none())
    }
}

impl<'f, R: Reader> CompactDecoder<'f, R> {
    /// A decoder whose generic fields are read by `factories` where they have one.
    pub fn with_factories(reader: R, limits: Limits, factories: &'f Factories) -> Self {
        CompactDecoder {
            reader,
            state: DecodeState::new(limits, factories),
            flags: 0,
            flags_left: 0,
        }
    }

    /// Ends a record: the unused bits of the last flag byte must be zero, so that every
    /// value has one encoding. Returns the reader positioned after the record.
    pub fn finish(self) -> Result<R, DecodeError> {
        if self.flags != 0 {
            // Report the unused bits where they sit in the flag byte.
            let unused = u32::from(self.flags) << (8 - self.flags_left);
            return Err(DecodeError::InvalidTag {
                type_name: "unused flag bits",
                tag: unused,
            });
        }
        Ok(self.reader)
    }

    #[inline]
    fn flag(&mut self) -> Result<bool, DecodeError> {
        if self.flags_left == 0 {
            [self.flags] = self.reader.read_array()?;
            self.flags_left = 8;
        }
        let set = self.flags & 1 == 1;
        self.flags >>= 1;
        self.flags_left -= 1;
        Ok(set)
    }

    #[inline]
    fn unsigned(&mut self, bits: u32, type_name: &'static str) -> Result<u128, DecodeError> {
        varint::read(&mut self.reader, bits, type_name)
    }

    #[inline]
    fn signed(&mut self, bits: u32, type_name: &'static str) -> Result<i128, DecodeError> {
        self.unsigned(bits, type_name).map(varint::unzigzag)
    }

    #[inline]
    fn len(&mut self) -> Result<usize, DecodeError> {
        let claimed = self.unsigned(64, "length")?;
        self.state.len(claimed)
    }
}

/// The varint decoders: read at most the type's bits, so the narrowing casts are exact.
macro_rules! varints {
    ($($method:ident -> $ty:ty, $read:ident, $bits:expr;)*) => {$(
        #[inline]
        fn $method(&mut self) -> Result<$ty, DecodeError> {
            self.$read($bits, stringify!($ty)).map(|v| v as $ty)
        }
    )*};
}

impl<R: Reader> Decoder for CompactDecoder<'_, R> {
    decode_state_methods!(state);
    instants_whole_when_decoding!();

    /// Every value has one encoding, hash maps and sets included.
    #[inline]
    fn canonical_order(&self) -> bool {
        true
    }

    decode_generic_compiled!(|compiled, decoder| {
        // The value may read flags from the open flag byte: it travels both ways.
        let (state, flags, flags_left) = (
            decoder.state.copy_for_nested(),
            &mut decoder.flags,
            &mut decoder.flags_left,
        );
        decoder.reader.with_one_slice(|unread| {
            let mut over_slice = CompactDecoder {
                reader: unread,
                state,
                flags: *flags,
                flags_left: *flags_left,
            };
            let value = (compiled.compact_decode)(&mut over_slice);
            (*flags, *flags_left) = (over_slice.flags, over_slice.flags_left);
            value
        })
    });

    #[inline]
    fn remaining(&self) -> usize {
        self.reader.remaining()
    }

    #[inline]
    fn decode_bool(&mut self) -> Result<bool, DecodeError> {
        self.flag()
    }

    #[inline]
    fn decode_u8(&mut self) -> Result<u8, DecodeError> {
        self.reader.read_array().map(u8::from_le_bytes)
    }

    #[inline]
    fn decode_i8(&mut self) -> Result<i8, DecodeError> {
        self.reader.read_array().map(i8::from_le_bytes)
    }

    varints! {
        decode_u16 -> u16, unsigned, 16;
        decode_u32 -> u32, unsigned, 32;
        decode_u64 -> u64, unsigned, 64;
        decode_u128 -> u128, unsigned, 128;
        decode_i16 -> i16, signed, 16;
        decode_i32 -> i32, signed, 32;
        decode_i64 -> i64, signed, 64;
        decode_i128 -> i128, signed, 128;
    }

    #[inline]
    fn decode_f32(&mut self) -> Result<f32, DecodeError> {
        self.reader.read_array().map(f32::from_le_bytes)
    }

    #[inline]
    fn decode_f64(&mut self) -> Result<f64, DecodeError> {
        self.reader.read_array().map(f64::from_le_bytes)
    }

    #[inline]
    fn decode_char(&mut self) -> Result<char, DecodeError> {
        char_from(self.unsigned(32, "char")? as u32)
    }

    #[inline]
    fn decode_byte_buf(&mut self) -> Result<Vec<u8>, DecodeError> {
        let len = self.len()?;
        read_byte_buf(&mut self.reader, len)
    }

    #[inline]
    fn skip_string(&mut self) -> Result<(), DecodeError> {
        let len = self.len()?;
        skip_byte_buf(&mut self.reader, len, true)
    }

    #[inline]
    fn skip_byte_buf(&mut self) -> Result<(), DecodeError> {
        let len = self.len()?;
        skip_byte_buf(&mut self.reader, len, false)
    }

    #[inline]
    fn decode_option_tag(&mut self) -> Result<bool, DecodeError> {
        self.flag()
    }

    #[inline]
    fn decode_seq_len(&mut self) -> Result<usize, DecodeError> {
        self.len()
    }

    #[inline]
    fn decode_variant(
        &mut self,
        type_name: &'static str,
        variants: u32,
    ) -> Result<u32, DecodeError> {
        let index = self.unsigned(32, type_name)?;
        variant_index(index, type_name, variants)
    }

    /// Vectors of floats and bytes are read in one copy (see `encode_slice`).
    #[inline]
    fn decode_vec<T: Decode>(&mut self) -> Result<Vec<T>, DecodeError> {
        if T::RAW.uniform_size().is_none() {
            return decode_vec_by_element(self);
        }
        let len = self.len()?;
        // SAFETY: `T` is raw (uniform implies raw), checked just above.
        unsafe { read_raw_vec(&mut self.reader, len) }
    }

    #[inline]
    fn decode_array<T: Decode, const N: usize>(&mut self) -> Result<[T; N], DecodeError> {
        if T::RAW.uniform_size().is_none() {
            return decode_array_by_element(self);
        }
        // SAFETY: as above.
        unsafe { read_raw_array(&mut self.reader) }
    }
}
