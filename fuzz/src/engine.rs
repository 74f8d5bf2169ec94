//! Reading a gate's deliveries to the end with the engine's record reader, and writing
//! elements back through its record writer, for the engine target and its seeds.

use crate::deliveries::{Deliveries, Recording, SEGMENT_SIZE};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use typeinfo_engine::{
    BufferTimeout, Element, EngineError, InputGate, JobControl, NetworkBufferPool, NetworkConfig,
    Next, Partitioner, RecordReader, RecordWriter,
};
use typeinfo_serializers::RecordSerializer;

/// The record limit on both sides: larger than any seed, small enough to stay fast.
pub const MAX_RECORD_BYTES: usize = 1 << 16;

/// Each channel's elements, in order, until every channel ended or nothing more is
/// queued (a channel that never ends is still open, not broken).
pub fn read_all<T>(
    gate: InputGate,
    serializer: Arc<dyn RecordSerializer<T>>,
) -> Result<Vec<Vec<Element<T>>>, EngineError> {
    let mut reader = RecordReader::new("fuzz".into(), gate, serializer, MAX_RECORD_BYTES);
    let mut read: Vec<Vec<Element<T>>> = (0..reader.channels()).map(|_| Vec::new()).collect();
    loop {
        // Everything was delivered before reading starts, so waiting would find nothing.
        match reader.next(Some(Instant::now()))? {
            Next::Element { channel, element } => read[channel].push(element),
            Next::Ended { .. } => {}
            Next::TimedOut | Next::Finished => return Ok(read),
        }
    }
}

/// What a record writer per channel sends for `elements`, every channel ended.
pub fn write_all<T>(
    elements: &[Vec<Element<T>>],
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
                Element::Record(record) => writer.emit(record)?,
                Element::Watermark(time) => writer.emit_watermark(*time)?,
                Element::Latency(marker) => writer.emit_latency(*marker)?,
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
