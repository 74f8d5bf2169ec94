//! A task's part in one checkpoint: what its chain writes at the barrier, acknowledged
//! once the barrier has passed the whole chain.

use super::coordinator::CheckpointCoordinator;
use super::metadata::{StateFile, TaskSnapshot};
use super::restore::Restore;
use crate::communication::element::CheckpointBarrier;
use crate::error::EngineError;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// What the operators of one task write for the checkpoint of one barrier, passed down
/// the chain with it (`Output::checkpoint`). Without checkpoints (barriers only) there is
/// nowhere to write, and operators only pass the barrier on.
pub struct Snapshotting<'a> {
    coordinator: Option<&'a CheckpointCoordinator>,
    id: u64,
    dir: Option<PathBuf>,
    states: Vec<StateFile>,
    staged: Vec<String>,
}

impl<'a> Snapshotting<'a> {
    /// The snapshot of checkpoint `barrier.id` by a task of a job whose checkpoints
    /// `coordinator` gathers; `None`: a job that only cuts barriers.
    pub fn new(coordinator: Option<&'a CheckpointCoordinator>, barrier: CheckpointBarrier) -> Self {
        Snapshotting {
            coordinator,
            id: barrier.id,
            dir: None,
            states: Vec::new(),
            staged: Vec::new(),
        }
    }

    /// Where to write state files (created on first use), or `None` when the job takes no
    /// checkpoints.
    pub fn dir(&mut self) -> Result<Option<&Path>, EngineError> {
        let Some(coordinator) = self.coordinator else {
            return Ok(None);
        };
        if self.dir.is_none() {
            self.dir = Some(coordinator.task_dir(self.id)?);
        }
        Ok(self.dir.as_deref())
    }

    /// Files written into [`Snapshotting::dir`].
    pub fn add(&mut self, files: Vec<StateFile>) {
        self.states.extend(files);
    }

    /// Whether the job takes checkpoints (else barriers only cut the stream).
    pub fn checkpointing(&self) -> bool {
        self.coordinator.is_some()
    }

    /// A sink's output staged before the barrier, to commit when the checkpoint completes.
    pub fn stage(&mut self, file: String) {
        self.staged.push(file);
    }

    /// Acknowledges the checkpoint for `task` (a source with its offset).
    pub(crate) fn acknowledge(
        self,
        task: &str,
        barrier: CheckpointBarrier,
        source_offset: Option<u64>,
    ) -> Result<(), EngineError> {
        let Some(coordinator) = self.coordinator else {
            return Ok(());
        };
        coordinator.acknowledge(
            barrier.id,
            barrier.timestamp_millis,
            TaskSnapshot {
                task: task.to_owned(),
                source_offset,
                finished: false,
                states: self.states,
                staged: self.staged,
            },
        )
    }
}

/// What a task needs to take part in checkpoints: its name and the job's coordinator
/// (none when the job cuts barriers without checkpoints).
#[derive(Clone)]
pub struct TaskCheckpoints {
    pub(crate) task: Arc<str>,
    pub(crate) coordinator: Option<Arc<CheckpointCoordinator>>,
    /// The checkpoint the job starts from, if it restores one.
    pub(crate) restore: Option<Arc<Restore>>,
    /// When a source of this run of the job first emitted a record: a restarted job's
    /// recovery ends there.
    pub(crate) first_record: Option<Arc<OnceLock<Instant>>>,
    /// For a source subtask of a job stopping with a savepoint: how many records it
    /// emits before it cuts the savepoint.
    pub(crate) savepoint_after: Option<u64>,
}

impl TaskCheckpoints {
    /// The id of the checkpoint restored (0: none): sources number barriers after it.
    pub(crate) fn restored_id(&self) -> u64 {
        self.restore.as_ref().map_or(0, |r| r.checkpoint())
    }

    /// What this task acknowledged in the restored checkpoint, if the job restores one.
    pub(crate) fn restored(&self) -> Result<Option<&TaskSnapshot>, EngineError> {
        self.restore
            .as_ref()
            .map(|r| r.task(&self.task))
            .transpose()
    }

    /// The restored checkpoint's directory and the files of `operator` in this task.
    pub(crate) fn restored_states(
        &self,
        operator: &str,
    ) -> Result<Option<(&Path, Vec<StateFile>)>, EngineError> {
        match &self.restore {
            None => Ok(None),
            Some(r) => Ok(Some((r.dir(), r.states_of(&self.task, operator)?))),
        }
    }

    /// A source emitted its first record.
    pub(crate) fn first_record(&self) {
        if let Some(first) = &self.first_record {
            let _ = first.set(Instant::now());
        }
    }

    /// Passes `barrier` down `chain` and acknowledges what it wrote.
    pub(crate) fn cut<T>(
        &self,
        barrier: CheckpointBarrier,
        chain: &mut dyn crate::dataflow::operator::Output<T>,
        source_offset: Option<u64>,
    ) -> Result<(), EngineError> {
        let mut snapshot = Snapshotting::new(self.coordinator.as_deref(), barrier);
        chain.checkpoint(barrier, &mut snapshot)?;
        snapshot.acknowledge(&self.task, barrier, source_offset)
    }

    /// The task ended after barrier `last_barrier`.
    pub(crate) fn ended(
        &self,
        source_offset: Option<u64>,
        last_barrier: u64,
    ) -> Result<(), EngineError> {
        match &self.coordinator {
            Some(c) => c.task_ended(&self.task, source_offset, last_barrier),
            None => Ok(()),
        }
    }
}
