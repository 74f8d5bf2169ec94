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

//!
//! Each sits behind the cargo feature of its name (`bincode`, `msgpack`, `json`, `simd-json`,
//! `apache-avro`; `baselines` turns on all of them), so a user of the generated formats
//! compiles none of these libraries.

#[cfg(feature = "apache-avro")]
mod apache_avro;
#[cfg(feature = "bincode")]
mod bincode2;
#[cfg(feature = "json")]
mod json;
#[cfg(feature = "msgpack")]
mod msgpack;
#[cfg(feature = "simd-json")]
mod simd_json;

#[cfg(feature = "apache-avro")]
pub use apache_avro::ApacheAvro;
#[cfg(feature = "bincode")]
pub use bincode2::{Bincode, BincodeSerde, config as bincode_config};
#[cfg(feature = "json")]
pub use json::{Json, JsonTree, JsonValue};
#[cfg(feature = "msgpack")]
pub use msgpack::{MessagePack, MessagePackNamed};
#[cfg(feature = "simd-json")]
pub use simd_json::SimdJson;

#[cfg(any(
    feature = "bincode",
    feature = "msgpack",
    feature = "json",
    feature = "simd-json",
    feature = "apache-avro"
))]
mod support;

use crate::config::Format;
use crate::record::RecordSerializer;
use typeinfo::Limits;

/// The serde baseline `format` names, with `limits`; `None` for a format of generated code
/// or one this build leaves out ([`Format::missing_feature`] says which).
pub fn of_format<T>(format: Format, limits: Limits) -> Option<Box<dyn RecordSerializer<T>>>
where
    T: serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    let _ = limits;
    match format {
        #[cfg(feature = "bincode")]
        Format::BincodeSerde => Some(Box::new(BincodeSerde::new(limits))),
        #[cfg(feature = "msgpack")]
        Format::Msgpack => Some(Box::new(MessagePack::new(limits))),
        #[cfg(feature = "msgpack")]
        Format::MsgpackNamed => Some(Box::new(MessagePackNamed::new(limits))),
        #[cfg(feature = "json")]
        Format::Json => Some(Box::new(Json::new(limits))),
        #[cfg(feature = "simd-json")]
        Format::SimdJson => Some(Box::new(SimdJson::new(limits))),
        #[cfg(feature = "json")]
        Format::JsonValue => Some(Box::new(JsonValue::new(limits))),
        _ => None,
    }
}

/// Every serde baseline this build has for `T`, with `limits`.
pub fn all<T>(limits: Limits) -> Vec<Box<dyn RecordSerializer<T>>>
where
    T: serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    (Format::ALL.iter())
        .filter_map(|&format| of_format(format, limits))
        .collect()
}
