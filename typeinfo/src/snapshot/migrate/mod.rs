//! The migrating reader: bytes written under an old snapshot, read as today's type.
//!
//! [`Migration::new`] compares the snapshots. Compatible as is, it reads as the type
//! decodes (nothing per record but one branch). Compatible after migration, it compiles a
//! plan once from the two shapes, and each record is read with the format's own decoder (its
//! limits and checks) by the code the derive generates (`Decode::decode_migrating`): the old
//! fields in their order, each straight into today's field, so a subtree that did not change
//! reads at full speed. What changed goes through the plan: fields renamed by alias,
//! reordered, removed (read and dropped) or added (their declared default); integers and
//! floats widened; `T` read as `Some(T)`; lists, sets and maps rebuilt in another kind;
//! variants renumbered, or removed into the default variant; all of it inside nested types,
//! options, collections, maps and tuples. A changed value inside a container without
//! migrating code of its own (a map, a tuple, an array) is read as a tape of values that
//! today's type then decodes.
//!
//! Limits: a generic (serde) field reads only where its type did not change and it is not
//! inside such a taped value; a field with its own codec (`with`) likewise. Kryo reads a
//! renamed type's old class name, so its registrations must be the old ones (the snapshot's
//! settings say which; they are the serializer's to apply).
//!
//! Pass it to a record codec's `decode_by`:
//!
//! ```text
//! let migration = Migration::<Order>::new(&old_snapshot, &pojo.snapshot::<Order>())?;
//! let order: Order = pojo.decode_by(&old_bytes, &migration)?;
//! ```

#[doc(hidden)]
pub mod generated;
mod plan;
mod reader;
mod run;
mod widen;

use super::compat::FIELD_ORDER;
use super::{Compatibility, Outcome, SORTED, Shape, Snapshot};
use crate::codec::{Decode, Decoder, ReadValue};
use crate::error::DecodeError;
use core::fmt;
use core::marker::PhantomData;
use plan::Plan;

/// Reads records written under an old snapshot as today's `T`.
pub struct Migration<T> {
    compatibility: Compatibility,
    /// `None` when the old bytes read as they are.
    plan: Option<Plan>,
    _type: PhantomData<fn() -> T>,
}

impl<T: Decode> Migration<T> {
    /// The reader of bytes written under `old`, for today's snapshot `today` of `T` in the
    /// same format. Refused when `today` is not `T`'s, when the check answers incompatible
    /// (with every reason), or when a migration would have to see into a generic field.
    pub fn new(old: &Snapshot, today: &Snapshot) -> Result<Self, MigrationError> {
        let (shape, infos) = Shape::with_infos(T::TYPE_INFO);
        if shape != today.shape {
            return Err(MigrationError::NotThisType {
                type_name: core::any::type_name::<T>(),
            });
        }
        let compatibility = Compatibility::check(old, today);
        let plan = match compatibility.outcome {
            Outcome::Incompatible => return Err(MigrationError::Incompatible(compatibility)),
            Outcome::CompatibleAfterMigration => Some(Plan::build(
                &old.shape,
                &today.shape,
                &infos,
                old.setting(FIELD_ORDER) == Some(SORTED),
                today.setting(FIELD_ORDER) == Some(SORTED),
            )?),
            Outcome::CompatibleAsIs | Outcome::CompatibleWithReconfiguredSerializer => None,
        };
        Ok(Migration {
            compatibility,
            plan,
            _type: PhantomData,
        })
    }

    /// What the check found.
    pub fn compatibility(&self) -> &Compatibility {
        &self.compatibility
    }

    /// Whether records are converted (otherwise they read as they are).
    pub fn converts(&self) -> bool {
        self.plan.is_some()
    }
}

impl<T> fmt::Debug for Migration<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Migration")
            .field("type", &core::any::type_name::<T>())
            .field("outcome", &self.compatibility.outcome)
            .field("converts", &self.plan.is_some())
            .finish()
    }
}

impl<T: Decode> ReadValue<T> for Migration<T> {
    #[inline]
    fn read<D: Decoder>(&self, decoder: &mut D) -> Result<T, DecodeError> {
        let Some(plan) = &self.plan else {
            return T::decode(decoder);
        };
        if D::SORTED_FIELDS != plan.old_sorted {
            return Err(DecodeError::Custom(
                "migration: the old snapshot's field order is not this format's".into(),
            ));
        }
        T::decode_migrating(decoder, generated::Migrate::root(plan))
    }
}

/// The events of one record and the room to reorder them, kept per thread so a record
/// allocates nothing once the buffers have grown.
#[derive(Default)]
pub(super) struct Buffers {
    pub(super) events: Vec<run::Event>,
    pub(super) moved: Vec<run::Event>,
}

fn with_buffers<R>(read: impl FnOnce(&mut Buffers) -> R) -> R {
    std::thread_local! {
        static BUFFERS: core::cell::RefCell<Buffers> = core::cell::RefCell::default();
    }
    BUFFERS.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffers) => {
            buffers.events.clear();
            buffers.moved.clear();
            read(&mut buffers)
        }
        // A migration inside a migration (a factory's codec reading with one): its own.
        Err(_) => read(&mut Buffers::default()),
    })
}

/// Why a migration cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationError {
    /// Today's snapshot describes another type than the one asked for.
    NotThisType { type_name: &'static str },
    /// The old bytes do not read as today's type; the reasons say why.
    Incompatible(Compatibility),
    /// A change the check accepts that this reader does not convert.
    Unsupported { path: String, what: String },
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MigrationError::NotThisType { type_name } => write!(
                f,
                "today's snapshot is not of `{type_name}`: take it from the serializer of that type"
            ),
            MigrationError::Incompatible(compatibility) => {
                write!(f, "old bytes cannot be read: {compatibility}")
            }
            MigrationError::Unsupported { path, what } => {
                write!(f, "{path}: cannot migrate: {what}")
            }
        }
    }
}

impl std::error::Error for MigrationError {}
