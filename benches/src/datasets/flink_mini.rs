//! `flink-mini`: nested event records (20,000 by default), the record of Flink's
//! `SerializationFrameworkMiniBenchmarks` in Rust: `MyPojo { id, name, operationNames,
//! operations, otherId1..3, someObject }` with `MyOperation { id, name }`. Records travel one
//! by one, as between operators, so this dataset is measured per record.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

record! {
    /// One event.
    #[derive(Hash)]
    pub struct Event {
        pub id: i32,
        pub name: String,
        pub operation_names: Vec<String>,
        pub operations: Vec<Operation>,
        pub other_id1: i32,
        pub other_id2: i32,
        pub other_id3: i32,
        /// Flink's `Object someObject`: a type typeinfo cannot see into.
        #[typeinfo(generic)]
        pub some_object: Payload,
    }
}

record! {
    /// One operation of an event.
    #[derive(Hash)]
    pub struct Operation {
        pub id: i32,
        pub name: String,
    }
}

/// What an event carries that has no `TypeInfo`: it goes through serde wherever it lands.
#[derive(
    bincode::Encode,
    bincode::Decode,
    bitcode::Encode,
    bitcode::Decode,
    wincode::SchemaWrite,
    wincode::SchemaRead,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Serialize,
    Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub enum Payload {
    Nothing,
    Note(String),
    Metric { name: String, value: f64 },
}

/// By the float's bits: the checksum of a job's sink tells whether records arrived as sent.
impl Hash for Payload {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Payload::Nothing => {}
            Payload::Note(note) => note.hash(state),
            Payload::Metric { name, value } => {
                name.hash(state);
                value.to_bits().hash(state);
            }
        }
    }
}

/// The dataset: the events, each serialized on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    pub events: Vec<Event>,
}

/// Records per run: as many as a few network buffers' worth in Flink's benchmark.
pub const DEFAULT_LEN: usize = 20_000;

const NAMES: [&str; 6] = ["click", "view", "purchase", "login", "logout", "search"];
const OPERATIONS: [&str; 5] = ["map", "filter", "keyBy", "window", "reduce"];

/// `len` events from `seed`.
pub fn generate(seed: u64, len: usize) -> Events {
    let mut rng = super::rng(seed);
    Events {
        events: (0..len).map(|i| event(&mut rng, i as i32)).collect(),
    }
}

fn event(rng: &mut Pcg64Mcg, id: i32) -> Event {
    let operations: Vec<Operation> = (0..rng.random_range(1..5))
        .map(|_| Operation {
            id: rng.random_range(0..1_000),
            name: OPERATIONS[rng.random_range(0..OPERATIONS.len())].to_owned(),
        })
        .collect();
    Event {
        id,
        name: format!(
            "{}-{}",
            NAMES[rng.random_range(0..NAMES.len())],
            rng.random_range(0..10_000u32)
        ),
        operation_names: operations.iter().map(|o| o.name.clone()).collect(),
        operations,
        other_id1: rng.random(),
        other_id2: rng.random_range(0..100),
        other_id3: rng.random_range(-100..100),
        some_object: match rng.random_range(0..3u8) {
            0 => Payload::Nothing,
            1 => Payload::Note(format!("note {}", rng.random_range(0..100u32))),
            _ => Payload::Metric {
                name: "latency".into(),
                value: rng.random_range(0.0..1000.0),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_events() {
        assert_eq!(generate(1, 50), generate(1, 50));
        assert_ne!(generate(1, 50), generate(2, 50));
        let events = generate(super::super::SEED, 200);
        assert!(events.events.iter().all(|e| !e.operations.is_empty()));
        assert!(
            events
                .events
                .iter()
                .any(|e| matches!(e.some_object, Payload::Metric { .. }))
        );
    }
}
