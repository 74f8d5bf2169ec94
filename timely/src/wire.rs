//! A container's bytes.
//!
//! ```text
//! fingerprint  u64 LE   the snapshot fingerprint of the writer's serializer
//! records      u32 LE   how many records follow
//! payload      u32 LE   the bytes they take
//! payload      records, each its length as a varint, then its bytes in the format
//! padding      zeros up to a multiple of 8, the alignment timely keeps between messages
//! ```
//!
//! The reader trusts nothing: the fingerprint must be its own, lengths must fit in what
//! arrived, the record count is capped by `max_collection_len` and no allocation is sized by
//! a claimed count, every record is decoded by the format with the config's limits, and the
//! padding must be zeros.

use crate::error::{ContainerError, ContainerErrorKind};
use std::sync::atomic::{AtomicUsize, Ordering};
use typeinfo::snapshot::Snapshot;
use typeinfo::{Decode, DecodeError, Encode, Limits};
use typeinfo_serializers::{RecordSerializer, SerializationConfig, Serializer, varint};

/// The header's size; records start here.
pub const HEADER_BYTES: usize = 16;
/// What timely keeps message boundaries aligned to.
const ALIGN: usize = 8;
/// The most records a decoder makes room for before any has decoded.
const PREALLOCATE: usize = 1024;
/// The bytes reserved before each record for its length: a varint of records from 128
/// bytes to 16 KiB.
const LENGTH_SLOT: usize = 2;

/// Writes the length of the record after `slot` into the slot as a varint, moving the
/// record when its length takes other than [`LENGTH_SLOT`] bytes.
fn write_length_into_slot(out: &mut Vec<u8>, slot: usize) {
    let start = slot + LENGTH_SLOT;
    let len = out.len() - start;
    let n = varint::len(len as u128);
    match n {
        LENGTH_SLOT => {}
        1 => {
            out.copy_within(start.., slot + 1);
            out.truncate(out.len() - 1);
        }
        _ => {
            let grow = n - LENGTH_SLOT;
            out.resize(out.len() + grow, 0);
            out.copy_within(start..start + len, start + grow);
        }
    }
    // The varint of `varint::write`: seven bits a byte, low first.
    let mut rest = len;
    for (i, byte) in out[slot..slot + n].iter_mut().enumerate() {
        *byte = (rest & 0x7f) as u8 | if i + 1 < n { 0x80 } else { 0 };
        rest >>= 7;
    }
}

/// The serializer a channel of `T` uses, with what identifies its bytes.
pub struct RecordsCodec<T> {
    serializer: Serializer<T>,
    fingerprint: u64,
    limits: Limits,
    /// Bytes per record of the last container written: the next one's first allocation.
    bytes_per_record: AtomicUsize,
}

impl<T: Encode + Decode + 'static> RecordsCodec<T> {
    /// The codec `config` selects for `T`.
    pub fn new(config: &SerializationConfig) -> Result<Self, typeinfo_serializers::ConfigError> {
        let serializer = Serializer::<T>::new(config)?;
        let snapshot = serializer
            .record_snapshot()
            .unwrap_or_else(|| Snapshot::new::<T>(serializer.format().name(), []));
        Ok(RecordsCodec {
            fingerprint: snapshot.fingerprint(),
            serializer,
            limits: *config.limits(),
            bytes_per_record: AtomicUsize::new(64),
        })
    }
}

impl<T> RecordsCodec<T> {
    /// The serializer's format.
    pub fn format(&self) -> &'static str {
        self.serializer.format().name()
    }

    /// The fingerprint every container of this codec starts with.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The selected serializer, with its explanation.
    pub fn serializer(&self) -> &Serializer<T> {
        &self.serializer
    }

    fn error(&self, kind: ContainerErrorKind) -> ContainerError {
        ContainerError {
            type_name: self.serializer.explanation().type_name,
            format: self.format(),
            kind,
        }
    }

    fn framing(&self, error: DecodeError) -> ContainerError {
        self.error(ContainerErrorKind::Framing(error))
    }

    /// The bytes of a container holding `records`, padding included.
    pub fn encode(&self, records: &[T]) -> Result<Vec<u8>, ContainerError> {
        let too_many = |claimed: usize| {
            self.framing(DecodeError::LengthLimit {
                claimed: claimed as u64,
                limit: self.max_records() as u64,
            })
        };
        if records.len() > self.max_records() {
            return Err(too_many(records.len()));
        }
        let hint = self.bytes_per_record.load(Ordering::Relaxed);
        let mut out = Vec::with_capacity(HEADER_BYTES + records.len() * hint + ALIGN);
        out.extend_from_slice(&self.fingerprint.to_le_bytes());
        out.extend_from_slice(&(records.len() as u32).to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        for (index, value) in records.iter().enumerate() {
            // The record goes straight after a two-byte slot for its length, which most
            // records need; the rare others move by a byte or more once written.
            let slot = out.len();
            out.extend_from_slice(&[0; LENGTH_SLOT]);
            self.serializer
                .write_record(value, &mut out)
                .map_err(|error| self.error(ContainerErrorKind::Encode { index, error }))?;
            write_length_into_slot(&mut out, slot);
        }
        if let Some(per_record) = (out.len() - HEADER_BYTES).checked_div(records.len()) {
            self.bytes_per_record
                .store(per_record + 1, Ordering::Relaxed);
        }
        let payload = out.len() - HEADER_BYTES;
        let payload = u32::try_from(payload).map_err(|_| {
            self.framing(DecodeError::LengthLimit {
                claimed: payload as u64,
                limit: u64::from(u32::MAX),
            })
        })?;
        out[12..16].copy_from_slice(&payload.to_le_bytes());
        out.resize(out.len().next_multiple_of(ALIGN), 0);
        Ok(out)
    }

    /// The records of a container's bytes.
    pub fn decode(&self, bytes: &[u8]) -> Result<Vec<T>, ContainerError> {
        let header = Header::read(bytes).map_err(|e| self.framing(e))?;
        if header.fingerprint != self.fingerprint {
            return Err(self.error(ContainerErrorKind::Fingerprint {
                expected: self.fingerprint,
                found: header.fingerprint,
            }));
        }
        if header.records > self.max_records() {
            return Err(self.framing(DecodeError::LengthLimit {
                claimed: header.records as u64,
                limit: self.max_records() as u64,
            }));
        }
        let rest = &bytes[HEADER_BYTES..];
        let padded = header.payload.next_multiple_of(ALIGN);
        if rest.len() != padded {
            return Err(self.framing(DecodeError::LengthMismatch {
                expected: padded,
                found: rest.len(),
            }));
        }
        let (mut payload, padding) = rest.split_at(header.payload);
        if let Some(at) = padding.iter().position(|&b| b != 0) {
            return Err(self.framing(DecodeError::TrailingBytes {
                remaining: padding.len() - at,
            }));
        }
        // Every record takes at least its one-byte length, so the payload bounds the count;
        // past a container's usual size the vector grows as records actually decode.
        let mut records = Vec::with_capacity(header.records.min(payload.len()).min(PREALLOCATE));
        for index in 0..header.records {
            let record = |error| self.error(ContainerErrorKind::Record { index, error });
            let len = varint::read(&mut payload, 32, "record length").map_err(record)? as usize;
            if len > payload.len() {
                return Err(record(DecodeError::UnexpectedEnd {
                    needed: len,
                    available: payload.len(),
                }));
            }
            let (bytes, rest) = payload.split_at(len);
            records.push(self.serializer.read_record(bytes).map_err(record)?);
            payload = rest;
        }
        if !payload.is_empty() {
            return Err(self.framing(DecodeError::TrailingBytes {
                remaining: payload.len(),
            }));
        }
        Ok(records)
    }

    /// The most records one container may hold: what the config allows one collection.
    pub fn max_records(&self) -> usize {
        self.limits.max_collection_len.min(u32::MAX as usize)
    }
}

impl<T> core::fmt::Debug for RecordsCodec<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RecordsCodec")
            .field("explanation", self.serializer.explanation())
            .field("fingerprint", &format_args!("{:016x}", self.fingerprint))
            .finish()
    }
}

/// How many records a container's bytes claim, whatever else they hold: what timely's
/// progress tracking counts for a container that failed to decode (the sender counted the
/// same number). Bytes too short for a header claim none.
pub fn claimed_records(bytes: &[u8]) -> usize {
    Header::read(bytes).map_or(0, |h| h.records)
}

struct Header {
    fingerprint: u64,
    records: usize,
    payload: usize,
}

impl Header {
    fn read(bytes: &[u8]) -> Result<Header, DecodeError> {
        let Some(header) = bytes.first_chunk::<HEADER_BYTES>() else {
            return Err(DecodeError::UnexpectedEnd {
                needed: HEADER_BYTES,
                available: bytes.len(),
            });
        };
        let u32_at =
            |at: usize| u32::from_le_bytes(header[at..at + 4].try_into().expect("4 bytes"));
        Ok(Header {
            fingerprint: u64::from_le_bytes(header[..8].try_into().expect("8 bytes")),
            records: u32_at(8) as usize,
            payload: u32_at(12) as usize,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_in_the_slot_are_the_varints_the_reader_reads() {
        for len in [0, 1, 127, 128, 300, 16_383, 16_384, 70_000, 3 << 21] {
            let record: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut out = vec![7, 7, 7];
            out.extend_from_slice(&[0; LENGTH_SLOT]);
            out.extend_from_slice(&record);
            write_length_into_slot(&mut out, 3);
            let mut expected = vec![7, 7, 7];
            varint::write(&mut expected, len as u64);
            expected.extend_from_slice(&record);
            assert!(out == expected, "length {len}");
        }
    }
}
