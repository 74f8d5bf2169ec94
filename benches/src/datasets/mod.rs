//! Built-in datasets, generated from a fixed seed so every run measures the same bytes.
//!
//! `log` (web server log lines) and `mesh` (triangles) follow the standard Rust
//! serialization benchmark (rust_serialization_benchmark), serialized as one value each;
//! `app-events` (a mobile-analytics upload: optional fields, maps, tagged unions),
//! `game-sessions` (levels and payments: numbers in nested lists) and `flink-mini` (the
//! nested record of Flink's serialization benchmarks) are serialized per record. Each record
//! type derives our `TypeInfo`, bincode 2's and bitcode's own `Encode`/`Decode` (so
//! comparisons use their fastest paths, not serde adapters) and serde's traits (for postcard
//! and the other serde formats).

pub mod app_events;
pub mod factories;
pub mod flink_mini;
pub mod game_sessions;
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

/// A built-in dataset, by the name reports and flags use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetKind {
    Log,
    Mesh,
    AppEvents,
    GameSessions,
    FlinkMini,
}

impl DatasetKind {
    pub const ALL: [DatasetKind; 5] = [
        DatasetKind::Log,
        DatasetKind::Mesh,
        DatasetKind::AppEvents,
        DatasetKind::GameSessions,
        DatasetKind::FlinkMini,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DatasetKind::Log => "log",
            DatasetKind::Mesh => "mesh",
            DatasetKind::AppEvents => "app-events",
            DatasetKind::GameSessions => "game-sessions",
            DatasetKind::FlinkMini => "flink-mini",
        }
    }

    /// The dataset called `name`, or `None`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Records at the reference size.
    pub fn default_len(self) -> usize {
        match self {
            DatasetKind::Log => log::DEFAULT_LEN,
            DatasetKind::Mesh => mesh::DEFAULT_LEN,
            DatasetKind::AppEvents => app_events::DEFAULT_LEN,
            DatasetKind::GameSessions => game_sessions::DEFAULT_LEN,
            DatasetKind::FlinkMini => flink_mini::DEFAULT_LEN,
        }
    }

    /// Whether records are encoded one by one, as between operators (else the dataset is
    /// one value, as in the reference Rust benchmark).
    pub fn per_record(self) -> bool {
        !matches!(self, DatasetKind::Log | DatasetKind::Mesh)
    }
}
