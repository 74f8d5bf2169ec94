//! Descriptors and codecs of tuples up to twelve elements.

use super::{Decode, Decoder, Encode, Encoder, RawLayout};
use crate::error::{DecodeError, EncodeError};
use crate::info::{HasTypeInfo, TypeInfo};
use crate::path::Step;

macro_rules! tuple {
    ($($name:ident . $idx:tt),+) => {
        const _: () = {
        const LEN: usize = [$($idx),+].len();

        impl<$($name: HasTypeInfo),+> HasTypeInfo for ($($name,)+) {
            const TYPE_INFO: &'static TypeInfo = &TypeInfo::Tuple(&[$($name::type_info),+]);
        }

        impl<$($name: Encode),+> Encode for ($($name,)+) {
            // SAFETY: every element is listed in order with its true offset.
            const RAW: RawLayout = unsafe {
                RawLayout::record(size_of::<Self>(), &[$((core::mem::offset_of!(Self, $idx), <$name as Encode>::RAW)),+])
            };

            #[inline]
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                e.encode_tuple_start(LEN)?;
                $(self.$idx.encode(e)?;)+
                Ok(())
            }

            fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
                match path.split_first() {
                    None => self.encode(e).map(|()| 1),
                    $(Some((Step::Field($idx), rest)) => self.$idx.encode_path(rest, e),)+
                    Some(_) => Ok(0),
                }
            }
        }

        impl<$($name: Decode),+> Decode for ($($name,)+) {
            // SAFETY: every element is listed in order with its true offset.
            const RAW: RawLayout = unsafe {
                RawLayout::record(size_of::<Self>(), &[$((core::mem::offset_of!(Self, $idx), <$name as Decode>::RAW)),+])
            };

            #[inline]
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                d.decode_tuple_start(LEN)?;
                Ok(($($name::decode(d).map_err(|e| e.in_field(stringify!($idx)))?,)+))
            }
        }
        };
    };
}

tuple!(T0.0);
tuple!(T0.0, T1.1);
tuple!(T0.0, T1.1, T2.2);
tuple!(T0.0, T1.1, T2.2, T3.3);
tuple!(T0.0, T1.1, T2.2, T3.3, T4.4);
tuple!(T0.0, T1.1, T2.2, T3.3, T4.4, T5.5);
tuple!(T0.0, T1.1, T2.2, T3.3, T4.4, T5.5, T6.6);
tuple!(T0.0, T1.1, T2.2, T3.3, T4.4, T5.5, T6.6, T7.7);
tuple!(T0.0, T1.1, T2.2, T3.3, T4.4, T5.5, T6.6, T7.7, T8.8);
tuple!(T0.0, T1.1, T2.2, T3.3, T4.4, T5.5, T6.6, T7.7, T8.8, T9.9);
tuple!(
    T0.0, T1.1, T2.2, T3.3, T4.4, T5.5, T6.6, T7.7, T8.8, T9.9, T10.10
);
tuple!(
    T0.0, T1.1, T2.2, T3.3, T4.4, T5.5, T6.6, T7.7, T8.8, T9.9, T10.10, T11.11
);
