//! Descriptors: what `TypeInfo` says about a type, and how it prints.

use typeinfo::info::{CollectionKind, DefaultSource, ListKind, StructStyle};
use typeinfo::prelude::*;
use typeinfo::{RawLayout, TypeInfo as Info};
use typeinfo_tests::types::*;

#[test]
fn std_types_are_described() {
    assert!(matches!(Vec::<u8>::type_info(), Info::Bytes));
    assert!(matches!(Box::<[u8]>::type_info(), Info::Bytes));
    assert!(matches!(
        Vec::<u16>::type_info(),
        Info::List(ListKind::Vec, _)
    ));
    // Every list of bytes encodes as one byte string, a deque too.
    assert!(matches!(
        std::collections::VecDeque::<u8>::type_info(),
        Info::Bytes
    ));
    assert!(
        matches!(Box::<u32>::type_info(), Info::U32),
        "Box is transparent"
    );
    assert!(matches!(<[u8; 4]>::type_info(), Info::Array(4, _)));
    assert!(matches!(
        std::collections::HashMap::<String, u8>::type_info(),
        Info::Map(CollectionKind::Hash, _, _)
    ));
    assert!(matches!(<(u8, String)>::type_info(), Info::Tuple(items) if items.len() == 2));
}

#[test]
fn attributes_shape_the_descriptor() {
    let Info::Struct(s) = Attributes::type_info() else {
        panic!("a struct")
    };
    assert_eq!(s.name.name, "Renamed");
    assert_eq!(s.name.full_name(), "typeinfo_tests::types::Attributes");
    assert_eq!(s.name.module_path, "typeinfo_tests::types");
    assert_eq!(s.style, StructStyle::Named);
    let names: Vec<_> = s.fields.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        ["id", "added_later", "payload", "shape"],
        "skipped fields are absent"
    );
    let default = s.fields[1].default.expect("added_later has a default");
    assert_eq!(default.source, DefaultSource::DefaultTrait);
    let recorded = (default.value)().expect("an Option<String> default records");
    assert_eq!(
        recorded,
        typeinfo::codec::Tape::record(&None::<String>).unwrap()
    );
    assert!(matches!(s.fields[2].type_info(), Info::Generic(_)));
}

#[test]
fn generic_types_get_one_descriptor_per_instantiation() {
    let a = Pair::<u8, String>::type_info();
    let b = Pair::<u16, String>::type_info();
    assert!(!a.same_type(b));
    assert!(a.same_type(Pair::<u8, String>::type_info()));
    let Info::Struct(s) = a else { panic!() };
    assert_eq!(
        s.name.full_name(),
        "typeinfo_tests::types::Pair<u8, alloc::string::String>"
    );
}

#[test]
fn recursive_types_print_and_walk_finitely() {
    assert_eq!(
        Tree::type_info().to_string(),
        "Tree {\n    value: i32,\n    children: Vec<Tree>,\n    next: Option<Tree>,\n}"
    );
    assert!(Tree::type_info().generic_fields().is_empty());
    assert_eq!(
        Shape::type_info().to_string(),
        "enum Shape {\n    Empty,\n    Circle(f64),\n    Rect {\n        width: u32,\n        height: u32,\n    },\n    Labeled(String, Shape),\n}"
    );
}

/// Raw layouts are proven at compile time: a padded or reordered struct is never raw.
#[test]
fn raw_layouts() {
    #[derive(TypeInfo)]
    struct Vector3 {
        x: f32,
        y: f32,
        z: f32,
    }
    #[derive(TypeInfo)]
    struct Padded {
        a: u8,
        b: u32,
    }
    #[derive(TypeInfo)]
    struct WithBool {
        flag: bool,
        n: u8,
    }
    assert_eq!(<Vector3 as Encode>::RAW.size(), Some(12));
    assert_eq!(<Vector3 as Decode>::RAW.size(), Some(12));
    assert_eq!(<Padded as Encode>::RAW, RawLayout::NONE);
    assert_eq!(
        <WithBool as Encode>::RAW.size(),
        Some(2),
        "bool is raw to write"
    );
    assert_eq!(
        <WithBool as Decode>::RAW,
        RawLayout::NONE,
        "not every byte is a bool"
    );
    assert_eq!(<Attributes as Encode>::RAW, RawLayout::NONE);
}

/// `#[typeinfo(crate = "...")]` points generated code at the runtime crate under another
/// name, as a crate that re-exports typeinfo needs.
mod renamed_runtime {
    use typeinfo as runtime;

    #[derive(runtime::TypeInfo, Debug, PartialEq)]
    #[typeinfo(crate = "runtime")]
    pub struct Renamed {
        pub id: u32,
    }

    #[test]
    fn derive_uses_the_given_crate_path() {
        use runtime::HasTypeInfo;
        let bytes = typeinfo_serializers::pojo::to_vec(&Renamed { id: 5 }).unwrap();
        assert_eq!(
            typeinfo_serializers::pojo::from_slice::<Renamed>(&bytes).unwrap(),
            Renamed { id: 5 }
        );
        assert_eq!(Renamed::type_info().kind_name(), "Renamed");
    }
}

/// An application type with serde's names on it and nothing of typeinfo's but the derive.
#[derive(typeinfo::TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq)]
#[serde(rename = "Order", rename_all = "camelCase")]
struct OrderRecord {
    order_id: u64,
    #[serde(rename = "customer")]
    customer_name: String,
    #[serde(alias = "total", alias = "sum-total")]
    amount_cents: i64,
    #[serde(skip)]
    cached: u32,
    #[serde(default)]
    note: Option<String>,
    #[typeinfo(rename = "status_code")]
    status: Status,
}

#[derive(typeinfo::TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case", rename_all_fields = "PascalCase")]
enum Status {
    Placed,
    InTransit {
        since_ms: u64,
    },
    #[serde(rename = "gone")]
    Cancelled,
}

/// Names Avro cannot take (kebab-case) stay the Rust names in schemas.
#[derive(typeinfo::TypeInfo, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Kebab {
    max_items: u32,
}

fn field_names(info: &Info) -> Vec<&'static str> {
    match info {
        Info::Struct(s) => s.fields.iter().map(|f| f.name).collect(),
        other => panic!("a struct, not {other:?}"),
    }
}

/// The derive honours serde's `rename`, `rename_all`, `rename_all_fields`, `skip`,
/// `default` and `alias`; typeinfo's own attribute wins where both speak.
#[test]
fn serde_attributes_name_the_descriptor() {
    let info = OrderRecord::type_info();
    let Info::Struct(s) = info else { panic!() };
    assert_eq!((s.name.name, s.name.wire_name), ("Order", "Order"));
    assert_eq!(
        field_names(info),
        ["orderId", "customer", "amountCents", "note", "status_code"],
        "`cached` is skipped"
    );
    let amount = &s.fields[2];
    assert_eq!(
        amount.aliases,
        ["total"],
        "an alias Avro cannot take is not kept"
    );
    assert!(
        s.fields[3].default.is_some(),
        "serde's default is the reader's default"
    );
    let Info::Enum(e) = Status::type_info() else {
        panic!()
    };
    let variants: Vec<_> = e.variants.iter().map(|v| v.name).collect();
    assert_eq!(variants, ["placed", "in_transit", "gone"]);
    assert_eq!(e.variants[1].fields[0].name, "SinceMs");
    assert_eq!(field_names(Kebab::type_info()), ["max_items"]);

    // JSON and field expressions use the same names.
    let order = OrderRecord {
        order_id: 1,
        customer_name: "Ada".into(),
        amount_cents: 250,
        cached: 0,
        note: None,
        status: Status::InTransit { since_ms: 5 },
    };
    let json = serde_json::to_value(&order).unwrap();
    for name in ["orderId", "customer", "amountCents", "note"] {
        assert!(json.get(name).is_some(), "{name} in {json}");
    }
    assert!(info.resolve("customer").is_ok());
    assert!(info.resolve("customer_name").is_err());
    assert_eq!(
        json["status"],
        serde_json::json!({"in_transit": {"SinceMs": 5}})
    );
}
