//! The serde baselines: the libraries users compare us with, behind the same
//! [`RecordSerializer`] face as our formats, so configs, the engine and the reports treat
//! them alike.
//!
//! Each wraps the real crate and adds only what a record needs: the record size limit (on
//! both sides) and errors mapped to ours, naming the format. What else they do with hostile
//! input is the library's own: serde_json and simd-json stop at 128 levels of nesting and
//! rmp-serde at 1024; bincode's serde path has no nesting limit of its own, so a deeply
//! recursive type can exhaust the stack on hostile bytes there (our formats stop at
//! `max_depth`).
//!
//! | name | what |
//! |---|---|
//! | `bincode` | bincode 2.0.1, standard config, its own `Encode`/`Decode` derive |
//! | `bincode-serde` | bincode 2.0.1, standard config, through serde |
//! | `msgpack` | rmp-serde, structs as arrays (compact) |
//! | `msgpack-named` | rmp-serde, structs as maps with field names |
//! | `json` | serde_json |
//! | `simd-json` | simd-json (decodes from a mutable copy of the input, as it requires) |
//! | `apache-avro` | apache-avro 0.22 through serde with the schema typeinfo derives (`write_ser` / `read_deser`) |
//! | `json-value` | records converted to `serde_json::Value` trees and back, serialized as such: Flink's `JsonNode` records |

mod apache_avro;
mod bincode2;
mod json;
mod msgpack;

pub use apache_avro::ApacheAvro;
pub use bincode2::{Bincode, BincodeSerde, config as bincode_config};
pub use json::{Json, JsonTree, JsonValue, SimdJson};
pub use msgpack::{MessagePack, MessagePackNamed};

use crate::record::{RecordSerializer, append_record, check_record_size};
use std::fmt::Display;
use typeinfo::{DecodeError, EncodeError, Limits};

fn encode_error(format: &str, e: impl Display) -> EncodeError {
    EncodeError::custom(format!("{format}: {e}"))
}

fn decode_error(format: &str, e: impl Display) -> DecodeError {
    DecodeError::Custom(format!("{format}: {e}").into())
}

/// The limits a baseline enforces itself: the record size, both ways.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct RecordLimit(Limits);

impl RecordLimit {
    fn encode(
        &self,
        format: &str,
        out: &mut Vec<u8>,
        encode: impl FnOnce(&mut Vec<u8>) -> Result<(), String>,
    ) -> Result<(), EncodeError> {
        append_record(out, &self.0, |out| {
            encode(out).map_err(|e| encode_error(format, e))
        })
    }

    fn check(&self, bytes: &[u8]) -> Result<(), DecodeError> {
        check_record_size(bytes, &self.0)
    }
}

/// Every serde baseline for `T`, with `limits`.
pub fn all<T>(limits: Limits) -> Vec<Box<dyn RecordSerializer<T>>>
where
    T: serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    vec![
        Box::new(BincodeSerde::new(limits)),
        Box::new(MessagePack::new(limits)),
        Box::new(MessagePackNamed::new(limits)),
        Box::new(Json::new(limits)),
        Box::new(SimdJson::new(limits)),
        Box::new(JsonValue::new(limits)),
    ]
}
