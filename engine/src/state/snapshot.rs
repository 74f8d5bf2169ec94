//! Keyed state in checkpoints. Every state is one state file (`typeinfo_serializers::state`)
//! whose snapshot is that of its values in the job's format, and whose records are rows as
//! the disk backend keeps them:
//!
//! ```text
//! u32 LE row length | namespace (ordered) | u32 BE key length | key (pojo) [| user key] | value
//! ```
//!
//! (a list's value is its elements, each behind a u32 LE length). Rows are in key order on
//! both backends, so the same state makes the same file on the heap and on disk, and either
//! backend restores what either wrote. A restore checks the key's snapshot (a key must keep
//! its bytes) and reads values through a migration when their type changed since.

use super::backend::KEYS;
use super::heap::HeapTable;
use super::key::{Namespace, StateKey};
use crate::checkpoint::{checkpoint_error, io_error};
use crate::error::EngineError;
use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use typeinfo::snapshot::{Migration, Snapshot};
use typeinfo::{Decode, EncodeError};
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::record::RecordCodec;
use typeinfo_serializers::state::{StateFileReader, StateFileWriter};

/// A state handle whose entries a checkpoint writes and a restore reads back.
pub trait CheckpointedState: Send {
    /// Its name, unique within its operator.
    fn state_name(&self) -> &str;
    /// The snapshot of its values' bytes; a serde baseline has none (why, as the error),
    /// and cannot be checkpointed.
    fn value_snapshot(&self) -> Result<Snapshot, String>;
    /// The snapshot of its keys' bytes.
    fn key_snapshot(&self) -> Snapshot;
    /// Writes every entry, in row order.
    fn write_entries(&self, out: &mut EntryWriter) -> Result<(), EngineError>;
    /// Reads back what [`CheckpointedState::write_entries`] wrote into this empty handle.
    fn restore_entries(&mut self, input: &mut EntryReader) -> Result<(), EngineError>;
}

/// Writes one state's file.
pub struct EntryWriter {
    file: StateFileWriter<BufWriter<File>>,
    path: PathBuf,
}

impl EntryWriter {
    pub(crate) fn create(path: &Path, values: &Snapshot) -> Result<Self, EngineError> {
        let out = File::create(path).map_err(|e| io_error(path, "cannot create", e))?;
        Ok(EntryWriter {
            file: StateFileWriter::new(BufWriter::new(out), values)
                .map_err(|e| checkpoint_error(path, e))?,
            path: path.to_owned(),
        })
    }

    /// One row: its key after the state id, and its value.
    pub(crate) fn row(&mut self, row: &[u8], value: &[u8]) -> Result<(), EngineError> {
        let len = u32::try_from(row.len()).map_err(|_| {
            checkpoint_error(&self.path, format!("a row key of {} bytes", row.len()))
        })?;
        self.file
            .write_with(|out| {
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(row);
                out.extend_from_slice(value);
                Ok(())
            })
            .map_err(|e| checkpoint_error(&self.path, e))
    }

    /// Syncs the file; its entries and size.
    pub(crate) fn finish(self) -> Result<(u64, u64), EngineError> {
        let entries = self.file.records();
        let (out, bytes) = self
            .file
            .finish()
            .map_err(|e| checkpoint_error(&self.path, e))?;
        out.into_inner()
            .map_err(|e| io_error(&self.path, "cannot write", e.into_error()))?
            .sync_all()
            .map_err(|e| io_error(&self.path, "cannot sync", e))?;
        Ok((entries, bytes))
    }

    /// Writes a heap table: per namespace in order, its rows sorted as on disk. `rows`
    /// gives an object's rows as (suffix after the key, value bytes).
    pub(crate) fn heap<K: StateKey, N: Namespace, H>(
        &mut self,
        table: &HeapTable<K, N, H>,
        rows: impl Fn(&H) -> Result<Vec<(Vec<u8>, Vec<u8>)>, EncodeError>,
    ) -> Result<(), EngineError> {
        let path = self.path.clone();
        let encode = |e: EncodeError| checkpoint_error(&path, format!("cannot encode: {e}"));
        let mut sorted = Vec::new();
        for (namespace, keys) in table.namespaces() {
            sorted.clear();
            for (key, object) in keys {
                let key = KEYS.to_vec(key).map_err(encode)?;
                for (suffix, value) in rows(object).map_err(encode)? {
                    let mut row = Vec::with_capacity(N::WIDTH + 4 + key.len() + suffix.len());
                    namespace.write_ordered(&mut row);
                    row.extend_from_slice(&(key.len() as u32).to_be_bytes());
                    row.extend_from_slice(&key);
                    row.extend_from_slice(&suffix);
                    sorted.push((row, value));
                }
            }
            sorted.sort_unstable();
            for (row, value) in &sorted {
                self.row(row, value)?;
            }
        }
        Ok(())
    }
}

/// Reads one state's file.
pub struct EntryReader {
    file: StateFileReader<BufReader<File>>,
    path: PathBuf,
}

/// A row read back: its key after the state id, split, and its value.
pub(crate) struct Entry<'a, N> {
    pub(crate) row: &'a [u8],
    pub(crate) namespace: N,
    pub(crate) key: &'a [u8],
    pub(crate) suffix: &'a [u8],
    pub(crate) value: &'a [u8],
}

impl EntryReader {
    pub(crate) fn open(path: &Path) -> Result<Self, EngineError> {
        let input = File::open(path).map_err(|e| io_error(path, "cannot open", e))?;
        Ok(EntryReader {
            file: StateFileReader::open(BufReader::new(input))
                .map_err(|e| checkpoint_error(path, e))?,
            path: path.to_owned(),
        })
    }

    /// How values written under the file's snapshot read as today's `V` in `values`.
    pub(crate) fn migration<V: Decode>(
        &self,
        values: &dyn RecordSerializer<V>,
    ) -> Result<Migration<V>, EngineError> {
        let today = values
            .record_snapshot()
            .ok_or_else(|| checkpoint_error(&self.path, no_snapshot(values.name())))?;
        Migration::new(self.file.snapshot(), &today).map_err(|e| {
            checkpoint_error(
                &self.path,
                format!("its values cannot be restored as today's type: {e}"),
            )
        })
    }

    /// Reads every row, in order.
    pub(crate) fn each<N: Namespace>(
        &mut self,
        mut f: impl FnMut(Entry<'_, N>) -> Result<(), String>,
    ) -> Result<(), EngineError> {
        while let Some(record) = self
            .file
            .next_record()
            .map_err(|e| checkpoint_error(&self.path, e))?
        {
            let at = record.offset;
            let entry = split::<N>(record.bytes)
                .and_then(&mut f)
                .map_err(|detail| checkpoint_error(&self.path, format!("offset {at}: {detail}")));
            entry?;
        }
        Ok(())
    }
}

/// Splits a record into row and value, and the row into namespace, key and suffix.
fn split<N: Namespace>(bytes: &[u8]) -> Result<Entry<'_, N>, String> {
    let (len, rest) = bytes
        .split_first_chunk::<4>()
        .ok_or("an entry ends inside its row length")?;
    let len = u32::from_le_bytes(*len) as usize;
    if len > rest.len() {
        return Err(format!("a row claims {len} bytes, {} are left", rest.len()));
    }
    let (row, value) = rest.split_at(len);
    let key_len = row
        .get(N::WIDTH..N::WIDTH + 4)
        .ok_or("a row ends inside its namespace or key length")?;
    let key_len = u32::from_be_bytes(key_len.try_into().expect("4 bytes")) as usize;
    let key_end = (N::WIDTH + 4)
        .checked_add(key_len)
        .filter(|&end| end <= row.len())
        .ok_or("a row's key runs past its end")?;
    Ok(Entry {
        row,
        namespace: N::read_ordered(&row[..N::WIDTH]),
        key: &row[N::WIDTH + 4..key_end],
        suffix: &row[key_end..],
        value,
    })
}

pub(crate) fn no_snapshot(format: &str) -> String {
    format!(
        "its values are written in `{format}`, which has no serializer snapshots, so a \
         checkpoint could not be read back safely: use pojo, compact, kryo or avro"
    )
}

/// Decodes a stored key, as restore reads it.
pub(crate) fn decode_key<K: Decode>(bytes: &[u8]) -> Result<K, String> {
    KEYS.decode(bytes)
        .map_err(|e| format!("a key does not read: {e}"))
}

/// Decodes a value through `migration`.
pub(crate) fn decode_value<V: Decode>(
    values: &dyn RecordSerializer<V>,
    migration: &Migration<V>,
    bytes: &[u8],
) -> Result<V, String> {
    values
        .read_record_by(bytes, migration)
        .map_err(|e| format!("a value does not read: {e}"))
}
