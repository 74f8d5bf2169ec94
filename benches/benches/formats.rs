//! criterion groups per dataset and operation, one function per format: ours (pojo,
//! compact, kryo registered and by name), the serde baselines, postcard as an outside
//! reference, and memcpy as the speed limit on `mesh`. `events` is timed per record.
//!
//! `cargo bench -p typeinfo-benches --bench formats`; CI runs it once with `-- --test`.
//! criterion times one function after another; on a noisy machine compare formats with the
//! interleaved runner instead (`--example interleaved`, see `typeinfo_benches::interleaved`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use typeinfo_benches::contenders::{self, Contender};
use typeinfo_benches::datasets::{SEED, flink_mini, log, mesh};

fn compare(c: &mut Criterion, dataset: &str, mut all: Vec<Box<dyn Contender + '_>>) {
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
    let logs = log::generate(SEED, log::DEFAULT_LEN);
    compare(
        c,
        "log",
        contenders::all(&logs, false).expect("log round trips"),
    );
    let mesh = mesh::generate(SEED, mesh::DEFAULT_LEN);
    compare(
        c,
        "mesh",
        contenders::all(&mesh, true).expect("mesh round trips"),
    );
    let events = flink_mini::generate(SEED, flink_mini::DEFAULT_LEN);
    compare(
        c,
        "events",
        contenders::per_record(&events.events).expect("events round trip"),
    );
}

criterion_group! {
    name = formats;
    config = Criterion::default().sample_size(30);
    targets = benches
}
criterion_main!(formats);
