//! Tasks: the loop of one subtask of a stage, from its input (a source or the network) into
//! its chain of operators. Buffer timeouts are kept on the task's own thread: a task looks at
//! the clock every few records, and waits for input no longer than its next flush is due,
//! so no flusher thread shares the writers' buffers.

use crate::checkpoint::TaskCheckpoints;
use crate::communication::control::JobControl;
use crate::communication::element::{CheckpointBarrier, Element, LatencyMarker};
use crate::communication::reader::{Next, RecordReader};
use crate::dataflow::operator::{End, Output};
use crate::dataflow::report::TaskReport;
use crate::error::EngineError;
use std::time::{Duration, Instant};

/// One subtask, ready to run on its thread.
pub trait Task: Send {
    fn run(self: Box<Self>, report: &mut TaskReport) -> Result<(), EngineError>;
}

/// A partition of a source: records in event-time order.
pub trait Source<T>: Send {
    fn next(&mut self) -> Option<T>;
}

impl<T, I: Iterator<Item = T> + Send> Source<T> for I {
    fn next(&mut self) -> Option<T> {
        Iterator::next(self)
    }
}

/// How often a source emits watermarks and latency markers.
#[derive(Debug, Clone, Copy)]
pub struct Emission {
    /// A watermark after this many records (when the source has event time).
    pub watermark_every: u32,
    pub latency_interval: Duration,
}

impl Default for Emission {
    /// Watermarks every 1,000 records; a latency marker every 10 ms.
    fn default() -> Self {
        Emission {
            watermark_every: 1000,
            latency_interval: Duration::from_millis(10),
        }
    }
}

/// Records between clock checks in a source loop.
const CLOCK_EVERY: u32 = 64;

pub(crate) struct SourceTask<T> {
    pub(crate) source: Box<dyn Source<T>>,
    pub(crate) event_time: Option<fn(&T) -> i64>,
    pub(crate) emission: Emission,
    /// How often to cut the stream with a checkpoint barrier, if at all.
    pub(crate) barrier_interval: Option<Duration>,
    pub(crate) checkpoints: TaskCheckpoints,
    pub(crate) control: JobControl,
    pub(crate) subtask: usize,
    pub(crate) out: Box<dyn Output<T>>,
}

impl<T: Send> Task for SourceTask<T> {
    fn run(self: Box<Self>, report: &mut TaskReport) -> Result<(), EngineError> {
        let SourceTask {
            mut source,
            event_time,
            emission,
            barrier_interval,
            checkpoints,
            control,
            subtask,
            mut out,
        } = *self;
        // Restored: the records before the checkpoint's offset were emitted already, and
        // barriers go on after its id.
        let skipped = match checkpoints.restored()? {
            Some(task) => skip(source.as_mut(), task.source_offset.unwrap_or(0)),
            None => 0,
        };
        let first_barrier = checkpoints.restored_id();
        let started = Instant::now();
        let mut next_marker = started + emission.latency_interval;
        // When the next barrier is due, and the interval.
        let mut barriers = barrier_interval.map(|every| (started + every, every));
        let mut since_clock = 0;
        let mut since_watermark = 0;
        let mut max_time = i64::MIN;
        let mut emitted = 0u64;
        loop {
            if checkpoints.savepoint_after == Some(emitted) {
                report.source_records = emitted;
                report.busy = started.elapsed();
                let barrier = CheckpointBarrier::new(first_barrier + report.barriers.emitted + 1);
                report.barriers.emitted += 1;
                checkpoints.cut(barrier, out.as_mut(), Some(skipped + emitted))?;
                wait_for_stop(&control)?;
                return out.finish(End::Savepoint, report);
            }
            let Some(record) = source.next() else {
                break;
            };
            if emitted == 0 {
                checkpoints.first_record();
            }
            if let Some(time_of) = event_time {
                max_time = max_time.max(time_of(&record));
            }
            out.collect(record)?;
            emitted += 1;
            since_watermark += 1;
            if event_time.is_some() && since_watermark == emission.watermark_every {
                since_watermark = 0;
                // A watermark `t` promises no more records at `t` or before; the next
                // record may share the latest time, so promise one millisecond less
                // (Flink's ascending-timestamps strategy).
                out.watermark(max_time.saturating_sub(1))?;
            }
            since_clock += 1;
            if since_clock == CLOCK_EVERY {
                since_clock = 0;
                let now = Instant::now();
                if now >= next_marker {
                    next_marker = now + emission.latency_interval;
                    out.latency(LatencyMarker::now(subtask))?;
                }
                if let Some((due, every)) = &mut barriers
                    && now >= *due
                {
                    *due = now + *every;
                    report.barriers.emitted += 1;
                    let barrier = CheckpointBarrier::new(first_barrier + report.barriers.emitted);
                    checkpoints.cut(barrier, out.as_mut(), Some(skipped + emitted))?;
                }
                out.flush_if_due(now)?;
            }
        }
        if event_time.is_some() {
            out.watermark(max_time)?;
        }
        report.source_records = emitted;
        report.busy = started.elapsed();
        out.finish(End::Input, report)?;
        checkpoints.ended(
            Some(skipped + emitted),
            first_barrier + report.barriers.emitted,
        )
    }
}

/// How long a source that cut a savepoint waits for it to complete.
const SAVEPOINT_TIMEOUT: Duration = Duration::from_secs(60);

/// Waits until the savepoint this source cut is complete and the job stops; a job that
/// failed meanwhile, or a savepoint not complete within [`SAVEPOINT_TIMEOUT`], is an error.
fn wait_for_stop(control: &JobControl) -> Result<(), EngineError> {
    let deadline = Instant::now() + SAVEPOINT_TIMEOUT;
    while !control.is_stopped() {
        control.check()?;
        if Instant::now() >= deadline {
            return Err(EngineError::Checkpoint {
                path: "the savepoint".into(),
                detail: format!(
                    "not complete {} s after this source cut it: a task did not acknowledge it",
                    SAVEPOINT_TIMEOUT.as_secs()
                ),
            });
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(())
}

/// Reads and drops the first `n` records of `source` (it replays from its start, as a
/// topic partition does from an offset); how many there were.
fn skip<T>(source: &mut dyn Source<T>, n: u64) -> u64 {
    let mut skipped = 0;
    while skipped < n && source.next().is_some() {
        skipped += 1;
    }
    skipped
}

/// A stage fed by the network: reads its edge and pushes into its chain, tracking the
/// watermark as the least over its channels (an ended channel no longer holds it back),
/// and passing each checkpoint on once its reader has aligned the barriers.
pub(crate) struct NetworkTask<T> {
    pub(crate) reader: RecordReader<T>,
    pub(crate) control: JobControl,
    pub(crate) checkpoints: TaskCheckpoints,
    pub(crate) out: Box<dyn Output<T>>,
}

impl<T: Send> Task for NetworkTask<T> {
    fn run(self: Box<Self>, report: &mut TaskReport) -> Result<(), EngineError> {
        let NetworkTask {
            mut reader,
            control,
            checkpoints,
            mut out,
        } = *self;
        let mut last_barrier = 0;
        let started = Instant::now();
        let mut channel_watermarks = vec![i64::MIN; reader.channels()];
        let mut watermark = i64::MIN;
        let mut since_clock = 0;
        loop {
            let next = reader.next(out.flush_deadline())?;
            let mut advance = |channel: usize, time: i64| {
                channel_watermarks[channel] = channel_watermarks[channel].max(time);
                let least = channel_watermarks.iter().copied().min().unwrap_or(i64::MAX);
                (least > watermark).then(|| {
                    watermark = least;
                    least
                })
            };
            match next {
                Next::Element {
                    element: Element::Record(record),
                    ..
                } => {
                    out.collect(record)?;
                    since_clock += 1;
                    if since_clock == CLOCK_EVERY {
                        since_clock = 0;
                        out.flush_if_due(Instant::now())?;
                    }
                }
                Next::Element {
                    channel,
                    element: Element::Watermark(time),
                } => {
                    if let Some(time) = advance(channel, time) {
                        out.watermark(time)?;
                    }
                }
                Next::Element {
                    element: Element::Latency(marker),
                    ..
                } => out.latency(marker)?,
                Next::Checkpoint { barrier, alignment } => {
                    report.barriers.aligned(alignment);
                    last_barrier = barrier.id;
                    checkpoints.cut(barrier, out.as_mut(), None)?;
                }
                Next::Ended { channel } => {
                    if let Some(time) = advance(channel, i64::MAX)
                        && time != i64::MAX
                    {
                        out.watermark(time)?;
                    }
                }
                Next::TimedOut => out.flush_if_due(Instant::now())?,
                Next::Finished => break,
            }
        }
        let (records, bytes) = reader.counts();
        report
            .inputs
            .push((reader.edge().to_owned(), records, bytes));
        report.busy = started.elapsed();
        let end = if control.is_stopped() {
            End::Savepoint
        } else {
            End::Input
        };
        out.finish(end, report)?;
        checkpoints.ended(None, last_barrier)
    }
}
