//! `indexmap`: `IndexMap` and `IndexSet` are maps and sets like std's, written and read back
//! in insertion order.

use crate::codec::collections::{Reserve, encode_each_path, map, order_mode, set};
use crate::codec::{Decode, Decoder, Encode, Encoder, decode_map_blocks, decode_seq_blocks};
use crate::error::{DecodeError, EncodeError};
use crate::info::{HasTypeInfo, TypeInfo};
use crate::limits::cautious_capacity;
use crate::path::Step;
use core::hash::{BuildHasher, Hash};
use indexmap::{IndexMap, IndexSet};

set!(IndexSet, Indexed, "IndexSet", kept, [Eq + Hash], S);
map!(IndexMap, Indexed, "IndexMap", kept, [Eq + Hash], S);

impl<T: Eq + Hash, S: BuildHasher> Reserve for IndexSet<T, S> {
    fn reserve_for(&mut self, additional: usize) {
        self.reserve(additional);
    }
}

impl<K: Eq + Hash, V, S: BuildHasher> Reserve for IndexMap<K, V, S> {
    fn reserve_for(&mut self, additional: usize) {
        self.reserve(additional);
    }
}
