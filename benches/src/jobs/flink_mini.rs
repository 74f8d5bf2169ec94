//! `flink-mini`: the shape of Flink's `SerializationFrameworkMiniBenchmarks`: sources emit
//! records with an int id, a name, an array of strings, an array of nested {id, name}
//! records and three more ints; parallelism 4; rebalance into a sink that keeps nothing.
//! Flink 1.10 on its benchmark machines: Tuple 1,158, POJO 813, Avro generic 665, Kryo
//! registered 294, Kryo default 206 ops/ms.
//!
//! The records are the `flink-mini` dataset's [`Event`]s, Flink's `MyPojo`, with its
//! `someObject` null as in Flink's source ([`Payload::Nothing`]): the generic field still
//! costs what it costs there, a call outside the generated code for every record.

use super::{JobFormat, class};
use crate::datasets::flink_mini::{Event, Operation, Payload};
use typeinfo_engine::{Emission, EngineError, JobBuilder, JobGraph, Partitioner};

/// The ten records Flink's `PojoSource` cycles through, with `id` running on.
fn template(i: i32) -> Event {
    let k = i % 10;
    Event {
        id: i,
        name: format!("myName{k}"),
        operation_names: (1..=4).map(|n| format!("op{n}")).collect(),
        operations: (1..=3)
            .map(|n| Operation {
                id: n + k,
                name: format!("op{n}"),
            })
            .collect(),
        other_id1: 1,
        other_id2: 2,
        other_id3: 3,
        some_object: Payload::Nothing,
    }
}

/// The job: `records` in all over `parallelism` sources into as many sinks. Flink's shape
/// rebalances; `forward` instead connects source `i` to sink `i`, which with `chaining` runs
/// both in one chain with no serialization at all (the upper bound), and without it sends
/// the records over local forward channels.
pub fn job(
    format: &JobFormat,
    parallelism: usize,
    records: u64,
    forward: bool,
    chaining: bool,
) -> Result<JobGraph, EngineError> {
    let serializer = format.serializer::<Event>(&[class::<Event>(), class::<Operation>()])?;
    let per_source = records / parallelism.max(1) as u64;
    let partitioner = if forward {
        Partitioner::Forward
    } else {
        Partitioner::Rebalance
    };
    Ok(JobBuilder::new("flink-mini", chaining)
        .parameter("records", records)
        .source(
            "source",
            parallelism,
            move |subtask| {
                let first = (subtask as u64 * per_source) as i32;
                (0..per_source as i32).map(move |i| template(first + i))
            },
            None,
            Emission::default(),
        )
        .connect(partitioner, serializer, parallelism)
        .sink("discard"))
}
