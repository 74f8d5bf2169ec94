//! Our Avro against apache-avro 0.22 (the Rust reference implementation): the same schema
//! text parses to the same canonical form and fingerprint, the same value gives the same
//! bytes, and each side decodes the other's bytes and container files in every codec.

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::writer::datum::GenericDatumWriter;
use serde::{Serialize, de::DeserializeOwned};
use std::fmt::Debug;
use typeinfo::{Decode, Encode};
use typeinfo_serializers::avro;
use typeinfo_serializers::avro::file::{Codec, FileReader, FileWriter};
use typeinfo_tests::types::*;

/// Their parse of our schema text, and its canonical form and fingerprint against ours.
fn their_schema<T: typeinfo::HasTypeInfo>() -> apache_avro::Schema {
    let ours = avro::schema_of::<T>().expect("schema");
    let theirs = apache_avro::Schema::parse_str(&ours.to_json())
        .unwrap_or_else(|e| panic!("apache-avro refuses {}: {e}", ours.to_json()));
    assert_eq!(
        theirs.canonical_form(),
        ours.canonical_form(),
        "canonical forms"
    );
    let fingerprint = theirs.fingerprint::<apache_avro::rabin::Rabin>();
    assert_eq!(
        u64::from_le_bytes(fingerprint.bytes.try_into().expect("8 bytes")),
        ours.fingerprint(),
        "Rabin fingerprints"
    );
    theirs
}

/// Same bytes both ways, and each reads the other's.
fn interoperates<T>(value: &T)
where
    T: Encode + Decode + Serialize + DeserializeOwned + PartialEq + Debug + 'static,
{
    let schema = their_schema::<T>();
    let ours = avro::to_vec(value).expect("our encode");
    let writer = GenericDatumWriter::builder(&schema)
        .build()
        .expect("writer");
    let theirs = writer
        .write_ser_to_vec(value)
        .unwrap_or_else(|e| panic!("apache-avro writes {value:?}: {e}"));
    assert_eq!(ours, theirs, "the same value, the same bytes: {value:?}");
    let reader = GenericDatumReader::builder(&schema)
        .build()
        .expect("reader");
    let back: T = reader
        .read_deser(&mut &ours[..])
        .unwrap_or_else(|e| panic!("apache-avro reads our bytes of {value:?}: {e}"));
    assert_eq!(&back, value, "apache-avro reads our bytes");
    assert_eq!(
        &avro::from_slice::<T>(&theirs).expect("we read theirs"),
        value,
        "we read apache-avro's bytes"
    );
}

fn scalars() -> Scalars {
    Scalars {
        flag: true,
        u8: 200,
        u16: 60_000,
        u32: u32::MAX,
        u64: u64::MAX - 7,
        u128: u128::MAX / 3,
        i8: -100,
        i16: -30_000,
        i32: i32::MIN,
        i64: -1 << 40,
        i128: i128::MIN + 5,
        f32: 1.5,
        f64: -2.25e300,
        ch: 'λ',
        unit: (),
    }
}

#[test]
fn scalars_interoperate() {
    interoperates(&scalars());
}

#[test]
fn enums_with_data_interoperate() {
    for shape in [
        Shape::Empty,
        Shape::Circle(2.5),
        Shape::Rect {
            width: 3,
            height: 4,
        },
        Shape::Labeled("box".into(), Box::new(Shape::Circle(1.0))),
    ] {
        interoperates(&shape);
    }
}

#[test]
fn recursive_records_interoperate() {
    let leaf = |value| Tree {
        value,
        children: Vec::new(),
        next: None,
    };
    interoperates(&Tree {
        value: 1,
        children: vec![leaf(2), leaf(3)],
        next: Some(Box::new(leaf(4))),
    });
}

#[test]
fn tuple_structs_and_generics_interoperate() {
    interoperates(&Tuple(7, "seven".into()));
    interoperates(&Pair {
        first: "x".to_owned(),
        second: Tuple(1, "y".into()),
    });
}

/// Types whose serde shape apache-avro maps otherwise (byte vectors as sequences, arrays as
/// records, maps with other keys): the schema text still agrees.
#[test]
fn every_test_type_has_a_schema_apache_avro_accepts() {
    their_schema::<Collections>();
    their_schema::<Attributes>();
    their_schema::<Everything>();
}

/// A forest of trees: nested records, arrays, unions, long enough to fill several blocks.
fn forest() -> Vec<Tree> {
    (0..300)
        .map(|i| Tree {
            value: i,
            children: (0..i % 3)
                .map(|c| Tree {
                    value: -c,
                    children: Vec::new(),
                    next: None,
                })
                .collect(),
            next: (i % 2 == 0).then(|| {
                Box::new(Tree {
                    value: i * 10,
                    children: Vec::new(),
                    next: None,
                })
            }),
        })
        .collect()
}

fn their_codec(codec: Codec) -> apache_avro::Codec {
    match codec {
        Codec::Null => apache_avro::Codec::Null,
        Codec::Deflate => apache_avro::Codec::Deflate(Default::default()),
        Codec::Snappy => apache_avro::Codec::Snappy,
        Codec::Zstandard => apache_avro::Codec::Zstandard(Default::default()),
        other => panic!("no apache-avro codec for {other:?}"),
    }
}

const CODECS: [Codec; 4] = [Codec::Null, Codec::Deflate, Codec::Snappy, Codec::Zstandard];

#[test]
fn apache_avro_reads_our_container_files_in_every_codec() {
    let trees = forest();
    for codec in CODECS {
        let mut writer = FileWriter::<Tree, _>::new(Vec::new(), codec)
            .unwrap()
            .block_bytes(2048);
        for tree in &trees {
            writer.append(tree).unwrap();
        }
        let file = writer.finish().unwrap();
        let reader = apache_avro::Reader::new(&file[..])
            .unwrap_or_else(|e| panic!("apache-avro opens our {codec:?} file: {e}"));
        let back: Vec<Tree> = reader
            .map(|v| apache_avro::from_value(&v.expect("a record")).expect("a Tree"))
            .collect();
        assert_eq!(back, trees, "apache-avro reads our {codec:?} file");
    }
}

#[test]
fn we_read_apache_avro_container_files_in_every_codec() {
    let schema = their_schema::<Tree>();
    let trees = forest();
    for codec in CODECS {
        let mut writer =
            apache_avro::Writer::with_codec(&schema, Vec::new(), their_codec(codec)).unwrap();
        for tree in &trees {
            writer.append_ser(tree).unwrap();
            // Several blocks, not one.
            if tree.value % 100 == 99 {
                writer.flush().unwrap();
            }
        }
        let file = writer.into_inner().unwrap();
        let reader = FileReader::new(&file[..]).unwrap();
        assert_eq!(reader.codec(), codec);
        let back: Vec<Tree> = reader.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(back, trees, "we read apache-avro's {codec:?} file");
    }
}
