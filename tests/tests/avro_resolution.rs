//! Schema resolution: data written with one schema read as a type with another, by the
//! spec's rules; checked against apache-avro's resolution, and on hostile input.

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::writer::datum::GenericDatumWriter;
use proptest::prelude::*;
use serde_json::{Value, json};
use typeinfo::{DecodeError, Limits, TypeInfo};
use typeinfo_serializers::avro::file::{Codec, FileReader, FileWriter};
use typeinfo_serializers::avro::single_object::SingleObjectReader;
use typeinfo_serializers::avro::{self, AvroCodec, Resolved, Schema, resolve};
use typeinfo_tests::evolution::{old_orders, upgrade, v1, v2};
use typeinfo_tests::strategies::old_order;

fn schema_json<T: typeinfo::HasTypeInfo>() -> Value {
    serde_json::from_str(&avro::schema_of::<T>().unwrap().to_json()).unwrap()
}

fn sample_order() -> v1::Order {
    v1::Order {
        id: -7,
        customer: "Ada".into(),
        amount: 12.5,
        status: v1::Status::Lost,
        lines: vec![
            v1::Line {
                sku: "A-1".into(),
                qty: 3,
            },
            v1::Line {
                sku: "ünï".into(),
                qty: -1,
            },
        ],
        tags: [("rush".to_owned(), 1), ("vip".to_owned(), -2)].into(),
        note: Some("ring twice".into()),
        legacy_flag: true,
        fingerprint: [1, 2, 3, 4],
    }
}

#[test]
fn derived_schemas_carry_defaults_aliases_and_enum_defaults() {
    let schema = schema_json::<v2::Order>();
    let fields = schema["fields"].as_array().unwrap();
    let field = |name: &str| fields.iter().find(|f| f["name"] == name).unwrap();
    assert_eq!(field("buyer")["aliases"], json!(["customer"]));
    assert_eq!(field("currency")["default"], json!("EUR"));
    assert_eq!(field("discount")["default"], json!(0.0));
    assert_eq!(field("note")["default"], Value::Null);
    let item = &field("lines")["type"]["items"];
    assert_eq!(item["aliases"], json!(["shop.Line"]));
    assert_eq!(item["fields"][2]["default"], json!(false));
    assert_eq!(field("status")["type"]["default"], json!("Unknown"));
    // A schema apache-avro accepts, defaults included.
    apache_avro::Schema::parse_str(&schema.to_string()).expect("apache-avro parses it");
}

#[test]
fn a_default_of_an_optional_field_must_be_none() {
    fn some_note() -> Option<String> {
        Some("x".into())
    }
    #[derive(TypeInfo, Debug)]
    struct Noted {
        #[typeinfo(default = "some_note")]
        note: Option<String>,
    }
    let e = avro::schema_of::<Noted>().unwrap_err();
    assert_eq!(e.at, "Noted.note");
    assert!(e.message.contains("first branch (null)"), "{e}");
}

#[test]
fn a_v1_record_reads_as_v2() {
    let writer = avro::schema_of::<v1::Order>().unwrap();
    let reader = Resolved::<v2::Order>::new(&writer, Limits::default()).unwrap();
    assert!(!reader.is_identity());
    let old = sample_order();
    let bytes = avro::to_vec(&old).unwrap();
    assert_eq!(reader.decode(&bytes).unwrap(), upgrade(&old));
    // Trailing bytes after the datum are refused, as for any datum.
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(reader.decode(&longer).is_err());
}

#[test]
fn the_same_schema_reads_directly() {
    let own = avro::schema_of::<v2::Order>().unwrap();
    let reader = Resolved::<v2::Order>::new(&own, Limits::default()).unwrap();
    assert!(reader.is_identity());
    let value = upgrade(&sample_order());
    assert_eq!(
        reader.decode(&avro::to_vec(&value).unwrap()).unwrap(),
        value
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_v1_record_reads_as_v2(old in old_order()) {
        let writer = avro::schema_of::<v1::Order>().unwrap();
        let reader = Resolved::<v2::Order>::new(&writer, Limits::default()).unwrap();
        let bytes = avro::to_vec(&old).unwrap();
        prop_assert_eq!(reader.decode(&bytes).unwrap(), upgrade(&old));
    }

    /// apache-avro resolves the same pair (its reader lacks field aliases, so the renamed
    /// field keeps its old name here) to the same reader datum, byte for byte.
    #[test]
    fn resolution_agrees_with_apache_avro(old in old_order()) {
        let (writer, reader) = pair_without_field_aliases();
        let plan = resolve::compile(&writer, &reader).unwrap();
        let bytes = avro::to_vec(&old).unwrap();
        let mut ours = Vec::new();
        let used = plan.transcode(&bytes, &mut ours, &Limits::default()).unwrap();
        prop_assert_eq!(used, bytes.len());

        let their_writer = apache_avro::Schema::parse_str(&writer.to_json()).unwrap();
        let their_reader = apache_avro::Schema::parse_str(&reader.to_json()).unwrap();
        let value = GenericDatumReader::builder(&their_writer)
            .maybe_reader_schema(Some(&their_reader))
            .build()
            .unwrap()
            .read_value(&mut &bytes[..])
            .unwrap();
        let theirs = GenericDatumWriter::builder(&their_reader)
            .build()
            .unwrap()
            .write_value_to_vec(value)
            .unwrap();
        // apache-avro's maps are hash maps, so entries may come in another order: compare
        // the datums as JSON.
        let json = |bytes: &[u8]| avro::json::datum_to_json(&reader, bytes, Limits::default()).unwrap();
        prop_assert_eq!(json(&ours), json(&theirs));
    }

    #[test]
    fn hostile_bytes_are_errors_not_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let writer = avro::schema_of::<v1::Order>().unwrap();
        let reader = Resolved::<v2::Order>::new(&writer, Limits::default()).unwrap();
        let _ = reader.decode(&bytes);
    }
}

/// v1 → v2 with v2's `buyer` called `customer` again, for readers without field aliases.
fn pair_without_field_aliases() -> (Schema, Schema) {
    let mut reader = schema_json::<v2::Order>();
    for field in reader["fields"].as_array_mut().unwrap() {
        if field["name"] == "buyer" {
            field["name"] = json!("customer");
            field.as_object_mut().unwrap().remove("aliases");
        }
    }
    (
        avro::schema_of::<v1::Order>().unwrap(),
        Schema::parse(&reader.to_string()).unwrap(),
    )
}

#[test]
fn every_prefix_of_a_datum_is_an_error() {
    let writer = avro::schema_of::<v1::Order>().unwrap();
    let reader = Resolved::<v2::Order>::new(&writer, Limits::default()).unwrap();
    let bytes = avro::to_vec(&sample_order()).unwrap();
    for len in 0..bytes.len() {
        assert!(reader.decode(&bytes[..len]).is_err(), "prefix of {len}");
    }
}

#[test]
fn a_reader_field_without_default_or_writer_field_is_named() {
    let mut writer = schema_json::<v1::Order>();
    writer["fields"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["name"] != "legacy_flag");
    let writer = Schema::parse(&writer.to_string()).unwrap();
    let e = Resolved::<v1::Order>::new(&writer, Limits::default()).unwrap_err();
    assert_eq!(e.at, "Order.legacy_flag", "{e}");
    assert!(e.message.contains("has no default"), "{e}");
}

#[test]
fn incompatible_types_name_the_field_and_the_rule() {
    let with_field = |name: &str, ty: Value| {
        let mut schema = schema_json::<v2::Order>();
        for field in schema["fields"].as_array_mut().unwrap() {
            if field["name"] == name {
                field["type"] = ty.clone();
            }
        }
        Schema::parse(&schema.to_string()).unwrap()
    };
    let cases = [
        (
            with_field("id", json!("string")),
            "Order.id",
            "the writer's string cannot be read as long",
        ),
        (
            with_field(
                "fingerprint",
                json!({"type": "fixed", "name": "fixed_4", "namespace": "typeinfo", "size": 5}),
            ),
            "Order.fingerprint",
            "a fixed's size cannot change",
        ),
        (
            with_field(
                "status",
                json!({"type": "record", "name": "Status", "fields": []}),
            ),
            "Order.status",
            "cannot be read as enum shop.Status",
        ),
    ];
    for (writer, at, rule) in cases {
        let e = Resolved::<v2::Order>::new(&writer, Limits::default()).unwrap_err();
        assert_eq!(e.at, at, "{e}");
        assert!(e.message.contains(rule), "{e}");
    }
    // long → double is a promotion, not an error.
    Resolved::<v2::Order>::new(&with_field("amount", json!("long")), Limits::default()).unwrap();
    let renamed = Schema::parse(
        &schema_json::<v2::Order>()
            .to_string()
            .replace("\"Order\"", "\"Invoice\""),
    )
    .unwrap();
    let e = Resolved::<v2::Order>::new(&renamed, Limits::default()).unwrap_err();
    assert!(e.message.contains("match by name"), "{e}");
}

#[test]
fn an_unknown_symbol_without_default_fails_only_for_that_datum() {
    let writer = avro::schema_of::<v2::Status>().unwrap();
    let reader = Resolved::<v1::Status>::new(&writer, Limits::default()).unwrap();
    let shipped = avro::to_vec(&v2::Status::Shipped).unwrap();
    assert_eq!(reader.decode(&shipped).unwrap(), v1::Status::Shipped);
    let refunded = avro::to_vec(&v2::Status::Refunded).unwrap();
    let e = reader.decode(&refunded).unwrap_err().to_string();
    assert!(e.contains("`Refunded`") && e.contains("no default"), "{e}");
}

#[derive(TypeInfo, Debug, PartialEq)]
#[typeinfo(namespace = "u")]
struct Widened {
    v: Option<i64>,
}

#[derive(TypeInfo, Debug, PartialEq)]
#[typeinfo(namespace = "u")]
struct Narrowed {
    v: String,
}

#[derive(TypeInfo, Debug, PartialEq)]
#[typeinfo(namespace = "u")]
struct Measured {
    v: Option<f64>,
}

fn one_field(name: &str, ty: Value) -> Schema {
    Schema::parse(
        &json!({"type": "record", "name": name, "namespace": "u", "fields": [{"name": "v", "type": ty}]})
            .to_string(),
    )
    .unwrap()
}

#[test]
fn unions_resolve_branch_by_branch() {
    // Writer union → reader union: each writer branch finds its reader branch.
    let writer = one_field("Widened", json!(["null", "int", "string"]));
    let reader = Resolved::<Widened>::new(&writer, Limits::default()).unwrap();
    assert_eq!(reader.decode(&[0]).unwrap(), Widened { v: None });
    assert_eq!(reader.decode(&[2, 10]).unwrap(), Widened { v: Some(5) });
    let e = reader.decode(&[4, 2, b'x']).unwrap_err().to_string();
    assert!(e.contains("union branch 2"), "{e}");

    // A plain writer → reader union: the branch it matches.
    let writer = one_field("Widened", json!("int"));
    let reader = Resolved::<Widened>::new(&writer, Limits::default()).unwrap();
    assert_eq!(reader.decode(&[3]).unwrap(), Widened { v: Some(-2) });
    let writer = one_field("Measured", json!("float"));
    let reader = Resolved::<Measured>::new(&writer, Limits::default()).unwrap();
    assert_eq!(
        reader.decode(&1.5f32.to_le_bytes()).unwrap(),
        Measured { v: Some(1.5) }
    );

    // Writer union → plain reader: what matches reads, the rest is an error per datum.
    let writer = one_field("Narrowed", json!(["null", "bytes"]));
    let reader = Resolved::<Narrowed>::new(&writer, Limits::default()).unwrap();
    assert_eq!(
        reader.decode(&[2, 4, b'o', b'k']).unwrap(),
        Narrowed { v: "ok".into() }
    );
    assert!(reader.decode(&[0]).is_err());

    // No branch at all matches: refused when compiling.
    let writer = one_field("Widened", json!("boolean"));
    let e = Resolved::<Widened>::new(&writer, Limits::default()).unwrap_err();
    assert!(e.message.contains("matches no branch"), "{e}");
}

#[test]
fn a_union_both_schemas_agree_on_is_copied_whole_and_still_checked() {
    // The writer has one more field, so the record resolves; its `v` is the reader's.
    let writer = Schema::parse(
        &json!({"type": "record", "name": "Measured", "namespace": "u", "fields": [
            {"name": "gone", "type": "int"},
            {"name": "v", "type": ["null", "double"]}]})
        .to_string(),
    )
    .unwrap();
    let plan = resolve::compile(&writer, &avro::schema_of::<Measured>().unwrap()).unwrap();
    assert!(format!("{plan:?}").contains("CopyUnion"), "{plan:?}");
    let reader = Resolved::<Measured>::new(&writer, Limits::default()).unwrap();
    let mut datum = vec![6, 2];
    datum.extend(2.5f64.to_le_bytes());
    assert_eq!(reader.decode(&datum).unwrap(), Measured { v: Some(2.5) });
    assert_eq!(reader.decode(&[6, 0]).unwrap(), Measured { v: None });
    assert!(matches!(
        reader.decode(&[6, 4]),
        Err(DecodeError::InvalidTag { tag: 2, .. })
    ));
    assert!(matches!(
        reader.decode(&[6, 2, 0, 0]),
        Err(DecodeError::UnexpectedEnd { .. })
    ));
}

#[derive(TypeInfo, Debug, PartialEq)]
#[typeinfo(namespace = "u")]
struct Moved {
    a: String,
    b: i64,
    c: Option<f64>,
}

#[test]
fn fields_that_stay_neighbours_after_a_move_copy_as_one_range() {
    // `c` moved from first to last: `a` and `b` are still neighbours.
    let writer = Schema::parse(
        &json!({"type": "record", "name": "Moved", "namespace": "u", "fields": [
            {"name": "c", "type": ["null", "double"]},
            {"name": "a", "type": "string"},
            {"name": "b", "type": "long"}]})
        .to_string(),
    )
    .unwrap();
    let plan = resolve::compile(&writer, &avro::schema_of::<Moved>().unwrap()).unwrap();
    let shown = format!("{plan:?}");
    assert!(shown.contains("Copy { first: 1, end: 3 }"), "{shown}");
    assert!(shown.contains("Copy { first: 0, end: 1 }"), "{shown}");
    let reader = Resolved::<Moved>::new(&writer, Limits::default()).unwrap();
    let mut datum = vec![2];
    datum.extend(0.5f64.to_le_bytes());
    datum.extend([4, b'h', b'i', 0x7f]);
    assert_eq!(
        reader.decode(&datum).unwrap(),
        Moved {
            a: "hi".into(),
            b: -64,
            c: Some(0.5)
        }
    );
    assert_eq!(
        reader.decode(&[0, 0, 1]).unwrap(),
        Moved {
            a: String::new(),
            b: -1,
            c: None
        }
    );
    // Cut anywhere, the datum is an error.
    for cut in 0..datum.len() {
        assert!(reader.decode(&datum[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn container_files_and_single_objects_resolve() {
    let orders = old_orders();
    let mut writer = FileWriter::<v1::Order, _>::new(Vec::new(), Codec::Deflate).unwrap();
    for order in &orders {
        writer.append(order).unwrap();
    }
    let file = writer.finish().unwrap();
    let read: Vec<v2::Order> = FileReader::new(&file[..])
        .unwrap()
        .records::<v2::Order>()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(read, orders.iter().map(upgrade).collect::<Vec<_>>());

    let old = AvroCodec::<v1::Order>::new(Limits::default()).unwrap();
    let mut message = Vec::new();
    old.encode_single_object(&orders[3], &mut message).unwrap();
    let mut reader = SingleObjectReader::<v2::Order>::new(Limits::default()).unwrap();
    assert!(
        reader.decode(&message).is_err(),
        "v1's schema not given yet"
    );
    let fingerprint = reader.add_writer_schema(old.schema()).unwrap();
    assert_eq!(fingerprint, old.fingerprint());
    assert_eq!(reader.decode(&message).unwrap(), upgrade(&orders[3]));
}

#[derive(TypeInfo, Debug, PartialEq)]
struct Padded {
    items: Vec<Pad>,
}

#[derive(TypeInfo, Debug, PartialEq)]
struct Pad {
    #[typeinfo(default = "long_pad")]
    pad: String,
}

fn long_pad() -> String {
    "x".repeat(1000)
}

#[test]
fn defaults_cannot_blow_up_the_output() {
    let writer = Schema::parse(
        r#"{"type": "record", "name": "Padded", "fields": [{"name": "items", "type":
            {"type": "array", "items": {"type": "record", "name": "Pad", "fields": []}}}]}"#,
    )
    .unwrap();
    let reader = Resolved::<Padded>::new(&writer, Limits::default()).unwrap();
    // Three empty writer records become three padded ones.
    let three = reader.decode(&[6, 0]).unwrap();
    assert_eq!(three.items.len(), 3);
    assert_eq!(three.items[0].pad, long_pad());
    // A million claimed items take no input but would write 1 GB: stopped at the limit.
    let mut bytes = Vec::new();
    let count = 1_000_000i64;
    let mut zigzag = (count << 1) as u64;
    while zigzag >= 0x80 {
        bytes.push(zigzag as u8 | 0x80);
        zigzag >>= 7;
    }
    bytes.extend([zigzag as u8, 0]);
    let e = reader.decode(&bytes).unwrap_err();
    assert!(
        matches!(e, typeinfo::DecodeError::RecordTooLarge { .. }),
        "{e}"
    );
    // More items than max_collection_len: refused before any is read.
    let small = Limits {
        max_collection_len: 100,
        ..Limits::default()
    };
    let reader = Resolved::<Padded>::new(&writer, small).unwrap();
    let e = reader.decode(&[0xca, 0x01, 0]).unwrap_err();
    assert!(
        matches!(e, typeinfo::DecodeError::LengthLimit { .. }),
        "{e}"
    );
}

#[test]
fn nesting_is_bounded_while_transcoding() {
    use typeinfo_tests::types::Tree;
    // Tree as written by a version with one more (null) field: not the reader's schema.
    let mut schema = schema_json::<Tree>();
    schema["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "extra", "type": "null"}));
    let writer = Schema::parse(&schema.to_string()).unwrap();
    let reader = Resolved::<Tree>::new(&writer, Limits::default()).unwrap();
    // value 0, no children, next = branch 1 … 200 deep, then next = null.
    let mut bytes = [0u8, 0, 2].repeat(200);
    bytes.extend([0, 0, 0]);
    let e = reader.decode(&bytes).unwrap_err();
    assert!(matches!(e, typeinfo::DecodeError::DepthLimit { .. }), "{e}");
    let shallow = [[0u8, 0, 2].repeat(3), vec![0, 0, 0]].concat();
    assert!(reader.decode(&shallow).is_ok());
}
