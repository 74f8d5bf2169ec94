//! The strongest Rust peers as outside references, each through its own derive and its
//! fastest buffer-reusing API, timed here rather than behind the shared-reference
//! serializer trait: wincode (`serialize_into` a reused buffer, `deserialize`) and rkyv
//! (a reused aligned buffer; validated access plus a full deserialize to owned values).
//! Like every contender, each encodes every record once and checks the round trip first.

use crate::contenders::{Contender, Dataset, Encoded};
use rkyv::api::high::{HighSerializer, HighValidator};
use rkyv::bytecheck::CheckBytes;
use rkyv::de::Pool;
use rkyv::rancor::{self, Strategy};
use rkyv::ser::allocator::ArenaHandle;
use rkyv::util::AlignedVec;
use std::hint::black_box;
use wincode::config::{Configuration, PREALLOCATION_SIZE_LIMIT_DISABLED};

/// wincode's defaults refuse a sequence over 4 MiB (its preallocation guard), and `mesh`
/// travels as one 6 MB value. The benchmark reads back only bytes it wrote itself, so the
/// guard is lifted; everything else is wincode's default layout.
type WincodeConfig = Configuration<true, PREALLOCATION_SIZE_LIMIT_DISABLED>;
const WINCODE: WincodeConfig = Configuration::default().disable_preallocation_size_limit();

/// What the peers need of a dataset type: their own derives.
pub trait PeerDerives:
    wincode::SchemaWrite<WincodeConfig, Src = Self>
    + for<'de> wincode::SchemaRead<'de, WincodeConfig, Dst = Self>
    + rkyv::Archive<
        Archived: for<'a> CheckBytes<HighValidator<'a, rancor::Error>>
                      + rkyv::Deserialize<Self, Strategy<Pool, rancor::Error>>,
    > + for<'a> rkyv::Serialize<HighSerializer<AlignedVec, ArenaHandle<'a>, rancor::Error>>
    + Sized
{
}

impl<T> PeerDerives for T where
    T: wincode::SchemaWrite<WincodeConfig, Src = T>
        + for<'de> wincode::SchemaRead<'de, WincodeConfig, Dst = T>
        + rkyv::Archive<
            Archived: for<'a> CheckBytes<HighValidator<'a, rancor::Error>>
                          + rkyv::Deserialize<T, Strategy<Pool, rancor::Error>>,
        > + for<'a> rkyv::Serialize<HighSerializer<AlignedVec, ArenaHandle<'a>, rancor::Error>>
{
}

/// wincode 0.6: bincode's layout, written in place after sizing the value.
pub struct Wincode<'a, T> {
    records: &'a [T],
    encoded: Encoded,
    out: Vec<u8>,
}

impl<'a, T: Dataset> Wincode<'a, T> {
    pub fn new(records: &'a [T]) -> Result<Self, String> {
        let encoded = Encoded::checked(
            "wincode",
            records,
            |record, out| {
                wincode::config::serialize_into(out, record, WINCODE).map_err(|e| e.to_string())
            },
            |bytes| wincode::config::deserialize(bytes, WINCODE).map_err(|e| e.to_string()),
        )?;
        Ok(Wincode {
            out: Vec::with_capacity(encoded.bytes.len()),
            records,
            encoded,
        })
    }
}

impl<T: Dataset> Contender for Wincode<'_, T> {
    fn name(&self) -> &'static str {
        "wincode"
    }

    fn encoded(&self) -> &[u8] {
        &self.encoded.bytes
    }

    fn serialize(&mut self) {
        self.out.clear();
        for record in black_box(self.records) {
            wincode::config::serialize_into(&mut self.out, record, WINCODE)
                .expect("checked at construction");
        }
        black_box(&self.out);
    }

    fn has_to_vec(&self) -> bool {
        true
    }

    fn serialize_to_vec(&mut self) {
        for record in black_box(self.records) {
            black_box(
                wincode::config::serialize(record, WINCODE).expect("checked at construction"),
            );
        }
    }

    fn deserialize(&mut self) {
        for bytes in self.encoded.records() {
            let record: T = wincode::config::deserialize(black_box(bytes), WINCODE)
                .expect("checked at construction");
            black_box(record);
        }
    }
}

/// rkyv 0.8: an archive per record, validated (bytecheck) and deserialized to an owned
/// value, as an operator needs it. Each archive keeps its own aligned buffer, as rkyv's
/// reader requires; the encoded size counts the archives' bytes.
pub struct Rkyv<'a, T> {
    records: &'a [T],
    archives: Vec<AlignedVec>,
    bytes: Vec<u8>,
    scratch: AlignedVec,
    out: Vec<u8>,
}

impl<'a, T: Dataset> Rkyv<'a, T> {
    pub fn new(records: &'a [T]) -> Result<Self, String> {
        let mut archives = Vec::with_capacity(records.len());
        let mut bytes = Vec::new();
        for record in records {
            let archive = rkyv::to_bytes::<rancor::Error>(record)
                .map_err(|e| format!("rkyv: encode failed: {e}"))?;
            let back: T = rkyv::from_bytes::<T, rancor::Error>(&archive)
                .map_err(|e| format!("rkyv: decode failed: {e}"))?;
            if back != *record {
                return Err("rkyv: the round trip gave a different value".into());
            }
            bytes.extend_from_slice(&archive);
            archives.push(archive);
        }
        Ok(Rkyv {
            out: Vec::with_capacity(bytes.len()),
            scratch: AlignedVec::new(),
            records,
            archives,
            bytes,
        })
    }
}

impl<T: Dataset> Contender for Rkyv<'_, T> {
    fn name(&self) -> &'static str {
        "rkyv"
    }

    fn encoded(&self) -> &[u8] {
        &self.bytes
    }

    fn serialize(&mut self) {
        self.out.clear();
        for record in black_box(self.records) {
            let mut scratch = core::mem::take(&mut self.scratch);
            scratch.clear();
            let scratch = rkyv::api::high::to_bytes_in::<_, rancor::Error>(record, scratch)
                .expect("checked at construction");
            self.out.extend_from_slice(&scratch);
            self.scratch = scratch;
        }
        black_box(&self.out);
    }

    fn has_to_vec(&self) -> bool {
        true
    }

    fn serialize_to_vec(&mut self) {
        for record in black_box(self.records) {
            black_box(rkyv::to_bytes::<rancor::Error>(record).expect("checked at construction"));
        }
    }

    fn deserialize(&mut self) {
        for archive in &self.archives {
            let record: T = rkyv::from_bytes::<T, rancor::Error>(black_box(archive))
                .expect("checked at construction");
            black_box(record);
        }
    }
}
