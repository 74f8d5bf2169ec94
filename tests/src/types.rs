//! Derived record types covering every field kind, used by the round-trip tests.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use typeinfo::TypeInfo;

#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Scalars {
    pub flag: bool,
    pub u8: u8,
    pub u16: u16,
    pub u32: u32,
    pub u64: u64,
    pub u128: u128,
    pub i8: i8,
    pub i16: i16,
    pub i32: i32,
    pub i64: i64,
    pub i128: i128,
    pub f32: f32,
    pub f64: f64,
    pub ch: char,
    pub unit: (),
}

/// Floats compare by bits, so NaN and -0.0 round trips are checked exactly.
impl Scalars {
    pub fn bits_eq(&self, other: &Self) -> bool {
        self.f32.to_bits() == other.f32.to_bits()
            && self.f64.to_bits() == other.f64.to_bits()
            && Scalars {
                f32: 0.0,
                f64: 0.0,
                ..self.clone()
            } == Scalars {
                f32: 0.0,
                f64: 0.0,
                ..other.clone()
            }
    }
}

#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Collections {
    pub name: String,
    pub bytes: Vec<u8>,
    pub list: Vec<u32>,
    pub deque: VecDeque<i16>,
    pub boxed: Box<u64>,
    pub boxed_slice: Box<[String]>,
    pub array: [u16; 3],
    pub tuple: (u8, String, Option<bool>),
    pub hash_map: HashMap<String, u32>,
    pub btree_map: BTreeMap<u32, Vec<String>>,
    pub hash_set: HashSet<i64>,
    pub btree_set: BTreeSet<String>,
    pub nested: Option<Vec<Option<Vec<Option<u8>>>>>,
}

#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Shape {
    Empty,
    Circle(f64),
    Rect { width: u32, height: u32 },
    Labeled(String, Box<Shape>),
}

#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Tuple(pub u32, pub String);

#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Unit;

/// A recursive type: children in a `Vec<Self>` and an `Option<Box<Self>>`.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Tree {
    pub value: i32,
    pub children: Vec<Tree>,
    pub next: Option<Box<Tree>>,
}

#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Pair<A, B> {
    pub first: A,
    pub second: B,
}

/// A type the system cannot see into: serialized through serde.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Opaque {
    Nothing,
    Text(String),
    Numbers { values: Vec<i64>, scale: f32 },
}

fn seven() -> u32 {
    7
}

#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
#[typeinfo(rename = "Renamed")]
pub struct Attributes {
    #[typeinfo(rename = "id")]
    pub identifier: u64,
    #[typeinfo(skip)]
    pub cache: Vec<u8>,
    #[typeinfo(skip, default = "seven")]
    pub seven: u32,
    #[typeinfo(default)]
    pub added_later: Option<String>,
    #[typeinfo(generic)]
    pub payload: Opaque,
    pub shape: Shape,
}

/// Every field kind together, the way a real record mixes them.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Everything {
    pub collections: Collections,
    pub shapes: Vec<Shape>,
    pub tree: Tree,
    pub pair: Pair<String, Tuple>,
    pub unit: Unit,
}
