//! Map state: a map per key and namespace (Flink's `MapState`). On disk each entry is a row
//! of its own, its user key's canonical bytes after the state key, so one entry is read or
//! written without the others.

use super::backed::Backed;
use super::backend::{CurrentKey, KEYS};
use super::disk::DiskTable;
use super::key::{Namespace, StateKey};
use super::snapshot::{CheckpointedState, EntryReader, EntryWriter, decode_key};
use crate::error::EngineError;
use std::collections::HashMap;
use std::sync::Arc;
use typeinfo::Decode;
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::record::RecordCodec;

type Entries<UK, UV> = HashMap<UK, UV, foldhash::fast::FixedState>;

pub struct MapState<K, N, UK, UV> {
    name: Arc<str>,
    repr: Backed<K, N, Entries<UK, UV>, UV>,
    /// Where a user key is encoded.
    user_key: Vec<u8>,
}

impl<K: StateKey, N: Namespace, UK: StateKey, UV> MapState<K, N, UK, UV> {
    pub(crate) fn new(
        name: Arc<str>,
        table: Option<DiskTable>,
        values: Arc<dyn RecordSerializer<UV>>,
    ) -> Self {
        MapState {
            name,
            repr: Backed::new(table, values),
            user_key: Vec::new(),
        }
    }

    /// Builds the row key of `user_key` under the current key.
    fn entry_key(
        table: &mut DiskTable,
        bytes: &mut Vec<u8>,
        at: &CurrentKey<K>,
        namespace: &N,
        user_key: &UK,
    ) -> Result<(), EngineError> {
        bytes.clear();
        KEYS.encode_into(user_key, bytes)
            .map_err(|e| table.error(format!("cannot encode a user key: {e}")))?;
        table.key_of(at, namespace, bytes);
        Ok(())
    }

    pub fn get(
        &mut self,
        at: &CurrentKey<K>,
        namespace: &N,
        user_key: &UK,
    ) -> Result<Option<UV>, EngineError>
    where
        UV: Clone,
    {
        match &mut self.repr {
            Backed::Heap(heap) => Ok(heap
                .get(at.key(), namespace)
                .and_then(|entries| entries.get(user_key))
                .cloned()),
            Backed::Disk(disk) => {
                Self::entry_key(&mut disk.table, &mut self.user_key, at, namespace, user_key)?;
                disk.read()
            }
        }
    }

    pub fn put(
        &mut self,
        at: &CurrentKey<K>,
        namespace: &N,
        user_key: UK,
        value: UV,
    ) -> Result<(), EngineError> {
        match &mut self.repr {
            Backed::Heap(heap) => {
                heap.get_or_insert_with(at.key(), namespace, Entries::default)
                    .insert(user_key, value);
                Ok(())
            }
            Backed::Disk(disk) => {
                Self::entry_key(
                    &mut disk.table,
                    &mut self.user_key,
                    at,
                    namespace,
                    &user_key,
                )?;
                disk.write(&value)
            }
        }
    }

    pub fn remove(
        &mut self,
        at: &CurrentKey<K>,
        namespace: &N,
        user_key: &UK,
    ) -> Result<(), EngineError> {
        match &mut self.repr {
            Backed::Heap(heap) => {
                let emptied = heap.get_mut(at.key(), namespace).is_some_and(|entries| {
                    entries.remove(user_key);
                    entries.is_empty()
                });
                if emptied {
                    heap.remove(at.key(), namespace);
                }
                Ok(())
            }
            Backed::Disk(disk) => {
                Self::entry_key(&mut disk.table, &mut self.user_key, at, namespace, user_key)?;
                disk.table.remove()
            }
        }
    }

    /// Every entry of the current key's map in `namespace`; on disk in the order of the user
    /// keys' bytes, on the heap in no order.
    pub fn entries(
        &mut self,
        at: &CurrentKey<K>,
        namespace: &N,
    ) -> Result<Vec<(UK, UV)>, EngineError>
    where
        UV: Clone,
    {
        match &mut self.repr {
            Backed::Heap(heap) => Ok(heap
                .get(at.key(), namespace)
                .map(|entries| {
                    entries
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect()
                })
                .unwrap_or_default()),
            Backed::Disk(disk) => {
                disk.table.key_of(at, namespace, &[]);
                disk.table
                    .rows_under_key::<N>()?
                    .iter()
                    .map(|row| {
                        let user_key = disk.table.decode_key(row.suffix())?;
                        Ok((user_key, disk.decode(&row.value)?))
                    })
                    .collect()
            }
        }
    }

    /// Removes every entry of the current key's map in `namespace`.
    pub fn clear(&mut self, at: &CurrentKey<K>, namespace: &N) -> Result<(), EngineError> {
        match &mut self.repr {
            Backed::Heap(heap) => {
                heap.remove(at.key(), namespace);
                Ok(())
            }
            Backed::Disk(disk) => {
                disk.table.key_of(at, namespace, &[]);
                let rows = disk.table.rows_under_key::<N>()?;
                disk.table.remove_rows(&rows)
            }
        }
    }
}

impl<K: StateKey, N: Namespace, UK: StateKey, UV: Decode + Send + 'static> CheckpointedState
    for MapState<K, N, UK, UV>
{
    checkpointed_names_and_snapshots!();
    fn write_entries(&self, out: &mut EntryWriter) -> Result<(), EngineError> {
        self.repr.write_entries(out, |entries, values| {
            entries
                .iter()
                .map(|(user_key, value)| Ok((KEYS.to_vec(user_key)?, values.record_to_vec(value)?)))
                .collect()
        })
    }
    fn restore_entries(&mut self, input: &mut EntryReader) -> Result<(), EngineError> {
        self.repr.restore_entries(
            input,
            |heap, key, entry, reading| {
                let user_key = decode_key::<UK>(entry.suffix)?;
                let value = reading.value(entry.value)?;
                heap.get_or_insert_with(&key, &entry.namespace, Entries::default)
                    .insert(user_key, value);
                Ok(())
            },
            |entry, reading| {
                decode_key::<UK>(entry.suffix)?;
                reading.convert_one(entry.value)
            },
        )
    }
}
