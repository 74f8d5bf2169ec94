//! Record types that exercise every field kind the model covers, and the helpers the
//! cross-crate tests share.

pub mod types;

use std::fmt::Debug;
use typeinfo::{Decode, Encode};
use typeinfo_serializers::pojo;

/// Runs `value` through every format (and configuration) and checks it comes back equal
/// (bincode's `the_same`). Formats join as they land.
pub fn the_same<T: Encode + Decode + PartialEq + Debug>(value: &T) {
    let bytes = pojo::to_vec(value).expect("pojo encode");
    let back: T = pojo::from_slice(&bytes).expect("pojo decode");
    assert_eq!(&back, value, "pojo round trip");

    // Through a sink and source other than Vec/slice: a chain of tiny chunks.
    let mut chained = Vec::new();
    pojo::Pojo::default()
        .encode_to(value, &mut chained)
        .expect("pojo encode_to");
    assert_eq!(chained, bytes, "encode_to and to_vec agree");
    let back: T = pojo::Pojo::default()
        .decode_from(Chunks::new(&bytes, 3))
        .expect("pojo decode from chunks");
    assert_eq!(&back, value, "pojo round trip over 3-byte chunks");
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
