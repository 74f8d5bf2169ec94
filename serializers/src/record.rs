//! Whole records: the entry points every generated-code format offers, with the record size
//! limit and the trailing-bytes check written once.

use typeinfo::factory::Factories;
use typeinfo::{Decode, DecodeError, Encode, EncodeError, EncodeErrorKind, Limits};

/// A format that encodes and decodes whole records with generated code.
pub trait RecordCodec {
    /// The format's name in configs and reports.
    const NAME: &'static str;

    /// Appends the encoding of `value` to `out`; on failure (including a record over
    /// `max_record_bytes`) `out` is left as it was.
    fn encode_into<T: Encode + ?Sized>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError>;

    /// Decodes one value that fills `bytes` exactly.
    fn decode<T: Decode>(&self, bytes: &[u8]) -> Result<T, DecodeError>;

    /// Encodes `value` into a new vector.
    fn to_vec<T: Encode + ?Sized>(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.encode_into(value, &mut out)?;
        Ok(out)
    }
}

/// A serializer for records of one type `T`, chosen at run time: the config, the engine and
/// the reports hold a `Box<dyn RecordSerializer<T>>`, one dynamic call per record. Every
/// generated-code format is one; so is every serde baseline (`crate::baselines`).
pub trait RecordSerializer<T>: Send + Sync {
    /// The format's name in configs and reports.
    fn name(&self) -> &'static str;

    /// Appends the encoding of `value` to `out`.
    fn encode_into(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError>;

    /// Decodes one record that fills `bytes` exactly.
    fn decode(&self, bytes: &[u8]) -> Result<T, DecodeError>;
}

impl<C: RecordCodec + Send + Sync, T: Encode + Decode> RecordSerializer<T> for C {
    fn name(&self) -> &'static str {
        C::NAME
    }

    #[inline]
    fn encode_into(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        RecordCodec::encode_into(self, value, out)
    }

    #[inline]
    fn decode(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        RecordCodec::decode(self, bytes)
    }
}

/// A serializer with factories in force while it runs (see [`typeinfo::factory`]): what
/// [`Serializer`](crate::Serializer) builds when the config has factories for the record's
/// generic fields.
pub struct WithFactories<T> {
    factories: Factories,
    inner: Box<dyn RecordSerializer<T>>,
}

impl<T> WithFactories<T> {
    pub fn new(factories: Factories, inner: Box<dyn RecordSerializer<T>>) -> Self {
        WithFactories { factories, inner }
    }
}

impl<T> RecordSerializer<T> for WithFactories<T> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    #[inline]
    fn encode_into(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        (self.factories).scope(|| self.inner.encode_into(value, out))
    }

    #[inline]
    fn decode(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.factories.scope(|| self.inner.decode(bytes))
    }
}

/// Runs `encode` appending to `out`, then applies the record size limit; undoes the append
/// on any failure.
#[inline]
pub(crate) fn append_record(
    out: &mut Vec<u8>,
    limits: &Limits,
    encode: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let start = out.len();
    let result = encode(out).and_then(|()| {
        let size = out.len() - start;
        if size <= limits.max_record_bytes {
            Ok(())
        } else {
            Err(EncodeErrorKind::RecordTooLarge {
                size,
                limit: limits.max_record_bytes,
            }
            .into())
        }
    });
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Refuses input larger than `max_record_bytes` before decoding starts.
#[inline]
pub(crate) fn check_record_size(bytes: &[u8], limits: &Limits) -> Result<(), DecodeError> {
    if bytes.len() > limits.max_record_bytes {
        return Err(DecodeError::RecordTooLarge {
            size: bytes.len(),
            limit: limits.max_record_bytes,
        });
    }
    Ok(())
}

/// A decoded record must have used all of its bytes.
#[inline]
pub(crate) fn expect_end<T>(value: T, remaining: usize) -> Result<T, DecodeError> {
    match remaining {
        0 => Ok(value),
        remaining => Err(DecodeError::TrailingBytes { remaining }),
    }
}
