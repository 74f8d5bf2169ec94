//! The keyed state of one operator subtask: the current key, and the handles it makes.

use super::disk::{DiskStore, DiskTable};
use super::key::{Namespace, StateKey};
use super::snapshot::{CheckpointedState, EntryReader, EntryWriter};
use super::{ListState, MapState, StateBackend, ValueState};
use crate::checkpoint::{StateFile, file_safe};
use crate::communication::live::{Metric, TaskMetrics};
use crate::error::EngineError;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use typeinfo::snapshot::{Compatibility, Snapshot};
use typeinfo::{HasTypeInfo, Limits, TypeInfo};
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::key::non_canonical_part;
use typeinfo_serializers::pojo::Pojo;
use typeinfo_serializers::record::RecordCodec;

/// Keys and user keys on disk: pojo, which gives equal keys equal bytes.
pub(crate) const KEYS: Pojo = Pojo::new(Limits::DEFAULT);

/// The key the operator works under, with its canonical bytes when state is on disk.
pub struct CurrentKey<K> {
    key: K,
    bytes: Vec<u8>,
}

impl<K> CurrentKey<K> {
    pub fn key(&self) -> &K {
        &self.key
    }
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// What disk-backed state did: values read and written, rows removed, their bytes.
#[derive(TypeInfo, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateMetrics {
    pub reads: u64,
    pub bytes_read: u64,
    pub writes: u64,
    pub bytes_written: u64,
    pub removes: u64,
}

impl StateMetrics {
    pub fn merge(&mut self, other: &StateMetrics) {
        self.reads += other.reads;
        self.bytes_read += other.bytes_read;
        self.writes += other.writes;
        self.bytes_written += other.bytes_written;
        self.removes += other.removes;
    }
}

/// The counters behind [`StateMetrics`], shared by a backend's handles.
#[derive(Default)]
pub(crate) struct StateCounters {
    reads: AtomicU64,
    bytes_read: AtomicU64,
    writes: AtomicU64,
    bytes_written: AtomicU64,
    removes: AtomicU64,
}

impl StateCounters {
    pub(crate) fn read(&self, bytes: usize) {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.bytes_read.fetch_add(bytes as u64, Ordering::Relaxed);
    }
    pub(crate) fn wrote(&self, bytes: usize) {
        self.writes.fetch_add(1, Ordering::Relaxed);
        self.bytes_written
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }
    pub(crate) fn removed(&self) {
        self.removes.fetch_add(1, Ordering::Relaxed);
    }
    fn metrics(&self) -> StateMetrics {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StateMetrics {
            reads: get(&self.reads),
            bytes_read: get(&self.bytes_read),
            writes: get(&self.writes),
            bytes_written: get(&self.bytes_written),
            removes: get(&self.removes),
        }
    }
}

/// The keyed state of one operator subtask (Flink's `KeyedStateBackend`): handles made
/// here read and write under the key last given to [`KeyedStateBackend::set_current_key`].
pub struct KeyedStateBackend<K> {
    label: Arc<str>,
    operator: Arc<str>,
    subtask: usize,
    store: Option<Arc<DiskStore>>,
    states: Vec<String>,
    current: Option<CurrentKey<K>>,
    counters: Arc<StateCounters>,
    /// Whether the job checkpoints this state: then every state needs a format with
    /// snapshots, checked as it is made.
    checkpointed: bool,
}

/// Refuses a key type whose equal values could have unequal bytes.
fn check_key<K: HasTypeInfo>(what: &str, label: &str) -> Result<(), EngineError> {
    match non_canonical_part(K::TYPE_INFO) {
        None => Ok(()),
        Some(why) => Err(EngineError::Config {
            key: format!("{what} of {label}"),
            value: std::any::type_name::<K>().to_owned(),
            allowed: format!("a type whose equal values have equal bytes, but {why}"),
        }),
    }
}

impl<K: StateKey> KeyedStateBackend<K> {
    /// The state of subtask `subtask` of `operator` in `backend`; refuses key types without
    /// canonical bytes (on either backend, so that a job can move between them).
    pub fn open(
        backend: &StateBackend,
        operator: &str,
        subtask: usize,
    ) -> Result<Self, EngineError> {
        let label: Arc<str> = format!("`{operator}`[{subtask}]").into();
        check_key::<K>("the state key", &label)?;
        let store = match backend {
            StateBackend::Heap => None,
            StateBackend::Disk { dir } => Some(Arc::new(DiskStore::open(dir, &label)?)),
        };
        Ok(KeyedStateBackend {
            label,
            operator: operator.into(),
            subtask,
            store,
            states: Vec::new(),
            current: None,
            counters: Arc::default(),
            checkpointed: false,
        })
    }

    /// Marks the state as checkpointed: a state made afterwards in a format without
    /// snapshots is refused then, before any record, rather than at the first checkpoint.
    pub fn checkpointed(mut self, checkpointed: bool) -> Self {
        self.checkpointed = checkpointed;
        self
    }

    /// Makes `key` the current key and returns it, for the handles to work under.
    pub fn set_current_key(&mut self, key: K) -> Result<&CurrentKey<K>, EngineError> {
        let mut bytes = self.current.take().map(|c| c.bytes).unwrap_or_default();
        bytes.clear();
        if self.store.is_some() {
            KEYS.encode_into(&key, &mut bytes)
                .map_err(|e| EngineError::State {
                    state: self.label.to_string(),
                    detail: format!("cannot encode the key: {e}"),
                })?;
        }
        Ok(self.current.insert(CurrentKey { key, bytes }))
    }

    pub fn backend_name(&self) -> &'static str {
        if self.store.is_some() { "disk" } else { "heap" }
    }

    pub fn metrics(&self) -> StateMetrics {
        self.counters.metrics()
    }

    /// Publishes what this backend reads and writes under `metrics`, as `operator`'s.
    pub fn watched_by(&self, metrics: &TaskMetrics, operator: &str) {
        let [task, task_manager] = metrics.task_labels();
        let labels = [
            task,
            task_manager,
            ("operator", operator),
            ("backend", self.backend_name()),
        ];
        let counters: [(&'static Metric, Field); 4] = [
            (&STATE_READS, |m: &StateMetrics| m.reads),
            (&STATE_WRITES, |m: &StateMetrics| m.writes),
            (&STATE_BYTES_READ, |m: &StateMetrics| m.bytes_read),
            (&STATE_BYTES_WRITTEN, |m: &StateMetrics| m.bytes_written),
        ];
        for (metric, field) in counters {
            let counters = self.counters.clone();
            metrics
                .registry()
                .register(metric, &labels, move || field(&counters.metrics()) as f64);
        }
    }

    /// Writes `states` (handles made here) into the checkpoint directory `dir`: one state
    /// file each, their values' snapshot first. A state whose format has no snapshots is
    /// refused: its checkpoint could not be read back safely.
    pub fn snapshot(
        &self,
        dir: &Path,
        states: &[&dyn CheckpointedState],
    ) -> Result<Vec<StateFile>, EngineError> {
        states
            .iter()
            .map(|state| {
                let name = state.state_name();
                let values = state
                    .value_snapshot()
                    .map_err(|detail| EngineError::State {
                        state: format!("{} state `{name}`", self.label),
                        detail,
                    })?;
                let file = file_name(&self.operator, self.subtask, name);
                let mut out = EntryWriter::create(&dir.join(&file), &values)?;
                state.write_entries(&mut out)?;
                let (entries, bytes) = out.finish()?;
                Ok(StateFile {
                    operator: self.operator.to_string(),
                    state: name.to_owned(),
                    file,
                    key_snapshot: state.key_snapshot().to_bytes(),
                    entries,
                    bytes,
                })
            })
            .collect()
    }

    /// Fills `states` (new, empty handles made here) from `files` in the checkpoint
    /// directory `dir`. A state without a file starts empty (it is new); a file without a
    /// state, a key whose bytes changed, or values today's type cannot read are refused.
    pub fn restore(
        &mut self,
        dir: &Path,
        files: &[StateFile],
        states: &mut [&mut dyn CheckpointedState],
    ) -> Result<(), EngineError> {
        let refused = |file: &StateFile, detail: String| EngineError::Checkpoint {
            path: dir.join(&file.file).display().to_string(),
            detail,
        };
        for file in files {
            let Some(state) = states.iter_mut().find(|s| s.state_name() == file.state) else {
                return Err(refused(
                    file,
                    format!(
                        "it holds state `{}` of {}, which the operator no longer has: \
                         nothing in a checkpoint is dropped silently",
                        file.state, self.label
                    ),
                ));
            };
            let old = Snapshot::from_bytes(&file.key_snapshot)
                .map_err(|e| refused(file, format!("its key snapshot does not read: {e}")))?;
            let keys = Compatibility::check_key(&old, &state.key_snapshot());
            if !keys.is_compatible() {
                return Err(refused(
                    file,
                    format!(
                        "the key of state `{}` cannot be restored: {keys}",
                        file.state
                    ),
                ));
            }
            let mut input = EntryReader::open(&dir.join(&file.file))?;
            state.restore_entries(&mut input)?;
        }
        Ok(())
    }

    /// Names a new state in the format `values`; on disk, the table it reads and writes.
    fn register<V>(
        &mut self,
        name: &str,
        values: &dyn RecordSerializer<V>,
    ) -> Result<(Arc<str>, Option<DiskTable>), EngineError> {
        let label: Arc<str> = format!("{} state `{name}`", self.label).into();
        if self.checkpointed && values.record_snapshot().is_none() {
            return Err(EngineError::Config {
                key: format!("format of {label}"),
                value: values.name().into(),
                allowed: "with checkpoints, a format with serializer snapshots: pojo, \
                          compact, kryo (generated) or avro"
                    .into(),
            });
        }
        if self.states.iter().any(|s| s == name) {
            return Err(EngineError::Config {
                key: format!("state name of {}", self.label),
                value: name.into(),
                allowed: "a name no other state of the operator has".into(),
            });
        }
        let id = u8::try_from(self.states.len()).map_err(|_| EngineError::Config {
            key: format!("states of {}", self.label),
            value: (self.states.len() + 1).to_string(),
            allowed: "at most 256 per operator".into(),
        })?;
        self.states.push(name.to_owned());
        let table = self
            .store
            .as_ref()
            .map(|store| DiskTable::new(store.clone(), id, label, self.counters.clone()));
        Ok((name.into(), table))
    }

    /// A value per key and namespace, written in `values`' format on disk.
    pub fn value_state<N: Namespace, V: Send + 'static>(
        &mut self,
        name: &str,
        values: Arc<dyn RecordSerializer<V>>,
    ) -> Result<ValueState<K, N, V>, EngineError> {
        let (name, table) = self.register(name, values.as_ref())?;
        Ok(ValueState::new(name, table, values))
    }

    /// A list per key and namespace, its elements written in `values`' format on disk.
    pub fn list_state<N: Namespace, V: Send + 'static>(
        &mut self,
        name: &str,
        values: Arc<dyn RecordSerializer<V>>,
    ) -> Result<ListState<K, N, V>, EngineError> {
        let (name, table) = self.register(name, values.as_ref())?;
        Ok(ListState::new(name, table, values))
    }

    /// A map per key and namespace; user keys must have canonical bytes, as keys must.
    pub fn map_state<N: Namespace, UK: StateKey, UV: Send + 'static>(
        &mut self,
        name: &str,
        values: Arc<dyn RecordSerializer<UV>>,
    ) -> Result<MapState<K, N, UK, UV>, EngineError> {
        check_key::<UK>(&format!("the user key of state `{name}`"), &self.label)?;
        let (name, table) = self.register(name, values.as_ref())?;
        Ok(MapState::new(name, table, values))
    }
}

/// A state's file in a checkpoint: `operator-subtask-state.state`, each name made safe for
/// a file name.
fn file_name(operator: &str, subtask: usize, state: &str) -> String {
    format!(
        "{}-{subtask}-{}.state",
        file_safe(operator),
        file_safe(state)
    )
}

/// One figure of [`StateMetrics`].
type Field = fn(&StateMetrics) -> u64;

static STATE_READS: Metric = Metric::counter(
    "typeinfo_state_reads_total",
    "Values keyed state read from its store (0 on the heap, which reads objects).",
);
static STATE_WRITES: Metric = Metric::counter(
    "typeinfo_state_writes_total",
    "Values keyed state wrote to its store (0 on the heap).",
);
static STATE_BYTES_READ: Metric = Metric::counter(
    "typeinfo_state_read_bytes_total",
    "Bytes of the values keyed state read from its store.",
);
static STATE_BYTES_WRITTEN: Metric = Metric::counter(
    "typeinfo_state_written_bytes_total",
    "Bytes of the values keyed state wrote to its store.",
);

/// Keys the type `K` in handles that hold no `K` themselves.
pub(crate) type Keys<K> = PhantomData<fn() -> K>;
