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
}

impl FieldOrders {
    /// The order for fields `names` (declaration order); `None` if it is declaration order.
    pub fn sorted<'a, I>(&mut self, names: I) -> Option<&[u16]>
    where
        I: ExactSizeIterator<Item = &'a str> + Clone,
    {
        let handle = self.lookup(names);
        self.order(handle)
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
        let found = self.entries.iter().position(|e| {
            e.keys.len() == names.len()
                && e.keys.iter().zip(names.clone()).all(|(k, n)| *k == key(n))
        });
        match found {
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
        }
    }
}

fn key(name: &str) -> (usize, usize) {
    (name.as_ptr() as usize, name.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_name_and_caches() {
        let mut orders = FieldOrders::default();
        let names = ["zeta", "alpha", "mid"];
        assert_eq!(
            orders.sorted(names.iter().copied()),
            Some(&[1u16, 2, 0][..])
        );
        assert_eq!(
            orders.sorted(names.iter().copied()),
            Some(&[1u16, 2, 0][..])
        );
        assert_eq!(orders.sorted(["a", "b"].iter().copied()), None);
        assert_eq!(orders.entries.len(), 2);
    }
}
