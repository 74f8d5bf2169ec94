//! An exactly-once file sink, in two phases as Flink's `TwoPhaseCommitSinkFunction`: what
//! a subtask receives between two barriers is one transaction, a file under `_pending/`.
//! At barrier `n` the file is synced and staged in checkpoint `n` (pre-commit); once `n`
//! is complete the file is renamed into the directory (commit). A reader of the directory
//! sees only files whose checkpoint completed: no duplicate and no gap after a restore,
//! which commits what the restored checkpoint (and those before it) staged and removes
//! every later pending file.
//! What follows the last barrier is committed when the whole job ends well.
//!
//! ```text
//! <dir>/<task>-<n>              committed: the records before barrier n (and after n - 1)
//! <dir>/_pending/<task>-<n>     written or staged, not yet committed
//! ```

use crate::checkpoint::{
    CheckpointCoordinator, Snapshotting, TaskCheckpoints, commit_file, file_safe, io_error,
};
use crate::communication::element::{CheckpointBarrier, LatencyMarker};
use crate::dataflow::operator::{End, Output};
use crate::dataflow::report::{SinkResult, TaskReport};
use crate::error::EngineError;
use std::fs::File;
use std::hash::Hash;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a sink writes one record into its file (its framing too: a line, a length).
pub type Encode<T> = Arc<dyn Fn(&T, &mut Vec<u8>) + Send + Sync>;

/// Bytes gathered before they are written to the open transaction's file.
const WRITE_AT: usize = 64 << 10;

/// How often a sink with staged files looks whether their checkpoint completed.
const COMMIT_POLL: Duration = Duration::from_millis(5);

pub(crate) struct TransactionalSink<T> {
    dir: PathBuf,
    /// The task's name as a file name.
    task: String,
    encode: Encode<T>,
    coordinator: Option<Arc<CheckpointCoordinator>>,
    /// The transaction being written: the checkpoint it goes into, and its file once the
    /// first record came.
    epoch: u64,
    file: Option<File>,
    buffer: Vec<u8>,
    /// Staged transactions, by the checkpoint that commits them.
    staged: Vec<u64>,
    next_poll: Instant,
    result: SinkResult,
}

impl<T> TransactionalSink<T> {
    /// The sink of `task` under `dir`; it commits what the restored checkpoint staged and
    /// removes whatever else this task left pending.
    pub(crate) fn new(
        dir: &Path,
        task: &str,
        encode: Encode<T>,
        checkpoints: &TaskCheckpoints,
    ) -> Result<Self, EngineError> {
        let pending = dir.join("_pending");
        std::fs::create_dir_all(&pending).map_err(|e| io_error(&pending, "cannot create", e))?;
        let sink = TransactionalSink {
            dir: dir.to_owned(),
            task: file_safe(task),
            encode,
            coordinator: checkpoints.coordinator.clone(),
            epoch: checkpoints.restored_id() + 1,
            file: None,
            buffer: Vec::new(),
            staged: Vec::new(),
            next_poll: Instant::now(),
            result: SinkResult::default(),
        };
        // A fresh start recovers too: it aborts what an attempt that failed before its
        // first checkpoint left pending.
        sink.recover(checkpoints.restored_id())?;
        Ok(sink)
    }

    /// Started from checkpoint `id` (0: from the start): commits this task's pending files of epochs up to
    /// `id` (each was staged by a checkpoint up to `id`, so all are complete, but the job
    /// may have failed before the rename) and aborts the later ones, which hold records
    /// after the checkpoint: those are written again.
    fn recover(&self, id: u64) -> Result<(), EngineError> {
        let pending = self.dir.join("_pending");
        let entries =
            std::fs::read_dir(&pending).map_err(|e| io_error(&pending, "cannot list", e))?;
        let prefix = format!("{}-", self.task);
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&pending, "cannot list", e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(epoch) = name
                .strip_prefix(&prefix)
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            if epoch <= id {
                self.commit(epoch)?;
            } else {
                std::fs::remove_file(entry.path())
                    .map_err(|e| io_error(&entry.path(), "cannot abort", e))?;
            }
        }
        Ok(())
    }

    fn name(&self, epoch: u64) -> String {
        format!("{}-{epoch}", self.task)
    }

    fn pending(&self, epoch: u64) -> PathBuf {
        self.dir.join("_pending").join(self.name(epoch))
    }

    fn write_buffer(&mut self) -> Result<(), EngineError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let path = self.pending(self.epoch);
        let file = match &mut self.file {
            Some(file) => file,
            None => self
                .file
                .insert(File::create(&path).map_err(|e| io_error(&path, "cannot create", e))?),
        };
        file.write_all(&self.buffer)
            .map_err(|e| io_error(&path, "cannot write", e))?;
        self.buffer.clear();
        Ok(())
    }

    /// Ends the open transaction: its file synced, or none if it got no record. Returns
    /// the epoch it had if there is a file to commit.
    fn close(&mut self) -> Result<Option<u64>, EngineError> {
        self.write_buffer()?;
        let epoch = self.epoch;
        let Some(file) = self.file.take() else {
            return Ok(None);
        };
        file.sync_all()
            .map_err(|e| io_error(&self.pending(epoch), "cannot sync", e))?;
        Ok(Some(epoch))
    }

    fn commit(&self, epoch: u64) -> Result<(), EngineError> {
        commit_file(&self.pending(epoch), &self.dir.join(self.name(epoch)))
    }

    /// Commits every staged transaction whose checkpoint completed.
    fn commit_completed(&mut self) -> Result<(), EngineError> {
        let Some(coordinator) = &self.coordinator else {
            return Ok(());
        };
        let complete = coordinator.last_complete();
        let mut kept = Vec::new();
        for epoch in std::mem::take(&mut self.staged) {
            if epoch <= complete {
                self.commit(epoch)?;
            } else {
                kept.push(epoch);
            }
        }
        self.staged = kept;
        Ok(())
    }
}

impl<T: Hash + Send> Output<T> for TransactionalSink<T> {
    fn collect(&mut self, record: T) -> Result<(), EngineError> {
        self.result.add(&record);
        (self.encode)(&record, &mut self.buffer);
        if self.buffer.len() >= WRITE_AT {
            self.write_buffer()?;
        }
        Ok(())
    }
    fn watermark(&mut self, _: i64) -> Result<(), EngineError> {
        Ok(())
    }
    fn latency(&mut self, marker: LatencyMarker) -> Result<(), EngineError> {
        self.result.latencies.record(marker.age_nanos());
        Ok(())
    }
    /// Pre-commits: the records before the barrier are staged in its checkpoint.
    fn checkpoint(
        &mut self,
        barrier: CheckpointBarrier,
        snapshot: &mut Snapshotting<'_>,
    ) -> Result<(), EngineError> {
        if !snapshot.checkpointing() {
            return Ok(());
        }
        self.epoch = barrier.id;
        if let Some(epoch) = self.close()? {
            snapshot.stage(self.name(epoch));
            self.staged.push(epoch);
        }
        self.epoch = barrier.id + 1;
        Ok(())
    }
    fn flush_deadline(&self) -> Option<Instant> {
        (!self.staged.is_empty()).then_some(self.next_poll)
    }
    fn flush_if_due(&mut self, now: Instant) -> Result<(), EngineError> {
        if !self.staged.is_empty() && now >= self.next_poll {
            self.next_poll = now + COMMIT_POLL;
            self.commit_completed()?;
        }
        Ok(())
    }
    /// What follows the last barrier commits when the job ends well; staged transactions
    /// whose checkpoint has not completed yet commit then too (no later checkpoint will).
    /// Stopped after a savepoint, only what complete checkpoints cover is committed.
    fn finish(mut self: Box<Self>, end: End, report: &mut TaskReport) -> Result<(), EngineError> {
        self.commit_completed()?;
        let last = self.close()?;
        if end == End::Input {
            let left: Vec<u64> = self.staged.iter().copied().chain(last).collect();
            for epoch in left {
                let (staged, committed) = (self.pending(epoch), self.dir.join(self.name(epoch)));
                match &self.coordinator {
                    Some(c) => c.commit_at_success(staged, committed),
                    None => commit_file(&staged, &committed)?,
                }
            }
        }
        report.sink = Some(std::mem::take(&mut self.result));
        Ok(())
    }
}
