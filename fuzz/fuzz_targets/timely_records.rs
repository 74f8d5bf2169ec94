//! Decodes arbitrary bytes as typeinfo-timely containers of the test types, in every
//! format: as they come, and behind a header carrying the codec's own fingerprint so the
//! records themselves are read.
//!
//! - Nothing panics, and no allocation follows a count the bytes merely claim.
//! - Whatever decodes re-encodes to bytes that decode to the same records (compared as
//!   their bytes, so a NaN equals itself).
//! - Timely's `from_bytes` on the same bytes holds the records or the error, and counts
//!   the records the header claims when it fails.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use timely::Accountable;
use timely::bytes::arc::BytesMut;
use timely::dataflow::channels::ContainerBytes;
use typeinfo_serializers::SerializationConfig;
use typeinfo_serializers::config::Format;
use typeinfo_tests::types::{Scalars, Tree};
use typeinfo_timely::wire::{HEADER_BYTES, claimed_records};
use typeinfo_timely::{Records, RecordsCodec};

const FORMATS: [Format; 4] = [Format::Pojo, Format::Compact, Format::Kryo, Format::Avro];

fn codecs<T: typeinfo::Encode + typeinfo::Decode + 'static>() -> Vec<RecordsCodec<T>> {
    FORMATS
        .iter()
        .map(|&format| {
            let config = SerializationConfig::builder()
                .default_format(format)
                .build()
                .unwrap();
            RecordsCodec::new(&config).expect("the test types have every format")
        })
        .collect()
}

/// `data` behind a header with `codec`'s fingerprint, padded as the writer pads.
fn framed<T>(codec: &RecordsCodec<T>, data: &[u8]) -> Vec<u8> {
    let records = u32::from(data.first().copied().unwrap_or(0) % 8);
    let payload = data.get(1..).unwrap_or_default();
    let mut bytes = Vec::with_capacity(HEADER_BYTES + payload.len() + 8);
    bytes.extend_from_slice(&codec.fingerprint().to_le_bytes());
    bytes.extend_from_slice(&records.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    bytes.extend_from_slice(payload);
    bytes.resize(bytes.len().next_multiple_of(8), 0);
    bytes
}

fn check<T>(codec: &RecordsCodec<T>, bytes: &[u8]) {
    if let Ok(records) = codec.decode(bytes) {
        let again = codec.encode(&records).expect("what decoded encodes");
        let read = codec.decode(&again).expect("our own bytes decode");
        assert_eq!(codec.encode(&read).expect("what decoded encodes"), again);
    }
}

fuzz_target!(|data: &[u8]| {
    static TREES: OnceLock<Vec<RecordsCodec<Tree>>> = OnceLock::new();
    static SCALARS: OnceLock<Vec<RecordsCodec<Scalars>>> = OnceLock::new();
    for codec in TREES.get_or_init(codecs) {
        check(codec, data);
        check(codec, &framed(codec, data));
    }
    for codec in SCALARS.get_or_init(codecs) {
        check(codec, &framed(codec, data));
    }
    // Through timely's trait, in the default format (pojo).
    let pojo = &TREES.get_or_init(codecs)[0];
    for bytes in [data.to_vec(), framed(pojo, data)] {
        let claimed = claimed_records(&bytes);
        let container = Records::<Tree>::from_bytes(BytesMut::from(bytes).freeze());
        match container.records() {
            Ok(records) => assert_eq!(records.len() as i64, container.record_count()),
            Err(_) => assert_eq!(container.record_count(), claimed as i64),
        }
    }
});
