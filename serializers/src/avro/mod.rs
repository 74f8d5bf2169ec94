//! `avro`: Avro's binary encoding (spec 1.11), written and read by generated code from the
//! schema derived from the type, with object container files, the single-object encoding
//! and apache-avro's conventions for the Rust types Avro has no type for. The mapping and
//! what is supported is in `docs/formats/avro.md`.
//!
//! ```
//! use typeinfo::prelude::*;
//! use typeinfo_serializers::avro;
//!
//! #[derive(TypeInfo, Debug, PartialEq)]
//! struct Reading { sensor: String, celsius: f32, note: Option<String> }
//!
//! let v = Reading { sensor: "t1".into(), celsius: 21.5, note: None };
//! let bytes = avro::to_vec(&v)?;
//! // "t1" (length 2 zigzagged = 4), the float, union branch 0 (null).
//! assert_eq!(bytes, [4, b't', b'1', 0, 0, 0xac, 0x41, 0]);
//! assert_eq!(avro::from_slice::<Reading>(&bytes)?, v);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod compression;
mod de;
pub mod file;
pub mod json;
pub mod resolve;
pub mod schema;
mod ser;
pub mod single_object;

pub use de::AvroDecoder;
pub use resolve::Resolved;
pub use schema::{Schema, SchemaError, schema_for, schema_of};
pub use ser::AvroEncoder;

use crate::record::{
    RecordCodec, RecordDecoder, RecordSerializer, append_record, decode_record, expect_end,
    factory_settings,
};
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use typeinfo::HasTypeInfo;
use typeinfo::codec::ReadValue;
use typeinfo::factory::Factories;
use typeinfo::io::{Reader, Writer};
use typeinfo::snapshot::Snapshot;
use typeinfo::{Decode, DecodeError, Encode, EncodeError, Limits};

/// Avro datums for any type, as the other generated formats offer them: it encodes and
/// decodes without deriving a schema, so it does not check that the type has one
/// ([`AvroCodec`] and [`to_vec`] do).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Avro {
    limits: Limits,
    factories: Factories,
}

impl Avro {
    pub const fn new(limits: Limits) -> Self {
        Avro {
            limits,
            factories: Factories::empty(),
        }
    }

    /// The same, with `factories` writing and reading the generic fields of their types
    /// (inside the `bytes` a generic field is, so the schema stays the same).
    pub fn with_factories(self, factories: Factories) -> Self {
        Avro { factories, ..self }
    }

    /// Writes `value` into any sink.
    pub fn encode_to<T: Encode + ?Sized, W: Writer>(
        &self,
        value: &T,
        mut writer: W,
    ) -> Result<(), EncodeError> {
        let mut scratch = Vec::new();
        value.encode(
            &mut AvroEncoder::with_factories(&mut scratch, &self.factories)
                .with_max_depth(self.limits.max_depth),
        )?;
        writer.write(&scratch)
    }

    /// Decodes one value from the front of any source, leaving what follows it unread.
    pub fn decode_from<T: Decode, R: Reader>(&self, reader: R) -> Result<T, DecodeError> {
        T::decode(&mut AvroDecoder::with_factories(
            reader,
            self.limits,
            &self.factories,
        ))
    }
}

impl RecordCodec for Avro {
    const NAME: &'static str = "avro";

    #[inline]
    fn encode_into<T: Encode + ?Sized>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        append_record(out, &self.limits, |out| {
            value.encode(
                &mut AvroEncoder::with_factories(out, &self.factories)
                    .with_max_depth(self.limits.max_depth),
            )
        })
    }

    #[inline]
    fn snapshot<T: HasTypeInfo + ?Sized>(&self) -> Snapshot {
        Snapshot::new::<T>(Self::NAME, factory_settings(&self.factories))
    }

    fn decode_by<T, R: ReadValue<T>>(&self, bytes: &[u8], reader: &R) -> Result<T, DecodeError> {
        decode_record::<AvroDecoder<_>, T, R>(bytes, &self.limits, &self.factories, reader)
    }
}

impl<'b, 'f> RecordDecoder<'b, 'f> for AvroDecoder<'f, &'b [u8]> {
    fn over(bytes: &'b [u8], limits: Limits, factories: &'f Factories) -> Self {
        AvroDecoder::with_factories(bytes, limits, factories)
    }

    fn finish(self) -> Result<usize, DecodeError> {
        Ok(self.into_reader().len())
    }
}

/// The Avro serializer of records of `T`: the schema derived once, the limits, and
/// generated code for the datums.
#[derive(Debug, Clone)]
pub struct AvroCodec<T: ?Sized> {
    schema: Arc<Schema>,
    fingerprint: u64,
    format: Avro,
    _type: core::marker::PhantomData<fn(&T) -> T>,
}

impl<T: Encode + Decode + 'static> AvroCodec<T> {
    /// The codec for `T`, or why `T` has no Avro schema.
    pub fn new(limits: Limits) -> Result<Self, SchemaError> {
        let (schema, fingerprint) = cached_schema::<T>()?;
        Ok(AvroCodec {
            fingerprint,
            schema,
            format: Avro::new(limits),
            _type: core::marker::PhantomData,
        })
    }

    /// The same, with `factories` writing and reading the generic fields of their types.
    pub fn with_factories(self, factories: Factories) -> Self {
        AvroCodec {
            format: self.format.with_factories(factories),
            ..self
        }
    }
}

impl<T: ?Sized> AvroCodec<T> {
    /// The schema the datums are written with.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// The schema's Rabin fingerprint.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn limits(&self) -> &Limits {
        &self.format.limits
    }
}

impl<T: Encode + ?Sized> AvroCodec<T> {
    /// Appends the datum of `value` to `out`.
    #[inline]
    pub fn encode_into(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        RecordCodec::encode_into(&self.format, value, out)
    }
}

impl<T: Decode> AvroCodec<T> {
    /// Decodes one datum that fills `bytes` exactly.
    #[inline]
    pub fn decode(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        RecordCodec::decode(&self.format, bytes)
    }
}

/// Decodes a datum that must use all of `bytes`.
#[inline]
pub(crate) fn decode_exact<T: Decode>(bytes: &[u8], limits: Limits) -> Result<T, DecodeError> {
    let mut decoder = AvroDecoder::new(bytes, limits);
    let value = T::decode(&mut decoder)?;
    expect_end(value, RecordDecoder::finish(decoder)?)
}

impl<T: Encode + Decode> RecordSerializer<T> for AvroCodec<T> {
    fn name(&self) -> &'static str {
        "avro"
    }

    #[inline]
    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        AvroCodec::encode_into(self, value, out)
    }

    #[inline]
    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        AvroCodec::decode(self, bytes)
    }

    fn record_snapshot(&self) -> Option<Snapshot> {
        Some(self.format.snapshot::<T>())
    }

    fn read_record_by(
        &self,
        bytes: &[u8],
        migration: &typeinfo::snapshot::Migration<T>,
    ) -> Result<T, DecodeError> {
        self.format.decode_by(bytes, migration)
    }
}

/// `T`'s schema and its fingerprint, derived once per process.
fn cached_schema<T: typeinfo::HasTypeInfo + 'static>() -> Result<(Arc<Schema>, u64), SchemaError> {
    type Schemas = HashMap<TypeId, Result<(Arc<Schema>, u64), SchemaError>>;
    static CACHE: RwLock<Option<Schemas>> = RwLock::new(None);
    let id = TypeId::of::<T>();
    if let Some(found) = CACHE
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .and_then(|m| m.get(&id))
    {
        return found.clone();
    }
    let built = schema_of::<T>().map(|s| {
        let fingerprint = s.fingerprint();
        (Arc::new(s), fingerprint)
    });
    CACHE
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(id, built.clone());
    built
}

/// Why a value could not be written as Avro: its type has no schema, or encoding failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvroError {
    Schema(SchemaError),
    Encode(EncodeError),
}

impl core::fmt::Display for AvroError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AvroError::Schema(e) => e.fmt(f),
            AvroError::Encode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for AvroError {}

impl From<SchemaError> for AvroError {
    fn from(e: SchemaError) -> Self {
        AvroError::Schema(e)
    }
}

impl From<EncodeError> for AvroError {
    fn from(e: EncodeError) -> Self {
        AvroError::Encode(e)
    }
}

/// Encodes `value` as one Avro datum with the default limits; a type without an Avro
/// schema (`Option<Option<_>>` somewhere in it) is an error.
pub fn to_vec<T: Encode + Decode + 'static>(value: &T) -> Result<Vec<u8>, AvroError> {
    let codec = AvroCodec::<T>::new(Limits::default())?;
    let mut out = Vec::new();
    codec.encode_into(value, &mut out)?;
    Ok(out)
}

/// Decodes a datum that fills `bytes` exactly, written with `T`'s own schema, with the
/// default limits.
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    RecordCodec::decode(&Avro::default(), bytes)
}
