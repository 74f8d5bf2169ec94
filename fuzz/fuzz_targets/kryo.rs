//! Decodes arbitrary bytes as kryo records, by name, registered and with references.
//! kryo reads what Kryo writes, which has several spellings of one value (a class by name
//! or by id, ASCII or UTF-8 strings), so whatever decodes must survive a second round trip
//! equal, not byte for byte. Without references, generated code reads the same bytes: it
//! must agree with serde on what they hold.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::{Serialize, de::DeserializeOwned};
use std::fmt::Debug;
use typeinfo::{Decode, DecodeError, Encode};
use typeinfo_fuzz::kryo_configs;
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::kryo::{Generated, Kryo};
use typeinfo_tests::types::{Collections, Everything, Tree};

fn round_trips<T>(kryo: &Kryo, data: &[u8])
where
    T: Serialize + DeserializeOwned + Encode + Decode + PartialEq + Debug,
{
    let through_serde = kryo.decode::<T>(data);
    if let Ok(value) = &through_serde {
        let bytes = kryo.to_vec(value).expect("a decoded value encodes");
        let again: T = kryo.decode(&bytes).expect("our own bytes decode");
        assert_eq!(&again, value);
    }
    if let Ok(generated) = Generated::new(kryo.clone()) {
        let through_generated = generated.decode::<T>(data);
        // Our sets and maps refuse a repeated key, which serde's keep once: the one way the
        // two may disagree.
        let refused_duplicate = matches!(
            through_generated.as_ref().map_err(DecodeError::cause),
            Err(DecodeError::DuplicateKey { .. })
        );
        if !refused_duplicate {
            assert_eq!(
                through_generated.as_ref().ok(),
                through_serde.as_ref().ok(),
                "generated code and serde read the same bytes differently"
            );
        }
        if let Ok(value) = through_generated {
            let bytes = generated.to_vec(&value).expect("a decoded value encodes");
            assert_eq!(
                generated.decode::<T>(&bytes).expect("our own bytes decode"),
                value
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    for kryo in kryo_configs() {
        round_trips::<Tree>(&kryo, data);
        round_trips::<Collections>(&kryo, data);
        let _ = kryo.decode::<Everything>(data);
    }
});
