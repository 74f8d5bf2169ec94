//! Peak allocation under hostile length claims, measured by a counting global allocator: a
//! decoder allocates no more than a small constant plus what the input can justify.
//!
//! One test function, so no other test thread allocates while a peak is measured.

use serde::de::DeserializeOwned;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use typeinfo::{Decode, Limits};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::kryo::Kryo;
use typeinfo_serializers::pojo::Pojo;
use typeinfo_tests::types::*;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated while decoding `bytes` as `T` (the result is dropped).
fn peak_while<T: Decode>(pojo: &Pojo, bytes: &[u8]) -> usize {
    peak_of(|| pojo.decode::<T>(bytes).is_err())
}

/// The same through kryo, a serde format.
fn kryo_peak_while<T: DeserializeOwned>(kryo: &Kryo, bytes: &[u8]) -> usize {
    peak_of(|| kryo.decode::<T>(bytes).is_err())
}

/// Peak bytes allocated while `decode` runs; it must report a refusal.
fn peak_of(decode: impl FnOnce() -> bool) -> usize {
    // Warm the thread's kryo scratch state, so only the decoding itself is counted.
    let _ = Kryo::default().decode::<u8>(&[0]);
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let refused = decode();
    assert!(refused, "hostile input must be refused");
    PEAK.load(Ordering::SeqCst) - base
}

#[test]
fn hostile_claims_allocate_little() {
    // Limits off, so only the input-size checks stand between a claim and an allocation.
    let open = Pojo::new(Limits {
        max_collection_len: usize::MAX,
        max_record_bytes: usize::MAX,
        max_depth: 128,
    });
    let claim_then = |tail: &[u8]| [&[0xff, 0xff, 0xff, 0x7f][..], tail].concat();
    let kryo = Kryo::default().limits(Limits {
        max_collection_len: usize::MAX,
        max_record_bytes: usize::MAX,
        max_depth: 128,
    });
    // Kryo's length + 1 of 2^31 - 2, and a string of 2^28 UTF-16 units.
    let kryo_claim = |tail: &[u8]| [&[0xff, 0xff, 0xff, 0xff, 0x07][..], tail].concat();
    let kryo_string = [&[0xc1, 0x80, 0x80, 0x80, 0x02][..], &[b'a'; 64]].concat();
    assert!(matches!(
        kryo.decode::<String>(&kryo_string),
        Err(typeinfo::DecodeError::UnexpectedEnd {
            needed: 268_435_456,
            ..
        })
    ));

    let cases: Vec<(&str, usize)> = vec![
        (
            "String of 2 GiB",
            peak_while::<String>(&open, &claim_then(&[1, 2, 3])),
        ),
        (
            "Vec<u8> of 2 GiB",
            peak_while::<Vec<u8>>(&open, &claim_then(&[1, 2, 3])),
        ),
        (
            "Vec<u64> (raw) of 2 Gi elements",
            peak_while::<Vec<u64>>(&open, &claim_then(&[0; 64])),
        ),
        (
            "Vec<String> of 2 Gi elements",
            peak_while::<Vec<String>>(&open, &claim_then(&[0; 64])),
        ),
        (
            "HashMap of 2 Gi entries",
            peak_while::<HashMap<u32, String>>(&open, &claim_then(&[0; 64])),
        ),
        (
            "BTreeMap of 2 Gi entries",
            peak_while::<BTreeMap<u32, u32>>(&open, &claim_then(&[0; 64])),
        ),
        (
            "Vec<Tree> of 2 Gi elements",
            peak_while::<Vec<Tree>>(&open, &claim_then(&[0; 64])),
        ),
        (
            "Collections with a 2 GiB name",
            peak_while::<Collections>(&open, &claim_then(&[0; 64])),
        ),
        (
            "kryo: String of 2^28 units",
            kryo_peak_while::<String>(&kryo, &kryo_string),
        ),
        (
            "kryo: Vec<i64> of 2 Gi elements",
            kryo_peak_while::<Vec<i64>>(&kryo, &kryo_claim(&[0; 64])),
        ),
        (
            "kryo: Vec<String> of 2 Gi elements",
            kryo_peak_while::<Vec<String>>(&kryo, &kryo_claim(&[0x81; 64])),
        ),
        (
            "kryo: HashMap of 2 Gi entries",
            kryo_peak_while::<HashMap<u32, String>>(&kryo, &kryo_claim(&[0; 64])),
        ),
        (
            "kryo: byte array of 2 GiB",
            kryo_peak_while::<serde_bytes_like::Bytes>(&kryo, &kryo_claim(&[0; 64])),
        ),
    ];
    for (what, peak) in &cases {
        println!("peak allocation, {what}: {peak} bytes");
        // 68 input bytes justify at most 68 elements; the largest element here is a
        // HashMap entry of 32 bytes plus its table.
        assert!(
            *peak < 16 * 1024,
            "{what}: {peak} bytes allocated for 68 bytes of input"
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
