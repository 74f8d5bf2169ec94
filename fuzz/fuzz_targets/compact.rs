//! Decodes arbitrary bytes as compact records. compact accepts only canonical bytes, so
//! whatever decodes must re-encode to exactly the input (for types without hash-ordered
//! collections) or to an equal value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use typeinfo::{Decode, Encode};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_tests::types::{Attributes, Collections, Everything, Scalars, Tree};

fn round_trips_equal<T: Encode + Decode + PartialEq + std::fmt::Debug>(data: &[u8]) {
    if let Ok(value) = Compact::default().decode::<T>(data) {
        let bytes = Compact::default().to_vec(&value).expect("a decoded value encodes");
        assert_eq!(Compact::default().decode::<T>(&bytes).expect("re-encoded bytes decode"), value);
    }
}

fn round_trips_bytes<T: Encode + Decode>(data: &[u8]) {
    if let Ok(value) = Compact::default().decode::<T>(data) {
        let bytes = Compact::default().to_vec(&value).expect("a decoded value encodes");
        assert_eq!(bytes, data, "compact decoding is injective");
    }
}

fuzz_target!(|data: &[u8]| {
    round_trips_equal::<Collections>(data);
    round_trips_bytes::<Tree>(data);
    round_trips_bytes::<Attributes>(data);
    round_trips_bytes::<Scalars>(data);
    let _ = Compact::default().decode::<Everything>(data);
});
