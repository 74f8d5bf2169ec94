//! Raw layouts: when a value's memory is exactly its fixed-width little-endian encoding.
//!
//! On little-endian targets an `f32`, a `[u16; 4]` or a struct of such fields with no padding
//! is already in that encoding, so a slice of them can be written or read with one copy. The
//! derive proves this for a struct at compile time with `offset_of!`: every field raw, laid
//! out in declaration order, with no gap. Where Rust reorders fields or pads them, the proof
//! fails and the struct simply encodes field by field.

use super::{Decode, Encode};
use crate::error::DecodeError;
use crate::info::{HasTypeInfo, TypeInfo};
use crate::io::Reader;
use core::mem::{MaybeUninit, size_of};

/// `Some(size)` when a type's memory equals its fixed-width little-endian encoding.
///
/// A layout also says whether it holds values that some formats write at variable width
/// (integers wider than a byte as varints, `bool` as a flag bit, `char` as a varint). One
/// that holds only floats and single bytes is [uniform](RawLayout::uniform_size): every
/// format that writes floats fixed-width and little-endian writes it as its memory.
///
/// Only `unsafe` code can create a non-empty layout, because formats copy memory on its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawLayout {
    size: Option<usize>,
    varying: bool,
}

impl RawLayout {
    /// Not raw: encode and decode value by value.
    pub const NONE: RawLayout = RawLayout {
        size: None,
        varying: true,
    };

    /// The raw layout of a primitive of `size` bytes, on little-endian targets only.
    ///
    /// # Safety
    /// For [`Encode::RAW`]: every value of the type is `size` initialized bytes equal to its
    /// fixed-width little-endian encoding. For [`Decode::RAW`]: in addition, every pattern of
    /// `size` bytes is a valid value.
    pub const unsafe fn little_endian(size: usize) -> RawLayout {
        RawLayout {
            size: if cfg!(target_endian = "little") {
                Some(size)
            } else {
                None
            },
            varying: false,
        }
    }

    /// The same layout, marked as one that some formats write at variable width (an
    /// integer wider than a byte, a `bool`, a `char`).
    pub const fn varying(self) -> RawLayout {
        RawLayout {
            varying: true,
            ..self
        }
    }

    /// The size in bytes, if raw.
    pub const fn size(self) -> Option<usize> {
        self.size
    }

    /// The size in bytes, if raw and made of floats and single bytes only: then formats
    /// with variable-width integers (`compact`) write it as its memory too.
    pub const fn uniform_size(self) -> Option<usize> {
        if self.varying { None } else { self.size }
    }

    /// The layout of `[T; n]` given the layout of `T` (arrays have no padding between
    /// elements).
    pub const fn array(self, n: usize) -> RawLayout {
        match self.size {
            Some(size) => RawLayout {
                size: size.checked_mul(n),
                varying: self.varying,
            },
            None => RawLayout::NONE,
        }
    }

    /// The layout of a struct (or tuple) of `size_of_self` bytes whose serialized fields, in
    /// declaration order, sit at the given offsets with the given layouts. Raw only if the
    /// fields follow each other with no gap and fill the whole struct; uniform only if every
    /// field is.
    ///
    /// # Safety
    /// `fields` lists every field of the type, in the order its encoding writes them, each
    /// with its true offset (from `offset_of!`) and its type's layout.
    pub const unsafe fn record(size_of_self: usize, fields: &[(usize, RawLayout)]) -> RawLayout {
        let mut end = 0;
        let mut varying = false;
        let mut i = 0;
        while i < fields.len() {
            let (offset, layout) = fields[i];
            match layout.size {
                Some(size) if offset == end => end += size,
                _ => return RawLayout::NONE,
            }
            varying |= layout.varying;
            i += 1;
        }
        if end == size_of_self {
            RawLayout {
                size: Some(end),
                varying,
            }
        } else {
            RawLayout::NONE
        }
    }
}

/// Whether `T` is `u8` in all but name: a one-byte raw value described as `u8`.
#[inline]
pub const fn is_u8<T: Decode>() -> bool {
    matches!(T::TYPE_INFO, TypeInfo::U8)
        && matches!(T::RAW.size, Some(1))
        && size_of::<T>() == 1
        && core::mem::align_of::<T>() == 1
}

/// Views `items` as bytes when `T` is `u8` in all but name: a one-byte raw value described
/// as `u8`. Every format writes those as plain bytes.
#[inline]
pub fn as_bytes_if_u8<T: Encode>(items: &[T]) -> Option<&[u8]> {
    let byte_like = matches!(<T as HasTypeInfo>::TYPE_INFO, TypeInfo::U8)
        && matches!(<T as Encode>::RAW.size, Some(1))
        && size_of::<T>() == 1;
    // SAFETY: `T` is one byte whose memory is its encoding (the `RAW` promise), so each
    // element is one initialized byte.
    byte_like
        .then(|| unsafe { core::slice::from_raw_parts(items.as_ptr().cast::<u8>(), items.len()) })
}

/// Turns a byte vector into a vector of a `T` that [`is_u8`].
#[inline]
pub(crate) fn cast_u8_vec<T: Decode>(bytes: Vec<u8>) -> Vec<T> {
    assert!(
        is_u8::<T>(),
        "cast_u8_vec called for a type that is not u8-like"
    );
    let mut bytes = core::mem::ManuallyDrop::new(bytes);
    // SAFETY: `T` has the size and alignment of `u8` and accepts every byte (`Decode::RAW`),
    // so the allocation and its contents are valid for `Vec<T>` as they were for `Vec<u8>`.
    unsafe {
        Vec::from_raw_parts(
            bytes.as_mut_ptr().cast::<T>(),
            bytes.len(),
            bytes.capacity(),
        )
    }
}

/// The bytes of a slice of raw values, if `T` is raw.
#[inline]
pub fn raw_bytes<T: Encode>(items: &[T]) -> Option<&[u8]> {
    memory_of(items, T::RAW.size)
}

/// The bytes of a slice of raw values made of floats and single bytes only (see
/// [`RawLayout::uniform_size`]): what formats with variable-width integers copy whole.
#[inline]
pub fn uniform_bytes<T: Encode>(items: &[T]) -> Option<&[u8]> {
    memory_of(items, T::RAW.uniform_size())
}

#[inline]
fn memory_of<T: Encode>(items: &[T], raw_size: Option<usize>) -> Option<&[u8]> {
    let size = raw_size?;
    debug_assert_eq!(size, size_of::<T>());
    // SAFETY: `T::RAW` promises each value is `size_of::<T>()` initialized bytes (no padding).
    Some(unsafe {
        core::slice::from_raw_parts(items.as_ptr().cast::<u8>(), core::mem::size_of_val(items))
    })
}

/// Reads `len` raw values of `T` straight into a new vector. The caller has checked `len`
/// against the limits; the byte count is checked against what the reader holds before
/// anything is allocated.
///
/// # Safety
/// `T::RAW` (of [`Decode`]) must be raw (`Some`).
#[inline]
pub unsafe fn read_raw_vec<T: Decode, R: Reader>(
    reader: &mut R,
    len: usize,
) -> Result<Vec<T>, DecodeError> {
    debug_assert_eq!(<T as Decode>::RAW.size, Some(size_of::<T>()));
    let available = reader.remaining();
    let bytes = len
        .checked_mul(size_of::<T>())
        .filter(|&bytes| bytes <= available)
        .ok_or(DecodeError::UnexpectedEnd {
            needed: len.saturating_mul(size_of::<T>()),
            available,
        })?;
    let mut out = Vec::<T>::with_capacity(len);
    let spare = &mut out.spare_capacity_mut()[..len];
    // SAFETY: the spare capacity holds `len` uninitialized values, `bytes` bytes in all.
    let spare_bytes = unsafe {
        core::slice::from_raw_parts_mut(spare.as_mut_ptr().cast::<MaybeUninit<u8>>(), bytes)
    };
    reader.read_uninit(spare_bytes)?;
    // SAFETY: all `len` values were written, and the caller promised that `T` is raw, so
    // any bytes form a valid `T`.
    unsafe { out.set_len(len) };
    Ok(out)
}

/// Reads an array of raw values in one copy.
///
/// # Safety
/// `T::RAW` (of [`Decode`]) must be raw (`Some`).
#[inline]
pub unsafe fn read_raw_array<T: Decode, const N: usize, R: Reader>(
    reader: &mut R,
) -> Result<[T; N], DecodeError> {
    debug_assert_eq!(<T as Decode>::RAW.size, Some(size_of::<T>()));
    let mut out = MaybeUninit::<[T; N]>::uninit();
    // SAFETY: the array is `size_of::<[T; N]>()` bytes of uninitialized memory.
    let bytes = unsafe {
        core::slice::from_raw_parts_mut(
            out.as_mut_ptr().cast::<MaybeUninit<u8>>(),
            size_of::<[T; N]>(),
        )
    };
    reader.read_uninit(bytes)?;
    // SAFETY: every byte was written, and the caller promised that any bytes form valid `T`s.
    Ok(unsafe { out.assume_init() })
}
