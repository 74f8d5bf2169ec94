//! Reading a state file's records as today's type, through a migration when the file's
//! snapshot is older.

use super::blocks::{Block, Blocks, records};
use super::{StateError, StateErrorKind};
use crate::record::RecordCodec;
use core::ops::Range;
use std::io::Read;
use typeinfo::Decode;
use typeinfo::snapshot::{Migration, Snapshot};

/// Reads the records of a state file as `T`, in the format of `C`. An iterator: each item
/// is a record or the error that ends the file.
pub struct StateReader<R, C, T> {
    blocks: Blocks<R>,
    codec: C,
    snapshot: Snapshot,
    migration: Migration<T>,
    /// The block being read, where each of its records is, and the next one to read.
    block: Block,
    frames: Vec<(u64, Range<usize>)>,
    next: usize,
    record: u64,
    failed: bool,
}

impl<R: Read, C: RecordCodec, T: Decode> StateReader<R, C, T> {
    /// Reads the header and the snapshot, and builds the migration from it to `codec`'s
    /// snapshot of `T`; refused, with the reasons, when today's type cannot read the file.
    pub fn open(input: R, codec: C) -> Result<Self, StateError> {
        let (blocks, snapshot) = Blocks::open(input)?;
        let migration = Migration::new(&snapshot, &codec.snapshot::<T>())
            .map_err(|e| StateError::at(0, StateErrorKind::Migration(e)))?;
        Ok(StateReader {
            blocks,
            codec,
            snapshot,
            migration,
            block: Block::default(),
            frames: Vec::new(),
            next: 0,
            record: 0,
            failed: false,
        })
    }

    /// The snapshot the file was written under.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// How the records are read: as they are, or converted.
    pub fn migration(&self) -> &Migration<T> {
        &self.migration
    }

    fn next_record(&mut self) -> Result<Option<T>, StateError> {
        while self.next == self.frames.len() {
            let Some(block) = self.blocks.next_block()? else {
                return Ok(None);
            };
            self.frames = records(&block).collect::<Result<_, _>>()?;
            self.block = block;
            self.next = 0;
        }
        let (offset, range) = self.frames[self.next].clone();
        self.next += 1;
        let value = self
            .codec
            .decode_by(&self.block.records[range], &self.migration)
            .map_err(|error| {
                StateError::at(
                    offset,
                    StateErrorKind::Decode {
                        record: self.record,
                        error,
                    },
                )
            })?;
        self.record += 1;
        Ok(Some(value))
    }
}

impl<R: Read, C: RecordCodec, T: Decode> Iterator for StateReader<R, C, T> {
    type Item = Result<T, StateError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = self.next_record();
        if next.is_err() {
            self.failed = true;
        }
        next.transpose()
    }
}
