//! Class registrations: which types write a small id instead of their name.

use foldhash::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use typeinfo::HasTypeInfo;
use typeinfo::info::TypeInfo;

/// Kryo's default registrations, ids 0 to 8; user ids start at 9.
pub const DEFAULT_REGISTRATIONS: [&str; 9] = [
    "int", "String", "float", "boolean", "byte", "char", "short", "long", "double",
];

/// The first id a user type may take.
pub const FIRST_USER_ID: u32 = 9;
const _: () = assert!(FIRST_USER_ID as usize == DEFAULT_REGISTRATIONS.len());

/// The largest id: Kryo writes `id + 2` as an int varint.
pub const MAX_ID: u32 = i32::MAX as u32 - 2;

/// Class names (as serde names the type: `LogRecord`, or a `rename`) and their ids.
///
/// A registered class is written as the varint `id + 2`; an unregistered one as `1`, a
/// per-record name id, and its name the first time. With `registration_required`, an
/// unregistered class is an error on both sides, as in Kryo.
#[derive(Debug, Clone)]
pub struct Registry {
    by_name: HashMap<Box<str>, u32>,
    by_id: HashMap<u32, Box<str>>,
    registration_required: bool,
    /// Unique to this content: what the writer and reader remember about classes is
    /// keyed by it (an address could be reused by a later registry).
    generation: u64,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            by_name: HashMap::default(),
            by_id: HashMap::default(),
            registration_required: false,
            generation: next_generation(),
        }
    }
}

impl PartialEq for Registry {
    fn eq(&self, other: &Self) -> bool {
        self.by_name == other.by_name && self.registration_required == other.registration_required
    }
}

impl Eq for Registry {}

fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Why a registration is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    /// The id is one of Kryo's defaults or beyond what Kryo can write.
    ReservedId { name: String, id: u32 },
    /// Two names for one id.
    DuplicateId {
        id: u32,
        first: String,
        second: String,
    },
    /// Two ids for one name.
    DuplicateName {
        name: String,
        first: u32,
        second: u32,
    },
    /// A type whose descriptor has no class name (a primitive, a collection, a tuple).
    NotAClass { type_name: &'static str },
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::ReservedId { name, id } => write!(
                f,
                "kryo: cannot register `{name}` as id {id}: ids 0 to {} are Kryo's defaults ({}); allowed: {FIRST_USER_ID} to {MAX_ID}",
                FIRST_USER_ID - 1,
                DEFAULT_REGISTRATIONS.join(", ")
            ),
            RegistryError::DuplicateId { id, first, second } => write!(
                f,
                "kryo: id {id} is registered twice, for `{first}` and `{second}`"
            ),
            RegistryError::DuplicateName {
                name,
                first,
                second,
            } => write!(
                f,
                "kryo: `{name}` is registered twice, as {first} and {second}"
            ),
            RegistryError::NotAClass { type_name } => write!(
                f,
                "kryo: `{type_name}` is not a struct or enum, so it has no class to register"
            ),
        }
    }
}

impl RegistryError {
    /// What would have been accepted, for a config error that names its own key.
    pub fn allowed(&self) -> String {
        match self {
            RegistryError::ReservedId { .. } => format!(
                "an id from {FIRST_USER_ID} to {MAX_ID} (0 to {} are Kryo's default registrations)",
                FIRST_USER_ID - 1
            ),
            RegistryError::DuplicateId { id, first, .. } => {
                format!("an id not already registered (`{first}` has {id})")
            }
            RegistryError::DuplicateName { name, first, .. } => {
                format!("one id per class (`{name}` already has {first})")
            }
            RegistryError::NotAClass { .. } => "a struct or enum".into(),
        }
    }
}

impl std::error::Error for RegistryError {}

impl Registry {
    /// An empty registry: every class is written by name.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Registers the class named `name` (as serde names it) with `id`.
    pub fn register_name(&mut self, name: &str, id: u32) -> Result<&mut Self, RegistryError> {
        if !(FIRST_USER_ID..=MAX_ID).contains(&id) {
            return Err(RegistryError::ReservedId {
                name: name.into(),
                id,
            });
        }
        if let Some(&first) = self.by_name.get(name)
            && first != id
        {
            return Err(RegistryError::DuplicateName {
                name: name.into(),
                first,
                second: id,
            });
        }
        if let Some(first) = self.by_id.get(&id)
            && &**first != name
        {
            return Err(RegistryError::DuplicateId {
                id,
                first: first.to_string(),
                second: name.into(),
            });
        }
        self.by_name.insert(name.into(), id);
        self.by_id.insert(id, name.into());
        self.generation = next_generation();
        Ok(self)
    }

    /// Registers the derived type `T` under its class name: serde's name for it (its
    /// `#[serde(rename)]`, or the ident), whatever `#[typeinfo(rename)]` says.
    pub fn register<T: HasTypeInfo + ?Sized>(
        &mut self,
        id: u32,
    ) -> Result<&mut Self, RegistryError> {
        let name = class_name(T::TYPE_INFO).ok_or(RegistryError::NotAClass {
            type_name: core::any::type_name::<T>(),
        })?;
        self.register_name(name, id)
    }

    /// Refuse unregistered classes, on both sides.
    pub fn registration_required(&mut self, required: bool) -> &mut Self {
        self.registration_required = required;
        self.generation = next_generation();
        self
    }

    /// An identity for this registry's content: changes with every registration.
    #[inline]
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn is_registration_required(&self) -> bool {
        self.registration_required
    }

    /// The id of the class named `name`.
    #[inline]
    pub fn id_of(&self, name: &str) -> Option<u32> {
        if self.by_name.is_empty() {
            return None;
        }
        self.by_name.get(name).copied()
    }

    /// Every registration, by name.
    pub fn registrations(&self) -> impl Iterator<Item = (&str, u32)> {
        let mut all: Vec<_> = self.by_name.iter().map(|(n, &id)| (&**n, id)).collect();
        all.sort_unstable();
        all.into_iter()
    }

    /// The class registered as `id`.
    #[inline]
    pub fn name_of(&self, id: u32) -> Option<&str> {
        self.by_id.get(&id).map(|n| &**n)
    }
}

/// The class name of a struct or enum descriptor: the name serde gives it, which kryo's
/// serde path writes too.
pub fn class_name(info: &TypeInfo) -> Option<&'static str> {
    match info {
        TypeInfo::Struct(s) => Some(s.name.wire_name),
        TypeInfo::Enum(e) => Some(e.name.wire_name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_kryo_cannot_read() {
        let mut r = Registry::new();
        assert!(matches!(
            r.register_name("A", 8),
            Err(RegistryError::ReservedId { .. })
        ));
        r.register_name("A", 9).unwrap();
        r.register_name("A", 9).unwrap();
        let e = r.register_name("B", 9).unwrap_err();
        assert_eq!(
            e.to_string(),
            "kryo: id 9 is registered twice, for `A` and `B`"
        );
        assert!(matches!(
            r.register_name("A", 10),
            Err(RegistryError::DuplicateName { .. })
        ));
        assert!(matches!(
            r.register::<u32>(11),
            Err(RegistryError::NotAClass { .. })
        ));
        assert_eq!(r.id_of("A"), Some(9));
        assert_eq!(r.name_of(9), Some("A"));
    }
}
