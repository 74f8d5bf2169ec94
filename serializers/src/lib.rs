//! The wire formats of typeinfo. Each format implements the serializer traits of the
//! `typeinfo` crate ([`typeinfo::Encoder`], [`typeinfo::Decoder`]), so the code that
//! `#[derive(TypeInfo)]` generates runs, monomorphised, in every one of them.

pub mod key;
pub mod pojo;
pub mod select;

pub use select::Serializer;
