//! Kryo's FieldSerializer writes fields sorted by name; serde visits them in declaration
//! order. Each struct's permutation is computed once and cached by the address of its
//! static field names, so the hot path pays a few pointer compares per struct.

/// A cached field order: `sorted[j]` is the declaration index of the `j`-th field by name.
#[derive(Debug)]
struct Entry {
    /// Address and length of each field name, in declaration order.
    keys: Box<[(usize, usize)]>,
    /// `None` when declaration order is already sorted.
    sorted: Option<Box<[u16]>>,
}

/// Field orders of the struct types seen so far.
#[derive(Debug, Default)]
pub struct FieldOrders {
    entries: Vec<Entry>,
    /// The entry found last, tried first: records repeat their types.
    last: usize,
}

/// The identity of a struct as serde announces it: its name and field count.
pub type StructKey = ((usize, usize), usize);

impl FieldOrders {
    /// Whether field `index` of in-order entry `handle` is `name`.
    #[inline]
    pub fn field_is(&self, handle: usize, index: usize, name: &str) -> bool {
        self.entries[handle].keys.get(index) == Some(&key(name))
    }

    /// How many fields entry `handle` has.
    #[inline]
    pub fn len(&self, handle: usize) -> usize {
        self.entries[handle].keys.len()
    }

    /// Whether entry `handle`'s declaration order is Kryo's.
    #[inline]
    pub fn is_in_order(&self, handle: usize) -> bool {
        self.entries[handle].sorted.is_none()
    }

    /// The order of handle `handle` from [`FieldOrders::lookup`].
    pub fn order(&self, handle: usize) -> Option<&[u16]> {
        self.entries[handle].sorted.as_deref()
    }

    /// A handle for the order of fields `names`, valid as long as `self`.
    pub fn lookup<'a, I>(&mut self, names: I) -> usize
    where
        I: ExactSizeIterator<Item = &'a str> + Clone,
    {
        let matches = |e: &Entry| {
            e.keys.len() == names.len()
                && e.keys.iter().zip(names.clone()).all(|(k, n)| *k == key(n))
        };
        if self.entries.get(self.last).is_some_and(matches) {
            return self.last;
        }
        let found = self.entries.iter().position(matches);
        self.last = match found {
            Some(i) => i,
            None => {
                let all: Vec<&str> = names.clone().collect();
                let mut sorted: Vec<u16> = (0..all.len() as u16).collect();
                // Java sorts by `String.compareTo`, UTF-16 unit order.
                sorted.sort_by(|&a, &b| {
                    all[a as usize]
                        .encode_utf16()
                        .cmp(all[b as usize].encode_utf16())
                });
                let identity = sorted.iter().enumerate().all(|(j, &i)| j == i as usize);
                self.entries.push(Entry {
                    keys: all.iter().map(|n| key(n)).collect(),
                    sorted: (!identity).then(|| sorted.into_boxed_slice()),
                });
                self.entries.len() - 1
            }
        };
        self.last
    }
}

use super::memo::str_key as key;

/// The key of struct `name` with `len` fields.
#[inline]
pub fn struct_key(name: &'static str, len: usize) -> StructKey {
    (key(name), len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_name_and_caches() {
        let mut orders = FieldOrders::default();
        let names = ["zeta", "alpha", "mid"];
        let handle = orders.lookup(names.iter().copied());
        assert_eq!(orders.order(handle), Some(&[1u16, 2, 0][..]));
        assert_eq!(orders.lookup(names.iter().copied()), handle);
        let sorted = orders.lookup(["a", "b"].iter().copied());
        assert_eq!(orders.order(sorted), None);
        assert!(!orders.is_in_order(handle) && orders.is_in_order(sorted));
        assert!(orders.field_is(sorted, 1, "b") && !orders.field_is(sorted, 2, "b"));
        assert_eq!(orders.entries.len(), 2);
    }
}
