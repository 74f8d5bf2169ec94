//! Field expressions and typed key selection.

use std::collections::BTreeMap;
use typeinfo::prelude::*;
use typeinfo::{PathError, Step};
use typeinfo_serializers::key::{KeyError, KeySelector};

#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Device {
    os: String,
    #[typeinfo(rename = "model")]
    model_name: Option<String>,
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Event {
    name: String,
    duration_ms: u32,
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Session {
    user: u64,
    device: Option<Device>,
    events: Vec<Event>,
    location: (f64, f64),
    tags: BTreeMap<String, u32>,
}

fn session() -> Session {
    Session {
        user: 42,
        device: Some(Device {
            os: "android".into(),
            model_name: None,
        }),
        events: vec![
            Event {
                name: "open".into(),
                duration_ms: 5,
            },
            Event {
                name: "buy".into(),
                duration_ms: 9,
            },
        ],
        location: (52.5, 13.4),
        tags: BTreeMap::from([("a".into(), 1), ("b".into(), 2)]),
    }
}

#[test]
fn expressions_resolve_to_steps_and_types() {
    let info = Session::type_info();
    let path = info.resolve("device.os").unwrap();
    assert_eq!(path.steps(), [Step::Field(1), Step::Field(0)]);
    assert!(matches!(path.target(), typeinfo::TypeInfo::String));
    assert!(path.selects_many(), "device is optional");

    let path = info.resolve("events[*].name").unwrap();
    assert_eq!(path.steps(), [Step::Field(2), Step::Each, Step::Field(0)]);
    assert_eq!(
        info.resolve("location.1").unwrap().steps(),
        [Step::Field(3), Step::Field(1)]
    );
    assert!(!info.resolve("user").unwrap().selects_many());
    assert!(
        info.resolve("device.model").is_ok(),
        "renamed fields resolve by their new name"
    );
}

#[test]
fn unknown_fields_list_the_fields_that_exist() {
    let e = Session::type_info().resolve("device.oss").unwrap_err();
    assert_eq!(
        e.to_string(),
        "no field `oss` in `Device` at `device`; its fields are: os, model"
    );
    let e = Session::type_info().resolve("usr").unwrap_err();
    assert_eq!(
        e.to_string(),
        "no field `usr` in `Session` at the root; its fields are: user, device, events, location, tags"
    );
    let e = Session::type_info().resolve("location.2").unwrap_err();
    assert!(
        matches!(e, PathError::UnknownField { ref available, .. } if available == &["0", "1"]),
        "{e}"
    );
}

#[test]
fn misplaced_steps_say_why() {
    let e = Session::type_info().resolve("user.id").unwrap_err();
    assert_eq!(e.to_string(), "`u64` at `user` has no fields to select");
    let e = Session::type_info().resolve("user[*]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`[*]` needs a list, set, array or map, but `user` is `u64`"
    );
    // A field of a collection's elements: the message gives the expression to write.
    let e = Session::type_info().resolve("events.name").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`events` is a Vec: select `name` in each element with `events[*].name`"
    );
    assert!(matches!(e, PathError::FieldOfCollection { .. }));
    assert!(Session::type_info().resolve("events[*].name").is_ok());
    let e = Session::type_info().resolve("tags.x").unwrap_err();
    assert!(e.to_string().contains("with `tags[*].x`"), "{e}");
    // Inside an enum, no variant can be chosen.
    #[derive(TypeInfo)]
    #[allow(dead_code)]
    enum Payment {
        Card { last4: String },
        Cash,
    }
    #[derive(TypeInfo)]
    #[allow(dead_code)]
    struct Order {
        payment: Payment,
    }
    let e = Order::type_info().resolve("payment.last4").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`payment` is the enum `Payment`, and a field expression cannot choose one of its \
         variants, so `last4` cannot be selected; select `payment` itself"
    );
    for bad in ["", ".user", "user.", "events[0]", "events[*]name", "us-er"] {
        assert!(
            matches!(
                Session::type_info().resolve(bad),
                Err(PathError::Syntax { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn typed_keys_are_extracted() {
    let s = session();
    let os = KeySelector::<Session, String>::new("device.os").unwrap();
    assert_eq!(os.key(&s).unwrap(), Some("android".to_owned()));
    let no_device = Session {
        device: None,
        ..session()
    };
    assert_eq!(os.key(&no_device).unwrap(), None);

    let names = KeySelector::<Session, String>::new("events[*].name").unwrap();
    assert_eq!(names.keys(&s).unwrap(), ["open", "buy"]);
    assert!(matches!(
        names.key(&s),
        Err(KeyError::Ambiguous { found: 2, .. })
    ));

    let lat = KeySelector::<Session, f64>::new("location.0").unwrap();
    assert_eq!(lat.key(&s).unwrap(), Some(52.5));
    let tag_values = KeySelector::<Session, u32>::new("tags[*]").unwrap();
    assert_eq!(tag_values.keys(&s).unwrap(), [1, 2]);
    let whole = KeySelector::<Session, Option<Device>>::new("device").unwrap();
    assert_eq!(whole.key(&s).unwrap(), Some(s.device.clone()));
    let user = KeySelector::<Session, u64>::new("user").unwrap();
    let mut bytes = Vec::new();
    assert_eq!(user.key_bytes(&s, &mut bytes).unwrap(), 1);
    assert_eq!(bytes, 42u64.to_le_bytes());
}

#[test]
fn a_key_of_the_wrong_type_is_refused_up_front() {
    let e = KeySelector::<Session, u32>::new("device.os").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`device.os` selects a value of type String, not the requested u32"
    );
}

/// Equal keys must give equal bytes: a key that holds a hash-ordered collection (two equal
/// values may iterate it differently) is refused when the selector is built.
#[test]
fn keys_holding_hash_collections_are_refused_when_the_selector_is_built() {
    use std::collections::{BTreeSet, HashMap, HashSet};
    #[derive(TypeInfo, Debug, Clone, PartialEq)]
    struct Labels {
        names: HashMap<String, u32>,
    }
    #[derive(TypeInfo, Debug, Clone, PartialEq)]
    struct Job {
        id: u32,
        tags: HashSet<String>,
        sorted: BTreeSet<String>,
        labels: Option<Labels>,
    }
    let e = KeySelector::<Job, HashSet<String>>::new("tags").unwrap_err();
    assert_eq!(
        e.to_string(),
        "`tags` selects a key that holds a HashSet, whose order two equal values need not \
         share, so equal keys could give different bytes and reach different subtasks; key by \
         a field without it, or hold a BTreeMap or BTreeSet there"
    );
    // Nested inside the selected value, too.
    let e = KeySelector::<Job, Option<Labels>>::new("labels").unwrap_err();
    assert!(
        matches!(
            e,
            PathError::UnorderedKey {
                collection: "HashMap",
                ..
            }
        ),
        "{e}"
    );
    // Ordered collections and plain fields stay keys.
    assert!(KeySelector::<Job, BTreeSet<String>>::new("sorted").is_ok());
    assert!(KeySelector::<Job, u32>::new("id").is_ok());
}
