//! The serializer selection config, after Flink's `pipeline.serialization-config`,
//! `pipeline.force-kryo`, `pipeline.force-avro` and `pipeline.generic-types`.
//!
//! The same keys are read from a TOML file and set through [`ConfigBuilder`]; both end in
//! the same validation, so a bad value is refused the same way wherever it came from:
//!
//! ```toml
//! default_format = "pojo"
//! generic_types = "warn"          # allow | warn | deny
//!
//! [limits]
//! max_record_bytes = 1048576
//! max_collection_len = 65536
//! max_depth = 64
//!
//! [types."my_app::Event"]
//! format = "pojo"
//!
//! [types."geo::Point"]            # a type in generic positions → a factory registered in
//! factory = "geo-point"           # code (see `typeinfo::factory` and `from_toml_with`)
//!
//! [kryo]
//! registration_required = false
//! references = false
//!
//! [kryo.registrations]          # class name (as serde names the type) → id
//! Event = 12
//! ```

use crate::factory::{Factories, Factory};
use crate::info::{GenericField, HasTypeInfo, TypeInfo};
use crate::limits::Limits;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::Mutex;

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

    /// Whether the format runs typeinfo's generated code (else it goes through serde and
    /// needs the type's `Serialize` and `Deserialize`).
    pub fn is_generated(self) -> bool {
        matches!(self, Format::Pojo | Format::Compact | Format::Avro)
    }

    fn allowed() -> String {
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
    /// Serialize them, and say so once per type on standard error.
    #[default]
    Warn,
    /// Refuse to create a serializer for the type.
    Deny,
}

/// The ids Kryo reserves for its default registrations (int, String, float, boolean, byte,
/// char, short, long, double): user ids start after them.
pub const KRYO_FIRST_USER_ID: u32 = 9;
/// The largest class id Kryo can write (`id + 2` must fit its int varint).
pub const KRYO_MAX_ID: u32 = i32::MAX as u32 - 2;

/// The `[kryo]` section: how the kryo format writes classes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KryoConfig {
    /// Class name (as serde names the type) → id.
    pub registrations: BTreeMap<String, u32>,
    /// Refuse unregistered classes, on both sides.
    pub registration_required: bool,
    /// Kryo's reference tracking (repeated strings as back references).
    pub references: bool,
}

/// A validated selection config.
#[derive(Debug, Clone, PartialEq)]
pub struct SerializationConfig {
    default_format: Format,
    force_kryo: bool,
    force_avro: bool,
    generic_types: GenericTypes,
    types: BTreeMap<String, Format>,
    /// Type name → the factory that writes it in generic positions.
    factories: BTreeMap<String, Factory>,
    kryo: KryoConfig,
    limits: Limits,
}

impl Default for SerializationConfig {
    fn default() -> Self {
        SerializationConfig {
            default_format: Format::Pojo,
            force_kryo: false,
            force_avro: false,
            generic_types: GenericTypes::default(),
            types: BTreeMap::new(),
            factories: BTreeMap::new(),
            kryo: KryoConfig::default(),
            limits: Limits::DEFAULT,
        }
    }
}

/// Why a config is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    Io { path: String, message: String },
    /// The TOML is malformed, or has an unknown key or value (the message names it, where it
    /// is, and what is allowed).
    Parse { message: String },
    /// A key holds a value that is not allowed.
    Invalid {
        key: String,
        value: String,
        allowed: String,
    },
    /// `generic_types = "deny"` and the type holds generic fields.
    GenericTypeDenied {
        type_name: String,
        fields: Vec<GenericField>,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io { path, message } => write!(f, "cannot read config {path}: {message}"),
            ConfigError::Parse { message } => write!(f, "bad config: {}", message.trim_end()),
            ConfigError::Invalid {
                key,
                value,
                allowed,
            } => {
                write!(
                    f,
                    "bad config: `{key}` = {value} is not allowed; allowed: {allowed}"
                )
            }
            ConfigError::GenericTypeDenied { type_name, fields } => {
                write!(
                    f,
                    "generic types are denied (generic_types = \"deny\"), but `{type_name}` has generic fields: "
                )?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{}` ({})", field.display_path(), field.type_name)?;
                }
                f.write_str("; give those fields a type with a TypeInfo or a `with` codec, register a factory for their types ([types.\"…\"] factory = …), or set generic_types = \"warn\" or \"allow\"")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

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
    /// A builder that starts from the defaults.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder {
            config: SerializationConfig::default(),
            errors: Vec::new(),
        }
    }

    /// Parses a config from TOML text. A `factory` entry is an error here: factories are
    /// code, so use [`from_toml_with`](Self::from_toml_with) to offer them.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        Self::from_toml_with(text, &[])
    }

    /// Parses a config from TOML text whose `[types."…"] factory = "name"` entries pick
    /// from `catalog`, the factories the program offers (see [`crate::factory`]).
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
                registration_required: Some(self.kryo.registration_required),
                references: Some(self.kryo.references),
                registrations: (self.kryo.registrations.iter())
                    .map(|(name, &id)| (name.clone(), i64::from(id)))
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

    pub fn default_format(&self) -> Format {
        self.default_format
    }

    pub fn generic_types(&self) -> GenericTypes {
        self.generic_types
    }

    /// Whether every type is serialized with kryo (Flink's `pipeline.force-kryo`).
    pub fn force_kryo(&self) -> bool {
        self.force_kryo
    }

    /// Whether every type is serialized with avro (Flink's `pipeline.force-avro`).
    pub fn force_avro(&self) -> bool {
        self.force_avro
    }

    /// The `[kryo]` section.
    pub fn kryo(&self) -> &KryoConfig {
        &self.kryo
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The per-type overrides, by full Rust type name.
    pub fn type_overrides(&self) -> &BTreeMap<String, Format> {
        &self.types
    }

    /// The per-type factories, by full Rust type name.
    pub fn type_factories(&self) -> &BTreeMap<String, Factory> {
        &self.factories
    }

    /// The factory for the type named `type_name` (as `core::any::type_name` gives it).
    pub fn factory_for(&self, type_name: &str) -> Option<&Factory> {
        self.factories.get(type_name)
    }

    /// The factories that write some generic field of `T`, to put in force (with
    /// [`Factories::scope`]) while `T` is encoded or decoded.
    pub fn factories_of<T: HasTypeInfo + ?Sized>(&self) -> Factories {
        let fields = T::TYPE_INFO.generic_fields();
        Factories::new(
            fields
                .iter()
                .filter_map(|f| self.factory_for(f.type_name))
                .cloned(),
        )
    }

    /// The format for `T` and why it was chosen.
    pub fn format_for<T: HasTypeInfo + ?Sized>(&self) -> (Format, &'static str) {
        if self.force_kryo {
            return (Format::Kryo, "force_kryo");
        }
        if self.force_avro {
            return (Format::Avro, "force_avro");
        }
        let name = type_name_of(T::TYPE_INFO);
        match name.and_then(|n| self.types.get(n)) {
            Some(format) => (*format, "per-type override"),
            None => (self.default_format, "default format"),
        }
    }

    /// Applies the `generic_types` policy to `T`: its generic fields that go through serde
    /// (those whose type has a factory do not), or an error under `deny`. Under `warn` the
    /// first check of each type prints one line to standard error.
    pub fn check_generic_types<T: HasTypeInfo + ?Sized>(
        &self,
    ) -> Result<Vec<GenericField>, ConfigError> {
        let mut fields = T::TYPE_INFO.generic_fields();
        fields.retain(|f| self.factory_for(f.type_name).is_none());
        if fields.is_empty() {
            return Ok(fields);
        }
        let type_name = type_name_of(T::TYPE_INFO)
            .unwrap_or_else(|| core::any::type_name::<T>())
            .to_owned();
        match self.generic_types {
            GenericTypes::Allow => {}
            GenericTypes::Deny => return Err(ConfigError::GenericTypeDenied { type_name, fields }),
            GenericTypes::Warn => {
                static WARNED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
                let first = WARNED
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .insert(type_name.clone());
                if first {
                    let paths: Vec<_> = fields.iter().map(GenericField::display_path).collect();
                    eprintln!(
                        "typeinfo: warning: `{type_name}` has generic fields serialized through serde ({}); set generic_types = \"allow\" to silence or \"deny\" to refuse",
                        paths.join(", ")
                    );
                }
            }
        }
        Ok(fields)
    }
}

fn type_name_of(info: &TypeInfo) -> Option<&'static str> {
    match info {
        TypeInfo::Struct(s) => Some(s.name.full_name()),
        TypeInfo::Enum(e) => Some(e.name.full_name()),
        TypeInfo::Generic(g) => Some((g.type_name)()),
        _ => None,
    }
}

/// Builds a [`SerializationConfig`] with the same keys and checks as the file.
#[derive(Debug, Clone)]
#[must_use]
pub struct ConfigBuilder {
    config: SerializationConfig,
    errors: Vec<ConfigError>,
}

impl ConfigBuilder {
    pub fn default_format(mut self, format: Format) -> Self {
        self.config.default_format = format;
        self
    }

    pub fn generic_types(mut self, policy: GenericTypes) -> Self {
        self.config.generic_types = policy;
        self
    }

    /// Serializes every type with kryo; per-type formats other than kryo then conflict.
    pub fn force_kryo(mut self, force: bool) -> Self {
        self.config.force_kryo = force;
        self
    }

    /// Serializes every type with avro; per-type formats other than avro then conflict, and
    /// so does `force_kryo`.
    pub fn force_avro(mut self, force: bool) -> Self {
        self.config.force_avro = force;
        self
    }

    /// Registers the kryo class `class_name` (the type's name as serde gives it: `Event`)
    /// with `id`, from 9 (Kryo's defaults take 0 to 8) to 2^31 - 3.
    pub fn kryo_register(self, class_name: impl Into<String>, id: u32) -> Self {
        self.kryo_register_raw(class_name.into(), i64::from(id))
    }

    fn kryo_register_raw(mut self, class_name: String, id: i64) -> Self {
        let key = format!("kryo.registrations.\"{class_name}\"");
        let in_range = u32::try_from(id)
            .ok()
            .filter(|id| (KRYO_FIRST_USER_ID..=KRYO_MAX_ID).contains(id));
        let Some(id) = in_range else {
            self.errors.push(ConfigError::Invalid {
                key,
                value: id.to_string(),
                allowed: format!(
                    "an id from {KRYO_FIRST_USER_ID} to {KRYO_MAX_ID} (0 to 8 are Kryo's default registrations)"
                ),
            });
            return self;
        };
        if class_name.trim().is_empty() {
            self.errors.push(ConfigError::Invalid {
                key,
                value: "\"\"".into(),
                allowed: "a class name such as \"Event\"".into(),
            });
            return self;
        }
        let taken = self
            .config
            .kryo
            .registrations
            .iter()
            .find(|(name, taken)| **taken == id && **name != class_name);
        if let Some((other, _)) = taken {
            self.errors.push(ConfigError::Invalid {
                key,
                value: id.to_string(),
                allowed: format!("an id not already registered (`{other}` has {id})"),
            });
            return self;
        }
        self.config.kryo.registrations.insert(class_name, id);
        self
    }

    /// Refuse unregistered kryo classes.
    pub fn kryo_registration_required(mut self, required: bool) -> Self {
        self.config.kryo.registration_required = required;
        self
    }

    /// Kryo's reference tracking.
    pub fn kryo_references(mut self, references: bool) -> Self {
        self.config.kryo.references = references;
        self
    }

    /// Serializes the type with this full Rust name (`my_app::Event`) in `format`.
    pub fn type_format(mut self, type_name: impl Into<String>, format: Format) -> Self {
        let type_name = type_name.into();
        if type_name.trim().is_empty() {
            self.errors.push(ConfigError::Invalid {
                key: "types".into(),
                value: "\"\"".into(),
                allowed: "a full Rust type name such as \"my_app::Event\"".into(),
            });
        }
        self.config.types.insert(type_name, format);
        self
    }

    /// Writes the factory's type, wherever it is a generic field, with the factory (Flink's
    /// `{type: typeinfo, class: …}`); a later factory for the same type replaces it.
    pub fn type_factory(mut self, factory: Factory) -> Self {
        let type_name = factory.type_name().to_owned();
        self.config.factories.insert(type_name, factory);
        self
    }

    /// The file's `[types."type_name"] factory = "name"`: the factory of that name in
    /// `catalog`, which must write the type the entry names.
    fn type_factory_named(self, type_name: String, name: &str, catalog: &[Factory]) -> Self {
        let key = format!("types.\"{type_name}\".factory");
        let Some(factory) = catalog.iter().find(|f| f.name() == name) else {
            let offered: Vec<_> = catalog
                .iter()
                .map(|f| format!("\"{}\"", f.name()))
                .collect();
            let allowed = match offered.is_empty() {
                true => "a factory the program registers; it offers none (factories are code: pass them to from_toml_with or from_file_with)".to_owned(),
                false => format!("a factory the program registers: {}", offered.join(", ")),
            };
            return self.refuse(ConfigError::Invalid {
                key,
                value: format!("\"{name}\""),
                allowed,
            });
        };
        if factory.type_name() != type_name {
            let allowed = format!(
                "a factory for `{type_name}`; \"{name}\" writes `{}`, so its entry is [types.\"{}\"]",
                factory.type_name(),
                factory.type_name()
            );
            return self.refuse(ConfigError::Invalid {
                key,
                value: format!("\"{name}\""),
                allowed,
            });
        }
        self.type_factory(factory.clone())
    }

    fn refuse(mut self, error: ConfigError) -> Self {
        self.errors.push(error);
        self
    }

    pub fn max_record_bytes(self, bytes: usize) -> Self {
        self.limit("limits.max_record_bytes", bytes as u64, |l, v| {
            l.max_record_bytes = v
        })
    }

    pub fn max_collection_len(self, len: usize) -> Self {
        self.limit("limits.max_collection_len", len as u64, |l, v| {
            l.max_collection_len = v
        })
    }

    pub fn max_depth(self, depth: u32) -> Self {
        self.limit("limits.max_depth", u64::from(depth), |l, v| {
            l.max_depth = v as u32
        })
    }

    /// Sets a limit after checking it is positive and fits: depth at most 4096 (deeper
    /// recursion would overflow the stack before the limit could help), sizes at most what
    /// both a TOML integer and `usize` hold, so every config can be written as a file.
    fn limit(mut self, key: &str, value: u64, set: impl FnOnce(&mut Limits, usize)) -> Self {
        let max: u64 = if key.ends_with("max_depth") {
            4096
        } else {
            (usize::MAX as u64).min(i64::MAX as u64)
        };
        match usize::try_from(value) {
            Ok(v) if value >= 1 && value <= max => set(&mut self.config.limits, v),
            _ => self.errors.push(ConfigError::Invalid {
                key: key.into(),
                value: value.to_string(),
                allowed: format!("a whole number from 1 to {max}"),
            }),
        }
        self
    }

    /// The config, or the first problem found.
    pub fn build(mut self) -> Result<SerializationConfig, ConfigError> {
        if self.config.force_kryo && self.config.generic_types == GenericTypes::Deny {
            // Flink refuses the same pair: force-kryo makes every type a generic type.
            self.errors.push(ConfigError::Invalid {
                key: "generic_types".into(),
                value: "\"deny\"".into(),
                allowed: "\"allow\" or \"warn\" while force_kryo = true (every type then goes through kryo, the generic path that deny forbids)".into(),
            });
        }
        if self.config.force_kryo && self.config.force_avro {
            self.errors.push(ConfigError::Invalid {
                key: "force_avro".into(),
                value: "true".into(),
                allowed: "false while force_kryo = true (each forces every type into its format); keep one".into(),
            });
        }
        let forced = [
            (self.config.force_kryo, Format::Kryo, "force_kryo"),
            (self.config.force_avro, Format::Avro, "force_avro"),
        ];
        for (_, only, key) in forced.into_iter().filter(|(on, ..)| *on) {
            let conflict = self.config.types.iter().find(|(_, f)| **f != only);
            if let Some((name, format)) = conflict {
                self.errors.push(ConfigError::Invalid {
                    key: format!("types.\"{name}\".format"),
                    value: format!("\"{format}\""),
                    allowed: format!("only \"{only}\" while {key} = true (it applies to every type); remove the entry or {key}"),
                });
            }
        }
        if let Some(name) =
            (self.config.types.keys()).find(|n| self.config.factories.contains_key(*n))
        {
            self.errors.push(ConfigError::Invalid {
                key: format!("types.\"{name}\""),
                value: "both a format and a factory".into(),
                allowed: "one of them: a format for a record type, a factory for a type in generic positions".into(),
            });
        }
        match self.errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(self.config),
        }
    }
}
