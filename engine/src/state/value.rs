//! Value state: one value per key and namespace (Flink's `ValueState`; the window
//! operator's accumulators).

use super::backend::{CurrentKey, Keys};
use super::disk::DiskTable;
use super::heap::HeapTable;
use super::key::{Namespace, StateKey};
use crate::error::EngineError;
use std::sync::Arc;
use typeinfo_serializers::RecordSerializer;

pub struct ValueState<K, N, V> {
    repr: Repr<K, N, V>,
}

enum Repr<K, N, V> {
    Heap(HeapTable<K, N, V>),
    Disk {
        table: DiskTable,
        values: Arc<dyn RecordSerializer<V>>,
        _keys: Keys<K>,
    },
}

impl<K: StateKey, N: Namespace, V> ValueState<K, N, V> {
    pub(crate) fn new(table: Option<DiskTable>, values: Arc<dyn RecordSerializer<V>>) -> Self {
        let repr = match table {
            None => Repr::Heap(HeapTable::new()),
            Some(table) => Repr::Disk {
                table,
                values,
                _keys: Keys::default(),
            },
        };
        ValueState { repr }
    }

    /// The value of the current key in `namespace`.
    pub fn get(&mut self, at: &CurrentKey<K>, namespace: &N) -> Result<Option<V>, EngineError>
    where
        V: Clone,
    {
        match &mut self.repr {
            Repr::Heap(heap) => Ok(heap.get(at.key(), namespace).cloned()),
            Repr::Disk { table, values, .. } => {
                table.key_of(at, namespace, &[]);
                match table.get()? {
                    None => Ok(None),
                    Some(bytes) => table.decode_value(values.as_ref(), &bytes).map(Some),
                }
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
            Repr::Heap(heap) => {
                heap.insert(at.key(), namespace, value);
                Ok(())
            }
            Repr::Disk { table, values, .. } => {
                table.key_of(at, namespace, &[]);
                table.scratch.clear();
                table.encode_value(values.as_ref(), &value)?;
                table.put_scratch()
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
            Repr::Heap(heap) => {
                change(heap.get_or_insert_with(at.key(), namespace, init));
                Ok(())
            }
            Repr::Disk { table, values, .. } => {
                table.key_of(at, namespace, &[]);
                let mut value = match table.get()? {
                    None => init(),
                    Some(bytes) => table.decode_value(values.as_ref(), &bytes)?,
                };
                change(&mut value);
                table.scratch.clear();
                table.encode_value(values.as_ref(), &value)?;
                table.put_scratch()
            }
        }
    }

    /// Removes the value of the current key in `namespace`.
    pub fn clear(&mut self, at: &CurrentKey<K>, namespace: &N) -> Result<(), EngineError> {
        match &mut self.repr {
            Repr::Heap(heap) => {
                heap.remove(at.key(), namespace);
                Ok(())
            }
            Repr::Disk { table, .. } => {
                table.key_of(at, namespace, &[]);
                table.remove()
            }
        }
    }

    /// Removes and returns the values of every key in the namespaces up to `last`, in
    /// namespace order (a window operator firing the windows a watermark closed).
    pub fn take_through(&mut self, last: &N) -> Result<Vec<(K, N, V)>, EngineError> {
        match &mut self.repr {
            Repr::Heap(heap) => Ok(heap.take_through(last)),
            Repr::Disk { table, values, .. } => {
                let rows = table.rows_through::<N>(last)?;
                let taken = rows
                    .iter()
                    .map(|row| {
                        let key = table.decode_key(row.state_key())?;
                        let value = table.decode_value(values.as_ref(), &row.value)?;
                        Ok((key, row.namespace.clone(), value))
                    })
                    .collect::<Result<Vec<_>, EngineError>>()?;
                table.remove_rows(&rows)?;
                Ok(taken)
            }
        }
    }
}
