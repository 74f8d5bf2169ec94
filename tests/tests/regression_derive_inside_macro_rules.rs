//! Regression: a type whose derive a `macro_rules!` adds, with a `#[typeinfo(generic)]`
//! field, did not compile ("cannot find value `__e` in this scope"): the derive spanned the
//! whole generic-field code at the field's type, so its locals took the call site's hygiene
//! and the rest the macro's. Only the method name carries the field type's span now.

use serde::{Deserialize, Serialize};
use typeinfo::prelude::*;
use typeinfo_serializers::{compact, kryo, pojo};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Note {
    Empty,
    Text(String),
}

/// Adds the derives to an item written at the call site, as crates do to share a derive
/// list: the derive attribute and the item's tokens come from different hygiene contexts.
macro_rules! derived {
    ($item:item) => {
        #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
        $item
    };
}

derived! {
    pub struct Declared {
        pub id: u32,
        #[typeinfo(generic)]
        pub note: Note,
        pub tags: Vec<String>,
        pub choice: Choice,
    }
}

derived! {
    pub enum Choice {
        Plain,
        Noted(#[typeinfo(generic)] Note),
        Named { id: u64 },
    }
}

fn samples() -> Vec<Declared> {
    vec![
        Declared {
            id: 7,
            note: Note::Text("from a macro".into()),
            tags: vec!["a".into(), "b".into()],
            choice: Choice::Noted(Note::Empty),
        },
        Declared {
            id: 8,
            note: Note::Empty,
            tags: Vec::new(),
            choice: Choice::Named { id: u64::MAX },
        },
    ]
}

#[test]
fn types_declared_by_macro_rules_round_trip_in_every_generated_format() {
    for value in samples() {
        let bytes = pojo::to_vec(&value).unwrap();
        assert_eq!(pojo::from_slice::<Declared>(&bytes).unwrap(), value);
        let bytes = compact::to_vec(&value).unwrap();
        assert_eq!(compact::from_slice::<Declared>(&bytes).unwrap(), value);
        let bytes = kryo::to_vec(&value).unwrap();
        assert_eq!(kryo::from_slice::<Declared>(&bytes).unwrap(), value);
    }
    assert!(Declared::type_info().to_string().contains("Declared"));
}
