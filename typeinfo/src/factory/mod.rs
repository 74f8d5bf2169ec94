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
//! let catalog = [typeinfo::factory!("celsius", Celsius, CelsiusCodec)];
//! // The entry's key is the type's full name, as `explain` prints it.
//! let name = core::any::type_name::<Celsius>();
//! let file = format!("[types.\"{name}\"]\nfactory = \"celsius\"\n");
//! let config = typeinfo_serializers::SerializationConfig::from_toml_with(&file, &catalog)?;
//! assert_eq!(config.factory_for(name).map(|f| f.name()), Some("celsius"));
//! # Ok::<(), typeinfo_serializers::ConfigError>(())
//! ```
//!
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

/// A codec's encode, with the format and the value's type erased.
#[doc(hidden)]
pub type EncodeFn = fn(&dyn Any, &mut dyn DynEncoder, &Factories) -> Result<(), EncodeError>;
/// A codec's decode into the `Option<T>` behind the `Any`, with the format erased.
#[doc(hidden)]
pub type DecodeFn = fn(&mut dyn DynDecoder, &mut dyn Any, &Factories) -> Result<(), DecodeError>;

/// A codec for one type, registered under a name. Build it with [`factory!`](crate::factory!).
#[derive(Clone)]
pub struct Factory {
    name: &'static str,
    type_name: &'static str,
    type_id: TypeId,
    type_info: fn() -> &'static TypeInfo,
    /// Indexed by the format's `SORTED_FIELDS`. Plain function pointers: one indirect call
    /// per value, with the codec inlined behind it.
    encode: [EncodeFn; 2],
    decode: [DecodeFn; 2],
}

impl Factory {
    /// A factory named `name` for `T`. [`factory!`](crate::factory!) fills in the four
    /// functions from one codec path; each is the codec monomorphised for the erased
    /// encoder or decoder of a format with declaration-order or sorted fields, wrapped by
    /// [`erased_encode`] and [`erased_decode`].
    #[doc(hidden)]
    pub fn new<T: 'static>(
        name: &'static str,
        type_info: fn() -> &'static TypeInfo,
        encode: [EncodeFn; 2],
        decode: [DecodeFn; 2],
    ) -> Factory {
        Factory {
            name,
            type_name: core::any::type_name::<T>(),
            type_id: TypeId::of::<T>(),
            type_info,
            encode,
            decode,
        }
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

    /// Encodes `value`; generic fields inside it find their factories in `factories`.
    pub(crate) fn encode<E: Encoder>(
        &self,
        value: &dyn Any,
        encoder: &mut E,
        factories: &Factories,
    ) -> Result<(), EncodeError> {
        (self.encode[usize::from(E::SORTED_FIELDS)])(value, encoder, factories)
    }

    pub(crate) fn decode<T: 'static, D: Decoder>(
        &self,
        decoder: &mut D,
        factories: &Factories,
    ) -> Result<T, DecodeError> {
        let mut slot: Option<T> = None;
        (self.decode[usize::from(D::SORTED_FIELDS)])(decoder, &mut slot, factories)?;
        slot.ok_or_else(|| DecodeError::Custom(wrong_type(self.type_name)))
    }
}

/// The body of an [`EncodeFn`]: `encode` (a codec's, inlined) on the erased encoder.
#[doc(hidden)]
#[inline(always)]
pub fn erased_encode<T: 'static, const SORTED: bool>(
    value: &dyn Any,
    encoder: &mut dyn DynEncoder,
    factories: &Factories,
    encode: impl FnOnce(&T, &mut ErasedEncoder<'_, SORTED>) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    match value.downcast_ref::<T>() {
        Some(value) => encode(value, &mut ErasedEncoder::new(encoder, factories)),
        None => Err(EncodeError::custom(wrong_type(core::any::type_name::<T>()))),
    }
}

/// The body of a [`DecodeFn`]: `decode` (a codec's, inlined) on the erased decoder.
#[doc(hidden)]
#[inline(always)]
pub fn erased_decode<T: 'static, const SORTED: bool>(
    decoder: &mut dyn DynDecoder,
    slot: &mut dyn Any,
    factories: &Factories,
    decode: impl FnOnce(&mut ErasedDecoder<'_, SORTED>) -> Result<T, DecodeError>,
) -> Result<(), DecodeError> {
    let value = decode(&mut ErasedDecoder::new(decoder, factories))?;
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

/// A [`Factory`] named `$name` for type `$ty`, from a codec path (a module or a type that
/// provides `type_info()`, `encode(&value, encoder)` and `decode(decoder)`, the contract of
/// `#[typeinfo(with = ...)]`):
///
/// ```ignore
/// let factory = typeinfo::factory!("geo-point", geo::Point, PointCodec);
/// ```
#[macro_export]
macro_rules! factory {
    ($name:expr, $ty:ty, $($codec:tt)+) => {
        $crate::factory::Factory::new::<$ty>(
            $name,
            $($codec)+::type_info,
            [
                |v, e, f| $crate::factory::erased_encode::<$ty, false>(v, e, f, |v, e| {
                    $($codec)+::encode(v, e)
                }),
                |v, e, f| $crate::factory::erased_encode::<$ty, true>(v, e, f, |v, e| {
                    $($codec)+::encode(v, e)
                }),
            ],
            [
                |d, s, f| $crate::factory::erased_decode::<$ty, false>(d, s, f, |d| {
                    $($codec)+::decode(d)
                }),
                |d, s, f| $crate::factory::erased_decode::<$ty, true>(d, s, f, |d| {
                    $($codec)+::decode(d)
                }),
            ],
        )
    };
}
