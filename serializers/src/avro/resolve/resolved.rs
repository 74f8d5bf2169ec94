//! Decoding a type from datums written with another schema.

use super::{Resolution, compile};
use crate::avro::schema::{Schema, SchemaError};
use crate::avro::{AvroDecoder, cached_schema, decode_exact};
use crate::record::check_record_size;
use std::cell::Cell;
use std::sync::Arc;
use typeinfo::{Decode, DecodeError, Decoder, Limits};

/// Decodes datums written with a writer's schema as `T`: a compiled [`Resolution`] rewrites
/// each datum into `T`'s own schema, which `T`'s generated decoder then reads. A writer
/// schema with `T`'s canonical form reads directly.
///
/// ```
/// use typeinfo::prelude::*;
/// use typeinfo_serializers::avro::{self, Resolved, Schema};
///
/// // Version 1 of a record, as another service still writes it.
/// let v1 = Schema::parse(r#"{"type": "record", "name": "Reading", "fields": [
///     {"name": "celsius", "type": "float"}, {"name": "sensor", "type": "string"}]}"#)?;
///
/// // Version 2: fields reordered, one renamed, one added with a default, float → double.
/// #[derive(TypeInfo, Debug, PartialEq)]
/// struct Reading {
///     #[typeinfo(alias = "sensor")]
///     sensor_id: String,
///     celsius: f64,
///     #[typeinfo(default)]
///     retries: u32,
/// }
///
/// let written = [4, b't', b'1'];
/// let datum = [&21.5f32.to_le_bytes()[..], &written[..]].concat();
/// let reader = Resolved::<Reading>::new(&v1, typeinfo::Limits::default())?;
/// assert_eq!(
///     reader.decode(&datum)?,
///     Reading { sensor_id: "t1".into(), celsius: 21.5, retries: 0 }
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Resolved<T> {
    /// `None` when the writer's schema is the reader's.
    plan: Option<Arc<Resolution>>,
    writer_fingerprint: u64,
    limits: Limits,
    _type: core::marker::PhantomData<fn() -> T>,
}

thread_local! {
    /// The reader-schema datum of the record being decoded, reused across records.
    static SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// A scratch buffer kept for reuse only up to this size.
const SCRATCH_KEEP: usize = 1 << 20;

impl<T: Decode + 'static> Resolved<T> {
    /// Resolves `writer` against `T`'s schema, or says which field breaks which rule.
    pub fn new(writer: &Schema, limits: Limits) -> Result<Self, SchemaError> {
        let (reader, reader_fingerprint) = cached_schema::<T>()?;
        let writer_fingerprint = writer.fingerprint();
        let plan = if writer_fingerprint == reader_fingerprint
            && writer.canonical_form() == reader.canonical_form()
        {
            None
        } else {
            Some(Arc::new(compile(writer, &reader)?))
        };
        Ok(Resolved {
            plan,
            writer_fingerprint,
            limits,
            _type: core::marker::PhantomData,
        })
    }
}

impl<T: Decode> Resolved<T> {
    /// Whether the writer's schema is `T`'s own, so datums read with no rewriting.
    pub fn is_identity(&self) -> bool {
        self.plan.is_none()
    }

    /// The writer schema's fingerprint.
    pub fn writer_fingerprint(&self) -> u64 {
        self.writer_fingerprint
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Decodes one writer datum that fills `bytes` exactly.
    pub fn decode(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        check_record_size(bytes, &self.limits)?;
        let Some(plan) = &self.plan else {
            return decode_exact(bytes, self.limits);
        };
        // Decoded straight into the return value: a `(T, usize)` passed back through
        // `decode_front` cost a copy of the record that stalled on its own stores.
        with_scratch(|scratch| {
            let used = plan.transcode(bytes, scratch, &self.limits)?;
            match bytes.len() - used {
                0 => decode_exact(scratch, self.limits),
                remaining => Err(DecodeError::TrailingBytes { remaining }),
            }
        })
    }

    /// Decodes the writer datum at the front of `bytes`; returns it and the bytes it took.
    pub fn decode_front(&self, bytes: &[u8]) -> Result<(T, usize), DecodeError> {
        let Some(plan) = &self.plan else {
            let mut decoder = AvroDecoder::new(bytes, self.limits);
            let value = T::decode(&mut decoder)?;
            return Ok((value, bytes.len() - decoder.remaining()));
        };
        with_scratch(|scratch| {
            let used = plan.transcode(bytes, scratch, &self.limits)?;
            Ok((decode_exact(scratch, self.limits)?, used))
        })
    }
}

/// Runs `f` with the thread's scratch buffer, emptied.
#[inline]
fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut scratch = SCRATCH.take();
    scratch.clear();
    let result = f(&mut scratch);
    if scratch.capacity() <= SCRATCH_KEEP {
        SCRATCH.set(scratch);
    }
    result
}
