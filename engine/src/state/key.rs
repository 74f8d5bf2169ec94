//! What can key state, and the namespaces state lives under.

use std::hash::Hash;
use typeinfo::{Decode, Encode};

/// A key of keyed state: hashed on the heap, encoded canonically (pojo) on disk. Which
/// key types have canonical bytes is checked when a backend opens.
pub trait StateKey: Encode + Decode + Hash + Eq + Clone + Send + 'static {}

impl<K: Encode + Decode + Hash + Eq + Clone + Send + 'static> StateKey for K {}

/// What a value is kept under besides its key: a window's start, or `()`. Its bytes sort as
/// its values do, so a range of namespaces is a range of keys on disk.
pub trait Namespace: Ord + Clone + Send + 'static {
    /// How many bytes [`Namespace::write_ordered`] writes.
    const WIDTH: usize;
    fn write_ordered(&self, out: &mut Vec<u8>);
    /// Reads what [`Namespace::write_ordered`] wrote; `bytes` has `WIDTH` bytes.
    fn read_ordered(bytes: &[u8]) -> Self;
    /// The smallest namespace.
    fn first() -> Self;
}

impl Namespace for () {
    const WIDTH: usize = 0;
    fn write_ordered(&self, _: &mut Vec<u8>) {}
    fn read_ordered(_: &[u8]) -> Self {}
    fn first() -> Self {}
}

/// The sign bit flipped, big-endian: unsigned byte order is then numeric order.
impl Namespace for i64 {
    const WIDTH: usize = 8;
    fn write_ordered(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&((*self as u64) ^ (1 << 63)).to_be_bytes());
    }
    fn read_ordered(bytes: &[u8]) -> Self {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(bytes);
        (u64::from_be_bytes(raw) ^ (1 << 63)) as i64
    }
    fn first() -> Self {
        i64::MIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn i64_namespaces_sort_as_bytes_as_they_do_as_numbers(a: i64, b: i64) {
            let (mut x, mut y) = (Vec::new(), Vec::new());
            a.write_ordered(&mut x);
            b.write_ordered(&mut y);
            prop_assert_eq!(x.len(), i64::WIDTH);
            prop_assert_eq!(a.cmp(&b), x.cmp(&y));
            prop_assert_eq!(i64::read_ordered(&x), a);
        }
    }
}
