//! serde `Deserializer` over a [`Decoder`].

use crate::codec::Decoder;
use crate::error::DecodeError;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

/// Deserializes any serde value (that does not need a self-describing format) with a
/// [`Decoder`]. Nesting counts against the decoder's depth limit.
pub struct GenericDeserializer<'a, D> {
    decoder: &'a mut D,
}

impl<'a, D: Decoder> GenericDeserializer<'a, D> {
    pub fn new(decoder: &'a mut D) -> Self {
        GenericDeserializer { decoder }
    }

    /// Runs `f` one nesting level deeper.
    fn nested<T>(self, f: impl FnOnce(&mut D) -> Result<T, DecodeError>) -> Result<T, DecodeError> {
        self.decoder.enter()?;
        let out = f(self.decoder);
        self.decoder.leave();
        out
    }
}

fn not_self_describing(what: &str) -> DecodeError {
    DecodeError::Custom(
        format!("generic fields are not self-describing: the type's Deserialize asked for {what}")
            .into(),
    )
}

macro_rules! forward {
    ($($method:ident => $dec:ident, $visit:ident;)*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            visitor.$visit(self.decoder.$dec()?)
        }
    )*};
}

impl<'de, D: Decoder> de::Deserializer<'de> for GenericDeserializer<'_, D> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DecodeError> {
        Err(not_self_describing("deserialize_any"))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DecodeError> {
        Err(not_self_describing("deserialize_ignored_any"))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DecodeError> {
        Err(not_self_describing("an identifier"))
    }

    forward! {
        deserialize_bool => decode_bool, visit_bool;
        deserialize_i8 => decode_i8, visit_i8;
        deserialize_i16 => decode_i16, visit_i16;
        deserialize_i32 => decode_i32, visit_i32;
        deserialize_i64 => decode_i64, visit_i64;
        deserialize_i128 => decode_i128, visit_i128;
        deserialize_u8 => decode_u8, visit_u8;
        deserialize_u16 => decode_u16, visit_u16;
        deserialize_u32 => decode_u32, visit_u32;
        deserialize_u64 => decode_u64, visit_u64;
        deserialize_u128 => decode_u128, visit_u128;
        deserialize_f32 => decode_f32, visit_f32;
        deserialize_f64 => decode_f64, visit_f64;
        deserialize_char => decode_char, visit_char;
        deserialize_str => decode_string, visit_string;
        deserialize_string => decode_string, visit_string;
        deserialize_bytes => decode_byte_buf, visit_byte_buf;
        deserialize_byte_buf => decode_byte_buf, visit_byte_buf;
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.decoder.decode_option_tag()? {
            visitor.visit_some(self)
        } else {
            visitor.visit_none()
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    /// A newtype counts as a level: recursion through one (`struct N(Option<Box<N>>)`)
    /// would otherwise nest once per input byte, past `max_depth`.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.nested(|decoder| visitor.visit_newtype_struct(GenericDeserializer::new(decoder)))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.nested(|decoder| {
            let block = decoder.decode_seq_len()?;
            let mut access = Blocks {
                decoder,
                block,
                framed: Framing::Seq,
            };
            let value = visitor.visit_seq(&mut access)?;
            access.expect_end(value)
        })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.nested(|decoder| {
            let block = decoder.decode_map_len()?;
            let mut access = Blocks {
                decoder,
                block,
                framed: Framing::Map,
            };
            let value = visitor.visit_map(&mut access)?;
            access.expect_end(value)
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.nested(|decoder| visitor.visit_seq(Fixed { decoder, left: len }))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_tuple(fields.len(), visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let count = u32::try_from(variants.len()).unwrap_or(u32::MAX);
        self.nested(|decoder| {
            visitor.visit_enum(Enum {
                decoder,
                name,
                count,
            })
        })
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

#[derive(Clone, Copy)]
enum Framing {
    Seq,
    Map,
}

/// A length-prefixed sequence or map, possibly in several blocks.
struct Blocks<'a, D> {
    decoder: &'a mut D,
    block: usize,
    framed: Framing,
}

impl<D: Decoder> Blocks<'_, D> {
    /// Counts one element off the current block, reading the next block header when the
    /// block ends.
    fn consumed(&mut self) -> Result<(), DecodeError> {
        // A visitor that asks for a map value without a key would have nothing left here.
        self.block = self.block.checked_sub(1).ok_or_else(|| {
            DecodeError::Custom("generic value read past the end of its collection".into())
        })?;
        if self.block == 0 {
            self.block = match self.framed {
                Framing::Seq => self.decoder.decode_seq_more()?,
                Framing::Map => self.decoder.decode_map_more()?,
            };
        }
        Ok(())
    }

    /// A visitor that stopped early would leave elements unread and shift everything after.
    fn expect_end<T>(&self, value: T) -> Result<T, DecodeError> {
        if self.block == 0 {
            Ok(value)
        } else {
            Err(DecodeError::Custom(
                "generic value did not read all elements of its collection".into(),
            ))
        }
    }
}

impl<'de, D: Decoder> de::SeqAccess<'de> for &mut Blocks<'_, D> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        if self.block == 0 {
            return Ok(None);
        }
        let value = seed.deserialize(GenericDeserializer::new(&mut *self.decoder))?;
        self.consumed()?;
        Ok(Some(value))
    }

    fn size_hint(&self) -> Option<usize> {
        // serde pre-allocates from this (capped at 1 MiB); cap it by the input too.
        Some(self.block.min(self.decoder.remaining()))
    }
}

impl<'de, D: Decoder> de::MapAccess<'de> for &mut Blocks<'_, D> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        if self.block == 0 {
            return Ok(None);
        }
        seed.deserialize(GenericDeserializer::new(&mut *self.decoder))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let value = seed.deserialize(GenericDeserializer::new(&mut *self.decoder))?;
        self.consumed()?;
        Ok(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.block.min(self.decoder.remaining()))
    }
}

/// A tuple or struct: a known number of elements without a prefix.
struct Fixed<'a, D> {
    decoder: &'a mut D,
    left: usize,
}

impl<'de, D: Decoder> de::SeqAccess<'de> for Fixed<'_, D> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(GenericDeserializer::new(&mut *self.decoder))
            .map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// An enum: a variant index, then the variant's content.
struct Enum<'a, D> {
    decoder: &'a mut D,
    name: &'static str,
    count: u32,
}

impl<'de, 'a, D: Decoder> de::EnumAccess<'de> for Enum<'a, D> {
    type Error = DecodeError;
    type Variant = GenericDeserializer<'a, D>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), DecodeError> {
        let index = self.decoder.decode_variant(self.name, self.count)?;
        let value = seed.deserialize(index.into_deserializer())?;
        Ok((value, GenericDeserializer::new(self.decoder)))
    }
}

impl<'de, D: Decoder> de::VariantAccess<'de> for GenericDeserializer<'_, D> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_seq(Fixed {
            decoder: self.decoder,
            left: len,
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_seq(Fixed {
            decoder: self.decoder,
            left: fields.len(),
        })
    }
}
