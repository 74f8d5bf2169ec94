//! serde `Serializer` over an [`Encoder`].

use crate::codec::Encoder;
use crate::error::EncodeError;
use serde::ser::{self, Serialize};

/// Serializes any serde value with an [`Encoder`].
pub struct GenericSerializer<'a, E> {
    encoder: &'a mut E,
}

impl<'a, E: Encoder> GenericSerializer<'a, E> {
    pub fn new(encoder: &'a mut E) -> Self {
        GenericSerializer { encoder }
    }

    /// Runs `f` one level deeper, as the generic deserializer reads it.
    fn nested(self, f: impl FnOnce(&mut E) -> Result<(), EncodeError>) -> Result<(), EncodeError> {
        self.encoder.enter()?;
        let done = f(self.encoder);
        self.encoder.leave();
        done
    }
}

fn unknown_length(what: &str) -> EncodeError {
    EncodeError::custom(format!(
        "generic fields need the length of a {what} up front"
    ))
}

macro_rules! forward {
    ($($method:ident($ty:ty) => $enc:ident;)*) => {$(
        #[inline]
        fn $method(self, v: $ty) -> Result<(), EncodeError> {
            self.encoder.$enc(v)
        }
    )*};
}

impl<'a, E: Encoder> ser::Serializer for GenericSerializer<'a, E> {
    type Ok = ();
    type Error = EncodeError;
    type SerializeSeq = Compound<'a, E>;
    type SerializeTuple = Compound<'a, E>;
    type SerializeTupleStruct = Compound<'a, E>;
    type SerializeTupleVariant = Compound<'a, E>;
    type SerializeMap = Compound<'a, E>;
    type SerializeStruct = Compound<'a, E>;
    type SerializeStructVariant = Compound<'a, E>;

    forward! {
        serialize_bool(bool) => encode_bool;
        serialize_i8(i8) => encode_i8;
        serialize_i16(i16) => encode_i16;
        serialize_i32(i32) => encode_i32;
        serialize_i64(i64) => encode_i64;
        serialize_i128(i128) => encode_i128;
        serialize_u8(u8) => encode_u8;
        serialize_u16(u16) => encode_u16;
        serialize_u32(u32) => encode_u32;
        serialize_u64(u64) => encode_u64;
        serialize_u128(u128) => encode_u128;
        serialize_f32(f32) => encode_f32;
        serialize_f64(f64) => encode_f64;
        serialize_char(char) => encode_char;
        serialize_str(&str) => encode_str;
        serialize_bytes(&[u8]) => encode_bytes;
    }

    fn serialize_none(self) -> Result<(), EncodeError> {
        self.encoder.encode_option_tag(false)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), EncodeError> {
        self.encoder.encode_option_tag(true)?;
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), EncodeError> {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), EncodeError> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
    ) -> Result<(), EncodeError> {
        self.nested(|e| e.encode_variant(index))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.nested(|e| value.serialize(GenericSerializer::new(e)))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.nested(|e| {
            e.encode_variant(index)?;
            value.serialize(GenericSerializer::new(e))
        })
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, E>, EncodeError> {
        let len = len.ok_or_else(|| unknown_length("sequence"))?;
        self.encoder.enter()?;
        self.encoder.encode_seq_len(len)?;
        Ok(Compound::new(self.encoder, End::Seq))
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound<'a, E>, EncodeError> {
        self.encoder.enter()?;
        Ok(Compound::new(self.encoder, End::Nothing))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a, E>, EncodeError> {
        self.encoder.enter()?;
        Ok(Compound::new(self.encoder, End::Nothing))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a, E>, EncodeError> {
        self.encoder.enter()?;
        self.encoder.encode_variant(index)?;
        Ok(Compound::new(self.encoder, End::Nothing))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, E>, EncodeError> {
        let len = len.ok_or_else(|| unknown_length("map"))?;
        self.encoder.enter()?;
        self.encoder.encode_map_len(len)?;
        Ok(Compound::new(self.encoder, End::Map))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, E>, EncodeError> {
        self.encoder.enter()?;
        Ok(Compound::new(self.encoder, End::Nothing))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a, E>, EncodeError> {
        self.encoder.enter()?;
        self.encoder.encode_variant(index)?;
        Ok(Compound::new(self.encoder, End::Nothing))
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

/// What a compound writes when it ends.
enum End {
    Nothing,
    Seq,
    Map,
}

/// The state of a sequence, tuple, map or struct being serialized.
pub struct Compound<'a, E> {
    encoder: &'a mut E,
    end: End,
}

impl<'a, E: Encoder> Compound<'a, E> {
    /// A compound one level deeper: the caller has entered it (the level the generic
    /// deserializer counts for it), and [`Compound::finish`] leaves it.
    fn new(encoder: &'a mut E, end: End) -> Self {
        Compound { encoder, end }
    }

    #[inline]
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        value.serialize(GenericSerializer::new(&mut *self.encoder))
    }

    #[inline]
    fn finish(self) -> Result<(), EncodeError> {
        let done = match self.end {
            End::Nothing => Ok(()),
            End::Seq => self.encoder.encode_seq_end(),
            End::Map => self.encoder.encode_map_end(),
        };
        self.encoder.leave();
        done
    }
}

macro_rules! compound {
    ($($trait:ident :: $method:ident;)*) => {$(
        impl<E: Encoder> ser::$trait for Compound<'_, E> {
            type Ok = ();
            type Error = EncodeError;

            #[inline]
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
                self.element(value)
            }

            #[inline]
            fn end(self) -> Result<(), EncodeError> {
                self.finish()
            }
        }
    )*};
}

compound! {
    SerializeSeq::serialize_element;
    SerializeTuple::serialize_element;
    SerializeTupleStruct::serialize_field;
    SerializeTupleVariant::serialize_field;
}

impl<E: Encoder> ser::SerializeMap for Compound<'_, E> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), EncodeError> {
        self.element(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

macro_rules! compound_struct {
    ($($trait:ident;)*) => {$(
        impl<E: Encoder> ser::$trait for Compound<'_, E> {
            type Ok = ();
            type Error = EncodeError;

            #[inline]
            fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, value: &T) -> Result<(), EncodeError> {
                self.element(value)
            }

            /// A skipped field would shift every later one: refuse instead of writing bytes
            /// that cannot be read back.
            fn skip_field(&mut self, key: &'static str) -> Result<(), EncodeError> {
                Err(EncodeError::custom(format!(
                    "generic fields cannot skip struct field `{key}` (skip_serializing_if): the encoding has no field names"
                )))
            }

            #[inline]
            fn end(self) -> Result<(), EncodeError> {
                self.finish()
            }
        }
    )*};
}

compound_struct! {
    SerializeStruct;
    SerializeStructVariant;
}
