//! criterion groups per dataset and operation (`log/serialize`, `log/to-vec`,
//! `app-events/round-trip`,
//! …), one function per format: every format of the main job's comparison (ours, the serde
//! baselines, apache-avro where it takes the records, bitcode and postcard as outside
//! references) and memcpy as the speed limit on `mesh`; throughput in each format's own
//! bytes. The datasets, sizes and contenders are the main job's (`report::micro`).
//!
//! `cargo bench -p typeinfo-benches --bench formats [-- FILTER]`; CI runs it once with
//! `-- --test`. criterion times one function after another; on a noisy machine compare
//! formats with the main job (`cargo run --release`), whose formats take turns.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use typeinfo_benches::datasets::DatasetKind;
use typeinfo_benches::interleaved::Operation;
use typeinfo_benches::report::{FormatFilter, args, micro};

fn benches(c: &mut Criterion) {
    let mut formats = args::all_formats();
    formats.push("memcpy".into());
    let formats = FormatFilter::new(formats);
    for kind in DatasetKind::ALL {
        micro::with_lineup(kind, kind.default_len(), &formats, |mut lineup| {
            for (format, reason) in &lineup.skipped {
                eprintln!("{}/{format}: not benchmarked: {reason}", kind.name());
            }
            for operation in Operation::ALL {
                let mut group = c.benchmark_group(format!("{}/{}", kind.name(), operation.name()));
                for contender in &mut lineup.contenders {
                    if contender.name() == "memcpy" && operation != Operation::Serialize {
                        continue; // a copy is the same both ways
                    }
                    if operation == Operation::ToVec && !contender.has_to_vec() {
                        continue;
                    }
                    group.throughput(Throughput::Bytes(contender.bytes() as u64));
                    group.bench_function(contender.name(), |b| {
                        b.iter(|| operation.run(contender.as_mut()))
                    });
                }
                group.finish();
            }
        })
        .unwrap_or_else(|e| panic!("{}: {e}", kind.name()));
    }
}

criterion_group! {
    name = formats;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(formats);
