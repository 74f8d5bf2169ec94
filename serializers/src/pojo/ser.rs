//! The pojo encoder.

use crate::compiled::encode_generic_compiled;
use crate::decode_support::{WriteDepth, instants_whole_when_encoding, write_depth_methods};
use typeinfo::codec::{encode_slice_by_element, raw_bytes};
use typeinfo::factory::Factories;
use typeinfo::io::{SliceWriter, Writer};
use typeinfo::{Encode, EncodeError, EncodeErrorKind, Encoder};

/// Writes values in the pojo format into a [`Writer`].
#[derive(Debug)]
pub struct PojoEncoder<'f, W> {
    writer: W,
    factories: &'f Factories,
    depth: WriteDepth,
}

impl<W: Writer> PojoEncoder<'static, W> {
    pub fn new(writer: W) -> Self {
        PojoEncoder::with_factories(writer, Factories::none())
    }
}

impl<'f, W: Writer> PojoEncoder<'f, W> {
    /// An encoder whose generic fields are written by `factories` where they have one.
    pub fn with_factories(writer: W, factories: &'f Factories) -> Self {
        PojoEncoder {
            writer,
            factories,
            depth: WriteDepth::default(),
        }
    }

    /// The same, refusing values nested deeper than `max_depth` (a reader's limit; the
    /// default's otherwise).
    pub fn with_max_depth(self, max_depth: u32) -> Self {
        PojoEncoder {
            depth: WriteDepth::new(max_depth),
            ..self
        }
    }

    pub fn into_writer(self) -> W {
        self.writer
    }

    /// Lengths and counts are `u32`.
    #[inline]
    fn write_len(&mut self, len: usize) -> Result<(), EncodeError> {
        let len = u32::try_from(len).map_err(|_| EncodeErrorKind::LengthOverflow {
            len,
            max: u32::MAX.into(),
        })?;
        self.writer.write_array(len.to_le_bytes())
    }
}

/// The largest fixed-width element written through a slot on the stack.
const SLOT_BYTES: usize = 64;

impl<W: Writer> PojoEncoder<'_, W> {
    /// Writes a fixed-width element into a slot on the stack, then the slot to the writer in
    /// one copy: the slot's cursor is a local the compiler keeps in registers, and its
    /// checks fold away at constant offsets, where a vector's length and capacity would be
    /// stored back and read again around every field. An element that writes other than its
    /// `FIXED_WIDTH` says is written again directly, so the hint is never trusted.
    #[inline]
    fn encode_in_slot<T: Encode>(&mut self, item: &T, width: usize) -> Result<(), EncodeError> {
        let mut slot = [0u8; SLOT_BYTES];
        let mut writer = SliceWriter::new(&mut slot[..width]);
        let mut in_slot = PojoEncoder {
            writer: &mut writer,
            factories: self.factories,
            depth: self.depth,
        };
        match item.encode(&mut in_slot) {
            Ok(()) if writer.written() == width => self.writer.write(&slot[..width]),
            _ => item.encode(self),
        }
    }
}

macro_rules! little_endian {
    ($($method:ident($ty:ty);)*) => {$(
        #[inline]
        fn $method(&mut self, v: $ty) -> Result<(), EncodeError> {
            self.writer.write_array(v.to_le_bytes())
        }
    )*};
}

impl<W: Writer> Encoder for PojoEncoder<'_, W> {
    write_depth_methods!(depth);
    instants_whole_when_encoding!();

    encode_generic_compiled!(|compiled, encoder, value| {
        let out = encoder.writer.as_vec()?;
        let mut over_vec = PojoEncoder {
            writer: out,
            factories: encoder.factories,
            depth: encoder.depth,
        };
        Some((compiled.pojo_encode)(value, &mut over_vec))
    });

    little_endian! {
        encode_u8(u8);
        encode_u16(u16);
        encode_u32(u32);
        encode_u64(u64);
        encode_u128(u128);
        encode_i8(i8);
        encode_i16(i16);
        encode_i32(i32);
        encode_i64(i64);
        encode_i128(i128);
        encode_f32(f32);
        encode_f64(f64);
    }

    #[inline]
    fn encode_bool(&mut self, v: bool) -> Result<(), EncodeError> {
        self.writer.write_array([u8::from(v)])
    }

    #[inline]
    fn encode_char(&mut self, v: char) -> Result<(), EncodeError> {
        self.writer.write_array(u32::from(v).to_le_bytes())
    }

    #[inline]
    fn encode_str(&mut self, v: &str) -> Result<(), EncodeError> {
        self.encode_bytes(v.as_bytes())
    }

    #[inline]
    fn encode_bytes(&mut self, v: &[u8]) -> Result<(), EncodeError> {
        self.write_len(v.len())?;
        self.writer.write(v)
    }

    #[inline]
    fn encode_option_tag(&mut self, present: bool) -> Result<(), EncodeError> {
        self.encode_bool(present)
    }

    #[inline]
    fn encode_seq_len(&mut self, len: usize) -> Result<(), EncodeError> {
        self.write_len(len)
    }

    #[inline]
    fn encode_variant(&mut self, index: u32) -> Result<(), EncodeError> {
        self.writer.write_array(index.to_le_bytes())
    }

    #[inline]
    fn encode_slice<T: Encode>(&mut self, items: &[T]) -> Result<(), EncodeError> {
        match raw_bytes(items) {
            Some(bytes) => {
                self.write_len(items.len())?;
                self.writer.write(bytes)
            }
            None => match T::FIXED_WIDTH {
                Some(width) if width <= SLOT_BYTES && !items.is_empty() => {
                    self.write_len(items.len())?;
                    items
                        .iter()
                        .try_for_each(|item| self.encode_in_slot(item, width))
                }
                _ => encode_slice_by_element(self, items),
            },
        }
    }

    #[inline]
    fn encode_array<T: Encode>(&mut self, items: &[T]) -> Result<(), EncodeError> {
        match raw_bytes(items) {
            Some(bytes) => self.writer.write(bytes),
            None => items.iter().try_for_each(|item| item.encode(self)),
        }
    }
}
