//! What travels on an edge: records, watermarks and latency markers, each framed as Flink's
//! `StreamElementSerializer` frames them — a tag byte before the payload — behind the
//! record writer's 4-byte length.
//!
//! ```text
//! u32 LE length (tag + payload) | u8 tag | payload
//!   tag 0: a record in the edge's format
//!   tag 1: a watermark, i64 LE event time in milliseconds
//!   tag 2: a latency marker, u64 LE Unix time in nanoseconds, u32 LE source subtask
//!   tag 3: a checkpoint barrier, u64 LE checkpoint id, i64 LE Unix time in milliseconds
//! ```

use std::time::{SystemTime, UNIX_EPOCH};
use typeinfo::{EncodeError, EncodeErrorKind};

pub(crate) const LENGTH_BYTES: usize = 4;
pub(crate) const TAG_RECORD: u8 = 0;
pub(crate) const TAG_WATERMARK: u8 = 1;
pub(crate) const TAG_LATENCY: u8 = 2;
pub(crate) const TAG_BARRIER: u8 = 3;

/// A stream element after decoding.
#[derive(Debug, Clone, PartialEq)]
pub enum Element<T> {
    Record(T),
    /// No record with an earlier event time follows on this channel.
    Watermark(i64),
    Latency(LatencyMarker),
}

/// Emitted by a source now and then; a sink measures its age (Flink's `LatencyMarker`).
/// Wall-clock time, so that markers stay comparable across the processes of one machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencyMarker {
    pub emitted_unix_nanos: u64,
    pub source_subtask: u32,
}

impl LatencyMarker {
    pub fn now(source_subtask: usize) -> Self {
        LatencyMarker {
            emitted_unix_nanos: unix_nanos(),
            source_subtask: source_subtask as u32,
        }
    }

    /// Nanoseconds since the marker was emitted.
    pub fn age_nanos(&self) -> u64 {
        unix_nanos().saturating_sub(self.emitted_unix_nanos)
    }

    pub(crate) fn to_bytes(self) -> [u8; 12] {
        let mut out = [0; 12];
        out[..8].copy_from_slice(&self.emitted_unix_nanos.to_le_bytes());
        out[8..].copy_from_slice(&self.source_subtask.to_le_bytes());
        out
    }

    pub(crate) fn from_bytes(bytes: &[u8; 12]) -> Self {
        let (time, subtask) = bytes.split_at(8);
        LatencyMarker {
            emitted_unix_nanos: u64::from_le_bytes(time.try_into().expect("8 bytes")),
            source_subtask: u32::from_le_bytes(subtask.try_into().expect("4 bytes")),
        }
    }
}

/// Cuts the stream for checkpoint `id`: what a task read before it belongs to the
/// checkpoint, what follows does not (Flink's `CheckpointBarrier`). Sources emit them on
/// every channel; a task with several input channels aligns them (see the record reader).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointBarrier {
    /// Counts from 1 in every source, so that the sources' `n`-th barriers meet.
    pub id: u64,
    /// When the source emitted it, Unix time in milliseconds.
    pub timestamp_millis: i64,
}

impl CheckpointBarrier {
    pub(crate) const BYTES: usize = 16;

    pub fn new(id: u64) -> Self {
        CheckpointBarrier {
            id,
            timestamp_millis: (unix_nanos() / 1_000_000) as i64,
        }
    }

    pub(crate) fn to_bytes(self) -> [u8; Self::BYTES] {
        let mut out = [0; Self::BYTES];
        out[..8].copy_from_slice(&self.id.to_le_bytes());
        out[8..].copy_from_slice(&self.timestamp_millis.to_le_bytes());
        out
    }

    pub(crate) fn from_bytes(bytes: &[u8; Self::BYTES]) -> Self {
        let (id, time) = bytes.split_at(8);
        CheckpointBarrier {
            id: u64::from_le_bytes(id.try_into().expect("8 bytes")),
            timestamp_millis: i64::from_le_bytes(time.try_into().expect("8 bytes")),
        }
    }
}

fn unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The length prefix of an element of `size` bytes (tag and payload): an error, never a
/// wrapped length, for one a `u32` cannot state.
pub(crate) fn element_length(size: usize) -> Result<u32, EncodeError> {
    u32::try_from(size).map_err(|_| {
        EncodeErrorKind::RecordTooLarge {
            size: size.saturating_sub(1),
            limit: crate::config::MAX_RECORD_BYTES,
        }
        .into()
    })
}

#[cfg(test)]
mod length_tests {
    use super::*;

    /// The boundary the network's `max_record_bytes` check stops at: a record of
    /// `MAX_RECORD_BYTES` frames, one byte more does not.
    #[test]
    fn the_length_prefix_frames_up_to_u32_max() {
        let largest = crate::config::MAX_RECORD_BYTES + 1;
        assert_eq!(element_length(largest).unwrap(), u32::MAX);
        let e = element_length(largest + 1).unwrap_err().to_string();
        assert!(e.contains("4294967295") && e.contains("4294967294"), "{e}");
    }
}
