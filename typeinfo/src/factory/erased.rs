//! Encoders and decoders behind a trait object, so that a codec chosen at run time (a
//! factory from the config) can run inside any format, one dynamic call per primitive.
//! typeinfo-serializers' formats run a factory compiled for their own encoders and come
//! here only for what that does not cover (a writer that is not a vector, a reader whose
//! bytes are not one slice); a format of another crate always does.
//!
//! The erased side forwards every call that decides the wire (primitives, strings, tags,
//! lengths, variants, struct and tuple starts, whether hash collections come in canonical
//! order), so a factory's value is written in the
//! format's own encoding. What it cannot forward are the format's bulk paths for slices
//! and fixed-size arrays, which are generic: those go element by element, as the generic
//! fallback's do, and read back the same way.

use super::Factories;
use crate::codec::{Decoder, Encoder, StructKind, decode_generic_with, encode_generic_with};
use crate::error::{DecodeError, EncodeError};
use crate::limits::Limits;

/// Declares the object-safe mirror of a codec trait, implements it for every format, and
/// implements the codec trait for the erased wrapper by forwarding each method.
macro_rules! erase {
    (
        $dyn_trait:ident for $trait:ident, forwarded by $forward:ident;
        $(fn $method:ident(&mut self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*
        $(view fn $view:ident(&self) -> $view_ret:ty;)*
    ) => {
        pub trait $dyn_trait {
            $(fn $method(&mut self $(, $arg: $ty)*) -> $ret;)*
            $(fn $view(&self) -> $view_ret;)*
        }

        impl<T: $trait> $dyn_trait for T {
            $(
                #[inline]
                fn $method(&mut self $(, $arg: $ty)*) -> $ret {
                    $trait::$method(self $(, $arg)*)
                }
            )*
            $(
                #[inline]
                fn $view(&self) -> $view_ret {
                    $trait::$view(self)
                }
            )*
        }

        macro_rules! $forward {
            () => {$(
                #[inline]
                fn $method(&mut self $(, $arg: $ty)*) -> $ret {
                    $dyn_trait::$method(&mut *self.inner $(, $arg)*)
                }
            )*
            $(
                #[inline]
                fn $view(&self) -> $view_ret {
                    $dyn_trait::$view(&*self.inner)
                }
            )*};
        }
    };
}

erase! {
    DynEncoder for Encoder, forwarded by forward_encoder;
    fn encode_bool(&mut self, v: bool) -> Result<(), EncodeError>;
    fn encode_u8(&mut self, v: u8) -> Result<(), EncodeError>;
    fn encode_u16(&mut self, v: u16) -> Result<(), EncodeError>;
    fn encode_u32(&mut self, v: u32) -> Result<(), EncodeError>;
    fn encode_u64(&mut self, v: u64) -> Result<(), EncodeError>;
    fn encode_u128(&mut self, v: u128) -> Result<(), EncodeError>;
    fn encode_i8(&mut self, v: i8) -> Result<(), EncodeError>;
    fn encode_i16(&mut self, v: i16) -> Result<(), EncodeError>;
    fn encode_i32(&mut self, v: i32) -> Result<(), EncodeError>;
    fn encode_i64(&mut self, v: i64) -> Result<(), EncodeError>;
    fn encode_i128(&mut self, v: i128) -> Result<(), EncodeError>;
    fn encode_f32(&mut self, v: f32) -> Result<(), EncodeError>;
    fn encode_f64(&mut self, v: f64) -> Result<(), EncodeError>;
    fn encode_char(&mut self, v: char) -> Result<(), EncodeError>;
    fn encode_str(&mut self, v: &str) -> Result<(), EncodeError>;
    fn encode_bytes(&mut self, v: &[u8]) -> Result<(), EncodeError>;
    fn encode_option_tag(&mut self, present: bool) -> Result<(), EncodeError>;
    fn encode_option_variant(&mut self, present: bool) -> Result<(), EncodeError>;
    fn encode_seq_len(&mut self, len: usize) -> Result<(), EncodeError>;
    fn encode_seq_end(&mut self) -> Result<(), EncodeError>;
    fn encode_map_len(&mut self, len: usize) -> Result<(), EncodeError>;
    fn encode_map_end(&mut self) -> Result<(), EncodeError>;
    fn encode_variant(&mut self, index: u32) -> Result<(), EncodeError>;
    fn encode_struct_start(&mut self, name: &'static str, kind: StructKind, len: usize) -> Result<(), EncodeError>;
    fn encode_tuple_start(&mut self, len: usize) -> Result<(), EncodeError>;
    fn enter(&mut self) -> Result<(), EncodeError>;
    fn leave(&mut self) -> ();
    fn encode_instant(&mut self, instant: crate::codec::epoch::Instant, beyond_i64_nanos: &'static crate::error::ValueError) -> Result<(), EncodeError>;
    view fn canonical_order(&self) -> bool;
}

/// Any format's encoder, seen through a trait object. `SORTED` carries the format's
/// [`Encoder::SORTED_FIELDS`], which is a constant and so cannot be erased.
pub struct ErasedEncoder<'a, const SORTED: bool> {
    inner: &'a mut dyn DynEncoder,
    factories: &'a Factories,
}

impl<'a, const SORTED: bool> ErasedEncoder<'a, SORTED> {
    pub fn new(inner: &'a mut dyn DynEncoder, factories: &'a Factories) -> Self {
        ErasedEncoder { inner, factories }
    }
}

impl<const SORTED: bool> Encoder for ErasedEncoder<'_, SORTED> {
    const SORTED_FIELDS: bool = SORTED;
    forward_encoder!();

    #[inline]
    fn encode_generic<T: serde::Serialize + 'static>(
        &mut self,
        value: &T,
    ) -> Result<(), EncodeError> {
        encode_generic_with(self.factories, self, value)
    }
}

erase! {
    DynDecoder for Decoder, forwarded by forward_decoder;
    fn decode_bool(&mut self) -> Result<bool, DecodeError>;
    fn decode_u8(&mut self) -> Result<u8, DecodeError>;
    fn decode_u16(&mut self) -> Result<u16, DecodeError>;
    fn decode_u32(&mut self) -> Result<u32, DecodeError>;
    fn decode_u64(&mut self) -> Result<u64, DecodeError>;
    fn decode_u128(&mut self) -> Result<u128, DecodeError>;
    fn decode_i8(&mut self) -> Result<i8, DecodeError>;
    fn decode_i16(&mut self) -> Result<i16, DecodeError>;
    fn decode_i32(&mut self) -> Result<i32, DecodeError>;
    fn decode_i64(&mut self) -> Result<i64, DecodeError>;
    fn decode_i128(&mut self) -> Result<i128, DecodeError>;
    fn decode_f32(&mut self) -> Result<f32, DecodeError>;
    fn decode_f64(&mut self) -> Result<f64, DecodeError>;
    fn decode_char(&mut self) -> Result<char, DecodeError>;
    fn decode_byte_buf(&mut self) -> Result<Vec<u8>, DecodeError>;
    fn decode_string(&mut self) -> Result<String, DecodeError>;
    fn decode_option_tag(&mut self) -> Result<bool, DecodeError>;
    fn decode_option_variant(&mut self) -> Result<bool, DecodeError>;
    fn decode_seq_len(&mut self) -> Result<usize, DecodeError>;
    fn decode_seq_more(&mut self) -> Result<usize, DecodeError>;
    fn decode_map_len(&mut self) -> Result<usize, DecodeError>;
    fn decode_map_more(&mut self) -> Result<usize, DecodeError>;
    fn decode_variant(&mut self, type_name: &'static str, variants: u32) -> Result<u32, DecodeError>;
    fn decode_struct_start(&mut self, name: &'static str, kind: StructKind, len: usize) -> Result<(), DecodeError>;
    fn decode_tuple_start(&mut self, len: usize) -> Result<(), DecodeError>;
    fn enter(&mut self) -> Result<(), DecodeError>;
    fn leave(&mut self) -> ();
    fn decode_instant(&mut self) -> Result<crate::codec::epoch::Instant, DecodeError>;
    view fn limits(&self) -> &Limits;
    view fn canonical_order(&self) -> bool;
    view fn remaining(&self) -> usize;
}

/// Any format's decoder, seen through a trait object (see [`ErasedEncoder`]).
pub struct ErasedDecoder<'a, const SORTED: bool> {
    inner: &'a mut dyn DynDecoder,
    factories: &'a Factories,
}

impl<'a, const SORTED: bool> ErasedDecoder<'a, SORTED> {
    pub fn new(inner: &'a mut dyn DynDecoder, factories: &'a Factories) -> Self {
        ErasedDecoder { inner, factories }
    }
}

impl<const SORTED: bool> Decoder for ErasedDecoder<'_, SORTED> {
    const SORTED_FIELDS: bool = SORTED;
    forward_decoder!();

    #[inline]
    fn decode_generic<T: serde::de::DeserializeOwned + 'static>(
        &mut self,
    ) -> Result<T, DecodeError> {
        decode_generic_with(self.factories, self)
    }
}
