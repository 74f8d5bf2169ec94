//! The record writer: serializes each element behind a 4-byte length straight into the
//! current buffer of its channel, spanning into further buffers when it does not fit, and
//! ships buffers when full, on the buffer timeout, and at the end of the stream.
//!
//! As in Flink's `SpanningRecordSerializer`, a record is serialized once into a reused
//! scratch vector and then copied into buffers: every format plugs in through
//! `RecordSerializer::write_record`, and the copy is one `memcpy` per buffer touched.

use crate::communication::control::JobControl;
use crate::communication::element::{
    CheckpointBarrier, LENGTH_BYTES, LatencyMarker, TAG_BARRIER, TAG_LATENCY, TAG_RECORD,
    TAG_WATERMARK, element_length,
};
use crate::communication::gate::{ChannelEvent, Delivery, Outlet};
use crate::communication::live::{BUFFERS_IN_USE, LiveOutput, TaskMetrics};
use crate::communication::metrics::OutputMetrics;
use crate::communication::partition::{Partitioner, channel_of};
use crate::communication::pool::{Buffer, LocalBufferPool};
use crate::config::{BufferTimeout, NetworkConfig};
use crate::error::EngineError;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use typeinfo::{EncodeError, EncodeErrorKind};
use typeinfo_serializers::RecordSerializer;

/// One channel of the partition: where its buffers go, and the one being filled.
struct Subpartition {
    outlet: Box<dyn Outlet>,
    current: Option<Buffer>,
}

/// Writes the records of one producing subtask onto one edge.
pub struct RecordWriter<T> {
    edge: Arc<str>,
    serializer: Arc<dyn RecordSerializer<T>>,
    partitioner: Partitioner<T>,
    subtask: usize,
    next_channel: usize,
    channels: Vec<Subpartition>,
    pool: LocalBufferPool,
    control: JobControl,
    /// The element being written: length, tag, payload.
    scratch: Vec<u8>,
    key_scratch: Vec<u8>,
    max_record_bytes: usize,
    timeout: BufferTimeout,
    /// When the oldest unsent bytes must go out.
    flush_deadline: Option<Instant>,
    metrics: OutputMetrics,
    /// Where `metrics` are published while the job runs, when it is watched.
    live: Option<LiveOutput>,
    /// The last barrier sent (0 before the first): readers refuse ids that do not rise.
    last_barrier: u64,
}

impl<T> RecordWriter<T> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        edge: Arc<str>,
        serializer: Arc<dyn RecordSerializer<T>>,
        partitioner: Partitioner<T>,
        subtask: usize,
        outlets: Vec<Box<dyn Outlet>>,
        pool: LocalBufferPool,
        config: &NetworkConfig,
        control: JobControl,
    ) -> Self {
        let channels: Vec<Subpartition> = outlets
            .into_iter()
            .map(|outlet| Subpartition {
                outlet,
                current: None,
            })
            .collect();
        RecordWriter {
            edge,
            serializer,
            partitioner,
            subtask,
            // Subtasks start their round robin at different channels, as Flink's do.
            next_channel: subtask % channels.len().max(1),
            channels,
            metrics: OutputMetrics {
                pool_capacity: pool.capacity(),
                ..OutputMetrics::default()
            },
            live: None,
            last_barrier: 0,
            pool,
            control,
            scratch: Vec::new(),
            key_scratch: Vec::new(),
            max_record_bytes: config.max_record_bytes,
            timeout: config.buffer_timeout,
            flush_deadline: None,
        }
    }

    pub fn edge(&self) -> &str {
        &self.edge
    }

    /// Publishes this writer's figures under `metrics` as it sends buffers, and its pool's
    /// buffers in use.
    pub fn watched_by(mut self, metrics: &TaskMetrics) -> Self {
        let labels = metrics.labels(&self.edge);
        metrics
            .registry()
            .register(&BUFFERS_IN_USE, &labels, self.pool.in_use_reader());
        self.live = Some(metrics.output(&self.edge));
        self
    }

    fn publish(&self) {
        if let Some(live) = &self.live {
            let m = &self.metrics;
            live.records.store(m.records, Ordering::Relaxed);
            live.bytes.store(m.bytes, Ordering::Relaxed);
            live.buffers.store(m.buffers, Ordering::Relaxed);
            let blocked = u64::try_from(m.blocked.as_nanos()).unwrap_or(u64::MAX);
            live.blocked_nanos.store(blocked, Ordering::Relaxed);
        }
    }

    /// Serializes `record` onto the channel its partitioner picks.
    pub fn emit(&mut self, record: &T) -> Result<(), EngineError> {
        self.start_element(TAG_RECORD);
        let encoded = self.serializer.write_record(record, &mut self.scratch);
        encoded.map_err(|source| self.encode_error(source))?;
        self.finish_element()?;
        self.metrics.records += 1;
        match &self.partitioner {
            Partitioner::Forward => self.write_element(self.subtask % self.channels.len()),
            Partitioner::Rebalance => {
                let channel = self.next_channel;
                self.next_channel = (channel + 1) % self.channels.len();
                self.write_element(channel)
            }
            Partitioner::Hash(key) => {
                let hash = key
                    .hash(record, &mut self.key_scratch)
                    .map_err(|source| self.encode_error(source))?;
                self.write_element(channel_of(hash, self.channels.len()))
            }
            Partitioner::Broadcast => self.write_to_all(),
        }
    }

    /// Sends a watermark on every channel.
    pub fn emit_watermark(&mut self, event_time: i64) -> Result<(), EngineError> {
        self.start_element(TAG_WATERMARK);
        self.scratch.extend_from_slice(&event_time.to_le_bytes());
        self.finish_element()?;
        self.write_to_all()
    }

    /// Sends a latency marker on one channel, in turn, as Flink does.
    pub fn emit_latency(&mut self, marker: LatencyMarker) -> Result<(), EngineError> {
        self.start_element(TAG_LATENCY);
        self.scratch.extend_from_slice(&marker.to_bytes());
        self.finish_element()?;
        let channel = (marker.emitted_unix_nanos as usize) % self.channels.len();
        self.write_element(channel)
    }

    /// Sends a checkpoint barrier on every channel and ships it at once, with what is
    /// before it, as Flink does: a barrier waiting for its buffer to fill would hold up
    /// every consumer's alignment.
    pub fn emit_barrier(&mut self, barrier: CheckpointBarrier) -> Result<(), EngineError> {
        if barrier.id <= self.last_barrier {
            return Err(EngineError::Operator {
                operator: format!("the writer of {}", self.edge),
                detail: format!(
                    "checkpoint barrier {} after barrier {} (ids rise from 1)",
                    barrier.id, self.last_barrier
                ),
            });
        }
        self.last_barrier = barrier.id;
        self.start_element(TAG_BARRIER);
        self.scratch.extend_from_slice(&barrier.to_bytes());
        self.finish_element()?;
        self.write_to_all()?;
        self.flush()
    }

    /// When the buffer timeout next requires a flush.
    pub fn flush_deadline(&self) -> Option<Instant> {
        self.flush_deadline
    }

    /// Sends every partly filled buffer.
    pub fn flush(&mut self) -> Result<(), EngineError> {
        for channel in 0..self.channels.len() {
            self.ship(channel)?;
        }
        self.flush_deadline = None;
        Ok(())
    }

    /// Flushes if the buffer timeout has passed.
    pub fn flush_if_due(&mut self, now: Instant) -> Result<(), EngineError> {
        match self.flush_deadline {
            Some(deadline) if now >= deadline => self.flush(),
            _ => Ok(()),
        }
    }

    /// Flushes and ends every channel; returns what this writer did.
    pub fn finish(mut self) -> Result<OutputMetrics, EngineError> {
        self.flush()?;
        for channel in &mut self.channels {
            channel
                .outlet
                .send(Delivery::Event(ChannelEvent::EndOfPartition))?;
        }
        self.metrics.pool_peak = self.pool.peak_in_use();
        self.publish();
        Ok(self.metrics)
    }

    fn start_element(&mut self, tag: u8) {
        self.scratch.clear();
        self.scratch.extend_from_slice(&[0; LENGTH_BYTES]);
        self.scratch.push(tag);
    }

    /// Writes the length in front of the element, refusing one over the record limit.
    fn finish_element(&mut self) -> Result<(), EngineError> {
        let size = self.scratch.len() - LENGTH_BYTES;
        if size - 1 > self.max_record_bytes {
            return Err(self.encode_error(
                EncodeErrorKind::RecordTooLarge {
                    size: size - 1,
                    limit: self.max_record_bytes,
                }
                .into(),
            ));
        }
        let length = element_length(size).map_err(|e| self.encode_error(e))?;
        self.scratch[..LENGTH_BYTES].copy_from_slice(&length.to_le_bytes());
        Ok(())
    }

    fn encode_error(&self, source: EncodeError) -> EngineError {
        EngineError::Encode {
            edge: self.edge.to_string(),
            source,
        }
    }

    fn write_to_all(&mut self) -> Result<(), EngineError> {
        for channel in 0..self.channels.len() {
            self.write_element(channel)?;
        }
        Ok(())
    }

    /// Copies the element in the scratch vector into `channel`'s buffers.
    fn write_element(&mut self, channel: usize) -> Result<(), EngineError> {
        let mut rest = 0;
        while rest < self.scratch.len() {
            if self.channels[channel].current.is_none() {
                let buffer = self
                    .pool
                    .request(&self.control, &mut self.metrics.blocked)?;
                if let (BufferTimeout::After(timeout), None) = (self.timeout, self.flush_deadline) {
                    self.flush_deadline = Some(Instant::now() + timeout);
                }
                self.channels[channel].current = Some(buffer);
            }
            let buffer = self.channels[channel].current.as_mut().expect("set above");
            rest += buffer.append(&self.scratch[rest..]);
            if buffer.is_full() {
                self.ship(channel)?;
            }
        }
        self.metrics.bytes += self.scratch.len() as u64;
        if self.timeout == BufferTimeout::After(Duration::ZERO) {
            self.ship(channel)?;
        }
        Ok(())
    }

    /// Sends `channel`'s current buffer, if it holds anything.
    fn ship(&mut self, channel: usize) -> Result<(), EngineError> {
        let subpartition = &mut self.channels[channel];
        if let Some(buffer) = subpartition.current.take_if(|b| !b.is_empty()) {
            self.metrics.buffers += 1;
            subpartition.outlet.send(Delivery::Buffer(buffer))?;
            self.publish();
        }
        Ok(())
    }
}
