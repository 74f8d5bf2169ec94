//! What every handle is: a heap table of objects, or rows of a disk table with the
//! serializer of their values. The pieces all handles share live here.

use super::backend::{CurrentKey, Keys};
use super::disk::DiskTable;
use super::heap::HeapTable;
use super::key::{Namespace, StateKey};
use crate::error::EngineError;
use std::sync::Arc;
use typeinfo_serializers::RecordSerializer;

/// A handle's storage: `H` per key and namespace on the heap; on disk, rows of `V`.
pub(crate) enum Backed<K, N, H, V> {
    Heap(HeapTable<K, N, H>),
    Disk(OnDisk<K, V>),
}

pub(crate) struct OnDisk<K, V> {
    pub(crate) table: DiskTable,
    pub(crate) values: Arc<dyn RecordSerializer<V>>,
    _keys: Keys<K>,
}

impl<K: StateKey, N: Namespace, H, V> Backed<K, N, H, V> {
    pub(crate) fn new(table: Option<DiskTable>, values: Arc<dyn RecordSerializer<V>>) -> Self {
        match table {
            None => Backed::Heap(HeapTable::new()),
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
