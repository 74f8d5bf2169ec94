//! The record reader: takes buffers from the input gate, finds the elements in them, and
//! reassembles those that span buffers.
//!
//! An element wholly inside one buffer is decoded in place, with no copy. One that spans
//! buffers is gathered in a per-channel vector that grows only with the bytes that have
//! arrived (a length prefix is checked against the record limit, and never trusted for an
//! allocation), and its buffers go back to their pool at once, so a reader never holds
//! memory its producer needs to make progress.

use crate::communication::element::{
    Element, LENGTH_BYTES, LatencyMarker, TAG_LATENCY, TAG_RECORD, TAG_WATERMARK,
};
use crate::communication::gate::{InputGate, Polled};
use crate::communication::live::{LiveInput, TaskMetrics};
use crate::communication::pool::Buffer;
use crate::error::EngineError;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;
use typeinfo_serializers::RecordSerializer;

/// An element spanning buffers of one channel, as far as it has arrived.
#[derive(Debug, Default)]
struct Partial {
    length: [u8; LENGTH_BYTES],
    length_read: usize,
    /// The element's size, once its length is complete.
    expected: Option<usize>,
    body: Vec<u8>,
}

impl Partial {
    fn is_empty(&self) -> bool {
        self.length_read == 0
    }

    fn reset(&mut self) {
        self.length_read = 0;
        self.expected = None;
        self.body.clear();
    }
}

/// The buffer being read and where.
struct Current {
    channel: usize,
    buffer: Buffer,
    offset: usize,
}

/// What the reader found next.
#[derive(Debug)]
pub enum Next<T> {
    Element {
        channel: usize,
        element: Element<T>,
    },
    /// A channel ended (its producer finished).
    Ended {
        channel: usize,
    },
    TimedOut,
    /// Every channel ended.
    Finished,
}

/// Reads the elements of one edge at one consuming subtask.
pub struct RecordReader<T> {
    edge: Arc<str>,
    gate: InputGate,
    serializer: Arc<dyn RecordSerializer<T>>,
    partials: Vec<Partial>,
    current: Option<Current>,
    max_record_bytes: usize,
    records: u64,
    bytes: u64,
    /// Where the counts are published while the job runs, when it is watched.
    live: Option<LiveInput>,
}

impl<T> RecordReader<T> {
    pub fn new(
        edge: Arc<str>,
        gate: InputGate,
        serializer: Arc<dyn RecordSerializer<T>>,
        max_record_bytes: usize,
    ) -> Self {
        let channels = gate.channels();
        RecordReader {
            edge,
            gate,
            serializer,
            partials: (0..channels).map(|_| Partial::default()).collect(),
            current: None,
            max_record_bytes,
            records: 0,
            bytes: 0,
            live: None,
        }
    }

    /// Publishes this reader's counts under `metrics` every 1,024 records and at the end.
    pub fn watched_by(mut self, metrics: &TaskMetrics) -> Self {
        self.live = Some(metrics.input(&self.edge));
        self
    }

    fn publish(&self) {
        if let Some(live) = &self.live {
            live.records.store(self.records, Ordering::Relaxed);
            live.bytes.store(self.bytes, Ordering::Relaxed);
        }
    }

    pub fn edge(&self) -> &str {
        &self.edge
    }

    pub fn channels(&self) -> usize {
        self.partials.len()
    }

    /// Records and bytes (framing included) read so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.records, self.bytes)
    }

    /// The next element, waiting for input until `deadline` (forever when `None`).
    pub fn next(&mut self, deadline: Option<Instant>) -> Result<Next<T>, EngineError> {
        loop {
            if let Some(current) = &self.current
                && current.offset < current.buffer.len()
            {
                if let Some(next) = self.step()? {
                    return Ok(next);
                }
                continue;
            }
            // Dropping the finished buffer returns it to its pool.
            self.current = None;
            match self.gate.poll(deadline)? {
                Polled::Buffer { channel, buffer } => {
                    self.current = Some(Current {
                        channel,
                        buffer,
                        offset: 0,
                    })
                }
                Polled::Ended { channel } => {
                    if !self.partials[channel].is_empty() {
                        return Err(self.corrupt(channel, "the channel ended inside an element"));
                    }
                    return Ok(Next::Ended { channel });
                }
                Polled::TimedOut => return Ok(Next::TimedOut),
                Polled::Finished => {
                    self.publish();
                    return Ok(Next::Finished);
                }
            }
        }
    }

    /// Reads from the current buffer: an element if one completes in it.
    fn step(&mut self) -> Result<Option<Next<T>>, EngineError> {
        let current = self.current.as_mut().expect("called with a buffer");
        let channel = current.channel;
        let data = &current.buffer.data()[current.offset..];
        let partial = &mut self.partials[channel];
        if partial.is_empty()
            && let Some(length) = data.first_chunk::<LENGTH_BYTES>()
        {
            let size = u32::from_le_bytes(*length) as usize;
            check_size(size, self.max_record_bytes).map_err(|e| located(e, &self.edge, channel))?;
            if let Some(element) = data.get(LENGTH_BYTES..LENGTH_BYTES + size) {
                // The common case: the whole element is in this buffer.
                let decoded = decode(&*self.serializer, element);
                current.offset += LENGTH_BYTES + size;
                self.bytes += (LENGTH_BYTES + size) as u64;
                return self.found(channel, decoded).map(Some);
            }
        }
        let consumed = match partial.expected {
            None => {
                let n = (LENGTH_BYTES - partial.length_read).min(data.len());
                partial.length[partial.length_read..partial.length_read + n]
                    .copy_from_slice(&data[..n]);
                partial.length_read += n;
                if partial.length_read == LENGTH_BYTES {
                    let size = u32::from_le_bytes(partial.length) as usize;
                    check_size(size, self.max_record_bytes)
                        .map_err(|e| located(e, &self.edge, channel))?;
                    partial.expected = Some(size);
                }
                n
            }
            Some(size) => {
                let n = (size - partial.body.len()).min(data.len());
                partial.body.extend_from_slice(&data[..n]);
                n
            }
        };
        current.offset += consumed;
        match partial.expected {
            Some(size) if partial.body.len() == size => {
                let decoded = decode(&*self.serializer, &partial.body);
                partial.reset();
                self.bytes += (LENGTH_BYTES + size) as u64;
                self.found(channel, decoded).map(Some)
            }
            _ => Ok(None),
        }
    }

    fn found(
        &mut self,
        channel: usize,
        decoded: Result<Element<T>, ElementError>,
    ) -> Result<Next<T>, EngineError> {
        let element = decoded.map_err(|e| located(e, &self.edge, channel))?;
        if let Element::Record(_) = element {
            self.records += 1;
            if self.records.is_multiple_of(1024) {
                self.publish();
            }
        }
        Ok(Next::Element { channel, element })
    }

    fn corrupt(&self, channel: usize, detail: &str) -> EngineError {
        EngineError::Corrupt {
            edge: self.edge.to_string(),
            channel,
            detail: detail.into(),
        }
    }
}

/// An element error before it is placed on an edge and channel.
enum ElementError {
    TooLarge { size: usize, limit: usize },
    Decode(typeinfo::DecodeError),
    Corrupt(String),
}

fn located(error: ElementError, edge: &str, channel: usize) -> EngineError {
    let edge = edge.to_owned();
    match error {
        ElementError::TooLarge { size, limit } => EngineError::RecordTooLarge {
            edge,
            channel,
            size,
            limit,
        },
        ElementError::Decode(source) => EngineError::Decode {
            edge,
            channel,
            source,
        },
        ElementError::Corrupt(detail) => EngineError::Corrupt {
            edge,
            channel,
            detail,
        },
    }
}

/// An element's size covers its tag byte and its payload.
fn check_size(size: usize, max_record_bytes: usize) -> Result<(), ElementError> {
    match size {
        0 => Err(ElementError::Corrupt(
            "an element of length 0 (every element has a tag byte)".into(),
        )),
        size if size - 1 > max_record_bytes => Err(ElementError::TooLarge {
            size: size - 1,
            limit: max_record_bytes,
        }),
        _ => Ok(()),
    }
}

fn decode<T>(
    serializer: &dyn RecordSerializer<T>,
    element: &[u8],
) -> Result<Element<T>, ElementError> {
    let (tag, payload) = element.split_first().expect("size checked non-zero");
    match *tag {
        TAG_RECORD => serializer
            .read_record(payload)
            .map(Element::Record)
            .map_err(ElementError::Decode),
        TAG_WATERMARK => payload
            .try_into()
            .map(|time| Element::Watermark(i64::from_le_bytes(time)))
            .map_err(|_| {
                ElementError::Corrupt(format!("a watermark of {} bytes, not 8", payload.len()))
            }),
        TAG_LATENCY => payload
            .try_into()
            .map(|bytes| Element::Latency(LatencyMarker::from_bytes(bytes)))
            .map_err(|_| {
                ElementError::Corrupt(format!(
                    "a latency marker of {} bytes, not 12",
                    payload.len()
                ))
            }),
        tag => Err(ElementError::Corrupt(format!(
            "unknown element tag {tag} (0 record, 1 watermark, 2 latency marker)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::communication::control::JobControl;
    use crate::communication::gate::{Delivery, Outlet};
    use crate::communication::partition::Partitioner;
    use crate::communication::pool::NetworkBufferPool;
    use crate::communication::writer::RecordWriter;
    use crate::config::{BufferTimeout, NetworkConfig};
    use proptest::prelude::*;
    use typeinfo::{DecodeError, EncodeError};

    /// Records that are their own bytes, so element sizes are exact.
    struct Raw;

    impl RecordSerializer<Vec<u8>> for Raw {
        fn name(&self) -> &'static str {
            "raw"
        }
        fn write_record(&self, value: &Vec<u8>, out: &mut Vec<u8>) -> Result<(), EncodeError> {
            out.extend_from_slice(value);
            Ok(())
        }
        fn read_record(&self, bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
            Ok(bytes.to_vec())
        }
    }

    const SEGMENT: usize = 64;

    fn config() -> NetworkConfig {
        NetworkConfig {
            segment_size: SEGMENT,
            buffer_timeout: BufferTimeout::Off,
            max_record_bytes: 1 << 16,
            ..NetworkConfig::default()
        }
    }

    /// Writes `records` over one edge of `channels` channels (writer and reader on their
    /// own threads, `buffers` buffers on the writing side) and returns what each channel
    /// read, in order.
    fn round_trip(
        records: &[Vec<u8>],
        channels: usize,
        buffers: usize,
    ) -> (
        Vec<Vec<Vec<u8>>>,
        crate::communication::metrics::OutputMetrics,
    ) {
        let config = config();
        let control = JobControl::new();
        let global = NetworkBufferPool::new(buffers, config.segment_size);
        let pool = global.local_pool(buffers, "writer").unwrap();
        let (gate, senders) = InputGate::new(channels, control.clone());
        let outlets = senders
            .into_iter()
            .map(|s| Box::new(s) as Box<dyn Outlet>)
            .collect();
        let mut writer = RecordWriter::new(
            "test".into(),
            Arc::new(Raw),
            Partitioner::Rebalance,
            0,
            outlets,
            pool,
            &config,
            control,
        );
        let owned = records.to_vec();
        let producer = std::thread::spawn(move || {
            for r in &owned {
                writer.emit(r).unwrap();
            }
            writer.finish().unwrap()
        });
        let mut reader = RecordReader::new("test".into(), gate, Arc::new(Raw), 1 << 16);
        let mut read = vec![Vec::new(); channels];
        loop {
            match reader.next(None).unwrap() {
                Next::Element {
                    channel,
                    element: Element::Record(r),
                } => read[channel].push(r),
                Next::Finished => break,
                Next::Ended { .. } => {}
                other => panic!("{other:?}"),
            }
        }
        (read, producer.join().unwrap())
    }

    fn payload(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31) ^ seed)
            .collect()
    }

    #[test]
    fn elements_of_every_size_around_the_segment_boundary_arrive_whole() {
        // The framing is 4 length bytes and 1 tag byte.
        let exact = SEGMENT - 5;
        let sizes = [
            0,
            1,
            exact - 1,
            exact,
            exact + 1,
            SEGMENT,
            2 * SEGMENT - 5,
            7 * SEGMENT + 3,
        ];
        for size in sizes {
            // Alone, after a 1-byte element (so the length prefix itself spans), and twice.
            for records in [
                vec![payload(size, 1)],
                vec![payload(1, 9), payload(size, 2), payload(size, 3)],
                vec![payload(SEGMENT - 7, 4), payload(size, 5)],
            ] {
                let (read, metrics) = round_trip(&records, 1, 4);
                assert_eq!(read[0], records, "element size {size}");
                assert_eq!(metrics.records, records.len() as u64);
            }
        }
    }

    #[test]
    fn rebalance_deals_records_round_robin() {
        let records: Vec<Vec<u8>> = (0..9).map(|i| payload(i * 10, i as u8)).collect();
        let (read, _) = round_trip(&records, 3, 8);
        for (channel, got) in read.iter().enumerate() {
            let expected: Vec<_> = records.iter().skip(channel).step_by(3).cloned().collect();
            assert_eq!(got, &expected);
        }
    }

    #[test]
    fn a_slow_reader_blocks_the_writer_and_memory_stays_within_the_pool() {
        let config = config();
        let control = JobControl::new();
        let global = NetworkBufferPool::new(3, SEGMENT);
        let pool = global.local_pool(3, "writer").unwrap();
        let (gate, senders) = InputGate::new(1, control.clone());
        let mut writer = RecordWriter::new(
            "test".into(),
            Arc::new(Raw),
            Partitioner::Forward,
            0,
            senders
                .into_iter()
                .map(|s| Box::new(s) as Box<dyn Outlet>)
                .collect(),
            pool,
            &config,
            control,
        );
        let producer = std::thread::spawn(move || {
            for i in 0..200u8 {
                writer.emit(&payload(40, i)).unwrap();
            }
            writer.finish().unwrap()
        });
        let mut reader = RecordReader::new("test".into(), gate, Arc::new(Raw), 1 << 16);
        let mut n = 0;
        while let Next::Element { .. } | Next::Ended { .. } = reader.next(None).unwrap() {
            n += 1;
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        let metrics = producer.join().unwrap();
        assert_eq!(n, 201, "200 records and the end of the channel");
        assert!(metrics.blocked > std::time::Duration::ZERO);
        assert_eq!(metrics.pool_peak, 3, "never more than the pool");
        assert_eq!(global.available(), 3);
    }

    fn reader_of(deliveries: Vec<Vec<u8>>, end: bool) -> RecordReader<Vec<u8>> {
        let global = NetworkBufferPool::new(deliveries.len().max(1), SEGMENT);
        let pool = global.local_pool(deliveries.len().max(1), "test").unwrap();
        let (gate, senders) = InputGate::new(1, JobControl::new());
        for bytes in deliveries {
            let mut buffer = pool.try_request().unwrap();
            assert_eq!(buffer.append(&bytes), bytes.len());
            senders[0].deliver(Delivery::Buffer(buffer));
        }
        if end {
            senders[0].deliver(Delivery::Event(
                crate::communication::gate::ChannelEvent::EndOfPartition,
            ));
        }
        RecordReader::new("a → b".into(), gate, Arc::new(Raw), 100)
    }

    #[test]
    fn a_length_over_the_limit_is_refused_before_anything_is_gathered() {
        let mut claim = (u32::MAX).to_le_bytes().to_vec();
        claim.push(0);
        let e = reader_of(vec![claim], true).next(None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "on edge a → b, channel 0: a record of 4294967294 bytes is over the limit of 100 bytes"
        );
    }

    #[test]
    fn hostile_framing_is_an_error_naming_the_edge() {
        let cases: [(Vec<Vec<u8>>, &str); 4] = [
            (vec![vec![0, 0, 0, 0]], "an element of length 0"),
            (vec![vec![1, 0, 0, 0, 9]], "unknown element tag 9"),
            (
                vec![vec![2, 0, 0, 0, 1, 5]],
                "a watermark of 1 bytes, not 8",
            ),
            (
                vec![vec![9, 0, 0], vec![0, 0, 1, 2]],
                "ended inside an element",
            ),
        ];
        for (deliveries, expected) in cases {
            let e = reader_of(deliveries, true).next(None).unwrap_err();
            assert!(e.to_string().contains(expected), "{e}");
            assert!(e.to_string().starts_with("on edge a → b, channel 0"), "{e}");
        }
    }

    #[test]
    fn the_writer_refuses_a_record_over_the_limit() {
        let config = NetworkConfig {
            max_record_bytes: 10,
            ..config()
        };
        let global = NetworkBufferPool::new(2, SEGMENT);
        let (_gate, senders) = InputGate::new(1, JobControl::new());
        let mut writer = RecordWriter::new(
            "a → b".into(),
            Arc::new(Raw),
            Partitioner::Forward,
            0,
            vec![Box::new(senders[0].clone()) as Box<dyn Outlet>],
            global.local_pool(2, "w").unwrap(),
            &config,
            JobControl::new(),
        );
        writer.emit(&payload(10, 0)).unwrap();
        let e = writer.emit(&payload(11, 0)).unwrap_err();
        assert!(e.to_string().contains("a → b"), "{e}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_elements_over_any_channels_arrive_in_order(
            sizes in proptest::collection::vec(0usize..300, 0..40),
            channels in 1usize..4,
        ) {
            let records: Vec<Vec<u8>> =
                sizes.iter().enumerate().map(|(i, &n)| payload(n, i as u8)).collect();
            let (read, _) = round_trip(&records, channels, channels * 2 + 1);
            for (channel, got) in read.iter().enumerate() {
                let expected: Vec<_> =
                    records.iter().skip(channel).step_by(channels).cloned().collect();
                prop_assert_eq!(got, &expected);
            }
        }
    }
}
