//! Snapshots: what a format's bytes of a type contain, written once per state; and the
//! compatibility of an old snapshot with a new one, with every reason in words.

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use typeinfo::prelude::*;
use typeinfo::snapshot::{Compatibility, FIELD_ORDER, Outcome, SORTED, Snapshot, SnapshotError};
use typeinfo_tests::types::Everything;

/// The default of `v2::added_with_default::Order::country`.
pub fn unknown() -> String {
    "unknown".to_owned()
}

fn pojo<T: HasTypeInfo>() -> Snapshot {
    Snapshot::new::<T>("pojo", [])
}

/// The types as a job wrote them.
mod v1 {
    use super::*;

    #[derive(TypeInfo, Serialize, Deserialize)]
    pub struct Order {
        pub id: u64,
        pub level: u16,
        pub price: f32,
        pub note: String,
    }

    #[derive(TypeInfo, Serialize, Deserialize)]
    pub enum Device {
        Android,
        Ios,
        Web { agent: String },
    }

    #[derive(TypeInfo, Serialize, Deserialize)]
    pub enum Status {
        Active,
        Paused,
        Closed,
    }

    #[derive(TypeInfo, Serialize, Deserialize)]
    pub struct Tree {
        pub label: String,
        pub children: Vec<Tree>,
    }
}

macro_rules! order_v2 {
    ($name:ident { $($body:tt)* }) => {
        pub mod $name {
            use super::super::*;
            #[derive(TypeInfo, Serialize, Deserialize)]
            pub struct Order { $($body)* }
        }
    };
}

/// Today's types, one module per change to `v1::Order`.
mod v2 {
    order_v2!(same { pub id: u64, pub level: u16, pub price: f32, pub note: String });
    order_v2!(added_with_default {
        pub id: u64, pub level: u16, pub price: f32, pub note: String,
        #[typeinfo(default = "unknown")] pub country: String,
    });
    order_v2!(added_without_default {
        pub id: u64, pub level: u16, pub price: f32, pub note: String, pub country: String,
    });
    order_v2!(removed { pub id: u64, pub level: u16, pub price: f32 });
    order_v2!(reordered { pub note: String, pub id: u64, pub level: u16, pub price: f32 });
    order_v2!(renamed_with_alias {
        pub id: u64, pub level: u16, pub price: f32,
        #[typeinfo(alias = "note")] pub comment: String,
    });
    order_v2!(renamed_without_alias { pub id: u64, pub level: u16, pub price: f32, pub comment: String });
    order_v2!(widened { pub id: u64, pub level: u32, pub price: f64, pub note: String });
    order_v2!(unsigned_to_wider_signed { pub id: u64, pub level: i32, pub price: f32, pub note: String });
    order_v2!(narrowed { pub id: u32, pub level: u16, pub price: f32, pub note: String });
    order_v2!(to_signed_same_width { pub id: u64, pub level: i16, pub price: f32, pub note: String });
    order_v2!(float_to_int { pub id: u64, pub level: u16, pub price: u64, pub note: String });
    order_v2!(optional { pub id: u64, pub level: u16, pub price: f32, pub note: Option<String> });
    order_v2!(to_list { pub id: u64, pub level: u16, pub price: f32, pub note: Vec<String> });

    pub mod device_added {
        use super::super::*;
        #[derive(TypeInfo, Serialize, Deserialize)]
        pub enum Device {
            Android,
            Ios,
            Web { agent: String },
            Desktop,
        }
    }
    pub mod status_removed_with_default {
        use super::super::*;
        #[derive(TypeInfo, Serialize, Deserialize)]
        pub enum Status {
            #[typeinfo(default)]
            Active,
            Closed,
        }
    }
    pub mod device_removed {
        use super::super::*;
        #[derive(TypeInfo, Serialize, Deserialize)]
        pub enum Device {
            Android,
            Web { agent: String },
        }
    }
    pub mod device_variant_field_added {
        use super::super::*;
        #[derive(TypeInfo, Serialize, Deserialize)]
        pub enum Device {
            Android,
            Ios,
            Web {
                agent: String,
                #[typeinfo(default)]
                width: u32,
            },
        }
    }
    pub mod tree_widened {
        use super::super::*;
        #[derive(TypeInfo, Serialize, Deserialize)]
        pub struct Tree {
            pub label: Option<String>,
            pub children: Vec<Tree>,
        }
    }
    pub mod tree_narrowed_deep {
        use super::super::*;
        #[derive(TypeInfo, Serialize, Deserialize)]
        pub struct Tree {
            pub label: String,
            pub children: std::collections::BTreeMap<u8, Tree>,
        }
    }
}

/// One pair: the outcome, and a piece of text each expected reason contains.
fn expect(old: Snapshot, new: Snapshot, outcome: Outcome, reasons: &[&str]) {
    let answer = Compatibility::check(&old, &new);
    assert_eq!(answer.outcome, outcome, "{answer}");
    for want in reasons {
        assert!(
            answer.reasons.iter().any(|r| r.to_string().contains(want)),
            "no reason says {want:?}: {answer}"
        );
    }
    // The outcome is the worst of the reasons, so no reason is hidden behind it.
    let worst = answer.reasons.iter().map(|r| r.outcome).max();
    assert_eq!(
        worst.unwrap_or(Outcome::CompatibleAsIs),
        outcome,
        "{answer}"
    );
}

#[test]
fn order_changes_have_the_expected_outcome_and_reasons() {
    use Outcome::*;
    use v2::*;
    let table: [(Snapshot, Outcome, &[&str]); 9] = [
        (pojo::<same::Order>(), CompatibleAsIs, &[]),
        (
            pojo::<added_with_default::Order>(),
            CompatibleAfterMigration,
            &["Order: field `country` added, reads its default `\"unknown\"`"],
        ),
        (
            pojo::<added_without_default::Order>(),
            Incompatible,
            &["field `country` added without a default"],
        ),
        (
            pojo::<removed::Order>(),
            CompatibleAfterMigration,
            &["field `note` removed: its data is skipped"],
        ),
        (
            pojo::<renamed_with_alias::Order>(),
            CompatibleAsIs,
            &["field `note` renamed to `comment` (alias)"],
        ),
        (
            pojo::<renamed_without_alias::Order>(),
            Incompatible,
            &["field `comment` added without a default"],
        ),
        (
            pojo::<widened::Order>(),
            CompatibleAfterMigration,
            &[
                "Order.level: u16 → u32: migration by widening",
                "Order.price: f32 → f64: migration by widening",
            ],
        ),
        (
            pojo::<unsigned_to_wider_signed::Order>(),
            CompatibleAfterMigration,
            &["u16 → i32: migration by widening"],
        ),
        (
            pojo::<optional::Order>(),
            CompatibleAfterMigration,
            &["Order.note: String → Option<String>: reads as `Some`"],
        ),
    ];
    let old = || pojo::<v1::Order>();
    for (new, outcome, reasons) in table {
        expect(old(), new, outcome, reasons);
    }
    for new in [
        pojo::<narrowed::Order>(),
        pojo::<to_signed_same_width::Order>(),
        pojo::<float_to_int::Order>(),
        pojo::<to_list::Order>(),
    ] {
        expect(old(), new, Incompatible, &["Order."]);
    }
    // Narrowing back is never silent.
    expect(
        pojo::<widened::Order>(),
        old(),
        Incompatible,
        &["u32 → u16"],
    );
    expect(
        pojo::<optional::Order>(),
        old(),
        Incompatible,
        &["Order.note"],
    );
}

#[test]
fn field_order_matters_only_where_the_format_writes_it() {
    use v2::reordered::Order;
    // pojo writes fields in declaration order: a reorder is a migration.
    expect(
        pojo::<v1::Order>(),
        pojo::<Order>(),
        Outcome::CompatibleAfterMigration,
        &["fields written in another order"],
    );
    // A format that sorts named fields writes the same bytes in both.
    let sorted = |s: Snapshot| Snapshot {
        settings: vec![(FIELD_ORDER.to_owned(), SORTED.to_owned())],
        ..s
    };
    let answer = Compatibility::check(&sorted(pojo::<v1::Order>()), &sorted(pojo::<Order>()));
    assert_eq!(answer.outcome, Outcome::CompatibleAsIs, "{answer}");
}

#[test]
fn enum_changes_have_the_expected_outcome_and_reasons() {
    use Outcome::*;
    use v2::*;
    let old = || pojo::<v1::Device>();
    expect(
        old(),
        pojo::<device_added::Device>(),
        CompatibleAsIs,
        &["variant `Desktop` added: old data never holds it"],
    );
    expect(
        pojo::<v1::Status>(),
        pojo::<status_removed_with_default::Status>(),
        CompatibleAfterMigration,
        &[
            "variant `Paused` removed: reads as `Active`, the default",
            "variants renumbered",
        ],
    );
    expect(
        old(),
        pojo::<device_removed::Device>(),
        Incompatible,
        &["variant `Ios` removed: incompatible, data may hold it"],
    );
    expect(
        old(),
        pojo::<device_variant_field_added::Device>(),
        CompatibleAfterMigration,
        &["Device::Web: field `width` added, reads its default `0`"],
    );
}

#[test]
fn recursive_types_are_checked_once_and_completely() {
    use v2::*;
    expect(
        pojo::<v1::Tree>(),
        pojo::<v1::Tree>(),
        Outcome::CompatibleAsIs,
        &[],
    );
    expect(
        pojo::<v1::Tree>(),
        pojo::<tree_widened::Tree>(),
        Outcome::CompatibleAfterMigration,
        &["Tree.label: String → Option<String>"],
    );
    expect(
        pojo::<v1::Tree>(),
        pojo::<tree_narrowed_deep::Tree>(),
        Outcome::Incompatible,
        &["Tree.children"],
    );
}

#[test]
fn keys_refuse_every_change_of_bytes() {
    let old = pojo::<v1::Order>();
    let same = Compatibility::check_key(&old, &pojo::<v2::same::Order>());
    assert_eq!(same.outcome, Outcome::CompatibleAsIs, "{same}");
    // A value may widen; a key may not: its bytes and its hash would change.
    let widened = Compatibility::check_key(&old, &pojo::<v2::widened::Order>());
    assert_eq!(widened.outcome, Outcome::Incompatible, "{widened}");
    assert!(
        widened
            .to_string()
            .contains("a key must keep its bytes and its hash"),
        "{widened}"
    );
}

#[test]
fn formats_and_settings_are_part_of_the_answer() {
    let kryo = |registration: &str| {
        Snapshot::new::<v1::Order>(
            "kryo",
            [("registration.Order".to_owned(), registration.to_owned())],
        )
    };
    let answer = Compatibility::check(&kryo("10"), &kryo("12"));
    assert_eq!(
        answer.outcome,
        Outcome::CompatibleWithReconfiguredSerializer,
        "{answer}"
    );
    assert!(
        answer
            .to_string()
            .contains("kryo setting `registration.Order` changed `10` → `12`"),
        "{answer}"
    );
    let other_format = Compatibility::check(&kryo("10"), &pojo::<v1::Order>());
    assert_eq!(
        other_format.outcome,
        Outcome::Incompatible,
        "{other_format}"
    );
    assert!(!other_format.is_compatible());
}

#[test]
fn snapshots_write_and_read_themselves() {
    let snapshot =
        Snapshot::new::<Everything>("kryo", [("references".to_owned(), "off".to_owned())]);
    let bytes = snapshot.to_bytes();
    assert!(bytes.starts_with(b"TISNAP"));
    let read = Snapshot::from_bytes(&bytes).expect("its own bytes");
    assert_eq!(read, snapshot);
    assert_eq!(read.to_bytes(), bytes, "one snapshot, one byte string");
    assert_eq!(read.fingerprint(), snapshot.fingerprint());
    assert_eq!(read.setting("references"), Some("off"));
    assert_ne!(
        pojo::<v1::Order>().fingerprint(),
        pojo::<v2::widened::Order>().fingerprint()
    );
    // The same type in two modules is the same snapshot but for its stable key.
    assert_eq!(
        pojo::<v1::Order>().shape.types[0].name,
        pojo::<v2::same::Order>().shape.types[0].name
    );
}

#[test]
fn snapshots_print_as_a_tree() {
    let text = pojo::<v2::added_with_default::Order>().to_string();
    for want in [
        "pojo",
        "Order",
        "id: u64",
        "level: u16",
        "country: String",
        "unknown",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    let tree = pojo::<v1::Tree>().to_string();
    assert!(tree.contains("Tree"), "{tree}");
}

#[test]
fn every_truncation_is_a_typed_error() {
    let bytes = Snapshot::new::<Everything>("compact", []).to_bytes();
    for cut in 0..bytes.len() {
        match Snapshot::from_bytes(&bytes[..cut]) {
            Err(SnapshotError::Truncated { offset, .. }) => assert!(offset <= cut),
            Err(SnapshotError::NotASnapshot) => assert!(cut < 6),
            other => panic!("cut at {cut} of {}: {other:?}", bytes.len()),
        }
    }
}

#[test]
fn foreign_bytes_are_refused_by_name() {
    assert_eq!(
        Snapshot::from_bytes(b"PAR1...."),
        Err(SnapshotError::NotASnapshot)
    );
    let mut bytes = pojo::<v1::Order>().to_bytes();
    bytes[6] = 99;
    assert!(matches!(
        Snapshot::from_bytes(&bytes),
        Err(SnapshotError::Version { found: 99, .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut bytes = b"TISNAP\x01".to_vec();
        bytes.extend(tail);
        let _ = Snapshot::from_bytes(&bytes);
    }

    #[test]
    fn flipped_bytes_never_panic(at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut bytes = Snapshot::new::<Everything>("pojo", []).to_bytes();
        let i = at.index(bytes.len());
        bytes[i] ^= 1 << bit;
        if let Ok(read) = Snapshot::from_bytes(&bytes) {
            // Whatever reads, checks without a panic.
            let _ = Compatibility::check(&read, &Snapshot::new::<Everything>("pojo", []));
        }
    }
}
