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

mod builder;
mod error;
mod file;
mod format;

pub use builder::ConfigBuilder;
pub use error::ConfigError;
pub use format::{Format, GenericTypes};

use crate::kryo::Registry;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use typeinfo::Limits;
use typeinfo::factory::{Factories, Factory};
use typeinfo::info::{GenericField, HasTypeInfo, TypeInfo};

/// The `[kryo]` section: how the kryo format writes classes. Its registrations are the
/// kryo [`Registry`] itself, checked as each is added, so the config and the serializer it
/// builds cannot disagree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KryoConfig {
    registry: Registry,
    references: bool,
}

impl KryoConfig {
    /// The class registrations, with `registration_required`.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Kryo's reference tracking (repeated strings as back references).
    pub fn references(&self) -> bool {
        self.references
    }

    pub fn registration_required(&self) -> bool {
        self.registry.is_registration_required()
    }
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

impl SerializationConfig {
    /// A builder that starts from the defaults.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::new()
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

    /// The factories that write some generic field of `T`: what a serializer of `T` built
    /// from this config hands its encoders and decoders (`Pojo::with_factories` and the
    /// like).
    pub fn factories_of<T: HasTypeInfo + ?Sized>(&self) -> Factories {
        let fields = T::TYPE_INFO.generic_fields();
        Factories::new(
            fields
                .iter()
                .filter_map(|f| self.factory_for(f.type_name))
                .cloned(),
        )
    }

    /// Whether `format` runs typeinfo's generated code for a record under this config (else
    /// the whole record goes through serde): pojo, compact and avro always do, kryo does
    /// while references are off.
    pub fn runs_generated_code(&self, format: Format) -> bool {
        format.is_generated() || (format == Format::Kryo && !self.kryo.references)
    }

    /// The format for `T` and why it was chosen.
    pub fn format_for<T: HasTypeInfo + ?Sized>(&self) -> (Format, &'static str) {
        if self.force_kryo {
            return (Format::Kryo, "force_kryo");
        }
        if self.force_avro {
            return (Format::Avro, "force_avro");
        }
        let entry = type_keys(T::TYPE_INFO)
            .into_iter()
            .flatten()
            .find_map(|key| self.types.get(key));
        match entry {
            Some(format) => (*format, "per-type override"),
            None => (self.default_format, "default format"),
        }
    }

    /// Applies the `generic_types` policy to `T`: its generic fields that go through serde
    /// (those whose type has a factory do not), or an error under `deny`. Under `warn` the
    /// first check of each type logs one warning (target `typeinfo`, through the `log`
    /// facade; the library itself never prints).
    pub fn check_generic_types<T: HasTypeInfo + ?Sized>(
        &self,
    ) -> Result<Vec<GenericField>, ConfigError> {
        let mut fields = T::TYPE_INFO.generic_fields();
        fields.retain(|f| self.factory_for(f.type_name).is_none());
        if fields.is_empty() {
            return Ok(fields);
        }
        let type_name = config_key::<T>().to_owned();
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
                    log::warn!(
                        target: "typeinfo",
                        "`{type_name}` has generic fields serialized through serde ({}); set generic_types = \"allow\" to silence or \"deny\" to refuse",
                        paths.join(", ")
                    );
                }
            }
        }
        Ok(fields)
    }
}

/// The names a `[types."…"]` entry may give a type, the stable one first: a derived type's
/// [`TypeName::key`](typeinfo::info::TypeName::key) (module path and name as written), then
/// its `core::any::type_name` (with generic arguments: an entry for one instantiation); a
/// type without a descriptor has only the latter.
fn type_keys(info: &TypeInfo) -> [Option<&'static str>; 2] {
    match info {
        TypeInfo::Struct(s) => [Some(s.name.key), Some(s.name.full_name())],
        TypeInfo::Enum(e) => [Some(e.name.key), Some(e.name.full_name())],
        TypeInfo::Generic(g) => [Some((g.type_name)()), None],
        _ => [None, None],
    }
}

/// The name `explain` prints for `T`, the one to copy into a `[types."…"]` entry.
pub fn config_key<T: HasTypeInfo + ?Sized>() -> &'static str {
    type_keys(T::TYPE_INFO)[0].unwrap_or_else(core::any::type_name::<T>)
}
