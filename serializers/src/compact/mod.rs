//! `compact`: generated field-by-field code tuned for size, after postcard and bitcode.
//!
//! Integers are LEB128 varints (zigzag for signed ones), lengths and variant indices too;
//! `bool`s and `Option` presence flags are packed eight to a byte; floats stay fixed-width.
//! The byte-by-byte specification is `docs/formats/compact.md`.
//!
//! ```
//! use typeinfo::prelude::*;
//! use typeinfo_serializers::compact;
//!
//! #[derive(TypeInfo, Debug, PartialEq)]
//! struct Flags { a: bool, b: Option<u32>, c: bool, n: i64 }
//!
//! let v = Flags { a: true, b: Some(300), c: true, n: -2 };
//! let bytes = compact::to_vec(&v)?;
//! // One flag byte (a, b present, c), 300 as a varint, -2 zigzagged.
//! assert_eq!(bytes, [0b111, 0xac, 0x02, 0x03]);
//! assert_eq!(compact::from_slice::<Flags>(&bytes)?, v);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod de;
mod ser;

pub use de::CompactDecoder;
pub use ser::{ByteCount, CompactEncoder, CompactSink};

use crate::record::{
    RecordCodec, RecordDecoder, append_record, check_encoded_size, decode_record, factory_settings,
    sized_to_vec,
};
use typeinfo::HasTypeInfo;
use typeinfo::codec::ReadValue;
use typeinfo::factory::Factories;
use typeinfo::io::{Reader, Writer};
use typeinfo::snapshot::Snapshot;
use typeinfo::{Decode, DecodeError, Encode, EncodeError, Limits};

/// The compact format with a set of limits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compact {
    limits: Limits,
    factories: Factories,
}

impl Compact {
    pub const fn new(limits: Limits) -> Self {
        Compact {
            limits,
            factories: Factories::empty(),
        }
    }

    /// The same, with `factories` writing and reading the generic fields of their types.
    pub fn with_factories(self, factories: Factories) -> Self {
        Compact { factories, ..self }
    }

    /// Writes `value` into any sink. Flag bytes are filled in after the fact, so the record
    /// is built in a scratch buffer first and handed to the sink whole.
    pub fn encode_to<T: Encode + ?Sized, W: Writer>(
        &self,
        value: &T,
        mut writer: W,
    ) -> Result<(), EncodeError> {
        let mut scratch = Vec::new();
        value.encode(
            &mut CompactEncoder::with_factories(&mut scratch, &self.factories)
                .with_max_depth(self.limits.max_depth),
        )?;
        writer.write(&scratch)
    }

    /// Decodes one value from the front of any source, leaving what follows it unread.
    pub fn decode_from<T: Decode, R: Reader>(&self, reader: R) -> Result<T, DecodeError> {
        let mut decoder = CompactDecoder::with_factories(reader, self.limits, &self.factories);
        let value = T::decode(&mut decoder)?;
        decoder.finish()?;
        Ok(value)
    }
}

impl RecordCodec for Compact {
    const NAME: &'static str = "compact";

    #[inline]
    fn encode_into<T: Encode + ?Sized>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        append_record(out, &self.limits, |out| {
            value.encode(
                &mut CompactEncoder::with_factories(out, &self.factories)
                    .with_max_depth(self.limits.max_depth),
            )
        })
    }

    /// The generated encoder run over a counter (varint lengths computed, flag bytes
    /// counted as they open). A factory's compiled code takes vectors only, so over the
    /// counter a factory runs behind its trait object, writing the same bytes.
    #[inline]
    fn encoded_size<T: Encode + ?Sized>(&self, value: &T) -> Result<usize, EncodeError> {
        let mut counter = CompactEncoder::with_factories(ByteCount::default(), &self.factories)
            .with_max_depth(self.limits.max_depth);
        value.encode(&mut counter)?;
        check_encoded_size(counter.into_sink().written(), &self.limits)
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
        decode_record::<CompactDecoder<_>, T, R>(bytes, &self.limits, &self.factories, reader)
    }
}

impl<'b, 'f> RecordDecoder<'b, 'f> for CompactDecoder<'f, &'b [u8]> {
    fn over(bytes: &'b [u8], limits: Limits, factories: &'f Factories) -> Self {
        CompactDecoder::with_factories(bytes, limits, factories)
    }

    /// The unused bits of the last flag byte must be zero.
    fn finish(self) -> Result<usize, DecodeError> {
        Ok(CompactDecoder::finish(self)?.len())
    }
}

/// Encodes `value` with the default limits.
pub fn to_vec<T: Encode + ?Sized>(value: &T) -> Result<Vec<u8>, EncodeError> {
    Compact::default().to_vec(value)
}

/// Decodes a value that fills `bytes` exactly, with the default limits.
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    Compact::default().decode(bytes)
}
