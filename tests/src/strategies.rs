//! proptest strategies for the derived test types, reaching the edges: extreme integers,
//! NaN and -0.0, non-ASCII strings, empty and nested collections, recursive values.

use crate::types::*;
use proptest::collection::{btree_map, btree_set, hash_map, hash_set, vec, vec_deque};
use proptest::prelude::*;

/// Strings mixing ASCII, multi-byte scalars and the empty string.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z]{1,8}",
        "\\PC{0,12}",
        Just("ünïcödé ✓ 𝄞".to_owned())
    ]
}

/// Which floats a strategy makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floats {
    /// Every class: NaN (with payloads), infinities, -0.0, subnormals, normals.
    Any,
    /// Finite only (with -0.0 and subnormals), for formats such as JSON that have no NaN.
    Finite,
}

pub fn f64s(floats: Floats) -> impl Strategy<Value = f64> {
    let every_class = floats == Floats::Any;
    prop_oneof![
        Just(if every_class { f64::NAN } else { 0.5 }),
        Just(-0.0),
        Just(if every_class { f64::INFINITY } else { f64::MAX }),
        Just(f64::MIN_POSITIVE / 2.0),
        any::<u64>()
            .prop_map(f64::from_bits)
            .prop_filter("finite", move |f| every_class || f.is_finite()),
        any::<f64>().prop_filter("finite", move |f| every_class || f.is_finite()),
    ]
}

pub fn f32s(floats: Floats) -> impl Strategy<Value = f32> {
    let every_class = floats == Floats::Any;
    prop_oneof![
        Just(if every_class { f32::NAN } else { 0.25 }),
        Just(-0.0f32),
        Just(if every_class {
            f32::NEG_INFINITY
        } else {
            f32::MIN
        }),
        any::<u32>()
            .prop_map(f32::from_bits)
            .prop_filter("finite", move |f| every_class || f.is_finite()),
    ]
}

pub fn scalars() -> impl Strategy<Value = Scalars> {
    scalars_with(Floats::Any)
}

prop_compose! {
    pub fn scalars_with(floats: Floats)(
        flag in any::<bool>(),
        ints in (any::<u8>(), any::<u16>(), any::<u32>(), prop_oneof![Just(u64::MAX), any::<u64>()], any::<u128>()),
        signed in (any::<i8>(), any::<i16>(), prop_oneof![Just(i32::MIN), any::<i32>()], any::<i64>(), prop_oneof![Just(i128::MIN), any::<i128>()]),
        f32 in f32s(floats),
        f64 in f64s(floats),
        ch in any::<char>(),
    ) -> Scalars {
        Scalars {
            flag, u8: ints.0, u16: ints.1, u32: ints.2, u64: ints.3, u128: ints.4,
            i8: signed.0, i16: signed.1, i32: signed.2, i64: signed.3, i128: signed.4,
            f32, f64, ch, unit: (),
        }
    }
}

/// Collections with up to `hashed` elements in each hash-based collection.
pub fn collections() -> impl Strategy<Value = Collections> {
    collections_with(4)
}

prop_compose! {
    pub fn collections_with(hashed: usize)(
        name in text(),
        bytes in vec(any::<u8>(), 0..40),
        list in vec(any::<u32>(), 0..8),
        deque in vec_deque(any::<i16>(), 0..8),
        boxed in any::<u64>(),
        boxed_slice in vec(text(), 0..4),
        array in any::<[u16; 3]>(),
        tuple in (any::<u8>(), text(), any::<Option<bool>>()),
        hash_map in hash_map(text(), any::<u32>(), 0..=hashed),
        btree_map in btree_map(any::<u32>(), vec(text(), 0..3), 0..4),
        hash_set in hash_set(any::<i64>(), 0..=hashed),
        btree_set in btree_set(text(), 0..5),
        nested in proptest::option::of(vec(proptest::option::of(vec(any::<Option<u8>>(), 0..3)), 0..3)),
    ) -> Collections {
        Collections {
            name, bytes, list, deque, boxed: Box::new(boxed), boxed_slice: boxed_slice.into_boxed_slice(),
            array, tuple, hash_map, btree_map, hash_set, btree_set, nested,
        }
    }
}

pub fn shape() -> impl Strategy<Value = Shape> {
    shape_with(Floats::Any)
}

pub fn shape_with(floats: Floats) -> impl Strategy<Value = Shape> {
    let leaf = prop_oneof![
        Just(Shape::Empty),
        f64s(floats).prop_map(Shape::Circle),
        (any::<u32>(), any::<u32>()).prop_map(|(width, height)| Shape::Rect { width, height }),
    ];
    leaf.prop_recursive(3, 8, 1, |inner| {
        (text(), inner).prop_map(|(s, shape)| Shape::Labeled(s, Box::new(shape)))
    })
}

pub fn tree() -> impl Strategy<Value = Tree> {
    let leaf = any::<i32>().prop_map(|value| Tree {
        value,
        children: Vec::new(),
        next: None,
    });
    leaf.prop_recursive(4, 24, 3, |inner| {
        (
            any::<i32>(),
            vec(inner.clone(), 0..3),
            proptest::option::of(inner),
        )
            .prop_map(|(value, children, next)| Tree {
                value,
                children,
                next: next.map(Box::new),
            })
    })
}

pub fn opaque(floats: Floats) -> impl Strategy<Value = Opaque> {
    prop_oneof![
        Just(Opaque::Nothing),
        text().prop_map(Opaque::Text),
        (vec(any::<i64>(), 0..4), f32s(floats))
            .prop_map(|(values, scale)| Opaque::Numbers { values, scale }),
    ]
}

pub fn attributes() -> impl Strategy<Value = Attributes> {
    attributes_with(Floats::Any)
}

prop_compose! {
    pub fn attributes_with(floats: Floats)(
        identifier in any::<u64>(),
        added_later in proptest::option::of(text()),
        payload in opaque(floats),
        shape in shape_with(floats),
    ) -> Attributes {
        // Skipped fields hold what decoding restores, so round trips compare equal.
        Attributes { identifier, cache: Vec::new(), seven: 7, added_later, payload, shape }
    }
}

/// Everything may hold NaN (in shapes), so its hash-based collections stay at one element
/// (see `the_same`).
pub fn everything() -> impl Strategy<Value = Everything> {
    everything_with(Floats::Any, 1)
}

prop_compose! {
    pub fn everything_with(floats: Floats, hashed: usize)(
        collections in collections_with(hashed),
        shapes in vec(shape_with(floats), 0..4),
        tree in tree(),
        pair in (text(), any::<u32>(), text()),
    ) -> Everything {
        Everything { collections, shapes, tree, pair: Pair { first: pair.0, second: Tuple(pair.1, pair.2) }, unit: Unit }
    }
}

/// Version 1 orders of [`crate::evolution`], with finite amounts (so equality holds).
pub fn old_order() -> impl Strategy<Value = crate::evolution::v1::Order> {
    use crate::evolution::v1::{Line, Order, Status};
    let status = prop_oneof![
        Just(Status::New),
        Just(Status::Paid),
        Just(Status::Lost),
        Just(Status::Shipped)
    ];
    let line = (text(), any::<i32>()).prop_map(|(sku, qty)| Line { sku, qty });
    (
        any::<i32>(),
        text(),
        f32s(Floats::Finite),
        status,
        vec(line, 0..4),
        btree_map(text(), any::<i32>(), 0..4),
        proptest::option::of(text()),
        any::<bool>(),
        any::<[u8; 4]>(),
    )
        .prop_map(
            |(id, customer, amount, status, lines, tags, note, legacy_flag, fingerprint)| Order {
                id,
                customer,
                amount,
                status,
                lines,
                tags,
                note,
                legacy_flag,
                fingerprint,
            },
        )
}
