//! Decodes arbitrary bytes as kryo records, by name, registered and with references.
//! kryo reads what Kryo writes, which has several spellings of one value (a class by name
//! or by id, ASCII or UTF-8 strings), so whatever decodes must survive a second round trip
//! equal, not byte for byte.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::{Serialize, de::DeserializeOwned};
use std::fmt::Debug;
use typeinfo_serializers::kryo::{Kryo, Registry};
use typeinfo_tests::types::{Collections, Everything, Tree};

fn round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(kryo: &Kryo, data: &[u8]) {
    if let Ok(value) = kryo.decode::<T>(data) {
        let bytes = kryo.to_vec(&value).expect("a decoded value encodes");
        let again: T = kryo.decode(&bytes).expect("our own bytes decode");
        assert_eq!(again, value);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut registry = Registry::new();
    for (id, name) in (9..).zip(["Tree", "Collections", "Everything", "Shape", "Pair"]) {
        registry.register_name(name, id).expect("distinct ids");
    }
    for kryo in [
        Kryo::default(),
        Kryo::new(registry.clone()),
        Kryo::new(registry).references(true),
    ] {
        round_trips::<Tree>(&kryo, data);
        round_trips::<Collections>(&kryo, data);
        let _ = kryo.decode::<Everything>(data);
    }
});
