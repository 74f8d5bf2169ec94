//! Writing a state file: the snapshot once, then records in checked blocks.

use super::{MAGIC, StateError, StateErrorKind};
use crate::record::RecordCodec;
use core::marker::PhantomData;
use std::io::Write;
use typeinfo::{Encode, HasTypeInfo};

/// A block is closed once its records reach this many bytes.
const BLOCK_TARGET: usize = 64 << 10;

/// Writes records of `T` in the format of `C`, with `C`'s snapshot of `T`.
pub struct StateWriter<W: Write, C, T: ?Sized> {
    out: W,
    codec: C,
    block: Vec<u8>,
    in_block: u32,
    records: u64,
    offset: u64,
    _type: PhantomData<fn(&T)>,
}

impl<W: Write, C: RecordCodec, T: Encode + HasTypeInfo + ?Sized> StateWriter<W, C, T> {
    /// Writes the header and `codec`'s snapshot of `T` to `out`.
    pub fn new(out: W, codec: C) -> Result<Self, StateError> {
        let snapshot = codec.snapshot::<T>().to_bytes();
        let mut writer = StateWriter {
            out,
            codec,
            block: Vec::with_capacity(BLOCK_TARGET),
            in_block: 0,
            records: 0,
            offset: 0,
            _type: PhantomData,
        };
        let len = u32::try_from(snapshot.len()).expect("a snapshot is far below 4 GiB");
        let mut head = MAGIC.to_vec();
        head.extend_from_slice(&len.to_le_bytes());
        head.extend_from_slice(&snapshot);
        head.extend_from_slice(&crc32fast::hash(&snapshot).to_le_bytes());
        writer.put(&head)?;
        Ok(writer)
    }

    /// Appends one record; what the codec refuses (a record over its size limit) is an
    /// error and leaves the file as it was.
    pub fn write(&mut self, value: &T) -> Result<(), StateError> {
        let start = self.block.len();
        self.block.extend_from_slice(&[0; 4]);
        if let Err(e) = self.codec.encode_into(value, &mut self.block) {
            self.block.truncate(start);
            return Err(StateError::at(self.offset, StateErrorKind::Encode(e)));
        }
        let len = (self.block.len() - start - 4) as u32;
        self.block[start..start + 4].copy_from_slice(&len.to_le_bytes());
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

    /// Writes the last block and the end, and gives back the writer.
    pub fn finish(mut self) -> Result<W, StateError> {
        self.flush_block()?;
        let mut end = Vec::with_capacity(16);
        end.extend_from_slice(&0u32.to_le_bytes());
        end.extend_from_slice(&self.records.to_le_bytes());
        end.extend_from_slice(&crc32fast::hash(&end).to_le_bytes());
        self.put(&end)?;
        self.out
            .flush()
            .map_err(|e| StateError::at(self.offset, StateErrorKind::Io(e)))?;
        Ok(self.out)
    }

    fn flush_block(&mut self) -> Result<(), StateError> {
        if self.in_block == 0 {
            return Ok(());
        }
        let len = u32::try_from(self.block.len()).expect("a block is closed at 64 KiB");
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
