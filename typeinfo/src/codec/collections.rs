//! Descriptors and codecs of `Option`, sequences, sets and maps.

use super::{
    Decode, Decoder, Encode, Encoder, as_bytes_if_u8, decode_map_blocks, decode_seq_blocks,
};
use crate::error::{DecodeError, EncodeError};
use crate::info::{HasTypeInfo, ListKind, TypeInfo};
use crate::limits::cautious_capacity;
use crate::path::Step;
use crate::snapshot::__generated::{Migrate, OptionStep};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hash};

impl<T: HasTypeInfo> HasTypeInfo for Option<T> {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::Option(T::type_info);
}

impl<T: Encode> Encode for Option<T> {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        // An enum with data is a tagged union: formats whose unions cannot nest (Avro) merge
        // the option's tag with the variant's.
        let union = const { T::TYPE_INFO.is_data_enum() };
        match self {
            Some(v) if union => {
                e.encode_option_variant(true)?;
                v.encode(e)
            }
            Some(v) => {
                e.encode_option_tag(true)?;
                v.encode(e)
            }
            None if union => e.encode_option_variant(false),
            None => e.encode_option_tag(false),
        }
    }

    /// Options are transparent inside paths: `None` holds no value.
    fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
        match self {
            _ if path.is_empty() => self.encode(e).map(|()| 1),
            Some(v) => v.encode_path(path, e),
            None => Ok(0),
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        let present = if const { T::TYPE_INFO.is_data_enum() } {
            d.decode_option_variant()?
        } else {
            d.decode_option_tag()?
        };
        if present {
            T::decode(d).map(Some)
        } else {
            Ok(None)
        }
    }

    /// An old tag read as the old option wrote it; an old value that was not optional is
    /// present.
    fn decode_migrating<D: Decoder>(d: &mut D, m: Migrate<'_>) -> Result<Self, DecodeError> {
        match m.option() {
            OptionStep::Tagged { variant, inner } => {
                let present = if variant {
                    d.decode_option_variant()?
                } else {
                    d.decode_option_tag()?
                };
                if present {
                    T::decode_migrating(d, inner).map(Some)
                } else {
                    Ok(None)
                }
            }
            OptionStep::Some(inner) => T::decode_migrating(d, inner).map(Some),
            OptionStep::Other => m.read(d),
        }
    }
}

/// The descriptor of a list of `T`, with lists of `u8` described as bytes (every list
/// encodes them as one byte string).
const fn list_info<T: HasTypeInfo>(kind: ListKind) -> TypeInfo {
    match T::TYPE_INFO {
        TypeInfo::U8 => TypeInfo::Bytes,
        _ => TypeInfo::List(kind, T::type_info),
    }
}

/// Encodes each element at the rest of a path that went through `[*]`.
pub(crate) fn encode_each_path<'a, T: Encode + 'a, E: Encoder>(
    items: impl IntoIterator<Item = &'a T>,
    path: &[Step],
    e: &mut E,
) -> Result<usize, EncodeError> {
    match path.split_first() {
        None => Ok(0),
        Some((Step::Each, rest)) => items
            .into_iter()
            .try_fold(0, |n, item| Ok(n + item.encode_path(rest, e)?)),
        Some(_) => Ok(0),
    }
}

impl<T: HasTypeInfo> HasTypeInfo for Vec<T> {
    const TYPE_INFO: &'static TypeInfo = &list_info::<T>(ListKind::Vec);
}

impl<T: Encode> Encode for Vec<T> {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_slice(self)
    }

    fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
        if path.is_empty() {
            return self.encode(e).map(|()| 1);
        }
        encode_each_path(self, path, e)
    }
}

impl<T: Decode> Decode for Vec<T> {
    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        d.decode_vec()
    }

    /// Elements whose layout changed each read by their own migrating code.
    fn decode_migrating<D: Decoder>(d: &mut D, m: Migrate<'_>) -> Result<Self, DecodeError> {
        let Some(elements) = m.elements() else {
            return m.read(d);
        };
        let mut out = Vec::new();
        decode_seq_blocks(d, |d, len| {
            out.reserve(cautious_capacity::<T>(len, d.remaining()));
            for _ in 0..len {
                let index = out.len();
                out.push(T::decode_migrating(d, elements).map_err(|e| e.at_index(index))?);
            }
            Ok(())
        })?;
        Ok(out)
    }
}

impl<T: HasTypeInfo> HasTypeInfo for [T] {
    const TYPE_INFO: &'static TypeInfo = &list_info::<T>(ListKind::BoxedSlice);
}

impl<T: Encode> Encode for [T] {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_slice(self)
    }

    fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
        if path.is_empty() {
            return self.encode(e).map(|()| 1);
        }
        encode_each_path(self, path, e)
    }
}

impl<T: HasTypeInfo> HasTypeInfo for VecDeque<T> {
    const TYPE_INFO: &'static TypeInfo = &list_info::<T>(ListKind::VecDeque);
}

impl<T: Encode> Encode for VecDeque<T> {
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        let (front, back) = self.as_slices();
        if back.is_empty() {
            return e.encode_slice(front);
        }
        if let (Some(front), Some(back)) = (as_bytes_if_u8(front), as_bytes_if_u8(back)) {
            // A wrapped byte deque is still one byte string.
            return e.encode_bytes(&[front, back].concat());
        }
        e.encode_seq_len(self.len())?;
        self.iter().try_for_each(|item| item.encode(e))?;
        e.encode_seq_end()
    }

    fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
        if path.is_empty() {
            return self.encode(e).map(|()| 1);
        }
        encode_each_path(self, path, e)
    }
}

impl<T: Decode> Decode for VecDeque<T> {
    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        d.decode_vec().map(VecDeque::from)
    }

    fn decode_migrating<D: Decoder>(d: &mut D, m: Migrate<'_>) -> Result<Self, DecodeError> {
        Vec::decode_migrating(d, m).map(VecDeque::from)
    }
}

/// How a set or map keeps the one order its canonical bytes have, where the format promises
/// equal values equal bytes ([`Encoder::canonical_order`]): `hashed` ones are written in
/// the order of their keys' order keys and read back checked against it (`canonical`),
/// `sorted` ones (BTree) are in their keys' `Ord` order and read back checked against the
/// last key so far, `kept` ones (IndexMap, IndexSet) are in the order they hold, which is
/// part of their value.
macro_rules! order_mode {
    (sorts_on_write, hashed) => {
        true
    };
    (sorts_on_write, $other:ident) => {
        false
    };
    (new_check, hashed, $d:ident) => {
        $crate::codec::canonical::CanonicalOrderCheck::new($d.canonical_order())
    };
    (new_check, $other:ident, $d:ident) => {
        $d.canonical_order()
    };
    (check, hashed, $order:ident, $out:ident, $key:expr, $name:literal) => {
        $order.check($key, $name)
    };
    (check, sorted, $order:ident, $out:ident, $key:expr, $name:literal) => {
        $crate::codec::collections::check_sorted($order, $out.last_key(), $key, $name)
    };
    (check, kept, $order:ident, $out:ident, $key:expr, $name:literal) => {{
        let _ = ($order, $key);
        Ok::<(), DecodeError>(())
    }};
}

/// Refuses, when `on`, a key that does not come after `last` in its `Ord` order: equal is a
/// repeated key, before is out of order.
#[inline]
pub(crate) fn check_sorted<K: Ord>(
    on: bool,
    last: Option<&K>,
    key: &K,
    type_name: &'static str,
) -> Result<(), DecodeError> {
    match last {
        Some(last) if on => match key.cmp(last) {
            core::cmp::Ordering::Greater => Ok(()),
            core::cmp::Ordering::Equal => Err(DecodeError::DuplicateKey { type_name }),
            core::cmp::Ordering::Less => Err(DecodeError::OutOfOrder { type_name }),
        },
        _ => Ok(()),
    }
}

/// The greatest key of a BTree collection, which a canonical reader compares the next with.
pub(crate) trait LastKey {
    type Key;
    fn last_key(&self) -> Option<&Self::Key>;
}

impl<T: Ord> LastKey for BTreeSet<T> {
    type Key = T;
    fn last_key(&self) -> Option<&T> {
        self.last()
    }
}

impl<K: Ord, V> LastKey for BTreeMap<K, V> {
    type Key = K;
    fn last_key(&self) -> Option<&K> {
        self.last_key_value().map(|(k, _)| k)
    }
}

/// Sets encode as sequences; decoding refuses a repeated element; `$order` is an
/// [`order_mode!`].
macro_rules! set {
    ($set:ident, $kind:ident, $name:literal, $order:ident, [$($bound:tt)*], $($hasher:ident)?) => {
        impl<T: HasTypeInfo $(, $hasher)?> HasTypeInfo for $set<T $(, $hasher)?> {
            const TYPE_INFO: &'static TypeInfo = &TypeInfo::Set($crate::info::CollectionKind::$kind, T::type_info);
        }

        impl<T: Encode $(, $hasher)?> Encode for $set<T $(, $hasher)?> {
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                e.encode_seq_len(self.len())?;
                if order_mode!(sorts_on_write, $order) && e.canonical_order() {
                    $crate::codec::canonical::in_canonical_order(self.iter().map(|item| (item, item)), $name)?
                        .into_iter()
                        .try_for_each(|item| item.encode(e))?;
                } else {
                    self.iter().try_for_each(|item| item.encode(e))?;
                }
                e.encode_seq_end()
            }

            fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
                if path.is_empty() {
                    return self.encode(e).map(|()| 1);
                }
                encode_each_path(self, path, e)
            }
        }

        impl<T: Decode + Encode + $($bound)* $(, $hasher: BuildHasher + Default)?> Decode for $set<T $(, $hasher)?> {
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                let mut out = $set::default();
                #[allow(unused_mut)] // only the hashed check keeps state
                let mut order = order_mode!(new_check, $order, d);
                decode_seq_blocks(d, |d, len| {
                    out.reserve_for(cautious_capacity::<T>(len, d.remaining()));
                    for _ in 0..len {
                        let index = out.len();
                        let item = T::decode(d).map_err(|e| e.at_index(index))?;
                        order_mode!(check, $order, order, out, &item, $name).map_err(|e| e.at_index(index))?;
                        if !out.insert(item) {
                            return Err(DecodeError::DuplicateKey { type_name: $name }.at_index(index));
                        }
                    }
                    Ok(())
                })?;
                Ok(out)
            }
        }
    };
}

set!(HashSet, Hash, "HashSet", hashed, [Eq + Hash], S);
set!(BTreeSet, BTree, "BTreeSet", sorted, [Ord],);

/// Maps encode as a count and key-value pairs; decoding refuses a repeated key; `$order` is
/// an [`order_mode!`].
macro_rules! map {
    ($map:ident, $kind:ident, $name:literal, $order:ident, [$($bound:tt)*], $($hasher:ident)?) => {
        impl<K: HasTypeInfo, V: HasTypeInfo $(, $hasher)?> HasTypeInfo for $map<K, V $(, $hasher)?> {
            const TYPE_INFO: &'static TypeInfo =
                &TypeInfo::Map($crate::info::CollectionKind::$kind, K::type_info, V::type_info);
        }

        impl<K: Encode, V: Encode $(, $hasher)?> Encode for $map<K, V $(, $hasher)?> {
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                e.encode_map_len(self.len())?;
                if order_mode!(sorts_on_write, $order) && e.canonical_order() {
                    for (k, v) in $crate::codec::canonical::in_canonical_order(self.iter().map(|(k, v)| (k, (k, v))), $name)? {
                        k.encode(e)?;
                        v.encode(e)?;
                    }
                } else {
                    for (k, v) in self {
                        k.encode(e)?;
                        v.encode(e)?;
                    }
                }
                e.encode_map_end()
            }

            /// `[*]` selects the values.
            fn encode_path<E: Encoder>(&self, path: &[Step], e: &mut E) -> Result<usize, EncodeError> {
                if path.is_empty() {
                    return self.encode(e).map(|()| 1);
                }
                encode_each_path(self.values(), path, e)
            }
        }

        impl<K: Decode + Encode + $($bound)*, V: Decode $(, $hasher: BuildHasher + Default)?> Decode for $map<K, V $(, $hasher)?> {
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                let mut out = $map::default();
                #[allow(unused_mut)] // only the hashed check keeps state
                let mut order = order_mode!(new_check, $order, d);
                decode_map_blocks(d, |d, len| {
                    out.reserve_for(cautious_capacity::<(K, V)>(len, d.remaining()));
                    for _ in 0..len {
                        let entry = out.len();
                        let k = K::decode(d).map_err(|e| e.within($crate::error::PlaceStep::MapKey(entry)))?;
                        order_mode!(check, $order, order, out, &k, $name).map_err(|e| e.within($crate::error::PlaceStep::MapKey(entry)))?;
                        let v = V::decode(d).map_err(|e| e.within($crate::error::PlaceStep::MapValue(entry)))?;
                        if out.insert(k, v).is_some() {
                            return Err(DecodeError::DuplicateKey { type_name: $name }
                                .within($crate::error::PlaceStep::MapKey(entry)));
                        }
                    }
                    Ok(())
                })?;
                Ok(out)
            }
        }
    };
}

map!(HashMap, Hash, "HashMap", hashed, [Eq + Hash], S);
map!(BTreeMap, BTree, "BTreeMap", sorted, [Ord],);

// `indexmap` reuses them.
#[cfg_attr(not(feature = "indexmap"), allow(unused_imports))]
pub(crate) use {map, order_mode, set};

/// Pre-sizing for the hash-based collections; ordered ones have nothing to reserve.
pub(crate) trait Reserve {
    fn reserve_for(&mut self, additional: usize);
}

impl<T: Eq + Hash, S: BuildHasher> Reserve for HashSet<T, S> {
    fn reserve_for(&mut self, additional: usize) {
        self.reserve(additional);
    }
}

impl<K: Eq + Hash, V, S: BuildHasher> Reserve for HashMap<K, V, S> {
    fn reserve_for(&mut self, additional: usize) {
        self.reserve(additional);
    }
}

impl<T> Reserve for BTreeSet<T> {
    fn reserve_for(&mut self, _: usize) {}
}

impl<K, V> Reserve for BTreeMap<K, V> {
    fn reserve_for(&mut self, _: usize) {}
}
