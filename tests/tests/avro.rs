//! Avro on its own: the schema mapping, the wire details that differ from the other
//! formats, hostile datums and container files, and the selection config.

use typeinfo::{Limits, TypeInfo};
use typeinfo_serializers::SerializationConfig;
use typeinfo_serializers::Serializer;
use typeinfo_serializers::avro::file::{Codec, FileErrorKind, FileReader, FileWriter};
use typeinfo_serializers::avro::{self, AvroCodec, schema_of, single_object};
use typeinfo_tests::types::*;

#[derive(TypeInfo, Debug, Clone, PartialEq)]
#[typeinfo(namespace = "t")]
struct Sparse {
    id: i32,
    note: Option<String>,
    shape: Option<Shape>,
    tree: Option<Box<Tree>>,
}

#[test]
fn option_of_an_enum_with_data_is_one_union() {
    let canonical = schema_of::<Sparse>().unwrap().canonical_form();
    assert!(
        canonical.contains(r#"{"name":"shape","type":["null",{"name":"typeinfo_tests.types.Shape.Empty","type":"record","fields":[]}"#),
        "{canonical}"
    );
    // `Some(Rect)`: branch 3 of ["null", Empty, Circle, Rect, Labeled], zigzagged to 6.
    let v = Sparse {
        id: 1,
        note: None,
        shape: Some(Shape::Rect {
            width: 1,
            height: 2,
        }),
        tree: None,
    };
    let bytes = avro::to_vec(&v).unwrap();
    assert_eq!(bytes, [2, 0, 6, 2, 4, 0]);
    assert_eq!(avro::from_slice::<Sparse>(&bytes).unwrap(), v);
    // Branch 5 does not exist, nor does branch i64::MIN (zigzagged to u64::MAX).
    assert!(avro::from_slice::<Sparse>(&[2, 0, 10, 0]).is_err());
    let min = [
        2, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0,
    ];
    assert!(avro::from_slice::<Sparse>(&min).is_err());
}

#[derive(TypeInfo, Debug)]
struct Nested {
    maybe: Option<Option<u8>>,
}

#[test]
fn types_without_an_avro_schema_say_why() {
    let e = schema_of::<Nested>().unwrap_err().to_string();
    assert!(
        e.contains("maybe") && e.contains("Option<Option<_>>"),
        "{e}"
    );
    assert!(avro::to_vec(&Nested { maybe: None }).is_err());
}

#[derive(TypeInfo, Debug)]
struct TwoPairs {
    a: Pair<String, Tuple>,
    b: Pair<u8, u8>,
}

#[test]
fn two_instantiations_of_a_generic_type_get_two_names() {
    let json = schema_of::<TwoPairs>().unwrap().canonical_form();
    assert!(
        json.contains(r#""name":"typeinfo_tests.types.Pair""#),
        "{json}"
    );
    assert!(
        json.contains(r#""name":"typeinfo_tests.types.Pair_u8_u8""#),
        "{json}"
    );
}

#[test]
fn schemas_print_and_parse_back() {
    for schema in [
        schema_of::<Everything>().unwrap(),
        schema_of::<Collections>().unwrap(),
        schema_of::<Sparse>().unwrap(),
    ] {
        let parsed = avro::Schema::parse(&schema.to_json()).unwrap();
        assert_eq!(parsed.canonical_form(), schema.canonical_form());
        assert_eq!(parsed.fingerprint(), schema.fingerprint());
    }
}

#[test]
fn hostile_schemas_are_errors() {
    for (text, says) in [
        (
            r#"{"type":"record","name":"A","fields":[{"name":"x","type":"B"}]}"#,
            "`B` names no type",
        ),
        (r#"["null",["int"]]"#, "may not directly contain a union"),
        (r#"["int","int"]"#, "each unnamed type once"),
        (
            r#"{"type":"enum","name":"E","symbols":["a","a"]}"#,
            "appears twice",
        ),
        (r#"{"type":"fixed","name":"F","size":-1}"#, "needs `size`"),
        (
            r#"{"type":"record","name":"1A","fields":[]}"#,
            "not a valid name",
        ),
    ] {
        let e = avro::Schema::parse(text).unwrap_err().to_string();
        assert!(e.contains(says), "{text}: {e}");
    }
    let deep = format!("{}\"int\"{}", "[".repeat(100), "]".repeat(100));
    assert!(avro::Schema::parse(&deep).is_err());
}

#[test]
fn hostile_datums_are_errors_without_big_allocations() {
    // A string claiming 2^62 bytes, an array claiming 2^62 items, a negative length.
    for bytes in [
        &[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f][..],
        &[0x01][..],
    ] {
        assert!(avro::from_slice::<String>(bytes).is_err());
        assert!(avro::from_slice::<Vec<u32>>(bytes).is_err());
    }
    // Many blocks of max_collection_len zero-size items each: the total is limited too.
    let limits = Limits {
        max_collection_len: 4,
        ..Limits::DEFAULT
    };
    let codec = AvroCodec::<Vec<()>>::new(limits).unwrap();
    assert!(codec.decode(&[8, 8, 0]).is_err(), "8 items over two blocks");
    assert_eq!(codec.decode(&[4, 4, 0]).unwrap().len(), 4);
    // A fixed-size array whose blocks hold another count.
    assert!(avro::from_slice::<[u16; 3]>(&[4, 2, 2, 0]).is_err());
    assert_eq!(
        avro::from_slice::<[u16; 3]>(&[2, 2, 4, 4, 6, 0]).unwrap(),
        [1, 2, 3]
    );
    // An int out of range of u8, a boolean byte of 2.
    assert!(avro::from_slice::<u8>(&[0x80, 0x04]).is_err());
    assert!(avro::from_slice::<bool>(&[2]).is_err());
}

fn sample_file(codec: Codec) -> Vec<u8> {
    let mut writer = FileWriter::<Tree, _>::with_sync_marker(Vec::new(), codec, [7; 16])
        .unwrap()
        .block_bytes(64);
    for value in 0..100 {
        writer
            .append(&Tree {
                value,
                children: Vec::new(),
                next: None,
            })
            .unwrap();
    }
    writer.finish().unwrap()
}

#[test]
fn container_files_round_trip_in_blocks() {
    for codec in [Codec::Null, Codec::Deflate] {
        let file = sample_file(codec);
        let mut reader = FileReader::new(&file[..]).unwrap();
        assert_eq!(reader.codec(), codec);
        let mut blocks = 0;
        while reader.next_block().unwrap().is_some() {
            blocks += 1;
        }
        assert!(blocks > 1, "several blocks");
        let trees: Vec<Tree> = FileReader::new(&file[..])
            .unwrap()
            .records()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            trees.iter().map(|t| t.value).collect::<Vec<_>>(),
            (0..100).collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_corrupted_block_is_an_error_with_its_offset() {
    let mut file = sample_file(Codec::Null);
    // The last sync marker: flip its last byte.
    let last = file.len() - 1;
    file[last] ^= 1;
    let mut reader = FileReader::new(&file[..]).unwrap();
    let error = loop {
        match reader.next_block() {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the damage went unnoticed"),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(error.kind, FileErrorKind::SyncMismatch { .. }),
        "{error}"
    );
    assert!(error.offset > 0 && (error.offset as usize) < file.len());
    assert!(
        error
            .to_string()
            .contains(&format!("at byte {}", error.offset))
    );
    // Every prefix of a file is an error or a clean stop, never a panic.
    let file = sample_file(Codec::Deflate);
    for len in 0..file.len() {
        if let Ok(reader) = FileReader::new(&file[..len]) {
            let _ = reader.records::<Tree>().count();
        }
    }
}

#[test]
fn a_file_of_an_unrelated_schema_is_refused_with_the_rule() {
    let file = sample_file(Codec::Null);
    let mut records = FileReader::new(&file[..]).unwrap().records::<Scalars>();
    let e = records.next().unwrap().unwrap_err();
    assert!(matches!(e.kind, FileErrorKind::Unresolvable(_)), "{e}");
    assert!(e.to_string().contains("cannot be read as record"), "{e}");
    assert!(records.next().is_none());
}

#[test]
fn a_deflate_bomb_stops_at_the_limit() {
    let limits = Limits {
        max_record_bytes: 1 << 16,
        ..Limits::DEFAULT
    };
    let mut writer = FileWriter::<Vec<u8>, _>::new(Vec::new(), Codec::Deflate).unwrap();
    writer.append(&vec![0u8; 1 << 20]).unwrap();
    let file = writer.finish().unwrap();
    assert!(file.len() < 1 << 16, "a megabyte of zeros compresses");
    let mut reader = FileReader::with_limits(&file[..], limits).unwrap();
    let e = reader.next_block().unwrap_err();
    assert!(matches!(e.kind, FileErrorKind::BlockTooLarge { .. }), "{e}");
}

#[test]
fn single_object_encoding_carries_the_fingerprint() {
    let codec = AvroCodec::<Tree>::new(Limits::DEFAULT).unwrap();
    let tree = Tree {
        value: 3,
        children: Vec::new(),
        next: None,
    };
    let mut bytes = Vec::new();
    codec.encode_single_object(&tree, &mut bytes).unwrap();
    assert_eq!(bytes[..2], single_object::MARKER);
    assert_eq!(
        single_object::fingerprint_of(&bytes).unwrap(),
        codec.fingerprint()
    );
    assert_eq!(codec.decode_single_object(&bytes).unwrap(), tree);
    let other = AvroCodec::<Sparse>::new(Limits::DEFAULT).unwrap();
    assert!(other.decode_single_object(&bytes).is_err());
}

/// The bug Flink users hit (with Avro forced, records whose optional fields were null failed
/// validation) does not exist here: forced Avro writes and reads records whose options are
/// all `None`.
#[test]
fn force_avro_handles_absent_fields() {
    let config = SerializationConfig::builder()
        .force_avro(true)
        .build()
        .unwrap();
    let serializer = Serializer::<Sparse>::new(&config).unwrap();
    assert_eq!(serializer.format().name(), "avro");
    assert_eq!(serializer.reason(), "force_avro");
    let empty = Sparse {
        id: 0,
        note: None,
        shape: None,
        tree: None,
    };
    let mut bytes = Vec::new();
    serializer.encode_into(&empty, &mut bytes).unwrap();
    assert_eq!(serializer.decode(&bytes).unwrap(), empty);
    let both = SerializationConfig::from_toml("force_avro = true\nforce_kryo = true").unwrap_err();
    assert!(both.to_string().contains("force_avro"), "{both}");
    let nested = Serializer::<Nested>::new(&config).unwrap_err().to_string();
    assert!(nested.contains("Option<Option<_>>"), "{nested}");
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
#[typeinfo(namespace = "t")]
struct Narrow {
    count: u32,
    rgb: [u16; 3],
}

/// Found by the `avro` fuzz target, whose two readers disagreed: the schema says `long`
/// and `array`, so a datum with a count beyond `u32` or four colours is valid Avro
/// (the schema-driven reader takes it), while the Rust type refuses it with the reason.
/// Pinning it showed the excess of a `[T; N]` miscounted: the decoder read the next item
/// as a block count.
#[test]
fn regression_valid_avro_beyond_a_narrower_rust_type_is_refused_by_name() {
    let schema = schema_of::<Narrow>().unwrap();
    // Values under 64, so each zigzag varint is one byte.
    let datum = |count: i64, colours: &[u8]| {
        let mut out = Vec::new();
        let zigzag = |v: i64| ((v << 1) ^ (v >> 63)) as u64;
        for mut v in [zigzag(count), zigzag(colours.len() as i64)] {
            while v >= 0x80 {
                out.push(v as u8 | 0x80);
                v >>= 7;
            }
            out.push(v as u8);
        }
        for &c in colours {
            out.extend_from_slice(&(u64::from(c) << 1).to_le_bytes()[..1]);
        }
        if !colours.is_empty() {
            out.push(0);
        }
        out
    };
    let fits = datum(7, &[1, 2, 3]);
    assert_eq!(
        avro::from_slice::<Narrow>(&fits).unwrap(),
        Narrow {
            count: 7,
            rgb: [1, 2, 3]
        }
    );
    for (bytes, expected) in [
        (
            datum(1 << 32, &[1, 2, 3]),
            typeinfo::DecodeError::OutOfRange { type_name: "u32" },
        ),
        (
            datum(7, &[1, 2, 3, 4]),
            typeinfo::DecodeError::LengthMismatch {
                expected: 3,
                found: 4,
            },
        ),
    ] {
        assert!(avro::json::datum_to_json(&schema, &bytes, Limits::default()).is_ok());
        assert_eq!(
            avro::from_slice::<Narrow>(&bytes).unwrap_err().into_cause(),
            expected
        );
    }
}
