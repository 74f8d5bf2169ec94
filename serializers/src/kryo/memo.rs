//! A few remembered answers, looked up by plain compares: a record holds a handful of
//! classes, so a short list beats hashing a class name for every struct of every record.

/// Up to `CAPACITY` keys and their values, forgotten all at once when full.
#[derive(Debug)]
pub struct Memo<K, V> {
    entries: Vec<(K, V)>,
}

const CAPACITY: usize = 32;

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            entries: Vec::new(),
        }
    }
}

impl<K: Copy + Eq, V: Copy> Memo<K, V> {
    #[inline]
    pub fn get(&self, key: K) -> Option<V> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    #[inline]
    pub fn get_mut(&mut self, key: K) -> Option<&mut V> {
        self.entries
            .iter_mut()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    pub fn insert(&mut self, key: K, value: V) {
        if self.entries.len() == CAPACITY {
            self.entries.clear();
        }
        self.entries.push((key, value));
    }

    /// The value for `key`, computed by `compute` the first time.
    #[inline]
    pub fn get_or<E>(&mut self, key: K, compute: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some((_, v)) = self.entries.iter().find(|(k, _)| *k == key) {
            return Ok(*v);
        }
        let value = compute()?;
        self.insert(key, value);
        Ok(value)
    }
}

/// The identity of a `&'static str`: its address and length.
#[inline]
pub fn str_key(s: &str) -> (usize, usize) {
    (s.as_ptr() as usize, s.len())
}
