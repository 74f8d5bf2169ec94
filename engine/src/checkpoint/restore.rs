//! Starting a job again from a complete checkpoint: what each task finds of itself there.

use super::metadata::{Metadata, StateFile, TaskSnapshot};
use super::{METADATA, checkpoint_dir};
use crate::error::EngineError;
use std::path::{Path, PathBuf};

/// A complete checkpoint a job starts from.
#[derive(Debug)]
pub struct Restore {
    dir: PathBuf,
    metadata: Metadata,
}

impl Restore {
    /// Checkpoint `id` under the checkpoint directory `dir`, read and checked.
    pub fn open(dir: &Path, id: u64) -> Result<Self, EngineError> {
        let dir = checkpoint_dir(dir, id);
        let metadata = Metadata::read(&dir.join(METADATA))?;
        Ok(Restore { dir, metadata })
    }

    /// Refuses a checkpoint whose tasks are not exactly `tasks`, the job's: state or
    /// offsets of a task the job no longer has would be dropped, and a task the checkpoint
    /// does not know would start empty.
    pub fn check_tasks(&self, tasks: &[String]) -> Result<(), EngineError> {
        let mut held: Vec<&str> = self
            .metadata
            .tasks
            .iter()
            .map(|t| t.task.as_str())
            .collect();
        let mut wanted: Vec<&str> = tasks.iter().map(String::as_str).collect();
        held.sort_unstable();
        wanted.sort_unstable();
        if held == wanted {
            return Ok(());
        }
        let missing: Vec<&str> = wanted
            .iter()
            .filter(|t| !held.contains(t))
            .copied()
            .collect();
        let extra: Vec<&str> = held
            .iter()
            .filter(|t| !wanted.contains(t))
            .copied()
            .collect();
        Err(EngineError::Checkpoint {
            path: self.dir.display().to_string(),
            detail: format!(
                "it holds other tasks than the job runs (the job's has none of {extra:?}; it \
                 has none of the job's {missing:?}): a job restores only from checkpoints of \
                 the same stages and parallelism"
            ),
        })
    }

    pub fn checkpoint(&self) -> u64 {
        self.metadata.checkpoint
    }

    /// The checkpoint's directory, where its state files are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What `task` acknowledged; a task the checkpoint does not know is refused (the job
    /// changed its shape since).
    pub fn task(&self, task: &str) -> Result<&TaskSnapshot, EngineError> {
        self.metadata
            .tasks
            .iter()
            .find(|t| t.task == task)
            .ok_or_else(|| EngineError::Checkpoint {
                path: self.dir.display().to_string(),
                detail: format!(
                    "it holds no task `{task}`: a job restores only from checkpoints of the \
                     same stages and parallelism"
                ),
            })
    }

    /// The state files of `operator` in `task`.
    pub fn states_of(&self, task: &str, operator: &str) -> Result<Vec<StateFile>, EngineError> {
        Ok(self
            .task(task)?
            .states
            .iter()
            .filter(|s| s.operator == operator)
            .cloned()
            .collect())
    }
}
