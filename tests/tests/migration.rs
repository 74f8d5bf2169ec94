//! The migrating reader: bytes a job wrote under yesterday's type, read as today's, in each
//! generated-code format, through the format's own decoder and limits.

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use typeinfo::prelude::*;
use typeinfo::snapshot::{Migration, MigrationError, Outcome};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::avro::Avro;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;
use typeinfo_tests::migration::{upgrade, upgrade_tree, v1, v2};

/// Today's type, but with a field that old data has no value for.
mod v2_no_default {
    use super::*;

    #[derive(TypeInfo, Serialize, Deserialize, Debug, PartialEq)]
    pub struct Line {
        pub sku: String,
        pub quantity: u32,
        pub warehouse: String,
    }
}

/// A type with a generic (serde) field that changed around it.
mod generic {
    use super::*;

    #[derive(TypeInfo, Serialize, Deserialize, Debug, PartialEq)]
    pub struct Old {
        pub id: u32,
        #[typeinfo(generic)]
        pub extra: Vec<u8>,
    }

    pub mod new {
        use super::super::*;

        #[derive(TypeInfo, Serialize, Deserialize, Debug, PartialEq)]
        pub struct Old {
            pub id: u64,
            #[typeinfo(generic)]
            pub extra: Vec<u8>,
        }
    }
}

/// A record whose text fields a later version drops.
mod dropped_text {
    use super::*;

    #[derive(TypeInfo, Serialize, Deserialize, Debug, PartialEq)]
    pub struct Old {
        pub id: u32,
        pub note: String,
        pub tags: Vec<String>,
        pub blob: Option<Vec<u8>>,
    }

    pub mod new {
        use super::super::*;

        #[derive(TypeInfo, Serialize, Deserialize, Debug, PartialEq)]
        pub struct Old {
            pub id: u64,
        }
    }
}

fn placed() -> chrono::DateTime<chrono::Utc> {
    // Past 2262: only the formats that write instants whole hold it.
    "9999-12-31T23:59:59.123456789Z".parse().unwrap()
}

fn old_order(status: v1::Status, device: v1::Device) -> v1::Order {
    v1::Order {
        id: 42,
        level: 65_535,
        price: 1.5,
        note: "dropped".into(),
        tags: vec!["a".into(), "b".into()],
        status,
        device,
        lines: vec![
            v1::Line {
                sku: "x-1".into(),
                quantity: 3,
            },
            v1::Line {
                sku: "y-2".into(),
                quantity: u32::MAX,
            },
        ],
        totals: [("eu".to_owned(), -7), ("us".to_owned(), i32::MAX)]
            .into_iter()
            .collect(),
        placed: placed(),
        code: [1, 2, 3, 255],
        pair: (9, "p".into()),
        window: [7, u32::MAX],
    }
}

fn new_order(status: v2::Status, device: v2::Device) -> v2::Order {
    v2::Order {
        price: 1.5,
        order_id: 42,
        level: 65_535,
        country: "unknown".into(),
        tags: ["a".to_owned(), "b".to_owned()].into_iter().collect(),
        status,
        device: Some(device),
        lines: vec![
            v2::Line {
                quantity: 3,
                sku: "x-1".into(),
                discount: None,
            },
            v2::Line {
                quantity: u64::from(u32::MAX),
                sku: "y-2".into(),
                discount: None,
            },
        ],
        totals: [
            ("eu".to_owned(), -7),
            ("us".to_owned(), i64::from(i32::MAX)),
        ]
        .into_iter()
        .collect(),
        placed: placed(),
        code: [1, 2, 3, 255],
        pair: (9, Some("p".into())),
        window: [7, u64::from(u32::MAX)],
        retries: 0,
    }
}

fn kryo() -> Generated {
    Generated::new(Kryo::new(Registry::new())).unwrap()
}

/// Writes `old` with `codec` and reads it back as `New` through a migration built from the
/// codec's snapshots of both types.
fn migrated<C: RecordCodec, Old: Encode, New: Decode>(codec: &C, old: &Old) -> Result<New, String> {
    let bytes = codec.to_vec(old).map_err(|e| e.to_string())?;
    let migration = Migration::<New>::new(&codec.snapshot::<Old>(), &codec.snapshot::<New>())
        .map_err(|e| e.to_string())?;
    codec
        .decode_by(&bytes, &migration)
        .map_err(|e| e.to_string())
}

/// Runs `check` with each generated-code format.
macro_rules! each_format {
    (|$codec:ident| $check:expr) => {{
        {
            let $codec = Pojo::default();
            $check
        }
        {
            let $codec = Compact::default();
            $check
        }
        {
            let $codec = kryo();
            $check
        }
    }};
}

#[test]
fn every_migration_the_check_allows_gives_todays_value_in_each_format() {
    let cases = [
        (
            old_order(v1::Status::Active, v1::Device::Android),
            new_order(v2::Status::Active, v2::Device::Android),
        ),
        // Paused was removed: it reads as the default variant.
        (
            old_order(v1::Status::Paused, v1::Device::Ios { version: 17 }),
            new_order(v2::Status::Active, v2::Device::Ios { version: 17 }),
        ),
        // A variant's removed field is read and dropped.
        (
            old_order(
                v1::Status::Closed,
                v1::Device::Web {
                    agent: "ff".into(),
                    legacy: true,
                },
            ),
            new_order(v2::Status::Closed, v2::Device::Web { agent: "ff".into() }),
        ),
    ];
    for (old, expected) in &cases {
        assert_eq!(&upgrade(old), expected, "the hand-written upgrade");
        each_format!(|codec| {
            let got: v2::Order = migrated(&codec, old).unwrap();
            assert_eq!(&got, expected, "{}", C::name(&codec));
        });
    }
}

/// The name of a codec, for messages.
trait C {
    fn name(&self) -> &'static str;
}
impl<T: RecordCodec> C for T {
    fn name(&self) -> &'static str {
        T::NAME
    }
}

#[test]
fn avro_datums_migrate_within_the_range_avro_holds() {
    // Avro holds instants as nanoseconds in an i64: a date before 2262.
    let mut old = old_order(v1::Status::Paused, v1::Device::Ios { version: 3 });
    old.placed = "2024-02-29T12:00:00.5Z".parse().unwrap();
    let mut expected = new_order(v2::Status::Active, v2::Device::Ios { version: 3 });
    expected.placed = old.placed;
    let got: v2::Order = migrated(&Avro::default(), &old).unwrap();
    assert_eq!(got, expected);
}

fn tree(depth: u32) -> v1::Tree {
    v1::Tree {
        label: format!("n{depth}"),
        children: (0..depth.min(2)).map(|i| tree(depth - 1 - i)).collect(),
    }
}

#[test]
fn a_recursive_type_migrates_at_every_level() {
    let old = tree(6);
    each_format!(|codec| {
        let got: v2::Tree = migrated(&codec, &old).unwrap();
        assert_eq!(got, upgrade_tree(&old), "{}", C::name(&codec));
    });
}

#[test]
fn an_unchanged_type_reads_as_it_is() {
    let codec = Pojo::default();
    let migration =
        Migration::<v1::Line>::new(&codec.snapshot::<v1::Line>(), &codec.snapshot::<v1::Line>())
            .unwrap();
    assert!(!migration.converts());
    assert_eq!(migration.compatibility().outcome, Outcome::CompatibleAsIs);
    let line = v1::Line {
        sku: "s".into(),
        quantity: 1,
    };
    let bytes = codec.to_vec(&line).unwrap();
    assert_eq!(
        codec.decode_by::<v1::Line, _>(&bytes, &migration).unwrap(),
        line
    );
}

#[test]
fn kryo_sorts_by_name_so_a_rename_moves_a_field() {
    // In kryo, `id` sorted before `level`; `order_id` sorts after it: the migration reads
    // the old order, while pojo reads fields where they were.
    let codec = kryo();
    let snapshot = codec.snapshot::<v1::Order>();
    assert_eq!(snapshot.setting("field-order"), Some("sorted"));
    let migration = Migration::<v2::Order>::new(&snapshot, &codec.snapshot::<v2::Order>()).unwrap();
    assert!(migration.converts());
}

#[test]
fn refusals_say_why() {
    let codec = Pojo::default();
    // A field added without a default.
    let err = Migration::<v2_no_default::Line>::new(
        &codec.snapshot::<v1::Line>(),
        &codec.snapshot::<v2_no_default::Line>(),
    )
    .unwrap_err();
    let MigrationError::Incompatible(answer) = &err else {
        panic!("{err}");
    };
    assert_eq!(answer.outcome, Outcome::Incompatible);
    assert!(err.to_string().contains("warehouse"), "{err}");
    // Today's snapshot of another type.
    let err =
        Migration::<v2::Line>::new(&codec.snapshot::<v1::Line>(), &codec.snapshot::<v1::Line>())
            .unwrap_err();
    assert!(matches!(err, MigrationError::NotThisType { .. }), "{err}");
    // Another format's snapshot.
    let err = Migration::<v2::Line>::new(
        &Compact::default().snapshot::<v1::Line>(),
        &codec.snapshot::<v2::Line>(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("compact"), "{err}");
    // A generic field that did not change reads as its own type reads it, while the
    // fields around it migrate.
    let old = generic::Old {
        id: 7,
        extra: vec![1, 2, 3],
    };
    each_format!(|codec| {
        let got: generic::new::Old = migrated(&codec, &old).unwrap();
        assert_eq!(
            got,
            generic::new::Old {
                id: 7,
                extra: vec![1, 2, 3]
            }
        );
    });
}

#[test]
fn a_snapshot_survives_its_bytes() {
    // What a job stores is the snapshot's bytes; the migration is built from them.
    let codec = Compact::default();
    let stored = codec.snapshot::<v1::Tree>().to_bytes();
    let old = typeinfo::snapshot::Snapshot::from_bytes(&stored).unwrap();
    let migration = Migration::<v2::Tree>::new(&old, &codec.snapshot::<v2::Tree>()).unwrap();
    let bytes = codec.to_vec(&tree(3)).unwrap();
    assert_eq!(
        codec.decode_by::<v2::Tree, _>(&bytes, &migration).unwrap(),
        upgrade_tree(&tree(3))
    );
}

#[test]
fn truncated_and_trailing_old_bytes_are_errors() {
    let old = old_order(v1::Status::Closed, v1::Device::Android);
    each_format!(|codec| {
        let bytes = codec.to_vec(&old).unwrap();
        let migration = Migration::<v2::Order>::new(
            &codec.snapshot::<v1::Order>(),
            &codec.snapshot::<v2::Order>(),
        )
        .unwrap();
        for cut in 0..bytes.len() {
            assert!(
                codec
                    .decode_by::<v2::Order, _>(&bytes[..cut], &migration)
                    .is_err(),
                "{} cut at {cut}",
                C::name(&codec)
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(
            codec
                .decode_by::<v2::Order, _>(&longer, &migration)
                .is_err()
        );
    });
}

#[test]
fn a_dropped_string_is_read_past_but_still_checked() {
    let old = dropped_text::Old {
        id: 7,
        note: "caf\u{e9}".into(),
        tags: vec!["\u{e9}t\u{e9}".into(), String::new()],
        blob: Some(vec![1, 2, 3]),
    };
    let mut corrupted = 0;
    each_format!(|codec| {
        let read: dropped_text::new::Old = migrated(&codec, &old).unwrap();
        assert_eq!(read, dropped_text::new::Old { id: 7 });
        let migration = Migration::<dropped_text::new::Old>::new(
            &codec.snapshot::<dropped_text::Old>(),
            &codec.snapshot::<dropped_text::new::Old>(),
        )
        .unwrap();
        let bytes = codec.to_vec(&old).unwrap();
        // Each `é` (C3 A9) in turn made invalid UTF-8: the note, then a tag.
        for at in bytes
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w == &[0xc3, 0xa9])
            .map(|(i, _)| i)
        {
            let mut bad = bytes.clone();
            bad[at] = 0xff;
            let read = codec.decode_by::<dropped_text::new::Old, _>(&bad, &migration);
            assert!(
                read.is_err(),
                "{}: invalid UTF-8 at {at} read as {read:?}",
                C::name(&codec)
            );
            corrupted += 1;
        }
    });
    // pojo and compact write strings as UTF-8 bytes: three `é` each.
    assert!(corrupted >= 6, "only {corrupted} strings corrupted");
}

#[test]
fn a_hostile_recursion_stops_at_the_depth_limit() {
    // A chain deeper than the limit, written by a writer without one.
    let mut deep = v1::Tree {
        label: String::new(),
        children: Vec::new(),
    };
    for _ in 0..200 {
        deep = v1::Tree {
            label: String::new(),
            children: vec![deep],
        };
    }
    let unbounded = typeinfo::Limits {
        max_depth: 1_000,
        ..Default::default()
    };
    let bytes = Pojo::new(unbounded).to_vec(&deep).unwrap();
    let codec = Pojo::default();
    let migration =
        Migration::<v2::Tree>::new(&codec.snapshot::<v1::Tree>(), &codec.snapshot::<v2::Tree>())
            .unwrap();
    let err = codec
        .decode_by::<v2::Tree, _>(&bytes, &migration)
        .unwrap_err();
    assert!(
        matches!(err.cause(), typeinfo::DecodeError::DepthLimit { .. }),
        "{err}"
    );
    drop(deep_drop(deep));
}

/// Drops a deep tree without deep recursion.
fn deep_drop(mut tree: v1::Tree) -> v1::Tree {
    while let Some(child) = tree.children.pop() {
        tree = child;
    }
    tree
}

prop_compose! {
    /// Any v1 order: every variant, empty and full collections, instants over chrono's
    /// years 1 to 9999.
    fn any_order()(
        (id, level) in (any::<u64>(), any::<u16>()),
        price in any::<f32>().prop_filter("NaN is not equal to itself", |p| !p.is_nan()),
        note in ".{0,8}",
        tags in proptest::collection::vec("[a-z]{0,4}", 0..4),
        status in 0..3u8,
        device in (0..3u8, any::<u16>(), ".{0,6}", any::<bool>()),
        lines in proptest::collection::vec(("[a-z]{0,8}", any::<u32>()), 0..4),
        totals in proptest::collection::btree_map("[a-z]{0,3}", any::<i32>(), 0..4),
        (secs, nanos) in (-62_135_596_800i64..253_402_300_799, 0u32..1_000_000_000),
        (code, pair, window) in (any::<[u8; 4]>(), (any::<u8>(), ".{0,4}"), any::<[u32; 2]>()),
    ) -> v1::Order {
        v1::Order {
            id,
            level,
            price,
            note,
            tags,
            status: [v1::Status::Active, v1::Status::Paused, v1::Status::Closed][status as usize].clone(),
            device: match device {
                (0, ..) => v1::Device::Android,
                (1, version, ..) => v1::Device::Ios { version },
                (_, _, agent, legacy) => v1::Device::Web { agent, legacy },
            },
            lines: lines.into_iter().map(|(sku, quantity)| v1::Line { sku, quantity }).collect(),
            totals,
            placed: chrono::DateTime::from_timestamp(secs, nanos).expect("in chrono's range"),
            code,
            pair,
            window,
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_and_never_read_past_the_input(
        bytes in proptest::collection::vec(any::<u8>(), 0..200)
    ) {
        each_format!(|codec| {
            let migration = Migration::<v2::Order>::new(
                &codec.snapshot::<v1::Order>(),
                &codec.snapshot::<v2::Order>(),
            )
            .unwrap();
            let _ = codec.decode_by::<v2::Order, _>(&bytes, &migration);
        });
    }

    #[test]
    fn migrated_values_are_the_old_values_upgraded(old in any_order()) {
        let expected = upgrade(&old);
        each_format!(|codec| {
            let got: v2::Order = migrated(&codec, &old).unwrap();
            prop_assert_eq!(&got, &expected);
        });
    }
}

#[test]
fn a_kryo_registration_change_names_the_class_and_asks_for_the_old_registrations() {
    let with_id = |id| {
        let mut registry = Registry::new();
        registry.register_name("Line", id).unwrap();
        Generated::new(Kryo::new(registry)).unwrap()
    };
    let answer = typeinfo::snapshot::Compatibility::check(
        &with_id(10).snapshot::<v1::Line>(),
        &with_id(12).snapshot::<v1::Line>(),
    );
    assert_eq!(
        answer.outcome,
        Outcome::CompatibleWithReconfiguredSerializer,
        "{answer}"
    );
    assert!(
        answer
            .to_string()
            .contains("kryo setting `registration Line` changed `10` → `12`"),
        "{answer}"
    );
}
