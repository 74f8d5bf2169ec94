//! Descriptor and codec of fixed-size arrays `[T; N]`.

use super::{Decode, Decoder, Encode, Encoder, RawLayout};
use crate::error::{DecodeError, EncodeError};
use crate::info::{HasTypeInfo, TypeInfo};
use crate::path::Step;
use core::mem::MaybeUninit;

impl<T: HasTypeInfo, const N: usize> HasTypeInfo for [T; N] {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::Array(N, T::type_info);
}

impl<T: Encode, const N: usize> Encode for [T; N] {
    const RAW: RawLayout = <T as Encode>::RAW.array(N);
    const FIXED_WIDTH: Option<usize> = match T::FIXED_WIDTH {
        Some(width) => width.checked_mul(N),
        None => None,
    };

    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_tuple_start(N)?;
        e.encode_array(self)
    }

    fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
        match path.split_first() {
            None => self.encode(e).map(|()| 1),
            Some((Step::Each, rest)) => self
                .iter()
                .try_fold(0, |n, item| Ok(n + item.encode_path(rest, e)?)),
            Some(_) => Ok(0),
        }
    }
}

impl<T: Decode, const N: usize> Decode for [T; N] {
    const RAW: RawLayout = <T as Decode>::RAW.array(N);

    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        d.decode_tuple_start(N)?;
        d.decode_array()
    }
}

/// Builds an array from `N` fallible calls, dropping what was built if one fails.
#[inline]
pub(crate) fn decode_array<T, const N: usize>(
    mut next: impl FnMut() -> Result<T, DecodeError>,
) -> Result<[T; N], DecodeError> {
    struct Partial<T, const N: usize> {
        items: [MaybeUninit<T>; N],
        filled: usize,
    }
    impl<T, const N: usize> Drop for Partial<T, N> {
        fn drop(&mut self) {
            for item in &mut self.items[..self.filled] {
                // SAFETY: the first `filled` items were written and not moved out.
                unsafe { item.assume_init_drop() };
            }
        }
    }
    let mut partial = Partial::<T, N> {
        items: [const { MaybeUninit::uninit() }; N],
        filled: 0,
    };
    while partial.filled < N {
        let index = partial.filled;
        partial.items[index].write(next().map_err(|e| e.at_index(index))?);
        partial.filled += 1;
    }
    let partial = core::mem::ManuallyDrop::new(partial);
    // SAFETY: all `N` items are initialized, and `partial` will not drop them.
    Ok(unsafe { core::ptr::read(&partial.items).map(|item| item.assume_init()) })
}
