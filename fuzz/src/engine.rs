//! Reading a gate's deliveries to the end with the engine's record reader, and writing
//! elements back through its record writer, for the engine target and its seeds. An
//! aligned checkpoint is put back on every channel that was open when it completed: each of
//! those delivered its barrier there.

use crate::deliveries::{Deliveries, Recording, SEGMENT_SIZE};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use typeinfo_engine::{
    BufferTimeout, CheckpointBarrier, Element, EngineError, InputGate, JobControl,
    NetworkBufferPool, NetworkConfig, Next, Partitioner, RecordReader, RecordWriter,
};
use typeinfo_serializers::RecordSerializer;

/// The record limit on both sides: larger than any seed, small enough to stay fast.
pub const MAX_RECORD_BYTES: usize = 1 << 16;

/// What one channel carried, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Read<T> {
    Element(Element<T>),
    Barrier(CheckpointBarrier),
}

/// Each channel's elements, in order, until every channel ended or nothing more is
/// queued (a channel that never ends is still open, not broken).
pub fn read_all<T>(
    gate: InputGate,
    serializer: Arc<dyn RecordSerializer<T>>,
) -> Result<Vec<Vec<Read<T>>>, EngineError> {
    let mut reader = RecordReader::new("fuzz".into(), gate, serializer, MAX_RECORD_BYTES);
    let mut read: Vec<Vec<Read<T>>> = (0..reader.channels()).map(|_| Vec::new()).collect();
    let mut ended = vec![false; read.len()];
    loop {
        // Everything was delivered before reading starts, so waiting would find nothing.
        match reader.next(Some(Instant::now()))? {
            Next::Element { channel, element } => read[channel].push(Read::Element(element)),
            Next::Checkpoint { barrier, .. } => {
                for (channel, read) in read.iter_mut().enumerate() {
                    if !ended[channel] {
                        read.push(Read::Barrier(barrier));
                    }
                }
            }
            Next::Ended { channel } => ended[channel] = true,
            Next::TimedOut | Next::Finished => return Ok(read),
        }
    }
}

/// What a record writer per channel sends for `elements`, every channel ended.
pub fn write_all<T>(
    elements: &[Vec<Read<T>>],
    serializer: Arc<dyn RecordSerializer<T>>,
) -> Result<Deliveries, EngineError> {
    let config = NetworkConfig {
        segment_size: SEGMENT_SIZE,
        buffer_timeout: BufferTimeout::Off,
        max_record_bytes: MAX_RECORD_BYTES,
        ..NetworkConfig::default()
    };
    let steps = Arc::new(Mutex::new(Vec::new()));
    for (channel, elements) in elements.iter().enumerate() {
        let pool = NetworkBufferPool::new(2, SEGMENT_SIZE).local_pool(2, "fuzz")?;
        let outlet = Recording {
            channel,
            steps: steps.clone(),
        };
        let mut writer = RecordWriter::new(
            "fuzz".into(),
            serializer.clone(),
            Partitioner::Forward,
            0,
            vec![Box::new(outlet)],
            pool,
            &config,
            JobControl::new(),
        );
        for element in elements {
            match element {
                Read::Element(Element::Record(record)) => writer.emit(record)?,
                Read::Element(Element::Watermark(time)) => writer.emit_watermark(*time)?,
                Read::Element(Element::Latency(marker)) => writer.emit_latency(*marker)?,
                Read::Barrier(barrier) => writer.emit_barrier(*barrier)?,
            }
        }
        writer.finish()?;
    }
    let steps = core::mem::take(&mut *steps.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(Deliveries {
        channels: elements.len(),
        steps,
    })
}
