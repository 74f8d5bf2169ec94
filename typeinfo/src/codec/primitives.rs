//! Descriptors and codecs of the primitive types and strings.

use super::{Decode, Decoder, Encode, Encoder, RawLayout};
use crate::error::{DecodeError, EncodeError};
use crate::info::{HasTypeInfo, TypeInfo};

/// A number's raw layout: floats and single bytes are written as their memory by every
/// format that writes them fixed-width; wider integers are varints in some.
const fn number_layout(info: &TypeInfo, size: usize) -> RawLayout {
    // SAFETY: a number's memory is its little-endian bytes on little-endian targets, and
    // every bit pattern is a valid number.
    let layout = unsafe { RawLayout::little_endian(size) };
    match info {
        TypeInfo::F32 | TypeInfo::F64 | TypeInfo::U8 | TypeInfo::I8 => layout,
        _ => layout.varying(),
    }
}

/// Numbers: every bit pattern is a value and their memory is their little-endian encoding
/// on little-endian targets, so they are raw both ways.
macro_rules! numbers {
    ($($ty:ty => $info:ident, $enc:ident, $dec:ident;)*) => {$(
        impl HasTypeInfo for $ty {
            const TYPE_INFO: &'static TypeInfo = &TypeInfo::$info;
        }
        impl Encode for $ty {
            const RAW: RawLayout = number_layout(&TypeInfo::$info, size_of::<$ty>());
            const FIXED_WIDTH: Option<usize> = Some(size_of::<$ty>());
            #[inline]
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                e.$enc(*self)
            }
        }
        impl Decode for $ty {
            const RAW: RawLayout = number_layout(&TypeInfo::$info, size_of::<$ty>());
            #[inline]
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                d.$dec()
            }
            #[inline]
            fn decode_migrating<D: Decoder>(
                d: &mut D,
                migrate: crate::snapshot::__generated::Migrate<'_>,
            ) -> Result<Self, DecodeError> {
                migrate.read_number(d)
            }
        }
    )*};
}

numbers! {
    u8 => U8, encode_u8, decode_u8;
    u16 => U16, encode_u16, decode_u16;
    u32 => U32, encode_u32, decode_u32;
    u64 => U64, encode_u64, decode_u64;
    u128 => U128, encode_u128, decode_u128;
    i8 => I8, encode_i8, decode_i8;
    i16 => I16, encode_i16, decode_i16;
    i32 => I32, encode_i32, decode_i32;
    i64 => I64, encode_i64, decode_i64;
    i128 => I128, encode_i128, decode_i128;
    f32 => F32, encode_f32, decode_f32;
    f64 => F64, encode_f64, decode_f64;
}

/// `usize` and `isize` are written as 64-bit integers, so bytes mean the same on every
/// target; a value that does not fit the reader's target is an error, not a wrap.
macro_rules! pointer_sized {
    ($($ty:ty as $wide:ty => $info:ident, $enc:ident, $dec:ident;)*) => {$(
        impl HasTypeInfo for $ty {
            const TYPE_INFO: &'static TypeInfo = &TypeInfo::$info;
        }
        impl Encode for $ty {
            #[inline]
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                // Lossless: the assertion below keeps targets with wider pointers out.
                e.$enc(*self as $wide)
            }
        }
        impl Decode for $ty {
            #[inline]
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                <$ty>::try_from(d.$dec()?).map_err(|_| DecodeError::OutOfRange {
                    type_name: stringify!($ty),
                })
            }
        }
    )*};
}

const _: () = assert!(usize::BITS <= 64, "usize is written as 64 bits");

pointer_sized! {
    usize as u64 => U64, encode_u64, decode_u64;
    isize as i64 => I64, encode_i64, decode_i64;
}

/// `bool` and `char`: their memory is their encoding, but not every pattern is valid, so they
/// are raw for encoding only.
macro_rules! checked {
    ($($ty:ty => $info:ident, $enc:ident, $dec:ident;)*) => {$(
        impl HasTypeInfo for $ty {
            const TYPE_INFO: &'static TypeInfo = &TypeInfo::$info;
        }
        impl Encode for $ty {
            // SAFETY: `bool` is one byte 0/1 and `char` a u32 scalar value in memory, which
            // is their fixed-width little-endian encoding. Other formats pack a `bool` into
            // a flag bit and write a `char` as a varint.
            const RAW: RawLayout =
                unsafe { RawLayout::little_endian(size_of::<$ty>()) }.varying();
            const FIXED_WIDTH: Option<usize> = Some(size_of::<$ty>());
            #[inline]
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                e.$enc(*self)
            }
        }
        impl Decode for $ty {
            #[inline]
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                d.$dec()
            }
        }
    )*};
}

checked! {
    bool => Bool, encode_bool, decode_bool;
    char => Char, encode_char, decode_char;
}

impl HasTypeInfo for () {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::Unit;
}

impl Encode for () {
    #[inline]
    fn encode<E: Encoder>(&self, _: &mut E) -> Result<(), EncodeError> {
        Ok(())
    }
}

impl Decode for () {
    #[inline]
    fn decode<D: Decoder>(_: &mut D) -> Result<Self, DecodeError> {
        Ok(())
    }
}

impl HasTypeInfo for String {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::String;
}

impl Encode for String {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_str(self)
    }
}

impl Decode for String {
    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        d.decode_string()
    }
}

// `str` can be written (as a key or a borrowed field) but not read back into.
impl HasTypeInfo for str {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::String;
}

impl Encode for str {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_str(self)
    }
}

impl<T: Encode + ?Sized> Encode for &T {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        (**self).encode(e)
    }

    #[inline]
    fn encode_path<E: Encoder>(
        &self,
        path: &[crate::path::Step],
        e: &mut E,
    ) -> Result<usize, EncodeError> {
        (**self).encode_path(path, e)
    }
}

impl<T: HasTypeInfo + ?Sized> HasTypeInfo for &T {
    const TYPE_INFO: &'static TypeInfo = T::TYPE_INFO;
}
