//! The std and ecosystem field types a user's records already hold, and fields with their own
//! codec (`#[typeinfo(with = "...")]`): every one round trips in every format, and what
//! the types cannot hold is refused when read.

use bytes::{Bytes, BytesMut};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use indexmap::{IndexMap, IndexSet};
use ordered_float::{NotNan, OrderedFloat};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use std::borrow::Cow;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::marker::PhantomData;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};
use std::num::{NonZeroI16, NonZeroU64, Saturating, Wrapping};
use std::ops::{Range, RangeInclusive};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use typeinfo::{Decode, DecodeError, Encode, EncodeErrorKind, TypeInfo};
use typeinfo_serializers::{RecordCodec, RecordSerializer, avro, compact, pojo};
use typeinfo_tests::{
    kryo_configurations, kryo_generated_configurations, the_same, the_same_serde,
};
use uuid::Uuid;

/// The std types serde also knows.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
struct StdFields {
    shared: Arc<String>,
    shared_str: Arc<str>,
    counted: Rc<Vec<u8>>,
    counted_slice: Rc<[u32]>,
    cow: Cow<'static, str>,
    cow_slice: Cow<'static, [i64]>,
    boxed: Box<str>,
    non_zero: NonZeroU64,
    signed_non_zero: Option<NonZeroI16>,
    wrapping: Wrapping<i32>,
    reverse: Reverse<u16>,
    marker: PhantomData<String>,
    duration: Duration,
    at: SystemTime,
    ip: IpAddr,
    v4: Ipv4Addr,
    v6: Ipv6Addr,
    socket: SocketAddr,
    path: PathBuf,
    range: Range<u32>,
    inclusive: RangeInclusive<i8>,
    by_id: BTreeMap<u64, String>,
    counts: HashMap<i32, u8>,
}

/// The std types serde does not know.
#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct StdOnly {
    ordering: Ordering,
    saturating: Saturating<u8>,
    orderings: Vec<Ordering>,
}

/// One field of each ecosystem type.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Ecosystem {
    instant: DateTime<Utc>,
    wall_clock: NaiveDateTime,
    day: NaiveDate,
    offset_time: time::OffsetDateTime,
    utc_time: time::UtcDateTime,
    local_time: time::PrimitiveDateTime,
    date: time::Date,
    id: Uuid,
    maybe_id: Option<Uuid>,
    amount: Decimal,
    #[typeinfo(with = "typeinfo::ext::rust_decimal::Scaled::<4>")]
    price: Decimal,
    payload: Bytes,
    scratch: BytesMut,
    small: SmallVec<[u32; 4]>,
    ordered: IndexMap<String, i64>,
    tags: IndexSet<u32>,
    score: OrderedFloat<f64>,
    weight: NotNan<f32>,
    document: serde_json::Value,
}

/// Through every generated format: pojo, compact, avro, and kryo's generated code.
fn every_generated_format<T: Encode + Decode + PartialEq + Debug>(value: &T) {
    the_same(value);
    for (name, kryo) in kryo_generated_configurations() {
        let bytes = kryo
            .to_vec(value)
            .unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        let back: T =
            RecordCodec::decode(&kryo, &bytes).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_eq!(&back, value, "{name} round trip");
    }
}

/// Through every serde baseline but those in `except`, and kryo's serde path in every
/// configuration but required registration (serde names std types as classes: `Duration`).
fn every_serde_format<T>(value: &T, except: &[&str])
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + Debug + 'static,
{
    the_same_serde(value, &[except, &["kryo"]].concat());
    let kryo_configurations = match except.contains(&"kryo") {
        true => Vec::new(),
        false => kryo_configurations(),
    };
    for (name, kryo) in kryo_configurations
        .into_iter()
        .filter(|(name, _)| !name.contains("required"))
    {
        let mut bytes = Vec::new();
        RecordSerializer::write_record(&kryo, value, &mut bytes)
            .unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        let back: T = RecordSerializer::read_record(&kryo, &bytes)
            .unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_eq!(&back, value, "{name} round trip");
    }
}

fn std_fields(seed: u64, text: String, items: Vec<u32>, nanos: i64) -> StdFields {
    let at = if nanos >= 0 {
        UNIX_EPOCH + Duration::from_nanos(nanos as u64)
    } else {
        UNIX_EPOCH - Duration::from_nanos(nanos.unsigned_abs())
    };
    StdFields {
        shared: Arc::new(text.clone()),
        shared_str: Arc::from(text.as_str()),
        counted: Rc::new(text.clone().into_bytes()),
        counted_slice: Rc::from(items.clone()),
        cow: Cow::Owned(text.clone()),
        cow_slice: Cow::Owned(items.iter().map(|&i| -i64::from(i)).collect()),
        boxed: text.clone().into_boxed_str(),
        non_zero: NonZeroU64::new(seed | 1).unwrap(),
        signed_non_zero: NonZeroI16::new(seed as i16),
        wrapping: Wrapping(seed as i32),
        reverse: Reverse(seed as u16),
        marker: PhantomData,
        duration: Duration::new(seed, (seed % 1_000_000_000) as u32),
        at,
        ip: if seed.is_multiple_of(2) {
            IpAddr::V4(Ipv4Addr::from(seed as u32))
        } else {
            IpAddr::V6(Ipv6Addr::from(u128::from(seed) << 64 | 1))
        },
        v4: Ipv4Addr::new(10, 0, (seed >> 8) as u8, seed as u8),
        v6: Ipv6Addr::LOCALHOST,
        socket: if seed.is_multiple_of(3) {
            SocketAddr::from(([127, 0, 0, 1], seed as u16))
        } else {
            SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(u128::from(seed)),
                seed as u16,
                seed as u32 & 0xfffff,
                (seed >> 7) as u32,
            ))
        },
        path: PathBuf::from(format!("/var/data/{text}")),
        range: (seed as u32 / 2)..(seed as u32),
        inclusive: (seed as i8)..=i8::MAX,
        by_id: items
            .iter()
            .map(|&i| (u64::from(i), text.clone()))
            .collect(),
        counts: items.iter().map(|&i| (i as i32, i as u8)).collect(),
    }
}

fn ecosystem(seed: u64, text: String, items: Vec<u32>, nanos: i64) -> Ecosystem {
    let instant = DateTime::from_timestamp_nanos(nanos);
    let utc_time = time::UtcDateTime::from_unix_timestamp_nanos(nanos.into()).unwrap();
    let offset = time::UtcOffset::from_whole_seconds((seed % 50_000) as i32 - 25_000).unwrap();
    Ecosystem {
        instant,
        wall_clock: instant.naive_utc(),
        day: instant.date_naive(),
        offset_time: utc_time.to_offset(offset),
        utc_time,
        local_time: time::PrimitiveDateTime::new(utc_time.date(), utc_time.time()),
        date: utc_time.date(),
        id: Uuid::from_u64_pair(seed, !seed),
        maybe_id: (seed.is_multiple_of(2)).then(|| Uuid::from_u128(u128::from(seed))),
        amount: Decimal::new(seed as i64 - (1 << 40), (seed % 29) as u32),
        price: Decimal::new(seed as i64 % 1_000_000_000, (seed % 5) as u32),
        payload: Bytes::from(text.clone().into_bytes()),
        scratch: BytesMut::from(&items.len().to_le_bytes()[..]),
        small: items.iter().copied().collect(),
        ordered: items
            .iter()
            .rev()
            .map(|&i| (format!("{text}{i}"), i64::from(i)))
            .collect(),
        tags: items.iter().copied().collect(),
        score: OrderedFloat(seed as f64 / 7.0),
        weight: NotNan::new(seed as f32).unwrap(),
        document: serde_json::json!({"text": text, "items": items, "nested": {"ok": seed.is_multiple_of(2)}}),
    }
}

/// An instant anywhere in the range an `i64` of nanoseconds covers.
fn any_nanos() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        -4_000_000_000_000_000_000i64..4_000_000_000_000_000_000
    ]
}

fn inputs() -> impl Strategy<Value = (u64, String, Vec<u32>, i64)> {
    (
        any::<u64>(),
        "[a-zé0-9]{0,12}",
        prop::collection::vec(any::<u32>(), 0..6),
        any_nanos(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn std_fields_round_trip_in_every_format((seed, text, items, nanos) in inputs()) {
        let mut value = std_fields(seed, text, items, nanos);
        let nanos: i64 = nanos;
        every_generated_format(&value);
        // serde's own `SocketAddrV6` drops the flow label and scope, and its `SystemTime`
        // refuses instants before 1970 (typeinfo keeps and takes them).
        value.at = UNIX_EPOCH + Duration::from_nanos(nanos.unsigned_abs());
        if let SocketAddr::V6(v6) = &mut value.socket {
            v6.set_flowinfo(0);
            v6.set_scope_id(0);
        }
        every_serde_format(&value, &[]);
    }

    #[test]
    fn std_only_fields_round_trip_in_every_generated_format(seed in any::<u8>(), picks in prop::collection::vec(0..3usize, 0..5)) {
        let orderings = [Ordering::Less, Ordering::Equal, Ordering::Greater];
        let value = StdOnly {
            ordering: orderings[seed as usize % 3],
            saturating: Saturating(seed),
            orderings: picks.into_iter().map(|i| orderings[i]).collect(),
        };
        every_generated_format(&value);
    }

    #[test]
    fn ecosystem_fields_round_trip_in_every_format((seed, text, items, nanos) in inputs()) {
        let value = ecosystem(seed, text, items, nanos);
        every_generated_format(&value);
        // Through serde, bincode and kryo cannot read a `serde_json::Value`: it takes serde's
        // self-describing path. (Their generated code reads it, as a typed field.)
        every_serde_format(&value, &["bincode-serde", "kryo"]);
    }
}

#[test]
fn a_field_with_its_own_codec_is_described_and_written_by_it() {
    let schema = avro::schema_of::<Ecosystem>().unwrap().to_json();
    assert!(
        schema.contains(
            r#"{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":29,"scale":4}}"#
        ),
        "{schema}"
    );
    // 12.5 at scale 4 is 125000 = 0x01e848: Avro's decimal bytes after a length of 3.
    #[derive(TypeInfo, Debug, PartialEq)]
    struct Price {
        #[typeinfo(with = "typeinfo::ext::rust_decimal::Scaled::<4>")]
        amount: Decimal,
    }
    let price = Price {
        amount: Decimal::new(125, 1),
    };
    assert_eq!(avro::to_vec(&price).unwrap(), [6, 0x01, 0xe8, 0x48]);
    let back: Price = avro::from_slice(&[6, 0x01, 0xe8, 0x48]).unwrap();
    assert_eq!(back.amount, price.amount);
    assert_eq!(back.amount.scale(), 4);
    // A value with more places than the field's scale is refused, never rounded.
    let too_fine = Price {
        amount: Decimal::new(12345, 5),
    };
    assert!(matches!(
        pojo::to_vec(&too_fine).map_err(|e| e.into_kind()),
        Err(EncodeErrorKind::Unrepresentable(_))
    ));
}

/// Dates the formats could not hold: typeinfo's own formats write an instant whole
/// (seconds and nanoseconds), so every date type's whole range travels; Avro keeps its
/// `timestamp-nanos` long and refuses, by name, what that cannot hold.
#[test]
fn instants_travel_in_their_whole_range_and_avro_refuses_by_name() {
    use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
    let kryo = Generated::new(Kryo::new(Registry::new())).unwrap();
    let far = UNIX_EPOCH + Duration::new(300 * 365 * 86_400, 7);
    let before = UNIX_EPOCH - Duration::new(400 * 365 * 86_400, 3);
    let valid_until = NaiveDate::from_ymd_opt(9999, 12, 31)
        .unwrap()
        .and_hms_nano_opt(23, 59, 59, 999_999_999)
        .unwrap();
    let ancient = NaiveDate::from_ymd_opt(1500, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    for time in [far, before] {
        assert_eq!(
            pojo::from_slice::<SystemTime>(&pojo::to_vec(&time).unwrap()),
            Ok(time)
        );
        assert_eq!(
            compact::from_slice::<SystemTime>(&compact::to_vec(&time).unwrap()),
            Ok(time)
        );
        assert_eq!(
            kryo.decode::<SystemTime>(&kryo.to_vec(&time).unwrap()),
            Ok(time)
        );
    }
    for date_time in [valid_until, ancient] {
        let utc = date_time.and_utc();
        assert_eq!(pojo::from_slice(&pojo::to_vec(&utc).unwrap()), Ok(utc));
        assert_eq!(
            compact::from_slice(&compact::to_vec(&date_time).unwrap()),
            Ok(date_time)
        );
        assert_eq!(kryo.decode(&kryo.to_vec(&utc).unwrap()), Ok(utc));
    }
    // pojo: an i64 of seconds, then a u32 of nanoseconds.
    let mut expected = (-1i64).to_le_bytes().to_vec();
    expected.extend(999_999_999u32.to_le_bytes());
    let just_before = UNIX_EPOCH - Duration::from_nanos(1);
    assert_eq!(pojo::to_vec(&just_before).unwrap(), expected);
    let err = avro::to_vec(&far).unwrap_err().to_string();
    assert!(
        err.contains("SystemTime") && err.contains("2262-04-11"),
        "{err}"
    );
    let err = avro::to_vec(&valid_until.and_utc())
        .unwrap_err()
        .to_string();
    assert!(err.contains("chrono::DateTime<Utc>"), "{err}");
    // Within Avro's range the logical type is unchanged: a long of nanoseconds.
    let nanos = avro::to_vec(&just_before).unwrap();
    assert_eq!(nanos, avro::to_vec(&-1i64).unwrap());
    // Nanoseconds of a billion or more have no instant.
    let mut bad = 0i64.to_le_bytes().to_vec();
    bad.extend(1_000_000_000u32.to_le_bytes());
    assert!(matches!(
        pojo::from_slice::<SystemTime>(&bad),
        Err(DecodeError::InvalidValue(e)) if e.reason.contains("billion")
    ));
    // A date has no such limit either: a day count reaches far beyond.
    let day = NaiveDate::from_ymd_opt(-200_000, 2, 29).unwrap();
    assert_eq!(
        compact::from_slice::<NaiveDate>(&compact::to_vec(&day).unwrap()),
        Ok(day)
    );
}

/// The carrier itself is a field type too: whole in pojo, nanoseconds in Avro, refused
/// there under its own name.
#[test]
fn an_instant_is_written_whole_or_as_nanos_by_format() {
    use typeinfo::codec::epoch::Instant;
    let at = Instant { secs: -2, nanos: 5 };
    let bytes = pojo::to_vec(&at).unwrap();
    assert_eq!(bytes.len(), 12);
    assert_eq!(pojo::from_slice::<Instant>(&bytes), Ok(at));
    assert_eq!(
        avro::to_vec(&at).unwrap(),
        avro::to_vec(&-1_999_999_995i64).unwrap()
    );
    let far = Instant {
        secs: i64::MAX,
        nanos: 0,
    };
    let e = avro::to_vec(&far).unwrap_err().to_string();
    assert!(e.contains("typeinfo::codec::epoch::Instant"), "{e}");
}

#[test]
fn values_the_types_cannot_hold_are_refused_when_read() {
    fn refused<T: Decode + Debug>(bytes: &[u8], reason: &str) {
        match pojo::from_slice::<T>(bytes) {
            Err(DecodeError::InvalidValue(e)) => assert!(
                e.reason.contains(reason),
                "{} refused for {:?}",
                core::any::type_name::<T>(),
                e.reason
            ),
            other => panic!("{} read {other:?}", core::any::type_name::<T>()),
        }
    }
    refused::<NonZeroU64>(&0u64.to_le_bytes(), "zero");
    let mut duration = 1u64.to_le_bytes().to_vec();
    duration.extend(1_000_000_000u32.to_le_bytes());
    refused::<Duration>(&duration, "billion");
    refused::<NotNan<f64>>(&f64::NAN.to_le_bytes(), "NaN");
    // pojo writes a byte string as a u32 length and the bytes.
    refused::<IpAddr>(&[5, 0, 0, 0, 1, 2, 3, 4, 5], "4 or 16");
    refused::<serde_json::Value>(&[3, 0, 0, 0, b'{', b'{', b'}'], "JSON");
    refused::<Decimal>(&[3, 0, 0, 0, b'1', b'.', b'x'], "decimal");
    let ordering = pojo::from_slice::<Ordering>(&3u32.to_le_bytes());
    assert!(ordering.is_err(), "{ordering:?}");
}

#[test]
fn logical_types_have_their_avro_annotations() {
    let schema = avro::schema_of::<Ecosystem>().unwrap();
    let json = schema.to_json();
    for expected in [
        r#"{"name":"instant","type":{"type":"long","logicalType":"timestamp-nanos"}}"#,
        r#"{"name":"wall_clock","type":{"type":"long","logicalType":"local-timestamp-nanos"}}"#,
        r#"{"name":"day","type":{"type":"int","logicalType":"date"}}"#,
        r#"{"name":"id","type":{"type":"fixed","name":"uuid","namespace":"typeinfo","size":16,"logicalType":"uuid"}}"#,
        r#"{"name":"maybe_id","type":["null","typeinfo.uuid"],"default":null}"#,
        r#"{"name":"amount","type":"string"}"#,
    ] {
        assert!(json.contains(expected), "{expected} not in {json}");
    }
    // The canonical form keeps only what the wire depends on.
    let canonical = schema.canonical_form();
    assert!(!canonical.contains("logicalType"), "{canonical}");
    // Parsing the full form gives back the same schema, annotations included.
    let parsed = avro::Schema::parse(&json).unwrap();
    assert_eq!(parsed.to_json(), json);
    assert_eq!(parsed.fingerprint(), schema.fingerprint());
}

#[test]
fn std_types_have_the_descriptors_of_their_representation() {
    assert_eq!(
        <StdOnly as typeinfo::HasTypeInfo>::TYPE_INFO.to_string(),
        "StdOnly {\n    ordering: enum Ordering {\n        Less,\n        Equal,\n        Greater,\n    },\n    saturating: u8,\n    orderings: Vec<Ordering>,\n}"
    );
    let info = <SystemTime as typeinfo::HasTypeInfo>::TYPE_INFO;
    assert_eq!(info.to_string(), "SystemTime");
}

/// `a` and `b` are written as the same bytes in pojo, compact and avro.
fn same_bytes<A: typeinfo::Encode + Debug, B: typeinfo::Encode>(a: &A, b: &B) {
    use typeinfo_serializers::{RecordCodec, avro::Avro, compact::Compact, pojo::Pojo};
    let pojo = Pojo::default();
    let compact = Compact::default();
    let avro = Avro::default();
    assert_eq!(
        pojo.to_vec(a).unwrap(),
        pojo.to_vec(b).unwrap(),
        "pojo {a:?}"
    );
    assert_eq!(
        compact.to_vec(a).unwrap(),
        compact.to_vec(b).unwrap(),
        "compact {a:?}"
    );
    assert_eq!(
        avro.to_vec(a).unwrap(),
        avro.to_vec(b).unwrap(),
        "avro {a:?}"
    );
}

/// `usize` and `isize` are written as `u64` and `i64`, the same bytes in every format, and a
/// record holding them derives and round-trips like any other.
#[test]
fn pointer_sized_integers_are_written_as_64_bits() {
    #[derive(typeinfo::TypeInfo, Debug, PartialEq)]
    struct Counts {
        len: usize,
        offset: isize,
    }
    #[derive(typeinfo::TypeInfo, Debug, PartialEq)]
    struct Wide {
        len: u64,
        offset: i64,
    }
    for (len, offset) in [(0, 0), (usize::MAX, isize::MIN), (300, -300)] {
        let counts = Counts { len, offset };
        typeinfo_tests::the_same(&counts);
        let wide = Wide {
            len: len as u64,
            offset: offset as i64,
        };
        same_bytes(&counts, &wide);
    }
    assert!(matches!(
        <usize as typeinfo::HasTypeInfo>::TYPE_INFO,
        typeinfo::TypeInfo::U64
    ));
}

/// `Result<T, E>` is written as the derived `enum { Ok(T), Err(E) }` is, in every format.
#[test]
fn results_are_written_as_a_derived_enum() {
    #[derive(typeinfo::TypeInfo, Debug, PartialEq)]
    struct Counts {
        outcome: Result<u32, String>,
        nested: Vec<Result<Option<i64>, (u8, bool)>>,
    }
    #[derive(typeinfo::TypeInfo, Debug, PartialEq)]
    #[typeinfo(rename = "Result")]
    enum Mirror<T, E> {
        Ok(T),
        Err(E),
    }
    #[derive(typeinfo::TypeInfo, Debug, PartialEq)]
    #[typeinfo(rename = "Counts")]
    struct Mirrored {
        outcome: Mirror<u32, String>,
        nested: Vec<Mirror<Option<i64>, (u8, bool)>>,
    }
    let counts = Counts {
        outcome: Err("late".into()),
        nested: vec![Ok(Some(-3)), Ok(None), Err((7, true))],
    };
    let mirrored = Mirrored {
        outcome: Mirror::Err("late".into()),
        nested: vec![
            Mirror::Ok(Some(-3)),
            Mirror::Ok(None),
            Mirror::Err((7, true)),
        ],
    };
    typeinfo_tests::the_same(&counts);
    typeinfo_tests::the_same(&Counts {
        outcome: Ok(9),
        nested: vec![],
    });
    same_bytes(&counts, &mirrored);
    use typeinfo_serializers::{RecordCodec, pojo::Pojo};
    // A tag past `Err` is an error.
    let err =
        RecordCodec::decode::<Result<u8, u8>>(&Pojo::default(), &[2, 0, 0, 0, 1]).unwrap_err();
    assert!(
        matches!(err, typeinfo::DecodeError::InvalidTag { tag: 2, .. }),
        "{err}"
    );
}
