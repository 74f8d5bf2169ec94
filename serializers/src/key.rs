//! Typed key selection by field expression (Flink's `keyBy("user.name")`).
//!
//! The expression is resolved against `T`'s descriptor once, and the key type `K` is checked
//! against what it selects, so a mistyped key fails before the first record. Per record the
//! generated `encode_path` walks straight to the selected value and encodes only it.
//! Equal keys give equal bytes: a key type holding a hash-ordered collection, which two
//! equal values may iterate differently, is refused when the selector is built.

use crate::pojo::Pojo;
use crate::record::RecordCodec;
use core::fmt;
use core::marker::PhantomData;
use typeinfo::info::CollectionKind;
use typeinfo::path::{FieldPath, PathError};
use typeinfo::{Decode, DecodeError, Encode, EncodeError, Limits, TypeInfo};

/// Reads `T`s and yields `K`s, without owning either (so the selector is `Send + Sync`).
type Selects<T, K> = PhantomData<(fn(&T), fn() -> K)>;

/// Selects values of type `K` inside records of type `T`.
#[derive(Debug, Clone)]
pub struct KeySelector<T: ?Sized, K> {
    path: FieldPath,
    _types: Selects<T, K>,
}

/// Why a key could not be extracted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// [`KeySelector::key`] on a record where the path found several values.
    Ambiguous {
        expression: String,
        found: usize,
    },
    Encode(EncodeError),
    Decode(DecodeError),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Ambiguous { expression, found } => {
                write!(
                    f,
                    "`{expression}` found {found} values where one key was expected; use keys()"
                )
            }
            KeyError::Encode(e) => write!(f, "cannot encode key: {e}"),
            KeyError::Decode(e) => write!(f, "cannot decode key: {e}"),
        }
    }
}

impl std::error::Error for KeyError {}

/// The first collection inside `key` whose iteration order equal values need not share:
/// such a key has no canonical bytes. (What a generic field holds is serde's and not seen.)
fn unordered_collection(key: &'static TypeInfo) -> Option<&'static str> {
    let mut found = None;
    key.visit(&mut |ty| {
        if let TypeInfo::Set(kind, _) | TypeInfo::Map(kind, ..) = ty
            && *kind != CollectionKind::BTree
        {
            found.get_or_insert(ty.kind_name());
        }
    });
    found
}

/// Why values of `key` may have no canonical bytes (equal values, unequal bytes), or `None`
/// when every value has them in pojo: a hash-ordered collection iterates equal values in
/// different orders, a float has two zeros and many NaNs, and a generic (serde) part is not
/// seen into. State backends refuse such keys before the first record.
pub fn non_canonical_part(key: &'static TypeInfo) -> Option<String> {
    if let Some(collection) = unordered_collection(key) {
        return Some(format!("{collection} iterates in hash order"));
    }
    let mut found = None;
    key.visit(&mut |ty| match ty {
        TypeInfo::F32 | TypeInfo::F64 => {
            found.get_or_insert_with(|| format!("{} has two zeros and many NaNs", ty.kind_name()));
        }
        TypeInfo::Generic(_) => {
            found.get_or_insert_with(|| {
                format!("{} is generic (serde), not seen into", ty.kind_name())
            });
        }
        _ => {}
    });
    found
}

/// Keys are our own freshly encoded bytes: no limit applies to reading them back.
const TRUSTED: Pojo = Pojo::new(Limits {
    max_record_bytes: usize::MAX,
    max_collection_len: usize::MAX,
    max_depth: 4096,
});

impl<T: Encode + ?Sized, K: Decode> KeySelector<T, K> {
    /// Resolves `expression` against `T` and checks that it selects a `K`.
    pub fn new(expression: &str) -> Result<Self, PathError> {
        let path = T::TYPE_INFO.resolve(expression)?;
        if !path.target().same_type(K::TYPE_INFO) {
            return Err(PathError::TypeMismatch {
                expression: expression.to_owned(),
                expected: K::TYPE_INFO.kind_name().to_owned(),
                found: path.target().kind_name().to_owned(),
            });
        }
        if let Some(collection) = unordered_collection(path.target()) {
            return Err(PathError::UnorderedKey {
                expression: expression.to_owned(),
                collection,
            });
        }
        Ok(KeySelector {
            path,
            _types: PhantomData,
        })
    }

    pub fn path(&self) -> &FieldPath {
        &self.path
    }

    /// Appends the pojo bytes of every selected value to `out` and returns how many there
    /// were. Equal keys give equal bytes, so these serve for hashing and grouping without
    /// decoding.
    pub fn key_bytes(&self, record: &T, out: &mut Vec<u8>) -> Result<usize, EncodeError> {
        let mut encoder = crate::pojo::PojoEncoder::new(out);
        record.encode_path(self.path.steps(), &mut encoder)
    }

    /// The one selected value, `None` if the path passed through a `None`. Allocates a
    /// scratch buffer per call; per-record partitioning should hash [`Self::key_bytes`]
    /// into a reused buffer instead.
    pub fn key(&self, record: &T) -> Result<Option<K>, KeyError> {
        let mut bytes = Vec::new();
        match self
            .key_bytes(record, &mut bytes)
            .map_err(KeyError::Encode)?
        {
            0 => Ok(None),
            1 => TRUSTED.decode(&bytes).map(Some).map_err(KeyError::Decode),
            found => Err(KeyError::Ambiguous {
                expression: self.path.expression().to_owned(),
                found,
            }),
        }
    }

    /// Every selected value, in the record's order.
    pub fn keys(&self, record: &T) -> Result<Vec<K>, KeyError> {
        let mut bytes = Vec::new();
        let found = self
            .key_bytes(record, &mut bytes)
            .map_err(KeyError::Encode)?;
        let mut reader = bytes.as_slice();
        (0..found)
            .map(|_| TRUSTED.decode_from(&mut reader).map_err(KeyError::Decode))
            .collect()
    }
}
