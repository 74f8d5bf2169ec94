//! Checkpoints: keyed state written at a barrier reads back into either backend as it was
//! (byte for byte the same file from the heap and from disk), through a migration when the
//! value type changed, and is refused when it cannot be; and a running job's checkpoints
//! are consistent cuts: the state in checkpoint `n` is exactly what the records before
//! the sources' offsets in `n` make.

use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use typeinfo::TypeInfo;
use typeinfo_engine::checkpoint::{CheckpointConfig, Metadata, StateFile, checkpoint_dir};
use typeinfo_engine::{
    Emission, EngineError, JobBuilder, KeyedStateBackend, ListState, MapState, NetworkConfig,
    Partitioner, StateBackend, Transport, ValueState, WindowAggregate,
};
use typeinfo_serializers::RecordSerializer;

fn pojo<T>() -> Arc<dyn RecordSerializer<T>>
where
    T: typeinfo::Encode + typeinfo::Decode + Send + Sync + 'static,
{
    let config = typeinfo_serializers::SerializationConfig::default();
    Arc::new(typeinfo_serializers::select::Serializer::<T>::new(&config).unwrap())
}

/// A directory of this test's own, empty.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "typeinfo-checkpoint-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn backend(disk: bool, dir: &Path) -> StateBackend {
    if disk {
        StateBackend::Disk {
            dir: dir.to_path_buf(),
        }
    } else {
        StateBackend::Heap
    }
}

/// One operator's three states.
struct States {
    backend: KeyedStateBackend<u32>,
    values: ValueState<u32, i64, u64>,
    lists: ListState<u32, i64, String>,
    maps: MapState<u32, i64, u16, i32>,
}

impl States {
    fn open(backend: &StateBackend) -> States {
        let mut state = KeyedStateBackend::open(backend, "op", 0).unwrap();
        States {
            values: state.value_state("values", pojo()).unwrap(),
            lists: state.list_state("lists", pojo()).unwrap(),
            maps: state.map_state("maps", pojo()).unwrap(),
            backend: state,
        }
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Value(key, ns, v) => {
                let at = self.backend.set_current_key(key).unwrap();
                self.values.update(at, &ns, v).unwrap();
            }
            Op::Push(key, ns, ref s) => {
                let at = self.backend.set_current_key(key).unwrap();
                self.lists.add(at, &ns, s.clone()).unwrap();
            }
            Op::Put(key, ns, uk, uv) => {
                let at = self.backend.set_current_key(key).unwrap();
                self.maps.put(at, &ns, uk, uv).unwrap();
            }
            Op::Clear(key, ns) => {
                let at = self.backend.set_current_key(key).unwrap();
                self.values.clear(at, &ns).unwrap();
                self.lists.clear(at, &ns).unwrap();
                self.maps.clear(at, &ns).unwrap();
            }
        }
    }

    fn snapshot(&self, dir: &Path) -> Vec<StateFile> {
        self.backend
            .snapshot(dir, &[&self.values, &self.lists, &self.maps])
            .unwrap()
    }

    fn restore(&mut self, dir: &Path, files: &[StateFile]) -> Result<(), EngineError> {
        let States {
            backend,
            values,
            lists,
            maps,
        } = self;
        backend.restore(dir, files, &mut [values, lists, maps])
    }

    /// Everything held, read through the handles.
    fn contents(&mut self, keys: &[u32], namespaces: &[i64]) -> Contents {
        let mut contents = Contents::default();
        for &key in keys {
            for &ns in namespaces {
                let at = self.backend.set_current_key(key).unwrap();
                if let Some(v) = self.values.get(at, &ns).unwrap() {
                    contents.values.insert((key, ns), v);
                }
                let list = self.lists.get(at, &ns).unwrap();
                if !list.is_empty() {
                    contents.lists.insert((key, ns), list);
                }
                for (uk, uv) in self.maps.entries(at, &ns).unwrap() {
                    contents.maps.insert((key, ns, uk), uv);
                }
            }
        }
        contents
    }
}

#[derive(Debug, Default, PartialEq)]
struct Contents {
    values: BTreeMap<(u32, i64), u64>,
    lists: BTreeMap<(u32, i64), Vec<String>>,
    maps: BTreeMap<(u32, i64, u16), i32>,
}

#[derive(Debug, Clone)]
enum Op {
    Value(u32, i64, u64),
    Push(u32, i64, String),
    Put(u32, i64, u16, i32),
    Clear(u32, i64),
}

const KEYS: [u32; 5] = [0, 1, 7, 300, u32::MAX];
const NAMESPACES: [i64; 4] = [i64::MIN, -1, 0, 60_000];

fn op() -> impl Strategy<Value = Op> {
    let key = proptest::sample::select(KEYS.to_vec());
    let ns = proptest::sample::select(NAMESPACES.to_vec());
    prop_oneof![
        (key.clone(), ns.clone(), any::<u64>()).prop_map(|(k, n, v)| Op::Value(k, n, v)),
        (key.clone(), ns.clone(), "[a-z]{0,12}").prop_map(|(k, n, s)| Op::Push(k, n, s)),
        (key.clone(), ns.clone(), 0u16..6, any::<i32>())
            .prop_map(|(k, n, u, v)| Op::Put(k, n, u, v)),
        (key, ns).prop_map(|(k, n)| Op::Clear(k, n)),
    ]
}

fn files_bytes(dir: &Path, files: &[StateFile]) -> Vec<Vec<u8>> {
    files
        .iter()
        .map(|f| std::fs::read(dir.join(&f.file)).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The same operations on the heap and on disk write the same bytes, and either
    /// checkpoint restores into either backend as the state it was.
    #[test]
    fn keyed_state_restores_into_either_backend_as_it_was(ops in proptest::collection::vec(op(), 0..60)) {
        let root = fresh_dir("either");
        let (heap_dir, disk_dir) = (root.join("heap"), root.join("disk"));
        std::fs::create_dir_all(&heap_dir).unwrap();
        std::fs::create_dir_all(&disk_dir).unwrap();
        let mut heap = States::open(&StateBackend::Heap);
        let mut disk = States::open(&backend(true, &root));
        for op in &ops {
            heap.apply(op);
            disk.apply(op);
        }
        let heap_files = heap.snapshot(&heap_dir);
        let disk_files = disk.snapshot(&disk_dir);
        prop_assert_eq!(files_bytes(&heap_dir, &heap_files), files_bytes(&disk_dir, &disk_files));
        let expected = heap.contents(&KEYS, &NAMESPACES);
        prop_assert_eq!(&disk.contents(&KEYS, &NAMESPACES), &expected);
        for (dir, files) in [(&heap_dir, &heap_files), (&disk_dir, &disk_files)] {
            for to_disk in [false, true] {
                let mut restored = States::open(&backend(to_disk, &root));
                restored.restore(dir, files).unwrap();
                prop_assert_eq!(&restored.contents(&KEYS, &NAMESPACES), &expected);
                // And it checkpoints to the same bytes again.
                let again = root.join(format!("again-{to_disk}"));
                std::fs::create_dir_all(&again).unwrap();
                let files_again = restored.snapshot(&again);
                prop_assert_eq!(files_bytes(&again, &files_again), files_bytes(dir, files));
            }
        }
        drop((heap, disk));
        std::fs::remove_dir_all(&root).unwrap();
    }
}

mod v1 {
    #[derive(typeinfo::TypeInfo, Debug, Clone, PartialEq, Default)]
    pub struct Acc {
        pub count: u32,
        pub sum: i32,
    }
}

mod v2 {
    #[derive(typeinfo::TypeInfo, Debug, Clone, PartialEq, Default)]
    pub struct Acc {
        pub count: u64,
        pub sum: i64,
        #[typeinfo(default)]
        pub max: Option<i64>,
    }
}

mod v3 {
    /// Not an accumulator of the old kind: `sum` became text.
    #[derive(typeinfo::TypeInfo, Debug, Clone, PartialEq, Default)]
    pub struct Acc {
        pub count: u32,
        pub sum: String,
    }
}

/// Writes accumulators of v1 under keys 0..20 in window 0 from `backend`.
fn v1_checkpoint(dir: &Path, backend: &StateBackend) -> Vec<StateFile> {
    let mut state = KeyedStateBackend::<u32>::open(backend, "windows", 1).unwrap();
    let mut accs: ValueState<u32, i64, v1::Acc> =
        state.value_state("accumulators", pojo()).unwrap();
    for key in 0..20u32 {
        let at = state.set_current_key(key).unwrap();
        let acc = v1::Acc {
            count: key * 3,
            sum: -(key as i32) * 1000,
        };
        accs.update(at, &0, acc).unwrap();
    }
    state.snapshot(dir, &[&accs]).unwrap()
}

#[test]
fn a_changed_value_type_restores_through_a_migration_on_either_backend() {
    let root = fresh_dir("migrate");
    for from_disk in [false, true] {
        let dir = root.join(format!("from-{from_disk}"));
        std::fs::create_dir_all(&dir).unwrap();
        let files = v1_checkpoint(&dir, &backend(from_disk, &root));
        for to_disk in [false, true] {
            let mut state =
                KeyedStateBackend::<u32>::open(&backend(to_disk, &root), "windows", 1).unwrap();
            let mut accs: ValueState<u32, i64, v2::Acc> =
                state.value_state("accumulators", pojo()).unwrap();
            state.restore(&dir, &files, &mut [&mut accs]).unwrap();
            let mut restored = accs.take_through(&i64::MAX).unwrap();
            restored.sort_by_key(|(key, _, _)| *key);
            let expected: Vec<(u32, i64, v2::Acc)> = (0..20u32)
                .map(|key| {
                    let acc = v2::Acc {
                        count: u64::from(key) * 3,
                        sum: -i64::from(key) * 1000,
                        max: None,
                    };
                    (key, 0, acc)
                })
                .collect();
            assert_eq!(
                restored, expected,
                "from disk {from_disk}, to disk {to_disk}"
            );
        }
    }
    std::fs::remove_dir_all(&root).unwrap();
}

/// Why restoring `files` into a value state `name` of keys `K` and values `V` fails.
fn refusal<K, V>(dir: &Path, files: &[StateFile], name: &str) -> String
where
    K: typeinfo_engine::StateKey,
    V: typeinfo::Encode + typeinfo::Decode + Send + Sync + 'static,
{
    let mut state = KeyedStateBackend::<K>::open(&StateBackend::Heap, "windows", 1).unwrap();
    let mut values: ValueState<K, i64, V> = state.value_state(name, pojo()).unwrap();
    state
        .restore(dir, files, &mut [&mut values])
        .unwrap_err()
        .to_string()
}

#[test]
fn restores_that_would_misread_are_refused_with_the_reason() {
    let root = fresh_dir("refused");
    let files = v1_checkpoint(&root, &StateBackend::Heap);

    // A value type whose field changed kind.
    let e = refusal::<u32, v3::Acc>(&root, &files, "accumulators");
    assert!(
        e.contains("cannot be restored as today's type") && e.contains("sum"),
        "{e}"
    );
    // A key type that changed its bytes.
    let e = refusal::<u64, v1::Acc>(&root, &files, "accumulators");
    assert!(
        e.contains("the key of state `accumulators` cannot be restored"),
        "{e}"
    );
    // A state the operator no longer has.
    let e = refusal::<u32, v1::Acc>(&root, &files, "other");
    assert!(e.contains("no longer has"), "{e}");

    // A serde baseline has no snapshot, so its state is not checkpointed.
    let mut state = KeyedStateBackend::<u32>::open(&StateBackend::Heap, "windows", 1).unwrap();
    let json: Arc<dyn RecordSerializer<(u64, u64)>> =
        Arc::new(typeinfo_serializers::baselines::Json::default());
    let accs: ValueState<u32, i64, (u64, u64)> = state.value_state("json", json).unwrap();
    let e = state.snapshot(&root, &[&accs]).unwrap_err().to_string();
    assert!(e.contains("no serializer snapshots"), "{e}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_damaged_state_file_is_an_error_never_a_panic() {
    let root = fresh_dir("damaged");
    let files = v1_checkpoint(&root, &StateBackend::Heap);
    let path = root.join(&files[0].file);
    let good = std::fs::read(&path).unwrap();
    for to_disk in [false, true] {
        for at in (0..good.len()).step_by(7) {
            let mut bad = good.clone();
            bad[at] ^= 0x41;
            std::fs::write(&path, &bad).unwrap();
            let mut state =
                KeyedStateBackend::<u32>::open(&backend(to_disk, &root), "windows", 1).unwrap();
            let mut accs: ValueState<u32, i64, v1::Acc> =
                state.value_state("accumulators", pojo()).unwrap();
            assert!(
                state.restore(&root, &files, &mut [&mut accs]).is_err(),
                "byte {at} flipped"
            );
        }
        std::fs::write(&path, &good[..good.len() - 3]).unwrap();
        let mut state =
            KeyedStateBackend::<u32>::open(&backend(to_disk, &root), "windows", 1).unwrap();
        let mut accs: ValueState<u32, i64, v1::Acc> =
            state.value_state("accumulators", pojo()).unwrap();
        assert!(state.restore(&root, &files, &mut [&mut accs]).is_err());
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[derive(TypeInfo, Debug, Clone, PartialEq, Hash)]
struct Reading {
    sensor: u32,
    time_ms: i64,
    value: u32,
}

fn reading(source: usize, i: u64) -> Reading {
    Reading {
        sensor: ((i * 7 + source as u64) % 5) as u32,
        time_ms: i as i64 * 10,
        value: (i % 13) as u32,
    }
}

const SOURCES: usize = 3;
const READINGS: u64 = 3_000;

/// The totals of the first `offsets[s]` readings of each source `s`.
fn totals_through(offsets: &[u64]) -> BTreeMap<u32, (u64, u64)> {
    let mut totals = BTreeMap::new();
    for (s, &offset) in offsets.iter().enumerate() {
        for r in (0..offset).map(|i| reading(s, i)) {
            let acc: &mut (u64, u64) = totals.entry(r.sensor).or_default();
            acc.0 += 1;
            acc.1 += u64::from(r.value);
        }
    }
    totals
}

/// What checkpoint `metadata` holds of the window operator: every subtask's accumulators.
fn window_state(dir: &Path, metadata: &Metadata) -> BTreeMap<u32, (u64, u64)> {
    let mut found = BTreeMap::new();
    for task in metadata.tasks.iter().filter(|t| !t.states.is_empty()) {
        let mut state = KeyedStateBackend::<u32>::open(&StateBackend::Heap, "totals", 0).unwrap();
        let mut accs: ValueState<u32, i64, (u64, u64)> =
            state.value_state("accumulators", pojo()).unwrap();
        state.restore(dir, &task.states, &mut [&mut accs]).unwrap();
        for (sensor, _, acc) in accs.take_through(&i64::MAX).unwrap() {
            assert!(
                found.insert(sensor, acc).is_none(),
                "sensor {sensor} in two subtasks"
            );
        }
    }
    found
}

/// Every complete checkpoint of a running job is a consistent cut: its window state is
/// exactly the totals of the records before its source offsets, on either backend, in
/// memory or over TCP, chained or not; and checkpoints change no result.
#[test]
fn every_checkpoint_holds_exactly_the_state_of_the_records_before_its_offsets() {
    let expected = totals_through(&[READINGS; SOURCES]);
    for (disk, transport, chaining) in [
        (false, Transport::Local, true),
        (true, Transport::Local, false),
        (false, Transport::Tcp { task_managers: 2 }, true),
        (true, Transport::Tcp { task_managers: 2 }, true),
    ] {
        let at = format!("disk {disk}, {transport:?}, chaining {chaining}");
        let root = fresh_dir(&format!(
            "job-{disk}-{chaining}-{}",
            transport.task_managers()
        ));
        let checkpoints = root.join("checkpoints");
        let report = JobBuilder::new("totals", chaining)
            .state_backend(backend(disk, &root))
            .source(
                "readings",
                SOURCES,
                |s| {
                    (0..READINGS).map(move |i| {
                        if i % 100 == 0 {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        reading(s, i)
                    })
                },
                Some(|r: &Reading| r.time_ms),
                Emission::default(),
            )
            .connect(
                Partitioner::key_by("sensor", |r: &Reading| r.sensor),
                pojo(),
                2,
            )
            // One window spanning all of event time: it fires only at the end, so every
            // checkpoint holds every record's contribution so far.
            .window(
                "totals",
                1 << 50,
                PerSecondWith::<(u64, u64)>::new(),
                pojo(),
            )
            .sink("sink")
            .with_checkpoints(
                Duration::from_millis(3),
                CheckpointConfig::new(&checkpoints, 1000).unwrap(),
            )
            .run(&NetworkConfig::default(), transport.clone())
            .unwrap();
        let sums: HashMap<u32, (u64, u64)> = expected.iter().map(|(&k, &v)| (k, v)).collect();
        assert_eq!(
            report.sink.checksum,
            typeinfo_engine::checksum(sums.iter().map(|(&s, &(c, v))| (s, 0i64, c, v))),
            "{at}"
        );
        let stats = &report.checkpoints;
        assert!(stats.completed >= 3, "{stats:?}, {at}");
        let mut seen = 0;
        for id in 1..=stats.last_id {
            let dir = checkpoint_dir(&checkpoints, id);
            let Ok(metadata) = Metadata::read(&dir.join("_metadata")) else {
                // A checkpoint may be subsumed or cut by only some sources; then it has
                // no metadata and must not be taken for one.
                continue;
            };
            seen += 1;
            assert_eq!(metadata.checkpoint, id, "{at}");
            assert_eq!(metadata.tasks.len(), SOURCES + 2, "{at}");
            let offsets: Vec<u64> = (0..SOURCES)
                .map(|s| {
                    let task = metadata
                        .tasks
                        .iter()
                        .find(|t| t.task == format!("readings[{s}]"))
                        .unwrap_or_else(|| panic!("source {s} in checkpoint {id}, {at}"));
                    task.source_offset.unwrap()
                })
                .collect();
            assert_eq!(
                window_state(&dir, &metadata),
                totals_through(&offsets),
                "checkpoint {id} at offsets {offsets:?}, {at}"
            );
        }
        assert_eq!(seen, stats.completed, "{at}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}

#[test]
fn checkpoints_with_task_manager_processes_are_refused_until_they_can_acknowledge() {
    let root = fresh_dir("processes");
    let job = JobBuilder::new("totals", true)
        .source(
            "readings",
            1,
            |s| (0..10).map(move |i| reading(s, i)),
            None,
            Emission::default(),
        )
        .connect(Partitioner::Rebalance, pojo(), 1)
        .sink("sink")
        .with_checkpoints(
            Duration::from_millis(5),
            CheckpointConfig::new(&root, 1).unwrap(),
        );
    let worker = typeinfo_engine::WorkerCommand {
        program: "/bin/false".into(),
        args: Vec::new(),
    };
    let e = job
        .run(
            &NetworkConfig::default(),
            Transport::Processes {
                task_managers: 2,
                worker,
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("processes cannot acknowledge checkpoints"),
        "{e}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

fn per_second_lines() -> Vec<String> {
    let mut windows: BTreeMap<(u32, i64), (u64, u64)> = BTreeMap::new();
    for s in 0..SOURCES {
        for r in (0..READINGS).map(|i| reading(s, i)) {
            let acc = windows
                .entry((r.sensor, r.time_ms - r.time_ms % 1000))
                .or_default();
            acc.0 += 1;
            acc.1 += u64::from(r.value);
        }
    }
    let mut lines: Vec<String> = windows
        .into_iter()
        .map(|((sensor, start), (count, sum))| format!("{sensor} {start} {count} {sum}"))
        .collect();
    lines.sort();
    lines
}

/// Where the per-second job fails: at reading `at` of source 0, while `armed` (a failure
/// disarms it, so a restarted job gets past).
#[derive(Clone)]
struct Failure {
    at: u64,
    armed: Arc<AtomicBool>,
    once: bool,
}

impl Failure {
    fn always(at: u64) -> Self {
        Failure {
            at,
            armed: Arc::new(AtomicBool::new(true)),
            once: false,
        }
    }

    fn once(at: u64) -> Self {
        Failure {
            once: true,
            ..Failure::always(at)
        }
    }

    fn strikes(&self, source: usize, i: u64) -> bool {
        source == 0
            && i == self.at
            && if self.once {
                self.armed.swap(false, Ordering::SeqCst)
            } else {
                self.armed.load(Ordering::SeqCst)
            }
    }
}

/// The per-second job into an exactly-once sink under `out`, failing as `fail` says.
fn per_second_job(
    out: &Path,
    fail: Option<Failure>,
    state: StateBackend,
) -> typeinfo_engine::JobGraph {
    JobBuilder::new("per-second", true)
        .state_backend(state)
        .source(
            "readings",
            SOURCES,
            |s| {
                (0..READINGS).map(move |i| {
                    if i % 100 == 0 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    (s, i)
                })
            },
            Some(|&(s, i): &(usize, u64)| reading(s, i).time_ms),
            Emission {
                watermark_every: 50,
                ..Emission::default()
            },
        )
        .try_map("read", move |(s, i): (usize, u64)| {
            if fail.as_ref().is_some_and(|f| f.strikes(s, i)) {
                return Err(format!("reading {i} of source 0 fails"));
            }
            Ok(reading(s, i))
        })
        .connect(
            Partitioner::key_by("sensor", |r: &Reading| r.sensor),
            pojo(),
            2,
        )
        .window(
            "per second",
            1000,
            PerSecondWith::<(u64, u64)>::new(),
            pojo(),
        )
        .sink_exactly_once(
            "out",
            out,
            |w: &(u32, i64, u64, u64), line: &mut Vec<u8>| {
                line.extend_from_slice(format!("{} {} {} {}\n", w.0, w.1, w.2, w.3).as_bytes());
            },
        )
}

/// The committed files under `out` (name, lines).
fn committed(out: &Path) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<(String, Vec<String>)> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let name = e.file_name().into_string().unwrap();
            (name, text.lines().map(str::to_owned).collect())
        })
        .collect();
    files.sort();
    files
}

/// The checkpoint a committed file belongs to: `<task>-<n>`.
fn epoch_of(name: &str) -> u64 {
    name.rsplit_once('-').unwrap().1.parse().unwrap()
}

#[test]
fn an_exactly_once_sink_shows_only_what_complete_checkpoints_cover() {
    let root = fresh_dir("exactly-once");
    let (out, checkpoints) = (root.join("out"), root.join("checkpoints"));
    let job = per_second_job(&out, None, StateBackend::Heap).with_checkpoints(
        Duration::from_millis(3),
        CheckpointConfig::new(&checkpoints, 1000).unwrap(),
    );
    let running = std::thread::spawn(move || job.run(&NetworkConfig::default(), Transport::Local));
    // While the job runs, every committed file belongs to a complete checkpoint; the files
    // of epochs whose checkpoint never completed commit as the job ends well, which the
    // thread may not show as finished yet, so those are told apart after it.
    let mut looks = 0;
    let mut early: Vec<(String, u64)> = Vec::new();
    while !running.is_finished() {
        if out.exists() {
            for (name, _) in committed(&out) {
                let epoch = epoch_of(&name);
                if !checkpoint_dir(&checkpoints, epoch)
                    .join("_metadata")
                    .exists()
                {
                    early.push((name, epoch));
                }
            }
            looks += 1;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let report = running.join().unwrap().unwrap();
    for (name, epoch) in &early {
        assert!(
            *epoch > report.checkpoints.last_id,
            "{name} is visible before its checkpoint completed"
        );
    }
    assert!(
        looks > 3 && report.checkpoints.completed >= 3,
        "{looks} looks, {:?}",
        report.checkpoints
    );
    let files = committed(&out);
    assert!(files.len() > 2, "{files:?}");
    let mut lines: Vec<String> = files.into_iter().flat_map(|(_, lines)| lines).collect();
    lines.sort();
    assert_eq!(lines, per_second_lines(), "every window once");
    assert_eq!(std::fs::read_dir(out.join("_pending")).unwrap().count(), 0);
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_failed_job_commits_only_what_its_complete_checkpoints_cover() {
    let root = fresh_dir("exactly-once-failed");
    let (out, checkpoints) = (root.join("out"), root.join("checkpoints"));
    let e = per_second_job(
        &out,
        Some(Failure::always(READINGS * 2 / 3)),
        StateBackend::Heap,
    )
    .with_checkpoints(
        Duration::from_millis(3),
        CheckpointConfig::new(&checkpoints, 1000).unwrap(),
    )
    .run(&NetworkConfig::default(), Transport::Local)
    .unwrap_err();
    assert!(e.to_string().contains("fails"), "{e}");
    let last = typeinfo_engine::checkpoint::latest_complete(&checkpoints)
        .unwrap()
        .expect("checkpoints completed before the failure")
        .checkpoint;
    let files = committed(&out);
    assert!(!files.is_empty());
    assert!(
        files.iter().all(|(name, _)| epoch_of(name) <= last),
        "{files:?} after {last}"
    );
    let mut lines: Vec<String> = files.into_iter().flat_map(|(_, lines)| lines).collect();
    lines.sort();
    let all = per_second_lines();
    assert!(lines.len() < all.len(), "the failure cut the output short");
    let committed_lines = lines.len();
    lines.dedup();
    assert_eq!(lines.len(), committed_lines, "no window twice");
    assert!(
        lines.iter().all(|l| all.binary_search(l).is_ok()),
        "only whole windows"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

/// A job that fails mid-stream restarts from its last complete checkpoint: sources replay
/// from its offsets, the windows from its state, and the exactly-once sink's committed
/// output is every window exactly once, as in a run that never failed.
#[test]
fn a_failed_job_restarts_from_its_last_checkpoint_and_commits_every_window_once() {
    for (disk, transport, fail_at) in [
        (false, Transport::Local, READINGS * 2 / 3),
        (true, Transport::Tcp { task_managers: 2 }, READINGS / 2),
        // Before the first checkpoint can complete: the restart is from the start.
        (false, Transport::Local, 1),
    ] {
        let at = format!("disk {disk}, {transport:?}, failing at {fail_at}");
        let root = fresh_dir(&format!("restart-{disk}-{fail_at}"));
        let (out, checkpoints) = (root.join("out"), root.join("checkpoints"));
        let job = per_second_job(&out, Some(Failure::once(fail_at)), backend(disk, &root))
            .with_checkpoints(
                Duration::from_millis(3),
                CheckpointConfig::new(&checkpoints, 2).unwrap(),
            )
            .with_restarts(2, Duration::from_millis(10));
        let report = job
            .run(&NetworkConfig::default(), transport.clone())
            .unwrap();
        assert_eq!(report.restarts.len(), 1, "{at}");
        let restart = &report.restarts[0];
        assert!(restart.cause.contains("fails"), "{restart:?}");
        if fail_at > 1 {
            assert!(restart.from_checkpoint >= 1, "{restart:?}, {at}");
        } else {
            assert_eq!(restart.from_checkpoint, 0, "{restart:?}, {at}");
        }
        assert!(restart.downtime.is_some(), "{restart:?}");
        let mut lines: Vec<String> = committed(&out).into_iter().flat_map(|(_, l)| l).collect();
        lines.sort();
        assert_eq!(lines, per_second_lines(), "every window once, {at}");
        assert_eq!(
            std::fs::read_dir(out.join("_pending")).unwrap().count(),
            0,
            "{at}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}

#[test]
fn restarts_without_checkpoints_are_refused_and_attempts_run_out() {
    let root = fresh_dir("restarts-refused");
    let e = per_second_job(&root.join("out"), None, StateBackend::Heap)
        .with_restarts(1, Duration::ZERO)
        .run(&NetworkConfig::default(), Transport::Local)
        .unwrap_err()
        .to_string();
    assert!(e.contains("restarts with checkpoints"), "{e}");
    // A failure on every attempt ends the job with it once the attempts are used up.
    let e = per_second_job(
        &root.join("out"),
        Some(Failure::always(READINGS / 2)),
        StateBackend::Heap,
    )
    .with_checkpoints(
        Duration::from_millis(3),
        CheckpointConfig::new(root.join("checkpoints"), 1).unwrap(),
    )
    .with_restarts(2, Duration::from_millis(1))
    .run(&NetworkConfig::default(), Transport::Local)
    .unwrap_err()
    .to_string();
    assert!(e.contains("fails"), "{e}");
    std::fs::remove_dir_all(&root).unwrap();
}

/// Count and sum per sensor and window, in an accumulator `A` (the savepoint test has
/// three versions of it).
struct PerSecondWith<A>(std::marker::PhantomData<fn() -> A>);

impl<A> PerSecondWith<A> {
    fn new() -> Self {
        PerSecondWith(std::marker::PhantomData)
    }
}

impl Accumulator for (u64, u64) {
    fn add(&mut self, value: u32) {
        self.0 += 1;
        self.1 += u64::from(value);
    }
    fn counts(&self) -> (u64, u64) {
        *self
    }
}

impl<A> Clone for PerSecondWith<A> {
    fn clone(&self) -> Self {
        PerSecondWith(std::marker::PhantomData)
    }
}

trait Accumulator: typeinfo::Encode + typeinfo::Decode + Default + Send + Sync + 'static {
    fn add(&mut self, value: u32);
    fn counts(&self) -> (u64, u64);
}

impl Accumulator for v1::Acc {
    fn add(&mut self, value: u32) {
        self.count += 1;
        self.sum += value as i32;
    }
    fn counts(&self) -> (u64, u64) {
        (self.count.into(), self.sum as u64)
    }
}

impl Accumulator for v2::Acc {
    fn add(&mut self, value: u32) {
        self.count += 1;
        self.sum += i64::from(value);
        self.max = Some(self.max.unwrap_or(0).max(value.into()));
    }
    fn counts(&self) -> (u64, u64) {
        (self.count, self.sum as u64)
    }
}

impl<A: Accumulator> WindowAggregate<Reading> for PerSecondWith<A> {
    type Key = u32;
    type Acc = A;
    type Out = (u32, i64, u64, u64);
    fn key(&self, r: &Reading) -> u32 {
        r.sensor
    }
    fn event_time(&self, r: &Reading) -> i64 {
        r.time_ms
    }
    fn create(&self) -> A {
        A::default()
    }
    fn add(&self, acc: &mut A, r: Reading) {
        acc.add(r.value);
    }
    fn result(&self, sensor: u32, start: i64, acc: A) -> (u32, i64, u64, u64) {
        let (count, sum) = acc.counts();
        (sensor, start, count, sum)
    }
}

fn per_second_with<A: Accumulator>(out: &Path, state: StateBackend) -> typeinfo_engine::JobGraph {
    per_second_over::<A>(out, state, 2)
}

/// The same with `windows` window subtasks.
fn per_second_over<A: Accumulator>(
    out: &Path,
    state: StateBackend,
    windows: usize,
) -> typeinfo_engine::JobGraph {
    JobBuilder::new("per-second", true)
        .state_backend(state)
        .source(
            "readings",
            SOURCES,
            |s| (0..READINGS).map(move |i| reading(s, i)),
            Some(|r: &Reading| r.time_ms),
            Emission {
                watermark_every: 50,
                ..Emission::default()
            },
        )
        .connect(
            Partitioner::key_by("sensor", |r: &Reading| r.sensor),
            pojo(),
            windows,
        )
        .window("per second", 1000, PerSecondWith::<A>::new(), pojo())
        .sink_exactly_once(
            "out",
            out,
            |w: &(u32, i64, u64, u64), line: &mut Vec<u8>| {
                line.extend_from_slice(format!("{} {} {} {}\n", w.0, w.1, w.2, w.3).as_bytes());
            },
        )
}

/// A job stopped with a savepoint and started again from it, its accumulator type changed
/// in between (a field added, two widened), commits every window exactly once, as a run
/// that never stopped; a type that cannot read the savepoint is refused before any record.
#[test]
fn a_job_stopped_with_a_savepoint_resumes_with_a_changed_accumulator() {
    for disk in [false, true] {
        let root = fresh_dir(&format!("savepoint-{disk}"));
        let (out, savepoint) = (root.join("out"), root.join("savepoint"));
        let stopped = per_second_with::<v1::Acc>(&out, backend(disk, &root))
            .stop_with_savepoint(&savepoint, READINGS)
            .run(&NetworkConfig::default(), Transport::Local)
            .unwrap();
        assert_eq!(stopped.savepoint, Some(1), "disk {disk}");
        assert_eq!(stopped.source_records, READINGS, "disk {disk}");
        let before: usize = committed(&out).iter().map(|(_, l)| l.len()).sum();
        assert!(
            before > 0 && before < per_second_lines().len(),
            "{before} windows before"
        );
        // Nothing fired after the savepoint: the sink received what it committed.
        assert_eq!(stopped.sink.records, before as u64, "disk {disk}");
        let metadata = typeinfo_engine::checkpoint::latest_complete(&savepoint)
            .unwrap()
            .unwrap();
        let offsets: u64 = metadata.tasks.iter().filter_map(|t| t.source_offset).sum();
        assert_eq!(offsets, READINGS);

        // Today's accumulator cannot read the savepoint: refused, saying why.
        let e = per_second_with::<v3::Acc>(&root.join("never"), backend(disk, &root))
            .from_savepoint(&savepoint)
            .run(&NetworkConfig::default(), Transport::Local)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot be restored as today's type"), "{e}");
        // Nor can a job of another parallelism: its keys would meet other subtasks.
        let e = per_second_over::<v1::Acc>(&root.join("never"), backend(disk, &root), 3)
            .from_savepoint(&savepoint)
            .run(&NetworkConfig::default(), Transport::Local)
            .unwrap_err()
            .to_string();
        assert!(e.contains("the same stages and parallelism"), "{e}");

        let resumed = per_second_with::<v2::Acc>(&out, backend(disk, &root))
            .from_savepoint(&savepoint)
            .run(&NetworkConfig::default(), Transport::Local)
            .unwrap();
        assert_eq!(resumed.savepoint, None);
        assert_eq!(resumed.source_records, SOURCES as u64 * READINGS - READINGS);
        let mut lines: Vec<String> = committed(&out).into_iter().flat_map(|(_, l)| l).collect();
        lines.sort();
        assert_eq!(lines, per_second_lines(), "every window once, disk {disk}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}

impl Accumulator for v3::Acc {
    fn add(&mut self, value: u32) {
        self.count += 1;
        self.sum = value.to_string();
    }
    fn counts(&self) -> (u64, u64) {
        (self.count.into(), 0)
    }
}
