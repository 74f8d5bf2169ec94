//! Peak allocation under hostile length claims, measured by a counting global allocator: a
//! decoder allocates no more than a small constant plus what the input can justify.
//!
//! One test function, so no other test thread allocates while a peak is measured.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use typeinfo::{Decode, Limits};
use typeinfo_serializers::RecordCodec;
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
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let result = pojo.decode::<T>(bytes);
    assert!(result.is_err(), "hostile input must be refused");
    drop(result);
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
