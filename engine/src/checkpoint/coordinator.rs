//! Gathering acknowledgements: a checkpoint is complete when every task of the job has
//! acknowledged it, and only then gets its `_metadata`.

use super::metadata::{Metadata, TaskSnapshot};
use super::{CheckpointConfig, METADATA, checkpoint_dir, checkpoint_ids, io_error};
use crate::communication::control::JobControl;
use crate::communication::live::{Metric, Registry};
use crate::error::EngineError;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use typeinfo::TypeInfo;

/// What the checkpoints of a job did.
#[derive(TypeInfo, Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckpointStats {
    pub completed: u64,
    /// From the first acknowledgement (a source's, as it cuts) to the `_metadata` rename:
    /// summed, the most and the last.
    pub duration_total: Duration,
    pub duration_max: Duration,
    pub last_duration: Duration,
    /// The state files of the last complete checkpoint, in bytes.
    pub last_bytes: u64,
    /// The state files of every complete checkpoint, in bytes.
    pub bytes_total: u64,
    /// The last complete checkpoint's id (0: none).
    pub last_id: u64,
}

impl CheckpointStats {
    /// Adds what a later run of the same job did (after a restart).
    pub fn merge(&mut self, later: &CheckpointStats) {
        self.completed += later.completed;
        self.duration_total += later.duration_total;
        self.duration_max = self.duration_max.max(later.duration_max);
        self.bytes_total += later.bytes_total;
        if later.completed > 0 {
            self.last_duration = later.last_duration;
            self.last_bytes = later.last_bytes;
            self.last_id = later.last_id;
        }
    }
}

/// Collects the tasks' acknowledgements of one job and completes its checkpoints.
pub struct CheckpointCoordinator {
    config: CheckpointConfig,
    tasks: usize,
    inner: Mutex<Inner>,
    /// The last complete checkpoint, read by sinks waiting to commit (0: none).
    last_complete: AtomicU64,
    /// A savepoint: when this checkpoint completes, the job stops.
    stop_at: Option<(u64, JobControl)>,
}

#[derive(Default)]
struct Inner {
    pending: BTreeMap<u64, Pending>,
    /// Tasks that ended, and the last barrier each saw: they acknowledge every later
    /// checkpoint as finished (sources with their last offset).
    ended: Vec<(TaskSnapshot, u64)>,
    stats: CheckpointStats,
    failed: Option<String>,
    /// Files sinks staged after their last checkpoint: committed (renamed from the first
    /// path to the second) only when the whole job ends well.
    at_success: Vec<(PathBuf, PathBuf)>,
}

struct Pending {
    timestamp_millis: i64,
    /// When the first acknowledgement came: sources acknowledge as they cut, so this is
    /// the cut, measured finer than the barrier's millisecond timestamp.
    started: Instant,
    acks: Vec<TaskSnapshot>,
}

impl CheckpointCoordinator {
    /// Checkpoints of a job of `tasks` subtasks in all, in `config.dir` (created).
    pub fn new(config: CheckpointConfig, tasks: usize) -> Result<Self, EngineError> {
        std::fs::create_dir_all(&config.dir)
            .map_err(|e| io_error(&config.dir, "cannot create", e))?;
        Ok(CheckpointCoordinator {
            config,
            tasks,
            inner: Mutex::default(),
            last_complete: AtomicU64::new(0),
            stop_at: None,
        })
    }

    /// Where a task writes its files for checkpoint `id` (created).
    pub fn task_dir(&self, id: u64) -> Result<PathBuf, EngineError> {
        let dir = checkpoint_dir(&self.config.dir, id);
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, "cannot create", e))?;
        Ok(dir)
    }

    /// A task's snapshot for checkpoint `id` (cut at `timestamp_millis`); completes it when
    /// it is the last one missing.
    pub fn acknowledge(
        &self,
        id: u64,
        timestamp_millis: i64,
        snapshot: TaskSnapshot,
    ) -> Result<(), EngineError> {
        let mut inner = self.lock();
        if self.last_complete() >= id {
            // Subsumed: a later checkpoint completed first (a task that lagged).
            return Ok(());
        }
        let ended = inner.ended.clone();
        let pending = inner.pending.entry(id).or_insert_with(|| Pending {
            timestamp_millis,
            started: Instant::now(),
            acks: ended
                .iter()
                .filter(|(_, last)| *last < id)
                .map(|(task, _)| task.clone())
                .collect(),
        });
        if pending.acks.iter().any(|a| a.task == snapshot.task) {
            return Err(EngineError::Checkpoint {
                path: checkpoint_dir(&self.config.dir, id).display().to_string(),
                detail: format!("task {} acknowledged it twice", snapshot.task),
            });
        }
        pending.acks.push(snapshot);
        self.complete_ready(&mut inner)
    }

    /// A task ended after seeing barrier `last_barrier` (a source after emitting
    /// `source_offset` records): it holds up no later checkpoint.
    pub fn task_ended(
        &self,
        task: &str,
        source_offset: Option<u64>,
        last_barrier: u64,
    ) -> Result<(), EngineError> {
        let ended = TaskSnapshot {
            task: task.to_owned(),
            source_offset,
            finished: true,
            states: Vec::new(),
            staged: Vec::new(),
        };
        let mut inner = self.lock();
        for (&id, pending) in inner.pending.iter_mut() {
            if id > last_barrier && !pending.acks.iter().any(|a| a.task == task) {
                pending.acks.push(ended.clone());
            }
        }
        inner.ended.push((ended, last_barrier));
        self.complete_ready(&mut inner)
    }

    /// Publishes what the checkpoints of job `job` did under `registry`.
    pub fn watched_by(self: &Arc<Self>, registry: &Registry, job: &str) {
        let series: [(&'static Metric, Figure); 5] = [
            (&COMPLETED, |s| s.completed as f64),
            (&DURATION, |s| s.duration_total.as_secs_f64()),
            (&LAST_DURATION, |s| s.last_duration.as_secs_f64()),
            (&SIZE, |s| s.bytes_total as f64),
            (&LAST_SIZE, |s| s.last_bytes as f64),
        ];
        for (metric, figure) in series {
            let coordinator = self.clone();
            registry.register(metric, &[("job", job)], move || {
                figure(&coordinator.stats())
            });
        }
    }

    /// What the job's checkpoints did so far.
    pub fn stats(&self) -> CheckpointStats {
        self.lock().stats.clone()
    }

    /// A coordinator of a job restored from checkpoint `id`: its checkpoints come after.
    pub fn resumed_after(self, id: u64) -> Self {
        self.last_complete.store(id, Ordering::Release);
        self
    }

    /// Stops the job through `control` once checkpoint `id` (a savepoint) is complete.
    pub fn stopping_at(mut self, id: u64, control: JobControl) -> Self {
        self.stop_at = Some((id, control));
        self
    }

    /// The last complete checkpoint's id (0: none yet).
    pub fn last_complete(&self) -> u64 {
        self.last_complete.load(Ordering::Acquire)
    }

    /// Commits `staged` (renames it to `committed`) when the job ends well: what a sink
    /// wrote after its last checkpoint belongs to no checkpoint that could complete.
    pub fn commit_at_success(&self, staged: PathBuf, committed: PathBuf) {
        self.lock().at_success.push((staged, committed));
    }

    /// The job ended: with `succeeded`, commits what sinks staged for the end; removes the
    /// checkpoints that never completed (the job ended before they could).
    pub fn finish(&self, succeeded: bool) -> Result<CheckpointStats, EngineError> {
        let mut inner = self.lock();
        if let Some(failed) = &inner.failed {
            return Err(EngineError::Checkpoint {
                path: self.config.dir.display().to_string(),
                detail: failed.clone(),
            });
        }
        if succeeded {
            for (staged, committed) in std::mem::take(&mut inner.at_success) {
                super::commit_file(&staged, &committed)?;
            }
        }
        self.prune(inner.stats.last_id, true)?;
        Ok(inner.stats.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A task that panicked while holding it left nothing half-done: acks are pushed
        // whole, and completing writes files before it changes anything here.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Completes, in order, every pending checkpoint every task acknowledged.
    fn complete_ready(&self, inner: &mut Inner) -> Result<(), EngineError> {
        let ready: Vec<u64> = inner
            .pending
            .iter()
            .filter(|(_, p)| p.acks.len() == self.tasks)
            .map(|(&id, _)| id)
            .collect();
        for id in ready {
            let pending = inner.pending.remove(&id).expect("listed above");
            let started = pending.started;
            let metadata = Metadata {
                checkpoint: id,
                timestamp_millis: pending.timestamp_millis,
                tasks: pending.acks,
            };
            // Tasks without state wrote nothing: the directory may not exist yet.
            let path = self.task_dir(id).map(|dir| dir.join(METADATA));
            if let Err(e) = path.and_then(|path| metadata.write(&path)) {
                inner.failed = Some(e.to_string());
                return Err(e);
            }
            let duration = started.elapsed();
            let bytes = metadata.state_bytes();
            let stats = &mut inner.stats;
            stats.completed += 1;
            stats.duration_total += duration;
            stats.duration_max = stats.duration_max.max(duration);
            stats.last_duration = duration;
            stats.last_bytes = bytes;
            stats.bytes_total += bytes;
            stats.last_id = id;
            self.last_complete.store(id, Ordering::Release);
            if let Some((_, control)) = self.stop_at.as_ref().filter(|(at, _)| *at == id) {
                control.stop();
            }
            // Older pending checkpoints are subsumed by this one.
            inner.pending.retain(|&p, _| p > id);
            self.prune(id, false)?;
        }
        Ok(())
    }

    /// Keeps the last `retained` complete checkpoints up to `newest`, and the unfinished
    /// ones after it unless `all_unfinished`; removes the rest.
    fn prune(&self, newest: u64, all_unfinished: bool) -> Result<(), EngineError> {
        let ids = checkpoint_ids(&self.config.dir)?;
        let mut kept = 0;
        for &(id, complete) in ids.iter().rev() {
            let keep = if complete {
                kept += 1;
                kept <= self.config.retained
            } else {
                id > newest && !all_unfinished
            };
            if !keep {
                let dir = checkpoint_dir(&self.config.dir, id);
                std::fs::remove_dir_all(&dir).map_err(|e| io_error(&dir, "cannot remove", e))?;
            }
        }
        Ok(())
    }
}

/// One figure of [`CheckpointStats`].
type Figure = fn(&CheckpointStats) -> f64;

static COMPLETED: Metric = Metric::counter(
    "typeinfo_checkpoints_completed_total",
    "Checkpoints every task acknowledged, their metadata written.",
);
static DURATION: Metric = Metric::counter(
    "typeinfo_checkpoint_duration_seconds_total",
    "Time from the first acknowledgement of a checkpoint to its completion, summed.",
);
static LAST_DURATION: Metric = Metric::gauge(
    "typeinfo_checkpoint_last_duration_seconds",
    "Time from the first acknowledgement of the last complete checkpoint to its completion.",
);
static SIZE: Metric = Metric::counter(
    "typeinfo_checkpoint_size_bytes_total",
    "Bytes of state files of every complete checkpoint.",
);
static LAST_SIZE: Metric = Metric::gauge(
    "typeinfo_checkpoint_last_size_bytes",
    "Bytes of state files of the last complete checkpoint.",
);

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "typeinfo-coordinator-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn ack(task: &str) -> TaskSnapshot {
        TaskSnapshot {
            task: task.into(),
            source_offset: None,
            finished: false,
            states: Vec::new(),
            staged: Vec::new(),
        }
    }

    fn complete(dir: &std::path::Path) -> Vec<u64> {
        checkpoint_ids(dir)
            .unwrap()
            .into_iter()
            .filter(|&(_, complete)| complete)
            .map(|(id, _)| id)
            .collect()
    }

    #[test]
    fn a_checkpoint_is_complete_only_once_every_task_acknowledged_it() {
        let dir = scratch("acks");
        let c = CheckpointCoordinator::new(CheckpointConfig::new(&dir, 5).unwrap(), 3).unwrap();
        c.task_dir(1).unwrap();
        c.acknowledge(1, 10, ack("a")).unwrap();
        c.acknowledge(1, 10, ack("b")).unwrap();
        assert!(complete(&dir).is_empty());
        assert!(
            c.acknowledge(1, 10, ack("b")).is_err(),
            "a second ack is refused"
        );
        c.acknowledge(1, 10, ack("c")).unwrap();
        assert_eq!(complete(&dir), [1]);
        let metadata = latest_complete_in(&dir);
        assert_eq!(metadata.checkpoint, 1);
        assert_eq!(metadata.timestamp_millis, 10);
        let tasks: Vec<&str> = metadata.tasks.iter().map(|t| t.task.as_str()).collect();
        assert_eq!(tasks, ["a", "b", "c"]);
        assert_eq!(c.stats().completed, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn latest_complete_in(dir: &std::path::Path) -> Metadata {
        super::super::latest_complete(dir).unwrap().unwrap()
    }

    #[test]
    fn an_ended_task_holds_up_no_later_checkpoint() {
        let dir = scratch("ended");
        let c = CheckpointCoordinator::new(CheckpointConfig::new(&dir, 5).unwrap(), 3).unwrap();
        c.task_dir(2).unwrap();
        c.acknowledge(2, 0, ack("b")).unwrap();
        // `a` ended after barrier 1: it counts for 2 (pending) and 3 (not yet begun).
        c.task_ended("a", Some(40), 1).unwrap();
        c.acknowledge(2, 0, ack("c")).unwrap();
        assert_eq!(complete(&dir), [2]);
        c.task_dir(3).unwrap();
        c.acknowledge(3, 0, ack("b")).unwrap();
        c.acknowledge(3, 0, ack("c")).unwrap();
        assert_eq!(complete(&dir), [2, 3]);
        let a = latest_complete_in(&dir)
            .tasks
            .into_iter()
            .find(|t| t.task == "a")
            .unwrap();
        assert_eq!((a.source_offset, a.finished), (Some(40), true));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_last_n_complete_checkpoints_are_kept_and_unfinished_ones_removed_at_the_end() {
        let dir = scratch("retained");
        let c = CheckpointCoordinator::new(CheckpointConfig::new(&dir, 2).unwrap(), 1).unwrap();
        for id in 1..=4 {
            c.task_dir(id).unwrap();
            c.acknowledge(id, 0, ack("a")).unwrap();
        }
        assert_eq!(complete(&dir), [3, 4]);
        assert_eq!(checkpoint_ids(&dir).unwrap().len(), 2);
        // Checkpoint 5 was begun (its directory exists) but never acknowledged.
        c.task_dir(5).unwrap();
        let stats = c.finish(true).unwrap();
        assert_eq!((stats.completed, stats.last_id), (4, 4));
        assert_eq!(checkpoint_ids(&dir).unwrap(), [(3, true), (4, true)]);
        assert!(CheckpointConfig::new(&dir, 0).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
