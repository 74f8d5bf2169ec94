//! Pointers: `Box`, `Arc`, `Rc` and `Cow` are transparent, and read back as owned values
//! (`Arc<str>` from a string, `Box<[T]>` from a sequence).

use super::{Decode, Decoder, Encode, Encoder};
use crate::error::{DecodeError, EncodeError};
use crate::info::{HasTypeInfo, TypeInfo};
use crate::path::Step;
use std::borrow::{Cow, ToOwned};
use std::rc::Rc;
use std::sync::Arc;

/// `$ptr<T>` for any `T`, sized or not, with the same descriptor and encoding as `T`.
macro_rules! shared {
    ($ptr:ident) => {
        impl<T: HasTypeInfo + ?Sized> HasTypeInfo for $ptr<T> {
            const TYPE_INFO: &'static TypeInfo = T::TYPE_INFO;
        }

        impl<T: Encode + ?Sized> Encode for $ptr<T> {
            #[inline]
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                (**self).encode(e)
            }

            #[inline]
            fn encode_path<E: Encoder>(
                &self,
                path: &[Step],
                e: &mut E,
            ) -> Result<usize, EncodeError> {
                (**self).encode_path(path, e)
            }
        }

        impl<T: Decode> Decode for $ptr<T> {
            #[inline]
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                T::decode(d).map($ptr::new)
            }

            #[inline]
            fn decode_migrating<D: Decoder>(
                d: &mut D,
                m: crate::snapshot::__generated::Migrate<'_>,
            ) -> Result<Self, DecodeError> {
                T::decode_migrating(d, m).map($ptr::new)
            }
        }

        impl Decode for $ptr<str> {
            #[inline]
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                d.decode_string().map($ptr::from)
            }
        }

        impl<T: Decode> Decode for $ptr<[T]> {
            #[inline]
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                d.decode_vec::<T>().map($ptr::from)
            }
        }
    };
}

shared!(Box);
shared!(Arc);
shared!(Rc);

/// `Cow<B>` is `B`'s descriptor and encoding; it reads back as `Cow::Owned`.
impl<B: HasTypeInfo + ToOwned + ?Sized> HasTypeInfo for Cow<'_, B> {
    const TYPE_INFO: &'static TypeInfo = B::TYPE_INFO;
}

impl<B: Encode + ToOwned + ?Sized> Encode for Cow<'_, B> {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        (**self).encode(e)
    }

    #[inline]
    fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
        (**self).encode_path(path, e)
    }
}

impl<B: HasTypeInfo + ToOwned + ?Sized> Decode for Cow<'_, B>
where
    B::Owned: Decode,
{
    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        B::Owned::decode(d).map(Cow::Owned)
    }
}
