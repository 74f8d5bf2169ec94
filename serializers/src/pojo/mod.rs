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

use typeinfo::io::{Reader, Writer};
use typeinfo::{Decode, DecodeError, Encode, EncodeError, Limits};

/// The pojo format with a set of limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pojo {
    limits: Limits,
}

impl Pojo {
    pub const fn new(limits: Limits) -> Self {
        Pojo { limits }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Appends the encoding of `value` to `out`; fails (leaving `out` as it was) if the
    /// record exceeds `max_record_bytes`.
    pub fn encode_into<T: Encode + ?Sized>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        let start = out.len();
        let result = value.encode(&mut PojoEncoder::new(&mut *out));
        let size = out.len() - start;
        match result {
            Ok(()) if size <= self.limits.max_record_bytes => Ok(()),
            Ok(()) => {
                out.truncate(start);
                Err(EncodeError::RecordTooLarge {
                    size,
                    limit: self.limits.max_record_bytes,
                })
            }
            Err(e) => {
                out.truncate(start);
                Err(e)
            }
        }
    }

    /// Writes `value` into any sink. The record size limit is not checked here: a sink that
    /// streams cannot take bytes back (the engine frames and checks whole records).
    pub fn encode_to<T: Encode + ?Sized, W: Writer>(
        &self,
        value: &T,
        writer: W,
    ) -> Result<(), EncodeError> {
        value.encode(&mut PojoEncoder::new(writer))
    }

    /// Decodes one value that must fill `bytes` exactly.
    pub fn decode<T: Decode>(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        if bytes.len() > self.limits.max_record_bytes {
            return Err(DecodeError::RecordTooLarge {
                size: bytes.len(),
                limit: self.limits.max_record_bytes,
            });
        }
        let mut decoder = PojoDecoder::new(bytes, self.limits);
        let value = T::decode(&mut decoder)?;
        match decoder.into_reader().remaining() {
            0 => Ok(value),
            remaining => Err(DecodeError::TrailingBytes { remaining }),
        }
    }

    /// Decodes one value from the front of any source, leaving what follows it unread.
    pub fn decode_from<T: Decode, R: Reader>(&self, reader: R) -> Result<T, DecodeError> {
        T::decode(&mut PojoDecoder::new(reader, self.limits))
    }
}

/// Encodes `value` with the default limits.
pub fn to_vec<T: Encode + ?Sized>(value: &T) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    Pojo::default().encode_into(value, &mut out)?;
    Ok(out)
}

/// Decodes a value that fills `bytes` exactly, with the default limits.
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T, DecodeError> {
    Pojo::default().decode(bytes)
}
