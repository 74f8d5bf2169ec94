//! The wire formats of typeinfo. Each format implements the serializer traits of the
//! `typeinfo` crate ([`typeinfo::Encoder`], [`typeinfo::Decoder`]), so the code that
//! `#[derive(TypeInfo)]` generates runs, monomorphised, in every one of them.
//!
//! - the formats: [`pojo`], [`compact`], [`kryo`] (generated code and serde), `avro`
//!   (feature `avro`, on by default);
//! - the selection config beside them: [`config`] (formats, errors, the TOML file, the
//!   builder) and [`select`] ([`Serializer`], `explain`): one place answers which format a
//!   type gets, whether it runs generated code, and which factories its serializer carries;
//! - [`record`]: whole records (the size limit, the trailing-bytes check), the traits the
//!   engine and the reports hold;
//! - [`baselines`]: the serde formats, each behind its cargo feature;
//! - [`key`]: typed key selectors;
//! - [`state`]: state files, records with the snapshot they were written under, read back
//!   through a migration when the type has changed.

#[cfg(feature = "avro")]
pub mod avro;
pub mod baselines;
pub mod compact;
mod compiled;
pub mod config;
mod decode_support;
pub mod key;
pub mod kryo;
pub mod pojo;
pub mod record;
pub mod select;
pub mod state;
pub mod varint;

pub use compiled::factory_of;
pub use config::{ConfigError, Format, GenericTypes, SerializationConfig};
pub use record::{RecordCodec, RecordSerializer};
pub use select::Serializer;

#[doc(hidden)]
pub use serde as __serde;
#[doc(hidden)]
pub use typeinfo as __typeinfo;
