//! The table of type changes: each pair of an old and a new type with the outcome the check
//! gives, a piece of text each expected reason contains, and, where the new type reads the
//! old bytes, an old value and the value it must read as. Every pair runs in pojo, compact
//! and kryo (whose sorted field order gives some pairs another outcome, stated with them).

use typeinfo::prelude::*;
use typeinfo::snapshot::{Compatibility, Migration, MigrationError, Outcome};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;

use Outcome::{
    CompatibleAfterMigration as Migrated, CompatibleAsIs as AsIs, Incompatible as Refused,
};

/// A default of the table's `default = "..."` fields.
pub fn seven() -> u32 {
    7
}

/// One pair, run in one format.
struct Case {
    name: &'static str,
    run: fn(),
}

/// Checks a pair in `codec`: the outcome and reasons, then the value (or the refusal).
fn check<C: RecordCodec, Old: Encode + Decode, New: Decode + PartialEq + core::fmt::Debug>(
    codec: &C,
    outcome: Outcome,
    reasons: &[&str],
    value: Option<(Old, New)>,
) {
    let (old, new) = (codec.snapshot::<Old>(), codec.snapshot::<New>());
    let answer = Compatibility::check(&old, &new);
    assert_eq!(answer.outcome, outcome, "{}: {answer}", C::NAME);
    for want in reasons {
        assert!(
            answer.reasons.iter().any(|r| r.to_string().contains(want)),
            "{}: no reason says {want:?}: {answer}",
            C::NAME
        );
    }
    let migration = Migration::<New>::new(&old, &new);
    match (value, migration) {
        (Some((value, expected)), Ok(migration)) => {
            assert_eq!(migration.converts(), outcome == Migrated, "{}", C::NAME);
            let bytes = codec.to_vec(&value).unwrap();
            let got = codec
                .decode_by::<New, _>(&bytes, &migration)
                .unwrap_or_else(|e| panic!("{}: {e}", C::NAME));
            assert_eq!(got, expected, "{}", C::NAME);
        }
        (None, Err(MigrationError::Incompatible(_))) => assert_eq!(outcome, Refused),
        (value, migration) => panic!(
            "{}: expected a value {}, the migration is {migration:?}",
            C::NAME,
            value.is_some()
        ),
    }
}

/// `pairs! { name { old items } { new items } value => expected, Outcome [/ kryo Outcome],
/// ["reason", ..]; .. }`: each pair gets a module with `old` and `new` modules (the items
/// there, `Rec` the record) and a [`Case`]; `!` instead of a value marks a refused pair.
macro_rules! pairs {
    ($(
        $name:ident { $($old:item)* } { $($new:item)* }
        $($value:expr => $expected:expr)? $(, ! $refused:tt)?,
        $outcome:ident $(/ kryo $kryo:ident)?,
        [$($reason:literal),* $(,)?];
    )*) => {
        $(
            #[allow(dead_code)]
            mod $name {
                pub mod old {
                    use typeinfo::TypeInfo;
                    $($old)*
                }
                pub mod new {
                    use typeinfo::TypeInfo;
                    $($new)*
                }
            }
        )*

        fn cases() -> Vec<Case> {
            vec![$(
                Case {
                    name: stringify!($name),
                    run: || {
                        use $name::{new, old};
                        let reasons: &[&str] = &[$($reason),*];
                        let value: Option<(old::Rec, new::Rec)> = None $(.or(Some(($value, $expected))))?;
                        $(let _ = stringify!($refused);)?
                        let pojo_outcome = $outcome;
                        let outcome = |name: &str| {
                            let _ = name;
                            $(if name == "kryo" { return $kryo; })?
                            pojo_outcome
                        };
                        check(&Pojo::default(), outcome("pojo"), reasons, value.clone());
                        check(&Compact::default(), outcome("compact"), reasons, value.clone());
                        let kryo = Generated::new(Kryo::new(Registry::new())).unwrap();
                        check(&kryo, outcome("kryo"), reasons, value);
                    },
                },
            )*]
        }
    };
}

pairs! {
    unchanged
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32, pub b: String } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32, pub b: String } }
        old::Rec { a: 1, b: "x".into() } => new::Rec { a: 1, b: "x".into() },
        AsIs, [];
    field_added_with_default
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32, #[typeinfo(default)] pub b: String } }
        old::Rec { a: 1 } => new::Rec { a: 1, b: String::new() },
        Migrated, ["field `b` added, reads its default"];
    field_added_with_a_default_function
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { #[typeinfo(default = "crate::seven")] pub n: u32, pub a: u32 } }
        old::Rec { a: 1 } => new::Rec { n: 7, a: 1 },
        Migrated, ["field `n` added, reads its default `7`"];
    field_added_without_default
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32, pub b: String } }
        , !refused,
        Refused, ["field `b` added without a default"];
    field_removed
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32, pub gone: Vec<String>, pub b: u8 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32, pub b: u8 } }
        old::Rec { a: 1, gone: vec!["x".into()], b: 2 } => new::Rec { a: 1, b: 2 },
        Migrated, ["field `gone` removed"];
    last_field_removed
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32, pub gone: Option<u64> } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32 } }
        old::Rec { a: 1, gone: Some(9) } => new::Rec { a: 1 },
        Migrated, ["field `gone` removed"];
    fields_reordered
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32, pub b: String, pub c: bool } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub c: bool, pub a: u32, pub b: String } }
        old::Rec { a: 1, b: "x".into(), c: true } => new::Rec { c: true, a: 1, b: "x".into() },
        Migrated / kryo AsIs, [];
    field_renamed_with_alias
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u32, pub b: u8 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { #[typeinfo(alias = "a")] pub z: u32, pub b: u8 } }
        old::Rec { a: 5, b: 1 } => new::Rec { z: 5, b: 1 },
        AsIs / kryo Migrated, ["field `a` renamed to `z` (alias)"];
    field_renamed_without_alias
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub id: u32 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub key: u32 } }
        , !refused,
        Refused, ["field `key` added without a default"];
    u8_to_u64
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u8 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u64 } }
        old::Rec { v: 255 } => new::Rec { v: 255 },
        Migrated, ["u8 → u64: migration by widening"];
    i16_to_i128
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: i16 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: i128 } }
        old::Rec { v: -32_768 } => new::Rec { v: -32_768 },
        Migrated, ["i16 → i128"];
    u32_to_i64
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u32 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: i64 } }
        old::Rec { v: u32::MAX } => new::Rec { v: i64::from(u32::MAX) },
        Migrated, ["u32 → i64"];
    u64_to_u128
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u64 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u128 } }
        old::Rec { v: u64::MAX } => new::Rec { v: u128::from(u64::MAX) },
        Migrated, ["u64 → u128"];
    f32_to_f64
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: f32 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: f64 } }
        old::Rec { v: 0.1 } => new::Rec { v: f64::from(0.1f32) },
        Migrated, ["f32 → f64"];
    narrowing_u64_to_u32
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u64 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u32 } }
        , !refused,
        Refused, ["narrowing"];
    signed_to_unsigned
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: i32 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u64 } }
        , !refused,
        Refused, ["i32 → u64"];
    f64_to_f32
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: f64 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: f32 } }
        , !refused,
        Refused, ["lose precision"];
    int_to_string
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u32 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: String } }
        , !refused,
        Refused, ["u32 → String"];
    value_to_option
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: String } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: Option<String> } }
        old::Rec { v: "x".into() } => new::Rec { v: Some("x".into()) },
        Migrated, ["reads as `Some`"];
    value_to_option_widened
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u16 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: Option<u32> } }
        old::Rec { v: 9 } => new::Rec { v: Some(9) },
        Migrated, ["reads as `Some`", "u16 → u32"];
    option_to_value
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: Option<String> } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: String } }
        , !refused,
        Refused, ["data may hold `None`"];
    value_to_list
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: u32 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: Vec<u32> } }
        , !refused,
        Refused, ["u32 → Vec<u32>"];
    vec_to_vecdeque
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: Vec<String> } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: std::collections::VecDeque<String> } }
        old::Rec { v: vec!["a".into(), "b".into()] } => new::Rec { v: ["a".to_owned(), "b".to_owned()].into() },
        AsIs, [];
    list_elements_widened
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: Vec<i32> } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: Vec<i64> } }
        old::Rec { v: vec![-1, 2, i32::MIN] } => new::Rec { v: vec![-1, 2, i64::from(i32::MIN)] },
        Migrated, ["v[*]: i32 → i64"];
    set_kind_changed
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: std::collections::BTreeSet<u32> } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: std::collections::HashSet<u32> } }
        old::Rec { v: [3, 1, 2].into() } => new::Rec { v: [1, 2, 3].into() },
        Migrated, ["rebuilt in the new collection's order"];
    map_values_widened
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: std::collections::BTreeMap<String, u8> } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: std::collections::BTreeMap<String, u16> } }
        old::Rec { v: [("a".to_owned(), 1u8)].into() } => new::Rec { v: [("a".to_owned(), 1u16)].into() },
        Migrated, ["v{value}: u8 → u16"];
    map_keys_changed
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: std::collections::BTreeMap<u32, u8> } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: std::collections::BTreeMap<String, u8> } }
        , !refused,
        Refused, ["v{key}: u32 → String"];
    tuple_element_widened
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: (u8, String) } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: (u32, String) } }
        old::Rec { v: (7, "x".into()) } => new::Rec { v: (7, "x".into()) },
        Migrated, ["v.0: u8 → u32"];
    tuple_arity_changed
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: (u8, u8) } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: (u8, u8, u8) } }
        , !refused,
        Refused, ["arity"];
    array_elements_widened
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: [u16; 3] } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: [u64; 3] } }
        old::Rec { v: [1, 2, u16::MAX] } => new::Rec { v: [1, 2, 65_535] },
        Migrated, ["v[*]: u16 → u64"];
    array_length_changed
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: [u8; 4] } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub v: [u8; 8] } }
        , !refused,
        Refused, ["an array keeps its length"];
    nested_struct_field_added
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub inner: Inner, pub n: u8 }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Inner { pub a: u32 }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub inner: Inner, pub n: u8 }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Inner { pub a: u32, #[typeinfo(default)] pub b: bool }
        }
        old::Rec { inner: old::Inner { a: 3 }, n: 1 } => new::Rec { inner: new::Inner { a: 3, b: false }, n: 1 },
        Migrated, ["Rec.inner: field `b` added"];
    nested_in_a_list_and_an_option
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub items: Vec<Option<Item>> }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Item { pub sku: String, pub qty: u16 }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub items: Vec<Option<Item>> }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Item { pub qty: u32, pub sku: String }
        }
        old::Rec { items: vec![Some(old::Item { sku: "s".into(), qty: 2 }), None] }
            => new::Rec { items: vec![Some(new::Item { qty: 2, sku: "s".into() }), None] },
        Migrated, ["qty: u16 → u32"];
    nested_in_map_values
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub by: std::collections::BTreeMap<u8, Item> }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Item { pub gone: bool, pub qty: u16 }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub by: std::collections::BTreeMap<u8, Item> }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Item { pub qty: u16 }
        }
        old::Rec { by: [(1, old::Item { gone: true, qty: 4 })].into() } => new::Rec { by: [(1, new::Item { qty: 4 })].into() },
        Migrated, ["field `gone` removed"];
    boxed_nested
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub inner: Box<Inner> }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Inner { pub v: i8 }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub inner: Box<Inner> }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Inner { pub v: i32 }
        }
        old::Rec { inner: Box::new(old::Inner { v: -5 }) } => new::Rec { inner: Box::new(new::Inner { v: -5 }) },
        Migrated, ["i8 → i32"];
    type_renamed_with_alias
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub line: Line }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Line { pub n: u8 }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub line: Item }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] #[typeinfo(alias = "Line")] pub struct Item { pub n: u8 }
        }
        old::Rec { line: old::Line { n: 1 } } => new::Rec { line: new::Item { n: 1 } },
        AsIs / kryo Migrated, ["type `Line` renamed to `Item` (alias)"];
    type_renamed_without_alias
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub line: Line }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Line { pub n: u8 }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub line: Item }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Item { pub n: u8 }
        }
        , !refused,
        Refused, ["give it `#[typeinfo(alias = \"Line\")]`"];
    struct_became_enum
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub k: Kind }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Kind { pub n: u8 }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub k: Kind }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Kind { N(u8) }
        }
        , !refused,
        Refused, ["struct `Kind` became an enum"];
    variant_added
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub s: Status }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Status { On, Off }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub s: Status }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Status { On, Off, Paused }
        }
        old::Rec { s: old::Status::Off } => new::Rec { s: new::Status::Off },
        AsIs, ["variant `Paused` added"];
    variants_renumbered
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub s: Status }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Status { On, Off }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub s: Status }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Status { Paused, Off, On }
        }
        old::Rec { s: old::Status::On } => new::Rec { s: new::Status::On },
        Migrated, ["variants renumbered"];
    unit_variant_removed_with_default
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub s: Status }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Status { On, Lost, Off }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub s: Status }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Status { On, Off, #[typeinfo(default)] Unknown }
        }
        old::Rec { s: old::Status::Lost } => new::Rec { s: new::Status::Unknown },
        Migrated, ["variant `Lost` removed: reads as `Unknown`"];
    variant_removed_without_default
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub s: Status }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Status { On, Lost }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub s: Status }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Status { On }
        }
        , !refused,
        Refused, ["variant `Lost` removed: incompatible"];
    variant_field_added
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub p: Pay }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Pay { Cash, Card { last4: u16 } }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub p: Pay }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Pay { Cash, Card { last4: u16, #[typeinfo(default)] brand: String } }
        }
        old::Rec { p: old::Pay::Card { last4: 42 } } => new::Rec { p: new::Pay::Card { last4: 42, brand: String::new() } },
        Migrated, ["Rec.p::Card: field `brand` added"];
    variant_field_removed_and_widened
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub p: Pay }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Pay { Cash(u8), Card { last4: u16, legacy: bool } }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub p: Pay }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Pay { Cash(u64), Card { last4: u16 } }
        }
        old::Rec { p: old::Pay::Cash(200) } => new::Rec { p: new::Pay::Cash(200) },
        Migrated, ["field `legacy` removed", "u8 → u64"];
    optional_data_enum_changed
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub p: Option<Pay> }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Pay { Cash(u8), Card { last4: u16 } }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub p: Option<Pay> }
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub enum Pay { Card { last4: u32 }, Cash(u8) }
        }
        old::Rec { p: Some(old::Pay::Card { last4: 7 }) } => new::Rec { p: Some(new::Pay::Card { last4: 7 }) },
        Migrated, ["variants renumbered", "u16 → u32"];
    recursive_type_field_added
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub label: String, pub kids: Vec<Rec> }
        }
        {
            #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub label: String, pub kids: Vec<Rec>, #[typeinfo(default)] pub depth: u8 }
        }
        old::Rec { label: "a".into(), kids: vec![old::Rec { label: "b".into(), kids: vec![] }] }
            => new::Rec { label: "a".into(), kids: vec![new::Rec { label: "b".into(), kids: vec![], depth: 0 }], depth: 0 },
        Migrated, ["field `depth` added"];
    tuple_struct_field_widened
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec(pub u8, pub String); }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec(pub u16, pub String); }
        old::Rec(1, "x".into()) => new::Rec(1, "x".into()),
        Migrated, ["u8 → u16"];
    named_to_positional
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub a: u8 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec(pub u8); }
        , !refused,
        Refused, ["named fields → positional fields"];
    date_kept_while_fields_change
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub at: chrono::NaiveDate, pub when: chrono::DateTime<chrono::Utc>, pub n: u8 } }
        { #[derive(TypeInfo, Debug, Clone, PartialEq)] pub struct Rec { pub n: u16, pub when: chrono::DateTime<chrono::Utc>, pub at: chrono::NaiveDate } }
        old::Rec { at: chrono::NaiveDate::MAX, when: chrono::DateTime::<chrono::Utc>::MIN_UTC, n: 3 }
            => new::Rec { n: 3, when: chrono::DateTime::<chrono::Utc>::MIN_UTC, at: chrono::NaiveDate::MAX },
        Migrated, ["u8 → u16"];
}

#[test]
fn every_pair_has_its_outcome_reasons_and_values_in_each_format() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} pairs", cases.len());
    for case in cases {
        let result = std::panic::catch_unwind(case.run);
        if let Err(panic) = result {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("pair `{}`: {text}", case.name);
        }
    }
}
