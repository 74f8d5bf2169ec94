//! Serializer snapshots: what a format's bytes of a type contain, written once per state
//! and read back after the type has changed (Flink's `TypeSerializerSnapshot`).
//!
//! A [`Snapshot`] holds the type's [`Shape`] (names, field order, types, defaults, aliases,
//! variants) and the format's settings that change bytes (a format names them; the model
//! knows none). It writes and reads itself ([`Snapshot::to_bytes`], [`Snapshot::from_bytes`]),
//! prints as a tree, and has a stable [`fingerprint`](Snapshot::fingerprint).
//! [`Compatibility::check`] compares two snapshots and answers one of Flink's four outcomes
//! with every reason; [`Migration`] reads the old bytes as today's type.

mod bytes;
mod compat;
mod display;
mod migrate;
pub mod shape;

pub use compat::{CLASS_NAMES, Compatibility, FIELD_ORDER, Outcome, Reason, SORTED, WRITTEN};
#[doc(hidden)]
pub use migrate::generated as __generated;
pub use migrate::{Migration, MigrationError};
pub use shape::Shape;

use crate::info::HasTypeInfo;

/// What a format's bytes of one type contain.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The format's name (`pojo`, `compact`, `kryo`, `avro`).
    pub format: String,
    /// The format's settings that change bytes, sorted by key (kryo's registrations and
    /// reference mode, Avro's schema).
    pub settings: Vec<(String, String)>,
    pub shape: Shape,
}

impl Snapshot {
    /// The snapshot of `T` in `format` with `settings` (in any order; kept sorted by key).
    pub fn new<T: HasTypeInfo + ?Sized>(
        format: &str,
        settings: impl IntoIterator<Item = (String, String)>,
    ) -> Snapshot {
        let mut settings: Vec<(String, String)> = settings.into_iter().collect();
        settings.sort();
        Snapshot {
            format: format.to_owned(),
            settings,
            shape: Shape::of(T::TYPE_INFO),
        }
    }

    /// The snapshot's bytes: versioned, and the same for the same snapshot on any machine.
    pub fn to_bytes(&self) -> Vec<u8> {
        bytes::write(self)
    }

    /// Reads a snapshot from untrusted bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        bytes::read(bytes)
    }

    /// A stable 64-bit fingerprint: FNV-1a over [`Snapshot::to_bytes`]. Equal snapshots have
    /// equal fingerprints on every machine and in every version of this library that writes
    /// snapshot version 1.
    pub fn fingerprint(&self) -> u64 {
        fnv1a(&self.to_bytes())
    }

    /// The value of a setting, if the format gave it.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Why bytes are not a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The bytes do not start with the snapshot magic `TISNAP`.
    NotASnapshot,
    /// A snapshot version this library does not read.
    Version { found: u8, supported: u8 },
    /// The bytes end before what they announce.
    Truncated {
        offset: usize,
        needed: usize,
        available: usize,
    },
    /// Bytes that no snapshot writer produces.
    Invalid { offset: usize, what: &'static str },
    /// A type reference outside the snapshot's table of types.
    UnknownType { index: u32, count: usize },
}

impl core::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SnapshotError::NotASnapshot => {
                write!(
                    f,
                    "not a typeinfo snapshot: the bytes do not start with `TISNAP`"
                )
            }
            SnapshotError::Version { found, supported } => write!(
                f,
                "snapshot version {found} is not supported: this library reads version {supported}"
            ),
            SnapshotError::Truncated {
                offset,
                needed,
                available,
            } => write!(
                f,
                "snapshot truncated at offset {offset}: unexpected end of input, {needed} bytes needed, {available} available"
            ),
            SnapshotError::Invalid { offset, what } => {
                write!(f, "invalid snapshot at offset {offset}: {what}")
            }
            SnapshotError::UnknownType { index, count } => write!(
                f,
                "invalid snapshot: type #{index} referred to, but the snapshot has {count} types"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {}
