//! Decodes arbitrary bytes as Avro datums of the test types, three ways that must agree:
//! generated code, the schema-driven JSON reader, and schema resolution.
//!
//! - Whatever decodes re-encodes stably (Avro writes an array in any number of blocks, so
//!   the same value has many encodings, but ours is one of them).
//! - What generated code reads, the JSON reader reads with the type's schema.
//! - Bytes that decode as a version 1 order decode through resolution as the version 2
//!   order `upgrade` makes of it.
//! - A single-object encoding decodes only with its own fingerprint, and re-encodes to the
//!   input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use typeinfo::{Decode, DecodeError, Limits};
use typeinfo_fuzz::checks::{re_encodes_stably, round_trips_equal};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::avro::json::datum_to_json;
use typeinfo_serializers::avro::{Avro, AvroCodec, Resolved, Schema, schema_of};
use typeinfo_tests::evolution::{upgrade, v1, v2};
use typeinfo_tests::types::{Attributes, Collections, Everything, Scalars, Tree};

/// What every input needs, made once: schemas, the resolution of v1 orders to v2, and a
/// codec for single objects.
struct Fixture {
    tree: Schema,
    collections: Schema,
    order: Schema,
    resolved: Resolved<v2::Order>,
    single_object: AvroCodec<Tree>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let order = schema_of::<v1::Order>().expect("a schema");
        Fixture {
            tree: schema_of::<Tree>().expect("a schema"),
            collections: schema_of::<Collections>().expect("a schema"),
            resolved: Resolved::new(&order, Limits::default()).expect("v1 resolves to v2"),
            order,
            single_object: AvroCodec::new(Limits::default()).expect("a schema"),
        }
    })
}

/// Generated code and the JSON reader of `T`'s schema agree on whether `data` is a datum.
fn readers_agree<T: Decode>(avro: &Avro, schema: &Schema, data: &[u8]) {
    let typed = avro.decode::<T>(data);
    let json = datum_to_json(schema, data, Limits::default());
    // Where the Rust type is narrower than its schema, generated code refuses what the
    // schema allows: a repeated key in a map or set, a `long` beyond a `u32`, an `int`
    // that is no `char`, an array of the wrong length for a `[T; N]`.
    let narrower = matches!(
        typed.as_ref().map_err(DecodeError::cause),
        Err(DecodeError::DuplicateKey { .. }
            | DecodeError::OutOfRange { .. }
            | DecodeError::InvalidChar(_)
            | DecodeError::LengthMismatch { .. })
    );
    if !narrower {
        assert_eq!(
            typed.is_ok(),
            json.is_ok(),
            "generated code says {:?}, the JSON reader {:?}",
            typed.err(),
            json.err()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let avro = Avro::default();
    re_encodes_stably::<_, Tree>(&avro, data);
    re_encodes_stably::<_, Scalars>(&avro, data);
    re_encodes_stably::<_, Attributes>(&avro, data);
    re_encodes_stably::<_, v1::Order>(&avro, data);
    round_trips_equal::<_, Collections>(&avro, data);
    let _ = avro.decode::<Everything>(data);

    let fixture = fixture();
    readers_agree::<Tree>(&avro, &fixture.tree, data);
    readers_agree::<Collections>(&avro, &fixture.collections, data);
    readers_agree::<v1::Order>(&avro, &fixture.order, data);

    let upgraded = fixture.resolved.decode(data);
    if let Ok(old) = avro.decode::<v1::Order>(data) {
        let new = upgraded.expect("what v1 reads, resolution to v2 reads");
        // Compared as bytes, so a NaN amount compares equal to itself.
        assert_eq!(
            avro.to_vec(&new).unwrap(),
            avro.to_vec(&upgrade(&old)).unwrap(),
            "resolution and upgrade disagree"
        );
    }

    let codec = &fixture.single_object;
    if let Ok(tree) = codec.decode_single_object(data) {
        let mut again = Vec::new();
        codec.encode_single_object(&tree, &mut again).unwrap();
        let datum_again = codec
            .decode_single_object(&again)
            .expect("our own bytes decode");
        assert_eq!(datum_again, tree);
    }
});
