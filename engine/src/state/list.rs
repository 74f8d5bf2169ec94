//! List state: a list per key and namespace (Flink's `ListState`). On disk the list is one
//! value, its elements each behind a u32 length, so adding appends without decoding.

use super::backed::{Backed, OnDisk};
use super::backend::CurrentKey;
use super::disk::DiskTable;
use super::key::{Namespace, StateKey};
use crate::error::EngineError;
use std::sync::Arc;
use typeinfo_serializers::RecordSerializer;

pub struct ListState<K, N, V> {
    repr: Backed<K, N, Vec<V>, V>,
}

/// The elements of a stored list, each checked against what is left.
fn elements<'a>(table: &DiskTable, mut bytes: &'a [u8]) -> Result<Vec<&'a [u8]>, EngineError> {
    let mut found = Vec::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes
            .split_first_chunk::<4>()
            .ok_or_else(|| table.error("a stored list ends inside a length"))?;
        let len = u32::from_le_bytes(*len) as usize;
        if len > rest.len() {
            return Err(table.error(format!(
                "a stored list element claims {len} bytes but {} are left",
                rest.len()
            )));
        }
        let (element, rest) = rest.split_at(len);
        found.push(element);
        bytes = rest;
    }
    Ok(found)
}

impl<K: StateKey, N: Namespace, V> ListState<K, N, V> {
    pub(crate) fn new(table: Option<DiskTable>, values: Arc<dyn RecordSerializer<V>>) -> Self {
        ListState {
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
                let at_length = table.scratch.len();
                table.scratch.extend_from_slice(&[0; 4]);
                table.encode_value(values.as_ref(), &value)?;
                let len = table.scratch.len() - at_length - 4;
                let len = u32::try_from(len)
                    .map_err(|_| table.error(format!("an element of {len} bytes is over 4 GiB")))?;
                table.scratch[at_length..at_length + 4].copy_from_slice(&len.to_le_bytes());
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
                elements(table, &stored)?
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
