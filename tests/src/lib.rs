//! Record types that exercise every field kind the model covers, and the helpers the
//! cross-crate tests share.

pub mod strategies;
pub mod types;

use std::fmt::Debug;
use typeinfo::{Decode, Encode};
use typeinfo_serializers::pojo;

/// Runs `value` through every format (and configuration) and checks it comes back equal
/// (bincode's `the_same`). Formats join as they land.
///
/// Values holding NaN are not equal to themselves; for them equality is checked bit for bit
/// instead: the decoded value must encode to the very same bytes. (That needs a fixed
/// iteration order, so such values hold at most one element per hash-based collection.)
pub fn the_same<T: Encode + Decode + PartialEq + Debug>(value: &T) {
    let bytes = pojo::to_vec(value).expect("pojo encode");
    let back: T = pojo::from_slice(&bytes).expect("pojo decode");
    assert_same(value, &back, &bytes, "pojo round trip");

    // Through a sink and source other than Vec/slice: a chain of tiny chunks.
    let mut streamed = Vec::new();
    pojo::Pojo::default()
        .encode_to(value, &mut streamed)
        .expect("pojo encode_to");
    assert_eq!(streamed, bytes, "encode_to and to_vec agree");
    let back: T = pojo::Pojo::default()
        .decode_from(Chunks::new(&bytes, 3))
        .expect("pojo decode from chunks");
    assert_same(value, &back, &bytes, "pojo round trip over 3-byte chunks");
}

/// `back` equals `value`; bit for bit (by its encoding) when `value` holds a NaN.
fn assert_same<T: Encode + PartialEq + Debug>(value: &T, back: &T, bytes: &[u8], what: &str) {
    #[allow(clippy::eq_op)] // a value unequal to itself holds a NaN
    if value == value {
        assert_eq!(back, value, "{what}");
    } else {
        assert_eq!(
            pojo::to_vec(back).expect("pojo re-encode"),
            bytes,
            "{what}: bit-exact"
        );
    }
}

/// A source that hands out its bytes in chunks of at most `size`, as a chain of network
/// buffers does, so decoders see values split across chunks.
pub struct Chunks<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl<'a> Chunks<'a> {
    pub fn new(bytes: &'a [u8], size: usize) -> Self {
        assert!(size > 0);
        Chunks { bytes, size }
    }
}

impl typeinfo::io::Reader for Chunks<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len()
    }

    fn chunk(&self) -> &[u8] {
        &self.bytes[..self.bytes.len().min(self.size)]
    }

    fn advance(&mut self, n: usize) {
        self.bytes = &self.bytes[n..];
    }
}
