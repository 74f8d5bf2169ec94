//! typeinfo's formats on timely-dataflow's exchange channels.
//!
//! Timely moves containers between processes as bytes: its default container, `Vec<T>`,
//! goes through bincode 1 and serde. [`Records<T>`] is a container of derived records whose
//! bytes are written and read by the typeinfo format the selection config chooses for `T`
//! (pojo by default; compact, kryo and avro too). It goes wherever timely takes a container:
//! the `Exchange` pact, the `exchange` operator, `unary` and friends.
//!
//! Timely's `ContainerBytes::from_bytes` cannot fail, so a container whose bytes do not
//! read holds the error instead of records: [`Records::try_drain`] hands it to the
//! dataflow, and [`Records::drain`](timely::container::DrainContainer::drain) on such a
//! container ends the worker with that error. Bytes are checked against the snapshot
//! fingerprint of the receiving process's serializer first, so processes that installed
//! different configs fail with an error that says so rather than misreading each other.
//!
//! Timely asks for a container's bytes through a static function, so the serializer for a
//! type is process-wide: [`install`] it from a config before `timely::execute`, the same in
//! every process; a type nobody installed uses the default config (pojo).

mod container;
mod error;
mod registry;
pub mod wire;

pub use container::Records;
pub use error::{ContainerError, ContainerErrorKind, InstallError};
pub use registry::{codec, install};
pub use wire::RecordsCodec;
