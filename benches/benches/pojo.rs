//! pojo against bincode 2.0.1 (standard config, its own derive) on the `log` and `mesh`
//! datasets, and against a plain memory copy of the same number of bytes.
//!
//! Every writer targets a buffer allocated once outside the timed loop, so the numbers
//! measure encoding, not allocation. Throughput is each format's own output size.
//!
//! `cargo bench -p typeinfo-benches --bench pojo`; CI runs it once with `-- --test`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use typeinfo::{Decode, Encode};
use typeinfo_benches::datasets::{SEED, log, mesh};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::pojo::{self, Pojo};

fn compare<T>(c: &mut Criterion, dataset: &str, data: &T, with_memcpy: bool)
where
    T: Encode + Decode + bincode::Encode + bincode::Decode<()> + PartialEq,
{
    let config = bincode::config::standard();
    let pojo_bytes = pojo::to_vec(data).unwrap();
    let bincode_bytes = bincode::encode_to_vec(data, config).unwrap();
    assert!(pojo::from_slice::<T>(&pojo_bytes).unwrap() == *data);

    let mut group = c.benchmark_group(format!("{dataset}/serialize"));
    group.throughput(Throughput::Bytes(pojo_bytes.len() as u64));
    let mut out = Vec::with_capacity(pojo_bytes.len());
    group.bench_function("pojo", |b| {
        b.iter(|| {
            out.clear();
            Pojo::default()
                .encode_into(black_box(data), &mut out)
                .unwrap();
            black_box(&out);
        })
    });
    if with_memcpy {
        let mut copy = vec![0u8; pojo_bytes.len()];
        group.bench_function("memcpy", |b| {
            b.iter(|| {
                copy.copy_from_slice(black_box(&pojo_bytes));
                black_box(&copy);
            })
        });
    }
    group.throughput(Throughput::Bytes(bincode_bytes.len() as u64));
    let mut slice = vec![0u8; bincode_bytes.len()];
    group.bench_function("bincode2", |b| {
        b.iter(|| {
            black_box(bincode::encode_into_slice(black_box(data), &mut slice, config).unwrap())
        })
    });
    group.finish();

    let mut group = c.benchmark_group(format!("{dataset}/deserialize"));
    group.throughput(Throughput::Bytes(pojo_bytes.len() as u64));
    group.bench_function("pojo", |b| {
        b.iter(|| black_box(pojo::from_slice::<T>(black_box(&pojo_bytes)).unwrap()))
    });
    group.throughput(Throughput::Bytes(bincode_bytes.len() as u64));
    group.bench_function("bincode2", |b| {
        b.iter(|| {
            black_box(
                bincode::decode_from_slice::<T, _>(black_box(&bincode_bytes), config).unwrap(),
            )
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    compare(c, "log", &log::generate(SEED, log::DEFAULT_LEN), false);
    compare(c, "mesh", &mesh::generate(SEED, mesh::DEFAULT_LEN), true);
}

criterion_group! {
    name = pojo_vs_bincode;
    config = Criterion::default().sample_size(30);
    targets = benches
}
criterion_main!(pojo_vs_bincode);
