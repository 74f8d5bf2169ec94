//! What a generic field costs by each way it can travel, on records that hold nothing else
//! (flink-mini's payload, the three variants in turn): through serde (no factory), through
//! the factory compiled for the format (`typeinfo_serializers::factory_of`), and through
//! the same factory behind trait objects (`Factory::of`, what a format outside
//! typeinfo-serializers gets). `cargo bench -p typeinfo-benches --bench factories`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use typeinfo::factory::{Factories, Factory};
use typeinfo_benches::datasets::factories::{PayloadCodec, PayloadRecord, catalog};
use typeinfo_benches::datasets::flink_mini::Payload;
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;

fn records() -> Vec<PayloadRecord> {
    (0..300)
        .map(|i| {
            PayloadRecord(match i % 3 {
                0 => Payload::Nothing,
                1 => Payload::Note(format!("note {i}")),
                _ => Payload::Metric {
                    name: "latency".into(),
                    value: f64::from(i) / 7.0,
                },
            })
        })
        .collect()
}

/// The three ways, as one format configured three times.
fn ways<C>(with: impl Fn(Factories) -> C) -> [(&'static str, C); 3] {
    let erased = Factories::new([Factory::of::<Payload, PayloadCodec>("flink-mini-payload")]);
    [
        ("serde", with(Factories::empty())),
        ("compiled", with(Factories::new(catalog()))),
        ("erased", with(erased)),
    ]
}

fn format<C: RecordCodec>(c: &mut Criterion, name: &str, ways: [(&'static str, C); 3]) {
    let records = records();
    let encoded: Vec<Vec<u8>> = records
        .iter()
        .map(|r| ways[0].1.to_vec(r).expect("encodes"))
        .collect();
    let mut group = c.benchmark_group(format!("generic-field/{name}/serialize"));
    let mut out = Vec::with_capacity(64);
    for (way, codec) in &ways {
        group.bench_function(*way, |b| {
            b.iter(|| {
                for record in &records {
                    out.clear();
                    codec.encode_into(black_box(record), &mut out).unwrap();
                }
                black_box(&out);
            })
        });
    }
    group.finish();
    let mut group = c.benchmark_group(format!("generic-field/{name}/deserialize"));
    for (way, codec) in &ways {
        group.bench_function(*way, |b| {
            b.iter(|| {
                for bytes in &encoded {
                    let record: PayloadRecord = codec.decode(black_box(bytes)).unwrap();
                    black_box(record);
                }
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    format(c, "pojo", ways(|f| Pojo::default().with_factories(f)));
    format(c, "compact", ways(|f| Compact::default().with_factories(f)));
    let kryo = Generated::new(Kryo::new(Registry::new())).expect("references are off");
    format(c, "kryo", ways(|f| kryo.clone().with_factories(f)));
}

criterion_group! {
    name = factories;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(factories);
