//! Which factories are in force: a set is installed for the duration of a call, on the
//! calling thread, so that the generated code (generic over the format, with no room for a
//! registry in every encoder) finds them at its generic fields.

use super::Factory;
use crate::codec::{Decoder, Encoder};
use crate::error::{DecodeError, EncodeError};
use core::any::TypeId;
use core::cell::Cell;
use std::sync::Arc;

/// A set of factories, at most one per type. Cloning is cheap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Factories {
    by_type: Arc<[Factory]>,
}

thread_local! {
    /// The set [`Factories::scope`] installed on this thread, or null.
    static ACTIVE: Cell<*const [Factory]> = const { Cell::new(&[] as *const [Factory]) };
}

impl Factories {
    /// The set of `factories`; a later one for the same type replaces an earlier one.
    pub fn new(factories: impl IntoIterator<Item = Factory>) -> Self {
        let mut by_type: Vec<Factory> = Vec::new();
        for factory in factories {
            by_type.retain(|f| f.type_id() != factory.type_id());
            by_type.push(factory);
        }
        Factories {
            by_type: by_type.into(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_type.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Factory> {
        self.by_type.iter()
    }

    /// Runs `f` with these factories in force on this thread: generic fields of their types
    /// are written and read by them. Scopes nest; the outer set is back when `f` returns or
    /// unwinds.
    pub fn scope<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Restore(*const [Factory]);
        impl Drop for Restore {
            fn drop(&mut self) {
                ACTIVE.with(|active| active.set(self.0));
            }
        }
        let _restore = Restore(ACTIVE.with(|active| active.replace(&*self.by_type)));
        f()
    }
}

/// The factory for `T` in force on this thread, if any, handed to `f`.
fn with_active<T: 'static, R>(f: impl FnOnce(&Factory) -> R) -> Option<R> {
    let active = ACTIVE.with(Cell::get);
    // SAFETY: the pointer is either the empty static slice or a set installed by
    // `Factories::scope`, which borrows the set for longer than the pointer is installed.
    let factories = unsafe { &*active };
    let id = TypeId::of::<T>();
    factories.iter().find(|f| f.type_id() == id).map(f)
}

/// Encodes `value` with its type's factory, or `None` when no factory is in force for it.
#[inline]
pub fn encode_in_scope<E: Encoder, T: 'static>(
    encoder: &mut E,
    value: &T,
) -> Option<Result<(), EncodeError>> {
    with_active::<T, _>(|factory| factory.encode(value, encoder))
}

/// Decodes a `T` with its type's factory, or `None` when no factory is in force for it.
#[inline]
pub fn decode_in_scope<D: Decoder, T: 'static>(decoder: &mut D) -> Option<Result<T, DecodeError>> {
    with_active::<T, _>(|factory| factory.decode::<T, D>(decoder))
}
