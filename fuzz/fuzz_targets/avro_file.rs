//! Reads arbitrary bytes as an Avro object container file: the header (magic, metadata,
//! the writer's schema as JSON, the codec, the sync marker), then blocks, raw or deflated,
//! and the records in them resolved to each test type. Whatever reads whole is written
//! to a new file with the same codec, which must read back to the same records.

#![no_main]

use libfuzzer_sys::fuzz_target;
use typeinfo::{Decode, Encode};
use typeinfo_fuzz::LIMITS;
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::avro::Avro;
use typeinfo_serializers::avro::file::{FileReader, FileWriter};
use typeinfo_tests::evolution::{v1, v2};
use typeinfo_tests::types::{Scalars, Tree};

fn rewrites<T: Encode + Decode + 'static>(data: &[u8]) {
    let Ok(reader) = FileReader::with_limits(data, LIMITS) else {
        return;
    };
    let codec = reader.codec();
    let Ok(records) = reader.records::<T>().collect::<Result<Vec<T>, _>>() else {
        return;
    };
    let mut writer = FileWriter::<T, _>::with_sync_marker(Vec::new(), codec, [3; 16])
        .expect("a header for a type with a schema");
    for record in &records {
        writer
            .append(record)
            .expect("a record that was read writes");
    }
    let file = writer.finish().expect("a file");
    let again = FileReader::with_limits(file.as_slice(), LIMITS)
        .expect("our own header reads")
        .records::<T>()
        .collect::<Result<Vec<T>, _>>()
        .expect("our own records read");
    // Compared as datums, so NaN compares equal to itself.
    let datums = |records: &[T]| {
        records
            .iter()
            .map(|r| Avro::default().to_vec(r).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(datums(&again), datums(&records));
}

fuzz_target!(|data: &[u8]| {
    rewrites::<v1::Order>(data);
    rewrites::<v2::Order>(data);
    rewrites::<Tree>(data);
    rewrites::<Scalars>(data);
});
