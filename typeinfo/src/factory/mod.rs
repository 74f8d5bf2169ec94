//! Per-type factories: a codec for a type the descriptor cannot see into, chosen by the
//! selection config (Flink's `pipeline.serialization-config` entry
//! `{type: typeinfo, class: ...}`).
//!
//! A `#[typeinfo(generic)]` field normally travels through serde. When the config names a
//! factory for the field's type, the field is written by the factory's codec instead, in
//! every generated format (pojo, compact, avro, kryo's generated code). A factory is the
//! same kind of codec as `#[typeinfo(with = ...)]` (a module or type with `type_info`,
//! `encode` and `decode`), but it is registered once, by name, for a type, rather than
//! written on every field, and a config file can switch it on without a rebuild of the
//! records.
//!
//! ```
//! use typeinfo::{DecodeError, Decoder, EncodeError, Encoder, HasTypeInfo, TypeInfo};
//!
//! /// A foreign type (from another crate, so it cannot implement our traits).
//! #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
//! pub struct Celsius(pub f32);
//!
//! /// Its codec: a type (or a module) with the contract of `#[typeinfo(with = ...)]`.
//! pub struct CelsiusCodec;
//!
//! impl CelsiusCodec {
//!     pub fn type_info() -> &'static TypeInfo {
//!         f32::type_info()
//!     }
//!     pub fn encode<E: Encoder>(v: &Celsius, e: &mut E) -> Result<(), EncodeError> {
//!         e.encode_f32(v.0)
//!     }
//!     pub fn decode<D: Decoder>(d: &mut D) -> Result<Celsius, DecodeError> {
//!         d.decode_f32().map(Celsius)
//!     }
//! }
//!
//! let catalog = [typeinfo_serializers::factory!("celsius", Celsius, CelsiusCodec)];
//! // The entry's key is the type's full name, as `explain` prints it.
//! let name = core::any::type_name::<Celsius>();
//! let file = format!("[types.\"{name}\"]\nfactory = \"celsius\"\n");
//! let config = typeinfo_serializers::SerializationConfig::from_toml_with(&file, &catalog)?;
//! assert_eq!(config.factory_for(name).map(|f| f.name()), Some("celsius"));
//! # Ok::<(), typeinfo_serializers::ConfigError>(())
//! ```
//!
//! `typeinfo_serializers::factory!` compiles the codec for each of its formats' encoders
//! and decoders, so a factory's value costs one call, not one per primitive; any other
//! encoder or decoder runs it behind trait objects ([`ErasedEncoder`], [`ErasedDecoder`]).
//! A serializer built from the config hands the factories for its record type to every
//! encoder and decoder it makes (`Pojo::new(limits).with_factories(set)` and the like in
//! `typeinfo-serializers`); the generic fields look them up there by `TypeId`. Nothing is
//! global: two serializers with different sets run side by side on one thread.

mod erased;
mod set;

pub use erased::{ErasedDecoder, ErasedEncoder};
pub use set::Factories;

use crate::codec::{Decoder, Encoder};
use crate::error::{DecodeError, EncodeError};
use crate::info::TypeInfo;
use core::any::{Any, TypeId};
use core::fmt;
#[doc(hidden)]
pub use erased::{DynDecoder, DynEncoder};
use std::sync::Arc;

/// A codec for `T` with the contract of `#[typeinfo(with = ...)]`, as a trait, so that a
/// factory can compile it for every encoder and decoder it meets.
/// `typeinfo_serializers::factory!` implements it for a codec module or type.
pub trait Codec<T> {
    /// The descriptor of what the codec writes.
    fn type_info() -> &'static TypeInfo;
    fn encode<E: Encoder>(value: &T, encoder: &mut E) -> Result<(), EncodeError>;
    fn decode<D: Decoder>(decoder: &mut D) -> Result<T, DecodeError>;
}

/// A codec's encode, with the format and the value's type erased.
type EncodeFn = fn(&dyn Any, &mut dyn DynEncoder, &Factories) -> Result<(), EncodeError>;
/// A codec's decode into the `Option<T>` behind the `Any`, with the format erased.
type DecodeFn = fn(&mut dyn DynDecoder, &mut dyn Any, &Factories) -> Result<(), DecodeError>;

/// A codec for one type, registered under a name. Build it with
/// `typeinfo_serializers::factory!`.
///
/// It holds the codec twice: behind trait objects (one dynamic call per primitive, for any
/// encoder or decoder) and, optionally, compiled for a set of formats' own encoders and
/// decoders (one call per value), which those formats find with [`Factory::compiled`].
#[derive(Clone)]
pub struct Factory {
    name: &'static str,
    type_name: &'static str,
    type_id: TypeId,
    type_info: fn() -> &'static TypeInfo,
    /// Indexed by the format's `SORTED_FIELDS`.
    encode: [EncodeFn; 2],
    decode: [DecodeFn; 2],
    compiled: Option<Arc<dyn Any + Send + Sync>>,
}

impl Factory {
    /// A factory named `name` for `T`, writing with codec `C` behind trait objects.
    pub fn of<T: 'static, C: Codec<T>>(name: &'static str) -> Factory {
        Factory {
            name,
            type_name: core::any::type_name::<T>(),
            type_id: TypeId::of::<T>(),
            type_info: C::type_info,
            encode: [erased_encode::<T, C, false>, erased_encode::<T, C, true>],
            decode: [erased_decode::<T, C, false>, erased_decode::<T, C, true>],
            compiled: None,
        }
    }

    /// The same, with the codec also compiled for some formats: a value of the type those
    /// formats look up with [`Factory::compiled`].
    pub fn with_compiled<X: Any + Send + Sync>(self, compiled: X) -> Factory {
        Factory {
            compiled: Some(Arc::new(compiled)),
            ..self
        }
    }

    /// The codec compiled as `X`, if this factory carries one.
    #[inline]
    pub fn compiled<X: Any>(&self) -> Option<&X> {
        // A checked downcast: measured no slower than comparing a stored TypeId.
        self.compiled.as_deref()?.downcast_ref()
    }

    /// The name the config file refers to it by.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// `core::any::type_name` of the type it writes: the key of its `[types."…"]` entry.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The descriptor of what it writes.
    pub fn type_info(&self) -> &'static TypeInfo {
        (self.type_info)()
    }

    pub(crate) fn type_id(&self) -> TypeId {
        self.type_id
    }

    /// Encodes `value` behind trait objects; generic fields inside it find their factories
    /// in `factories`.
    pub fn encode<E: Encoder>(
        &self,
        value: &dyn Any,
        encoder: &mut E,
        factories: &Factories,
    ) -> Result<(), EncodeError> {
        (self.encode[usize::from(E::SORTED_FIELDS)])(value, encoder, factories)
    }

    /// Decodes a `T` behind trait objects (see [`Factory::encode`]).
    pub fn decode<T: 'static, D: Decoder>(
        &self,
        decoder: &mut D,
        factories: &Factories,
    ) -> Result<T, DecodeError> {
        let mut slot: Option<T> = None;
        (self.decode[usize::from(D::SORTED_FIELDS)])(decoder, &mut slot, factories)?;
        slot.ok_or_else(|| DecodeError::Custom(wrong_type(self.type_name)))
    }
}

fn erased_encode<T: 'static, C: Codec<T>, const SORTED: bool>(
    value: &dyn Any,
    encoder: &mut dyn DynEncoder,
    factories: &Factories,
) -> Result<(), EncodeError> {
    match value.downcast_ref::<T>() {
        Some(value) => C::encode(value, &mut ErasedEncoder::<SORTED>::new(encoder, factories)),
        None => Err(EncodeError::custom(wrong_type(core::any::type_name::<T>()))),
    }
}

fn erased_decode<T: 'static, C: Codec<T>, const SORTED: bool>(
    decoder: &mut dyn DynDecoder,
    slot: &mut dyn Any,
    factories: &Factories,
) -> Result<(), DecodeError> {
    let value = C::decode(&mut ErasedDecoder::<SORTED>::new(decoder, factories))?;
    match slot.downcast_mut::<Option<T>>() {
        Some(slot) => {
            *slot = Some(value);
            Ok(())
        }
        None => Err(DecodeError::Custom(wrong_type(core::any::type_name::<T>()))),
    }
}

/// Factories are found by `TypeId`, so this is never reached; it is an error, not a panic,
/// all the same.
fn wrong_type(type_name: &str) -> Box<str> {
    format!("the factory for `{type_name}` was handed a value of another type").into()
}

impl fmt::Debug for Factory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Factory")
            .field("name", &self.name)
            .field("type_name", &self.type_name)
            .finish_non_exhaustive()
    }
}

/// Two factories are the same when they have the same name and write the same type.
impl PartialEq for Factory {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.type_id == other.type_id
    }
}
