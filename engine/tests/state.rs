//! Keyed state: the heap and the disk backend give the same answers to every sequence of
//! operations, key types without canonical bytes are refused before any record, and a disk
//! store leaves nothing behind.

use proptest::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use typeinfo::TypeInfo;
use typeinfo_engine::{EngineError, KeyedStateBackend, StateBackend};
use typeinfo_serializers::RecordSerializer;

fn pojo<T>() -> Arc<dyn RecordSerializer<T>>
where
    T: typeinfo::Encode + typeinfo::Decode + Send + Sync + 'static,
{
    let config = typeinfo_serializers::SerializationConfig::default();
    Arc::new(typeinfo_serializers::select::Serializer::<T>::new(&config).unwrap())
}

fn disk(dir: &std::path::Path) -> StateBackend {
    StateBackend::Disk {
        dir: dir.to_path_buf(),
    }
}

/// A directory of this test's own, empty.
fn fresh_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("typeinfo-state-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[derive(Debug, Clone)]
enum Op {
    Put(usize, i64, u64),
    Get(usize, i64),
    Add(usize, i64, u64),
    Clear(usize, i64),
    ListAdd(usize, i64, u32),
    ListGet(usize, i64),
    ListClear(usize, i64),
    MapPut(usize, u16, String),
    MapGet(usize, u16),
    MapRemove(usize, u16),
    MapEntries(usize),
    MapClear(usize),
    TakeThrough(i64),
}

/// Keys where one is a prefix of another, and the empty key.
const KEYS: [&str; 4] = ["", "a", "ab", "b"];

fn op() -> impl Strategy<Value = Op> {
    let key = 0..KEYS.len();
    let ns = -3i64..3;
    prop_oneof![
        (key.clone(), ns.clone(), any::<u64>()).prop_map(|(k, n, v)| Op::Put(k, n, v)),
        (key.clone(), ns.clone()).prop_map(|(k, n)| Op::Get(k, n)),
        (key.clone(), ns.clone(), 0u64..100).prop_map(|(k, n, v)| Op::Add(k, n, v)),
        (key.clone(), ns.clone()).prop_map(|(k, n)| Op::Clear(k, n)),
        (key.clone(), ns.clone(), any::<u32>()).prop_map(|(k, n, v)| Op::ListAdd(k, n, v)),
        (key.clone(), ns.clone()).prop_map(|(k, n)| Op::ListGet(k, n)),
        (key.clone(), ns.clone()).prop_map(|(k, n)| Op::ListClear(k, n)),
        (key.clone(), 0u16..4, "[a-z]{0,3}").prop_map(|(k, u, v)| Op::MapPut(k, u, v)),
        (key.clone(), 0u16..4).prop_map(|(k, u)| Op::MapGet(k, u)),
        (key.clone(), 0u16..4).prop_map(|(k, u)| Op::MapRemove(k, u)),
        key.clone().prop_map(Op::MapEntries),
        key.prop_map(Op::MapClear),
        ns.prop_map(Op::TakeThrough),
    ]
}

/// What each operation answered, as text, in order.
fn answers(backend: &StateBackend, ops: &[Op]) -> Result<Vec<String>, EngineError> {
    let mut state = KeyedStateBackend::<String>::open(backend, "model", 0)?;
    let mut values = state.value_state::<i64, u64>("values", pojo())?;
    let mut lists = state.list_state::<i64, u32>("lists", pojo())?;
    let mut maps = state.map_state::<(), u16, String>("maps", pojo())?;
    let mut out = Vec::new();
    for op in ops {
        let answer = match op {
            Op::Put(k, n, v) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                values.update(at, n, *v)?;
                String::new()
            }
            Op::Get(k, n) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                format!("{:?}", values.get(at, n)?)
            }
            Op::Add(k, n, v) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                values.modify(at, n, || 1000, |acc| *acc = acc.wrapping_add(*v))?;
                String::new()
            }
            Op::Clear(k, n) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                values.clear(at, n)?;
                String::new()
            }
            Op::ListAdd(k, n, v) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                lists.add(at, n, *v)?;
                String::new()
            }
            Op::ListGet(k, n) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                format!("{:?}", lists.get(at, n)?)
            }
            Op::ListClear(k, n) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                lists.clear(at, n)?;
                String::new()
            }
            Op::MapPut(k, u, v) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                maps.put(at, &(), *u, v.clone())?;
                String::new()
            }
            Op::MapGet(k, u) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                format!("{:?}", maps.get(at, &(), u)?)
            }
            Op::MapRemove(k, u) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                maps.remove(at, &(), u)?;
                String::new()
            }
            Op::MapEntries(k) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                let mut entries = maps.entries(at, &())?;
                entries.sort();
                format!("{entries:?}")
            }
            Op::MapClear(k) => {
                let at = state.set_current_key(KEYS[*k].into())?;
                maps.clear(at, &())?;
                String::new()
            }
            Op::TakeThrough(last) => {
                let taken = values.take_through(last)?;
                let namespaces: Vec<i64> = taken.iter().map(|(_, n, _)| *n).collect();
                assert!(namespaces.is_sorted(), "in namespace order: {namespaces:?}");
                let sorted: BTreeMap<(i64, String), u64> =
                    taken.into_iter().map(|(k, n, v)| ((n, k), v)).collect();
                format!("{sorted:?}")
            }
        };
        out.push(answer);
    }
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn heap_and_disk_answer_every_sequence_alike(ops in prop::collection::vec(op(), 1..80)) {
        let dir = std::env::temp_dir();
        let heap = answers(&StateBackend::Heap, &ops).unwrap();
        let on_disk = answers(&disk(&dir), &ops).unwrap();
        prop_assert_eq!(heap, on_disk);
    }
}

/// A set of tags with a hash that ignores order: equal values, but their hash sets iterate
/// (and so encode) in different orders.
#[derive(TypeInfo, Debug, Clone, PartialEq, Eq)]
struct Tags(HashSet<String>);

impl Hash for Tags {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let mut tags: Vec<&String> = self.0.iter().collect();
        tags.sort();
        tags.hash(state);
    }
}

/// A price with a hand-written equality: 0.0 and -0.0 are equal and encode differently.
#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Price(f64);

impl Eq for Price {}

impl Hash for Price {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.0 + 0.0).to_bits().hash(state);
    }
}

#[test]
fn keys_without_canonical_bytes_are_refused_on_both_backends() {
    let dir = std::env::temp_dir();
    for backend in [StateBackend::Heap, disk(&dir)] {
        let e = KeyedStateBackend::<Tags>::open(&backend, "tags", 1)
            .err()
            .expect("refused");
        let text = e.to_string();
        assert!(
            text.contains("`tags`[1]") && text.contains("hash order"),
            "{text}"
        );
        let e = KeyedStateBackend::<Price>::open(&backend, "prices", 0)
            .err()
            .expect("refused");
        assert!(e.to_string().contains("two zeros"), "{e}");
        let mut state = KeyedStateBackend::<String>::open(&backend, "by tag", 0).unwrap();
        let e = state
            .map_state::<(), Tags, u64>("counts", pojo())
            .err()
            .expect("user keys too");
        assert!(e.to_string().contains("user key of state `counts`"), "{e}");
    }
}

#[test]
fn two_states_of_one_operator_need_two_names() {
    let mut state = KeyedStateBackend::<u32>::open(&StateBackend::Heap, "op", 0).unwrap();
    state.value_state::<(), u64>("count", pojo()).unwrap();
    let e = state
        .list_state::<(), u64>("count", pojo())
        .err()
        .expect("refused");
    assert!(e.to_string().contains("a name no other state"), "{e}");
}

#[test]
fn a_disk_store_removes_its_directory_when_it_ends() {
    let dir = fresh_dir("cleanup");
    {
        let mut state = KeyedStateBackend::<u32>::open(&disk(&dir), "op", 0).unwrap();
        let mut values = state.value_state::<i64, String>("v", pojo()).unwrap();
        for k in 0..1_000u32 {
            let at = state.set_current_key(k).unwrap();
            values.update(at, &i64::from(k % 7), k.to_string()).unwrap();
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "one store");
        assert_eq!(values.take_through(&i64::MAX).unwrap().len(), 1_000);
        assert_eq!(state.metrics().writes, 1_000);
    }
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing left behind"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_that_cannot_hold_a_store_is_an_error_that_names_it() {
    let file = fresh_dir("not-a-dir").join("file");
    std::fs::write(&file, b"x").unwrap();
    let e = KeyedStateBackend::<u32>::open(&disk(&file), "op", 3)
        .err()
        .expect("refused");
    let text = e.to_string();
    assert!(
        text.contains("`op`[3]") && text.contains("cannot open a store"),
        "{text}"
    );
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn backends_parse_from_their_names() {
    assert_eq!(
        StateBackend::parse("heap", None).unwrap(),
        StateBackend::Heap
    );
    let dir = PathBuf::from("/var/state");
    assert_eq!(
        StateBackend::parse("disk", Some(&dir)).unwrap(),
        StateBackend::Disk { dir: dir.clone() }
    );
    let e = StateBackend::parse("rocks", None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid state_backend `rocks`: one of heap, disk"
    );
    let e = StateBackend::parse("heap", Some(&dir)).unwrap_err();
    assert!(
        e.to_string().contains("only with the disk state backend"),
        "{e}"
    );
}
