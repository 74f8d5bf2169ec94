//! What whatever decodes must satisfy: it encodes again, and a second round changes
//! nothing.

use std::fmt::Debug;
use typeinfo::{Decode, Encode};
use typeinfo_serializers::RecordCodec;

/// The re-encoded value decodes to an equal value. For types without floats (NaN is not
/// equal to itself); hash-ordered collections are fine.
pub fn round_trips_equal<C: RecordCodec, T: Encode + Decode + PartialEq + Debug>(
    codec: &C,
    data: &[u8],
) {
    if let Ok(value) = codec.decode::<T>(data) {
        let bytes = codec.to_vec(&value).expect("a decoded value encodes");
        assert_eq!(
            codec.decode::<T>(&bytes).expect("re-encoded bytes decode"),
            value
        );
    }
}

/// The value re-encodes to exactly the input (decoding is injective). For formats with one
/// encoding per value and types without hash-ordered collections.
pub fn round_trips_bytes<C: RecordCodec, T: Encode + Decode>(codec: &C, data: &[u8]) {
    if let Ok(value) = codec.decode::<T>(data) {
        let bytes = codec.to_vec(&value).expect("a decoded value encodes");
        assert_eq!(
            bytes,
            data,
            "{}: the same value decoded from other bytes",
            C::NAME
        );
    }
}

/// The value's encoding decodes and encodes to the same bytes again. For formats with
/// several encodings of one value (Avro's array blocks) and types with floats, without
/// hash-ordered collections.
pub fn re_encodes_stably<C: RecordCodec, T: Encode + Decode>(codec: &C, data: &[u8]) {
    if let Ok(value) = codec.decode::<T>(data) {
        let first = codec.to_vec(&value).expect("a decoded value encodes");
        let again: T = codec.decode(&first).expect("re-encoded bytes decode");
        let second = codec.to_vec(&again).expect("a decoded value encodes");
        assert_eq!(
            first,
            second,
            "{}: a second round trip changed the bytes",
            C::NAME
        );
    }
}
