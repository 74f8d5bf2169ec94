//! What every heap-backed handle keeps: objects by namespace, then by key. Namespaces are
//! ordered, so the due windows come off the front; keys are cloned only when first seen.

use super::key::{Namespace, StateKey};
use std::collections::{BTreeMap, HashMap};

type ByKey<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

pub(crate) struct HeapTable<K, N, V> {
    by_namespace: BTreeMap<N, ByKey<K, V>>,
}

impl<K: StateKey, N: Namespace, V> HeapTable<K, N, V> {
    pub(crate) fn new() -> Self {
        HeapTable {
            by_namespace: BTreeMap::new(),
        }
    }

    pub(crate) fn get(&self, key: &K, namespace: &N) -> Option<&V> {
        self.by_namespace.get(namespace)?.get(key)
    }

    pub(crate) fn get_mut(&mut self, key: &K, namespace: &N) -> Option<&mut V> {
        self.by_namespace.get_mut(namespace)?.get_mut(key)
    }

    pub(crate) fn get_or_insert_with(
        &mut self,
        key: &K,
        namespace: &N,
        init: impl FnOnce() -> V,
    ) -> &mut V {
        if !self.by_namespace.contains_key(namespace) {
            self.by_namespace
                .insert(namespace.clone(), ByKey::default());
        }
        let keys = self
            .by_namespace
            .get_mut(namespace)
            .expect("inserted above");
        if !keys.contains_key(key) {
            keys.insert(key.clone(), init());
        }
        keys.get_mut(key).expect("inserted above")
    }

    pub(crate) fn insert(&mut self, key: &K, namespace: &N, value: V) {
        let mut value = Some(value);
        let slot = self.get_or_insert_with(key, namespace, || value.take().expect("once"));
        if let Some(value) = value {
            *slot = value;
        }
    }

    pub(crate) fn remove(&mut self, key: &K, namespace: &N) -> Option<V> {
        let keys = self.by_namespace.get_mut(namespace)?;
        let value = keys.remove(key);
        if keys.is_empty() {
            self.by_namespace.remove(namespace);
        }
        value
    }

    /// Every namespace in order, with its objects by key.
    pub(crate) fn namespaces(&self) -> impl Iterator<Item = (&N, &ByKey<K, V>)> {
        self.by_namespace.iter()
    }

    /// Removes and returns every value in a namespace up to `last`, in namespace order.
    pub(crate) fn take_through(&mut self, last: &N) -> Vec<(K, N, V)> {
        let mut taken = Vec::new();
        while let Some(entry) = self.by_namespace.first_entry() {
            if entry.key() > last {
                break;
            }
            let (namespace, keys) = entry.remove_entry();
            taken.extend(keys.into_iter().map(|(k, v)| (k, namespace.clone(), v)));
        }
        taken
    }
}
