//! A few remembered answers, found in one or two probes. A record holds a handful of
//! classes, but a thread may serve many types and registries over its life, and the lookup
//! must not grow with what else it has seen (a list searched in order did: the classes of
//! one dataset sat behind those of the others). Each key has two places; a new key that
//! finds both taken replaces the second, since an answer can always be computed again.

/// Remembered values by key, at most `PLACES`.
#[derive(Debug)]
pub struct Memo<K, V> {
    /// Empty until the first insert, so an idle thread holds nothing.
    places: Vec<Option<(K, V)>>,
}

const PLACES: usize = 64;

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo { places: Vec::new() }
    }
}

impl<K: Copy + Eq + Spread, V: Copy> Memo<K, V> {
    /// The first of the key's two places (an even index).
    #[inline]
    fn place(key: &K) -> usize {
        // A multiplicative hash; its top bits are the best mixed.
        let hash = key.spread().wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (hash >> (64 - PLACES.trailing_zeros())) as usize & !1
    }

    #[inline]
    fn find(&self, key: &K) -> Option<usize> {
        let first = Self::place(key);
        (first..first + 2).find(|&i| matches!(self.places.get(i), Some(Some((k, _))) if k == key))
    }

    #[inline]
    pub fn get(&self, key: K) -> Option<V> {
        self.find(&key).and_then(|i| self.places[i].map(|(_, v)| v))
    }

    #[inline]
    pub fn get_mut(&mut self, key: K) -> Option<&mut V> {
        let i = self.find(&key)?;
        self.places[i].as_mut().map(|(_, v)| v)
    }

    pub fn clear(&mut self) {
        self.places.clear();
    }

    pub fn insert(&mut self, key: K, value: V) {
        if self.places.is_empty() {
            self.places.resize(PLACES, None);
        }
        let first = Self::place(&key);
        let i = match self.find(&key) {
            Some(i) => i,
            None if self.places[first].is_none() => first,
            None => first + 1,
        };
        self.places[i] = Some((key, value));
    }

    /// The value for `key`, computed by `compute` the first time.
    #[inline]
    pub fn get_or<E>(&mut self, key: K, compute: impl FnOnce() -> Result<V, E>) -> Result<V, E> {
        if let Some(v) = self.get(key) {
            return Ok(v);
        }
        let value = compute()?;
        self.insert(key, value);
        Ok(value)
    }
}

/// A key folded into one word for [`Memo`]'s hash: keys here are a few machine words
/// (addresses, lengths, ids, generations), and a lookup must cost a few instructions.
pub trait Spread {
    fn spread(&self) -> u64;
}

/// A struct's name (address, length), field count, and registry generation.
impl Spread for (((usize, usize), usize), u64) {
    #[inline]
    fn spread(&self) -> u64 {
        let (((address, _), fields), generation) = *self;
        address as u64 ^ (fields as u64).rotate_left(48) ^ generation.rotate_left(32)
    }
}

/// A registry generation, a class id, and a name (address, length).
impl Spread for (u64, u32, (usize, usize)) {
    #[inline]
    fn spread(&self) -> u64 {
        let (generation, id, (address, _)) = *self;
        address as u64 ^ u64::from(id).rotate_left(48) ^ generation.rotate_left(32)
    }
}

/// The identity of a `&'static str`: its address and length.
#[inline]
pub fn str_key(s: &str) -> (usize, usize) {
    (s.as_ptr() as usize, s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    type StructKey = (((usize, usize), usize), u64);

    /// A struct key as the writer builds it: name `k` (as an address), 2 fields, generation 7.
    fn key(k: usize) -> StructKey {
        (((k * 8, 5), 2), 7)
    }

    #[test]
    fn remembers_and_replaces() {
        let mut memo: Memo<StructKey, u32> = Memo::default();
        assert_eq!(memo.get(key(1)), None);
        for k in 0..1000 {
            memo.insert(key(k), k as u32);
            // The newest key is always found, whatever it replaced.
            assert_eq!(memo.get(key(k)), Some(k as u32));
        }
        // Whatever is still found has its own value.
        let found: Vec<usize> = (0..1000).filter(|&k| memo.get(key(k)).is_some()).collect();
        assert!(found.len() <= PLACES);
        assert!(found.iter().all(|&k| memo.get(key(k)) == Some(k as u32)));
        *memo.get_mut(key(999)).unwrap() = 5;
        assert_eq!(memo.get(key(999)), Some(5));
        memo.insert(key(999), 6);
        assert_eq!(memo.get(key(999)), Some(6));
        memo.clear();
        assert_eq!(memo.get(key(999)), None);
    }
}
