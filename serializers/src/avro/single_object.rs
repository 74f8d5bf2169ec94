//! Avro's single-object encoding: `C3 01`, the writer schema's Rabin fingerprint
//! (little-endian), then the datum. A message bus carries these so a reader can find the
//! writer's schema by fingerprint.

use super::schema::{Schema, SchemaError};
use super::{AvroCodec, Resolved, decode_exact};
use crate::record::check_record_size;
use std::collections::HashMap;
use typeinfo::{Decode, DecodeError, Encode, EncodeError, Limits};

/// The two bytes every single-object encoding starts with.
pub const MARKER: [u8; 2] = [0xc3, 0x01];
const HEADER_LEN: usize = 10;

impl<T: Encode + ?Sized> AvroCodec<T> {
    /// Appends `value` in the single-object encoding.
    pub fn encode_single_object(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        out.extend_from_slice(&MARKER);
        out.extend_from_slice(&self.fingerprint().to_le_bytes());
        self.encode_into(value, out)
            .inspect_err(|_| out.truncate(start))
    }
}

impl<T: Decode> AvroCodec<T> {
    /// Decodes a single-object encoding written with `T`'s schema; another fingerprint is
    /// an error that gives it, so the caller can look its schema up.
    pub fn decode_single_object(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        check_record_size(bytes, self.limits())?;
        let fingerprint = fingerprint_of(bytes)?;
        if fingerprint != self.fingerprint() {
            return Err(DecodeError::Custom(
                format!(
                    "single-object datum written with schema fingerprint {fingerprint:#018x}, expected {:#018x}",
                    self.fingerprint()
                )
                .into(),
            ));
        }
        decode_exact(&bytes[HEADER_LEN..], *self.limits())
    }
}

/// Reads single-object datums as `T` whatever schema they were written with, among the
/// writer schemas it was given: what a consumer on a message bus keeps, filled from a
/// schema registry. Each writer schema is resolved against `T`'s once.
///
/// ```
/// use typeinfo::prelude::*;
/// use typeinfo_serializers::avro::{AvroCodec, Schema, single_object::SingleObjectReader};
///
/// #[derive(TypeInfo, Debug, PartialEq)]
/// struct Click { page: String, #[typeinfo(default)] referrer: Option<String> }
///
/// let old = Schema::parse(r#"{"type": "record", "name": "Click", "fields": [
///     {"name": "page", "type": "string"}]}"#)?;
/// let mut reader = SingleObjectReader::<Click>::new(typeinfo::Limits::default())?;
/// let fingerprint = reader.add_writer_schema(&old)?;
///
/// let mut message = vec![0xc3, 0x01];
/// message.extend_from_slice(&fingerprint.to_le_bytes());
/// message.extend_from_slice(&[4, b'/', b'a']);
/// assert_eq!(reader.decode(&message)?, Click { page: "/a".into(), referrer: None });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SingleObjectReader<T> {
    writers: HashMap<u64, Resolved<T>>,
    limits: Limits,
}

impl<T: Encode + Decode + 'static> SingleObjectReader<T> {
    /// A reader that knows `T`'s own schema.
    pub fn new(limits: Limits) -> Result<Self, SchemaError> {
        let own = AvroCodec::<T>::new(limits)?;
        let mut reader = SingleObjectReader {
            writers: HashMap::new(),
            limits,
        };
        reader.add_writer_schema(own.schema())?;
        Ok(reader)
    }

    /// Makes datums written with `writer` readable; returns its fingerprint. A schema that
    /// cannot be read as `T` is refused with the reason.
    pub fn add_writer_schema(&mut self, writer: &Schema) -> Result<u64, SchemaError> {
        let resolved = Resolved::new(writer, self.limits)?;
        let fingerprint = resolved.writer_fingerprint();
        self.writers.insert(fingerprint, resolved);
        Ok(fingerprint)
    }
}

impl<T: Decode> SingleObjectReader<T> {
    /// Whether datums with this writer fingerprint can be read.
    pub fn knows(&self, fingerprint: u64) -> bool {
        self.writers.contains_key(&fingerprint)
    }

    /// Decodes one single-object datum; an unknown fingerprint is an error that gives it.
    pub fn decode(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        check_record_size(bytes, &self.limits)?;
        let fingerprint = fingerprint_of(bytes)?;
        let Some(resolved) = self.writers.get(&fingerprint) else {
            return Err(DecodeError::Custom(
                format!(
                    "single-object datum written with schema fingerprint {fingerprint:#018x}, which this reader was not given"
                )
                .into(),
            ));
        };
        resolved.decode(&bytes[HEADER_LEN..])
    }
}

/// The writer schema's fingerprint of a single-object encoding.
pub fn fingerprint_of(bytes: &[u8]) -> Result<u64, DecodeError> {
    let Some((header, _)) = bytes.split_first_chunk::<HEADER_LEN>() else {
        return Err(DecodeError::UnexpectedEnd {
            needed: HEADER_LEN,
            available: bytes.len(),
        });
    };
    if header[..2] != MARKER {
        return Err(DecodeError::InvalidTag {
            type_name: "single-object marker",
            tag: u32::from(u16::from_be_bytes([header[0], header[1]])),
        });
    }
    let mut fp = [0u8; 8];
    fp.copy_from_slice(&header[2..]);
    Ok(u64::from_le_bytes(fp))
}
