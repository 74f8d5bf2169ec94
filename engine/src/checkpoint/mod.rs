//! Checkpoints: what every task wrote at barrier `n`, gathered into `chk-n/` under the job's
//! checkpoint directory and made complete by one rename.
//!
//! ```text
//! <dir>/chk-<n>/<task>-<operator>-<state>.state   keyed state, one state file each
//! <dir>/chk-<n>/_metadata                          written last, by rename
//! ```
//!
//! A task writes its state files at the barrier and acknowledges them (sources with their
//! offset: how many records they emitted before the barrier) to the
//! [`CheckpointCoordinator`]. When every task of the job has, the coordinator writes
//! `_metadata.tmp`, syncs it and renames it to `_metadata`: a directory without
//! `_metadata` is never a checkpoint, so a crash at any moment leaves nothing a restore
//! could take for one. It then keeps the last `retained` complete checkpoints and removes
//! the rest, and every unfinished one older than the newest complete.

mod coordinator;
mod metadata;
mod restore;
mod task;

pub use coordinator::{CheckpointCoordinator, CheckpointStats};
pub use metadata::{Metadata, StateFile, TaskSnapshot};
pub use restore::Restore;
pub use task::{Snapshotting, TaskCheckpoints};

use crate::error::EngineError;
use std::path::{Path, PathBuf};

/// How a failed job starts again: after `delay`, from its last complete checkpoint, at
/// most `attempts` times (Flink's fixed-delay restart strategy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestartStrategy {
    pub attempts: usize,
    pub delay: std::time::Duration,
}

/// Stop the job with a savepoint: once the sources have emitted `after_records` in all
/// (each its share), they cut one checkpoint into `dir`, and when it is complete every
/// task ends without firing what is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopWithSavepoint {
    pub dir: PathBuf,
    pub after_records: u64,
}

impl StopWithSavepoint {
    /// Source subtask `subtask` of `parallelism`'s share of the records.
    pub fn share(&self, subtask: usize, parallelism: usize) -> u64 {
        let n = parallelism as u64;
        self.after_records / n + u64::from((subtask as u64) < self.after_records % n)
    }
}

/// Where checkpoints go and how many are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointConfig {
    pub dir: PathBuf,
    /// Complete checkpoints kept (at least 1).
    pub retained: usize,
}

impl CheckpointConfig {
    /// Checkpoints under `dir`, the last `retained` of them kept.
    pub fn new(dir: impl Into<PathBuf>, retained: usize) -> Result<Self, EngineError> {
        if retained == 0 {
            return Err(EngineError::Config {
                key: "checkpoints retained".into(),
                value: "0".into(),
                allowed: "at least 1: a job keeps the checkpoint it would restore".into(),
            });
        }
        Ok(CheckpointConfig {
            dir: dir.into(),
            retained,
        })
    }
}

/// The directory of checkpoint `id` under `dir`.
pub fn checkpoint_dir(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("chk-{id}"))
}

/// The name of a complete checkpoint's metadata in its directory.
pub const METADATA: &str = "_metadata";

/// The checkpoint ids under `dir`, complete or not, in order.
fn checkpoint_ids(dir: &Path) -> Result<Vec<(u64, bool)>, EngineError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(dir, "cannot list", e)),
    };
    let mut ids = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error(dir, "cannot list", e))?;
        let name = entry.file_name();
        let Some(id) = name
            .to_str()
            .and_then(|n| n.strip_prefix("chk-"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        ids.push((id, entry.path().join(METADATA).is_file()));
    }
    ids.sort_unstable();
    Ok(ids)
}

/// The newest complete checkpoint under `dir`, read and checked, if there is one.
pub fn latest_complete(dir: &Path) -> Result<Option<Metadata>, EngineError> {
    latest_complete_id(dir)?
        .map(|id| Metadata::read(&checkpoint_dir(dir, id).join(METADATA)))
        .transpose()
}

/// The id of the newest complete checkpoint under `dir`, if there is one.
pub fn latest_complete_id(dir: &Path) -> Result<Option<u64>, EngineError> {
    Ok(checkpoint_ids(dir)?
        .into_iter()
        .rev()
        .find(|&(_, complete)| complete)
        .map(|(id, _)| id))
}

/// Why a checkpoint's (or a sink's) file at `path` cannot be written or read.
pub(crate) fn checkpoint_error(path: &Path, detail: impl std::fmt::Display) -> EngineError {
    EngineError::Checkpoint {
        path: path.display().to_string(),
        detail: detail.to_string(),
    }
}

/// `what` failed at `path` with `e`.
pub(crate) fn io_error(path: &Path, what: &str, e: std::io::Error) -> EngineError {
    checkpoint_error(path, format!("{what}: {e}"))
}

/// Makes `staged` visible as `committed` by one rename, synced so that a crash leaves it
/// either staged or committed, never half of it.
pub(crate) fn commit_file(staged: &Path, committed: &Path) -> Result<(), EngineError> {
    std::fs::rename(staged, committed).map_err(|e| io_error(staged, "cannot commit", e))?;
    if let Some(dir) = committed.parent() {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_error(dir, "cannot sync", e))?;
    }
    Ok(())
}

/// `name` as a part of a file name on any system: ASCII letters, digits and `-` as they
/// are, every other byte (`_` too) as `_` and two hex digits, so that two names never make
/// one file name (`a→b` and `a_b` stay apart).
pub(crate) fn file_safe(name: &str) -> String {
    let mut safe = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' {
            safe.push(char::from(byte));
        } else {
            safe.push_str(&format!("_{byte:02x}"));
        }
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::file_safe;

    #[test]
    fn file_names_of_different_names_differ() {
        assert_eq!(file_safe("minute[0]"), "minute_5b0_5d");
        let names = ["a→b", "a_b", "a b", "a_20b", "ab", "a-b"];
        let safe: std::collections::HashSet<String> = names.iter().map(|n| file_safe(n)).collect();
        assert_eq!(safe.len(), names.len(), "{safe:?}");
    }
}
