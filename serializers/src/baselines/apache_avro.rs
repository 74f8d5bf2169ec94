//! apache-avro 0.22, the Rust reference implementation, through its fastest documented
//! path: serde straight to and from the binary encoding (`GenericDatumWriter::write_ser`,
//! `GenericDatumReader::read_deser`), with the schema typeinfo derives for the type.

use super::support::{RecordLimit, decode_error};
use crate::avro::{SchemaError, schema_of};
use crate::record::RecordSerializer;
use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::writer::datum::GenericDatumWriter;
use serde::{Serialize, de::DeserializeOwned};
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::Mutex;
use typeinfo::{DecodeError, EncodeError, HasTypeInfo, Limits};

const NAME: &str = "apache-avro";

/// apache-avro with `T`'s derived schema.
pub struct ApacheAvro<T> {
    writer: GenericDatumWriter<'static>,
    reader: GenericDatumReader<'static>,
    limit: RecordLimit,
    _type: core::marker::PhantomData<fn(&T) -> T>,
}

impl<T: HasTypeInfo + 'static> ApacheAvro<T> {
    /// The adapter, or why `T` has no schema (or apache-avro refuses it).
    pub fn new(limits: Limits) -> Result<Self, SchemaError> {
        let schema = their_schema::<T>()?;
        let refused = |e: apache_avro::Error| SchemaError::new("", format!("apache-avro: {e}"));
        Ok(ApacheAvro {
            writer: GenericDatumWriter::builder(schema)
                .build()
                .map_err(refused)?,
            reader: GenericDatumReader::builder(schema)
                .build()
                .map_err(refused)?,
            limit: RecordLimit(limits),
            _type: core::marker::PhantomData,
        })
    }
}

/// apache-avro's parse of `T`'s schema. Its writer and reader borrow the schema, so each
/// type's is parsed once and kept for the life of the process.
fn their_schema<T: HasTypeInfo + 'static>() -> Result<&'static apache_avro::Schema, SchemaError> {
    static PARSED: Mutex<Option<HashMap<TypeId, &'static apache_avro::Schema>>> = Mutex::new(None);
    let mut parsed = PARSED.lock().unwrap_or_else(|p| p.into_inner());
    let parsed = parsed.get_or_insert_with(HashMap::new);
    if let Some(schema) = parsed.get(&TypeId::of::<T>()) {
        return Ok(schema);
    }
    let json = schema_of::<T>()?.to_json();
    let schema = apache_avro::Schema::parse_str(&json)
        .map_err(|e| SchemaError::new("", format!("apache-avro refuses the schema: {e}")))?;
    let schema: &'static apache_avro::Schema = Box::leak(Box::new(schema));
    parsed.insert(TypeId::of::<T>(), schema);
    Ok(schema)
}

impl<T: Serialize + DeserializeOwned> RecordSerializer<T> for ApacheAvro<T> {
    fn name(&self) -> &'static str {
        NAME
    }

    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.limit.encode(NAME, out, |out| {
            self.writer
                .write_ser(out, value)
                .map(drop)
                .map_err(|e| e.to_string())
        })
    }

    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.limit.check(bytes)?;
        let mut input = bytes;
        let value = self
            .reader
            .read_deser(&mut input)
            .map_err(|e| decode_error(NAME, e))?;
        match input.len() {
            0 => Ok(value),
            remaining => Err(DecodeError::TrailingBytes { remaining }),
        }
    }
}
