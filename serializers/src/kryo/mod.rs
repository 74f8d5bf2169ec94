//! `kryo`: the generic format, for any type with serde's traits, with the encodings of Kryo
//! 2.x so that its bytes can be checked against real Kryo (see `docs/formats/kryo.md`).
//!
//! Records are written as Kryo's `writeClassAndObject` writes an object whose fields Kryo's
//! `FieldSerializer` handles: the class (a registered id, or the name), then the fields
//! sorted by name. Types are registered in a [`Registry`]; [`to_vec`] and [`from_slice`]
//! use an empty one, so every class is written by name, as Kryo does by default.
//!
//! ```
//! use typeinfo_serializers::kryo::{self, Kryo, Registry};
//!
//! #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
//! struct Point { y: i32, x: i32 }
//!
//! // By name: class 1, name id 0, "Point", then x and y (sorted by name).
//! let bytes = kryo::to_vec(&Point { y: 2, x: 1 }).unwrap();
//! assert_eq!(bytes, [1, 0, b'P', b'o', b'i', b'n', 0x80 | b't', 2, 4]);
//!
//! // Registered as 10: the id + 2, then the fields.
//! let mut registry = Registry::new();
//! registry.register_name("Point", 10).unwrap();
//! let kryo = Kryo::new(registry);
//! let bytes = kryo.to_vec(&Point { y: 2, x: 1 }).unwrap();
//! assert_eq!(bytes, [12, 2, 4]);
//! assert_eq!(kryo.decode::<Point>(&bytes).unwrap(), Point { y: 2, x: 1 });
//! ```

mod class_names;
mod de;
mod dynamic;
pub(crate) mod generated;
mod memo;
mod order;
mod plan;
mod reachable;
mod registry;
mod ser;
pub mod wire;

pub use dynamic::VariantIndex;
pub use generated::{Generated, ReferencesUnsupported};
pub use reachable::classes;
pub use registry::{
    DEFAULT_REGISTRATIONS, FIRST_USER_ID, MAX_ID, Registry, RegistryError, class_name,
};

use crate::decode_support::WriteDepth;
use crate::record::{RecordSerializer, append_record, check_record_size, expect_end};
use de::{De, DecodeState};
use ser::{EncodeState, Pass, Ser, Slot};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::cell::RefCell;
use std::sync::Arc;
use typeinfo::{DecodeError, EncodeError, Limits};

/// The enum name under which [`polymorphic!`](crate::polymorphic) trait objects travel: the
/// writer lets the concrete struct write its class, the reader picks the concrete type by it.
#[doc(hidden)]
pub const DYN_MARKER: &str = "$typeinfo::kryo::dyn";

/// A configured kryo serializer: a registry, reference tracking, limits.
#[derive(Debug, Clone)]
pub struct Kryo {
    registry: Arc<Registry>,
    references: bool,
    limits: Limits,
}

impl Default for Kryo {
    fn default() -> Self {
        Kryo::new(Registry::new())
    }
}

thread_local! {
    static ENCODE: RefCell<EncodeState> = RefCell::default();
    static DECODE: RefCell<DecodeState> = RefCell::default();
}

/// Runs `f` with this thread's scratch state, or a fresh one when it is in use (a `Serialize`
/// impl that itself calls kryo).
fn with_state<S: Default, R>(
    key: &'static std::thread::LocalKey<RefCell<S>>,
    f: impl FnOnce(&mut S) -> R,
) -> R {
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut state) => f(&mut state),
        Err(_) => f(&mut S::default()),
    })
}

impl Kryo {
    /// A serializer with `registry`, references off and the default limits.
    pub fn new(registry: Registry) -> Self {
        Kryo {
            registry: Arc::new(registry),
            references: false,
            limits: Limits::DEFAULT,
        }
    }

    /// Kryo's reference tracking: a string seen before in the record is written as a back
    /// reference (Kryo's default is on; ours is off, as Flink users mostly run it).
    pub fn references(mut self, on: bool) -> Self {
        self.references = on;
        self
    }

    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn uses_references(&self) -> bool {
        self.references
    }

    /// Appends the encoding of `value` to `out`; on failure `out` is left as it was.
    pub fn encode_into<T: Serialize + ?Sized>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        self.encode_with(out, Pass::Sorting, |ser| value.serialize(ser))
    }

    /// Runs `write` on a writer over `out` as often as the record needs: once, normally, in
    /// `pass`; again in a safe pass when a struct was not what its name promised or a place
    /// that was only counted moved; again when name or reference ids were given in an
    /// order the fields did not keep.
    fn encode_with(
        &self,
        out: &mut Vec<u8>,
        pass: Pass,
        write: impl Fn(&mut Ser<'_>) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        append_record(out, &self.limits, |out| {
            with_state(&ENCODE, |state| {
                let start = out.len();
                state.start(pass);
                let first = write(&mut self.writer(out, state));
                if first.is_err() && state.write_again {
                    // A struct type's fields were not those of the type its name was
                    // taken for, or a counted place moved: write the record again,
                    // recording every struct and place.
                    out.truncate(start);
                    state.start(Pass::Safe);
                    write(&mut self.writer(out, state))?;
                } else {
                    first?;
                }
                if !state.plan.finish_first_pass(&out[start..]) {
                    // Numbers given in declaration order came out of Kryo's: write again.
                    out.truncate(start);
                    state.reset();
                    write(&mut self.writer(out, state))?;
                }
                state.trim();
                Ok(())
            })
        })
    }

    fn writer<'a>(&'a self, out: &'a mut Vec<u8>, state: &'a mut EncodeState) -> Ser<'a> {
        Ser {
            out,
            registry: &self.registry,
            references: self.references,
            state,
            slot: Slot::Field,
            depth: WriteDepth::new(self.limits.max_depth),
            containers: 0,
            container_bound: de::container_bound(&self.limits),
        }
    }

    /// Encodes `value` into a new vector.
    pub fn to_vec<T: Serialize + ?Sized>(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        self.encode_into(value, &mut out)?;
        Ok(out)
    }

    /// Decodes one value that fills `bytes` exactly.
    pub fn decode<'de, T: Deserialize<'de>>(&self, bytes: &'de [u8]) -> Result<T, DecodeError> {
        self.decode_with(bytes, |de| T::deserialize(de))
    }

    /// Runs `read` on a reader over `bytes`, which it must consume exactly.
    fn decode_with<'de, T>(
        &self,
        bytes: &'de [u8],
        read: impl FnOnce(&mut De<'de, '_>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        check_record_size(bytes, &self.limits)?;
        with_state(&DECODE, |state| {
            state.reset();
            let mut de = De {
                input: wire::Input::new(bytes),
                registry: &self.registry,
                limits: &self.limits,
                references: self.references,
                state,
                depth: Default::default(),
                containers: 0,
                slot: Slot::Field,
                class_read: None,
            };
            let value = read(&mut de)?;
            expect_end(value, de.input.remaining())
        })
    }
}

/// Encodes `value` with an empty registry (every class by name), references off.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, EncodeError> {
    Kryo::default().to_vec(value)
}

/// Decodes what [`to_vec`] wrote.
pub fn from_slice<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, DecodeError> {
    Kryo::default().decode(bytes)
}

impl<T: Serialize + DeserializeOwned> RecordSerializer<T> for Kryo {
    fn name(&self) -> &'static str {
        "kryo"
    }

    #[inline]
    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        Kryo::encode_into(self, value, out)
    }

    #[inline]
    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        Kryo::decode(self, bytes)
    }
}
