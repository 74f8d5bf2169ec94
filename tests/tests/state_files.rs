//! State files: records with the snapshot they were written under; read back as they are or
//! migrated, and every damage an error that names its offset.

use serde::{Deserialize, Serialize};
use typeinfo::prelude::*;
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;
use typeinfo_serializers::state::{StateErrorKind, StateReader, StateWriter, scan};

mod v1 {
    use super::*;

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Reading {
        pub sensor: String,
        pub value: f32,
        pub count: u16,
    }
}

mod v2 {
    use super::*;

    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Reading {
        pub count: u64,
        #[typeinfo(alias = "sensor")]
        pub source: String,
        pub value: f64,
        #[typeinfo(default)]
        pub unit: Option<String>,
    }

    /// Not a reading at all.
    #[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Other {
        pub sensor: Vec<u8>,
    }
}

fn readings(n: usize) -> Vec<v1::Reading> {
    (0..n)
        .map(|i| v1::Reading {
            sensor: format!("sensor-{}", i % 17),
            value: i as f32 / 4.0,
            count: (i % 65_536) as u16,
        })
        .collect()
}

fn upgraded(old: &v1::Reading) -> v2::Reading {
    v2::Reading {
        count: old.count.into(),
        source: old.sensor.clone(),
        value: old.value.into(),
        unit: None,
    }
}

fn write<C: RecordCodec>(codec: C, records: &[v1::Reading]) -> Vec<u8> {
    let mut writer = StateWriter::<_, _, v1::Reading>::new(Vec::new(), codec).unwrap();
    for record in records {
        writer.write(record).unwrap();
    }
    writer.finish().unwrap()
}

fn kryo() -> Generated {
    Generated::new(Kryo::new(Registry::new())).unwrap()
}

/// Runs `check` with each generated-code format.
macro_rules! each_format {
    (|$codec:ident| $check:expr) => {{
        {
            let $codec = || Pojo::default();
            $check
        }
        {
            let $codec = || Compact::default();
            $check
        }
        {
            let $codec = kryo;
            $check
        }
    }};
}

#[test]
fn records_round_trip_across_blocks_and_migrate_on_the_fly() {
    // Enough records for several 64 KiB blocks.
    let records = readings(12_000);
    each_format!(|codec| {
        let file = write(codec(), &records);
        let summary = scan(&file[..]).unwrap();
        assert_eq!(summary.records, records.len() as u64);
        assert!(summary.blocks > 1, "{} blocks", summary.blocks);
        assert_eq!(summary.bytes, file.len() as u64);
        assert_eq!(summary.snapshot, codec().snapshot::<v1::Reading>());

        let same: Vec<v1::Reading> = StateReader::open(&file[..], codec())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(same, records);

        let reader = StateReader::<_, _, v2::Reading>::open(&file[..], codec()).unwrap();
        assert!(reader.migration().converts());
        let migrated: Vec<v2::Reading> = reader.collect::<Result<_, _>>().unwrap();
        assert_eq!(migrated, records.iter().map(upgraded).collect::<Vec<_>>());
    });
}

#[test]
fn an_empty_file_holds_no_records() {
    each_format!(|codec| {
        let file = write(codec(), &[]);
        assert_eq!(scan(&file[..]).unwrap().records, 0);
        let reader = StateReader::<_, _, v2::Reading>::open(&file[..], codec()).unwrap();
        assert_eq!(reader.count(), 0);
    });
}

/// Every way to read the file fails: the scan, and the reader (open or a record).
fn fails_everywhere<C: RecordCodec>(codec: C, file: &[u8]) -> bool {
    let scanned = scan(file).is_err();
    let read = match StateReader::<_, _, v1::Reading>::open(file, codec) {
        Err(_) => true,
        Ok(reader) => reader.into_iter().any(|r| r.is_err()),
    };
    scanned && read
}

#[test]
fn every_truncation_is_an_error() {
    let records = readings(5);
    each_format!(|codec| {
        let file = write(codec(), &records);
        for cut in 0..file.len() {
            assert!(
                fails_everywhere(codec(), &file[..cut]),
                "cut at {cut} of {}",
                file.len()
            );
        }
    });
}

#[test]
fn every_flipped_bit_is_an_error() {
    let records = readings(3);
    each_format!(|codec| {
        let file = write(codec(), &records);
        for at in 0..file.len() {
            for bit in [0, 3, 7] {
                let mut damaged = file.clone();
                damaged[at] ^= 1 << bit;
                assert!(
                    fails_everywhere(codec(), &damaged),
                    "bit {bit} of byte {at} of {}",
                    file.len()
                );
            }
        }
    });
}

#[test]
fn errors_name_the_offset_and_the_damage() {
    let file = write(Pojo::default(), &readings(3));
    let cut = file.len() - 3;
    let err = scan(&file[..cut]).unwrap_err();
    assert_eq!(err.offset, cut as u64);
    assert!(
        matches!(err.kind, StateErrorKind::Truncated { .. }),
        "{err}"
    );
    assert!(err.to_string().contains(&format!("offset {cut}")), "{err}");

    let mut longer = file.clone();
    longer.push(0);
    let err = scan(&longer[..]).unwrap_err();
    assert_eq!(err.offset, file.len() as u64);

    let err = scan(&b"PK\x03\x04 not a state file"[..]).unwrap_err();
    assert!(matches!(err.kind, StateErrorKind::NotAStateFile), "{err}");

    let mut damaged = file.clone();
    let last_record_byte = file.len() - 16 - 5;
    damaged[last_record_byte] ^= 0x40;
    let err = scan(&damaged[..]).unwrap_err();
    assert!(matches!(err.kind, StateErrorKind::Checksum { .. }), "{err}");
}

#[test]
fn a_type_that_cannot_read_the_file_is_refused_with_the_reasons() {
    let file = write(Pojo::default(), &readings(2));
    let Err(err) = StateReader::<_, _, v2::Other>::open(&file[..], Pojo::default()) else {
        panic!("a reading read as another type");
    };
    let text = err.to_string();
    assert!(matches!(err.kind, StateErrorKind::Migration(_)), "{text}");
    assert!(text.contains("Reading") && text.contains("Other"), "{text}");
    // Another format's file.
    assert!(StateReader::<_, _, v1::Reading>::open(&file[..], Compact::default()).is_err());
}

#[test]
fn a_record_no_block_could_hold_is_refused_and_the_file_stays_readable() {
    use typeinfo_serializers::state::{MAX_BLOCK_BYTES, StateFileReader, StateFileWriter};
    let snapshot = Pojo::default().snapshot::<Vec<u8>>();
    let mut file = StateFileWriter::new(Vec::new(), &snapshot).unwrap();
    file.write_with(|out| {
        out.extend_from_slice(b"small");
        Ok(())
    })
    .unwrap();
    let e = file
        .write_with(|out| {
            out.resize(out.len() + MAX_BLOCK_BYTES as usize, 7);
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(e.kind, StateErrorKind::TooLarge { .. }), "{e}");
    // A record that fits a block of its own closes the one before it.
    let big = MAX_BLOCK_BYTES as usize - 4;
    file.write_with(|out| {
        out.resize(out.len() + big, 9);
        Ok(())
    })
    .unwrap();
    let (bytes, size) = file.finish().unwrap();
    assert_eq!(size, bytes.len() as u64);
    let mut reader = StateFileReader::open(&bytes[..]).unwrap();
    assert_eq!(reader.next_record().unwrap().unwrap().bytes, b"small");
    let second = reader.next_record().unwrap().unwrap();
    assert_eq!((second.index, second.bytes.len()), (1, big));
    assert!(reader.next_record().unwrap().is_none());
    assert_eq!(scan(&bytes[..]).unwrap().records, 2);
}
