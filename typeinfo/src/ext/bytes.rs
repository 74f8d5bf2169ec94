//! `bytes`: `Bytes` and `BytesMut` are byte strings.

use crate::codec::via::via;
use crate::error::EncodeError;
use crate::info::TypeInfo;
use bytes::{Bytes, BytesMut};

via! {
    Bytes as Vec<u8>,
    info = &TypeInfo::Bytes,
    encode = |v| Ok::<_, EncodeError>(v.as_ref()),
    decode = |vec| Ok(Bytes::from(vec)),
}

via! {
    BytesMut as Vec<u8>,
    info = &TypeInfo::Bytes,
    encode = |v| Ok::<_, EncodeError>(v.as_ref()),
    decode = |vec| Ok(BytesMut::from(Bytes::from(vec))),
}
