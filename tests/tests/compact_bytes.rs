//! The compact wire format pinned byte for byte (the examples of docs/formats/compact.md).

use std::fmt::Debug;
use typeinfo::prelude::*;
use typeinfo_serializers::compact;
use typeinfo_tests::types::*;

/// Encodes `value`, compares with `expected`, and decodes `expected` back to `value`.
fn test_one<T: Encode + Decode + PartialEq + Debug>(value: T, expected: &[u8]) {
    typeinfo_tests::pinned(&compact::Compact::default(), value, expected);
}

#[test]
fn integers_are_varints() {
    test_one(7u8, &[7]);
    test_one(-1i8, &[0xff]);
    test_one(300u16, &[0xac, 0x02]);
    test_one(0u64, &[0]);
    test_one(
        u64::MAX,
        &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    );
    test_one(-1i32, &[0x01]);
    test_one(1i32, &[0x02]);
    test_one(
        i64::MIN,
        &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    );
    test_one('é', &[0xe9, 0x01]);
}

#[test]
fn floats_stay_fixed_width() {
    test_one(1.5f64, &[0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
    test_one(-0.0f32, &[0, 0, 0, 0x80]);
}

#[test]
fn strings_and_sequences() {
    test_one("hé".to_owned(), &[3, b'h', 0xc3, 0xa9]);
    test_one(vec![1u32, 300], &[2, 1, 0xac, 0x02]);
    test_one([1u8, 2, 3], &[1, 2, 3]);
}

/// Flags share bytes: eight to a byte, low bit first, the byte placed where the first of
/// its flags falls.
#[test]
fn flags_are_packed() {
    test_one(true, &[1]);
    test_one(Some(5u8), &[1, 5]);
    test_one(None::<u8>, &[0]);
    test_one((true, false, true), &[0b101]);
    test_one((Some(true), 9u8, Some(false)), &[0b0111, 9]);
    let nine = [true; 9];
    test_one(nine, &[0xff, 0x01]);
    test_one(vec![Some(1u8), None, Some(3)], &[3, 0b101, 1, 3]);
}

#[test]
fn structs_and_enums() {
    test_one(
        Shape::Rect {
            width: 1,
            height: 300,
        },
        &[2, 1, 0xac, 0x02],
    );
    test_one(Tuple(1, "x".to_owned()), &[1, 1, b'x']);
    test_one(
        Tree {
            value: -1,
            children: vec![],
            next: Some(Box::new(Tree {
                value: 2,
                children: vec![],
                next: None,
            })),
        },
        &[0x01, 0x00, 0b01, 0x04, 0x00],
    );
}

/// The worked example of the spec (the same record as pojo's: 21 bytes there).
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
            0xac, 0x02, // user_id = 300
            0x03, b'a', b'd', b'a', // name
            0b01, // flags: admin = true (bit 0), referrer present = false (bit 1)
            0x02, 0x07, 0x84, 0x02, // scores: 2 items, 7, 260
        ],
    );
}

/// Bytes that are not the one encoding of their value are refused, so decoding is
/// injective: unused flag bits, overlong varints, varints past their type.
#[test]
fn non_canonical_encodings_are_refused() {
    use typeinfo::DecodeError;
    assert_eq!(
        compact::from_slice::<bool>(&[0b11]),
        Err(DecodeError::InvalidTag {
            type_name: "unused flag bits",
            tag: 0b10
        })
    );
    assert_eq!(
        compact::from_slice::<u32>(&[0x80, 0x00]),
        Err(DecodeError::InvalidVarint { type_name: "u32" })
    );
    assert_eq!(
        compact::from_slice::<u16>(&[0xff, 0xff, 0x04]),
        Err(DecodeError::InvalidVarint { type_name: "u16" })
    );
    assert_eq!(
        compact::from_slice::<Vec<u8>>(&[
            0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01
        ]),
        Err(DecodeError::InvalidVarint {
            type_name: "length"
        })
    );
    assert_eq!(
        compact::from_slice::<Shape>(&[4]),
        Err(DecodeError::InvalidTag {
            type_name: "Shape",
            tag: 4
        })
    );
}

/// Records of floats and bytes only are their memory in compact too, so slices and arrays
/// of them are copied whole; the bytes are those of writing them value by value.
#[test]
fn float_and_byte_records_are_their_memory() {
    #[derive(TypeInfo, Debug, PartialEq, Clone, Copy)]
    #[repr(C)]
    struct Vertex {
        at: [f32; 2],
        tag: u8,
        flags: [i8; 3],
    }
    let vertex = |x: f32, tag: u8| Vertex {
        at: [x, -x],
        tag,
        flags: [-1, 0, 1],
    };
    assert_eq!(<Vertex as Encode>::RAW.uniform_size(), Some(12));
    assert_eq!(<Vertex as Decode>::RAW.uniform_size(), Some(12));
    let by_value = |v: &Vertex| {
        let mut bytes = [v.at[0].to_le_bytes(), v.at[1].to_le_bytes()].concat();
        bytes.push(v.tag);
        bytes.extend(v.flags.map(|f| f as u8));
        bytes
    };
    let vertices = vec![vertex(1.5, 7), vertex(-2.0, 200)];
    let mut expected = vec![2];
    vertices.iter().for_each(|v| expected.extend(by_value(v)));
    test_one(vertices, &expected);
    let pair = [vertex(0.25, 1), vertex(8.0, 2)];
    test_one(pair, &[by_value(&pair[0]), by_value(&pair[1])].concat());
    // A cut vector is an error, and its length claim allocates nothing before the check.
    assert!(compact::from_slice::<Vec<Vertex>>(&expected[..expected.len() - 1]).is_err());
    assert!(compact::from_slice::<Vec<Vertex>>(&[0xff, 0xff, 0xff, 0x7f]).is_err());
}

/// Wider integers, bools and chars are varints and flags in compact: raw in pojo, but not
/// uniform, so compact writes them value by value.
#[test]
fn records_with_integers_are_not_copied() {
    #[derive(TypeInfo, Debug, PartialEq)]
    #[repr(C)]
    struct Sample {
        value: f32,
        count: u32,
    }
    assert_eq!(<Sample as Encode>::RAW.size(), Some(8));
    assert_eq!(<Sample as Encode>::RAW.uniform_size(), None);
    for not_uniform in [
        <u16 as Encode>::RAW,
        <i64 as Encode>::RAW,
        <bool as Encode>::RAW,
        <char as Encode>::RAW,
        <[u32; 2] as Encode>::RAW,
        <(f32, u32) as Encode>::RAW,
    ] {
        assert!(not_uniform.size().is_some() && not_uniform.uniform_size().is_none());
    }
    test_one(
        vec![Sample {
            value: 1.0,
            count: 300,
        }],
        &[1, 0, 0, 0x80, 0x3f, 0xac, 0x02],
    );
}
