//! The kryo format: round trips in every configuration, pinned bytes, registration, trait
//! objects, limits and hostile bytes. (Bytes against real Kryo: `kryo_interop.rs`.)

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;
use typeinfo::{Decode, DecodeError, Encode, EncodeErrorKind, Limits};
use typeinfo_serializers::kryo::{self, Generated, Kryo, Registry};
use typeinfo_serializers::{RecordCodec, polymorphic};
use typeinfo_tests::strategies::*;
use typeinfo_tests::types::{Attributes, Everything, Tree};
use typeinfo_tests::{kryo_configurations, kryo_generated_configurations};

fn the_same_kryo<T>(value: &T)
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + Debug,
{
    for (name, kryo) in kryo_configurations() {
        let bytes = kryo
            .to_vec(value)
            .unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        let back: T = kryo
            .decode(&bytes)
            .unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_eq!(&back, value, "{name}: round trip");
        // Every strict prefix is an error, never a panic or a wrong value.
        for cut in [0, bytes.len() / 2, bytes.len().saturating_sub(1)] {
            if cut < bytes.len() {
                assert!(
                    kryo.decode::<T>(&bytes[..cut]).is_err(),
                    "{name}: prefix of {cut}"
                );
            }
        }
    }
}

/// Generated code round trips `value` in every configuration it supports; every strict
/// prefix of its bytes is an error.
fn the_same_generated<T: Encode + Decode + PartialEq + Debug>(value: &T) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    for (name, generated) in kryo_generated_configurations() {
        let bytes = generated
            .to_vec(value)
            .unwrap_or_else(|e| panic!("{name}, generated: encode: {e}"));
        let back: T = generated
            .decode(&bytes)
            .unwrap_or_else(|e| panic!("{name}, generated: decode: {e}"));
        assert_eq!(&back, value, "{name}, generated: round trip");
        for cut in [0, bytes.len() / 2, bytes.len().saturating_sub(1)] {
            if cut < bytes.len() {
                assert!(
                    generated.decode::<T>(&bytes[..cut]).is_err(),
                    "{name}, generated: prefix of {cut}"
                );
            }
        }
        all.push(bytes);
    }
    all
}

/// Generated code writes the serde path's bytes (the derive reads serde's names), and each
/// path reads the other's.
fn generated_is_serde<T>(value: &T)
where
    T: Encode + Decode + Serialize + DeserializeOwned + PartialEq + Debug,
{
    the_same_kryo(value);
    let generated = the_same_generated(value);
    for ((name, kryo), bytes) in kryo_generated_configurations()
        .into_iter()
        .map(|(name, g)| (name, g.kryo().clone()))
        .zip(generated)
    {
        assert_eq!(
            bytes,
            kryo.to_vec(value).unwrap(),
            "{name}: generated and serde bytes"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn scalars_round_trip(v in scalars_with(Floats::Finite)) {
        generated_is_serde(&v);
    }

    #[test]
    fn collections_round_trip(v in collections()) {
        generated_is_serde(&v);
    }

    #[test]
    fn shapes_round_trip(v in shape_with(Floats::Finite)) {
        generated_is_serde(&v);
    }

    #[test]
    fn trees_round_trip(v in tree()) {
        generated_is_serde(&v);
    }

    #[test]
    fn attributes_round_trip(v in attributes_with(Floats::Finite)) {
        // `typeinfo(skip)` and `rename` make the two views differ: each is its own format.
        the_same_kryo(&v);
        the_same_generated(&v);
    }

    #[test]
    fn everything_round_trip(v in everything_with(Floats::Finite, 4)) {
        generated_is_serde(&v);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        for (_, kryo) in kryo_configurations() {
            let _ = kryo.decode::<Everything>(&bytes);
            let _ = kryo.decode::<Tree>(&bytes);
            let _ = kryo.decode::<Vec<Box<dyn Event>>>(&bytes);
        }
        for (_, generated) in kryo_generated_configurations() {
            let _ = generated.decode::<Everything>(&bytes);
            let _ = generated.decode::<Tree>(&bytes);
            let _ = generated.decode::<Attributes>(&bytes);
        }
    }

    #[test]
    fn mutated_records_never_panic(
        v in everything(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        for (_, kryo) in kryo_configurations() {
            let mut bytes = kryo.to_vec(&v).unwrap();
            for (at, byte) in &flips {
                let i = at.index(bytes.len());
                bytes[i] = *byte;
            }
            let _ = kryo.decode::<Everything>(&bytes);
            let _ = Generated::new(kryo).map(|g| g.decode::<Everything>(&bytes));
        }
    }
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Point {
    y: i32,
    x: i32,
    label: Option<String>,
    weight: Option<u8>,
}

#[test]
fn pinned_bytes() {
    let point = Point {
        y: 2,
        x: -1,
        label: Some("ab".into()),
        weight: Some(0),
    };
    // Class 1, name id 0, "Point" (ASCII, last byte flagged); then by name: label (no
    // marker: a string never starts with 0), weight (marker 1, then the byte), x, y.
    assert_eq!(
        kryo::to_vec(&point).unwrap(),
        [
            1,
            0,
            b'P',
            b'o',
            b'i',
            b'n',
            b't' | 0x80,
            b'a',
            b'b' | 0x80,
            1,
            0,
            1,
            4
        ]
    );
    let mut registry = Registry::new();
    registry.register_name("Point", 9).unwrap();
    let kryo = Kryo::new(registry);
    let none = Point {
        y: 0,
        x: 0,
        label: None,
        weight: None,
    };
    assert_eq!(kryo.to_vec(&none).unwrap(), [11, 0, 0, 0, 0]);
    // References: a tuple is no object of Kryo's, so "ab" is object 0 (marker 1 at first
    // sight), then a back reference to it (0 + 2).
    let twice = (String::from("ab"), String::from("ab"));
    assert_eq!(
        Kryo::default().references(true).to_vec(&twice).unwrap(),
        [1, b'a', b'b' | 0x80, 2]
    );
    // The class name is written once per record; later uses give its name id.
    let pair = (
        Point {
            label: None,
            ..none
        },
        Point { x: 1, ..none },
    );
    let bytes = kryo::to_vec(&pair).unwrap();
    assert_eq!(&bytes[..7], [1, 0, b'P', b'o', b'i', b'n', b't' | 0x80]);
    assert_eq!(&bytes[11..13], [1, 0]);
    assert_eq!(kryo::from_slice::<(Point, Point)>(&bytes).unwrap(), pair);
}

#[test]
fn registration_required_names_the_class() {
    let mut registry = Registry::new();
    registry.registration_required(true);
    let kryo = Kryo::new(registry);
    let e = kryo
        .to_vec(&Point {
            y: 0,
            x: 0,
            label: None,
            weight: None,
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "kryo: class `Point` is not registered and registration_required is on; register it with an id"
    );
    // The reader refuses a name too.
    let by_name = kryo::to_vec(&Point {
        y: 0,
        x: 0,
        label: None,
        weight: None,
    })
    .unwrap();
    let e = kryo.decode::<Point>(&by_name).unwrap_err();
    assert_eq!(
        e.to_string(),
        "kryo: class `Point` is not registered and registration_required is on"
    );
}

#[test]
fn the_reader_checks_the_class() {
    let mut registry = Registry::new();
    registry.register_name("Point", 9).unwrap();
    registry.register_name("Tree", 10).unwrap();
    let kryo = Kryo::new(registry);
    let tree = kryo
        .to_vec(&Tree {
            value: 1,
            children: vec![],
            next: None,
        })
        .unwrap();
    let e = kryo.decode::<Point>(&tree).unwrap_err();
    assert_eq!(e.to_string(), "kryo: expected class `Point`, found `Tree`");
    let e = kryo.decode::<Point>(&[40]).unwrap_err();
    assert_eq!(e.to_string(), "kryo: class id 38 is not registered");
}

#[test]
fn skipped_fields_are_refused() {
    #[derive(Serialize)]
    struct Sparse {
        #[serde(skip_serializing_if = "Option::is_none")]
        maybe: Option<u8>,
    }
    let e = kryo::to_vec(&Sparse { maybe: None }).unwrap_err();
    assert!(e.to_string().contains("field `maybe` is skipped"), "{e}");
}

trait Event: core::any::Any + Debug {
    fn weight(&self) -> i64;
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Click {
    x: i32,
    y: i32,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Purchase {
    cents: i64,
    sku: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Unlisted {
    what: u8,
}

impl Event for Click {
    fn weight(&self) -> i64 {
        1
    }
}

impl Event for Purchase {
    fn weight(&self) -> i64 {
        self.cents
    }
}

impl Event for Unlisted {
    fn weight(&self) -> i64 {
        0
    }
}

polymorphic!(dyn Event => [Click, Purchase]);

#[derive(Serialize, Deserialize, Debug)]
struct Session {
    user: String,
    events: Vec<Box<dyn Event>>,
    last: Option<Box<dyn Event>>,
}

#[test]
fn trait_objects_come_back_as_their_concrete_types() {
    let session = Session {
        user: "ada".into(),
        events: vec![
            Box::new(Click { x: 1, y: 2 }),
            Box::new(Purchase {
                cents: 1999,
                sku: "B-7".into(),
            }),
        ],
        last: Some(Box::new(Click { x: 3, y: 4 })),
    };
    let mut registry = Registry::new();
    registry.register_name("Session", 9).unwrap();
    registry.register_name("Click", 10).unwrap();
    registry.register_name("Purchase", 11).unwrap();
    for kryo in [
        Kryo::default(),
        Kryo::new(registry.clone()),
        Kryo::new(registry).references(true),
    ] {
        let bytes = kryo.to_vec(&session).unwrap();
        let back: Session = kryo.decode(&bytes).unwrap();
        assert_eq!(format!("{back:?}"), format!("{session:?}"));
        let total: i64 = back.events.iter().map(|e| e.weight()).sum();
        assert_eq!(total, 2000);
    }
    // The tag is the concrete class: registered Click is id 10, written as 12.
    let mut registry = Registry::new();
    registry.register_name("Click", 10).unwrap();
    let one: Box<dyn Event> = Box::new(Click { x: 0, y: 0 });
    assert_eq!(Kryo::new(registry).to_vec(&one).unwrap(), [12, 0, 0]);
}

#[test]
fn unregistered_trait_object_types_are_errors() {
    let unlisted: Box<dyn Event> = Box::new(Unlisted { what: 1 });
    let e = kryo::to_vec(&unlisted).unwrap_err();
    assert!(
        e.to_string()
            .contains("whose concrete type is not registered; registered: Click, Purchase"),
        "{e}"
    );
    // A class that is not one of the trait's types, on the read side.
    let bytes = kryo::to_vec(&Unlisted { what: 1 }).unwrap();
    let e = kryo::from_slice::<Box<dyn Event>>(&bytes).unwrap_err();
    assert_eq!(
        e.to_string(),
        "kryo: class `Unlisted` is not one of the registered implementations: Click, Purchase"
    );
}

#[test]
fn trait_objects_work_in_other_serde_formats() {
    let event: Box<dyn Event> = Box::new(Purchase {
        cents: 5,
        sku: "x".into(),
    });
    let json = serde_json::to_string(&event).unwrap();
    assert_eq!(json, r#"{"Purchase":{"cents":5,"sku":"x"}}"#);
    let back: Box<dyn Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(back.weight(), 5);
}

#[test]
fn limits_apply() {
    let tight = Limits {
        max_collection_len: 3,
        max_depth: 4,
        max_record_bytes: 64,
    };
    let kryo = Kryo::default().limits(tight);
    // A length of 4 + 1 in a 2-byte input.
    assert_eq!(
        kryo.decode::<Vec<u8>>(&[5, 0]),
        Err(DecodeError::LengthLimit {
            claimed: 4,
            limit: 3
        })
    );
    let mut deep = Tree {
        value: 0,
        children: vec![],
        next: None,
    };
    for _ in 0..8 {
        deep = Tree {
            value: 0,
            children: vec![],
            next: Some(Box::new(deep)),
        };
    }
    let bytes = Kryo::default().to_vec(&deep).unwrap();
    assert_eq!(
        kryo.decode::<Tree>(&bytes),
        Err(DecodeError::DepthLimit { limit: 4 })
    );
    let e = kryo.to_vec(&vec![0u8; 100]).unwrap_err();
    assert!(
        matches!(e.kind(), EncodeErrorKind::RecordTooLarge { limit: 64, .. }),
        "{e}"
    );
    assert!(matches!(
        kryo.decode::<Vec<u8>>(&[0; 65]),
        Err(DecodeError::RecordTooLarge {
            size: 65,
            limit: 64
        })
    ));
    // Trailing bytes.
    assert_eq!(
        kryo.decode::<u8>(&[1, 2]),
        Err(DecodeError::TrailingBytes { remaining: 1 })
    );
}

mod first {
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    pub struct Event {
        pub x: i32,
        pub y: i32,
    }
}

mod second {
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    pub struct Event {
        pub b: i32,
        pub a: i32,
    }
}

/// Two types of one name and field count: what the writer remembers about one (found by
/// its name) must not be applied to the other.
#[test]
fn types_sharing_a_name_keep_their_own_field_order() {
    let mut registry = Registry::new();
    registry.register_name("Event", 9).unwrap();
    let kryo = Kryo::new(registry);
    let pair = (first::Event { x: 1, y: 2 }, second::Event { b: 3, a: 4 });
    for _ in 0..3 {
        let bytes = kryo.to_vec(&pair).unwrap();
        // Each sorted by its own names: x, y; then a, b.
        assert_eq!(bytes, [11, 2, 4, 11, 8, 6]);
        assert_eq!(
            kryo.decode::<(first::Event, second::Event)>(&bytes)
                .unwrap(),
            pair
        );
    }
}

/// Leaves of [`Unordered`], each its own class.
#[derive(typeinfo::TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Zed(pub i32, pub i32);
#[derive(typeinfo::TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Ant(pub i32, pub i32);

/// A serde-only struct out of Kryo's order, holding two classes that sorting swaps.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Unordered {
    pub zeta: Zed,
    pub alpha: Ant,
}

#[derive(typeinfo::TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct HoldsUnordered {
    pub before: i32,
    #[typeinfo(generic)]
    pub inner: Unordered,
    pub tail: Zed,
}

/// Generated code counts class places without recording them; a generic field that sorts
/// its fields moves some, so the record is written again recording them. By name, `Zed`
/// is met before `Ant`, and sorting puts `Ant` first: the ids follow the final order. The
/// bytes are the serde path's, by name and registered.
#[test]
fn classes_moved_inside_generic_fields_are_renumbered() {
    let value = HoldsUnordered {
        before: 1,
        inner: Unordered {
            zeta: Zed(3, 4),
            alpha: Ant(5, 6),
        },
        tail: Zed(7, 8),
    };
    let mut registry = Registry::new();
    registry.register_name("HoldsUnordered", 20).unwrap();
    for kryo in [Kryo::default(), Kryo::new(registry)] {
        let generated = Generated::new(kryo.clone()).unwrap();
        let serde_bytes = kryo.to_vec(&value).unwrap();
        // Repeated: the first record and those that find the writer's memory warm.
        for _ in 0..3 {
            let bytes = generated.to_vec(&value).unwrap();
            assert_eq!(bytes, serde_bytes);
            assert_eq!(generated.decode::<HoldsUnordered>(&bytes).unwrap(), value);
        }
    }
    // By name, in final order: `HoldsUnordered` 0, `Unordered` 1, then `alpha`'s `Ant` 2
    // and `zeta`'s `Zed` 3 (written first, before sorting).
    let bytes = Kryo::default().to_vec(&value).unwrap();
    let ant = bytes.windows(4).position(|w| w == [1, 2, b'A', b'n']);
    let zed = bytes.windows(4).position(|w| w == [1, 3, b'Z', b'e']);
    assert!(ant.is_some() && zed.is_some() && ant < zed, "{bytes:?}");
}

/// A back reference is one byte; what it copies is bounded by `max_record_bytes`.
#[test]
fn back_references_cannot_amplify_without_bound() {
    let kryo = Kryo::default().references(true).limits(Limits {
        max_record_bytes: 4096,
        ..Limits::DEFAULT
    });
    let big = "x".repeat(1000);
    // A map (object 0; its values are fields, so tracked) of 10 entries: key 1 with a
    // string (object 1), then keys 2 to 10 with back references to it (1 + 2).
    let mut bytes = vec![1, 11, 2, 1];
    typeinfo_serializers::kryo::wire::write_str(&mut bytes, &big);
    for key in 2..=10 {
        typeinfo_serializers::kryo::wire::write_var_i32(&mut bytes, key);
        bytes.push(3);
    }
    let e = kryo
        .decode::<std::collections::BTreeMap<i32, String>>(&bytes)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "kryo: back references copy more than max_record_bytes (4096)"
    );
    // Within the budget, they are read.
    let few: std::collections::BTreeMap<i32, String> = (0..3).map(|k| (k, big.clone())).collect();
    let ours = kryo.to_vec(&few).unwrap();
    assert_eq!(
        kryo.decode::<std::collections::BTreeMap<i32, String>>(&ours)
            .unwrap(),
        few
    );
}

/// The issue's type: serde renames `zeta` to `alpha`, which sorts before `beta`.
#[derive(typeinfo::TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
struct SerdeRenamed {
    #[serde(rename = "alpha")]
    zeta: u32,
    beta: String,
}

/// typeinfo's own names differ from serde's everywhere: the type, a field (whose schema
/// name would sort first), and every field through `rename_all`.
#[derive(typeinfo::TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename = "Wire", rename_all = "camelCase")]
#[typeinfo(rename = "Schema")]
struct BothRenamed {
    second_field: u32,
    #[typeinfo(rename = "a_first")]
    first_field: String,
    #[serde(rename = "zz")]
    inner: SerdeRenamed,
}

/// Kryo's serde path and its generated path write the same bytes for types whose serde and
/// typeinfo names differ, and each reads the other's, registered by name or not.
#[test]
fn kryo_paths_agree_when_serde_renames_fields() {
    let renamed = SerdeRenamed {
        zeta: 7,
        beta: "b".into(),
    };
    let both = BothRenamed {
        second_field: 1,
        first_field: "one".into(),
        inner: renamed.clone(),
    };
    let mut registry = Registry::new();
    registry.register::<BothRenamed>(40).unwrap();
    registry.register::<SerdeRenamed>(41).unwrap();
    assert_eq!(
        registry.id_of("Wire"),
        Some(40),
        "registered under serde's name"
    );
    for kryo in [Kryo::default(), Kryo::new(registry)] {
        let generated = Generated::new(kryo.clone()).unwrap();
        let by_serde = kryo.to_vec(&renamed).unwrap();
        assert_eq!(generated.to_vec(&renamed).unwrap(), by_serde);
        assert_eq!(
            generated.decode::<SerdeRenamed>(&by_serde).unwrap(),
            renamed
        );
        let by_serde = kryo.to_vec(&both).unwrap();
        assert_eq!(generated.to_vec(&both).unwrap(), by_serde);
        assert_eq!(kryo.decode::<BothRenamed>(&by_serde).unwrap(), both);
        assert_eq!(generated.decode::<BothRenamed>(&by_serde).unwrap(), both);
    }
    // Unregistered, the class name on the wire is serde's.
    let bytes = Generated::new(Kryo::default())
        .unwrap()
        .to_vec(&both)
        .unwrap();
    assert!(bytes.windows(4).any(|w| w == b"Wir\xe5"), "{bytes:?}");
}

/// A chain of nodes, each one user type deeper, linked through `Option<Box<_>>`.
#[derive(typeinfo::TypeInfo, Serialize, Deserialize, Debug, PartialEq)]
struct Link {
    value: u8,
    next: Option<Box<Link>>,
}

fn chain(levels: usize) -> Link {
    let mut link = Link {
        value: 0,
        next: None,
    };
    for _ in 1..levels {
        link = Link {
            value: 1,
            next: Some(Box::new(link)),
        };
    }
    link
}

/// The serde path counts one level per user type, as the generated path does (an option
/// around a struct no longer counts a second level): both read `max_depth` levels and
/// refuse one more, with the same error.
#[test]
fn kryo_serde_counts_each_level_once() {
    let limits = Limits {
        max_depth: 10,
        ..Limits::DEFAULT
    };
    let kryo = Kryo::new(Registry::new()).limits(limits);
    let generated = Generated::new(kryo.clone()).unwrap();
    let write = Kryo::new(Registry::new());
    for levels in [1, 9, 10] {
        let bytes = write.to_vec(&chain(levels)).unwrap();
        assert_eq!(
            kryo.decode::<Link>(&bytes).unwrap(),
            chain(levels),
            "{levels}"
        );
        assert_eq!(
            generated.decode::<Link>(&bytes).unwrap(),
            chain(levels),
            "{levels}"
        );
    }
    let bytes = write.to_vec(&chain(11)).unwrap();
    let deep = DecodeError::DepthLimit { limit: 10 };
    assert_eq!(kryo.decode::<Link>(&bytes).unwrap_err(), deep);
    assert_eq!(
        generated.decode::<Link>(&bytes).unwrap_err().into_cause(),
        deep
    );
}

/// A `Deserialize` that recurses through sequences alone, with no user type to count,
/// still stops at a bound instead of exhausting the stack.
#[test]
fn kryo_serde_bounds_recursion_through_containers() {
    #[derive(Debug)]
    struct Nest;
    impl<'de> Deserialize<'de> for Nest {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Nest;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("nested lists")
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> Result<Nest, A::Error> {
                    while seq.next_element::<Nest>()?.is_some() {}
                    Ok(Nest)
                }
            }
            d.deserialize_seq(Visit)
        }
    }
    // Each level: a list of one element (Kryo's varint length + 1).
    let bytes = vec![2u8; 200_000];
    let e = Kryo::new(Registry::new())
        .decode::<Nest>(&bytes)
        .unwrap_err();
    assert_eq!(e, DecodeError::DepthLimit { limit: 128 });
}

/// A trait object is one level on both sides (the reader reads it as an enum of its
/// implementations): what the writer accepts at `max_depth`, the reader reads.
#[test]
fn trait_objects_count_a_level_when_written_too() {
    let session = Session {
        user: "ada".into(),
        events: vec![Box::new(Click { x: 1, y: 2 })],
        last: None,
    };
    let at = |max_depth| {
        Kryo::default().limits(Limits {
            max_depth,
            ..Limits::DEFAULT
        })
    };
    // Session, the trait object, Click: three levels.
    let bytes = at(3).to_vec(&session).unwrap();
    assert!(at(3).decode::<Session>(&bytes).is_ok());
    assert!(at(2).decode::<Session>(&bytes).is_err());
    let e = at(2).to_vec(&session).unwrap_err();
    assert_eq!(e.kind(), &EncodeErrorKind::DepthLimit { limit: 2 });
}
