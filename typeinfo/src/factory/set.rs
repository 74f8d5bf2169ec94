//! Which factories are in force: a set travels with the encoder or decoder of a call (the
//! serializer built from a config hands its set to each encoder it makes), so the generated
//! code, generic over the format, finds them at its generic fields through
//! [`Encoder::factories`] and [`Decoder::factories`].

use super::Factory;
use crate::codec::{Decoder, Encoder};
use crate::error::{DecodeError, EncodeError};
use core::any::TypeId;
use std::sync::Arc;

/// A set of factories, at most one per type. Cloning is cheap; the empty set allocates
/// nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Factories {
    by_type: Option<Arc<[Factory]>>,
}

/// The empty set, for encoders and decoders built without factories.
static NONE: Factories = Factories::empty();

impl Factories {
    /// The set of `factories`; a later one for the same type replaces an earlier one.
    pub fn new(factories: impl IntoIterator<Item = Factory>) -> Self {
        let mut by_type: Vec<Factory> = Vec::new();
        for factory in factories {
            by_type.retain(|f| f.type_id() != factory.type_id());
            by_type.push(factory);
        }
        Factories {
            by_type: (!by_type.is_empty()).then(|| by_type.into()),
        }
    }

    /// The empty set.
    pub const fn empty() -> Self {
        Factories { by_type: None }
    }

    /// The empty set, borrowed for as long as anyone needs it.
    pub fn none() -> &'static Factories {
        &NONE
    }

    pub fn is_empty(&self) -> bool {
        self.by_type.is_none()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Factory> {
        self.by_type.iter().flat_map(|all| all.iter())
    }

    /// The factory for `T`, if the set has one.
    #[inline]
    pub fn get<T: 'static>(&self) -> Option<&Factory> {
        let all = self.by_type.as_deref()?;
        let id = TypeId::of::<T>();
        all.iter().find(|f| f.type_id() == id)
    }

    /// Encodes `value` with its type's factory in this set, or `None` when it has none.
    #[inline]
    pub fn encode<E: Encoder, T: 'static>(
        &self,
        value: &T,
        encoder: &mut E,
    ) -> Option<Result<(), EncodeError>> {
        let factory = self.get::<T>()?;
        Some(factory.encode(value, encoder, self))
    }

    /// Decodes a `T` with its type's factory in this set, or `None` when it has none.
    #[inline]
    pub fn decode<D: Decoder, T: 'static>(
        &self,
        decoder: &mut D,
    ) -> Option<Result<T, DecodeError>> {
        let factory = self.get::<T>()?;
        Some(factory.decode::<T, D>(decoder, self))
    }
}
