//! Writing a state file: the snapshot once, then records in checked blocks. The layout
//! (`StateFileWriter`) takes records as bytes; `StateWriter` encodes them with a format.

use super::{MAGIC, StateError, StateErrorKind};
use crate::record::RecordCodec;
use core::marker::PhantomData;
use std::io::Write;
use typeinfo::snapshot::Snapshot;
use typeinfo::{Encode, EncodeError, HasTypeInfo};

/// A block is closed once its records reach this many bytes.
const BLOCK_TARGET: usize = 64 << 10;

/// Writes the layout of a state file: `snapshot` describes the records, which the caller
/// encodes (an engine writing a key, a namespace and a value as one record).
pub struct StateFileWriter<W: Write> {
    out: W,
    block: Vec<u8>,
    in_block: u32,
    records: u64,
    offset: u64,
}

impl<W: Write> StateFileWriter<W> {
    /// Writes the header and `snapshot` to `out`.
    pub fn new(out: W, snapshot: &Snapshot) -> Result<Self, StateError> {
        let snapshot = snapshot.to_bytes();
        let mut writer = StateFileWriter {
            out,
            block: Vec::with_capacity(BLOCK_TARGET),
            in_block: 0,
            records: 0,
            offset: 0,
        };
        let len = u32::try_from(snapshot.len()).expect("a snapshot is far below 4 GiB");
        let mut head = MAGIC.to_vec();
        head.extend_from_slice(&len.to_le_bytes());
        head.extend_from_slice(&snapshot);
        head.extend_from_slice(&crc32fast::hash(&snapshot).to_le_bytes());
        writer.put(&head)?;
        Ok(writer)
    }

    /// Appends one record, which `encode` appends to the vector it is given; when it fails
    /// the file is left as it was.
    pub fn write_with(
        &mut self,
        encode: impl FnOnce(&mut Vec<u8>) -> Result<(), EncodeError>,
    ) -> Result<(), StateError> {
        let start = self.block.len();
        self.block.extend_from_slice(&[0; 4]);
        if let Err(e) = encode(&mut self.block) {
            self.block.truncate(start);
            return Err(StateError::at(self.offset, StateErrorKind::Encode(e)));
        }
        let len = self.block.len() - start - 4;
        let Some(len) = u32::try_from(len)
            .ok()
            .filter(|&len| len <= super::MAX_BLOCK_BYTES - 4)
        else {
            // A reader refuses a block over its limit, so a writer does not make one.
            self.block.truncate(start);
            return Err(StateError::at(
                self.offset,
                StateErrorKind::TooLarge {
                    what: "a record",
                    claimed: len as u64,
                    limit: u64::from(super::MAX_BLOCK_BYTES - 4),
                },
            ));
        };
        if start > 0 && self.block.len() > super::MAX_BLOCK_BYTES as usize {
            // The record fits a block of its own: close the one before it first.
            let record = self.block.split_off(start);
            self.flush_block()?;
            self.block.extend_from_slice(&record);
        }
        let at = self.block.len() - len as usize - 4;
        self.block[at..at + 4].copy_from_slice(&len.to_le_bytes());
        self.in_block += 1;
        self.records += 1;
        if self.block.len() >= BLOCK_TARGET {
            self.flush_block()?;
        }
        Ok(())
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Writes the last block and the end, and gives back the writer and the file's size.
    pub fn finish(mut self) -> Result<(W, u64), StateError> {
        self.flush_block()?;
        let mut end = Vec::with_capacity(16);
        end.extend_from_slice(&0u32.to_le_bytes());
        end.extend_from_slice(&self.records.to_le_bytes());
        end.extend_from_slice(&crc32fast::hash(&end).to_le_bytes());
        self.put(&end)?;
        self.out
            .flush()
            .map_err(|e| StateError::at(self.offset, StateErrorKind::Io(e)))?;
        Ok((self.out, self.offset))
    }

    fn flush_block(&mut self) -> Result<(), StateError> {
        if self.in_block == 0 {
            return Ok(());
        }
        let len = u32::try_from(self.block.len()).expect("a block is within MAX_BLOCK_BYTES");
        let mut head = [0u8; 8];
        head[..4].copy_from_slice(&self.in_block.to_le_bytes());
        head[4..].copy_from_slice(&len.to_le_bytes());
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&head);
        hasher.update(&self.block);
        let crc = hasher.finalize().to_le_bytes();
        let block = core::mem::take(&mut self.block);
        self.put(&head)?;
        self.put(&block)?;
        self.put(&crc)?;
        self.block = block;
        self.block.clear();
        self.in_block = 0;
        Ok(())
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), StateError> {
        self.out
            .write_all(bytes)
            .map_err(|e| StateError::at(self.offset, StateErrorKind::Io(e)))?;
        self.offset += bytes.len() as u64;
        Ok(())
    }
}

/// Writes records of `T` in the format of `C`, with `C`'s snapshot of `T`.
pub struct StateWriter<W: Write, C, T: ?Sized> {
    file: StateFileWriter<W>,
    codec: C,
    _type: PhantomData<fn(&T)>,
}

impl<W: Write, C: RecordCodec, T: Encode + HasTypeInfo + ?Sized> StateWriter<W, C, T> {
    /// Writes the header and `codec`'s snapshot of `T` to `out`.
    pub fn new(out: W, codec: C) -> Result<Self, StateError> {
        Ok(StateWriter {
            file: StateFileWriter::new(out, &codec.snapshot::<T>())?,
            codec,
            _type: PhantomData,
        })
    }

    /// Appends one record; what the codec refuses (a record over its size limit) is an
    /// error and leaves the file as it was.
    pub fn write(&mut self, value: &T) -> Result<(), StateError> {
        let codec = &self.codec;
        self.file.write_with(|out| codec.encode_into(value, out))
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.file.records()
    }

    /// Writes the last block and the end, and gives back the writer.
    pub fn finish(self) -> Result<W, StateError> {
        self.file.finish().map(|(out, _)| out)
    }
}
