//! Container bytes: every format round trips, empty and large containers included; hostile
//! bytes give an error, never a panic; writers refuse what readers refuse.

use proptest::prelude::*;
use timely::Accountable;
use timely::bytes::arc::BytesMut;
use timely::container::{DrainContainer, PushInto};
use timely::dataflow::channels::ContainerBytes;
use typeinfo::TypeInfo;
use typeinfo_serializers::SerializationConfig;
use typeinfo_serializers::config::Format;
use typeinfo_timely::{ContainerErrorKind, InstallError, Records, RecordsCodec};

#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Reading {
    sensor: String,
    at: i64,
    values: Vec<f64>,
    note: Option<String>,
    kind: Kind,
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
enum Kind {
    Gauge,
    Counter { reset: bool },
}

fn reading(i: usize) -> Reading {
    Reading {
        sensor: format!("s-{i}"),
        at: 1_700_000_000_000 + i as i64,
        values: (0..i % 5).map(|v| v as f64 * 0.5).collect(),
        note: i.is_multiple_of(3).then(|| "calibrated".to_owned()),
        kind: if i.is_multiple_of(2) {
            Kind::Gauge
        } else {
            Kind::Counter { reset: i % 4 == 1 }
        },
    }
}

fn config(format: Format) -> SerializationConfig {
    SerializationConfig::builder()
        .default_format(format)
        .build()
        .unwrap()
}

const FORMATS: [Format; 4] = [Format::Pojo, Format::Compact, Format::Kryo, Format::Avro];

fn bytes(data: Vec<u8>) -> timely::bytes::arc::Bytes {
    BytesMut::from(data).freeze()
}

#[test]
fn every_format_round_trips_containers_empty_small_and_large() {
    // One record far larger than timely's 1 MiB send buffers.
    let mut large = reading(7);
    large.sensor = "x".repeat(3 << 20);
    let cases = [
        vec![],
        vec![reading(0)],
        (0..500).map(reading).collect(),
        vec![large, reading(1)],
    ];
    for format in FORMATS {
        let codec = RecordsCodec::<Reading>::new(&config(format)).unwrap();
        assert_eq!(codec.format(), format.name());
        for records in &cases {
            let encoded = codec.encode(records).unwrap();
            assert_eq!(
                encoded.len() % 8,
                0,
                "{format}: padded to timely's alignment"
            );
            assert_eq!(&codec.decode(&encoded).unwrap(), records, "{format}");
        }
    }
}

#[test]
fn formats_have_their_own_fingerprints_and_refuse_each_others_bytes() {
    let codecs: Vec<_> = FORMATS
        .iter()
        .map(|&f| RecordsCodec::<Reading>::new(&config(f)).unwrap())
        .collect();
    for writer in &codecs {
        let encoded = writer.encode(&[reading(3)]).unwrap();
        for reader in &codecs {
            let read = reader.decode(&encoded);
            if reader.format() == writer.format() {
                assert_eq!(read.unwrap(), [reading(3)]);
                continue;
            }
            let error = read.unwrap_err();
            assert_eq!(
                error.kind,
                ContainerErrorKind::Fingerprint {
                    expected: reader.fingerprint(),
                    found: writer.fingerprint()
                }
            );
            let message = error.to_string();
            assert!(
                message.contains("every process must install the same config"),
                "{message}"
            );
            assert!(message.contains(reader.format()), "{message}");
        }
    }
}

#[test]
fn the_container_crosses_bytes_through_timelys_trait() {
    // Reading travels in the default format (pojo): nothing installed it.
    let mut records = Records::<Reading>::default();
    for i in 0..40 {
        records.push_into(reading(i));
    }
    records.push_into(&reading(40));
    let mut written = Vec::new();
    records.into_bytes(&mut written);
    assert_eq!(written.len(), records.length_in_bytes());
    let mut read = Records::<Reading>::from_bytes(bytes(written));
    assert_eq!(read.record_count(), 41);
    let drained: Vec<Reading> = read.drain().collect();
    assert_eq!(drained, (0..41).map(reading).collect::<Vec<_>>());
    assert_eq!(
        typeinfo_timely::codec::<Reading>().unwrap().format(),
        "pojo"
    );

    // A change to the records drops the bytes written for them.
    records.push(reading(41));
    let mut again = Vec::new();
    records.into_bytes(&mut again);
    assert_eq!(Records::<Reading>::from_bytes(bytes(again)).len(), 42);

    let empty = Records::<Reading>::default();
    let mut written = Vec::new();
    empty.into_bytes(&mut written);
    assert_eq!(written.len(), 16);
    assert!(Records::<Reading>::from_bytes(bytes(written)).is_empty());
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Installed {
    id: u32,
}

#[test]
fn a_type_is_installed_once_and_another_config_is_refused() {
    let compact = config(Format::Compact);
    let codec = typeinfo_timely::install::<Installed>(&compact).unwrap();
    assert_eq!(codec.format(), "compact");
    // The same choice again is fine; another is refused, naming both.
    typeinfo_timely::install::<Installed>(&compact).unwrap();
    let error = typeinfo_timely::install::<Installed>(&config(Format::Kryo)).unwrap_err();
    assert!(matches!(error, InstallError::Conflict { .. }));
    let message = error.to_string();
    assert!(
        message.contains("compact") && message.contains("kryo"),
        "{message}"
    );
    // Containers of the type now travel in compact.
    let records = Records::from(vec![Installed { id: 9 }]);
    let mut written = Vec::new();
    records.into_bytes(&mut written);
    assert_eq!(codec.decode(&written).unwrap(), [Installed { id: 9 }]);
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Limited {
    text: String,
}

#[test]
fn writers_refuse_what_readers_refuse() {
    let small = SerializationConfig::builder()
        .max_record_bytes(64)
        .build()
        .unwrap();
    let codec = RecordsCodec::<Limited>::new(&small).unwrap();
    let error = codec.encode(&[
        Limited { text: "ok".into() },
        Limited {
            text: "y".repeat(100),
        },
    ]);
    let error = error.unwrap_err();
    assert!(
        matches!(error.kind, ContainerErrorKind::Encode { index: 1, .. }),
        "{error:?}"
    );
    // A reader with the same limit refuses what a laxer writer wrote.
    let lax = RecordsCodec::<Limited>::new(&SerializationConfig::default()).unwrap();
    let written = lax
        .encode(&[Limited {
            text: "y".repeat(100),
        }])
        .unwrap();
    assert_eq!(small.limits().max_record_bytes, 64);
    assert!(codec.decode(&written).is_err());

    let few = SerializationConfig::builder()
        .max_collection_len(3)
        .build()
        .unwrap();
    let codec = RecordsCodec::<Limited>::new(&few).unwrap();
    let four = vec![
        Limited {
            text: String::new()
        };
        4
    ];
    assert!(codec.encode(&four).is_err());
    assert!(codec.encode(&four[..3]).is_ok());
}

fn pojo() -> RecordsCodec<Reading> {
    RecordsCodec::new(&SerializationConfig::default()).unwrap()
}

#[test]
fn broken_framing_is_an_error_that_says_where() {
    let codec = pojo();
    let good = codec.encode(&[reading(1), reading(2)]).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("short header", good[..10].to_vec()),
        ("truncated", good[..good.len() - 8].to_vec()),
        ("count too high", {
            let mut b = good.clone();
            b[8] = 3;
            b
        }),
        ("count too low", {
            let mut b = good.clone();
            b[8] = 1;
            b
        }),
        ("payload claims more", {
            let mut b = good.clone();
            b[12] = b[12].wrapping_add(8);
            b
        }),
        ("padding not zero", {
            let mut b = good.clone();
            let last = b.len() - 1;
            b[last] = 1;
            b
        }),
        ("huge count", {
            let mut b = good.clone();
            b[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
            b
        }),
    ];
    for (what, bytes) in cases {
        let error = codec.decode(&bytes).expect_err(what);
        assert!(
            !matches!(error.kind, ContainerErrorKind::Fingerprint { .. }),
            "{what}: {error}"
        );
    }
    // Unaligned good bytes: the padding was cut.
    assert!(codec.decode(&good[..good.len() - 1]).is_err());
}

#[test]
fn a_container_that_did_not_read_holds_the_error_and_the_senders_count() {
    let codec = pojo();
    let mut bad = codec
        .encode(&(0..5).map(reading).collect::<Vec<_>>())
        .unwrap();
    bad[17] ^= 0xff; // inside the first record
    let mut read = Records::<Reading>::from_bytes(bytes(bad));
    // Progress tracking sees the five records the sender counted.
    assert_eq!(read.record_count(), 5);
    assert!(!Accountable::is_empty(&read));
    let error = read.records().unwrap_err().clone();
    assert_eq!(read.try_drain().unwrap_err(), error);
    assert!(error.to_string().contains("Reading"), "{error}");
    // Handed over once; the container is then empty.
    assert_eq!(read.record_count(), 0);
}

#[test]
fn draining_a_container_that_did_not_read_ends_the_worker_with_the_error() {
    let panic = std::panic::catch_unwind(|| {
        let mut read = Records::<Reading>::from_bytes(bytes(vec![1, 2, 3]));
        read.drain().count()
    })
    .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("did not read") && message.contains("malformed"),
        "{message}"
    );
}

proptest! {
    #[test]
    fn hostile_bytes_are_an_error_never_a_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let codec = pojo();
        // As they come, and behind a valid header so the records themselves are read.
        let _ = codec.decode(&data);
        let mut framed = codec.fingerprint().to_le_bytes().to_vec();
        framed.extend_from_slice(&((data.len() as u32 % 7) + 1).to_le_bytes());
        framed.extend_from_slice(&(data.len() as u32).to_le_bytes());
        framed.extend_from_slice(&data);
        framed.resize(framed.len().next_multiple_of(8), 0);
        let _ = codec.decode(&framed);
        let _ = Records::<Reading>::from_bytes(bytes(framed));
    }

    #[test]
    fn flipped_bytes_of_a_good_container_never_panic(at in any::<prop::sample::Index>(), bit in 0u8..8) {
        for format in FORMATS {
            let codec = RecordsCodec::<Reading>::new(&config(format)).unwrap();
            let mut encoded = codec.encode(&(0..6).map(reading).collect::<Vec<_>>()).unwrap();
            let i = at.index(encoded.len());
            encoded[i] ^= 1 << bit;
            let _ = codec.decode(&encoded);
        }
    }
}
