//! The pojo wire format pinned byte for byte: a format change shows up here as a diff.
//! These are the examples of `docs/formats/pojo.md`.

use std::collections::BTreeMap;
use std::fmt::Debug;
use typeinfo::prelude::*;
use typeinfo_serializers::pojo;
use typeinfo_tests::types::*;

/// Encodes `value`, compares with `expected`, and decodes `expected` back to `value`.
fn test_one<T: Encode + Decode + PartialEq + Debug>(value: T, expected: &[u8]) {
    typeinfo_tests::pinned(&pojo::Pojo::default(), value, expected);
}

#[test]
fn primitives() {
    test_one(true, &[1]);
    test_one(0x0102u16, &[0x02, 0x01]);
    test_one(-1i32, &[0xff; 4]);
    test_one(
        1u128 << 64,
        &[0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    );
    test_one(1.5f64, &[0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
    test_one('é', &[0xe9, 0, 0, 0]);
    test_one((), &[]);
}

#[test]
fn strings_and_bytes() {
    test_one("hé".to_owned(), &[3, 0, 0, 0, b'h', 0xc3, 0xa9]);
    test_one(vec![7u8, 8], &[2, 0, 0, 0, 7, 8]);
    test_one(String::new(), &[0, 0, 0, 0]);
}

#[test]
fn options_sequences_and_maps() {
    test_one(Some(5u8), &[1, 5]);
    test_one(None::<u8>, &[0]);
    test_one(vec![1u16, 2], &[2, 0, 0, 0, 1, 0, 2, 0]);
    test_one([1u8, 2, 3], &[1, 2, 3]);
    test_one((1u8, 'a'), &[1, b'a', 0, 0, 0]);
    test_one(
        BTreeMap::from([(1u8, true), (2, false)]),
        &[2, 0, 0, 0, 1, 1, 2, 0],
    );
}

#[test]
fn structs_and_enums() {
    test_one(Tuple(1, "x".to_owned()), &[1, 0, 0, 0, 1, 0, 0, 0, b'x']);
    test_one(Unit, &[]);
    test_one(Shape::Empty, &[0, 0, 0, 0]);
    test_one(
        Shape::Rect {
            width: 1,
            height: 2,
        },
        &[2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0],
    );
    test_one(
        Tree {
            value: 1,
            children: vec![],
            next: Some(Box::new(Tree {
                value: 2,
                children: vec![],
                next: None,
            })),
        },
        &[1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0],
    );
}

/// Skipped fields are absent; a generic field is its serde form in the same encoding.
#[test]
fn attributes() {
    test_one(
        Attributes {
            identifier: 9,
            cache: vec![],
            seven: 7,
            added_later: None,
            payload: Opaque::Text("x".to_owned()),
            shape: Shape::Empty,
        },
        &[
            9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, b'x', 0, 0, 0, 0,
        ],
    );
}

/// The worked example of the spec.
#[test]
fn spec_example() {
    #[derive(TypeInfo, Debug, PartialEq)]
    struct Login {
        user_id: u32,
        name: String,
        admin: bool,
        scores: Vec<u16>,
        referrer: Option<String>,
    }
    test_one(
        Login {
            user_id: 300,
            name: "ada".into(),
            admin: true,
            scores: vec![7, 260],
            referrer: None,
        },
        &[
            0x2c, 0x01, 0x00, 0x00, // user_id = 300
            0x03, 0x00, 0x00, 0x00, b'a', b'd', b'a', // name
            0x01, // admin
            0x02, 0x00, 0x00, 0x00, 0x07, 0x00, 0x04, 0x01, // scores
            0x00, // referrer: None
        ],
    );
}

/// The same bytes reach every kind of sink; a full fixed buffer is an error, not a panic.
#[test]
fn every_sink_gets_the_same_bytes() {
    use typeinfo::EncodeErrorKind;
    use typeinfo::io::{IoWriter, SliceWriter};
    let value = Shape::Labeled("ab".into(), Box::new(Shape::Circle(0.5)));
    let expected = pojo::to_vec(&value).unwrap();

    let mut buf = [0u8; 64];
    let mut slice = SliceWriter::new(&mut buf);
    pojo::Pojo::default().encode_to(&value, &mut slice).unwrap();
    let written = slice.written();
    assert_eq!(&buf[..written], &expected[..]);

    let mut io = IoWriter(std::io::Cursor::new(Vec::new()));
    pojo::Pojo::default().encode_to(&value, &mut io).unwrap();
    assert_eq!(io.0.into_inner(), expected);

    let mut small = [0u8; 5];
    let result = pojo::Pojo::default().encode_to(&value, SliceWriter::new(&mut small));
    // The variant index fits; the string's 4-byte length finds 1 byte left.
    assert_eq!(
        result.map_err(|e| e.into_kind()),
        Err(EncodeErrorKind::BufferFull {
            needed: 4,
            available: 1
        })
    );
}

/// What the derive says a value takes in pojo's fixed-width encoding, which pojo uses to
/// write slices of such values through a slot on the stack.
#[test]
fn fixed_widths_are_what_pojo_writes() {
    #[derive(TypeInfo, Debug, PartialEq, Clone, Copy)]
    enum Suit {
        Hearts,
        Spades,
    }
    #[derive(TypeInfo, Debug, PartialEq, Clone)]
    struct Card {
        rank: u8,
        suit: Suit,
        face_up: bool,
        at: [f32; 2],
        #[typeinfo(skip)]
        seen: u64,
    }
    #[derive(TypeInfo, Debug, PartialEq, Clone)]
    struct Named {
        name: String,
    }
    assert_eq!(<Suit as Encode>::FIXED_WIDTH, Some(4));
    assert_eq!(<Card as Encode>::FIXED_WIDTH, Some(1 + 4 + 1 + 8));
    assert_eq!(<Named as Encode>::FIXED_WIDTH, None);
    assert_eq!(<Option<u32> as Encode>::FIXED_WIDTH, None);
    let card = Card {
        rank: 12,
        suit: Suit::Spades,
        face_up: true,
        at: [1.0, -2.0],
        seen: 0,
    };
    let one = pojo::to_vec(&card).unwrap();
    assert_eq!(one.len(), 14);
    let many = pojo::to_vec(&vec![card.clone(), card.clone(), card]).unwrap();
    assert_eq!(many[..4], [3, 0, 0, 0]);
    assert_eq!(many[4..], [&one[..], &one[..], &one[..]].concat());
}

/// A value whose `FIXED_WIDTH` is wrong (a hand-written impl may claim anything) is still
/// written as it writes itself: the claim is checked, never trusted.
#[test]
fn a_wrong_fixed_width_changes_no_byte() {
    struct Claims<const W: usize>(u32);
    impl<const W: usize> HasTypeInfo for Claims<W> {
        const TYPE_INFO: &'static TypeInfo = &TypeInfo::U32;
    }
    impl<const W: usize> Encode for Claims<W> {
        const FIXED_WIDTH: Option<usize> = Some(W);
        fn encode<E: typeinfo::Encoder>(&self, e: &mut E) -> Result<(), typeinfo::EncodeError> {
            e.encode_u32(self.0)
        }
    }
    fn bytes<const W: usize>() -> Vec<u8> {
        pojo::to_vec(&vec![Claims::<W>(1), Claims::<W>(0x0203)]).unwrap()
    }
    let expected = [2, 0, 0, 0, 1, 0, 0, 0, 3, 2, 0, 0];
    assert_eq!(bytes::<0>(), expected);
    assert_eq!(bytes::<2>(), expected);
    assert_eq!(bytes::<4>(), expected);
    assert_eq!(bytes::<8>(), expected);
    assert_eq!(bytes::<64>(), expected);
    assert_eq!(bytes::<65>(), expected);
}
