//! `flink-mini`: the shape of Flink's `SerializationFrameworkMiniBenchmarks`: sources emit
//! records with an int id, a name, an array of strings, an array of nested {id, name}
//! records and three more ints; parallelism 4; rebalance into a sink that keeps nothing.
//! Flink 1.10 on its benchmark machines: Tuple 1,158, POJO 813, Avro generic 665, Kryo
//! registered 294, Kryo default 206 ops/ms.

use super::{JobFormat, class};
use serde::{Deserialize, Serialize};
use typeinfo::TypeInfo;
use typeinfo_engine::{Emission, EngineError, JobBuilder, JobGraph, Partitioner};

/// Flink's `MyPojo` (its `someObject` field is always null there and is left out).
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct MyPojo {
    pub id: i32,
    pub name: String,
    pub operation_names: Vec<String>,
    pub operations: Vec<MyOperation>,
    pub other_id1: i32,
    pub other_id2: i32,
    pub other_id3: i32,
}

/// Flink's `MyOperation`.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct MyOperation {
    pub id: i32,
    pub name: String,
}

/// The ten records Flink's `PojoSource` cycles through, with `id` running on.
fn template(i: i32) -> MyPojo {
    let k = i % 10;
    MyPojo {
        id: i,
        name: format!("myName{k}"),
        operation_names: (1..=4).map(|n| format!("op{n}")).collect(),
        operations: (1..=3)
            .map(|n| MyOperation {
                id: n + k,
                name: format!("op{n}"),
            })
            .collect(),
        other_id1: 1,
        other_id2: 2,
        other_id3: 3,
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
    let serializer = format.serializer::<MyPojo>(&[class::<MyPojo>(), class::<MyOperation>()])?;
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
