//! The serde baselines behind `RecordSerializer`: round trips, limits, hostile bytes.

use proptest::prelude::*;
use typeinfo::{DecodeError, EncodeErrorKind, Limits};
use typeinfo_serializers::baselines;
use typeinfo_tests::strategies::*;
use typeinfo_tests::the_same_serde;
use typeinfo_tests::types::{Everything, Scalars, Tree};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    /// `serde_json::Value` holds integers of at most 64 bits: json-value round trips 128-bit
    /// values in that range and refuses the others with an error, never a wrong value.
    fn scalars_round_trip(v in scalars_with(Floats::Finite)) {
        the_same_serde(&v, &["json-value"]);
        let fits = i64::try_from(v.i128).is_ok() && u64::try_from(v.u128).is_ok();
        if fits {
            the_same_serde(&v, &["bincode-serde", "msgpack", "msgpack-named", "json", "simd-json", "kryo"]);
        } else {
            let json_value = baselines::all::<Scalars>(Limits::DEFAULT).into_iter().find(|f| f.name() == "json-value").unwrap();
            let e = json_value.write_record(&v, &mut Vec::new()).unwrap_err().to_string();
            prop_assert_eq!(e, "json-value: number out of range");
        }
    }

    #[test]
    fn collections_round_trip(v in collections()) {
        the_same_serde(&v, &[]);
    }

    #[test]
    fn shapes_round_trip(v in shape_with(Floats::Finite)) {
        the_same_serde(&v, &[]);
    }

    #[test]
    fn trees_round_trip(v in tree()) {
        the_same_serde(&v, &[]);
    }

    #[test]
    fn attributes_round_trip(v in attributes_with(Floats::Finite)) {
        the_same_serde(&v, &[]);
    }

    #[test]
    fn everything_round_trip(v in everything_with(Floats::Finite, 4)) {
        the_same_serde(&v, &[]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Hostile bytes give errors, not panics, in every baseline. (Inputs this short cannot
    /// nest deep enough to exhaust the stack in bincode's serde path, which has no depth
    /// limit: see `typeinfo_serializers::baselines`.)
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        for format in baselines::all::<Everything>(Limits::DEFAULT) {
            let _ = format.read_record(&bytes);
        }
        for format in baselines::all::<Tree>(Limits::DEFAULT) {
            let _ = format.read_record(&bytes);
        }
    }
}

#[test]
fn record_size_limit_applies_both_ways() {
    let tight = Limits {
        max_record_bytes: 8,
        ..Limits::DEFAULT
    };
    let long = "a string longer than eight bytes".to_owned();
    for format in baselines::all::<String>(tight) {
        let mut out = vec![7];
        let e = format.write_record(&long, &mut out).unwrap_err();
        assert!(
            matches!(e.kind(), EncodeErrorKind::RecordTooLarge { limit: 8, .. }),
            "{}: {e}",
            format.name()
        );
        assert_eq!(
            out,
            [7],
            "{}: a refused record leaves the buffer as it was",
            format.name()
        );
        let e = format.read_record(&[b'"'; 9]).unwrap_err();
        assert_eq!(
            e,
            DecodeError::RecordTooLarge { size: 9, limit: 8 },
            "{}",
            format.name()
        );
    }
}

/// bincode 2's own decoder reserves what a length claims unless it has a limit; ours has one.
/// (Its serde path never reserves more than serde's 1 MiB cap, so it needs none.)
#[test]
fn bincode_length_claims_are_capped() {
    use typeinfo_serializers::RecordSerializer;
    // Varint 0xfc then a u32 of 200 Mi: a claim of 1.6 GB of u64s in 5 bytes.
    let claim = [0xfc, 0x00, 0x00, 0x80, 0x0c];
    let e = RecordSerializer::<Vec<u64>>::read_record(
        &baselines::Bincode::new(Limits::DEFAULT),
        &claim,
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "bincode: LimitExceeded");
}

#[test]
fn errors_name_the_format() {
    for format in baselines::all::<Tree>(Limits::DEFAULT) {
        let e = format
            .read_record(b"\xff\xff garbage")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(&format!("{}: ", format.name())), "{e}");
    }
}
