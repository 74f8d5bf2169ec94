//! What every handle is: a heap table of objects, or rows of a disk table with the
//! serializer of their values. The pieces all handles share live here.

use super::backend::{CurrentKey, Keys};
use super::disk::DiskTable;
use super::heap::HeapTable;
use super::key::{Namespace, StateKey};
use super::snapshot::{Entry, EntryReader, EntryWriter, decode_key};
use crate::error::EngineError;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use typeinfo::snapshot::{Migration, Snapshot};
use typeinfo::{Decode, EncodeError};
use typeinfo_serializers::RecordSerializer;

/// A handle's storage: `H` per key and namespace on the heap; on disk, rows of `V`.
pub(crate) enum Backed<K, N, H, V> {
    Heap(OnHeap<K, N, H, V>),
    Disk(OnDisk<K, V>),
}

/// Objects on the heap, and the serializer a checkpoint writes them with.
pub(crate) struct OnHeap<K, N, H, V> {
    pub(crate) table: HeapTable<K, N, H>,
    pub(crate) values: Arc<dyn RecordSerializer<V>>,
}

impl<K, N, H, V> Deref for OnHeap<K, N, H, V> {
    type Target = HeapTable<K, N, H>;
    fn deref(&self) -> &Self::Target {
        &self.table
    }
}

impl<K, N, H, V> DerefMut for OnHeap<K, N, H, V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.table
    }
}

pub(crate) struct OnDisk<K, V> {
    pub(crate) table: DiskTable,
    pub(crate) values: Arc<dyn RecordSerializer<V>>,
    _keys: Keys<K>,
}

impl<K: StateKey, N: Namespace, H, V> Backed<K, N, H, V> {
    pub(crate) fn new(table: Option<DiskTable>, values: Arc<dyn RecordSerializer<V>>) -> Self {
        match table {
            None => Backed::Heap(OnHeap {
                table: HeapTable::new(),
                values,
            }),
            Some(table) => Backed::Disk(OnDisk {
                table,
                values,
                _keys: Keys::default(),
            }),
        }
    }

    /// Removes what the current key holds in `namespace` (one row on disk).
    pub(crate) fn remove_one(
        &mut self,
        at: &CurrentKey<K>,
        namespace: &N,
    ) -> Result<(), EngineError> {
        match self {
            Backed::Heap(heap) => {
                heap.remove(at.key(), namespace);
                Ok(())
            }
            Backed::Disk(disk) => {
                disk.table.key_of(at, namespace, &[]);
                disk.table.remove()
            }
        }
    }
}

impl<K, V> OnDisk<K, V> {
    /// The value at the key built last, decoded.
    pub(crate) fn read(&self) -> Result<Option<V>, EngineError> {
        match self.table.get()? {
            None => Ok(None),
            Some(bytes) => self.decode(&bytes).map(Some),
        }
    }

    pub(crate) fn decode(&self, bytes: &[u8]) -> Result<V, EngineError> {
        self.table.decode_value(self.values.as_ref(), bytes)
    }

    /// Writes `value` at the key built last.
    pub(crate) fn write(&mut self, value: &V) -> Result<(), EngineError> {
        self.table.scratch.clear();
        self.table.encode_value(self.values.as_ref(), value)?;
        self.table.put_scratch()
    }
}

/// What every handle's [`super::CheckpointedState`] says the same way: its name, its
/// values' snapshot, its keys' (the handle has `name`, `repr`, and its key type is `K`).
macro_rules! checkpointed_names_and_snapshots {
    () => {
        fn state_name(&self) -> &str {
            &self.name
        }
        fn value_snapshot(&self) -> Result<typeinfo::snapshot::Snapshot, String> {
            self.repr.value_snapshot()
        }
        fn key_snapshot(&self) -> typeinfo::snapshot::Snapshot {
            typeinfo_serializers::record::RecordCodec::snapshot::<K>(&super::backend::KEYS)
        }
    };
}

/// An object's rows in a checkpoint: (what follows the key, the value's bytes).
pub(crate) type Rows = Vec<(Vec<u8>, Vec<u8>)>;

/// Checkpointing a handle: what differs between kinds of state is how an object becomes
/// rows (`rows`), how a row becomes part of an object (`insert`), and how a stored value
/// is checked and, when its type changed, converted (`convert`: `None` keeps the bytes).
impl<K: StateKey, N: Namespace, H, V: Decode> Backed<K, N, H, V> {
    pub(crate) fn values(&self) -> &dyn RecordSerializer<V> {
        match self {
            Backed::Heap(heap) => heap.values.as_ref(),
            Backed::Disk(disk) => disk.values.as_ref(),
        }
    }

    pub(crate) fn value_snapshot(&self) -> Result<Snapshot, String> {
        let values = self.values();
        values
            .record_snapshot()
            .ok_or_else(|| super::snapshot::no_snapshot(values.name()))
    }

    pub(crate) fn write_entries(
        &self,
        out: &mut EntryWriter,
        rows: impl Fn(&H, &dyn RecordSerializer<V>) -> Result<Rows, EncodeError>,
    ) -> Result<(), EngineError> {
        match self {
            Backed::Heap(heap) => {
                out.heap(&heap.table, |object| rows(object, heap.values.as_ref()))
            }
            Backed::Disk(disk) => disk.table.each_row(|row, value| out.row(row, value)),
        }
    }

    pub(crate) fn restore_entries(
        &mut self,
        input: &mut EntryReader,
        mut insert: impl FnMut(
            &mut HeapTable<K, N, H>,
            K,
            Entry<'_, N>,
            &Reading<'_, V>,
        ) -> Result<(), String>,
        convert: impl Fn(&Entry<'_, N>, &Reading<'_, V>) -> Result<Option<Vec<u8>>, String>,
    ) -> Result<(), EngineError> {
        let migration = input.migration(self.values())?;
        match self {
            Backed::Heap(heap) => {
                let reading = Reading {
                    values: heap.values.as_ref(),
                    migration: &migration,
                };
                input.each::<N>(|entry| {
                    let key = decode_key::<K>(entry.key)?;
                    insert(&mut heap.table, key, entry, &reading)
                })
            }
            Backed::Disk(disk) => {
                let reading = Reading {
                    values: disk.values.as_ref(),
                    migration: &migration,
                };
                let table = &mut disk.table;
                input.each::<N>(|entry| {
                    decode_key::<K>(entry.key)?;
                    let converted = convert(&entry, &reading)?;
                    table
                        .put_row(entry.row, converted.as_deref().unwrap_or(entry.value))
                        .map_err(|e| e.to_string())
                })
            }
        }
    }
}

/// How a restore reads values: today's serializer, through the file's migration.
pub(crate) struct Reading<'a, V> {
    pub(crate) values: &'a dyn RecordSerializer<V>,
    pub(crate) migration: &'a Migration<V>,
}

impl<V: Decode> Reading<'_, V> {
    pub(crate) fn value(&self, bytes: &[u8]) -> Result<V, String> {
        super::snapshot::decode_value(self.values, self.migration, bytes)
    }

    /// Checks a single stored value; re-encodes it when its type changed.
    pub(crate) fn convert_one(&self, bytes: &[u8]) -> Result<Option<Vec<u8>>, String> {
        let value = self.value(bytes)?;
        if !self.migration.converts() {
            return Ok(None);
        }
        self.values
            .record_to_vec(&value)
            .map(Some)
            .map_err(|e| format!("a migrated value does not encode: {e}"))
    }
}

/// A row of a single value has nothing after its key.
pub(crate) fn no_suffix<N>(entry: &Entry<'_, N>) -> Result<(), String> {
    if entry.suffix.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "a row of this state holds {} bytes after its key",
            entry.suffix.len()
        ))
    }
}
