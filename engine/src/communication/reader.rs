//! The record reader: takes buffers from the input gate, finds the elements in them, and
//! reassembles those that span buffers.
//!
//! An element wholly inside one buffer is decoded in place, with no copy. One that spans
//! buffers is gathered in a per-channel vector that grows only with the bytes that have
//! arrived (a length prefix is checked against the record limit, and never trusted for an
//! allocation), and its buffers go back to their pool at once, so a reader never holds
//! memory its producer needs to make progress.
//!
//! Checkpoint barriers are aligned here, as in Flink's aligned checkpoints: a channel that
//! delivered the barrier of checkpoint `n` is blocked at the gate (what follows the barrier
//! in its buffer waits beside it) until every open channel has delivered it, or ended;
//! then the reader returns [`Next::Checkpoint`] once and lets the channels go on. What the
//! task read before that belongs to checkpoint `n` on every channel, and nothing after.

use crate::communication::element::{
    CheckpointBarrier, Element, LENGTH_BYTES, LatencyMarker, TAG_BARRIER, TAG_LATENCY, TAG_RECORD,
    TAG_WATERMARK,
};
use crate::communication::gate::{InputGate, Polled};
use crate::communication::live::{LiveInput, TaskMetrics};
use crate::communication::pool::Buffer;
use crate::error::EngineError;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
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

/// A checkpoint whose barrier some open channels have delivered and others not yet.
struct Alignment {
    barrier: CheckpointBarrier,
    /// Open channels that have not delivered it.
    waiting: usize,
    started: Instant,
}

/// What the reader found next.
#[derive(Debug)]
pub enum Next<T> {
    Element {
        channel: usize,
        element: Element<T>,
    },
    /// Every open channel delivered this barrier: what was read before it is the
    /// checkpoint's. `alignment` is how long the first channel to deliver it was blocked.
    Checkpoint {
        barrier: CheckpointBarrier,
        alignment: Duration,
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
    /// Each channel's last barrier (ids rise on every channel; 0 before the first).
    last_barrier: Vec<u64>,
    ended: Vec<bool>,
    aligning: Option<Alignment>,
    /// The rest of a buffer behind a barrier, read once its channel is let go.
    parked: Vec<Option<Current>>,
    resumed: VecDeque<Current>,
    /// A checkpoint that completed when a channel ended, returned after `Ended`.
    completed: Option<(CheckpointBarrier, Duration)>,
}

/// What reading the current buffer gave.
enum Step<T> {
    Found(Next<T>),
    Barrier(usize, CheckpointBarrier),
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
            last_barrier: vec![0; channels],
            ended: vec![false; channels],
            aligning: None,
            parked: (0..channels).map(|_| None).collect(),
            resumed: VecDeque::new(),
            completed: None,
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
            if let Some((barrier, alignment)) = self.completed.take() {
                return Ok(Next::Checkpoint { barrier, alignment });
            }
            if let Some(current) = &self.current
                && current.offset < current.buffer.len()
            {
                match self.step()? {
                    Some(Step::Found(next)) => return Ok(next),
                    Some(Step::Barrier(channel, barrier)) => {
                        if let Some(next) = self.on_barrier(channel, barrier)? {
                            return Ok(next);
                        }
                    }
                    None => {}
                }
                continue;
            }
            // Dropping the finished buffer returns it to its pool; what waited behind a
            // barrier comes before anything new.
            self.current = self.resumed.pop_front();
            if self.current.is_some() {
                continue;
            }
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
                    self.ended[channel] = true;
                    // An ended channel delivers no more barriers: it no longer holds one up.
                    if let Some(alignment) = &mut self.aligning {
                        alignment.waiting -= 1;
                        if alignment.waiting == 0 {
                            self.completed = Some(self.complete_alignment());
                        }
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

    /// Counts `barrier` from `channel` into its alignment: the checkpoint if it completes,
    /// else the channel waits, blocked, with the rest of its buffer.
    fn on_barrier(
        &mut self,
        channel: usize,
        barrier: CheckpointBarrier,
    ) -> Result<Option<Next<T>>, EngineError> {
        let last = self.last_barrier[channel];
        if barrier.id <= last {
            return Err(self.corrupt(
                channel,
                &format!(
                    "checkpoint barrier {} after barrier {last} (ids rise on a channel)",
                    barrier.id
                ),
            ));
        }
        self.last_barrier[channel] = barrier.id;
        let open = self.ended.iter().filter(|ended| !**ended).count();
        let alignment = self.aligning.get_or_insert_with(|| Alignment {
            barrier,
            waiting: open,
            started: Instant::now(),
        });
        if alignment.barrier.id != barrier.id {
            let aligning = alignment.barrier.id;
            return Err(self.corrupt(
                channel,
                &format!(
                    "checkpoint barrier {} while checkpoint {aligning} is aligning (the channel \
                     skipped a barrier)",
                    barrier.id
                ),
            ));
        }
        alignment.waiting -= 1;
        if alignment.waiting == 0 {
            let (barrier, alignment) = self.complete_alignment();
            return Ok(Some(Next::Checkpoint { barrier, alignment }));
        }
        self.gate.block(channel);
        if let Some(current) = &self.current
            && current.offset < current.buffer.len()
        {
            self.parked[channel] = self.current.take();
        }
        Ok(None)
    }

    /// Ends the alignment: every channel goes on, parked buffers first.
    fn complete_alignment(&mut self) -> (CheckpointBarrier, Duration) {
        let alignment = self.aligning.take().expect("called while aligning");
        self.gate.unblock_all();
        self.resumed
            .extend(self.parked.iter_mut().filter_map(Option::take));
        let took = alignment.started.elapsed();
        if let Some(live) = &self.live {
            live.checkpoints.fetch_add(1, Ordering::Relaxed);
            let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
            live.alignment_nanos.fetch_add(nanos, Ordering::Relaxed);
        }
        (alignment.barrier, took)
    }

    /// Reads from the current buffer: an element if one completes in it.
    fn step(&mut self) -> Result<Option<Step<T>>, EngineError> {
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
        decoded: Result<Decoded<T>, ElementError>,
    ) -> Result<Step<T>, EngineError> {
        let element = match decoded.map_err(|e| located(e, &self.edge, channel))? {
            Decoded::Element(element) => element,
            Decoded::Barrier(barrier) => return Ok(Step::Barrier(channel, barrier)),
        };
        if let Element::Record(_) = element {
            self.records += 1;
            if self.records.is_multiple_of(1024) {
                self.publish();
            }
        }
        Ok(Step::Found(Next::Element { channel, element }))
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

/// An element as decoded: barriers stay in the reader, which aligns them.
enum Decoded<T> {
    Element(Element<T>),
    Barrier(CheckpointBarrier),
}

fn decode<T>(
    serializer: &dyn RecordSerializer<T>,
    element: &[u8],
) -> Result<Decoded<T>, ElementError> {
    let (tag, payload) = element.split_first().expect("size checked non-zero");
    let wrong_size = |what: &str, expected: usize| {
        ElementError::Corrupt(format!("{what} of {} bytes, not {expected}", payload.len()))
    };
    let element = match *tag {
        TAG_RECORD => serializer
            .read_record(payload)
            .map(Element::Record)
            .map_err(ElementError::Decode)?,
        TAG_WATERMARK => payload
            .try_into()
            .map(|time| Element::Watermark(i64::from_le_bytes(time)))
            .map_err(|_| wrong_size("a watermark", 8))?,
        TAG_LATENCY => payload
            .try_into()
            .map(|bytes| Element::Latency(LatencyMarker::from_bytes(bytes)))
            .map_err(|_| wrong_size("a latency marker", 12))?,
        TAG_BARRIER => {
            return payload
                .try_into()
                .map(|bytes| Decoded::Barrier(CheckpointBarrier::from_bytes(bytes)))
                .map_err(|_| wrong_size("a checkpoint barrier", CheckpointBarrier::BYTES));
        }
        tag => {
            return Err(ElementError::Corrupt(format!(
                "unknown element tag {tag} (0 record, 1 watermark, 2 latency marker, 3 \
                 checkpoint barrier)"
            )));
        }
    };
    Ok(Decoded::Element(element))
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

    /// Each producer's records, `(producer, seq)` with a payload of `sizes[seq]` bytes, and
    /// barriers `1..` after the records at `cuts` (sorted positions).
    struct Producer {
        sizes: Vec<usize>,
        cuts: Vec<usize>,
    }

    /// A record read: its producer and sequence number.
    type Record = (u8, usize);

    fn tagged(producer: usize, seq: usize, size: usize) -> Vec<u8> {
        let mut r = vec![producer as u8, (seq >> 8) as u8, seq as u8];
        r.extend(payload(size, seq as u8));
        r
    }

    /// Runs one producer per channel of one gate (each with a pool of 2 buffers, so a
    /// blocked channel holds its producer back) and returns, for every record read, how
    /// many checkpoints the reader had completed before it, and the checkpoints in order.
    fn aligned_read(producers: Vec<Producer>) -> (Vec<(Record, u64)>, Vec<u64>) {
        let config = config();
        let control = JobControl::new();
        let global = NetworkBufferPool::new(2 * producers.len(), SEGMENT);
        let (gate, senders) = InputGate::new(producers.len(), control.clone());
        let threads: Vec<_> = producers
            .into_iter()
            .zip(senders)
            .enumerate()
            .map(|(p, (producer, sender))| {
                let mut writer = RecordWriter::new(
                    "test".into(),
                    Arc::new(Raw),
                    Partitioner::Forward,
                    0,
                    vec![Box::new(sender) as Box<dyn Outlet>],
                    global.local_pool(2, "writer").unwrap(),
                    &config,
                    control.clone(),
                );
                std::thread::spawn(move || {
                    let mut cuts = producer.cuts.iter().peekable();
                    let mut id = 0;
                    for (seq, &size) in producer.sizes.iter().enumerate() {
                        while cuts.next_if(|&&at| at == seq).is_some() {
                            id += 1;
                            writer.emit_barrier(CheckpointBarrier::new(id)).unwrap();
                        }
                        writer.emit(&tagged(p, seq, size)).unwrap();
                    }
                    for _ in cuts {
                        id += 1;
                        writer.emit_barrier(CheckpointBarrier::new(id)).unwrap();
                    }
                    writer.finish().unwrap();
                })
            })
            .collect();
        let mut reader = RecordReader::new("test".into(), gate, Arc::new(Raw), 1 << 16);
        let (mut seen, mut checkpoints) = (Vec::new(), Vec::new());
        loop {
            match reader.next(None).unwrap() {
                Next::Element {
                    element: Element::Record(r),
                    ..
                } => {
                    let seq = (r[1] as usize) << 8 | r[2] as usize;
                    seen.push(((r[0], seq), checkpoints.len() as u64));
                }
                Next::Checkpoint { barrier, .. } => checkpoints.push(barrier.id),
                Next::Finished => break,
                Next::Ended { .. } => {}
                other => panic!("{other:?}"),
            }
        }
        for t in threads {
            t.join().unwrap();
        }
        (seen, checkpoints)
    }

    #[test]
    fn a_channel_that_delivered_the_barrier_waits_for_the_others() {
        // Producer 0 cuts at once; producer 1 sends ten records (several buffers) first.
        let (seen, checkpoints) = aligned_read(vec![
            Producer {
                sizes: vec![30; 10],
                cuts: vec![0],
            },
            Producer {
                sizes: vec![30; 10],
                cuts: vec![10],
            },
        ]);
        assert_eq!(checkpoints, [1]);
        for ((producer, _), before) in seen {
            assert_eq!(before, u64::from(producer == 0), "producer {producer}");
        }
    }

    #[test]
    fn the_writer_refuses_barriers_whose_ids_do_not_rise() {
        let global = NetworkBufferPool::new(2, SEGMENT);
        let (_gate, senders) = InputGate::new(1, JobControl::new());
        let mut writer = RecordWriter::<Vec<u8>>::new(
            "a → b".into(),
            Arc::new(Raw),
            Partitioner::Forward,
            0,
            vec![Box::new(senders[0].clone()) as Box<dyn Outlet>],
            global.local_pool(2, "w").unwrap(),
            &config(),
            JobControl::new(),
        );
        let e = writer.emit_barrier(CheckpointBarrier::new(0)).unwrap_err();
        assert!(e.to_string().contains("barrier 0 after barrier 0"), "{e}");
        writer.emit_barrier(CheckpointBarrier::new(3)).unwrap();
        let e = writer.emit_barrier(CheckpointBarrier::new(3)).unwrap_err();
        assert!(e.to_string().contains("barrier 3 after barrier 3"), "{e}");
    }

    #[test]
    fn hostile_barriers_are_errors() {
        let barrier = |id: u64| {
            let mut e = 17u32.to_le_bytes().to_vec();
            e.push(TAG_BARRIER);
            e.extend(CheckpointBarrier::new(id).to_bytes());
            e
        };
        let short = vec![2, 0, 0, 0, TAG_BARRIER, 1];
        let e = reader_of(vec![short], true).next(None).unwrap_err();
        assert!(
            e.to_string()
                .contains("a checkpoint barrier of 1 bytes, not 16"),
            "{e}"
        );
        let mut reader = reader_of(vec![[barrier(2), barrier(2)].concat()], true);
        assert!(matches!(reader.next(None), Ok(Next::Checkpoint { .. })));
        let e = reader.next(None).unwrap_err().to_string();
        assert!(e.contains("checkpoint barrier 2 after barrier 2"), "{e}");
    }

    #[test]
    fn what_follows_a_barrier_in_its_buffer_waits_for_the_alignment() {
        let element = |tag: u8, payload: &[u8]| {
            let mut e = (payload.len() as u32 + 1).to_le_bytes().to_vec();
            e.push(tag);
            e.extend_from_slice(payload);
            e
        };
        let barrier = element(TAG_BARRIER, &CheckpointBarrier::new(1).to_bytes());
        let record = |name: u8| element(TAG_RECORD, &[name]);
        let global = NetworkBufferPool::new(2, SEGMENT);
        let pool = global.local_pool(2, "test").unwrap();
        let (gate, senders) = InputGate::new(2, JobControl::new());
        let channels = [
            [barrier.clone(), record(b'a')].concat(),
            [record(b'b'), barrier, record(b'c')].concat(),
        ];
        for (sender, bytes) in senders.iter().zip(channels) {
            let mut buffer = pool.try_request().unwrap();
            buffer.append(&bytes);
            sender.deliver(Delivery::Buffer(buffer));
        }
        let mut reader = RecordReader::new("a → b".into(), gate, Arc::new(Raw), 100);
        let mut order = Vec::new();
        while let Ok(next) = reader.next(Some(Instant::now())) {
            match next {
                Next::Element {
                    element: Element::Record(r),
                    ..
                } => order.push(r[0]),
                Next::Checkpoint { barrier, .. } => order.push(b'0' + barrier.id as u8),
                _ => break,
            }
        }
        let at = |c: u8| order.iter().position(|&o| o == c).expect("read");
        assert_eq!(order.len(), 4, "{order:?}");
        assert!(at(b'b') < at(b'1'), "{order:?}");
        assert!(at(b'1') < at(b'a') && at(b'1') < at(b'c'), "{order:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Aligned checkpoints cut every channel exactly at its barriers: a record is read
        /// after exactly as many checkpoints as its producer sent barriers before it, and
        /// every checkpoint completes once, in order, also when producers end early.
        #[test]
        fn barriers_cut_every_channel_at_the_same_checkpoint(
            producers in proptest::collection::vec(
                (proptest::collection::vec(0usize..150, 0..30), proptest::collection::vec(0usize..31, 0..4)),
                1..4,
            ),
        ) {
            let producers: Vec<Producer> = producers
                .into_iter()
                .map(|(sizes, mut cuts)| {
                    cuts.iter_mut().for_each(|c| *c = (*c).min(sizes.len()));
                    cuts.sort_unstable();
                    Producer { sizes, cuts }
                })
                .collect();
            let expected_before: Vec<Vec<u64>> = producers
                .iter()
                .map(|p| {
                    (0..p.sizes.len())
                        .map(|seq| p.cuts.iter().filter(|&&at| at <= seq).count() as u64)
                        .collect()
                })
                .collect();
            let most = producers.iter().map(|p| p.cuts.len() as u64).max().unwrap_or(0);
            let records: usize = producers.iter().map(|p| p.sizes.len()).sum();
            let (seen, checkpoints) = aligned_read(producers);
            prop_assert_eq!(seen.len(), records);
            for ((producer, seq), before) in seen {
                prop_assert_eq!(before, expected_before[producer as usize][seq], "({}, {})", producer, seq);
            }
            prop_assert_eq!(checkpoints, (1..=most).collect::<Vec<_>>());
        }
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
