//! `uuid`: its 16 bytes, as Avro's `uuid` on a `fixed` of 16.

use crate::codec::via::{logical, via};
use crate::error::EncodeError;
use crate::info::LogicalKind;
use uuid::Uuid;

via! {
    Uuid as [u8; 16],
    info = logical!("uuid::Uuid", LogicalKind::Uuid, [u8; 16]),
    encode = |v| Ok::<_, EncodeError>(v.as_bytes()),
    decode = |bytes| Ok(Uuid::from_bytes(bytes)),
}
