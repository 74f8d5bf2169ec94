//! What compact's canonical order of hash collections costs: the same entries as a
//! `HashMap` (sorted by order key on write, order checked on read) and as a `BTreeMap`
//! (already in order), in compact and in pojo (which writes a `HashMap` as it iterates).
//! `cargo bench -p typeinfo-benches --bench hash_order`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use typeinfo::codec::{Decode, Encode};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::pojo::Pojo;

/// 200 maps of 1 to 32 entries each, keyed by short strings.
fn entries() -> Vec<Vec<(String, u64)>> {
    (0..200u64)
        .map(|i| {
            (0..1 + i % 32)
                .map(|j| (format!("attr-{}", (i * 31 + j * 17) % 997), i ^ j))
                .collect()
        })
        .collect()
}

fn run<C: RecordCodec, M: Encode + Decode>(c: &mut Criterion, name: &str, codec: &C, maps: &[M]) {
    let encoded: Vec<Vec<u8>> = maps.iter().map(|m| codec.to_vec(m).unwrap()).collect();
    let mut group = c.benchmark_group(format!("hash-order/{name}"));
    let mut out = Vec::with_capacity(1024);
    group.bench_function("serialize", |b| {
        b.iter(|| {
            for map in maps {
                out.clear();
                codec.encode_into(black_box(map), &mut out).unwrap();
            }
            black_box(&out);
        })
    });
    group.bench_function("deserialize", |b| {
        b.iter(|| {
            for bytes in &encoded {
                let map: M = codec.decode(black_box(bytes)).unwrap();
                black_box(map);
            }
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let entries = entries();
    let hash: Vec<HashMap<String, u64>> = entries
        .iter()
        .map(|e| e.iter().cloned().collect())
        .collect();
    let btree: Vec<BTreeMap<String, u64>> = entries
        .iter()
        .map(|e| e.iter().cloned().collect())
        .collect();
    run(c, "compact/HashMap", &Compact::default(), &hash);
    run(c, "compact/BTreeMap", &Compact::default(), &btree);
    run(c, "pojo/HashMap", &Pojo::default(), &hash);
    run(c, "pojo/BTreeMap", &Pojo::default(), &btree);
}

criterion_group! {
    name = hash_order;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(hash_order);
