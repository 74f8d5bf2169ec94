//! Decodes arbitrary bytes as pojo records; whatever decodes must re-encode and decode to
//! the same value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use typeinfo::{Decode, Encode};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::pojo::Pojo;
use typeinfo_tests::types::{Attributes, Collections, Everything, Tree};

/// For types without floats: equal values.
fn round_trips_equal<T: Encode + Decode + PartialEq + std::fmt::Debug>(data: &[u8]) {
    if let Ok(value) = Pojo::default().decode::<T>(data) {
        let bytes = Pojo::default().to_vec(&value).expect("a decoded value encodes");
        assert_eq!(Pojo::default().decode::<T>(&bytes).expect("re-encoded bytes decode"), value);
    }
}

/// For types that may hold NaN but no hash-ordered collection: identical bytes.
fn round_trips_bytes<T: Encode + Decode>(data: &[u8]) {
    if let Ok(value) = Pojo::default().decode::<T>(data) {
        let bytes = Pojo::default().to_vec(&value).expect("a decoded value encodes");
        assert_eq!(bytes, data, "decoding is injective: the same value came from other bytes");
    }
}

fuzz_target!(|data: &[u8]| {
    round_trips_equal::<Collections>(data);
    round_trips_bytes::<Tree>(data);
    round_trips_bytes::<Attributes>(data);
    let _ = Pojo::default().decode::<Everything>(data);
});
