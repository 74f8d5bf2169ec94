//! A decode error says where in the value it happened (`at items[3].sku: ...`), the same in
//! every generated format.

use std::collections::BTreeMap;
use typeinfo::{DecodeError, PlaceStep, TypeInfo};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::avro::Avro;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;

// Fields are declared in name order, so that kryo (which writes them sorted by name) puts
// them where the other formats do and one cut of the bytes falls in the same field.
#[derive(TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
struct Order {
    counts: BTreeMap<String, u32>,
    id: u64,
    pair: (u8, String),
    payment: Payment,
    items: Vec<Item>,
}

#[derive(TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
struct Item {
    qty: u32,
    sku: String,
}

#[derive(TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
enum Payment {
    Cash,
    Card { holder: String, number: String },
}

fn order() -> Order {
    Order {
        counts: BTreeMap::from([("a".into(), 1), ("bö".into(), 2)]),
        id: 7,
        pair: (1, "pä".into()),
        payment: Payment::Card {
            holder: "h".into(),
            number: "4é11".into(),
        },
        items: (0..4)
            .map(|i| Item {
                qty: i,
                sku: format!("sku-{i}"),
            })
            .collect(),
    }
}

type Decode<'a> = Box<dyn Fn(&[u8]) -> DecodeError + 'a>;

/// `(format, bytes of value, decoder of T)` for each generated format.
fn formats<'a, T>(value: &T) -> Vec<(&'static str, Vec<u8>, Decode<'a>)>
where
    T: typeinfo::Encode + typeinfo::Decode + typeinfo::HasTypeInfo + std::fmt::Debug + 'static,
{
    let generated = Generated::new(Kryo::new(Registry::new())).unwrap();
    let kryo_bytes = generated.to_vec(value).unwrap();
    vec![
        (
            "pojo",
            Pojo::default().to_vec(value).unwrap(),
            Box::new(|b| Pojo::default().decode::<T>(b).unwrap_err()),
        ),
        (
            "compact",
            Compact::default().to_vec(value).unwrap(),
            Box::new(|b| Compact::default().decode::<T>(b).unwrap_err()),
        ),
        (
            "avro",
            Avro::default().to_vec(value).unwrap(),
            Box::new(|b| Avro::default().decode::<T>(b).unwrap_err()),
        ),
        (
            "kryo",
            kryo_bytes,
            Box::new(move |b| generated.decode::<T>(b).unwrap_err()),
        ),
    ]
}

/// `bytes` with the first byte of `text`'s UTF-8 made invalid.
fn spoil(bytes: &[u8], text: &str) -> Vec<u8> {
    let needle = text.as_bytes();
    // Kryo marks a string's last byte with the high bit; the needle is never last.
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{text:?} in the bytes"));
    let mut bad = bytes.to_vec();
    bad[at] = 0xff;
    bad
}

#[test]
fn decode_errors_name_the_place_in_every_generated_format() {
    let order = order();
    for (name, bytes, decode) in formats(&order) {
        // Inside the last item's sku (kryo sets the high bit of a string's last byte).
        let last_sku = bytes.windows(4).rposition(|w| w == b"sku-").unwrap();
        let cut = decode(&bytes[..last_sku + 2]);
        let text = cut.to_string();
        assert!(
            text.starts_with("at items[3].sku: unexpected end of input: "),
            "{name}: {text}"
        );
        assert!(
            matches!(cut.cause(), DecodeError::UnexpectedEnd { .. }),
            "{name}"
        );
        let steps: Vec<_> = cut.place().unwrap().steps().collect();
        assert_eq!(
            steps,
            [
                PlaceStep::Field("items"),
                PlaceStep::Index(3),
                PlaceStep::Field("sku")
            ],
            "{name}"
        );
        for (spoiled, place) in [
            ("é", "payment::Card.number"),
            ("ä", "pair.1"),
            ("ö", "counts{key 1}"),
        ] {
            let e = decode(&spoil(&bytes, spoiled));
            assert!(
                e.to_string()
                    .starts_with(&format!("at {place}: string is not utf-8")),
                "{name}: {e}"
            );
        }
    }
}

#[test]
fn an_enum_record_starts_its_place_at_the_variant() {
    let card = Payment::Card {
        holder: "ü".into(),
        number: "1".into(),
    };
    for (name, bytes, decode) in formats(&card) {
        assert_eq!(
            decode(&spoil(&bytes, "ü")).to_string(),
            "at Card.holder: string is not utf-8 (valid up to byte 0)",
            "{name}"
        );
    }
}

#[test]
fn errors_outside_any_field_carry_no_place() {
    // The record's own tag, and bytes after the record, are at the root.
    for (name, bytes, decode) in formats(&Payment::Cash) {
        let mut longer = bytes.clone();
        longer.push(0);
        let e = decode(&longer);
        assert_eq!(e.place(), None, "{name}");
        assert_eq!(e, DecodeError::TrailingBytes { remaining: 1 }, "{name}");
    }
    let e = Pojo::default()
        .decode::<Payment>(&[9, 0, 0, 0])
        .unwrap_err();
    assert_eq!(e.to_string(), "invalid tag 9 for Payment");
}

#[test]
fn the_place_of_a_failure_deep_in_a_value_lists_each_level() {
    #[derive(TypeInfo, Debug, PartialEq)]
    struct Outer {
        grid: Vec<Vec<Option<Item>>>,
        by_name: BTreeMap<u8, [Item; 2]>,
    }
    let value = Outer {
        grid: vec![vec![], vec![None, Some(item("x")), Some(item("yé"))]],
        by_name: BTreeMap::from([(5, [item("p"), item("qß")])]),
    };
    let bytes = Pojo::default().to_vec(&value).unwrap();
    assert_eq!(
        Pojo::default()
            .decode::<Outer>(&spoil(&bytes, "é"))
            .unwrap_err()
            .to_string(),
        "at grid[1][2].sku: string is not utf-8 (valid up to byte 1)"
    );
    assert_eq!(
        Pojo::default()
            .decode::<Outer>(&spoil(&bytes, "ß"))
            .unwrap_err()
            .to_string(),
        "at by_name{value 0}[1].sku: string is not utf-8 (valid up to byte 1)"
    );
}

fn item(sku: &str) -> Item {
    Item {
        qty: 0,
        sku: sku.into(),
    }
}
