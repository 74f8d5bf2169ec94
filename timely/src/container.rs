//! [`Records<T>`]: timely's container traits over a vector of records whose bytes are the
//! installed codec's.

use crate::error::ContainerError;
use crate::registry;
use crate::wire::{self, RecordsCodec};
use std::cell::OnceCell;
use std::sync::Arc;
use timely::Accountable;
use timely::bytes::arc::Bytes;
use timely::container::{DrainContainer, PushInto, SizableContainer};
use timely::dataflow::channels::ContainerBytes;
use typeinfo::{Decode, Encode};

/// A container of records that crosses processes in the format installed for `T`
/// ([`crate::install`]; pojo if none was).
pub struct Records<T> {
    records: Vec<T>,
    /// The bytes of `records`, written when timely first asks for their length and sent
    /// by `into_bytes`; every change to `records` drops them.
    encoded: OnceCell<Vec<u8>>,
    /// Set when received bytes did not read.
    failure: Option<Failure>,
}

struct Failure {
    error: ContainerError,
    /// The records the sender counted, which progress tracking must see arrive.
    claimed: usize,
}

impl<T> Records<T> {
    /// A container of `records`.
    pub fn new(records: Vec<T>) -> Self {
        Records {
            records,
            encoded: OnceCell::new(),
            failure: None,
        }
    }

    /// The records, or why the bytes this container came from did not read.
    pub fn records(&self) -> Result<&[T], &ContainerError> {
        match &self.failure {
            Some(failure) => Err(&failure.error),
            None => Ok(&self.records),
        }
    }

    /// Drains the records, or hands over why the bytes this container came from did not
    /// read (once; the container is then empty).
    pub fn try_drain(&mut self) -> Result<std::vec::Drain<'_, T>, ContainerError> {
        self.encoded.take();
        match self.failure.take() {
            Some(failure) => Err(failure.error),
            None => Ok(self.records.drain(..)),
        }
    }

    /// The records, as a vector; fails as [`Records::try_drain`] does.
    pub fn into_vec(self) -> Result<Vec<T>, ContainerError> {
        match self.failure {
            Some(failure) => Err(failure.error),
            None => Ok(self.records),
        }
    }

    pub fn push(&mut self, record: T) {
        self.encoded.take();
        self.records.push(record);
    }

    /// The records held (none in a container whose bytes did not read; see
    /// [`Records::records`]).
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    fn failed(&self, what: &str) -> ! {
        let error = &self
            .failure
            .as_ref()
            .expect("only for failed containers")
            .error;
        panic!("typeinfo-timely: {what}: {error}")
    }
}

impl<T: Encode + Decode + Send + Sync + 'static> Records<T> {
    fn codec() -> Arc<RecordsCodec<T>> {
        registry::codec::<T>().unwrap_or_else(|error| {
            panic!("typeinfo-timely: no serializer for a container's records: {error}")
        })
    }

    /// The bytes `into_bytes` writes, encoded once per change of the records.
    fn encoded(&self) -> &[u8] {
        if self.failure.is_some() {
            self.failed("a container that did not read cannot be sent on")
        }
        self.encoded.get_or_init(|| {
            Self::codec()
                .encode(&self.records)
                .unwrap_or_else(|error| panic!("typeinfo-timely: {error}"))
        })
    }
}

impl<T> Default for Records<T> {
    fn default() -> Self {
        Records::new(Vec::new())
    }
}

impl<T: Clone> Clone for Records<T> {
    fn clone(&self) -> Self {
        Records {
            records: self.records.clone(),
            encoded: self.encoded.clone(),
            failure: self.failure.as_ref().map(|f| Failure {
                error: f.error.clone(),
                claimed: f.claimed,
            }),
        }
    }
}

impl<T: core::fmt::Debug> core::fmt::Debug for Records<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.failure {
            Some(failure) => f
                .debug_struct("Records")
                .field("error", &failure.error)
                .field("claimed", &failure.claimed)
                .finish(),
            None => f.debug_list().entries(&self.records).finish(),
        }
    }
}

impl<T> From<Vec<T>> for Records<T> {
    fn from(records: Vec<T>) -> Self {
        Records::new(records)
    }
}

impl<T> Accountable for Records<T> {
    fn record_count(&self) -> i64 {
        let count = match &self.failure {
            Some(failure) => failure.claimed,
            None => self.records.len(),
        };
        i64::try_from(count).expect("a container holds fewer than 2^63 records")
    }
    // `is_empty` is timely's default, `record_count() == 0`, as its contract requires.
}

impl<T> DrainContainer for Records<T> {
    type Item<'a>
        = T
    where
        T: 'a;
    type DrainIter<'a>
        = std::vec::Drain<'a, T>
    where
        T: 'a;

    /// Drains the records; on a container whose bytes did not read, ends the worker with
    /// the error (use [`Records::try_drain`] to handle it instead).
    fn drain(&mut self) -> Self::DrainIter<'_> {
        if self.failure.is_some() {
            self.failed("records from another process did not read")
        }
        self.encoded.take();
        self.records.drain(..)
    }
}

impl<T> SizableContainer for Records<T> {
    /// Full at the capacity timely gives `Vec<T>`, so both containers batch alike.
    fn at_capacity(&self) -> bool {
        self.records.at_capacity()
    }

    fn ensure_capacity(&mut self, stash: &mut Option<Self>) {
        let mut records = stash.take().map(|stash| stash.records);
        self.encoded.take();
        self.records.ensure_capacity(&mut records);
    }
}

impl<T> PushInto<T> for Records<T> {
    fn push_into(&mut self, record: T) {
        self.push(record);
    }
}

impl<T: Clone> PushInto<&T> for Records<T> {
    fn push_into(&mut self, record: &T) {
        self.push(record.clone());
    }
}

impl<T: Encode + Decode + Send + Sync + 'static> ContainerBytes for Records<T> {
    fn from_bytes(bytes: Bytes) -> Self {
        match Self::codec().decode(&bytes) {
            Ok(records) => Records::new(records),
            Err(error) => Records {
                records: Vec::new(),
                encoded: OnceCell::new(),
                failure: Some(Failure {
                    error,
                    claimed: wire::claimed_records(&bytes),
                }),
            },
        }
    }

    fn length_in_bytes(&self) -> usize {
        self.encoded().len()
    }

    fn into_bytes<W: std::io::Write>(&self, writer: &mut W) {
        writer
            .write_all(self.encoded())
            .unwrap_or_else(|error| panic!("typeinfo-timely: writing a container: {error}"));
    }
}
