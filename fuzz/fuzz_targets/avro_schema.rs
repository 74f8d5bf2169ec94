//! Parses arbitrary text as an Avro schema, as a container file's header or a schema
//! registry hands one over. A schema that parses writes JSON that parses to the same
//! canonical form and fingerprint, resolves against itself, and compiles or is refused
//! against a typed reader without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use typeinfo::Limits;
use typeinfo_serializers::avro::json::datum_to_json;
use typeinfo_serializers::avro::resolve::compile;
use typeinfo_serializers::avro::{Schema, schema_of};
use typeinfo_tests::evolution::v2;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(schema) = Schema::parse(text) else {
        return;
    };
    let json = schema.to_json();
    let again = Schema::parse(&json).expect("our own JSON parses");
    assert_eq!(again.canonical_form(), schema.canonical_form());
    assert_eq!(again.fingerprint(), schema.fingerprint());
    if let Err(e) = compile(&schema, &schema) {
        panic!("a schema must resolve against itself: {e}\n{json}");
    }
    let _ = compile(&schema, &schema_of::<v2::Order>().expect("a schema"));
    // The schema's reader on a few bytes, as a file of this schema would feed it.
    let _ = datum_to_json(&schema, &data[..data.len().min(16)], Limits::default());
});
