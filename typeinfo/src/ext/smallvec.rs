//! `smallvec`: a `SmallVec` is a sequence, as a `Vec` of its items is.

use crate::codec::{Decode, Decoder, Encode, Encoder};
use crate::error::{DecodeError, EncodeError};
use crate::info::{HasTypeInfo, TypeInfo};
use crate::path::Step;
use smallvec::{Array, SmallVec};

impl<A: Array> HasTypeInfo for SmallVec<A>
where
    A::Item: HasTypeInfo,
{
    const TYPE_INFO: &'static TypeInfo = <Vec<A::Item>>::TYPE_INFO;
}

impl<A: Array> Encode for SmallVec<A>
where
    A::Item: Encode,
{
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_slice(self.as_slice())
    }

    fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
        self.as_slice().encode_path(path, e)
    }
}

impl<A: Array> Decode for SmallVec<A>
where
    A::Item: Decode,
{
    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        d.decode_vec::<A::Item>().map(SmallVec::from_vec)
    }
}
