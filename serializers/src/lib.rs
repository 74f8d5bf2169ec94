//! The wire formats of typeinfo. Each format implements the serializer traits of the
//! `typeinfo` crate ([`typeinfo::Encoder`], [`typeinfo::Decoder`]), so the code that
//! `#[derive(TypeInfo)]` generates runs, monomorphised, in every one of them.

#[cfg(feature = "avro")]
pub mod avro;
pub mod baselines;
pub mod compact;
pub mod config;
mod decode_support;
pub mod key;
pub mod kryo;
pub mod pojo;
pub mod record;
pub mod select;
pub mod varint;

pub use config::{ConfigError, Format, GenericTypes, SerializationConfig};
pub use record::{RecordCodec, RecordSerializer};
pub use select::Serializer;

#[doc(hidden)]
pub use serde as __serde;
