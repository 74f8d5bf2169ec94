//! Factories compiled for this crate's formats. A factory's codec is chosen at run time, so
//! generated code reaches it through a function pointer; [`factory!`](crate::factory!)
//! fills that pointer with the codec monomorphised for each format's own encoder and
//! decoder, so a factory's value costs one call, as a serde fallback's inlined code costs
//! none, instead of one dynamic call per primitive behind trait objects. The erased path
//! stays for what this table does not cover: another crate's format, a writer that is not
//! a vector (the engine's segment chains), a reader whose bytes are not one slice.
//!
//! Both paths run the same codec on the same format's methods, so they write the same
//! bytes: the tests compare each with the codec's representation written as a plain field.

use crate::compact::{CompactDecoder, CompactEncoder};
use crate::kryo::generated::{KryoDecoder, KryoEncoder};
use crate::pojo::{PojoDecoder, PojoEncoder};
use typeinfo::codec::generic::{GenericDeserializer, GenericSerializer};
use typeinfo::factory::{Codec, Factories, Factory};
use typeinfo::{DecodeError, Decoder, EncodeError, Encoder};

/// A [`Factory`] named `name` for `T` with codec `C`, compiled for every format of this
/// crate. [`factory!`](crate::factory!) does the same for a codec module or type with the
/// contract of `#[typeinfo(with = ...)]`.
pub fn factory_of<T: 'static, C: Codec<T>>(name: &'static str) -> Factory {
    Factory::of::<T, C>(name).with_compiled(Compiled::<T> {
        pojo_encode: |v, e| C::encode(v, e),
        pojo_decode: |d| C::decode(d),
        compact_encode: |v, e| C::encode(v, e),
        compact_decode: |d| C::decode(d),
        #[cfg(feature = "avro")]
        avro_encode: |v, e| C::encode(v, e),
        #[cfg(feature = "avro")]
        avro_decode: |d| C::decode(d),
        kryo_encode: |v, e| C::encode(v, e),
        kryo_decode: |d| C::decode(d),
    })
}

/// A [`Factory`](typeinfo::factory::Factory) named `$name` for type `$ty`, from a codec
/// path (a module or a type that provides `type_info()`, `encode(&value, encoder)` and
/// `decode(decoder)`, the contract of `#[typeinfo(with = ...)]`), compiled for every format
/// of this crate:
///
/// ```ignore
/// let factory = typeinfo_serializers::factory!("geo-point", geo::Point, PointCodec);
/// ```
///
/// `$ty` must not name generic parameters of the function the macro is used in (the codec
/// becomes an item); use [`factory_of`] with a [`Codec`] implementation there.
#[macro_export]
macro_rules! factory {
    ($name:expr, $ty:ty, $($codec:tt)+) => {{
        struct TypeinfoFactoryCodec;
        impl $crate::__typeinfo::factory::Codec<$ty> for TypeinfoFactoryCodec {
            fn type_info() -> &'static $crate::__typeinfo::TypeInfo {
                $($codec)+::type_info()
            }
            fn encode<E: $crate::__typeinfo::Encoder>(
                value: &$ty,
                encoder: &mut E,
            ) -> ::core::result::Result<(), $crate::__typeinfo::EncodeError> {
                $($codec)+::encode(value, encoder)
            }
            fn decode<D: $crate::__typeinfo::Decoder>(
                decoder: &mut D,
            ) -> ::core::result::Result<$ty, $crate::__typeinfo::DecodeError> {
                $($codec)+::decode(decoder)
            }
        }
        $crate::factory_of::<$ty, TypeinfoFactoryCodec>($name)
    }};
}

/// One codec, monomorphised for the encoder and decoder each format hands generated code.
pub(crate) struct Compiled<T> {
    pub pojo_encode: fn(&T, &mut PojoEncoder<'_, &mut Vec<u8>>) -> Result<(), EncodeError>,
    pub pojo_decode: fn(&mut PojoDecoder<'_, &mut &[u8]>) -> Result<T, DecodeError>,
    pub compact_encode: fn(&T, &mut CompactEncoder<'_>) -> Result<(), EncodeError>,
    pub compact_decode: fn(&mut CompactDecoder<'_, &mut &[u8]>) -> Result<T, DecodeError>,
    #[cfg(feature = "avro")]
    pub avro_encode: fn(&T, &mut crate::avro::AvroEncoder<'_>) -> Result<(), EncodeError>,
    #[cfg(feature = "avro")]
    pub avro_decode: fn(&mut crate::avro::AvroDecoder<'_, &[u8]>) -> Result<T, DecodeError>,
    pub kryo_encode: fn(&T, &mut KryoEncoder<'_, '_>) -> Result<(), EncodeError>,
    pub kryo_decode: fn(&mut KryoDecoder<'_, '_, '_>) -> Result<T, DecodeError>,
}

/// `Encoder::encode_generic` of a format of this crate: the factory for `T` in
/// `factories`, compiled (`compiled` calls the format's entry, `None` when this encoder
/// cannot take it) or else erased, and without one `serde`.
#[inline]
pub(crate) fn encode_generic<E: Encoder, T: 'static>(
    factories: &Factories,
    encoder: &mut E,
    value: &T,
    compiled: impl FnOnce(&Compiled<T>, &mut E) -> Option<Result<(), EncodeError>>,
    serde: impl FnOnce(&mut E) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    let Some(factory) = factories.get::<T>() else {
        return serde(encoder);
    };
    if let Some(done) = factory.compiled().and_then(|c| compiled(c, encoder)) {
        return done;
    }
    factory.encode(value, encoder, factories)
}

/// `Decoder::decode_generic` of a format of this crate (see [`encode_generic`]); the
/// compiled entry runs when `compiled_applies`. Its result is returned as it comes, so
/// that it is written straight into the caller's slot.
#[inline]
pub(crate) fn decode_generic<D: Decoder, T: 'static>(
    factories: &Factories,
    decoder: &mut D,
    compiled_applies: bool,
    compiled: impl FnOnce(&Compiled<T>, &mut D) -> Result<T, DecodeError>,
    serde: impl FnOnce(&mut D) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let Some(factory) = factories.get::<T>() else {
        return serde(decoder);
    };
    match factory.compiled() {
        Some(entries) if compiled_applies => compiled(entries, decoder),
        _ => factory.decode(decoder, factories),
    }
}

/// [`encode_generic`] for a format whose serde fallback is the core's generic serializer.
#[inline]
pub(crate) fn encode_generic_or_serde<E: Encoder, T: serde::Serialize + 'static>(
    factories: &Factories,
    encoder: &mut E,
    value: &T,
    compiled: impl FnOnce(&Compiled<T>, &mut E) -> Option<Result<(), EncodeError>>,
) -> Result<(), EncodeError> {
    encode_generic(factories, encoder, value, compiled, |e| {
        value.serialize(GenericSerializer::new(e))
    })
}

/// [`decode_generic`] for a format whose serde fallback is the core's generic deserializer.
#[inline]
pub(crate) fn decode_generic_or_serde<D: Decoder, T: serde::de::DeserializeOwned + 'static>(
    factories: &Factories,
    decoder: &mut D,
    compiled_applies: bool,
    compiled: impl FnOnce(&Compiled<T>, &mut D) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    decode_generic(factories, decoder, compiled_applies, compiled, |d| {
        T::deserialize(GenericDeserializer::new(d))
    })
}

/// `Encoder::encode_generic` of a format whose serde fallback is the core's generic
/// serializer and whose factories are in field `factories`: `$entry` runs the compiled
/// entry on the encoder (`None` where this encoder cannot take it).
macro_rules! encode_generic_compiled {
    (|$compiled:ident, $encoder:ident, $value:ident| $entry:expr) => {
        #[inline]
        fn encode_generic<T: serde::Serialize + 'static>(
            &mut self,
            $value: &T,
        ) -> Result<(), typeinfo::EncodeError> {
            let factories = self.factories;
            $crate::compiled::encode_generic_or_serde(
                factories,
                self,
                $value,
                |$compiled, $encoder| $entry,
            )
        }
    };
}

/// `Decoder::decode_generic` of a format whose serde fallback is the core's generic
/// deserializer, with its state in field `state` and its input in `reader`: `$entry` runs
/// the compiled entry when the input left is one slice.
macro_rules! decode_generic_compiled {
    (|$compiled:ident, $decoder:ident| $entry:expr) => {
        #[inline]
        fn decode_generic<T: serde::de::DeserializeOwned + 'static>(
            &mut self,
        ) -> Result<T, typeinfo::DecodeError> {
            let factories = self.state.factories;
            let one_slice = typeinfo::io::Reader::is_one_slice(&self.reader);
            $crate::compiled::decode_generic_or_serde(
                factories,
                self,
                one_slice,
                |$compiled, $decoder| $entry,
            )
        }
    };
}

pub(crate) use {decode_generic_compiled, encode_generic_compiled};
