//! Kryo through generated code: types with `#[derive(TypeInfo)]` write and read Kryo's bytes
//! through [`Encode`] and [`Decode`] instead of serde's visitors. The derive emits named
//! fields in name order for encoders and decoders with `SORTED_FIELDS`, so the writer
//! records no field offsets and moves no bytes, and the reader builds the struct directly.
//!
//! The encoder and decoder are thin adapters over the serde path's writer and reader: one
//! set of wire rules, so the bytes are the same (checked by `tests/tests/kryo.rs`).
//! References are not supported here: with references on, use [`Kryo`] (serde).

use super::Kryo;
use super::de::De;
use super::ser::{Pass, Ser};
use super::wire::Str;
use crate::compiled::{decode_generic, encode_generic};
use crate::decode_support::{instants_whole_when_decoding, instants_whole_when_encoding};
use crate::record::{RecordCodec, factory_settings};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::fmt;
use typeinfo::HasTypeInfo;
use typeinfo::codec::ReadValue;
use typeinfo::factory::Factories;
use typeinfo::snapshot::{CLASS_NAMES, FIELD_ORDER, SORTED, Snapshot, WRITTEN};
use typeinfo::{DecodeError, Decoder, Encode, EncodeError, Encoder, Limits, StructKind};

/// Kryo for derived types: the bytes of [`Kryo`], written by generated code.
///
/// ```
/// use typeinfo::TypeInfo;
/// use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
/// use typeinfo_serializers::record::RecordCodec;
///
/// #[derive(TypeInfo, serde::Serialize, PartialEq, Debug)]
/// struct Point { y: i32, x: i32 }
///
/// let mut registry = Registry::new();
/// registry.register::<Point>(10).unwrap();
/// let kryo = Kryo::new(registry);
/// let generated = Generated::new(kryo.clone()).unwrap();
/// let bytes = generated.to_vec(&Point { y: 2, x: 1 }).unwrap();
/// assert_eq!(bytes, [12, 2, 4]); // the class id + 2, then x and y (sorted by name)
/// assert_eq!(bytes, kryo.to_vec(&Point { y: 2, x: 1 }).unwrap());
/// assert_eq!(generated.decode::<Point>(&bytes).unwrap(), Point { y: 2, x: 1 });
/// ```
#[derive(Debug, Clone)]
pub struct Generated {
    kryo: Kryo,
    factories: Factories,
}

/// The generated path was asked for with references on, which it does not write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferencesUnsupported;

impl fmt::Display for ReferencesUnsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "kryo: generated code does not write references; \
             turn references off or use the serde path",
        )
    }
}

impl std::error::Error for ReferencesUnsupported {}

impl Generated {
    /// The generated path with `kryo`'s registry and limits; references must be off.
    pub fn new(kryo: Kryo) -> Result<Self, ReferencesUnsupported> {
        if kryo.uses_references() {
            return Err(ReferencesUnsupported);
        }
        Ok(Generated {
            kryo,
            factories: Factories::default(),
        })
    }

    /// The same, with `factories` writing the generic fields of their types.
    pub fn with_factories(self, factories: Factories) -> Self {
        Generated { factories, ..self }
    }

    pub fn kryo(&self) -> &Kryo {
        &self.kryo
    }
}

impl RecordCodec for Generated {
    const NAME: &'static str = "kryo";

    #[inline]
    fn encode_into<T: Encode + ?Sized>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        self.kryo.encode_with(out, Pass::Ordered, |ser| {
            value.encode(&mut KryoEncoder {
                ser,
                factories: &self.factories,
            })
        })
    }

    #[inline]
    /// Fields sorted by name, class names in the bytes, and the registrations (a class id
    /// stands for its name).
    fn snapshot<T: HasTypeInfo + ?Sized>(&self) -> Snapshot {
        let registry = self.kryo.registry();
        // One setting per class, so a change names the class.
        let registrations = registry
            .registrations()
            .map(|(name, id)| (format!("registration {name}"), id.to_string()));
        let settings = [
            (FIELD_ORDER.to_owned(), SORTED.to_owned()),
            (CLASS_NAMES.to_owned(), WRITTEN.to_owned()),
            ("references".to_owned(), "off".to_owned()),
            (
                "registration required".to_owned(),
                registry.is_registration_required().to_string(),
            ),
        ];
        Snapshot::new::<T>(
            Self::NAME,
            settings
                .into_iter()
                .chain(registrations)
                .chain(factory_settings(&self.factories)),
        )
    }

    fn decode_by<T, R: ReadValue<T>>(&self, bytes: &[u8], reader: &R) -> Result<T, DecodeError> {
        self.kryo.decode_with(bytes, |de| {
            reader.read(&mut KryoDecoder {
                de,
                factories: &self.factories,
            })
        })
    }
}

/// The writer as an [`Encoder`].
pub(crate) struct KryoEncoder<'s, 'a> {
    ser: &'s mut Ser<'a>,
    factories: &'s Factories,
}

/// `Encoder` methods that are the serde writer's method of the same value.
macro_rules! through_serde {
    ($($method:ident($ty:ty) => $serialize:ident),* $(,)?) => {$(
        #[inline]
        fn $method(&mut self, v: $ty) -> Result<(), EncodeError> {
            serde::Serializer::$serialize(&mut *self.ser, v)
        }
    )*};
}

impl Encoder for KryoEncoder<'_, '_> {
    /// The writer's own depth, which a generic field's serde value goes on counting, as the
    /// reader counts both in one.
    #[inline]
    fn enter(&mut self) -> Result<(), EncodeError> {
        self.ser.depth.enter()
    }

    #[inline]
    fn leave(&mut self) {
        self.ser.depth.leave();
    }
    instants_whole_when_encoding!();

    const SORTED_FIELDS: bool = true;

    through_serde!(
        encode_bool(bool) => serialize_bool,
        encode_u8(u8) => serialize_u8,
        encode_u16(u16) => serialize_u16,
        encode_u32(u32) => serialize_u32,
        encode_u64(u64) => serialize_u64,
        encode_u128(u128) => serialize_u128,
        encode_i8(i8) => serialize_i8,
        encode_i16(i16) => serialize_i16,
        encode_i32(i32) => serialize_i32,
        encode_i64(i64) => serialize_i64,
        encode_i128(i128) => serialize_i128,
        encode_f32(f32) => serialize_f32,
        encode_f64(f64) => serialize_f64,
        encode_char(char) => serialize_char,
        encode_str(&str) => serialize_str,
        encode_bytes(&[u8]) => serialize_bytes,
    );

    #[inline]
    fn encode_option_tag(&mut self, present: bool) -> Result<(), EncodeError> {
        if present {
            self.ser.some();
        } else {
            self.ser.none();
        }
        Ok(())
    }

    #[inline]
    fn encode_seq_len(&mut self, len: usize) -> Result<(), EncodeError> {
        self.ser.counted(Some(len), "sequence")
    }

    #[inline]
    fn encode_map_len(&mut self, len: usize) -> Result<(), EncodeError> {
        self.ser.counted(Some(len), "map")
    }

    #[inline]
    fn encode_variant(&mut self, index: u32) -> Result<(), EncodeError> {
        self.ser.variant(index);
        Ok(())
    }

    #[inline]
    fn encode_struct_start(
        &mut self,
        name: &'static str,
        kind: StructKind,
        len: usize,
    ) -> Result<(), EncodeError> {
        // serde's newtype structs are transparent; the other shapes are Java objects.
        if kind != StructKind::Newtype {
            self.ser.struct_start(name, len)?;
        }
        Ok(())
    }

    #[inline]
    fn encode_tuple_start(&mut self, _len: usize) -> Result<(), EncodeError> {
        self.ser.plain();
        Ok(())
    }

    #[inline]
    fn encode_generic<T: Serialize + 'static>(&mut self, value: &T) -> Result<(), EncodeError> {
        let factories = self.factories;
        encode_generic(
            factories,
            self,
            value,
            |compiled, e| Some((compiled.kryo_encode)(value, e)),
            |e| value.serialize(&mut *e.ser),
        )
    }
}

/// The reader as a [`Decoder`].
pub(crate) struct KryoDecoder<'r, 'de, 'a> {
    de: &'r mut De<'de, 'a>,
    factories: &'r Factories,
}

/// `Decoder` methods that are serde's `Deserialize` of the value over the serde reader.
macro_rules! through_serde_de {
    ($($method:ident -> $ty:ty),* $(,)?) => {$(
        #[inline]
        fn $method(&mut self) -> Result<$ty, DecodeError> {
            <$ty>::deserialize(&mut *self.de)
        }
    )*};
}

impl Decoder for KryoDecoder<'_, '_, '_> {
    instants_whole_when_decoding!();

    const SORTED_FIELDS: bool = true;

    fn limits(&self) -> &Limits {
        self.de.limits
    }

    fn remaining(&self) -> usize {
        self.de.input.remaining()
    }

    through_serde_de!(
        decode_bool -> bool,
        decode_u8 -> u8,
        decode_u16 -> u16,
        decode_u32 -> u32,
        decode_u64 -> u64,
        decode_u128 -> u128,
        decode_i8 -> i8,
        decode_i16 -> i16,
        decode_i32 -> i32,
        decode_i64 -> i64,
        decode_i128 -> i128,
        decode_f32 -> f32,
        decode_f64 -> f64,
        decode_char -> char,
    );

    #[inline]
    fn decode_string(&mut self) -> Result<String, DecodeError> {
        Ok(match self.de.string()? {
            Str::Borrowed(s) => s.to_owned(),
            Str::Owned(s) => s,
        })
    }

    #[inline]
    fn decode_byte_buf(&mut self) -> Result<Vec<u8>, DecodeError> {
        let len = self.de.counted()?;
        Ok(self.de.input.take(len)?.to_vec())
    }

    #[inline]
    fn decode_option_tag(&mut self) -> Result<bool, DecodeError> {
        self.de.option_tag()
    }

    #[inline]
    fn decode_seq_len(&mut self) -> Result<usize, DecodeError> {
        self.de.counted()
    }

    #[inline]
    fn decode_variant(
        &mut self,
        type_name: &'static str,
        variants: u32,
    ) -> Result<u32, DecodeError> {
        self.de.ordinal(type_name, variants as usize)
    }

    #[inline]
    fn decode_struct_start(
        &mut self,
        name: &'static str,
        kind: StructKind,
        _len: usize,
    ) -> Result<(), DecodeError> {
        if kind != StructKind::Newtype {
            self.de.class_object(name)?;
        }
        Ok(())
    }

    #[inline]
    fn decode_tuple_start(&mut self, _len: usize) -> Result<(), DecodeError> {
        self.de.plain()
    }

    #[inline]
    fn enter(&mut self) -> Result<(), DecodeError> {
        self.de.depth.enter(self.de.limits)
    }

    #[inline]
    fn leave(&mut self) {
        self.de.depth.leave();
    }

    #[inline]
    fn decode_generic<T: DeserializeOwned + 'static>(&mut self) -> Result<T, DecodeError> {
        let factories = self.factories;
        decode_generic(
            factories,
            self,
            true,
            |compiled, d| (compiled.kryo_decode)(d),
            |d| T::deserialize(&mut *d.de),
        )
    }
}
