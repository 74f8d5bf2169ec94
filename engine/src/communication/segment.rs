//! Fixed-size memory segments and the chain a record is written across.

use std::collections::VecDeque;
use std::fmt;
use typeinfo::EncodeError;
use typeinfo::io::{Reader, Writer};

/// Flink's default memory segment size.
pub const DEFAULT_SEGMENT_SIZE: usize = 32 * 1024;

/// A fixed-size buffer and how much of it holds data.
#[derive(Clone, PartialEq, Eq)]
pub struct Segment {
    memory: Box<[u8]>,
    len: usize,
}

impl Segment {
    /// An empty segment of `size` bytes.
    pub fn new(size: usize) -> Self {
        Segment {
            memory: vec![0; size].into_boxed_slice(),
            len: 0,
        }
    }

    /// The bytes written so far.
    pub fn data(&self) -> &[u8] {
        &self.memory[..self.len]
    }

    pub fn capacity(&self) -> usize {
        self.memory.len()
    }

    pub fn is_full(&self) -> bool {
        self.len == self.memory.len()
    }

    /// Empties the segment for reuse.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Copies as much of `bytes` as fits and returns how much that was.
    pub(crate) fn fill(&mut self, bytes: &[u8]) -> usize {
        let n = bytes.len().min(self.memory.len() - self.len);
        self.memory[self.len..self.len + n].copy_from_slice(&bytes[..n]);
        self.len += n;
        n
    }
}

impl Segment {
    /// Appends exactly `n` bytes read from `source`; `n` must fit.
    pub(crate) fn fill_from(
        &mut self,
        source: &mut impl std::io::Read,
        n: usize,
    ) -> std::io::Result<()> {
        let end = self.len + n;
        source.read_exact(&mut self.memory[self.len..end])?;
        self.len = end;
        Ok(())
    }
}

impl fmt::Debug for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Segment")
            .field("len", &self.len)
            .field("capacity", &self.capacity())
            .finish()
    }
}

/// A segment size of zero cannot hold anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentSizeError;

impl fmt::Display for SegmentSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("segment size must be at least 1 byte")
    }
}

impl std::error::Error for SegmentSizeError {}

/// Writes bytes into a chain of segments, starting a new segment whenever one is full.
#[derive(Debug)]
pub struct SegmentChainWriter {
    segment_size: usize,
    finished: VecDeque<Segment>,
    current: Segment,
}

impl SegmentChainWriter {
    pub fn new(segment_size: usize) -> Result<Self, SegmentSizeError> {
        if segment_size == 0 {
            return Err(SegmentSizeError);
        }
        Ok(SegmentChainWriter {
            segment_size,
            finished: VecDeque::new(),
            current: Segment::new(segment_size),
        })
    }

    /// Segments completely filled so far, oldest first.
    pub fn finished(&self) -> &VecDeque<Segment> {
        &self.finished
    }

    /// Takes the oldest full segment, as a channel does when it ships a buffer.
    pub fn pop_finished(&mut self) -> Option<Segment> {
        self.finished.pop_front()
    }

    /// Every segment, the partly filled last one included (a flush).
    pub fn into_segments(mut self) -> VecDeque<Segment> {
        if self.current.len > 0 {
            self.finished.push_back(self.current);
        }
        self.finished
    }
}

impl Writer for SegmentChainWriter {
    fn write(&mut self, mut bytes: &[u8]) -> Result<(), EncodeError> {
        while !bytes.is_empty() {
            let n = self.current.fill(bytes);
            bytes = &bytes[n..];
            if self.current.is_full() {
                let full = std::mem::replace(&mut self.current, Segment::new(self.segment_size));
                self.finished.push_back(full);
            }
        }
        Ok(())
    }
}

/// Reads bytes across a chain of segments as one contiguous source.
#[derive(Debug)]
pub struct SegmentChainReader<'a> {
    segments: &'a [Segment],
    offset: usize,
    remaining: usize,
}

impl<'a> SegmentChainReader<'a> {
    pub fn new(segments: &'a [Segment]) -> Self {
        let remaining = segments.iter().map(|s| s.len).sum();
        let mut reader = SegmentChainReader {
            segments,
            offset: 0,
            remaining,
        };
        reader.skip_exhausted();
        reader
    }

    /// Moves past segments with nothing left to read.
    fn skip_exhausted(&mut self) {
        while let Some(first) = self.segments.first() {
            if self.offset < first.len {
                break;
            }
            self.segments = &self.segments[1..];
            self.offset = 0;
        }
    }
}

impl Reader for SegmentChainReader<'_> {
    fn remaining(&self) -> usize {
        self.remaining
    }

    fn chunk(&self) -> &[u8] {
        self.segments
            .first()
            .map_or(&[], |s| &s.data()[self.offset..])
    }

    fn advance(&mut self, n: usize) {
        assert!(n <= self.chunk().len(), "advance past the current chunk");
        self.offset += n;
        self.remaining -= n;
        self.skip_exhausted();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use typeinfo::prelude::*;
    use typeinfo_serializers::pojo::Pojo;

    #[derive(TypeInfo, Debug, Clone, PartialEq)]
    struct Record {
        id: u64,
        name: String,
        values: Vec<u32>,
        tag: Option<char>,
    }

    fn record(id: u64, name_len: usize) -> Record {
        Record {
            id,
            name: "n".repeat(name_len),
            values: (0..id as u32 % 7).collect(),
            tag: Some('é'),
        }
    }

    /// Records written back to back across segments of `size` bytes read back the same.
    fn write_and_read(records: &[Record], size: usize) {
        let mut writer = SegmentChainWriter::new(size).unwrap();
        for r in records {
            Pojo::default().encode_to(r, &mut writer).unwrap();
        }
        let segments: Vec<Segment> = writer.into_segments().into();
        assert!(segments.iter().all(|s| s.capacity() == size));
        let mut reader = SegmentChainReader::new(&segments);
        for r in records {
            assert_eq!(
                &Pojo::default()
                    .decode_from::<Record, _>(&mut reader)
                    .unwrap(),
                r
            );
        }
        assert_eq!(reader.remaining(), 0);
    }

    #[test]
    fn records_span_segments_of_every_size_around_their_length() {
        let r = record(3, 10);
        let len = typeinfo_serializers::pojo::to_vec(&r).unwrap().len();
        for size in [
            1,
            2,
            3,
            len - 1,
            len,
            len + 1,
            2 * len - 1,
            2 * len + 1,
            DEFAULT_SEGMENT_SIZE,
        ] {
            write_and_read(&[r.clone(), record(4, 0), record(9, 100)], size);
        }
    }

    #[test]
    fn a_large_record_spans_many_segments() {
        let big = record(5, 5 * DEFAULT_SEGMENT_SIZE + 17);
        let mut writer = SegmentChainWriter::new(DEFAULT_SEGMENT_SIZE).unwrap();
        Pojo::default().encode_to(&big, &mut writer).unwrap();
        assert_eq!(writer.finished().len(), 5);
        write_and_read(&[big], DEFAULT_SEGMENT_SIZE);
    }

    #[test]
    fn zero_sized_segments_are_refused() {
        assert_eq!(
            SegmentChainWriter::new(0).unwrap_err().to_string(),
            "segment size must be at least 1 byte"
        );
    }

    #[test]
    fn a_truncated_chain_is_an_error_not_a_panic() {
        let mut writer = SegmentChainWriter::new(4).unwrap();
        Pojo::default()
            .encode_to(&record(1, 20), &mut writer)
            .unwrap();
        let mut segments: Vec<Segment> = writer.into_segments().into();
        segments.pop();
        let mut reader = SegmentChainReader::new(&segments);
        assert!(
            Pojo::default()
                .decode_from::<Record, _>(&mut reader)
                .is_err()
        );
    }

    proptest! {
        #[test]
        fn any_records_survive_any_segment_size(
            records in proptest::collection::vec((any::<u64>(), 0usize..300), 0..20),
            size in 1usize..200,
        ) {
            let records: Vec<Record> = records.into_iter().map(|(id, len)| record(id, len)).collect();
            write_and_read(&records, size);
        }
    }
}
