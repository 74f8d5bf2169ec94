//! Wrappers around one value: `NonZero*` (checked when read), `Wrapping`, `Saturating` and
//! `Reverse` (transparent), and `PhantomData` (nothing on the wire).

use super::via::via;
use super::{Decode, Decoder, Encode, Encoder};
use crate::error::{DecodeError, EncodeError, ValueError};
use crate::info::{HasTypeInfo, TypeInfo};
use crate::path::Step;
use core::cmp::Reverse;
use core::marker::PhantomData;
use core::num::{NonZero, Saturating, Wrapping};

macro_rules! non_zero {
    ($($int:ty),*) => {$(
        via! {
            NonZero<$int> as $int,
            info = <$int as HasTypeInfo>::TYPE_INFO,
            encode = |v| Ok::<_, EncodeError>(v.get()),
            decode = |n| NonZero::new(n).ok_or(DecodeError::InvalidValue(&ValueError {
                type_name: concat!("NonZero<", stringify!($int), ">"),
                reason: "zero",
            })),
        }
    )*};
}

non_zero!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128);

/// A newtype with the same descriptor and encoding as the value it holds.
macro_rules! transparent {
    ($($wrapper:ident),*) => {$(
        impl<T: HasTypeInfo> HasTypeInfo for $wrapper<T> {
            const TYPE_INFO: &'static TypeInfo = T::TYPE_INFO;
        }

        impl<T: Encode> Encode for $wrapper<T> {
            #[inline]
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                self.0.encode(e)
            }

            #[inline]
            fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
                self.0.encode_path(path, e)
            }
        }

        impl<T: Decode> Decode for $wrapper<T> {
            #[inline]
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                T::decode(d).map($wrapper)
            }
        }
    )*};
}

transparent!(Wrapping, Saturating, Reverse);

/// A marker: the unit descriptor, and no bytes.
impl<T: ?Sized> HasTypeInfo for PhantomData<T> {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::Unit;
}

impl<T: ?Sized> Encode for PhantomData<T> {
    #[inline]
    fn encode<E: Encoder>(&self, _: &mut E) -> Result<(), EncodeError> {
        Ok(())
    }
}

impl<T: ?Sized> Decode for PhantomData<T> {
    #[inline]
    fn decode<D: Decoder>(_: &mut D) -> Result<Self, DecodeError> {
        Ok(PhantomData)
    }
}
