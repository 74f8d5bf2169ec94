//! A `usize` field of a report as it travels between task manager processes: a `u64`,
//! refused on the way in when it does not fit this machine's `usize`. Use as
//! `#[typeinfo(with = "crate::wire_usize")]`.

use typeinfo::{DecodeError, Decoder, EncodeError, Encoder, HasTypeInfo, TypeInfo};

pub(crate) fn type_info() -> &'static TypeInfo {
    u64::TYPE_INFO
}

pub(crate) fn encode<E: Encoder>(value: &usize, e: &mut E) -> Result<(), EncodeError> {
    typeinfo::Encode::encode(&(*value as u64), e)
}

pub(crate) fn decode<D: Decoder>(d: &mut D) -> Result<usize, DecodeError> {
    let value = <u64 as typeinfo::Decode>::decode(d)?;
    usize::try_from(value).map_err(|_| DecodeError::OutOfRange { type_name: "usize" })
}
