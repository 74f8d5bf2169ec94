//! The datum encoder: what generated code calls to write Avro's binary encoding.

use crate::compiled::encode_generic_or_serde;
use crate::decode_support::{WriteDepth, write_depth_methods};
use crate::varint;
use typeinfo::codec::as_bytes_if_u8;
use typeinfo::factory::Factories;
use typeinfo::{Encode, EncodeError, EncodeErrorKind, Encoder};

/// Writes values in Avro's binary encoding into a vector.
#[derive(Debug)]
pub struct AvroEncoder<'a> {
    out: &'a mut Vec<u8>,
    factories: &'a Factories,
    depth: WriteDepth,
    /// 1 right after an optional enum with data announced itself present: its variant index
    /// then counts past the union's `null` branch.
    variant_shift: u32,
}

impl<'a> AvroEncoder<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        AvroEncoder::with_factories(out, Factories::none())
    }

    /// An encoder whose generic fields are written by `factories` where they have one.
    pub fn with_factories(out: &'a mut Vec<u8>, factories: &'a Factories) -> Self {
        AvroEncoder {
            out,
            factories,
            depth: WriteDepth::default(),
            variant_shift: 0,
        }
    }

    /// The same, refusing values nested deeper than `max_depth` (a reader's limit; the
    /// default's otherwise).
    pub fn with_max_depth(self, max_depth: u32) -> Self {
        AvroEncoder {
            depth: WriteDepth::new(max_depth),
            ..self
        }
    }

    /// `int` and `long`: zigzag varints.
    #[inline]
    fn long(&mut self, v: i64) -> Result<(), EncodeError> {
        varint::write(self.out, varint::zigzag64(v));
        Ok(())
    }

    /// A block count or length: a `long`.
    #[inline]
    pub(crate) fn count(&mut self, len: usize) -> Result<(), EncodeError> {
        let len = i64::try_from(len).map_err(|_| EncodeErrorKind::LengthOverflow {
            len,
            max: i64::MAX as u64,
        })?;
        self.long(len)
    }
}

impl Encoder for AvroEncoder<'_> {
    write_depth_methods!(depth);

    #[inline]
    fn encode_bool(&mut self, v: bool) -> Result<(), EncodeError> {
        self.out.push(u8::from(v));
        Ok(())
    }

    #[inline]
    fn encode_u8(&mut self, v: u8) -> Result<(), EncodeError> {
        self.long(v.into())
    }

    #[inline]
    fn encode_u16(&mut self, v: u16) -> Result<(), EncodeError> {
        self.long(v.into())
    }

    #[inline]
    fn encode_u32(&mut self, v: u32) -> Result<(), EncodeError> {
        self.long(v.into())
    }

    /// `fixed` of 8 bytes, little-endian (apache-avro's `org.apache.avro.rust.u64`).
    #[inline]
    fn encode_u64(&mut self, v: u64) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    #[inline]
    fn encode_u128(&mut self, v: u128) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    #[inline]
    fn encode_i8(&mut self, v: i8) -> Result<(), EncodeError> {
        self.long(v.into())
    }

    #[inline]
    fn encode_i16(&mut self, v: i16) -> Result<(), EncodeError> {
        self.long(v.into())
    }

    #[inline]
    fn encode_i32(&mut self, v: i32) -> Result<(), EncodeError> {
        self.long(v.into())
    }

    #[inline]
    fn encode_i64(&mut self, v: i64) -> Result<(), EncodeError> {
        self.long(v)
    }

    #[inline]
    fn encode_i128(&mut self, v: i128) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    #[inline]
    fn encode_f32(&mut self, v: f32) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    #[inline]
    fn encode_f64(&mut self, v: f64) -> Result<(), EncodeError> {
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    /// A one-character `string`.
    fn encode_char(&mut self, v: char) -> Result<(), EncodeError> {
        self.encode_str(v.encode_utf8(&mut [0; 4]))
    }

    #[inline]
    fn encode_str(&mut self, v: &str) -> Result<(), EncodeError> {
        self.encode_bytes(v.as_bytes())
    }

    #[inline]
    fn encode_bytes(&mut self, v: &[u8]) -> Result<(), EncodeError> {
        self.count(v.len())?;
        self.out.extend_from_slice(v);
        Ok(())
    }

    /// The union index of `["null", T]`.
    #[inline]
    fn encode_option_tag(&mut self, present: bool) -> Result<(), EncodeError> {
        self.out.push(if present { 2 } else { 0 });
        Ok(())
    }

    /// `["null", A, B, …]`: null is index 0, and the variant that follows writes its index
    /// plus one.
    #[inline]
    fn encode_option_variant(&mut self, present: bool) -> Result<(), EncodeError> {
        if present {
            self.variant_shift = 1;
            Ok(())
        } else {
            self.encode_option_tag(false)
        }
    }

    /// One block of `len` items (none when empty); the end marker comes with
    /// [`Encoder::encode_seq_end`].
    #[inline]
    fn encode_seq_len(&mut self, len: usize) -> Result<(), EncodeError> {
        if len > 0 {
            self.count(len)?;
        }
        Ok(())
    }

    #[inline]
    fn encode_seq_end(&mut self) -> Result<(), EncodeError> {
        self.out.push(0);
        Ok(())
    }

    /// An enum symbol's index, or a union branch's.
    #[inline]
    fn encode_variant(&mut self, index: u32) -> Result<(), EncodeError> {
        let index = index + core::mem::take(&mut self.variant_shift);
        self.long(index.into())
    }

    /// `[u8; N]` is a `fixed`; other arrays are Avro arrays of one block.
    #[inline]
    fn encode_array<T: Encode>(&mut self, items: &[T]) -> Result<(), EncodeError> {
        if let Some(bytes) = as_bytes_if_u8(items) {
            self.out.extend_from_slice(bytes);
            return Ok(());
        }
        self.encode_seq_len(items.len())?;
        items.iter().try_for_each(|item| item.encode(self))?;
        self.encode_seq_end()
    }

    /// A generic field is `bytes` holding the value written by the same encoder, by the
    /// factory in force for its type or else through serde, so the schema does not depend
    /// on the config.
    fn encode_generic<T: serde::Serialize + 'static>(
        &mut self,
        value: &T,
    ) -> Result<(), EncodeError> {
        let mut inner = Vec::new();
        let mut encoder = AvroEncoder::with_factories(&mut inner, self.factories);
        encoder.depth = self.depth;
        encode_generic_or_serde(self.factories, &mut encoder, value, |compiled, e| {
            Some((compiled.avro_encode)(value, e))
        })?;
        self.encode_bytes(&inner)
    }
}
