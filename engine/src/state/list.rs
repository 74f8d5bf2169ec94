//! List state: a list per key and namespace (Flink's `ListState`). On disk the list is one
//! value, its elements each behind a u32 length, so adding appends without decoding.

use super::backed::no_suffix;
use super::backed::{Backed, OnDisk};
use super::backend::CurrentKey;
use super::disk::DiskTable;
use super::key::{Namespace, StateKey};
use super::snapshot::{CheckpointedState, EntryReader, EntryWriter};
use crate::error::EngineError;
use std::sync::Arc;
use typeinfo::{Decode, EncodeError};
use typeinfo_serializers::RecordSerializer;

pub struct ListState<K, N, V> {
    name: Arc<str>,
    repr: Backed<K, N, Vec<V>, V>,
}

/// Appends `value` behind its u32 LE length: a stored list's element.
fn append_element<V>(
    values: &dyn RecordSerializer<V>,
    value: &V,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    if let Err(e) = values.write_record(value, out) {
        out.truncate(at);
        return Err(e);
    }
    let len = out.len() - at - 4;
    let Ok(len) = u32::try_from(len) else {
        out.truncate(at);
        return Err(EncodeError::custom(format!(
            "an element of {len} bytes is over 4 GiB"
        )));
    };
    out[at..at + 4].copy_from_slice(&len.to_le_bytes());
    Ok(())
}

/// The elements of a stored list, each checked against what is left.
fn elements(mut bytes: &[u8]) -> Result<Vec<&[u8]>, String> {
    let mut found = Vec::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes
            .split_first_chunk::<4>()
            .ok_or("a stored list ends inside a length")?;
        let len = u32::from_le_bytes(*len) as usize;
        if len > rest.len() {
            return Err(format!(
                "a stored list element claims {len} bytes but {} are left",
                rest.len()
            ));
        }
        let (element, rest) = rest.split_at(len);
        found.push(element);
        bytes = rest;
    }
    Ok(found)
}

impl<K: StateKey, N: Namespace, V> ListState<K, N, V> {
    pub(crate) fn new(
        name: Arc<str>,
        table: Option<DiskTable>,
        values: Arc<dyn RecordSerializer<V>>,
    ) -> Self {
        ListState {
            name,
            repr: Backed::new(table, values),
        }
    }

    /// Appends `value` to the current key's list in `namespace`.
    pub fn add(&mut self, at: &CurrentKey<K>, namespace: &N, value: V) -> Result<(), EngineError> {
        match &mut self.repr {
            Backed::Heap(heap) => {
                heap.get_or_insert_with(at.key(), namespace, Vec::new)
                    .push(value);
                Ok(())
            }
            Backed::Disk(OnDisk { table, values, .. }) => {
                table.key_of(at, namespace, &[]);
                let stored = table.get()?;
                table.scratch.clear();
                table
                    .scratch
                    .extend_from_slice(stored.as_deref().unwrap_or_default());
                let mut scratch = std::mem::take(&mut table.scratch);
                let appended = append_element(values.as_ref(), &value, &mut scratch);
                table.scratch = scratch;
                appended.map_err(|e| table.error(format!("cannot encode a value: {e}")))?;
                table.put_scratch()
            }
        }
    }

    /// The current key's list in `namespace`, empty when there is none.
    pub fn get(&mut self, at: &CurrentKey<K>, namespace: &N) -> Result<Vec<V>, EngineError>
    where
        V: Clone,
    {
        match &mut self.repr {
            Backed::Heap(heap) => Ok(heap.get(at.key(), namespace).cloned().unwrap_or_default()),
            Backed::Disk(disk) => {
                let (table, values) = (&mut disk.table, &disk.values);
                table.key_of(at, namespace, &[]);
                let Some(stored) = table.get()? else {
                    return Ok(Vec::new());
                };
                elements(&stored)
                    .map_err(|e| table.error(e))?
                    .into_iter()
                    .map(|element| table.decode_value(values.as_ref(), element))
                    .collect()
            }
        }
    }

    /// Empties the current key's list in `namespace`.
    pub fn clear(&mut self, at: &CurrentKey<K>, namespace: &N) -> Result<(), EngineError> {
        self.repr.remove_one(at, namespace)
    }
}

impl<K: StateKey, N: Namespace, V: Decode + Send + 'static> CheckpointedState
    for ListState<K, N, V>
{
    checkpointed_names_and_snapshots!();
    fn write_entries(&self, out: &mut EntryWriter) -> Result<(), EngineError> {
        self.repr.write_entries(out, |list, values| {
            let mut bytes = Vec::new();
            for value in list {
                append_element(values, value, &mut bytes)?;
            }
            Ok(vec![(Vec::new(), bytes)])
        })
    }
    fn restore_entries(&mut self, input: &mut EntryReader) -> Result<(), EngineError> {
        self.repr.restore_entries(
            input,
            |heap, key, entry, reading| {
                no_suffix(&entry)?;
                let list = elements(entry.value)?
                    .into_iter()
                    .map(|element| reading.value(element))
                    .collect::<Result<Vec<V>, String>>()?;
                heap.insert(&key, &entry.namespace, list);
                Ok(())
            },
            |entry, reading| {
                no_suffix(entry)?;
                let list = elements(entry.value)?
                    .into_iter()
                    .map(|element| reading.value(element))
                    .collect::<Result<Vec<V>, String>>()?;
                if !reading.migration.converts() {
                    return Ok(None);
                }
                let mut bytes = Vec::new();
                for value in &list {
                    append_element(reading.values, value, &mut bytes)
                        .map_err(|e| format!("a migrated value does not encode: {e}"))?;
                }
                Ok(Some(bytes))
            },
        )
    }
}
