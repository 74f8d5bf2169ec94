//! State files: records of one type with the snapshot they were written under, a small
//! savepoint. A [`StateWriter`] writes them in one format; a [`StateReader`] reads them
//! back as today's type, migrating each record on the fly when the type has changed since
//! (see [`typeinfo::snapshot::Migration`]). [`scan`] checks a file and counts its records
//! without decoding them.
//!
//! The layout (integers little-endian):
//!
//! ```text
//! "TISTATE" 0x01           magic and version
//! u32 n, n bytes, u32 crc  the snapshot (typeinfo's TISNAP bytes) and its CRC-32
//! blocks                   u32 count (> 0), u32 length, `length` bytes of records (each a
//!                          u32 length and the record's bytes), u32 CRC-32 of the 8 header
//!                          bytes and the records
//! end                      u32 0, u64 records in the file, u32 CRC-32 of those 12 bytes
//! ```
//!
//! Nothing follows the end. A file cut anywhere, a flipped byte, a block or a snapshot
//! longer than the limits, a record count that does not add up: each is an error that names
//! the offset. Nothing is skipped.

mod blocks;
mod reader;
mod writer;

pub use blocks::{Summary, scan};
pub use reader::{RawRecord, StateFileReader, StateReader};
pub use writer::{StateFileWriter, StateWriter};

use core::fmt;
use typeinfo::snapshot::{MigrationError, SnapshotError};
use typeinfo::{DecodeError, EncodeError};

/// The first bytes of every state file: the magic and the layout's version.
pub const MAGIC: &[u8; 8] = b"TISTATE\x01";

/// The largest snapshot a reader accepts.
pub const MAX_SNAPSHOT_BYTES: u32 = 16 << 20;

/// The largest block a reader accepts; writers close a block well before.
pub const MAX_BLOCK_BYTES: u32 = 64 << 20;

/// Why a state file cannot be written or read, and where in it.
#[derive(Debug)]
pub struct StateError {
    /// The offset in the file where the problem is.
    pub offset: u64,
    pub kind: StateErrorKind,
}

#[derive(Debug)]
#[non_exhaustive]
pub enum StateErrorKind {
    /// The underlying reader or writer failed.
    Io(std::io::Error),
    /// The file does not start with [`MAGIC`].
    NotAStateFile,
    /// A state file of a layout version this library does not read.
    Version { found: u8 },
    /// The file ends inside `what`.
    Truncated { what: &'static str },
    /// `what` claims more bytes than a reader accepts.
    TooLarge {
        what: &'static str,
        claimed: u64,
        limit: u64,
    },
    /// The CRC-32 of `what` does not match its bytes.
    Checksum { what: &'static str },
    /// Bytes no writer produces.
    Invalid { what: &'static str },
    /// The snapshot's bytes are not a snapshot.
    Snapshot(SnapshotError),
    /// Today's type cannot read records written under the file's snapshot.
    Migration(MigrationError),
    /// A record could not be written.
    Encode(EncodeError),
    /// Record number `record` (from 0) could not be read.
    Decode { record: u64, error: DecodeError },
    /// The end of the file counts another number of records than its blocks hold.
    CountMismatch { declared: u64, found: u64 },
}

impl StateError {
    pub(crate) fn at(offset: u64, kind: StateErrorKind) -> Self {
        StateError { offset, kind }
    }
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "state file, offset {}: ", self.offset)?;
        match &self.kind {
            StateErrorKind::Io(e) => write!(f, "{e}"),
            StateErrorKind::NotAStateFile => {
                f.write_str("not a typeinfo state file: it does not start with `TISTATE`")
            }
            StateErrorKind::Version { found } => write!(
                f,
                "layout version {found} is not supported: this library reads version {}",
                MAGIC[7]
            ),
            StateErrorKind::Truncated { what } => {
                write!(f, "the file ends inside {what}: it is truncated")
            }
            StateErrorKind::TooLarge {
                what,
                claimed,
                limit,
            } => write!(
                f,
                "{what} claims {claimed} bytes, more than the {limit} a reader accepts"
            ),
            StateErrorKind::Checksum { what } => {
                write!(
                    f,
                    "the checksum of {what} does not match: the file is damaged"
                )
            }
            StateErrorKind::Invalid { what } => write!(f, "{what}"),
            StateErrorKind::Snapshot(e) => write!(f, "{e}"),
            StateErrorKind::Migration(e) => write!(f, "{e}"),
            StateErrorKind::Encode(e) => write!(f, "cannot write a record: {e}"),
            StateErrorKind::Decode { record, error } => {
                write!(f, "record {record}: {error}")
            }
            StateErrorKind::CountMismatch { declared, found } => write!(
                f,
                "the end of the file counts {declared} records, its blocks hold {found}"
            ),
        }
    }
}

impl std::error::Error for StateError {}
