//! Reading the layout: the header, the checked blocks and the end, with the offset of every
//! problem. The reader of records and [`scan`] share it.

use super::{MAGIC, MAX_BLOCK_BYTES, MAX_SNAPSHOT_BYTES, StateError, StateErrorKind};
use core::ops::Range;
use std::io::Read;
use typeinfo::snapshot::Snapshot;

/// Reads the layout of a state file from `input`, counting the offset.
pub(crate) struct Blocks<R> {
    input: R,
    offset: u64,
    /// Records in the blocks read so far.
    records: u64,
    ended: bool,
}

/// One checked block: its record count and the records' bytes.
#[derive(Default)]
pub(crate) struct Block {
    pub(crate) count: u32,
    pub(crate) records: Vec<u8>,
    /// The offset of the records' bytes in the file.
    pub(crate) offset: u64,
}

impl<R: Read> Blocks<R> {
    /// Reads the header and the snapshot.
    pub(crate) fn open(input: R) -> Result<(Self, Snapshot), StateError> {
        let mut blocks = Blocks {
            input,
            offset: 0,
            records: 0,
            ended: false,
        };
        let magic = blocks.take(8, "the header")?;
        if magic[..7] != MAGIC[..7] {
            return Err(StateError::at(0, StateErrorKind::NotAStateFile));
        }
        if magic[7] != MAGIC[7] {
            return Err(StateError::at(
                7,
                StateErrorKind::Version { found: magic[7] },
            ));
        }
        let at = blocks.offset;
        let len = blocks.u32("the snapshot's length")?;
        within(at, len, MAX_SNAPSHOT_BYTES, "the snapshot")?;
        let start = blocks.offset;
        let bytes = blocks.take(len as usize, "the snapshot")?;
        let crc = blocks.u32("the snapshot's checksum")?;
        if crc32fast::hash(&bytes) != crc {
            return Err(StateError::at(
                start,
                StateErrorKind::Checksum {
                    what: "the snapshot",
                },
            ));
        }
        let snapshot = Snapshot::from_bytes(&bytes)
            .map_err(|e| StateError::at(start, StateErrorKind::Snapshot(e)))?;
        Ok((blocks, snapshot))
    }

    /// The next block, or `None` after the end (checked: its count, and nothing after it).
    pub(crate) fn next_block(&mut self) -> Result<Option<Block>, StateError> {
        if self.ended {
            return Ok(None);
        }
        let start = self.offset;
        let head = self.take(8, "a block's header")?;
        let count = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
        let len = u32::from_le_bytes(head[4..].try_into().expect("4 bytes"));
        if count == 0 {
            return self.end(start, head).map(|()| None);
        }
        within(start + 4, len, MAX_BLOCK_BYTES, "a block")?;
        let offset = self.offset;
        let records = self.take(len as usize, "a block")?;
        let crc = self.u32("a block's checksum")?;
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&head);
        hasher.update(&records);
        if hasher.finalize() != crc {
            return Err(StateError::at(
                start,
                StateErrorKind::Checksum { what: "a block" },
            ));
        }
        self.records += u64::from(count);
        Ok(Some(Block {
            count,
            records,
            offset,
        }))
    }

    /// The end: its own count and checksum, and nothing after it.
    fn end(&mut self, start: u64, head: Vec<u8>) -> Result<(), StateError> {
        let rest = self.take(4, "the end of the file")?;
        let crc = self.u32("the end's checksum")?;
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(&head);
        hasher.update(&rest);
        if hasher.finalize() != crc {
            return Err(StateError::at(
                start,
                StateErrorKind::Checksum {
                    what: "the end of the file",
                },
            ));
        }
        let mut total = [0u8; 8];
        total[..4].copy_from_slice(&head[4..]);
        total[4..].copy_from_slice(&rest);
        let declared = u64::from_le_bytes(total);
        if declared != self.records {
            return Err(StateError::at(
                start,
                StateErrorKind::CountMismatch {
                    declared,
                    found: self.records,
                },
            ));
        }
        let after = self.offset;
        let mut more = [0u8; 1];
        match self.input.read(&mut more) {
            Ok(0) => {}
            Ok(_) => {
                return Err(StateError::at(
                    after,
                    StateErrorKind::Invalid {
                        what: "bytes follow the end of the file",
                    },
                ));
            }
            Err(e) => return Err(StateError::at(after, StateErrorKind::Io(e))),
        }
        self.ended = true;
        Ok(())
    }

    /// `len` bytes, allocated as they arrive (a length the file merely claims reserves
    /// nothing), or the offset where the file ends inside `what`.
    fn take(&mut self, len: usize, what: &'static str) -> Result<Vec<u8>, StateError> {
        let mut bytes = Vec::new();
        (&mut self.input)
            .take(len as u64)
            .read_to_end(&mut bytes)
            .map_err(|e| StateError::at(self.offset, StateErrorKind::Io(e)))?;
        self.offset += bytes.len() as u64;
        if bytes.len() < len {
            return Err(StateError::at(
                self.offset,
                StateErrorKind::Truncated { what },
            ));
        }
        Ok(bytes)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, StateError> {
        let bytes = self.take(4, what)?;
        Ok(u32::from_le_bytes(bytes[..].try_into().expect("4 bytes")))
    }
}

/// Splits a block into its records (each record's offset in the file and its range in the
/// block), checking that their lengths fill it exactly.
pub(crate) fn records(
    block: &Block,
) -> impl Iterator<Item = Result<(u64, Range<usize>), StateError>> + '_ {
    let bytes = &block.records[..];
    let mut at = 0usize;
    let mut left = block.count;
    let mut failed = false;
    core::iter::from_fn(move || {
        if failed {
            return None;
        }
        let offset = block.offset + at as u64;
        let problem = if left == 0 {
            if at == bytes.len() {
                return None;
            }
            "a block holds bytes after its last record"
        } else {
            let len = bytes
                .get(at..at + 4)
                .map(|len| u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize);
            match len
                .and_then(|len| (at + 4).checked_add(len))
                .filter(|end| *end <= bytes.len())
            {
                Some(end) => {
                    let range = at + 4..end;
                    at = end;
                    left -= 1;
                    return Some(Ok((offset + 4, range)));
                }
                None => "a record's length runs past its block",
            }
        };
        failed = true;
        Some(Err(StateError::at(
            offset,
            StateErrorKind::Invalid { what: problem },
        )))
    })
}

/// What a state file holds, checked without decoding a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub snapshot: Snapshot,
    pub records: u64,
    pub blocks: u64,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// Reads a whole state file: its snapshot, and every block, checksum and record frame.
pub fn scan<R: Read>(input: R) -> Result<Summary, StateError> {
    let (mut blocks, snapshot) = Blocks::open(input)?;
    let mut count = 0;
    while let Some(block) = blocks.next_block()? {
        for record in records(&block) {
            record?;
        }
        count += 1;
    }
    Ok(Summary {
        snapshot,
        records: blocks.records,
        blocks: count,
        bytes: blocks.offset,
    })
}

/// Refuses a length (read at `at`) over its limit before anything is taken for it.
fn within(at: u64, len: u32, limit: u32, what: &'static str) -> Result<(), StateError> {
    if len <= limit {
        return Ok(());
    }
    Err(StateError::at(
        at,
        StateErrorKind::TooLarge {
            what,
            claimed: len.into(),
            limit: limit.into(),
        },
    ))
}
