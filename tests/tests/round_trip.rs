//! Every derived type survives every format, bit for bit, over arbitrary values.

use proptest::prelude::*;
use typeinfo_tests::strategies::*;
use typeinfo_tests::the_same;
use typeinfo_tests::types::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn scalars_round_trip(v in scalars()) {
        the_same(&v);
    }

    #[test]
    fn collections_round_trip(v in collections()) {
        the_same(&v);
    }

    #[test]
    fn shapes_round_trip(v in shape()) {
        the_same(&v);
    }

    #[test]
    fn recursive_trees_round_trip(v in tree()) {
        the_same(&v);
    }

    #[test]
    fn attributes_round_trip(v in attributes()) {
        the_same(&v);
    }

    #[test]
    fn everything_round_trips(v in everything()) {
        the_same(&v);
    }

    /// Every strict prefix of a valid encoding is refused with an error, never a panic.
    #[test]
    fn truncated_encodings_are_refused(v in everything()) {
        let bytes = typeinfo_serializers::pojo::to_vec(&v).unwrap();
        for len in 0..bytes.len() {
            prop_assert!(typeinfo_serializers::pojo::from_slice::<Everything>(&bytes[..len]).is_err());
        }
    }
}

#[test]
fn extremes_round_trip() {
    let max = Scalars {
        flag: true,
        u8: u8::MAX,
        u16: u16::MAX,
        u32: u32::MAX,
        u64: u64::MAX,
        u128: u128::MAX,
        i8: i8::MIN,
        i16: i16::MIN,
        i32: i32::MIN,
        i64: i64::MIN,
        i128: i128::MIN,
        f32: -0.0,
        f64: f64::NAN,
        ch: char::MAX,
        unit: (),
    };
    the_same(&max);
    let back: Scalars =
        typeinfo_serializers::pojo::from_slice(&typeinfo_serializers::pojo::to_vec(&max).unwrap())
            .unwrap();
    assert!(back.bits_eq(&max), "NaN and -0.0 keep their bits");
}

#[test]
fn empty_and_unit_values_round_trip() {
    the_same(&Unit);
    the_same(&Tuple(0, String::new()));
    the_same(&Shape::Empty);
    the_same(&Tree {
        value: 0,
        children: vec![],
        next: None,
    });
    the_same(&Vec::<Unit>::new());
    the_same(&Pair {
        first: (),
        second: Option::<Vec<String>>::None,
    });
}

/// A recursive value as deep as the default depth limit allows still round trips.
#[test]
fn deep_recursion_within_the_limit_round_trips() {
    let mut tree = Tree {
        value: 0,
        children: vec![],
        next: None,
    };
    for value in 1..128 {
        tree = Tree {
            value,
            children: vec![],
            next: Some(Box::new(tree)),
        };
    }
    the_same(&tree);
}
