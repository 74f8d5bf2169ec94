//! The TOML file: its shape (unknown keys are errors) and both directions, reading through
//! the same [`ConfigBuilder`](super::ConfigBuilder) checks as code and writing every key back out.

use super::{ConfigError, Format, GenericTypes, SerializationConfig};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use typeinfo::factory::Factory;

/// The file's shape; unknown keys are errors. Tables come last, as TOML wants them
/// written.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    default_format: Option<Format>,
    force_kryo: Option<bool>,
    force_avro: Option<bool>,
    generic_types: Option<GenericTypes>,
    limits: Option<FileLimits>,
    #[serde(default)]
    types: BTreeMap<String, FileTypeConfig>,
    kryo: Option<FileKryo>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileKryo {
    registration_required: Option<bool>,
    references: Option<bool>,
    #[serde(default)]
    registrations: BTreeMap<String, i64>,
}

/// A type gets a format (a record type) or a factory (a type in generic positions).
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileTypeConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<Format>,
    #[serde(skip_serializing_if = "Option::is_none")]
    factory: Option<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct FileLimits {
    max_record_bytes: Option<u64>,
    max_collection_len: Option<u64>,
    max_depth: Option<u64>,
}

impl SerializationConfig {
    /// Parses a config from TOML text. A `factory` entry is an error here: factories are
    /// code, so use [`from_toml_with`](Self::from_toml_with) to offer them.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        Self::from_toml_with(text, &[])
    }

    /// Parses a config from TOML text whose `[types."…"] factory = "name"` entries pick
    /// from `catalog`, the factories the program offers (see [`typeinfo::factory`](mod@typeinfo::factory)).
    pub fn from_toml_with(text: &str, catalog: &[Factory]) -> Result<Self, ConfigError> {
        let file: FileConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            message: e.to_string(),
        })?;
        let mut builder = SerializationConfig::builder();
        if let Some(format) = file.default_format {
            builder = builder.default_format(format);
        }
        if let Some(force) = file.force_kryo {
            builder = builder.force_kryo(force);
        }
        if let Some(force) = file.force_avro {
            builder = builder.force_avro(force);
        }
        if let Some(policy) = file.generic_types {
            builder = builder.generic_types(policy);
        }
        if let Some(kryo) = file.kryo {
            if let Some(required) = kryo.registration_required {
                builder = builder.kryo_registration_required(required);
            }
            if let Some(references) = kryo.references {
                builder = builder.kryo_references(references);
            }
            for (name, id) in kryo.registrations {
                builder = builder.kryo_register_raw(name, id);
            }
        }
        for (name, t) in file.types {
            builder = match (t.format, t.factory) {
                (Some(format), None) => builder.type_format(name, format),
                (None, Some(factory)) => builder.type_factory_named(name, &factory, catalog),
                (format, _) => builder.refuse(ConfigError::Invalid {
                    key: format!("types.\"{name}\""),
                    value: match format {
                        Some(_) => "both `format` and `factory`".into(),
                        None => "neither `format` nor `factory`".into(),
                    },
                    allowed: "one of them: `format` for a record type, `factory` for a type in generic positions".into(),
                }),
            };
        }
        if let Some(limits) = file.limits {
            if let Some(v) = limits.max_record_bytes {
                builder =
                    builder.limit("limits.max_record_bytes", v, |l, v| l.max_record_bytes = v);
            }
            if let Some(v) = limits.max_collection_len {
                builder = builder.limit("limits.max_collection_len", v, |l, v| {
                    l.max_collection_len = v
                });
            }
            if let Some(v) = limits.max_depth {
                builder = builder.limit("limits.max_depth", v, |l, v| l.max_depth = v as u32);
            }
        }
        builder.build()
    }

    /// The config as a TOML file that [`from_toml_with`](Self::from_toml_with) (given the
    /// same factories) reads back to an equal config, every key written out (the defaults
    /// too), so a user can see what is in effect.
    pub fn to_toml(&self) -> String {
        let file = FileConfig {
            default_format: Some(self.default_format),
            force_kryo: Some(self.force_kryo),
            force_avro: Some(self.force_avro),
            generic_types: Some(self.generic_types),
            limits: Some(FileLimits {
                max_record_bytes: Some(self.limits.max_record_bytes as u64),
                max_collection_len: Some(self.limits.max_collection_len as u64),
                max_depth: Some(u64::from(self.limits.max_depth)),
            }),
            types: (self.types.iter())
                .map(|(name, &format)| {
                    let entry = FileTypeConfig {
                        format: Some(format),
                        factory: None,
                    };
                    (name.clone(), entry)
                })
                .chain(self.factories.iter().map(|(name, factory)| {
                    let entry = FileTypeConfig {
                        format: None,
                        factory: Some(factory.name().to_owned()),
                    };
                    (name.clone(), entry)
                }))
                .collect(),
            kryo: Some(FileKryo {
                registration_required: Some(self.kryo.registration_required()),
                references: Some(self.kryo.references()),
                registrations: (self.kryo.registry().registrations())
                    .map(|(name, id)| (name.to_owned(), i64::from(id)))
                    .collect(),
            }),
        };
        toml::to_string(&file).expect("a config is plain keys, strings, integers and tables")
    }

    /// Reads and parses a TOML config file (see [`from_toml`](Self::from_toml)).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        Self::from_file_with(path, &[])
    }

    /// Reads and parses a TOML config file whose factory entries pick from `catalog`.
    pub fn from_file_with(
        path: impl AsRef<Path>,
        catalog: &[Factory],
    ) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_toml_with(&text, catalog)
    }
}
