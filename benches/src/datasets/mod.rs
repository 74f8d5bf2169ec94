//! Built-in datasets, generated from a fixed seed so every run measures the same bytes.
//!
//! `log` (web server log lines) and `mesh` (triangles) follow the standard Rust
//! serialization benchmark (rust_serialization_benchmark), serialized as one value each;
//! `events` is the nested record of Flink's serialization benchmarks and `app-events` a
//! mobile-analytics upload (optional fields, maps, tagged unions), both serialized per record. Each record type derives our
//! `TypeInfo`, bincode 2's own `Encode`/`Decode` (so comparisons use bincode's fastest path,
//! not its serde adapter) and serde's traits (for postcard and the other serde formats).

pub mod app_events;
pub mod events;
pub mod log;
pub mod mesh;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The seed of every built-in dataset.
pub const SEED: u64 = 0x7479_7065_696e_666f; // "typeinfo"

/// The deterministic generator behind the datasets (PCG, as the reference benchmark uses).
pub fn rng(seed: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(seed)
}
