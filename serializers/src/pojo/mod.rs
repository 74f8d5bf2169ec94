//! `pojo`: the generated field-by-field format, fixed-width little-endian, built for speed.
//!
//! Values are written in declaration order with no names, tags or padding: integers and
//! floats as their little-endian bytes, lengths and variant indices as `u32`, a presence
//! byte only where a value can be absent. Where a type's memory already is this encoding
//! (see [`typeinfo::RawLayout`]), whole slices are copied at once. The byte-by-byte
//! specification is `docs/formats/pojo.md`.
//!
//! ```
//! use typeinfo::prelude::*;
//! use typeinfo_serializers::pojo;
//!
//! #[derive(TypeInfo, Debug, PartialEq)]
//! struct Point { x: i32, y: i32, label: Option<String> }
//!
//! let p = Point { x: 1, y: -1, label: None };
//! let bytes = pojo::to_vec(&p)?;
//! assert_eq!(bytes, [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0]);
//! assert_eq!(pojo::from_slice::<Point>(&bytes)?, p);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod de;
mod ser;

pub use de::PojoDecoder;
pub use ser::PojoEncoder;

use crate::record::{
    RecordCodec, RecordDecoder, append_record, check_encoded_size, decode_record, factory_settings,
    sized_to_vec,
};
use typeinfo::HasTypeInfo;
use typeinfo::codec::ReadValue;
use typeinfo::factory::Factories;
use typeinfo::io::{Reader, SizeCounter, Writer};
use typeinfo::snapshot::Snapshot;
use typeinfo::{Decode, DecodeError, Encode, EncodeError, Limits};

/// The pojo format with a set of limits, and the factories of generic fields (none unless
/// given).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pojo {
    limits: Limits,
    factories: Factories,
}

impl Pojo {
    pub const fn new(limits: Limits) -> Self {
        Pojo {
            limits,
            factories: Factories::empty(),
        }
    }

    /// The same, with `factories` writing and reading the generic fields of their types.
    pub fn with_factories(self, factories: Factories) -> Self {
        Pojo { factories, ..self }
    }

    /// Writes `value` into any sink. The record size limit is not checked here: a sink that
    /// streams cannot take bytes back (the engine frames and checks whole records).
    pub fn encode_to<T: Encode + ?Sized, W: Writer>(
        &self,
        value: &T,
        writer: W,
    ) -> Result<(), EncodeError> {
        value.encode(
            &mut PojoEncoder::with_factories(writer, &self.factories)
                .with_max_depth(self.limits.max_depth),
        )
    }

    /// Decodes one value from the front of any source, leaving what follows it unread.
    pub fn decode_from<T: Decode, R: Reader>(&self, reader: R) -> Result<T, DecodeError> {
        T::decode(&mut PojoDecoder::with_factories(
            reader,
            self.limits,
            &self.factories,
        ))
    }
}

impl RecordCodec for Pojo {
    const NAME: &'static str = "pojo";

    #[inline]
    fn encode_into<T: Encode + ?Sized>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        append_record(out, &self.limits, |out| {
            value.encode(
                &mut PojoEncoder::with_factories(out, &self.factories)
                    .with_max_depth(self.limits.max_depth),
            )
        })
    }

    /// The generated encoder run over a counter: the same code, no bytes kept.
    #[inline]
    fn encoded_size<T: Encode + ?Sized>(&self, value: &T) -> Result<usize, EncodeError> {
        let mut counter = SizeCounter::new();
        self.encode_to(value, &mut counter)?;
        check_encoded_size(counter.size(), &self.limits)
    }

    /// Sized first, so the vector is allocated once.
    #[inline]
    fn to_vec<T: Encode + ?Sized>(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        sized_to_vec(self, value)
    }

    #[inline]
    fn snapshot<T: HasTypeInfo + ?Sized>(&self) -> Snapshot {
        Snapshot::new::<T>(Self::NAME, factory_settings(&self.factories))
    }

    fn decode_by<T, R: ReadValue<T>>(&self, bytes: &[u8], reader: &R) -> Result<T, DecodeError> {
        decode_record::<PojoDecoder<_>, T, R>(bytes, &self.limits, &self.factories, reader)
    }
}

impl<'b, 'f> RecordDecoder<'b, 'f> for PojoDecoder<'f, &'b [u8]> {
    fn over(bytes: &'b [u8], limits: Limits, factories: &'f Factories) -> Self {
        PojoDecoder::with_factories(bytes, limits, factories)
    }

    fn finish(self) -> Result<usize, DecodeError> {
        Ok(self.into_reader().len())
    }
}

/// Encodes `value` with the default limits.
pub fn to_vec<T: Encode + ?Sized>(value: &T) -> Result<Vec<u8>, EncodeError> {
    Pojo::default().to_vec(value)
}

/// Decodes a value that fills `bytes` exactly, with the default limits.
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    Pojo::default().decode(bytes)
}
