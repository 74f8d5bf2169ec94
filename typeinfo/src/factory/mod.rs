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
//! The config's factories are in force while a serializer built from it encodes or decodes
//! (see [`Factories::scope`]); the generic fields look them up by `TypeId`.

mod erased;
mod scope;

pub use erased::{ErasedDecoder, ErasedEncoder};
pub use scope::Factories;
pub use scope::{decode_in_scope, encode_in_scope};

use crate::codec::{Decoder, Encoder};
use crate::error::{DecodeError, EncodeError};
use crate::info::TypeInfo;
use core::any::{Any, TypeId};
use core::fmt;
use erased::{DynDecoder, DynEncoder};
use std::panic::RefUnwindSafe;
use std::sync::Arc;

// Only fn pointers are captured, so the closures are thread- and unwind-safe.
type EncodeFn =
    dyn Fn(&dyn Any, &mut dyn DynEncoder) -> Result<(), EncodeError> + Send + Sync + RefUnwindSafe;
/// Decodes into the `Option<T>` behind the `Any`.
type DecodeFn = dyn Fn(&mut dyn DynDecoder, &mut dyn Any) -> Result<(), DecodeError>
    + Send
    + Sync
    + RefUnwindSafe;

/// A codec for one type, registered under a name. Build it with [`factory!`](crate::factory!).
#[derive(Clone)]
pub struct Factory {
    name: &'static str,
    type_name: &'static str,
    type_id: TypeId,
    type_info: fn() -> &'static TypeInfo,
    /// Indexed by the format's `SORTED_FIELDS`.
    encode: [Arc<EncodeFn>; 2],
    decode: [Arc<DecodeFn>; 2],
}

/// The signatures a codec's functions take once the format is erased.
pub type EncodeWith<T, const SORTED: bool> =
    for<'a, 'b, 'c> fn(&'a T, &'b mut ErasedEncoder<'c, SORTED>) -> Result<(), EncodeError>;
pub type DecodeWith<T, const SORTED: bool> =
    for<'a, 'b> fn(&'a mut ErasedDecoder<'b, SORTED>) -> Result<T, DecodeError>;

impl Factory {
    /// A factory named `name` for `T`. [`factory!`](crate::factory!) fills in the four
    /// functions from one codec path; each is the codec monomorphised for the erased
    /// encoder or decoder of a format with declaration-order or sorted fields.
    pub fn new<T: 'static>(
        name: &'static str,
        type_info: fn() -> &'static TypeInfo,
        encode: (EncodeWith<T, false>, EncodeWith<T, true>),
        decode: (DecodeWith<T, false>, DecodeWith<T, true>),
    ) -> Factory {
        Factory {
            name,
            type_name: core::any::type_name::<T>(),
            type_id: TypeId::of::<T>(),
            type_info,
            encode: [erase_encode(encode.0), erase_encode(encode.1)],
            decode: [erase_decode(decode.0), erase_decode(decode.1)],
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

    pub(crate) fn encode<E: Encoder>(
        &self,
        value: &dyn Any,
        encoder: &mut E,
    ) -> Result<(), EncodeError> {
        (self.encode[usize::from(E::SORTED_FIELDS)])(value, encoder)
    }

    pub(crate) fn decode<T: 'static, D: Decoder>(&self, decoder: &mut D) -> Result<T, DecodeError> {
        let mut slot: Option<T> = None;
        (self.decode[usize::from(D::SORTED_FIELDS)])(decoder, &mut slot)?;
        slot.ok_or_else(|| DecodeError::Custom(wrong_type(self.type_name)))
    }
}

fn erase_encode<T: 'static, const SORTED: bool>(f: EncodeWith<T, SORTED>) -> Arc<EncodeFn> {
    Arc::new(move |value, encoder| match value.downcast_ref::<T>() {
        Some(value) => f(value, &mut ErasedEncoder::new(encoder)),
        None => Err(EncodeError::custom(wrong_type(core::any::type_name::<T>()))),
    })
}

fn erase_decode<T: 'static, const SORTED: bool>(f: DecodeWith<T, SORTED>) -> Arc<DecodeFn> {
    Arc::new(move |decoder, slot| {
        let value = f(&mut ErasedDecoder::new(decoder))?;
        match slot.downcast_mut::<Option<T>>() {
            Some(slot) => {
                *slot = Some(value);
                Ok(())
            }
            None => Err(DecodeError::Custom(wrong_type(core::any::type_name::<T>()))),
        }
    })
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
            (|v, e| $($codec)+::encode(v, e), |v, e| $($codec)+::encode(v, e)),
            (|d| $($codec)+::decode(d), |d| $($codec)+::decode(d)),
        )
    };
}
