//! The generic fallback: a value the type system cannot see into (`#[typeinfo(generic)]`,
//! Flink's `GenericType`) travels through serde, mapped onto the same [`Encoder`] and
//! [`Decoder`] calls the generated code uses. Every format therefore carries generic fields
//! in its own encoding, with its own limits.
//!
//! The mapping is non-self-describing (as bincode's): structs are their fields in order,
//! enums a variant index then the variant's fields, sequences and maps need a known length.
//! A `Deserialize` impl that asks for `deserialize_any` gets an error that says so.
//!
//! [`Encoder`]: super::Encoder
//! [`Decoder`]: super::Decoder

mod de;
mod ser;

pub use de::GenericDeserializer;
pub use ser::GenericSerializer;
