//! criterion groups per dataset and operation, one function per format: ours (pojo,
//! compact), the serde baselines, postcard as an outside reference, and memcpy as the speed
//! limit on `mesh`.
//!
//! `cargo bench -p typeinfo-benches --bench formats`; CI runs it once with `-- --test`.
//! criterion times one function after another; on a noisy machine compare formats with the
//! interleaved runner instead (`--example interleaved`, see `typeinfo_benches::interleaved`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use typeinfo_benches::contenders::{self, Dataset};
use typeinfo_benches::datasets::{SEED, log, mesh};

fn compare<T: Dataset>(c: &mut Criterion, dataset: &str, data: &T, with_memcpy: bool) {
    let mut all = contenders::all(data, with_memcpy).unwrap_or_else(|e| panic!("{dataset}: {e}"));
    let mut group = c.benchmark_group(format!("{dataset}/serialize"));
    for contender in &mut all {
        group.throughput(Throughput::Bytes(contender.bytes() as u64));
        group.bench_function(contender.name(), |b| b.iter(|| contender.serialize()));
    }
    group.finish();
    let mut group = c.benchmark_group(format!("{dataset}/deserialize"));
    for contender in all.iter_mut().filter(|c| c.name() != "memcpy") {
        group.throughput(Throughput::Bytes(contender.bytes() as u64));
        group.bench_function(contender.name(), |b| b.iter(|| contender.deserialize()));
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    compare(c, "log", &log::generate(SEED, log::DEFAULT_LEN), false);
    compare(c, "mesh", &mesh::generate(SEED, mesh::DEFAULT_LEN), true);
}

criterion_group! {
    name = formats;
    config = Criterion::default().sample_size(30);
    targets = benches
}
criterion_main!(formats);
