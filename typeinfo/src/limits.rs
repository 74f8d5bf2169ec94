//! Decoding limits: on by default, because every decoder reads untrusted bytes.

/// Bounds a decoder enforces. The defaults suit streaming records; raise them for bulk data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest encoded record accepted, in bytes.
    pub max_record_bytes: usize,
    /// Largest element count of one string, byte string or collection.
    pub max_collection_len: usize,
    /// Deepest nesting of user types (structs and enums) a decoder follows.
    pub max_depth: u32,
}

impl Limits {
    /// 64 MiB records, 16 Mi elements per collection, 128 levels.
    pub const DEFAULT: Limits = Limits {
        max_record_bytes: 64 << 20,
        max_collection_len: 16 << 20,
        max_depth: 128,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Largest number of bytes a decoder pre-allocates for a collection on the word of a length
/// prefix alone (serde's cautious size hint uses the same bound); beyond it, collections grow
/// as elements actually arrive.
pub const MAX_PREALLOCATION_BYTES: usize = 1 << 20;

/// The capacity to reserve for `claimed` elements of `T` when `remaining` input bytes are
/// left: no more elements than there are bytes (an element that takes no bytes has nothing
/// to pre-allocate for), and no more than [`MAX_PREALLOCATION_BYTES`].
#[inline]
pub fn cautious_capacity<T>(claimed: usize, remaining: usize) -> usize {
    let size = core::mem::size_of::<T>().max(1);
    claimed.min(remaining).min(MAX_PREALLOCATION_BYTES / size)
}
