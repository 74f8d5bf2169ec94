//! typeinfo's Avro against apache-avro 0.22 (same schema, same bytes) on `log` lines and
//! `app-events` sessions, one datum per record, and reading datums of an older writer schema
//! through resolution: `cargo bench -p typeinfo-benches --bench avro`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use typeinfo_benches::avro_comparison::{
    ApacheLog, app_events_contenders, log_contenders, resolved_read_contenders,
};
use typeinfo_benches::contenders::Contender;
use typeinfo_benches::datasets::{SEED, app_events, log};

fn compare(c: &mut Criterion, dataset: &str, all: Vec<Box<dyn Contender + '_>>) {
    compare_operations(
        c,
        dataset,
        all,
        &[("serialize", true), ("deserialize", false)],
    );
}

fn compare_operations(
    c: &mut Criterion,
    dataset: &str,
    mut all: Vec<Box<dyn Contender + '_>>,
    operations: &[(&str, bool)],
) {
    for &(operation, serialize) in operations {
        let mut group = c.benchmark_group(format!("avro/{dataset}/{operation}"));
        for contender in &mut all {
            group.throughput(Throughput::Bytes(contender.bytes() as u64));
            group.bench_function(contender.name(), |b| {
                b.iter(|| {
                    if serialize {
                        contender.serialize()
                    } else {
                        contender.deserialize()
                    }
                })
            });
        }
        group.finish();
    }
}

fn benches(c: &mut Criterion) {
    let logs = log::generate(SEED, log::DEFAULT_LEN).logs;
    let mirror: Vec<ApacheLog> = logs.iter().map(ApacheLog::from).collect();
    compare(c, "log", log_contenders(&logs, &mirror).expect("log"));
    let sessions = app_events::generate(SEED, app_events::DEFAULT_LEN).sessions;
    compare(
        c,
        "app-events",
        app_events_contenders(&sessions).expect("app-events"),
    );
    // Reading what an older schema wrote (fields reordered, one removed since): own schema,
    // resolved, apache-avro resolved.
    let deserialize = [("deserialize", false)];
    compare_operations(
        c,
        "log-older-writer",
        resolved_read_contenders(&mirror, true).expect("log resolved"),
        &deserialize,
    );
    compare_operations(
        c,
        "app-events-older-writer",
        resolved_read_contenders(&sessions, false).expect("app-events resolved"),
        &deserialize,
    );
}

criterion_group! {
    name = avro;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(avro);
