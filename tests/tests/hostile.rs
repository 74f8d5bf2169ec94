//! Hostile bytes: the decoders answer every input with a value or a typed error, never a
//! panic, and refuse what breaks the limits. Limits are shared code, so the pojo cases
//! cover compact too; compact's own rules are in `compact_bytes.rs`.

use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use typeinfo::{DecodeError, EncodeError, EncodeErrorKind, Limits};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::{self, Compact};
use typeinfo_serializers::pojo::{self, Pojo};
use typeinfo_tests::strategies::everything;
use typeinfo_tests::types::*;

/// Decodes `bytes` as every test type in every format; only panics would fail.
fn decode_all(bytes: &[u8]) {
    fn each<C: RecordCodec>(codec: C, bytes: &[u8]) {
        let _ = codec.decode::<Everything>(bytes);
        let _ = codec.decode::<Attributes>(bytes);
        let _ = codec.decode::<Collections>(bytes);
        let _ = codec.decode::<Scalars>(bytes);
        let _ = codec.decode::<Tree>(bytes);
        let _ = codec.decode::<Vec<Shape>>(bytes);
    }
    each(Pojo::default(), bytes);
    each(Compact::default(), bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    /// Valid encodings with a few bytes changed reach deeper into the decoders than random
    /// bytes do.
    #[test]
    fn mutated_encodings_never_panic(v in everything(), flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        for mut bytes in [pojo::to_vec(&v).unwrap(), compact::to_vec(&v).unwrap()] {
            for (index, value) in &flips {
                let i = index.index(bytes.len());
                bytes[i] = *value;
            }
            decode_all(&bytes);
        }
    }

    /// Compact decoding is injective: whatever decodes re-encodes to the very same bytes.
    #[test]
    fn compact_accepts_only_canonical_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(tree) = compact::from_slice::<Tree>(&bytes) {
            prop_assert_eq!(compact::to_vec(&tree).unwrap(), bytes.clone());
        }
        if let Ok(shapes) = compact::from_slice::<Vec<Shape>>(&bytes) {
            prop_assert_eq!(compact::to_vec(&shapes).unwrap(), bytes.clone());
        }
        // Hash collections too: their entries come in one order, any other is refused.
        if let Ok(map) = compact::from_slice::<HashMap<u16, Vec<bool>>>(&bytes) {
            prop_assert_eq!(compact::to_vec(&map).unwrap(), bytes.clone());
        }
        if let Ok(set) = compact::from_slice::<HashSet<(i8, String)>>(&bytes) {
            prop_assert_eq!(compact::to_vec(&set).unwrap(), bytes);
        }
    }
}

#[test]
fn length_over_the_limit_is_refused() {
    let claim = [0xff, 0xff, 0xff, 0xff];
    assert_eq!(
        pojo::from_slice::<String>(&claim),
        Err(DecodeError::LengthLimit {
            claimed: u32::MAX.into(),
            limit: Limits::DEFAULT.max_collection_len as u64
        })
    );
    let small = Pojo::new(Limits {
        max_collection_len: 2,
        ..Limits::DEFAULT
    });
    assert_eq!(
        small.decode::<Vec<u8>>(&[3, 0, 0, 0, 1, 2, 3]),
        Err(DecodeError::LengthLimit {
            claimed: 3,
            limit: 2
        })
    );
    assert_eq!(small.decode::<Vec<u8>>(&[2, 0, 0, 0, 1, 2]), Ok(vec![1, 2]));
}

#[test]
fn length_beyond_the_input_is_refused_before_allocating() {
    let unlimited = Pojo::new(Limits {
        max_collection_len: usize::MAX,
        ..Limits::DEFAULT
    });
    let claim = [0xff, 0xff, 0xff, 0x7f, 1, 2];
    assert_eq!(
        unlimited.decode::<String>(&claim),
        Err(DecodeError::UnexpectedEnd {
            needed: 0x7fff_ffff,
            available: 2
        })
    );
    assert!(matches!(
        unlimited.decode::<Vec<u64>>(&claim),
        Err(DecodeError::UnexpectedEnd { .. })
    ));
    assert!(matches!(
        unlimited
            .decode::<Vec<String>>(&claim)
            .map_err(DecodeError::into_cause),
        Err(DecodeError::UnexpectedEnd { .. })
    ));
}

#[test]
fn invalid_tags_are_refused() {
    assert_eq!(
        pojo::from_slice::<bool>(&[2]),
        Err(DecodeError::InvalidTag {
            type_name: "bool",
            tag: 2
        })
    );
    assert_eq!(
        pojo::from_slice::<Option<u8>>(&[7, 0]),
        Err(DecodeError::InvalidTag {
            type_name: "Option",
            tag: 7
        })
    );
    assert_eq!(
        pojo::from_slice::<Shape>(&[9, 0, 0, 0]),
        Err(DecodeError::InvalidTag {
            type_name: "Shape",
            tag: 9
        })
    );
    assert_eq!(
        pojo::from_slice::<char>(&[0x00, 0xd8, 0, 0]),
        Err(DecodeError::InvalidChar(0xd800))
    );
    assert_eq!(
        pojo::from_slice::<String>(&[2, 0, 0, 0, b'a', 0xff]),
        Err(DecodeError::InvalidUtf8 { valid_up_to: 1 })
    );
}

#[test]
fn repeated_keys_are_refused() {
    assert_eq!(
        pojo::from_slice::<BTreeMap<u8, u8>>(&[2, 0, 0, 0, 1, 10, 1, 11])
            .unwrap_err()
            .to_string(),
        "at {key 1}: duplicate key in BTreeMap"
    );
    assert_eq!(
        pojo::from_slice::<HashSet<u8>>(&[2, 0, 0, 0, 1, 1]).map_err(DecodeError::into_cause),
        Err(DecodeError::DuplicateKey {
            type_name: "HashSet"
        })
    );
}

#[test]
fn trailing_and_missing_bytes_are_refused() {
    assert_eq!(
        pojo::from_slice::<u16>(&[1, 2, 3]),
        Err(DecodeError::TrailingBytes { remaining: 1 })
    );
    assert_eq!(
        pojo::from_slice::<u32>(&[1, 2, 3]),
        Err(DecodeError::UnexpectedEnd {
            needed: 4,
            available: 3
        })
    );
}

/// A chain of `Some` links deeper than the limit: each link costs 9 bytes of input, so a
/// small message could otherwise exhaust the stack.
#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    let link = [0, 0, 0, 0, 0, 0, 0, 0, 1]; // value, no children, Some(next)
    let mut bytes: Vec<u8> = link
        .iter()
        .copied()
        .cycle()
        .take(link.len() * 100_000)
        .collect();
    bytes.extend_from_slice(&[0; 9]);
    assert_eq!(
        pojo::from_slice::<Tree>(&bytes).map_err(DecodeError::into_cause),
        Err(DecodeError::DepthLimit { limit: 128 })
    );
    let shallow = Pojo::new(Limits {
        max_depth: 3,
        ..Limits::DEFAULT
    });
    let three_deep: Vec<u8> = [&link[..], &link[..], &[0; 9][..]].concat();
    assert!(shallow.decode::<Tree>(&three_deep).is_ok());
    let four_deep: Vec<u8> = [&link[..], &link[..], &link[..], &[0; 9][..]].concat();
    assert_eq!(
        shallow
            .decode::<Tree>(&four_deep)
            .map_err(DecodeError::into_cause),
        Err(DecodeError::DepthLimit { limit: 3 })
    );
}

#[test]
fn record_size_limit_applies_both_ways() {
    let tight = Pojo::new(Limits {
        max_record_bytes: 8,
        ..Limits::DEFAULT
    });
    assert_eq!(
        tight.decode::<[u8; 9]>(&[0; 9]),
        Err(DecodeError::RecordTooLarge { size: 9, limit: 8 })
    );
    let mut out = vec![42];
    assert_eq!(
        tight
            .encode_into(&[0u8; 9], &mut out)
            .map_err(EncodeError::into_kind),
        Err(EncodeErrorKind::RecordTooLarge { size: 9, limit: 8 })
    );
    assert_eq!(out, [42], "a refused record leaves the buffer as it was");
}

/// `to_vec` counts first where the format can (pojo, compact): a record over the limit is
/// refused by the count, with the error `encode_into` gives, before any vector is made.
#[test]
fn sized_writes_refuse_what_the_record_limit_refuses() {
    let limits = Limits {
        max_record_bytes: 8,
        ..Limits::DEFAULT
    };
    let too_large = EncodeErrorKind::RecordTooLarge { size: 9, limit: 8 };
    let pojo = Pojo::new(limits);
    let refused = |e: EncodeError| e.into_kind() == too_large;
    assert!(pojo.encoded_size(&[0u8; 9]).is_err_and(refused));
    assert!(pojo.to_vec(&[0u8; 9]).is_err_and(refused));
    assert_eq!(pojo.to_vec(&[0u8; 8]).map(|v| v.len()), Ok(8));
    let compact = Compact::new(limits);
    // Nine bytes: a one-byte length and eight bytes.
    assert!(compact.to_vec(&vec![0u8; 8]).is_err_and(refused));
    assert_eq!(compact.encoded_size(&vec![0u8; 7]), Ok(8));
    // Ten flags in two flag bytes, a 300 as two varint bytes: the count follows the format.
    let flags = ([true; 5], [false; 5], 300u32);
    assert_eq!(Compact::default().encoded_size(&flags), Ok(4));
    assert_eq!(Compact::default().to_vec(&flags).map(|v| v.len()), Ok(4));
}

#[test]
fn error_types_stay_small() {
    assert_eq!(std::mem::size_of::<DecodeError>(), 24);
    // One pointer, so that `Result<(), EncodeError>` returns in a register.
    assert_eq!(std::mem::size_of::<EncodeError>(), 8);
    assert_eq!(std::mem::size_of::<Result<(), EncodeError>>(), 8);
}

/// Messages are for people: lowercase, no trailing period, no Debug formatting.
#[test]
fn error_messages_read_well() {
    let errors = [
        DecodeError::UnexpectedEnd {
            needed: 4,
            available: 1,
        }
        .to_string(),
        DecodeError::InvalidTag {
            type_name: "Shape",
            tag: 9,
        }
        .to_string(),
        DecodeError::LengthLimit {
            claimed: 10,
            limit: 2,
        }
        .to_string(),
        DecodeError::DepthLimit { limit: 3 }.to_string(),
        EncodeError::from(EncodeErrorKind::RecordTooLarge { size: 9, limit: 8 }).to_string(),
    ];
    for e in errors {
        assert!(
            e.chars().next().unwrap().is_lowercase() && !e.ends_with('.'),
            "{e}"
        );
    }
    assert_eq!(
        DecodeError::LengthLimit {
            claimed: 10,
            limit: 2
        }
        .to_string(),
        "length 10 exceeds max_collection_len (2)"
    );
}

#[derive(typeinfo::TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq)]
struct Line {
    count: u32,
    text: String,
}

/// One vocabulary: the same failure reads the same in every generated format and in
/// kryo's serde path (cut input, bad UTF-8, bytes after the value); one byte is one byte.
#[test]
fn one_failure_one_message_in_every_format() {
    use typeinfo_serializers::avro::Avro;
    use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
    let line = Line {
        count: 3,
        text: "é".into(),
    };
    let kryo = Kryo::new(Registry::new());
    let generated = Generated::new(kryo.clone()).unwrap();
    type Decode<'a> = Box<dyn Fn(&[u8]) -> DecodeError + 'a>;
    let formats: Vec<(&str, Vec<u8>, Decode)> = vec![
        (
            "pojo",
            Pojo::default().to_vec(&line).unwrap(),
            Box::new(|b| Pojo::default().decode::<Line>(b).unwrap_err()),
        ),
        (
            "compact",
            Compact::default().to_vec(&line).unwrap(),
            Box::new(|b| Compact::default().decode::<Line>(b).unwrap_err()),
        ),
        (
            "avro",
            Avro::default().to_vec(&line).unwrap(),
            Box::new(|b| Avro::default().decode::<Line>(b).unwrap_err()),
        ),
        (
            "kryo",
            generated.to_vec(&line).unwrap(),
            Box::new(|b| generated.decode::<Line>(b).unwrap_err()),
        ),
        (
            "kryo serde",
            kryo.to_vec(&line).unwrap(),
            Box::new(|b| kryo.decode::<Line>(b).unwrap_err()),
        ),
    ];
    for (name, bytes, decode) in &formats {
        // The places are `error_places`'s; here the failure itself.
        let cut = decode(&bytes[..bytes.len() - 1]).into_cause().to_string();
        assert!(
            cut.starts_with("unexpected end of input: ") && cut.contains(" needed, "),
            "{name}: {cut}"
        );
        let mut bad = bytes.clone();
        let at = bad.iter().position(|&b| b == 0xc3).expect("the é");
        bad[at] = 0xff;
        assert_eq!(
            decode(&bad).into_cause().to_string(),
            "string is not utf-8 (valid up to byte 0)",
            "{name}"
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            decode(&longer).to_string(),
            "1 byte left after the value",
            "{name}"
        );
    }
}

/// Chains one user type deeper per link, through the shapes formats nest in: an option
/// around a struct, a newtype variant, a struct variant.
#[derive(typeinfo::TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
struct Chain {
    next: Option<Box<Chain>>,
}

#[derive(typeinfo::TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
enum Wrapped {
    End,
    Inside(Box<Wrapped>),
    Field { next: Box<Wrapped> },
}

fn chain(levels: u32) -> Chain {
    (1..levels).fold(Chain { next: None }, |c, _| Chain {
        next: Some(Box::new(c)),
    })
}

fn wrapped(levels: u32) -> Wrapped {
    (1..levels).fold(Wrapped::End, |w, i| match i % 2 {
        0 => Wrapped::Inside(Box::new(w)),
        _ => Wrapped::Field { next: Box::new(w) },
    })
}

/// What the reader would refuse, the writer refuses first, with the same limit and
/// message: a value `max_depth` levels deep writes and reads in every format (kryo's serde
/// path too); one level more is refused on writing.
#[test]
fn writers_refuse_what_their_readers_refuse() {
    use typeinfo_serializers::avro::Avro;
    use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
    let limits = Limits {
        max_depth: 6,
        ..Limits::DEFAULT
    };
    let kryo = Kryo::new(Registry::new()).limits(limits);
    let generated = Generated::new(kryo.clone()).unwrap();
    fn check<T, W, R>(name: &str, ok: &T, deep: &T, write: W, read: R)
    where
        T: PartialEq + std::fmt::Debug,
        W: Fn(&T) -> Result<Vec<u8>, EncodeError>,
        R: Fn(&[u8]) -> Result<T, DecodeError>,
    {
        let bytes = write(ok).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&read(&bytes).unwrap(), ok, "{name}");
        let e = write(deep).unwrap_err();
        assert_eq!(
            e.kind(),
            &EncodeErrorKind::DepthLimit { limit: 6 },
            "{name}"
        );
        assert_eq!(
            e.to_string(),
            DecodeError::DepthLimit { limit: 6 }.to_string(),
            "{name}"
        );
    }
    macro_rules! every_format {
        ($ok:expr, $deep:expr, $ty:ty) => {
            check(
                "pojo",
                &$ok,
                &$deep,
                |v| Pojo::new(limits).to_vec(v),
                |b| Pojo::new(limits).decode::<$ty>(b),
            );
            check(
                "compact",
                &$ok,
                &$deep,
                |v| Compact::new(limits).to_vec(v),
                |b| Compact::new(limits).decode::<$ty>(b),
            );
            check(
                "avro",
                &$ok,
                &$deep,
                |v| Avro::new(limits).to_vec(v),
                |b| Avro::new(limits).decode::<$ty>(b),
            );
            check(
                "kryo",
                &$ok,
                &$deep,
                |v| generated.to_vec(v),
                |b| generated.decode::<$ty>(b),
            );
            check(
                "kryo serde",
                &$ok,
                &$deep,
                |v| kryo.to_vec(v),
                |b| kryo.decode::<$ty>(b),
            );
        };
    }
    every_format!(chain(6), chain(7), Chain);
    every_format!(wrapped(6), wrapped(7), Wrapped);
}

/// A chain serde alone knows, behind a generic field.
#[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
struct SerdeLink {
    next: Option<Box<SerdeLink>>,
}

#[derive(typeinfo::TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
struct Holder {
    #[typeinfo(generic)]
    link: SerdeLink,
}

fn held(links: u32) -> Holder {
    Holder {
        link: (1..links).fold(SerdeLink { next: None }, |l, _| SerdeLink {
            next: Some(Box::new(l)),
        }),
    }
}

/// A generic field's serde value counts on from the record's depth on writing, as the
/// readers count it: the holder and five links make six levels.
#[test]
fn generic_fields_count_their_depth_on_from_the_record() {
    use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
    let limits = Limits {
        max_depth: 6,
        ..Limits::DEFAULT
    };
    let generated = Generated::new(Kryo::new(Registry::new()).limits(limits)).unwrap();
    let pojo = Pojo::new(limits);
    let bytes = generated.to_vec(&held(5)).unwrap();
    assert_eq!(generated.decode::<Holder>(&bytes).unwrap(), held(5));
    let e = generated.to_vec(&held(6)).unwrap_err();
    assert_eq!(e.kind(), &EncodeErrorKind::DepthLimit { limit: 6 }, "kryo");
    let roomy = Generated::new(Kryo::new(Registry::new())).unwrap();
    let deep = roomy.to_vec(&held(6)).unwrap();
    assert_eq!(
        generated.decode::<Holder>(&deep).unwrap_err().into_cause(),
        DecodeError::DepthLimit { limit: 6 }
    );
    // pojo's generic fields count containers too (the generic deserializer's rule), on
    // both sides alike.
    let mut levels = 1;
    while pojo.to_vec(&held(levels + 1)).is_ok() {
        levels += 1;
    }
    let written = Pojo::default().to_vec(&held(levels)).unwrap();
    assert!(pojo.decode::<Holder>(&written).is_ok());
    let beyond = Pojo::default().to_vec(&held(levels + 1)).unwrap();
    assert_eq!(
        pojo.decode::<Holder>(&beyond).unwrap_err().into_cause(),
        DecodeError::DepthLimit { limit: 6 }
    );
}
