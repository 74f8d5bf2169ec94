//! From a config and a type to a ready serializer: the one entry point that applies the
//! selection rules (format, per-type overrides, `generic_types`, limits).

use crate::compact::Compact;
use crate::pojo::Pojo;
use crate::record::RecordCodec;
use core::marker::PhantomData;
use typeinfo::config::{ConfigError, Format, SerializationConfig};
use typeinfo::info::GenericField;
use typeinfo::{Decode, DecodeError, Encode, EncodeError, Limits};

/// The serializer a config selects for `T`. The format is matched once per record; the
/// code behind each arm is monomorphised for `T`.
#[derive(Debug)]
pub struct Serializer<T> {
    format: Format,
    reason: &'static str,
    generic_fields: Vec<GenericField>,
    limits: Limits,
    _type: PhantomData<fn(&T) -> T>,
}

impl<T> Clone for Serializer<T> {
    fn clone(&self) -> Self {
        Serializer {
            format: self.format,
            reason: self.reason,
            generic_fields: self.generic_fields.clone(),
            limits: self.limits,
            _type: PhantomData,
        }
    }
}

impl<T: Encode + Decode> Serializer<T> {
    /// The serializer for `T` under `config`, or why there is none (a generic field under
    /// `generic_types = "deny"`).
    pub fn new(config: &SerializationConfig) -> Result<Self, ConfigError> {
        let generic_fields = config.check_generic_types::<T>()?;
        let (format, reason) = config.format_for::<T>();
        Ok(Serializer {
            format,
            reason,
            generic_fields,
            limits: *config.limits(),
            _type: PhantomData,
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// Why this format was chosen (`default format`, `per-type override`).
    pub fn reason(&self) -> &'static str {
        self.reason
    }

    /// The fields of `T` that go through the generic fallback.
    pub fn generic_fields(&self) -> &[GenericField] {
        &self.generic_fields
    }

    /// Appends the encoding of `value` to `out`.
    #[inline]
    pub fn encode_into(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self.format {
            Format::Pojo => Pojo::new(self.limits).encode_into(value, out),
            Format::Compact => Compact::new(self.limits).encode_into(value, out),
        }
    }

    /// Decodes one value that fills `bytes` exactly.
    #[inline]
    pub fn decode(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        match self.format {
            Format::Pojo => Pojo::new(self.limits).decode(bytes),
            Format::Compact => Compact::new(self.limits).decode(bytes),
        }
    }
}
