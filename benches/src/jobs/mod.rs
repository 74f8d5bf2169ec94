//! The built-in jobs, and the format their edges use.

pub mod etl;
pub mod flink_mini;
pub mod transfer;

use serde::{Serialize, de::DeserializeOwned};
use std::sync::Arc;
use typeinfo::{Decode, Encode, HasTypeInfo};
use typeinfo_engine::EngineError;
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::config::{Format, GenericTypes, SerializationConfig};
use typeinfo_serializers::kryo::class_name;
use typeinfo_serializers::select::Serializer;

/// The format every edge of a job uses: any [`Format`], with kryo registering the job's
/// record types (Flink's "Kryo registered"), or `kryo-unregistered` (Flink's "Kryo default":
/// every record carries its class name).
#[derive(Debug, Clone)]
pub struct JobFormat {
    name: String,
    format: Format,
    register: bool,
    /// The serializers' record limit: the same number the network refuses records over.
    max_record_bytes: usize,
}

impl JobFormat {
    pub fn parse(name: &str) -> Result<Self, EngineError> {
        let (format, register) = match name {
            "kryo-unregistered" => (Format::Kryo, false),
            other => (
                other.parse::<Format>().map_err(|_| EngineError::Config {
                    key: "format".into(),
                    value: name.into(),
                    allowed: format!("one of {}", Self::names().join(", ")),
                })?,
                true,
            ),
        };
        Ok(JobFormat {
            name: name.to_owned(),
            format,
            register,
            max_record_bytes: typeinfo::Limits::DEFAULT.max_record_bytes,
        })
    }

    /// The record limit of the job's serializers: give it the network's
    /// `max_record_bytes`, so both sides of an edge refuse the same records.
    pub fn with_max_record_bytes(mut self, bytes: usize) -> Self {
        self.max_record_bytes = bytes;
        self
    }

    /// Every name [`JobFormat::parse`] takes.
    pub fn names() -> Vec<&'static str> {
        let mut names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        names.insert(3, "kryo-unregistered");
        names
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// The serializer of `T` for an edge; `classes` are the kryo classes the job registers
    /// (ids from 10 up, in order, past Kryo's defaults).
    pub fn serializer<T>(
        &self,
        classes: &[&'static str],
    ) -> Result<Arc<dyn RecordSerializer<T>>, EngineError>
    where
        T: Encode + Decode + Serialize + DeserializeOwned + Send + Sync + 'static,
    {
        let config = self.config(classes)?;
        Ok(Arc::new(
            Serializer::<T>::with_serde(&config).map_err(|e| self.config_error(e))?,
        ))
    }

    /// The selection config of the job's edges (see [`JobFormat::serializer`]).
    pub fn config(&self, classes: &[&'static str]) -> Result<SerializationConfig, EngineError> {
        // The jobs' generic fields are deliberate (flink-mini's `someObject`, as in Flink's
        // benchmark), so they are allowed without the warning a user's config would give.
        let mut builder = (SerializationConfig::builder().default_format(self.format))
            .max_record_bytes(self.max_record_bytes)
            .generic_types(GenericTypes::Allow);
        if self.format == Format::Kryo && self.register {
            for (id, class) in (10..).zip(classes) {
                builder = builder.kryo_register(*class, id);
            }
        }
        builder.build().map_err(|e| self.config_error(e))
    }

    /// A config the format cannot give, as the engine's config error.
    pub fn config_error(&self, error: typeinfo_serializers::config::ConfigError) -> EngineError {
        EngineError::Config {
            key: "format".into(),
            value: self.name.clone(),
            allowed: error.to_string(),
        }
    }
}

/// The kryo class name of a derived record type.
pub(crate) fn class<T: HasTypeInfo>() -> &'static str {
    class_name(T::TYPE_INFO).expect("job records are structs or enums")
}
