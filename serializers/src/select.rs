//! From a config and a type to a ready serializer: the one entry point that applies the
//! selection rules (format, per-type overrides, `generic_types`, limits), and says why.

use crate::compact::Compact;
use crate::config::{ConfigError, Format, SerializationConfig};
use crate::kryo::{Generated, Kryo};
use crate::pojo::Pojo;
use crate::record::RecordSerializer;
use core::fmt;
use serde::{Serialize, de::DeserializeOwned};
use typeinfo::factory::Factories;
use typeinfo::info::GenericField;
use typeinfo::{Decode, DecodeError, Encode, EncodeError, HasTypeInfo, TypeInfo};

/// The serializer a config selects for `T`: one dynamic call per record into code
/// monomorphised for `T`.
pub struct Serializer<T> {
    explanation: Explanation,
    inner: Box<dyn RecordSerializer<T>>,
}

/// Which serializer a type gets, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The type's name in config entries ([`crate::config::config_key`]): its module path
    /// and name as written, for a derived type.
    pub type_name: &'static str,
    pub format: Format,
    /// `default format` or `per-type override`.
    pub reason: &'static str,
    /// The fields of the type that go through serde inside a generated format.
    pub generic_fields: Vec<GenericField>,
    /// The generic fields whose type has a factory in the config, and whether the format
    /// runs it (a format that takes the whole record through serde does not).
    pub factory_fields: Vec<FactoryField>,
    /// Under kryo: the type's class name and its id, if registered.
    pub kryo_class: Option<(&'static str, Option<u32>)>,
    /// Whether typeinfo's generated code writes the record (pojo, compact, avro, kryo
    /// without references), where generic fields and their factories live; else the whole
    /// record goes through serde.
    pub generated: bool,
}

/// A generic field written by a factory from the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactoryField {
    pub field: GenericField,
    /// The factory's name.
    pub factory: &'static str,
    /// Whether the selected format runs it: the generated formats do; a format that takes
    /// the whole record through serde never reaches the field.
    pub used: bool,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} → {} ({})", self.type_name, self.format, self.reason)?;
        match self.kryo_class {
            Some((class, Some(id))) => write!(f, "; class `{class}` registered as id {id}")?,
            Some((class, None)) => write!(
                f,
                "; class `{class}` is not registered, so every record carries its name"
            )?,
            None => {}
        }
        if self.generated && self.format == Format::Kryo {
            f.write_str(match self.factory_fields.is_empty() {
                true => "; generated code writes Kryo's bytes (fields by name, generic fields through serde)",
                false => "; generated code writes Kryo's bytes (fields by name, generic fields through serde where no factory writes them)",
            })?;
        } else if self.format == Format::Kryo {
            f.write_str("; the whole record goes through serde (kryo references are on)")?;
        } else if !self.generated {
            f.write_str("; the whole record goes through serde")?;
        }
        for FactoryField {
            field,
            factory,
            used,
        } in &self.factory_fields
        {
            let path = field.display_path();
            match used {
                true => write!(
                    f,
                    "; field `{path}` is generic ({}) → factory `{factory}`",
                    field.type_name
                )?,
                false => write!(
                    f,
                    "; factory `{factory}` for field `{path}` ({}) is not used: {} never reaches the field",
                    field.type_name, self.format
                )?,
            }
        }
        if !self.generated {
            return Ok(());
        }
        for field in &self.generic_fields {
            write!(
                f,
                "; field `{}` is generic ({}) → serde inside {}",
                field.display_path(),
                field.type_name,
                self.format
            )?;
        }
        Ok(())
    }
}

impl<T> fmt::Debug for Serializer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Serializer")
            .field("explanation", &self.explanation)
            .finish()
    }
}

/// The choice for `T` under `config`, before building anything.
fn explain<T: HasTypeInfo>(config: &SerializationConfig) -> Result<Explanation, ConfigError> {
    let (format, reason) = config.format_for::<T>();
    // The generic-field fallback exists only inside the generated code; a serde format
    // (a baseline, kryo with references) takes the whole record through serde anyway.
    let generated = config.runs_generated_code(format);
    let generic_fields = if format.is_generated() {
        config.check_generic_types::<T>()?
    } else {
        Vec::new()
    };
    let factory_fields = (T::TYPE_INFO.generic_fields().into_iter())
        .filter_map(|field| {
            let factory = config.factory_for(field.type_name)?.name();
            Some(FactoryField {
                field,
                factory,
                used: generated,
            })
        })
        .collect();
    if format == Format::Kryo {
        check_registrations::<T>(config)?;
    }
    let kryo_class = (format == Format::Kryo)
        .then(|| crate::kryo::class_name(T::TYPE_INFO))
        .flatten()
        .map(|class| (class, config.kryo().registry().id_of(class)));
    Ok(Explanation {
        type_name: crate::config::config_key::<T>(),
        format,
        reason,
        generic_fields,
        factory_fields,
        kryo_class,
        generated,
    })
}

/// With `registration_required`, every class `T` writes must be registered: refused here,
/// naming each one, rather than on every record.
fn check_registrations<T: HasTypeInfo>(config: &SerializationConfig) -> Result<(), ConfigError> {
    let registry = config.kryo().registry();
    if !registry.is_registration_required() {
        return Ok(());
    }
    let missing: Vec<_> = (crate::kryo::classes(T::TYPE_INFO).into_iter())
        .filter(|class| registry.id_of(class).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let list = missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>();
    Err(ConfigError::Invalid {
        key: "kryo.registration_required".into(),
        value: "true".into(),
        allowed: format!(
            "it only when every class `{}` writes is registered; not registered: {} (add each under [kryo.registrations] with an id from {})",
            crate::config::config_key::<T>(),
            list.join(", "),
            crate::kryo::FIRST_USER_ID,
        ),
    })
}

/// The kryo serializer the config's `[kryo]` section describes.
pub fn kryo(config: &SerializationConfig) -> Kryo {
    let section = config.kryo();
    Kryo::new(section.registry().clone())
        .references(section.references())
        .limits(*config.limits())
}

/// The avro codec of `T`: an error names the type and why it has no Avro schema.
#[cfg(feature = "avro")]
fn avro<T: Encode + Decode + 'static>(
    config: &SerializationConfig,
    explanation: &Explanation,
    factories: Factories,
) -> Result<Box<dyn RecordSerializer<T>>, ConfigError> {
    match crate::avro::AvroCodec::<T>::new(*config.limits()) {
        Ok(codec) => Ok(Box::new(codec.with_factories(factories))),
        Err(e) => Err(ConfigError::Invalid {
            key: format!("format of {}", explanation.type_name),
            value: format!("\"{}\" ({})", explanation.format, explanation.reason),
            allowed: format!("a format whose schema the type has; {e}"),
        }),
    }
}

/// Left out of this build: [`explain`] refuses the format before this is reached.
#[cfg(not(feature = "avro"))]
fn avro<T: Encode + Decode + 'static>(
    _: &SerializationConfig,
    explanation: &Explanation,
    _: Factories,
) -> Result<Box<dyn RecordSerializer<T>>, ConfigError> {
    Err(missing_feature(explanation, "avro"))
}

/// A config that selects a format this build leaves out.
/// A type serde reads through `deserialize_any` (internally, adjacently or un-tagged
/// enums), anywhere inside `T`, written by a format that does not describe itself: the
/// bytes would write but never read back, so the serializer is refused when built.
fn refuse_what_serde_cannot_read_back<T: HasTypeInfo>(
    explanation: &Explanation,
) -> Result<(), ConfigError> {
    if explanation.format.is_self_describing() {
        return Ok(());
    }
    let mut found = None;
    T::TYPE_INFO.visit(&mut |ty| {
        let name = match ty {
            TypeInfo::Struct(s) => &s.name,
            TypeInfo::Enum(e) => &e.name,
            _ => return,
        };
        if let (None, Some(attr)) = (&found, name.serde_reads_any) {
            found = Some((name.key, attr));
        }
    });
    let Some((ty, attr)) = found else {
        return Ok(());
    };
    Err(ConfigError::Invalid {
        key: format!("format of {}", explanation.type_name),
        value: format!("\"{}\" ({})", explanation.format, explanation.reason),
        allowed: format!(
            "a format serde can read `{ty}` back from: `{attr}` makes serde read it without \
             being told its shape, which only self-describing formats answer (json, msgpack); \
             or a generated format (pojo, compact, avro, kryo with references off), which \
             writes the enum as it is declared"
        ),
    })
}

fn missing_feature(explanation: &Explanation, feature: &str) -> ConfigError {
    let built: Vec<_> = (Format::ALL.iter())
        .filter(|f| f.missing_feature().is_none())
        .map(|f| f.name())
        .collect();
    ConfigError::Invalid {
        key: format!("format of {}", explanation.type_name),
        value: format!("\"{}\" ({})", explanation.format, explanation.reason),
        allowed: format!(
            "a format this build has: {}; \"{}\" needs the `{feature}` feature of typeinfo-serializers",
            built.join(", "),
            explanation.format
        ),
    }
}

/// The serializer of generated code the explanation chose, carrying the config's factories
/// for `T` to every encoder and decoder it makes, or `None` for one through serde (a
/// baseline, or kryo with references).
fn generated<T: Encode + Decode + 'static>(
    config: &SerializationConfig,
    explanation: &Explanation,
) -> Result<Option<Box<dyn RecordSerializer<T>>>, ConfigError> {
    let limits = *config.limits();
    let factories = config.factories_of::<T>();
    Ok(match explanation.format {
        Format::Pojo => Some(Box::new(Pojo::new(limits).with_factories(factories))),
        Format::Compact => Some(Box::new(Compact::new(limits).with_factories(factories))),
        Format::Avro => Some(avro::<T>(config, explanation, factories)?),
        // `Generated` refuses references: those records go through serde.
        Format::Kryo => Generated::new(kryo(config))
            .ok()
            .map(|g| Box::new(g.with_factories(factories)) as Box<dyn RecordSerializer<T>>),
        Format::BincodeSerde
        | Format::Msgpack
        | Format::MsgpackNamed
        | Format::Json
        | Format::SimdJson
        | Format::JsonValue => None,
    })
}

impl<T: Encode + Decode + 'static> Serializer<T> {
    /// The serializer for `T` under `config`, for a type that has only the derive: a config
    /// that selects a serde baseline for it is an error that says so.
    pub fn new(config: &SerializationConfig) -> Result<Self, ConfigError> {
        let explanation = explain::<T>(config)?;
        let inner = generated(config, &explanation)?.ok_or_else(|| ConfigError::Invalid {
            key: format!("format of {}", explanation.type_name),
            value: format!("\"{}\"", explanation.format),
            allowed: format!(
                "{}, or kryo without references, for a type without serde; build with Serializer::with_serde for the serde formats",
                Format::ALL.iter().filter(|f| f.is_generated()).map(|f| f.name()).collect::<Vec<_>>().join(", ")
            ),
        })?;
        Ok(Serializer { explanation, inner })
    }
}

impl<T: Encode + Decode + Serialize + DeserializeOwned + 'static> Serializer<T> {
    /// The serializer for `T` under `config`, for a type that also implements serde, so
    /// every format is possible.
    pub fn with_serde(config: &SerializationConfig) -> Result<Self, ConfigError> {
        let explanation = explain::<T>(config)?;
        if let Some(inner) = generated(config, &explanation)? {
            return Ok(Serializer { explanation, inner });
        }
        // Every generated format was built above; what is left goes through serde.
        refuse_what_serde_cannot_read_back::<T>(&explanation)?;
        let inner = crate::baselines::of_format(explanation.format, *config.limits())
            .or_else(|| (explanation.format == Format::Kryo).then(|| Box::new(kryo(config)) as _))
            .ok_or_else(|| {
                let feature = explanation.format.missing_feature().unwrap_or("?");
                missing_feature(&explanation, feature)
            })?;
        Ok(Serializer { explanation, inner })
    }
}

impl<T> Serializer<T> {
    pub fn format(&self) -> Format {
        self.explanation.format
    }

    /// Why this format was chosen (`default format`, `per-type override`).
    pub fn reason(&self) -> &'static str {
        self.explanation.reason
    }

    /// The fields of `T` that go through the generic fallback.
    pub fn generic_fields(&self) -> &[GenericField] {
        &self.explanation.generic_fields
    }

    /// The choice and its reasons, for people.
    pub fn explanation(&self) -> &Explanation {
        &self.explanation
    }

    /// Appends the encoding of `value` to `out`.
    #[inline]
    pub fn encode_into(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.inner.write_record(value, out)
    }

    /// Decodes one value that fills `bytes` exactly.
    #[inline]
    pub fn decode(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.inner.read_record(bytes)
    }
}

/// The engine and the reports take any `RecordSerializer`; a selected one is one.
impl<T> RecordSerializer<T> for Serializer<T> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    #[inline]
    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.inner.write_record(value, out)
    }

    #[inline]
    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.inner.read_record(bytes)
    }

    fn record_to_vec(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        self.inner.record_to_vec(value)
    }

    fn record_snapshot(&self) -> Option<typeinfo::snapshot::Snapshot> {
        self.inner.record_snapshot()
    }
    fn read_record_by(
        &self,
        bytes: &[u8],
        migration: &typeinfo::snapshot::Migration<T>,
    ) -> Result<T, DecodeError>
    where
        T: typeinfo::Decode,
    {
        self.inner.read_record_by(bytes, migration)
    }
}
