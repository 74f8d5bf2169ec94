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

/// Bytes a decoder may pre-allocate for a collection on the word of a length prefix even
/// when the input is small (serde's cautious size hint uses the same bound).
pub const MAX_PREALLOCATION_BYTES: usize = 1 << 20;

/// Beyond [`MAX_PREALLOCATION_BYTES`], pre-allocation may reach this multiple of the input
/// that remains: a decoded value takes a few times its encoded size anyway (a `String` is 24
/// bytes of header for as little as 4 bytes of input), so this is what decoding the input for
/// real could allocate, and it lets honest collections be sized exactly, without the
/// reallocations that would otherwise fault in and copy fresh memory on every large record.
pub const PREALLOCATION_INPUT_FACTOR: usize = 4;

/// The capacity to reserve for `claimed` elements of `T` when `remaining` input bytes are
/// left: no more elements than there are bytes (an element that takes no bytes has nothing
/// to pre-allocate for), and no more bytes than the larger of
/// [`MAX_PREALLOCATION_BYTES`] and [`PREALLOCATION_INPUT_FACTOR`] × `remaining`.
#[inline]
pub fn cautious_capacity<T>(claimed: usize, remaining: usize) -> usize {
    let size = core::mem::size_of::<T>().max(1);
    let budget = MAX_PREALLOCATION_BYTES.max(remaining.saturating_mul(PREALLOCATION_INPUT_FACTOR));
    claimed.min(remaining).min(budget / size)
}
