//! Field types of other crates, each behind the cargo feature of the crate's name. Every
//! type gets a descriptor and the same codecs in every format; dates, instants, UUIDs and
//! decimals are [`TypeInfo::Logical`](crate::TypeInfo::Logical), which Avro schemas print
//! as the matching logical type.
//!
//! | feature | types | written as |
//! |---|---|---|
//! | `chrono` | `DateTime<Utc>`, `NaiveDateTime`, `NaiveDate` | `timestamp-nanos`, `local-timestamp-nanos`, `date` |
//! | `time` | `UtcDateTime`, `OffsetDateTime`, `PrimitiveDateTime`, `Date` | `timestamp-nanos` (with the offset's seconds beside it for `OffsetDateTime`), `local-timestamp-nanos`, `date` |
//! | `uuid` | `Uuid` | `uuid` over 16 bytes |
//! | `rust_decimal` | `Decimal` | its exact text; [`rust_decimal::Scaled`] for Avro's `decimal` |
//! | `bytes` | `Bytes`, `BytesMut` | bytes |
//! | `smallvec` | `SmallVec<[T; N]>` | a sequence, as `Vec<T>` |
//! | `indexmap` | `IndexMap`, `IndexSet` | a map or set, in insertion order |
//! | `ordered-float` | `OrderedFloat<f32/f64>`, `NotNan<f32/f64>` | the float (`NotNan` refuses NaN when read) |
//! | `serde_json` | `serde_json::Value` | a JSON document, as its text |
//!
//! Instants are nanoseconds since 1970 in an `i64`, which covers 1677-09-21 to 2262-04-11:
//! nothing below a nanosecond is dropped, and a value outside that range is an encoding
//! error rather than a wrapped or truncated one.

#[cfg(feature = "bytes")]
mod bytes;
#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "indexmap")]
mod indexmap;
#[cfg(feature = "serde_json")]
mod json;
#[cfg(feature = "ordered-float")]
mod ordered_float;
#[cfg(feature = "rust_decimal")]
pub mod rust_decimal;
#[cfg(feature = "smallvec")]
mod smallvec;
#[cfg(feature = "time")]
mod time;
#[cfg(feature = "uuid")]
mod uuid;
