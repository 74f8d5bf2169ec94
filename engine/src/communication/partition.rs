//! Which downstream channel a record goes to.

use foldhash::fast::FixedState;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;
use typeinfo::path::PathError;
use typeinfo::{Decode, Encode, EncodeError};
use typeinfo_serializers::key::KeySelector;

/// One seed for every process of a job, so equal keys meet in the same subtask.
const KEY_HASH: FixedState = FixedState::with_seed(0x7970_6569_6e66_6f00);

/// Hashes a record's key.
pub trait KeyHash<T>: Send + Sync {
    /// The key's hash; `scratch` is a buffer the caller reuses between records.
    fn hash(&self, record: &T, scratch: &mut Vec<u8>) -> Result<u64, EncodeError>;
    /// The key, for people (`field app_key`).
    fn describe(&self) -> String;
}

/// How a record writer picks channels (Flink's stream partitioners).
pub enum Partitioner<T> {
    /// Subtask i to subtask i; upstream and downstream parallelism must be equal.
    Forward,
    /// Round robin over all channels.
    Rebalance,
    /// By the hash of a key: equal keys go to the same subtask.
    Hash(Arc<dyn KeyHash<T>>),
    /// Every record to every channel.
    Broadcast,
}

impl<T> Clone for Partitioner<T> {
    fn clone(&self) -> Self {
        match self {
            Partitioner::Forward => Partitioner::Forward,
            Partitioner::Rebalance => Partitioner::Rebalance,
            Partitioner::Hash(key) => Partitioner::Hash(key.clone()),
            Partitioner::Broadcast => Partitioner::Broadcast,
        }
    }
}

impl<T> fmt::Debug for Partitioner<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl<T> Partitioner<T> {
    pub fn name(&self) -> String {
        match self {
            Partitioner::Forward => "forward".into(),
            Partitioner::Rebalance => "rebalance".into(),
            Partitioner::Hash(key) => format!("hash({})", key.describe()),
            Partitioner::Broadcast => "broadcast".into(),
        }
    }

    /// By the key a closure extracts.
    pub fn key_by<K: Hash>(name: &str, key: impl Fn(&T) -> K + Send + Sync + 'static) -> Self
    where
        T: 'static,
    {
        Partitioner::Hash(Arc::new(ClosureKey {
            name: name.to_owned(),
            key,
        }))
    }

    /// By a key borrowed from the record (`|s| s.app_key.as_str()`), hashed without a copy.
    pub fn key_by_ref<K: Hash + ?Sized + 'static>(name: &str, key: fn(&T) -> &K) -> Self
    where
        T: 'static,
    {
        Partitioner::Hash(Arc::new(RefKey {
            name: name.to_owned(),
            key,
        }))
    }

    /// By the value a field expression selects (`"app_key"`, `"device.os"`), checked against
    /// `T`'s descriptor now, so a wrong field fails before the job starts.
    pub fn key_by_field<K: Decode + 'static>(expression: &str) -> Result<Self, PathError>
    where
        T: Encode + 'static,
    {
        let selector = KeySelector::<T, K>::new(expression)?;
        Ok(Partitioner::Hash(Arc::new(FieldKey(selector))))
    }
}

struct ClosureKey<F> {
    name: String,
    key: F,
}

impl<T, K: Hash, F: Fn(&T) -> K + Send + Sync> KeyHash<T> for ClosureKey<F> {
    fn hash(&self, record: &T, _: &mut Vec<u8>) -> Result<u64, EncodeError> {
        Ok(KEY_HASH.hash_one((self.key)(record)))
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

struct RefKey<T, K: ?Sized> {
    name: String,
    key: fn(&T) -> &K,
}

impl<T, K: Hash + ?Sized> KeyHash<T> for RefKey<T, K> {
    fn hash(&self, record: &T, _: &mut Vec<u8>) -> Result<u64, EncodeError> {
        Ok(KEY_HASH.hash_one((self.key)(record)))
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

/// Hashes the pojo bytes of the selected field: equal keys have equal bytes.
struct FieldKey<T, K>(KeySelector<T, K>);

impl<T: Encode, K: Decode> KeyHash<T> for FieldKey<T, K> {
    fn hash(&self, record: &T, scratch: &mut Vec<u8>) -> Result<u64, EncodeError> {
        scratch.clear();
        self.0.key_bytes(record, scratch)?;
        Ok(KEY_HASH.hash_one(scratch.as_slice()))
    }

    fn describe(&self) -> String {
        format!("field {}", self.0.path().expression())
    }
}

/// The channel for a key hash among `channels`.
pub(crate) fn channel_of(hash: u64, channels: usize) -> usize {
    // The high bits of a multiply: uniform without a division.
    ((u128::from(hash) * channels as u128) >> 64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use typeinfo::prelude::*;

    #[derive(TypeInfo)]
    struct Event {
        app: String,
        n: u32,
    }

    #[test]
    fn field_and_closure_keys_send_equal_keys_alike() {
        let by_field = Partitioner::<Event>::key_by_field::<String>("app").unwrap();
        let by_closure = Partitioner::<Event>::key_by("app", |e: &Event| e.app.clone());
        let by_ref = Partitioner::<Event>::key_by_ref("app", |e: &Event| e.app.as_str());
        let mut scratch = Vec::new();
        for p in [by_field, by_closure, by_ref] {
            let Partitioner::Hash(key) = p else { panic!() };
            let a = key
                .hash(
                    &Event {
                        app: "x".into(),
                        n: 1,
                    },
                    &mut scratch,
                )
                .unwrap();
            let b = key
                .hash(
                    &Event {
                        app: "x".into(),
                        n: 2,
                    },
                    &mut scratch,
                )
                .unwrap();
            let c = key
                .hash(
                    &Event {
                        app: "y".into(),
                        n: 1,
                    },
                    &mut scratch,
                )
                .unwrap();
            assert_eq!(a, b);
            assert_ne!(a, c);
        }
    }

    #[test]
    fn a_wrong_key_field_fails_before_the_job() {
        assert!(Partitioner::<Event>::key_by_field::<String>("appp").is_err());
        assert!(Partitioner::<Event>::key_by_field::<String>("n").is_err());
    }

    #[test]
    fn hashes_spread_over_every_channel() {
        let mut seen = [0usize; 5];
        for i in 0..1000u64 {
            seen[channel_of(KEY_HASH.hash_one(i), 5)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 150), "{seen:?}");
    }
}
