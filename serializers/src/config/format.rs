//! The names a config selects from: formats and the `generic_types` policy.

use super::ConfigError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The wire formats a config can select. Formats join this list as they land; it is
/// exhaustive on purpose, so that adding one makes every selection site handle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Generated field-by-field code, fixed-width little-endian.
    Pojo,
    /// Generated field-by-field code, varints and packed flags.
    Compact,
    /// bincode 2 through serde (baseline).
    BincodeSerde,
    /// MessagePack through rmp-serde, structs as arrays (baseline).
    Msgpack,
    /// MessagePack through rmp-serde, structs as maps with field names (baseline).
    MsgpackNamed,
    /// serde_json (baseline).
    Json,
    /// simd-json (baseline).
    SimdJson,
    /// Records as `serde_json::Value` trees, Flink's `JsonNode` case (baseline).
    JsonValue,
    /// The generic format with Kryo 2.x's encodings, through serde.
    Kryo,
    /// Avro's binary encoding from the schema derived from the type, generated code.
    Avro,
}

impl Format {
    /// Every format, in the order they are listed to users.
    pub const ALL: &'static [Format] = &[
        Format::Pojo,
        Format::Compact,
        Format::Kryo,
        Format::Avro,
        Format::BincodeSerde,
        Format::Msgpack,
        Format::MsgpackNamed,
        Format::Json,
        Format::SimdJson,
        Format::JsonValue,
    ];

    /// The name used in configs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pojo => "pojo",
            Format::Compact => "compact",
            Format::BincodeSerde => "bincode-serde",
            Format::Msgpack => "msgpack",
            Format::MsgpackNamed => "msgpack-named",
            Format::Json => "json",
            Format::SimdJson => "simd-json",
            Format::JsonValue => "json-value",
            Format::Kryo => "kryo",
            Format::Avro => "avro",
        }
    }

    /// Whether the format names what it holds on the wire, so serde can read it without
    /// being told the type (`deserialize_any`): JSON and MessagePack; not bincode or kryo.
    pub fn is_self_describing(self) -> bool {
        matches!(
            self,
            Format::Msgpack
                | Format::MsgpackNamed
                | Format::Json
                | Format::SimdJson
                | Format::JsonValue
        )
    }

    /// Whether the format runs typeinfo's generated code (else it goes through serde and
    /// needs the type's `Serialize` and `Deserialize`).
    pub fn is_generated(self) -> bool {
        matches!(self, Format::Pojo | Format::Compact | Format::Avro)
    }

    /// The cargo feature of typeinfo-serializers the format needs, if this build lacks it
    /// (pojo, compact and kryo are always built).
    pub fn missing_feature(self) -> Option<&'static str> {
        let (feature, built) = match self {
            Format::Pojo | Format::Compact | Format::Kryo => return None,
            Format::Avro => ("avro", cfg!(feature = "avro")),
            Format::BincodeSerde => ("bincode", cfg!(feature = "bincode")),
            Format::Msgpack | Format::MsgpackNamed => ("msgpack", cfg!(feature = "msgpack")),
            Format::Json | Format::JsonValue => ("json", cfg!(feature = "json")),
            Format::SimdJson => ("simd-json", cfg!(feature = "simd-json")),
        };
        (!built).then_some(feature)
    }

    /// The names of every format, for error messages.
    pub(crate) fn allowed() -> String {
        Format::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name() == s)
            .ok_or_else(|| ConfigError::Invalid {
                key: "format".into(),
                value: s.into(),
                allowed: Format::allowed(),
            })
    }
}

/// What to do with a type that holds a generic (opaque) field, Flink's `generic-types`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GenericTypes {
    /// Serialize generic fields through serde without comment.
    Allow,
    /// Serialize them, and say so once per type through the `log` facade (target
    /// `typeinfo`); the `typeinfo` CLI prints it.
    #[default]
    Warn,
    /// Refuse to create a serializer for the type.
    Deny,
}
