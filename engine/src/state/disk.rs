//! The on-disk store of one operator subtask, and the piece every disk-backed handle shares:
//! building a value's key, reading and writing its bytes, scanning namespaces in order.

use super::backend::{CurrentKey, KEYS, StateCounters};
use super::key::Namespace;
use crate::error::EngineError;
use fjall::{Database, Keyspace, KeyspaceCreateOptions};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use typeinfo::Decode;
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::record::RecordCodec;

/// An embedded LSM store in a directory of its own, removed when the store is dropped.
pub(crate) struct DiskStore {
    // Dropped before the database, which then removes its directory.
    keyspace: Keyspace,
    _database: Database,
}

/// Tells stores opened by one process apart.
static OPENED: AtomicU64 = AtomicU64::new(0);

impl DiskStore {
    pub(crate) fn open(dir: &Path, label: &str) -> Result<Self, EngineError> {
        let n = OPENED.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("typeinfo-state-{}-{n}", std::process::id()));
        let failed = |e: fjall::Error| EngineError::State {
            state: label.to_owned(),
            detail: format!("cannot open a store in {}: {e}", path.display()),
        };
        let database = Database::builder(&path)
            .temporary(true)
            .worker_threads(1)
            .open()
            .map_err(failed)?;
        let keyspace = database
            .keyspace("keyed", KeyspaceCreateOptions::default)
            .map_err(failed)?;
        Ok(DiskStore {
            keyspace,
            _database: database,
        })
    }
}

/// One state's rows in a [`DiskStore`].
pub(crate) struct DiskTable {
    store: Arc<DiskStore>,
    id: u8,
    label: Arc<str>,
    counters: Arc<StateCounters>,
    /// The key built last.
    key: Vec<u8>,
    /// Where the state id and namespace end in `key`.
    namespace_end: usize,
    /// The state id and namespace a scan of namespaces starts at (empty: the first): the
    /// rows before were taken, and nothing has been written there since. Without it every
    /// scan would walk the tombstones and old versions of every window taken before.
    scan_from: Vec<u8>,
    /// Where values are encoded before they are written.
    pub(crate) scratch: Vec<u8>,
}

/// A row of a scan: its namespace, its whole stored key, and its value.
pub(crate) struct Row<N> {
    pub(crate) namespace: N,
    stored_key: Vec<u8>,
    key_len: usize,
    pub(crate) value: fjall::Slice,
}

impl<N: Namespace> Row<N> {
    const KEY_START: usize = 1 + N::WIDTH + 4;

    /// The state key's canonical bytes.
    pub(crate) fn state_key(&self) -> &[u8] {
        &self.stored_key[Self::KEY_START..Self::KEY_START + self.key_len]
    }

    /// What follows the state key (a map's user key).
    pub(crate) fn suffix(&self) -> &[u8] {
        &self.stored_key[Self::KEY_START + self.key_len..]
    }
}

impl DiskTable {
    pub(crate) fn new(
        store: Arc<DiskStore>,
        id: u8,
        label: Arc<str>,
        counters: Arc<StateCounters>,
    ) -> Self {
        DiskTable {
            store,
            id,
            label,
            counters,
            key: Vec::new(),
            namespace_end: 1,
            scan_from: Vec::new(),
            scratch: Vec::new(),
        }
    }

    pub(crate) fn error(&self, detail: impl std::fmt::Display) -> EngineError {
        EngineError::State {
            state: self.label.to_string(),
            detail: detail.to_string(),
        }
    }

    /// Builds the key of `at`'s value in `namespace`, followed by `suffix` (a map's user key).
    pub(crate) fn key_of<K, N: Namespace>(
        &mut self,
        at: &CurrentKey<K>,
        namespace: &N,
        suffix: &[u8],
    ) {
        self.key.clear();
        self.key.push(self.id);
        namespace.write_ordered(&mut self.key);
        self.namespace_end = self.key.len();
        let key = at.bytes();
        self.key
            .extend_from_slice(&(key.len() as u32).to_be_bytes());
        self.key.extend_from_slice(key);
        self.key.extend_from_slice(suffix);
    }

    /// The value at the key built last.
    pub(crate) fn get(&self) -> Result<Option<fjall::Slice>, EngineError> {
        let value = self
            .store
            .keyspace
            .get(&self.key)
            .map_err(|e| self.error(format!("cannot read: {e}")))?;
        self.counters.read(value.as_ref().map_or(0, |v| v.len()));
        Ok(value)
    }

    /// Writes `scratch` at the key built last.
    pub(crate) fn put_scratch(&mut self) -> Result<(), EngineError> {
        let namespace = &self.key[..self.namespace_end];
        if !self.scan_from.is_empty() && namespace < self.scan_from.as_slice() {
            self.scan_from = namespace.to_vec();
        }
        self.counters.wrote(self.scratch.len());
        self.store
            .keyspace
            .insert(self.key.as_slice(), self.scratch.as_slice())
            .map_err(|e| self.error(format!("cannot write: {e}")))
    }

    /// Removes the value at the key built last.
    pub(crate) fn remove(&self) -> Result<(), EngineError> {
        self.remove_key(&self.key)
    }

    fn remove_key(&self, key: &[u8]) -> Result<(), EngineError> {
        self.counters.removed();
        self.store
            .keyspace
            .remove(key)
            .map_err(|e| self.error(format!("cannot remove: {e}")))
    }

    /// Every row of this state with the key built last as its prefix (a map's entries).
    pub(crate) fn rows_under_key<N: Namespace>(&self) -> Result<Vec<Row<N>>, EngineError> {
        let rows = self.store.keyspace.prefix(&self.key);
        self.collect(rows, |_| true)
    }

    /// Every row of this state in a namespace up to `last`, in namespace order.
    pub(crate) fn rows_through<N: Namespace>(&self, last: &N) -> Result<Vec<Row<N>>, EngineError> {
        let from = if self.scan_from.is_empty() {
            let mut first = vec![self.id];
            N::first().write_ordered(&mut first);
            first
        } else {
            self.scan_from.clone()
        };
        let rows = self.store.keyspace.range(from..);
        self.collect(rows, |namespace| namespace <= last)
    }

    /// Notes that every row in a namespace up to `last` was taken: later scans start after
    /// them, until a write goes below.
    pub(crate) fn taken_through<N: Namespace>(&mut self, last: &N) {
        let mut after = vec![self.id];
        last.write_ordered(&mut after);
        // The first namespace after `last`: its bytes + 1, big-endian. None after the last.
        if let Some(i) = after.iter().rposition(|&b| b != 0xFF)
            && i > 0
        {
            after[i] += 1;
            after[i + 1..].fill(0);
            self.scan_from = after;
        }
    }

    /// Reads rows while they belong to this state and `wanted` takes their namespace.
    fn collect<N: Namespace>(
        &self,
        rows: fjall::Iter,
        wanted: impl Fn(&N) -> bool,
    ) -> Result<Vec<Row<N>>, EngineError> {
        let mut found = Vec::new();
        for row in rows {
            let (key, value) = row
                .into_inner()
                .map_err(|e| self.error(format!("cannot scan: {e}")))?;
            if key.first() != Some(&self.id) {
                break;
            }
            let row = self.parse(&key, value)?;
            if !wanted(&row.namespace) {
                break;
            }
            self.counters.read(row.value.len());
            found.push(row);
        }
        Ok(found)
    }

    fn parse<N: Namespace>(&self, key: &[u8], value: fjall::Slice) -> Result<Row<N>, EngineError> {
        let corrupt = || self.error(format!("a stored key of {} bytes is cut short", key.len()));
        let namespace = key.get(1..1 + N::WIDTH).ok_or_else(corrupt)?;
        let len_at = 1 + N::WIDTH;
        let len = key.get(len_at..len_at + 4).ok_or_else(corrupt)?;
        let key_len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
        if key.len() < len_at + 4 + key_len {
            return Err(corrupt());
        }
        Ok(Row {
            namespace: N::read_ordered(namespace),
            stored_key: key.to_vec(),
            key_len,
            value,
        })
    }

    /// Every row of this state in key order, each as its key after the state id and its
    /// value: what a checkpoint writes.
    pub(crate) fn each_row(
        &self,
        mut f: impl FnMut(&[u8], &[u8]) -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        // Rows before `scan_from` were taken: starting there skips their tombstones, as
        // firing windows does.
        let from = if self.scan_from.is_empty() {
            vec![self.id]
        } else {
            self.scan_from.clone()
        };
        for row in self.store.keyspace.range(from..) {
            let (key, value) = row
                .into_inner()
                .map_err(|e| self.error(format!("cannot scan: {e}")))?;
            if key.first() != Some(&self.id) {
                break;
            }
            f(&key[1..], &value)?;
        }
        Ok(())
    }

    /// Writes `value` at the row key `row` (after the state id), as restored from a
    /// checkpoint.
    pub(crate) fn put_row(&mut self, row: &[u8], value: &[u8]) -> Result<(), EngineError> {
        self.key.clear();
        self.key.push(self.id);
        self.key.extend_from_slice(row);
        self.scan_from.clear();
        self.counters.wrote(value.len());
        self.store
            .keyspace
            .insert(self.key.as_slice(), value)
            .map_err(|e| self.error(format!("cannot write: {e}")))
    }

    /// Removes the rows a scan returned.
    pub(crate) fn remove_rows<N>(&self, rows: &[Row<N>]) -> Result<(), EngineError> {
        rows.iter()
            .try_for_each(|row| self.remove_key(&row.stored_key))
    }
}

/// Encoding and decoding what a table holds, with errors that name the state.
impl DiskTable {
    pub(crate) fn decode_key<K: Decode>(&self, bytes: &[u8]) -> Result<K, EngineError> {
        KEYS.decode(bytes)
            .map_err(|e| self.error(format!("a stored key does not read: {e}")))
    }

    pub(crate) fn decode_value<V>(
        &self,
        values: &dyn RecordSerializer<V>,
        bytes: &[u8],
    ) -> Result<V, EngineError> {
        values
            .read_record(bytes)
            .map_err(|e| self.error(format!("a stored value does not read: {e}")))
    }

    /// Encodes `value` into `scratch`, after what is there.
    pub(crate) fn encode_value<V>(
        &mut self,
        values: &dyn RecordSerializer<V>,
        value: &V,
    ) -> Result<(), EngineError> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let written = values.write_record(value, &mut scratch);
        self.scratch = scratch;
        written.map_err(|e| self.error(format!("cannot encode a value: {e}")))
    }
}
