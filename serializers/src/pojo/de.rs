//! The pojo decoder. Every claimed length is checked against the limits and against the
//! bytes that remain before anything is allocated for it (see `decode_support`).

use crate::compiled::decode_generic_compiled;
use crate::decode_support::{
    DecodeState, char_from, decode_state_methods, instants_whole_when_decoding, read_byte_buf,
    skip_byte_buf, variant_index,
};
use typeinfo::codec::{
    decode_array_by_element, decode_vec_by_element, read_raw_array, read_raw_vec,
};
use typeinfo::factory::Factories;
use typeinfo::io::Reader;
use typeinfo::{Decode, DecodeError, Decoder, Limits};

/// Reads values in the pojo format from a [`Reader`].
#[derive(Debug)]
pub struct PojoDecoder<'f, R> {
    reader: R,
    state: DecodeState<'f>,
}

impl<R: Reader> PojoDecoder<'static, R> {
    pub fn new(reader: R, limits: Limits) -> Self {
        PojoDecoder::with_factories(reader, limits, Factories::none())
    }
}

impl<'f, R: Reader> PojoDecoder<'f, R> {
    /// A decoder whose generic fields are read by `factories` where they have one.
    pub fn with_factories(reader: R, limits: Limits, factories: &'f Factories) -> Self {
        PojoDecoder {
            reader,
            state: DecodeState::new(limits, factories),
        }
    }

    pub fn into_reader(self) -> R {
        self.reader
    }

    /// A `u32` count, checked against `max_collection_len`.
    #[inline]
    fn read_len(&mut self) -> Result<usize, DecodeError> {
        let claimed = u32::from_le_bytes(self.reader.read_array()?);
        self.state.len(claimed.into())
    }

    #[inline]
    fn read_tag(&mut self, type_name: &'static str) -> Result<bool, DecodeError> {
        match self.reader.read_array::<1>()? {
            [0] => Ok(false),
            [1] => Ok(true),
            [tag] => Err(DecodeError::InvalidTag {
                type_name,
                tag: tag.into(),
            }),
        }
    }
}

macro_rules! little_endian {
    ($($method:ident -> $ty:ty;)*) => {$(
        #[inline]
        fn $method(&mut self) -> Result<$ty, DecodeError> {
            self.reader.read_array().map(<$ty>::from_le_bytes)
        }
    )*};
}

impl<R: Reader> Decoder for PojoDecoder<'_, R> {
    decode_state_methods!(state);
    instants_whole_when_decoding!();

    decode_generic_compiled!(|compiled, decoder| {
        let state = decoder.state.copy_for_nested();
        decoder.reader.with_one_slice(|unread| {
            (compiled.pojo_decode)(&mut PojoDecoder {
                reader: unread,
                state,
            })
        })
    });

    #[inline]
    fn remaining(&self) -> usize {
        self.reader.remaining()
    }

    little_endian! {
        decode_u8 -> u8;
        decode_u16 -> u16;
        decode_u32 -> u32;
        decode_u64 -> u64;
        decode_u128 -> u128;
        decode_i8 -> i8;
        decode_i16 -> i16;
        decode_i32 -> i32;
        decode_i64 -> i64;
        decode_i128 -> i128;
        decode_f32 -> f32;
        decode_f64 -> f64;
    }

    #[inline]
    fn decode_bool(&mut self) -> Result<bool, DecodeError> {
        self.read_tag("bool")
    }

    #[inline]
    fn decode_char(&mut self) -> Result<char, DecodeError> {
        char_from(u32::from_le_bytes(self.reader.read_array()?))
    }

    #[inline]
    fn decode_byte_buf(&mut self) -> Result<Vec<u8>, DecodeError> {
        let len = self.read_len()?;
        read_byte_buf(&mut self.reader, len)
    }

    #[inline]
    fn skip_string(&mut self) -> Result<(), DecodeError> {
        let len = self.read_len()?;
        skip_byte_buf(&mut self.reader, len, true)
    }

    #[inline]
    fn skip_byte_buf(&mut self) -> Result<(), DecodeError> {
        let len = self.read_len()?;
        skip_byte_buf(&mut self.reader, len, false)
    }

    #[inline]
    fn decode_option_tag(&mut self) -> Result<bool, DecodeError> {
        self.read_tag("Option")
    }

    #[inline]
    fn decode_seq_len(&mut self) -> Result<usize, DecodeError> {
        self.read_len()
    }

    #[inline]
    fn decode_variant(
        &mut self,
        type_name: &'static str,
        variants: u32,
    ) -> Result<u32, DecodeError> {
        let index = u32::from_le_bytes(self.reader.read_array()?);
        variant_index(index.into(), type_name, variants)
    }

    #[inline]
    fn decode_vec<T: Decode>(&mut self) -> Result<Vec<T>, DecodeError> {
        if T::RAW.size().is_none() {
            return decode_vec_by_element(self);
        }
        let len = self.read_len()?;
        // SAFETY: `T` is raw, checked just above.
        unsafe { read_raw_vec(&mut self.reader, len) }
    }

    #[inline]
    fn decode_array<T: Decode, const N: usize>(&mut self) -> Result<[T; N], DecodeError> {
        if T::RAW.size().is_none() {
            return decode_array_by_element(self);
        }
        // SAFETY: `T` is raw, checked just above.
        unsafe { read_raw_array(&mut self.reader) }
    }
}
