//! Peak allocation under hostile length claims, measured by a counting global allocator: a
//! decoder allocates no more than a small constant plus what the input can justify.
//!
//! One test function, so no other test thread allocates while a peak is measured.

use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use typeinfo::{Decode, Limits};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::avro::Avro;
use typeinfo_serializers::avro::file::{Codec, FileReader, FileWriter};
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::Kryo;
use typeinfo_serializers::pojo::Pojo;
use typeinfo_tests::counting::{Counting, peak_of};
use typeinfo_tests::types::*;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Limits off, so only the input-size checks stand between a claim and an allocation.
const OPEN: Limits = Limits {
    max_collection_len: usize::MAX,
    max_record_bytes: usize::MAX,
    max_depth: 128,
};

/// 68 input bytes justify at most 68 elements; the largest element here is a HashMap
/// entry of 32 bytes plus its table.
const SMALL: usize = 16 * 1024;

/// One hostile input: what it is, the peak it reached, and the most it may reach.
struct Case {
    what: String,
    peak: usize,
    bound: usize,
}

/// Peak bytes allocated while `decode` runs; it must report a refusal.
fn refused(what: &str, bound: usize, decode: impl FnOnce() -> bool) -> Case {
    // Warm the thread's kryo and avro scratch state, so only the decoding is counted.
    let _ = Kryo::default().decode::<u8>(&[0]);
    let (peak, refused) = peak_of(decode);
    assert!(refused, "{what}: hostile input must be refused");
    Case {
        what: what.into(),
        peak,
        bound,
    }
}

fn generated<C: RecordCodec, T: Decode>(codec: &C, what: &str, bytes: &[u8]) -> Case {
    refused(&format!("{}: {what}", C::NAME), SMALL, || {
        codec.decode::<T>(bytes).is_err()
    })
}

fn kryo<T: DeserializeOwned>(kryo: &Kryo, what: &str, bytes: &[u8]) -> Case {
    refused(&format!("kryo: {what}"), SMALL, || {
        kryo.decode::<T>(bytes).is_err()
    })
}

/// An unsigned LEB128 varint, as compact and Kryo write lengths.
fn varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
    out
}

/// Avro's zigzag long.
fn long(v: i64) -> Vec<u8> {
    varint(((v << 1) ^ (v >> 63)) as u64)
}

fn then(claim: Vec<u8>, tail: &[u8]) -> Vec<u8> {
    [claim, tail.to_vec()].concat()
}

fn pojo_cases() -> Vec<Case> {
    let open = Pojo::new(OPEN);
    let claim = |tail: &[u8]| then(vec![0xff, 0xff, 0xff, 0x7f], tail);
    vec![
        generated::<_, String>(&open, "String of 2 GiB", &claim(&[1, 2, 3])),
        generated::<_, Vec<u8>>(&open, "Vec<u8> of 2 GiB", &claim(&[1, 2, 3])),
        generated::<_, Vec<u64>>(&open, "Vec<u64> (raw) of 2 Gi", &claim(&[0; 64])),
        generated::<_, Vec<String>>(&open, "Vec<String> of 2 Gi", &claim(&[0; 64])),
        generated::<_, HashMap<u32, String>>(&open, "HashMap of 2 Gi", &claim(&[0; 64])),
        generated::<_, BTreeMap<u32, u32>>(&open, "BTreeMap of 2 Gi", &claim(&[0; 64])),
        generated::<_, Vec<Tree>>(&open, "Vec<Tree> of 2 Gi", &claim(&[0; 64])),
        generated::<_, Collections>(&open, "a 2 GiB name", &claim(&[0; 64])),
    ]
}

fn compact_cases() -> Vec<Case> {
    let open = Compact::new(OPEN);
    let claim = |tail: &[u8]| then(varint(1 << 62), tail);
    vec![
        generated::<_, String>(&open, "String of 4 EiB", &claim(&[1, 2, 3])),
        generated::<_, Vec<u8>>(&open, "Vec<u8> of 4 EiB", &claim(&[1, 2, 3])),
        generated::<_, Vec<u64>>(&open, "Vec<u64> of 2^62", &claim(&[0; 64])),
        generated::<_, Vec<String>>(&open, "Vec<String> of 2^62", &claim(&[0; 64])),
        generated::<_, HashMap<u32, String>>(&open, "HashMap of 2^62", &claim(&[0; 64])),
        generated::<_, Vec<Tree>>(&open, "Vec<Tree> of 2^62", &claim(&[0; 64])),
    ]
}

fn kryo_cases() -> Vec<Case> {
    let open = Kryo::default().limits(OPEN);
    // Kryo's length + 1 of 2^31 - 2, and a string of 2^28 UTF-16 units.
    let claim = |tail: &[u8]| then(vec![0xff, 0xff, 0xff, 0xff, 0x07], tail);
    let string = [&[0xc1, 0x80, 0x80, 0x80, 0x02][..], &[b'a'; 64]].concat();
    assert!(matches!(
        open.decode::<String>(&string),
        Err(typeinfo::DecodeError::UnexpectedEnd {
            needed: 268_435_456,
            ..
        })
    ));
    vec![
        kryo::<String>(&open, "String of 2^28 units", &string),
        kryo::<Vec<i64>>(&open, "Vec<i64> of 2 Gi", &claim(&[0; 64])),
        kryo::<Vec<String>>(&open, "Vec<String> of 2 Gi", &claim(&[0x81; 64])),
        kryo::<HashMap<u32, String>>(&open, "HashMap of 2 Gi", &claim(&[0; 64])),
        kryo::<serde_bytes_like::Bytes>(&open, "byte array of 2 GiB", &claim(&[0; 64])),
    ]
}

fn avro_cases() -> Vec<Case> {
    let open = Avro::new(OPEN);
    let claim = |tail: &[u8]| then(long(1 << 62), tail);
    // A negative block count is followed by the block's size in bytes: both lie.
    let sized_block = |tail: &[u8]| then([long(-(1 << 62)), long(1 << 62)].concat(), tail);
    vec![
        generated::<_, String>(&open, "string of 4 EiB", &claim(&[1, 2, 3])),
        generated::<_, Vec<u8>>(&open, "bytes of 4 EiB", &claim(&[1, 2, 3])),
        generated::<_, Vec<i64>>(&open, "array block of 2^62 longs", &claim(&[0; 64])),
        generated::<_, Vec<String>>(&open, "array block of 2^62 strings", &claim(&[0; 64])),
        generated::<_, Vec<String>>(&open, "sized block of 2^62 strings", &sized_block(&[0; 64])),
        generated::<_, HashMap<String, u32>>(&open, "map block of 2^62", &claim(&[0; 64])),
        generated::<_, Vec<Tree>>(&open, "array block of 2^62 trees", &claim(&[0; 64])),
    ]
}

/// A container file's header, with the schema of `Tree` and `codec`.
fn header(codec: Codec) -> Vec<u8> {
    FileWriter::<Tree, _>::with_sync_marker(Vec::new(), codec, [5; 16])
        .unwrap()
        .finish()
        .unwrap()
}

/// Reads a whole file of trees with `limits`; true if it was refused.
fn file_refused(file: &[u8], limits: Limits) -> bool {
    match FileReader::with_limits(file, limits) {
        Err(_) => true,
        Ok(reader) => reader.records::<Tree>().any(|r| r.is_err()),
    }
}

fn container_cases() -> Vec<Case> {
    let file = |what: &str, bytes: Vec<u8>, limits: Limits, bound: usize| {
        refused(&format!("container: {what}"), bound, || {
            file_refused(&bytes, limits)
        })
    };
    let magic = b"Obj\x01".to_vec();
    let null_header = header(Codec::Null);
    // The header holds a schema, which parses into a few kilobytes.
    let header_bound = SMALL * 4;
    let block = |count: i64, size: i64, tail: &[u8]| {
        then(
            [null_header.clone(), long(count), long(size)].concat(),
            tail,
        )
    };
    // 16 MiB of zeros deflate to 16 KiB; the block limit of 1 MiB stops the inflating.
    let mut deflater = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    deflater.write_all(&vec![0u8; 16 << 20]).unwrap();
    let bomb = deflater.finish().unwrap();
    let deflate_header = header(Codec::Deflate);
    let bomb_file = [
        deflate_header,
        long(1),
        long(bomb.len() as i64),
        bomb.clone(),
        vec![5; 16],
    ]
    .concat();
    let one_mib = Limits {
        max_record_bytes: 1 << 20,
        ..Limits::DEFAULT
    };
    let block_of = |codec: Codec, stored: &[u8]| {
        [
            header(codec),
            long(1),
            long(stored.len() as i64),
            stored.to_vec(),
            vec![5; 16],
        ]
        .concat()
    };
    // A snappy block states its length first: 16 MiB is refused before anything is made.
    let snappy_claim = [long(8 << 20), vec![0; 60], vec![0; 4]].concat();
    // 16 MiB of zeros in one zstandard frame, with a window of 16 MiB (refused: the
    // decoder would allocate it) and of 1 MiB (output stops at the limit). zstd's own
    // buffers come from C's allocator, which this count does not see; the window bound
    // is checked by the codec's unit tests.
    let zstd_bomb = |window_log: u32| {
        let mut compressor = zstd::bulk::Compressor::new(19).unwrap();
        compressor
            .set_parameter(zstd::zstd_safe::CParameter::WindowLog(window_log))
            .unwrap();
        compressor.compress(&vec![0u8; 16 << 20]).unwrap()
    };
    let (wide, narrow) = (zstd_bomb(24), zstd_bomb(20));
    vec![
        file(
            "2^62 metadata entries",
            then([magic.clone(), long(1 << 62)].concat(), &[0; 64]),
            OPEN,
            SMALL,
        ),
        file(
            "a metadata value of 16 MiB",
            then(
                [magic, long(1), long(2), b"ab".to_vec(), long(16 << 20)].concat(),
                &[0; 64],
            ),
            OPEN,
            SMALL,
        ),
        file(
            "a block of 2^62 records",
            block(1 << 62, 64, &[0; 80]),
            OPEN,
            header_bound,
        ),
        file(
            "a block of 2^62 bytes",
            block(1, 1 << 62, &[0; 80]),
            OPEN,
            header_bound,
        ),
        file(
            &format!(
                "a deflate bomb of {} KiB inflating to 16 MiB, limit 1 MiB",
                bomb.len() >> 10
            ),
            bomb_file,
            one_mib,
            // The inflated block grows to the limit, and its last doubling copies half of
            // it; the inflater's window and tables take some 75 KiB.
            3 * (1 << 20) / 2 + (128 << 10) + header_bound + bomb.len(),
        ),
        file(
            "a snappy block claiming 16 MiB, limit 1 MiB",
            block_of(Codec::Snappy, &snappy_claim),
            one_mib,
            header_bound,
        ),
        file(
            &format!(
                "a zstandard frame of {} bytes with a 16 MiB window, limit 1 MiB",
                wide.len()
            ),
            block_of(Codec::Zstandard, &wide),
            one_mib,
            header_bound + wide.len(),
        ),
        file(
            &format!(
                "a zstandard bomb of {} bytes inflating to 16 MiB, limit 1 MiB",
                narrow.len()
            ),
            block_of(Codec::Zstandard, &narrow),
            one_mib,
            // Output as for deflate.
            3 * (1 << 20) / 2 + header_bound + narrow.len(),
        ),
    ]
}

#[test]
fn hostile_claims_allocate_little() {
    let cases: Vec<Case> = [
        pojo_cases(),
        compact_cases(),
        kryo_cases(),
        avro_cases(),
        container_cases(),
    ]
    .into_iter()
    .flatten()
    .collect();
    for Case { what, peak, bound } in &cases {
        println!("peak allocation, {what}: {peak} bytes (bound {bound})");
    }
    for Case { what, peak, bound } in &cases {
        assert!(
            peak <= bound,
            "{what}: {peak} bytes allocated, over {bound}"
        );
    }
}

/// A byte buffer read through serde's `deserialize_byte_buf`, as `serde_bytes` would.
mod serde_bytes_like {
    pub struct Bytes(#[allow(dead_code)] pub Vec<u8>);

    impl<'de> serde::Deserialize<'de> for Bytes {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl serde::de::Visitor<'_> for V {
                type Value = Bytes;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
                    Ok(Bytes(v.to_vec()))
                }
            }
            d.deserialize_byte_buf(V)
        }
    }
}
