//! Parses arbitrary text as a serialization config. A config that parses writes TOML that
//! parses to an equal config, and selects a serializer for a test type or says why not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use typeinfo_serializers::SerializationConfig;
use typeinfo_serializers::Serializer;
use typeinfo_tests::types::{Everything, Tree};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(config) = SerializationConfig::from_toml(text) else {
        return;
    };
    let written = config.to_toml();
    let again = SerializationConfig::from_toml(&written).expect("our own TOML parses");
    assert_eq!(again, config, "{written}");
    let _ = Serializer::<Tree>::with_serde(&config);
    let _ = Serializer::<Everything>::with_serde(&config);
});
