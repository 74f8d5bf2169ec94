//! Operators and how chained operators pass values: each is an [`Output`] that does its work
//! and calls the next, so a chain runs in one thread with no serialization (Flink's
//! `ChainingOutput`). The last output of a chain is a network writer or a sink.

use crate::checkpoint::{Snapshotting, StateFile};
use crate::communication::element::{CheckpointBarrier, LatencyMarker};
use crate::communication::writer::RecordWriter;
use crate::dataflow::report::{SinkResult, TaskReport};
use crate::error::EngineError;
use crate::state::{KeyedStateBackend, StateKey, ValueState};
use std::hash::{BuildHasher, Hash};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use typeinfo::Decode;
use typeinfo_serializers::RecordSerializer;

/// Where an operator sends what it produces.
pub trait Output<T>: Send {
    fn collect(&mut self, record: T) -> Result<(), EngineError>;
    /// Event time has reached `event_time` upstream.
    fn watermark(&mut self, event_time: i64) -> Result<(), EngineError>;
    fn latency(&mut self, marker: LatencyMarker) -> Result<(), EngineError>;
    /// Everything before `barrier` has been collected: the checkpoint's cut. A stateful
    /// operator writes its state into `snapshot`, then passes the barrier on.
    fn checkpoint(
        &mut self,
        barrier: CheckpointBarrier,
        snapshot: &mut Snapshotting<'_>,
    ) -> Result<(), EngineError>;
    /// When a writer down the chain must flush next (the buffer timeout).
    fn flush_deadline(&self) -> Option<Instant>;
    fn flush_if_due(&mut self, now: Instant) -> Result<(), EngineError>;
    /// The input ended, or the job stopped after a savepoint (`end`): flush, end the
    /// outputs, and report.
    fn finish(self: Box<Self>, end: End, report: &mut TaskReport) -> Result<(), EngineError>;
}

/// Why a task's chain ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Its input ended: the end of event time, so every window fires.
    Input,
    /// The job stopped after a savepoint: what is open stays in the savepoint, so nothing
    /// fires, and a sink commits only what complete checkpoints cover.
    Savepoint,
}

/// Passes latency markers and flushes on to the next output: what every operator does.
macro_rules! forward_markers_and_flushes {
    () => {
        fn latency(&mut self, marker: LatencyMarker) -> Result<(), EngineError> {
            self.next.latency(marker)
        }
        fn flush_deadline(&self) -> Option<Instant> {
            self.next.flush_deadline()
        }
        fn flush_if_due(&mut self, now: Instant) -> Result<(), EngineError> {
            self.next.flush_if_due(now)
        }
    };
}

/// Forwards everything but records to the next output: what operators that only transform
/// records share.
macro_rules! forward_control {
    () => {
        forward_markers_and_flushes!();
        fn checkpoint(
            &mut self,
            barrier: CheckpointBarrier,
            snapshot: &mut Snapshotting<'_>,
        ) -> Result<(), EngineError> {
            self.next.checkpoint(barrier, snapshot)
        }
        fn watermark(&mut self, event_time: i64) -> Result<(), EngineError> {
            self.next.watermark(event_time)
        }
        fn finish(self: Box<Self>, end: End, report: &mut TaskReport) -> Result<(), EngineError> {
            self.next.finish(end, report)
        }
    };
}

pub(crate) struct Map<F, U> {
    pub(crate) f: F,
    pub(crate) next: Box<dyn Output<U>>,
}

impl<T, U, F: FnMut(T) -> U + Send> Output<T> for Map<F, U> {
    fn collect(&mut self, record: T) -> Result<(), EngineError> {
        self.next.collect((self.f)(record))
    }
    forward_control!();
}

/// A map that may refuse a record; the refusal fails the job, naming the operator.
pub(crate) struct TryMap<F, U> {
    pub(crate) name: std::sync::Arc<str>,
    pub(crate) f: F,
    pub(crate) next: Box<dyn Output<U>>,
}

impl<T, U, F: FnMut(T) -> Result<U, String> + Send> Output<T> for TryMap<F, U> {
    fn collect(&mut self, record: T) -> Result<(), EngineError> {
        let out = (self.f)(record).map_err(|detail| EngineError::Operator {
            operator: self.name.to_string(),
            detail,
        })?;
        self.next.collect(out)
    }
    forward_control!();
}

pub(crate) struct Filter<F, T> {
    pub(crate) f: F,
    pub(crate) next: Box<dyn Output<T>>,
}

impl<T, F: FnMut(&T) -> bool + Send> Output<T> for Filter<F, T> {
    fn collect(&mut self, record: T) -> Result<(), EngineError> {
        if (self.f)(&record) {
            self.next.collect(record)?;
        }
        Ok(())
    }
    forward_control!();
}

pub(crate) struct FlatMap<F, U> {
    pub(crate) f: F,
    pub(crate) next: Box<dyn Output<U>>,
}

impl<T, U, I, F> Output<T> for FlatMap<F, U>
where
    I: IntoIterator<Item = U>,
    F: FnMut(T) -> I + Send,
{
    fn collect(&mut self, record: T) -> Result<(), EngineError> {
        for out in (self.f)(record) {
            self.next.collect(out)?;
        }
        Ok(())
    }
    forward_control!();
}

/// What a window computes over the records of one key in one window.
pub trait WindowAggregate<T>: Clone + Send + Sync + 'static {
    type Key: StateKey;
    type Acc: Decode + Send + 'static;
    type Out;
    fn key(&self, record: &T) -> Self::Key;
    fn event_time(&self, record: &T) -> i64;
    fn create(&self) -> Self::Acc;
    fn add(&self, acc: &mut Self::Acc, record: T);
    fn result(&self, key: Self::Key, window_start: i64, acc: Self::Acc) -> Self::Out;
}

/// Tumbling event-time windows: a window fires when the watermark passes its end; records
/// for windows that already fired are late and counted, not silently mixed in. The
/// accumulators are value state keyed by the record's key, namespaced by the window's start.
pub(crate) struct TumblingWindows<A: WindowAggregate<T>, T> {
    size_ms: i64,
    aggregate: A,
    state: KeyedStateBackend<A::Key>,
    open: ValueState<A::Key, i64, A::Acc>,
    watermark: i64,
    late: u64,
    next: Box<dyn Output<A::Out>>,
}

impl<A: WindowAggregate<T>, T> TumblingWindows<A, T> {
    pub(crate) fn new(
        size_ms: i64,
        aggregate: A,
        mut state: KeyedStateBackend<A::Key>,
        accumulators: &Arc<dyn RecordSerializer<A::Acc>>,
        next: Box<dyn Output<A::Out>>,
    ) -> Result<Self, EngineError> {
        let open = state.value_state("accumulators", accumulators.clone())?;
        Ok(TumblingWindows {
            size_ms,
            aggregate,
            state,
            open,
            watermark: i64::MIN,
            late: 0,
            next,
        })
    }

    /// Fills the accumulators from a checkpoint's `files` in `dir`.
    pub(crate) fn restore(&mut self, dir: &Path, files: &[StateFile]) -> Result<(), EngineError>
    where
        A::Acc: Decode,
    {
        self.state.restore(dir, files, &mut [&mut self.open])
    }

    /// Fires every window whose start is at most `last_start`, in time order.
    fn fire_through(&mut self, last_start: i64) -> Result<(), EngineError> {
        for (key, start, acc) in self.open.take_through(&last_start)? {
            let out = self.aggregate.result(key, start, acc);
            self.next.collect(out)?;
        }
        Ok(())
    }
}

impl<A, T> Output<T> for TumblingWindows<A, T>
where
    A: WindowAggregate<T>,
    T: Send,
    A::Out: 'static,
{
    fn collect(&mut self, record: T) -> Result<(), EngineError> {
        let time = self.aggregate.event_time(&record);
        let start = time - time.rem_euclid(self.size_ms);
        if start.saturating_add(self.size_ms) <= self.watermark.saturating_add(1) {
            self.late += 1;
            return Ok(());
        }
        let at = self.state.set_current_key(self.aggregate.key(&record))?;
        let aggregate = &self.aggregate;
        self.open.modify(
            at,
            &start,
            || aggregate.create(),
            |acc| aggregate.add(acc, record),
        )
    }

    fn watermark(&mut self, event_time: i64) -> Result<(), EngineError> {
        if event_time > self.watermark {
            self.watermark = event_time;
            // A window [start, start + size) is complete once event time reaches its end - 1.
            self.fire_through(event_time.saturating_add(1).saturating_sub(self.size_ms))?;
            self.next.watermark(event_time)?;
        }
        Ok(())
    }

    forward_markers_and_flushes!();

    /// Writes the open windows' accumulators, then passes the barrier on.
    fn checkpoint(
        &mut self,
        barrier: CheckpointBarrier,
        snapshot: &mut Snapshotting<'_>,
    ) -> Result<(), EngineError> {
        if let Some(dir) = snapshot.dir()? {
            let files = self.state.snapshot(dir, &[&self.open])?;
            snapshot.add(files);
        }
        self.next.checkpoint(barrier, snapshot)
    }

    fn finish(mut self: Box<Self>, end: End, report: &mut TaskReport) -> Result<(), EngineError> {
        if end == End::Input {
            // The end of the input is the end of event time: every window fires.
            self.fire_through(i64::MAX)?;
        }
        report.late_records += self.late;
        report.state.merge(&self.state.metrics());
        self.next.finish(end, report)
    }
}

/// The end of a stage: records go to the network.
pub(crate) struct NetworkOutput<T>(pub(crate) RecordWriter<T>);

impl<T: Send> Output<T> for NetworkOutput<T> {
    #[inline]
    fn collect(&mut self, record: T) -> Result<(), EngineError> {
        self.0.emit(&record)
    }
    fn watermark(&mut self, event_time: i64) -> Result<(), EngineError> {
        self.0.emit_watermark(event_time)
    }
    fn latency(&mut self, marker: LatencyMarker) -> Result<(), EngineError> {
        self.0.emit_latency(marker)
    }
    fn checkpoint(
        &mut self,
        barrier: CheckpointBarrier,
        _: &mut Snapshotting<'_>,
    ) -> Result<(), EngineError> {
        self.0.emit_barrier(barrier)
    }
    fn flush_deadline(&self) -> Option<Instant> {
        self.0.flush_deadline()
    }
    fn flush_if_due(&mut self, now: Instant) -> Result<(), EngineError> {
        self.0.flush_if_due(now)
    }
    fn finish(self: Box<Self>, _: End, report: &mut TaskReport) -> Result<(), EngineError> {
        let edge = self.0.edge().to_owned();
        let metrics = self.0.finish()?;
        report.outputs.push((edge, metrics));
        Ok(())
    }
}

/// The checksum a sink computes over `records` (see [`SinkResult::checksum`]).
pub fn checksum<T: Hash>(records: impl IntoIterator<Item = T>) -> u64 {
    records
        .into_iter()
        .fold(0u64, |sum, r| sum.wrapping_add(CHECKSUM_HASH.hash_one(&r)))
}

/// A sink that checksums what it receives and drops it.
pub(crate) struct ChecksumSink {
    pub(crate) result: SinkResult,
}

const CHECKSUM_HASH: foldhash::fast::FixedState =
    foldhash::fast::FixedState::with_seed(0x636865636b73756d);

impl SinkResult {
    /// Counts `record` and adds it to the checksum.
    #[inline]
    pub(crate) fn add<T: Hash>(&mut self, record: &T) {
        self.records += 1;
        self.checksum = self.checksum.wrapping_add(CHECKSUM_HASH.hash_one(record));
    }
}

impl<T: Hash + Send> Output<T> for ChecksumSink {
    #[inline]
    fn collect(&mut self, record: T) -> Result<(), EngineError> {
        self.result.add(&record);
        Ok(())
    }
    fn watermark(&mut self, _: i64) -> Result<(), EngineError> {
        Ok(())
    }
    fn latency(&mut self, marker: LatencyMarker) -> Result<(), EngineError> {
        self.result.latencies.record(marker.age_nanos());
        Ok(())
    }
    fn checkpoint(
        &mut self,
        _: CheckpointBarrier,
        _: &mut Snapshotting<'_>,
    ) -> Result<(), EngineError> {
        Ok(())
    }
    fn flush_deadline(&self) -> Option<Instant> {
        None
    }
    fn flush_if_due(&mut self, _: Instant) -> Result<(), EngineError> {
        Ok(())
    }
    fn finish(self: Box<Self>, _: End, report: &mut TaskReport) -> Result<(), EngineError> {
        report.sink = Some(self.result);
        Ok(())
    }
}
