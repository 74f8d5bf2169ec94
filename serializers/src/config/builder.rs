//! Setting the keys from code, with the same checks as the file.

use super::{ConfigError, Format, GenericTypes, SerializationConfig};
use crate::kryo::RegistryError;
use typeinfo::Limits;
use typeinfo::factory::Factory;

/// Builds a [`SerializationConfig`] with the same keys and checks as the file.
#[derive(Debug, Clone)]
#[must_use]
pub struct ConfigBuilder {
    config: SerializationConfig,
    errors: Vec<ConfigError>,
}

impl ConfigBuilder {
    pub(super) fn new() -> Self {
        ConfigBuilder {
            config: SerializationConfig::default(),
            errors: Vec::new(),
        }
    }

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

    /// A registration as the file gives it: any TOML integer, checked here and by the
    /// registry (the one place that knows which ids Kryo can write).
    pub(super) fn kryo_register_raw(mut self, class_name: String, id: i64) -> Self {
        let key = format!("kryo.registrations.\"{class_name}\"");
        if class_name.trim().is_empty() {
            return self.refuse(ConfigError::Invalid {
                key,
                value: "\"\"".into(),
                allowed: "a class name such as \"Event\"".into(),
            });
        }
        let registered = match u32::try_from(id) {
            Ok(id) => self
                .config
                .kryo
                .registry
                .register_name(&class_name, id)
                .map(|_| ()),
            Err(_) => Err(RegistryError::ReservedId {
                name: class_name.clone(),
                id: 0,
            }),
        };
        match registered {
            Ok(()) => self,
            Err(e) => self.refuse(ConfigError::Invalid {
                key,
                value: id.to_string(),
                allowed: e.allowed(),
            }),
        }
    }

    /// Refuse unregistered kryo classes.
    pub fn kryo_registration_required(mut self, required: bool) -> Self {
        self.config.kryo.registry.registration_required(required);
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
    pub(super) fn type_factory_named(
        self,
        type_name: String,
        name: &str,
        catalog: &[Factory],
    ) -> Self {
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

    pub(super) fn refuse(mut self, error: ConfigError) -> Self {
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
    pub(super) fn limit(
        mut self,
        key: &str,
        value: u64,
        set: impl FnOnce(&mut Limits, usize),
    ) -> Self {
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
