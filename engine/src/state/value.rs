//! Value state: one value per key and namespace (Flink's `ValueState`; the window
//! operator's accumulators).

use super::backed::{Backed, no_suffix};
use super::backend::CurrentKey;
use super::disk::DiskTable;
use super::key::{Namespace, StateKey};
use super::snapshot::{CheckpointedState, EntryReader, EntryWriter};
use crate::error::EngineError;
use std::sync::Arc;
use typeinfo::Decode;
use typeinfo_serializers::RecordSerializer;

pub struct ValueState<K, N, V> {
    name: Arc<str>,
    repr: Backed<K, N, V, V>,
}

impl<K: StateKey, N: Namespace, V> ValueState<K, N, V> {
    pub(crate) fn new(
        name: Arc<str>,
        table: Option<DiskTable>,
        values: Arc<dyn RecordSerializer<V>>,
    ) -> Self {
        ValueState {
            name,
            repr: Backed::new(table, values),
        }
    }

    /// The value of the current key in `namespace`.
    pub fn get(&mut self, at: &CurrentKey<K>, namespace: &N) -> Result<Option<V>, EngineError>
    where
        V: Clone,
    {
        match &mut self.repr {
            Backed::Heap(heap) => Ok(heap.get(at.key(), namespace).cloned()),
            Backed::Disk(disk) => {
                disk.table.key_of(at, namespace, &[]);
                disk.read()
            }
        }
    }

    /// Sets the value of the current key in `namespace`.
    pub fn update(
        &mut self,
        at: &CurrentKey<K>,
        namespace: &N,
        value: V,
    ) -> Result<(), EngineError> {
        match &mut self.repr {
            Backed::Heap(heap) => {
                heap.insert(at.key(), namespace, value);
                Ok(())
            }
            Backed::Disk(disk) => {
                disk.table.key_of(at, namespace, &[]);
                disk.write(&value)
            }
        }
    }

    /// Changes the value of the current key in `namespace` in place, starting from `init()`
    /// when there is none: one read and one write on disk, none on the heap.
    pub fn modify(
        &mut self,
        at: &CurrentKey<K>,
        namespace: &N,
        init: impl FnOnce() -> V,
        change: impl FnOnce(&mut V),
    ) -> Result<(), EngineError> {
        match &mut self.repr {
            Backed::Heap(heap) => {
                change(heap.get_or_insert_with(at.key(), namespace, init));
                Ok(())
            }
            Backed::Disk(disk) => {
                disk.table.key_of(at, namespace, &[]);
                let mut value = disk.read()?.unwrap_or_else(init);
                change(&mut value);
                disk.write(&value)
            }
        }
    }

    /// Removes the value of the current key in `namespace`.
    pub fn clear(&mut self, at: &CurrentKey<K>, namespace: &N) -> Result<(), EngineError> {
        self.repr.remove_one(at, namespace)
    }

    /// Removes and returns the values of every key in the namespaces up to `last`, in
    /// namespace order (a window operator firing the windows a watermark closed).
    pub fn take_through(&mut self, last: &N) -> Result<Vec<(K, N, V)>, EngineError> {
        match &mut self.repr {
            Backed::Heap(heap) => Ok(heap.take_through(last)),
            Backed::Disk(disk) => {
                let rows = disk.table.rows_through::<N>(last)?;
                let taken = rows
                    .iter()
                    .map(|row| {
                        let key = disk.table.decode_key(row.state_key())?;
                        Ok((key, row.namespace.clone(), disk.decode(&row.value)?))
                    })
                    .collect::<Result<Vec<_>, EngineError>>()?;
                disk.table.remove_rows(&rows)?;
                disk.table.taken_through(last);
                Ok(taken)
            }
        }
    }
}

impl<K: StateKey, N: Namespace, V: Decode + Send + 'static> CheckpointedState
    for ValueState<K, N, V>
{
    checkpointed_names_and_snapshots!();
    fn write_entries(&self, out: &mut EntryWriter) -> Result<(), EngineError> {
        self.repr.write_entries(out, |value, values| {
            Ok(vec![(Vec::new(), values.record_to_vec(value)?)])
        })
    }
    fn restore_entries(&mut self, input: &mut EntryReader) -> Result<(), EngineError> {
        self.repr.restore_entries(
            input,
            |heap, key, entry, reading| {
                no_suffix(&entry)?;
                heap.insert(&key, &entry.namespace, reading.value(entry.value)?);
                Ok(())
            },
            |entry, reading| {
                no_suffix(entry)?;
                reading.convert_one(entry.value)
            },
        )
    }
}
