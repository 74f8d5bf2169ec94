//! Keyed state, scoped to the current key as in Flink: [`ValueState`], [`ListState`] and
//! [`MapState`] handles that an operator creates from its [`KeyedStateBackend`], each value
//! also under a namespace (the window it belongs to, or `()`).
//!
//! Two backends, chosen per job ([`StateBackend`]):
//! - `heap` keeps objects in maps; nothing is serialized while the job runs (Flink's
//!   `HashMapStateBackend`).
//! - `disk` keeps every value in an embedded LSM store (fjall), so every access encodes the
//!   key canonically and encodes or decodes the value in the job's format (Flink's RocksDB
//!   backend). The store is private to one operator subtask and removed when it ends.
//!
//! On disk a value lives at `state id (1 byte) ‖ namespace (ordered bytes) ‖ u32 key length
//! ‖ key (pojo)` and, for map state, `‖ user key (pojo)`; big-endian namespaces keep each
//! state's windows in time order, so firing the due windows is one range scan. Key types
//! whose equal values could encode differently are refused when the backend opens.

#[macro_use]
mod backed;
mod backend;
mod disk;
mod heap;
mod key;
mod list;
mod map;
mod snapshot;
mod value;

pub use backend::{CurrentKey, KeyedStateBackend, StateMetrics};
pub use key::{Namespace, StateKey};
pub use list::ListState;
pub use map::MapState;
pub use snapshot::{CheckpointedState, EntryReader, EntryWriter};
pub use value::ValueState;

use crate::error::EngineError;
use std::path::{Path, PathBuf};

/// Where an operator's keyed state lives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StateBackend {
    /// Objects on the heap.
    #[default]
    Heap,
    /// An embedded on-disk store under `dir` (each subtask makes its own directory there).
    Disk { dir: PathBuf },
}

impl StateBackend {
    /// The names [`StateBackend::parse`] takes.
    pub const NAMES: &'static str = "heap, disk";

    /// `heap` or `disk`; `disk` keeps its stores under `dir`, or the system's temporary
    /// directory when none is given.
    pub fn parse(name: &str, dir: Option<&Path>) -> Result<Self, EngineError> {
        match name {
            "heap" => match dir {
                None => Ok(StateBackend::Heap),
                Some(dir) => Err(EngineError::Config {
                    key: "state_dir".into(),
                    value: dir.display().to_string(),
                    allowed: "only with the disk state backend".into(),
                }),
            },
            "disk" => Ok(StateBackend::Disk {
                dir: dir.map_or_else(std::env::temp_dir, Path::to_path_buf),
            }),
            other => Err(EngineError::Config {
                key: "state_backend".into(),
                value: other.into(),
                allowed: format!("one of {}", Self::NAMES),
            }),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            StateBackend::Heap => "heap",
            StateBackend::Disk { .. } => "disk",
        }
    }
}
