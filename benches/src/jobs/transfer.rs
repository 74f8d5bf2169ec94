//! `transfer`: the network path with next to nothing else. Sources emit byte records of a
//! fixed size, rebalanced to as many sinks; with pojo a record is its bytes behind a length,
//! so what is measured is framing, buffers, channels and, over tcp, the connection: with
//! parallelism 2 on 2 task managers, half the records cross the one connection between
//! them, in each direction.

use super::JobFormat;
use typeinfo_engine::{Emission, EngineError, JobBuilder, JobGraph, Partitioner};

/// The job: `records` records of `record_bytes` bytes over `parallelism` sources and sinks.
pub fn job(
    format: &JobFormat,
    parallelism: usize,
    records: u64,
    record_bytes: usize,
) -> Result<JobGraph, EngineError> {
    let serializer = format.serializer::<Vec<u8>>(&[])?;
    let per_source = records / parallelism.max(1) as u64;
    Ok(JobBuilder::new("transfer", true)
        .parameter("records", records)
        .parameter("record_bytes", record_bytes)
        .source(
            "source",
            parallelism,
            move |subtask| {
                let template: Vec<u8> = (0..record_bytes).map(|i| (i + subtask) as u8).collect();
                (0..per_source).map(move |n| {
                    let mut record = template.clone();
                    if let Some(first) = record.first_mut() {
                        *first = n as u8;
                    }
                    record
                })
            },
            None,
            Emission::default(),
        )
        .connect(Partitioner::Rebalance, serializer, parallelism)
        .sink("sink"))
}
