//! The seed corpus: real encoded records for every target, so that fuzzing starts from
//! valid input and mutates towards the edges instead of guessing a format's first byte.
//! Generated, not stored, so the seeds follow the formats as they change.

use crate::deliveries::Deliveries;
use crate::engine::{Read, write_all};
use crate::kryo_configs;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use std::sync::Arc;
use typeinfo_engine::{CheckpointBarrier, Element, LatencyMarker};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::avro::file::{Codec, FileWriter};
use typeinfo_serializers::avro::{Avro, AvroCodec, schema_of};
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::config::{Format, GenericTypes, SerializationConfig};
use typeinfo_serializers::pojo::Pojo;
use typeinfo_tests::evolution::{old_orders, v1, v2};
use typeinfo_tests::strategies;
use typeinfo_tests::types::{Attributes, Collections, Everything, Scalars, Tree};

/// Values per type.
const PER_TYPE: usize = 6;

/// Every target's seeds, by target name.
pub fn all() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    vec![
        ("pojo", records(&Pojo::default())),
        ("compact", records(&Compact::default())),
        ("kryo", kryo()),
        ("avro", avro()),
        ("avro_file", avro_files()),
        ("avro_schema", avro_schemas()),
        ("engine_reader", engine_deliveries()),
        ("config", configs()),
        ("migration", migration()),
        ("snapshot", snapshots()),
        ("timely_records", timely_containers()),
    ]
}

/// Containers of trees in every format, whole (the target's first read) and as a record
/// count byte before their payload (what the target frames with a good header).
fn timely_containers() -> Vec<Vec<u8>> {
    let trees = samples(strategies::tree(), PER_TYPE);
    let mut seeds = Vec::new();
    for format in [Format::Pojo, Format::Compact, Format::Kryo, Format::Avro] {
        let config = SerializationConfig::builder()
            .default_format(format)
            .build();
        let codec = typeinfo_timely::RecordsCodec::<Tree>::new(&config.expect("a config"))
            .expect("trees have every format");
        for n in [0, 1, 3] {
            let container = codec.encode(&trees[..n]).expect("trees encode");
            let payload_len = u32::from_le_bytes(container[12..16].try_into().expect("4 bytes"));
            let end = typeinfo_timely::wire::HEADER_BYTES + payload_len as usize;
            let mut framed = vec![n as u8];
            framed.extend_from_slice(&container[typeinfo_timely::wire::HEADER_BYTES..end]);
            seeds.push(container);
            seeds.push(framed);
        }
    }
    seeds
}

/// `n` values of a strategy, the same in every run.
pub fn samples<S: Strategy>(strategy: S, n: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).expect("a value").current())
        .collect()
}

/// The sample values of `strategy`, encoded.
fn encoded<S: Strategy>(
    strategy: S,
    encode: impl Fn(&S::Value) -> Option<Vec<u8>>,
) -> Vec<Vec<u8>> {
    samples(strategy, PER_TYPE)
        .iter()
        .filter_map(encode)
        .collect()
}

/// Records of every test type in a generated format.
fn records<C: RecordCodec>(codec: &C) -> Vec<Vec<u8>> {
    [
        encoded(strategies::tree(), |v: &Tree| codec.to_vec(v).ok()),
        encoded(strategies::collections(), |v: &Collections| {
            codec.to_vec(v).ok()
        }),
        encoded(strategies::attributes(), |v: &Attributes| {
            codec.to_vec(v).ok()
        }),
        encoded(strategies::scalars(), |v: &Scalars| codec.to_vec(v).ok()),
        encoded(strategies::everything(), |v: &Everything| {
            codec.to_vec(v).ok()
        }),
    ]
    .concat()
}

/// The kryo target's types in each of its configurations.
fn kryo() -> Vec<Vec<u8>> {
    kryo_configs()
        .iter()
        .flat_map(|kryo| {
            [
                encoded(strategies::tree(), |v: &Tree| kryo.to_vec(v).ok()),
                encoded(strategies::collections(), |v: &Collections| {
                    kryo.to_vec(v).ok()
                }),
                encoded(strategies::everything(), |v: &Everything| {
                    kryo.to_vec(v).ok()
                }),
            ]
            .concat()
        })
        .collect()
}

/// Datums of every test type and of the old orders the target resolves, and single-object
/// encodings.
fn avro() -> Vec<Vec<u8>> {
    let codec = AvroCodec::<Tree>::new(Default::default()).expect("Tree has a schema");
    let single_objects = encoded(strategies::tree(), |v| {
        let mut out = Vec::new();
        codec.encode_single_object(v, &mut out).ok().map(|()| out)
    });
    let orders = (old_orders().iter().take(PER_TYPE))
        .map(|o| Avro::default().to_vec(o).expect("an order encodes"))
        .collect();
    [records(&Avro::default()), single_objects, orders].concat()
}

/// Container files of old orders and of trees, with each codec.
fn avro_files() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    for codec in [Codec::Null, Codec::Deflate, Codec::Snappy, Codec::Zstandard] {
        let mut orders = FileWriter::<v1::Order, _>::with_sync_marker(Vec::new(), codec, [7; 16])
            .expect("a header")
            .block_bytes(256);
        for order in old_orders().iter().take(PER_TYPE) {
            orders.append(order).expect("an order encodes");
        }
        files.push(orders.finish().expect("a file"));
        let mut trees =
            FileWriter::<Tree, _>::with_sync_marker(Vec::new(), codec, [9; 16]).expect("a header");
        for tree in samples(strategies::tree(), PER_TYPE) {
            trees.append(&tree).expect("a tree encodes");
        }
        files.push(trees.finish().expect("a file"));
    }
    files
}

/// The schemas of the test types, as Avro JSON.
fn avro_schemas() -> Vec<Vec<u8>> {
    [
        schema_of::<Tree>(),
        schema_of::<Collections>(),
        schema_of::<Attributes>(),
        schema_of::<Scalars>(),
        schema_of::<Everything>(),
        schema_of::<v1::Order>(),
        schema_of::<v2::Order>(),
    ]
    .into_iter()
    .map(|schema| schema.expect("a schema").to_json().into_bytes())
    .collect()
}

/// Trees over one to three channels, with watermarks, latency markers and a checkpoint
/// barrier between them.
fn engine_deliveries() -> Vec<Vec<u8>> {
    let trees = samples(strategies::tree(), PER_TYPE * 3);
    (1..=3)
        .map(|channels| {
            let elements: Vec<Vec<Read<Tree>>> = (0..channels)
                .map(|channel| {
                    let mut elements: Vec<Read<Tree>> = (trees.iter().skip(channel))
                        .step_by(channels)
                        .map(|tree| Read::Element(Element::Record(tree.clone())))
                        .collect();
                    elements.insert(1.min(elements.len()), Read::Element(Element::Watermark(-5)));
                    let middle = elements.len() / 2;
                    elements.insert(
                        middle,
                        Read::Barrier(CheckpointBarrier {
                            id: 1,
                            timestamp_millis: 1_700_000_000_000,
                        }),
                    );
                    elements.push(Read::Element(Element::Latency(LatencyMarker {
                        emitted_unix_nanos: 1_700_000_000_000_000_000,
                        source_subtask: channel as u32,
                    })));
                    elements
                })
                .collect();
            let deliveries: Deliveries =
                write_all(&elements, Arc::new(Pojo::default())).expect("trees write");
            deliveries.to_bytes()
        })
        .collect()
}

/// The example config and every key written out.
fn configs() -> Vec<Vec<u8>> {
    let example = include_str!("../../examples/serialization.toml");
    let full = SerializationConfig::builder()
        .default_format(Format::Compact)
        .generic_types(GenericTypes::Deny)
        .type_format("typeinfo_tests::types::Tree", Format::Avro)
        .kryo_register("Tree", 12)
        .kryo_references(true)
        .max_depth(9)
        .build()
        .expect("a valid config");
    [
        example.to_owned(),
        full.to_toml(),
        SerializationConfig::default().to_toml(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

/// v1 orders in each format the migration reads, their snapshots, and a state file of them.
fn migration() -> Vec<Vec<u8>> {
    use typeinfo_serializers::kryo::{Generated, Kryo};
    use typeinfo_serializers::state::StateWriter;
    use typeinfo_tests::migration::{sample_orders, v1 as old, v2 as new};
    let orders = sample_orders();
    let pojo = Pojo::default();
    let mut seeds: Vec<Vec<u8>> = orders
        .iter()
        .flat_map(|o| {
            [
                pojo.to_vec(o).expect("encodes"),
                Compact::default().to_vec(o).expect("encodes"),
                Generated::new(Kryo::default())
                    .expect("references are off")
                    .to_vec(o)
                    .expect("encodes"),
            ]
        })
        .collect();
    seeds.push(pojo.snapshot::<old::Order>().to_bytes());
    seeds.push(pojo.snapshot::<new::Order>().to_bytes());
    let mut writer = StateWriter::<_, _, old::Order>::new(Vec::new(), pojo).expect("a header");
    for order in &orders {
        writer.write(order).expect("writes");
    }
    seeds.push(writer.finish().expect("ends"));
    seeds
}

/// Snapshots of the test types in each format.
fn snapshots() -> Vec<Vec<u8>> {
    use typeinfo_serializers::kryo::{Generated, Kryo};
    use typeinfo_tests::migration::{v1 as old, v2 as new};
    let kryo = Generated::new(Kryo::default()).expect("references are off");
    vec![
        Pojo::default().snapshot::<old::Order>().to_bytes(),
        Compact::default().snapshot::<new::Order>().to_bytes(),
        kryo.snapshot::<old::Tree>().to_bytes(),
        Pojo::default().snapshot::<Everything>().to_bytes(),
        Pojo::default().snapshot::<Tree>().to_bytes(),
    ]
}
