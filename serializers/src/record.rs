//! Whole records: the entry points every generated-code format offers, with the record size
//! limit and the trailing-bytes check written once.

use typeinfo::codec::{Direct, ReadValue};
use typeinfo::factory::Factories;
use typeinfo::snapshot::{Migration, Snapshot};
use typeinfo::{
    Decode, DecodeError, Decoder, Encode, EncodeError, EncodeErrorKind, HasTypeInfo, Limits,
};

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
    #[inline]
    fn decode<T: Decode>(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.decode_by(bytes, &Direct)
    }

    /// Decodes one value that fills `bytes` exactly, read by `reader`: a
    /// [`typeinfo::snapshot::Migration`] reads bytes written under an older type with this
    /// format's decoder, limits and end checks.
    fn decode_by<T, R: ReadValue<T>>(&self, bytes: &[u8], reader: &R) -> Result<T, DecodeError>;

    /// The snapshot of `T`'s bytes in this format: the type's shape and the settings that
    /// change the bytes. Keep it with data written today; [`typeinfo::snapshot::Migration`]
    /// reads the data after `T` has changed.
    fn snapshot<T: HasTypeInfo + ?Sized>(&self) -> Snapshot;

    /// The exact number of bytes [`RecordCodec::encode_into`] appends for `value`. A format
    /// with a size pass counts without writing (pojo); the others encode into a scratch
    /// vector and measure it.
    fn encoded_size<T: Encode + ?Sized>(&self, value: &T) -> Result<usize, EncodeError> {
        Ok(grown_to_vec(self, value)?.len())
    }

    /// Encodes `value` into a new vector.
    fn to_vec<T: Encode + ?Sized>(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        grown_to_vec(self, value)
    }
}

/// [`RecordCodec::to_vec`] without a size pass: the vector grows as the value is written.
#[inline]
pub(crate) fn grown_to_vec<C: RecordCodec + ?Sized, T: Encode + ?Sized>(
    codec: &C,
    value: &T,
) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    codec.encode_into(value, &mut out)?;
    Ok(out)
}

/// [`RecordCodec::to_vec`] of a format with a size pass: counts, refuses a record over the
/// limit before allocating, then writes into a vector of exactly that capacity.
#[inline]
pub(crate) fn sized_to_vec<C: RecordCodec + ?Sized, T: Encode + ?Sized>(
    codec: &C,
    value: &T,
) -> Result<Vec<u8>, EncodeError> {
    let size = codec.encoded_size(value)?;
    let mut out = Vec::with_capacity(size);
    codec.encode_into(value, &mut out)?;
    debug_assert_eq!(out.len(), size, "the size pass and the write disagree");
    Ok(out)
}

/// Refuses a counted `size` over `max_record_bytes`, as [`append_record`] refuses the bytes.
#[inline]
pub(crate) fn check_encoded_size(size: usize, limits: &Limits) -> Result<usize, EncodeError> {
    if size <= limits.max_record_bytes {
        Ok(size)
    } else {
        Err(EncodeErrorKind::RecordTooLarge {
            size,
            limit: limits.max_record_bytes,
        }
        .into())
    }
}

/// A serializer for records of one type `T`, chosen at run time: the config, the engine and
/// the reports hold a `Box<dyn RecordSerializer<T>>`, one dynamic call per record. Every
/// generated-code format is one; so is every serde baseline (`crate::baselines`). Its
/// methods are named apart from [`RecordCodec`]'s, so both traits can be in scope.
pub trait RecordSerializer<T>: Send + Sync {
    /// The format's name in configs and reports.
    fn name(&self) -> &'static str;

    /// Appends the encoding of `value` to `out`.
    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError>;

    /// Decodes one record that fills `bytes` exactly.
    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError>;

    /// Encodes one record into a new vector (sized first where the format can).
    fn record_to_vec(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.write_record(value, &mut out)?;
        Ok(out)
    }

    /// What the bytes contain, for a generated-code format ([`RecordCodec::snapshot`]); a
    /// serde baseline has none.
    fn record_snapshot(&self) -> Option<Snapshot> {
        None
    }

    /// Decodes one record written under an older snapshot, read by `migration`
    /// ([`RecordCodec::decode_by`]). A format without snapshots reads only records that
    /// need no conversion.
    fn read_record_by(&self, bytes: &[u8], migration: &Migration<T>) -> Result<T, DecodeError>
    where
        T: Decode,
    {
        if migration.converts() {
            return Err(DecodeError::Custom(
                format!(
                    "`{}` has no serializer snapshots, so it cannot read records of an older type",
                    self.name()
                )
                .into(),
            ));
        }
        self.read_record(bytes)
    }
}

impl<C: RecordCodec + Send + Sync, T: Encode + Decode> RecordSerializer<T> for C {
    fn name(&self) -> &'static str {
        C::NAME
    }

    #[inline]
    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.encode_into(value, out)
    }

    #[inline]
    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.decode(bytes)
    }

    #[inline]
    fn record_to_vec(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        self.to_vec(value)
    }

    fn record_snapshot(&self) -> Option<Snapshot> {
        Some(self.snapshot::<T>())
    }

    fn read_record_by(&self, bytes: &[u8], migration: &Migration<T>) -> Result<T, DecodeError> {
        self.decode_by(bytes, migration)
    }
}

/// The settings factories give a snapshot: each generic type a factory writes, and the
/// factory's name (another factory writes other bytes).
pub(crate) fn factory_settings(factories: &Factories) -> impl Iterator<Item = (String, String)> {
    factories
        .iter()
        .map(|f| (format!("factory {}", f.type_name()), f.name().to_owned()))
}

/// A format's decoder over the bytes of one whole record.
pub(crate) trait RecordDecoder<'b, 'f>: Decoder {
    fn over(bytes: &'b [u8], limits: Limits, factories: &'f Factories) -> Self;

    /// Ends the record, checking what the format checks at its end; returns the bytes left.
    fn finish(self) -> Result<usize, DecodeError>;
}

/// [`RecordCodec::decode_by`] of a format whose decoder is `D`: the record size limit, the
/// value, the format's end checks, and nothing left over.
#[inline]
pub(crate) fn decode_record<'b, 'f, D: RecordDecoder<'b, 'f>, T, R: ReadValue<T>>(
    bytes: &'b [u8],
    limits: &Limits,
    factories: &'f Factories,
    reader: &R,
) -> Result<T, DecodeError> {
    check_record_size(bytes, limits)?;
    let mut decoder = D::over(bytes, *limits, factories);
    let value = reader.read(&mut decoder)?;
    let left = decoder.finish()?;
    expect_end(value, left)
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
    let result = encode(out).and_then(|()| check_encoded_size(out.len() - start, limits).map(drop));
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

#[cfg(test)]
mod both_traits {
    use crate::pojo::Pojo;
    use crate::{RecordCodec, RecordSerializer};

    /// With both traits in scope, every call names one method (E0034 before).
    #[test]
    fn both_in_scope_do_not_collide() {
        let pojo = Pojo::default();
        let bytes = pojo.to_vec(&7u32).unwrap();
        let value: u32 = pojo.decode(&bytes).unwrap();
        let mut out = Vec::new();
        pojo.write_record(&value, &mut out).unwrap();
        assert_eq!(out, bytes);
        let again: u32 = pojo.read_record(&out).unwrap();
        assert_eq!(again, 7);
        assert_eq!(RecordSerializer::<u32>::name(&pojo), "pojo");
    }
}
