//! typeinfo's Avro against apache-avro 0.22 (same schema, same bytes) on `log` lines and
//! `app-events` sessions, one datum per record, and reading datums of an older writer schema
//! through resolution: `cargo bench -p typeinfo-benches --bench avro`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use typeinfo_benches::avro_comparison::{
    ApacheLog, app_events_contenders, log_contenders, resolved_read_contenders,
};
use typeinfo_benches::contenders::{CloneFloor, Contender};
use typeinfo_benches::datasets::{SEED, app_events, log};
use typeinfo_benches::interleaved::Operation;

/// Serialize, then deserialize beside `floor` (what cloning the records costs).
fn compare<'a>(
    c: &mut Criterion,
    dataset: &str,
    mut all: Vec<Box<dyn Contender + 'a>>,
    floor: Box<dyn Contender + 'a>,
) {
    time(c, dataset, &mut all, Operation::Serialize);
    all.insert(0, floor);
    time(c, dataset, &mut all, Operation::Deserialize);
}

fn time(
    c: &mut Criterion,
    dataset: &str,
    all: &mut [Box<dyn Contender + '_>],
    operation: Operation,
) {
    let mut group = c.benchmark_group(format!("avro/{dataset}/{}", operation.name()));
    for contender in all {
        group.throughput(Throughput::Bytes(contender.bytes() as u64));
        group.bench_function(contender.name(), |b| {
            b.iter(|| operation.run(&mut **contender))
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let logs = log::generate(SEED, log::DEFAULT_LEN).logs;
    let mirror: Vec<ApacheLog> = logs.iter().map(ApacheLog::from).collect();
    compare(
        c,
        "log",
        log_contenders(&logs, &mirror).expect("log"),
        Box::new(CloneFloor::new(&logs)),
    );
    let sessions = app_events::generate(SEED, app_events::DEFAULT_LEN).sessions;
    compare(
        c,
        "app-events",
        app_events_contenders(&sessions).expect("app-events"),
        Box::new(CloneFloor::new(&sessions)),
    );
    // Reading what an older schema wrote (fields reordered, one removed since): own schema,
    // resolved, apache-avro resolved.
    time(
        c,
        "log-older-writer",
        &mut resolved_read_contenders(&mirror, true).expect("log resolved"),
        Operation::Deserialize,
    );
    time(
        c,
        "app-events-older-writer",
        &mut resolved_read_contenders(&sessions, false).expect("app-events resolved"),
        Operation::Deserialize,
    );
}

criterion_group! {
    name = avro;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(avro);
