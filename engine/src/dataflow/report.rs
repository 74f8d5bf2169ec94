//! What a job and its parts did. Subtask and connection reports travel from worker
//! processes to the coordinator (they derive `TypeInfo`), so they live below both the
//! runtime that fills them and the cluster that carries them.

use crate::checkpoint::CheckpointStats;
use crate::communication::metrics::{Latencies, OutputMetrics};
use crate::state::StateMetrics;
use std::time::Duration;
use typeinfo::TypeInfo;

/// What one subtask did.
#[derive(TypeInfo, Debug, Clone, Default)]
pub struct TaskReport {
    /// `stage[subtask]`.
    pub task: String,
    #[typeinfo(with = "crate::wire_usize")]
    pub task_manager: usize,
    /// Records and bytes read per input edge.
    pub inputs: Vec<(String, u64, u64)>,
    pub outputs: Vec<(String, OutputMetrics)>,
    pub sink: Option<SinkResult>,
    pub late_records: u64,
    /// Records a source subtask emitted (0 for other tasks).
    pub source_records: u64,
    pub busy: Duration,
    /// What the subtask's keyed state read and wrote (zero on the heap).
    pub state: StateMetrics,
    pub barriers: BarrierStats,
}

/// The checkpoint barriers of a subtask or a job.
#[derive(TypeInfo, Debug, Clone, Default, PartialEq, Eq)]
pub struct BarrierStats {
    /// Barriers sources emitted.
    pub emitted: u64,
    /// Barriers tasks fed by the network aligned (one per checkpoint and task).
    pub aligned: u64,
    /// From a task's first channel delivering a barrier to its last: summed, and the most.
    pub alignment_total: Duration,
    pub alignment_max: Duration,
}

impl BarrierStats {
    pub fn merge(&mut self, other: &BarrierStats) {
        self.emitted += other.emitted;
        self.aligned += other.aligned;
        self.alignment_total += other.alignment_total;
        self.alignment_max = self.alignment_max.max(other.alignment_max);
    }

    pub(crate) fn aligned(&mut self, alignment: Duration) {
        self.aligned += 1;
        self.alignment_total += alignment;
        self.alignment_max = self.alignment_max.max(alignment);
    }
}

/// One edge of a finished job, summed over its subtasks.
#[derive(Debug, Clone)]
pub struct EdgeReport {
    pub name: String,
    pub format: &'static str,
    pub partitioner: String,
    pub local_channels: usize,
    pub remote_channels: usize,
    pub output: OutputMetrics,
    pub records_read: u64,
}

/// One direction of a connection between task managers: all the channels it carried.
#[derive(TypeInfo, Debug, Clone, PartialEq, Eq)]
pub struct ConnectionReport {
    #[typeinfo(with = "crate::wire_usize")]
    pub from_task_manager: usize,
    #[typeinfo(with = "crate::wire_usize")]
    pub to_task_manager: usize,
    /// Buffer payload sent (frame headers and credits not counted).
    pub bytes: u64,
    pub buffers: u64,
}

/// What a job did.
#[derive(Debug, Clone)]
pub struct JobReport {
    pub job: String,
    pub elapsed: Duration,
    /// The buffers of one network pool: the process's, or with task managers as processes,
    /// each task manager's.
    pub network_buffers: usize,
    /// The most buffers one pool needs.
    pub required_buffers: usize,
    pub edges: Vec<EdgeReport>,
    pub tasks: Vec<TaskReport>,
    /// Every sink's result, merged.
    pub sink: SinkResult,
    pub late_records: u64,
    /// Records the sources emitted: the job's input, which ops/ms count.
    pub source_records: u64,
    /// Keyed state over all subtasks.
    pub state: StateMetrics,
    pub barriers: BarrierStats,
    /// The checkpoints completed, when the job takes them (over every restart).
    pub checkpoints: CheckpointStats,
    /// Every restart after a failure, in order.
    pub restarts: Vec<RestartReport>,
    /// The savepoint the job stopped with, if it did.
    pub savepoint: Option<u64>,
    /// Per direction of each TCP connection (none over local channels).
    pub connections: Vec<ConnectionReport>,
}

/// A restart after a failure.
#[derive(Debug, Clone)]
pub struct RestartReport {
    /// The failure.
    pub cause: String,
    /// The checkpoint the job started again from (0: from the start).
    pub from_checkpoint: u64,
    pub failed_at: std::time::Instant,
    /// From the failure to the first record a source emitted after the restore; `None`
    /// if none did (the job failed again first, or every source had ended).
    pub downtime: Option<Duration>,
}

/// What a sink saw: how many records, an order-independent checksum of them, and latencies.
#[derive(TypeInfo, Debug, Clone, Default, PartialEq, Eq)]
pub struct SinkResult {
    pub records: u64,
    /// The wrapping sum of a fixed hash of every record: equal for equal multisets, in any
    /// order, so every format and topology of a job must give the same.
    pub checksum: u64,
    pub latencies: Latencies,
}

impl SinkResult {
    pub fn merge(&mut self, other: &SinkResult) {
        self.records += other.records;
        self.checksum = self.checksum.wrapping_add(other.checksum);
        self.latencies.merge(&other.latencies);
    }
}
