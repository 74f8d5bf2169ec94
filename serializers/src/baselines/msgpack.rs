//! MessagePack through rmp-serde: structs as arrays, or as maps with field names.

use super::support::{RecordLimit, decode_error};
use crate::record::RecordSerializer;
use typeinfo::{DecodeError, EncodeError, Limits};

/// rmp-serde with structs as arrays of their fields (its compact default).
#[derive(Debug, Clone, Copy, Default)]
pub struct MessagePack(RecordLimit);

impl MessagePack {
    pub fn new(limits: Limits) -> Self {
        MessagePack(RecordLimit(limits))
    }
}

/// rmp-serde with structs as maps keyed by field name.
#[derive(Debug, Clone, Copy, Default)]
pub struct MessagePackNamed(RecordLimit);

impl MessagePackNamed {
    pub fn new(limits: Limits) -> Self {
        MessagePackNamed(RecordLimit(limits))
    }
}

/// Both read the same way: rmp-serde reads arrays and maps alike into a struct.
fn decode<T: serde::de::DeserializeOwned>(
    limit: &RecordLimit,
    name: &str,
    bytes: &[u8],
) -> Result<T, DecodeError> {
    limit.check(bytes)?;
    rmp_serde::from_slice(bytes).map_err(|e| decode_error(name, e))
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> RecordSerializer<T> for MessagePack {
    fn name(&self) -> &'static str {
        "msgpack"
    }

    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.0.encode("msgpack", out, |out| {
            rmp_serde::encode::write(out, value).map_err(|e| e.to_string())
        })
    }

    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        decode(&self.0, "msgpack", bytes)
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> RecordSerializer<T> for MessagePackNamed {
    fn name(&self) -> &'static str {
        "msgpack-named"
    }

    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.0.encode("msgpack-named", out, |out| {
            rmp_serde::encode::write_named(out, value).map_err(|e| e.to_string())
        })
    }

    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        decode(&self.0, "msgpack-named", bytes)
    }
}
