//! Reading a state file's records as today's type, through a migration when the file's
//! snapshot is older.

use super::blocks::{Block, Blocks, records};
use super::{StateError, StateErrorKind};
use crate::record::RecordCodec;
use core::ops::Range;
use std::io::Read;
use typeinfo::Decode;
use typeinfo::snapshot::{Migration, Snapshot};

/// One record of a state file, as bytes.
#[derive(Debug, Clone, Copy)]
pub struct RawRecord<'a> {
    /// Its number in the file, from 0.
    pub index: u64,
    /// Where its bytes start in the file.
    pub offset: u64,
    pub bytes: &'a [u8],
}

/// Reads the layout of a state file: its snapshot, then each record's bytes, every block
/// checked before a record of it is given out.
pub struct StateFileReader<R> {
    blocks: Blocks<R>,
    snapshot: Snapshot,
    /// The block being read, where each of its records is, and the next one to read.
    block: Block,
    frames: Vec<(u64, Range<usize>)>,
    next: usize,
    record: u64,
    failed: bool,
}

impl<R: Read> StateFileReader<R> {
    /// Reads the header and the snapshot.
    pub fn open(input: R) -> Result<Self, StateError> {
        let (blocks, snapshot) = Blocks::open(input)?;
        Ok(StateFileReader {
            blocks,
            snapshot,
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

    /// The next record, `None` after a checked end; after an error, always `None`.
    pub fn next_record(&mut self) -> Result<Option<RawRecord<'_>>, StateError> {
        if self.failed {
            return Ok(None);
        }
        while self.next == self.frames.len() {
            let block = match self.blocks.next_block() {
                Ok(Some(block)) => block,
                Ok(None) => return Ok(None),
                Err(e) => return Err(self.fail(e)),
            };
            self.frames = match records(&block).collect::<Result<_, _>>() {
                Ok(frames) => frames,
                Err(e) => return Err(self.fail(e)),
            };
            self.block = block;
            self.next = 0;
        }
        let (offset, range) = self.frames[self.next].clone();
        self.next += 1;
        let index = self.record;
        self.record += 1;
        Ok(Some(RawRecord {
            index,
            offset,
            bytes: &self.block.records[range],
        }))
    }

    fn fail(&mut self, error: StateError) -> StateError {
        self.failed = true;
        error
    }
}

/// Reads the records of a state file as `T`, in the format of `C`. An iterator: each item
/// is a record or the error that ends the file.
pub struct StateReader<R, C, T> {
    file: StateFileReader<R>,
    codec: C,
    migration: Migration<T>,
    failed: bool,
}

impl<R: Read, C: RecordCodec, T: Decode> StateReader<R, C, T> {
    /// Reads the header and the snapshot, and builds the migration from it to `codec`'s
    /// snapshot of `T`; refused, with the reasons, when today's type cannot read the file.
    pub fn open(input: R, codec: C) -> Result<Self, StateError> {
        let file = StateFileReader::open(input)?;
        let migration = Migration::new(file.snapshot(), &codec.snapshot::<T>())
            .map_err(|e| StateError::at(0, StateErrorKind::Migration(e)))?;
        Ok(StateReader {
            file,
            codec,
            migration,
            failed: false,
        })
    }

    /// The snapshot the file was written under.
    pub fn snapshot(&self) -> &Snapshot {
        self.file.snapshot()
    }

    /// How the records are read: as they are, or converted.
    pub fn migration(&self) -> &Migration<T> {
        &self.migration
    }

    fn next_record(&mut self) -> Result<Option<T>, StateError> {
        let Some(record) = self.file.next_record()? else {
            return Ok(None);
        };
        self.codec
            .decode_by(record.bytes, &self.migration)
            .map(Some)
            .map_err(|error| {
                StateError::at(
                    record.offset,
                    StateErrorKind::Decode {
                        record: record.index,
                        error,
                    },
                )
            })
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
