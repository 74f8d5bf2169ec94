//! The formats under comparison, each behind one small trait, so the criterion benches, the
//! interleaved runner and the main job time and size exactly the same calls.
//!
//! Every writer appends to a buffer allocated once, outside any timed call, so times
//! measure encoding, not allocation; decoders build owned values, as operators need.

use serde::{Serialize, de::DeserializeOwned};
use std::hint::black_box;
use typeinfo::{Decode, DecodeError, Encode, EncodeError, HasTypeInfo, Limits};
use typeinfo_serializers::RecordSerializer;
use typeinfo_serializers::avro::AvroCodec;
use typeinfo_serializers::baselines::{
    ApacheAvro, Bincode, BincodeSerde, Json, JsonValue, MessagePack, MessagePackNamed, SimdJson,
    bincode_config,
};
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;

/// What every compared format must handle: a dataset type derives all of these.
pub trait Dataset:
    Encode
    + Decode
    + bincode::Encode
    + bincode::Decode<()>
    + bitcode::Encode
    + bitcode::DecodeOwned
    + crate::peers::PeerDerives
    + Serialize
    + DeserializeOwned
    + PartialEq
    + 'static
{
}

impl<T> Dataset for T where
    T: Encode
        + Decode
        + bincode::Encode
        + bincode::Decode<()>
        + bitcode::Encode
        + bitcode::DecodeOwned
        + crate::peers::PeerDerives
        + Serialize
        + DeserializeOwned
        + PartialEq
        + 'static
{
}

/// A format under test: its name, its output, and the timed operations.
pub trait Contender {
    fn name(&self) -> &'static str;
    /// The encoded dataset (records one after another, where it is encoded per record).
    fn encoded(&self) -> &[u8];
    fn serialize(&mut self);
    fn deserialize(&mut self);

    /// Whether the contender has a plain API that allocates the output per call.
    fn has_to_vec(&self) -> bool {
        false
    }

    /// Every record through the plain API, each into a new vector (nothing where
    /// [`Contender::has_to_vec`] is false).
    fn serialize_to_vec(&mut self) {}

    /// Bytes of the encoded dataset.
    fn bytes(&self) -> usize {
        self.encoded().len()
    }

    /// Both ways, as a record crossing an edge: written, then read.
    fn round_trip(&mut self) {
        self.serialize();
        self.deserialize();
    }
}

/// Every dataset class registered with kryo, as a configured job would.
pub fn kryo_registry() -> Registry {
    use crate::datasets::{app_events, flink_mini, game_sessions, log, mesh};
    let mut registry = Registry::new();
    let registered = registry
        .register::<log::Log>(10)
        .and_then(|r| r.register::<log::Logs>(11))
        .and_then(|r| r.register::<mesh::Triangle>(12))
        .and_then(|r| r.register::<mesh::Mesh>(13))
        .and_then(|r| r.register::<flink_mini::Event>(14))
        .and_then(|r| r.register::<flink_mini::Operation>(15))
        .and_then(|r| r.register::<app_events::AppEvent>(16))
        .and_then(|r| r.register::<app_events::CustomEvent>(17))
        .and_then(|r| r.register::<app_events::Location>(18))
        .and_then(|r| r.register::<game_sessions::GameSession>(19))
        .and_then(|r| r.register::<game_sessions::Level>(20))
        .and_then(|r| r.register::<game_sessions::Position>(21))
        .and_then(|r| r.register::<game_sessions::Payment>(22));
    registered.expect("distinct ids above Kryo's defaults");
    registry
}

/// Every format compared, in report order: ours, then kryo registered and by name (generated
/// code), kryo through serde (registered: what a type without `TypeInfo` pays), avro, then
/// the baselines, then postcard as an outside reference. (In timed comparisons of whole
/// datasets native bincode runs as [`BincodeSlice`].)
pub fn formats<T: Dataset>(limits: Limits) -> Vec<Box<dyn RecordSerializer<T>>> {
    let mut formats: Vec<Box<dyn RecordSerializer<T>>> = vec![
        Box::new(Pojo::new(limits)),
        Box::new(Compact::new(limits)),
        Box::new(generated(Kryo::new(kryo_registry()).limits(limits))),
        Box::new(Named {
            name: "kryo-unregistered",
            inner: generated(Kryo::new(Registry::new()).limits(limits)),
        }),
        Box::new(Named {
            name: "kryo-serde",
            inner: Kryo::new(kryo_registry()).limits(limits),
        }),
        Box::new(AvroCodec::<T>::new(limits).expect("every dataset type has an Avro schema")),
        Box::new(Bincode::new(limits)),
        Box::new(BincodeSerde::new(limits)),
        Box::new(Postcard),
        Box::new(MessagePack::new(limits)),
        Box::new(MessagePackNamed::new(limits)),
        Box::new(Json::new(limits)),
        Box::new(SimdJson::new(limits)),
        Box::new(JsonValue::new(limits)),
    ];
    // Where a record has generic fields the datasets offer factories for: pojo with them in
    // force, beside pojo's serde fallback.
    let factories = crate::datasets::factories::of::<T>();
    if !factories.is_empty() {
        formats.insert(
            1,
            Box::new(Named {
                name: POJO_FACTORY,
                inner: Pojo::new(limits).with_factories(factories),
            }),
        );
    }
    formats
}

/// The name of pojo with the datasets' factories.
pub const POJO_FACTORY: &str = "pojo-factory";

/// kryo through generated code (references are off).
fn generated(kryo: Kryo) -> Generated {
    Generated::new(kryo).expect("references are off")
}

/// A serializer under another name, for two configurations of one format.
struct Named<S> {
    name: &'static str,
    inner: S,
}

impl<T, S: RecordSerializer<T>> RecordSerializer<T> for Named<S> {
    fn name(&self) -> &'static str {
        self.name
    }

    #[inline]
    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.inner.write_record(value, out)
    }

    #[inline]
    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.inner.read_record(bytes)
    }

    #[inline]
    fn record_to_vec(&self, value: &T) -> Result<Vec<u8>, EncodeError> {
        self.inner.record_to_vec(value)
    }

    fn record_snapshot(&self) -> Option<typeinfo::snapshot::Snapshot> {
        self.inner.record_snapshot()
    }
    fn read_record_by(
        &self,
        bytes: &[u8],
        migration: &typeinfo::snapshot::Migration<T>,
    ) -> Result<T, DecodeError>
    where
        T: typeinfo::Decode,
    {
        self.inner.read_record_by(bytes, migration)
    }
}

/// A record format timed on a dataset: records one by one, as they travel between
/// operators (each appended to one buffer, each decoded from its own slice), or a whole
/// dataset as one record. Checked to round trip first.
pub struct Format<'a, T> {
    serializer: Box<dyn RecordSerializer<T>>,
    records: &'a [T],
    bytes: Vec<u8>,
    ends: Vec<usize>,
    out: Vec<u8>,
}

impl<'a, T: Dataset> Format<'a, T> {
    /// The whole of `data` as one record.
    pub fn new(serializer: Box<dyn RecordSerializer<T>>, data: &'a T) -> Result<Self, String> {
        Self::per_record(serializer, core::slice::from_ref(data))
    }

    /// Encodes every record once and checks that each decodes to an equal value.
    pub fn per_record(
        serializer: Box<dyn RecordSerializer<T>>,
        records: &'a [T],
    ) -> Result<Self, String> {
        let name = serializer.name();
        let mut bytes = Vec::new();
        let mut ends = Vec::with_capacity(records.len());
        for record in records {
            let start = bytes.len();
            serializer
                .write_record(record, &mut bytes)
                .map_err(|e| format!("{name}: encode failed: {e}"))?;
            let back = serializer
                .read_record(&bytes[start..])
                .map_err(|e| format!("{name}: decode failed: {e}"))?;
            if back != *record {
                return Err(format!("{name}: the round trip gave a different value"));
            }
            // The plain API (sized first where the format can) writes the same bytes.
            let plain = serializer
                .record_to_vec(record)
                .map_err(|e| format!("{name}: to_vec failed: {e}"))?;
            if plain != bytes[start..] {
                return Err(format!(
                    "{name}: to_vec and write_record wrote different bytes"
                ));
            }
            ends.push(bytes.len());
        }
        Ok(Format {
            out: Vec::with_capacity(bytes.len()),
            serializer,
            records,
            bytes,
            ends,
        })
    }
}

impl<T: Dataset> Contender for Format<'_, T> {
    fn name(&self) -> &'static str {
        self.serializer.name()
    }

    fn encoded(&self) -> &[u8] {
        &self.bytes
    }

    fn serialize(&mut self) {
        self.out.clear();
        for record in black_box(self.records) {
            self.serializer
                .write_record(record, &mut self.out)
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
                self.serializer
                    .record_to_vec(record)
                    .expect("checked at construction"),
            );
        }
    }

    fn deserialize(&mut self) {
        let mut start = 0;
        for &end in &self.ends {
            black_box(
                self.serializer
                    .read_record(black_box(&self.bytes[start..end]))
                    .expect("checked at construction"),
            );
            start = end;
        }
    }
}

/// The part of decoding no format can avoid, as a reference line beside the decoders:
/// cloning each record, which allocates and copies every string and vector as decoding into
/// owned values must. Its time is what a decoder's would be if parsing cost nothing, so a
/// decoder's time over it bounds what any speed-up could gain. It has no encoding side
/// (`serialize` does nothing): compare it on `deserialize` only.
pub struct CloneFloor<'a, T> {
    records: &'a [T],
}

impl<'a, T: Clone> CloneFloor<'a, T> {
    pub fn new(records: &'a [T]) -> Self {
        CloneFloor { records }
    }
}

impl<T: Clone> Contender for CloneFloor<'_, T> {
    fn name(&self) -> &'static str {
        "clone (floor)"
    }

    fn encoded(&self) -> &[u8] {
        &[]
    }

    fn serialize(&mut self) {}

    fn deserialize(&mut self) {
        for record in black_box(self.records) {
            black_box(record.clone());
        }
    }
}

/// Every format as a contender on `records`, one record at a time, and bitcode.
pub fn per_record<T: Dataset>(records: &[T]) -> Result<Vec<Box<dyn Contender + '_>>, String> {
    let mut out = formats::<T>(Limits::DEFAULT)
        .into_iter()
        .map(|serializer| {
            Format::per_record(serializer, records).map(|c| Box::new(c) as Box<dyn Contender + '_>)
        })
        .collect::<Result<Vec<_>, String>>()?;
    out.push(Box::new(Bitcode::new(records)?));
    out.push(Box::new(crate::peers::Wincode::new(records)?));
    out.push(Box::new(crate::peers::Rkyv::new(records)?));
    Ok(out)
}

/// apache-avro (its own writer and reader with our derived schema) on `records`, one datum
/// each, or why it cannot take them: its serde mapping covers fewer Rust types than the
/// schema does (a `[u8; 4]` or `[f32; 3]` needs a hand-written mirror, a generic field a
/// schema of its own), so the comparison reports it where it applies and says why elsewhere.
pub fn apache_avro<T: Dataset + HasTypeInfo>(
    records: &[T],
) -> Result<Box<dyn Contender + '_>, String> {
    let serializer = ApacheAvro::<T>::new(Limits::DEFAULT).map_err(|e| e.to_string())?;
    Ok(Box::new(Format::per_record(Box::new(serializer), records)?))
}

/// Every record's bytes one after another, and where each ends.
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub ends: Vec<usize>,
}

impl Encoded {
    /// Encodes each record with `encode` (appending) and checks that `decode` gives it back.
    pub fn checked<T: PartialEq>(
        name: &str,
        records: &[T],
        mut encode: impl FnMut(&T, &mut Vec<u8>) -> Result<(), String>,
        mut decode: impl FnMut(&[u8]) -> Result<T, String>,
    ) -> Result<Self, String> {
        let (mut bytes, mut ends) = (Vec::new(), Vec::with_capacity(records.len()));
        for record in records {
            let start = bytes.len();
            encode(record, &mut bytes).map_err(|e| format!("{name}: encode failed: {e}"))?;
            let back =
                decode(&bytes[start..]).map_err(|e| format!("{name}: decode failed: {e}"))?;
            if back != *record {
                return Err(format!("{name}: the round trip gave a different value"));
            }
            ends.push(bytes.len());
        }
        Ok(Encoded { bytes, ends })
    }

    /// Each record's bytes.
    pub fn records(&self) -> impl Iterator<Item = &[u8]> {
        let starts = core::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.bytes[start..end])
    }
}

/// bitcode, an outside reference: its own derive through a reused `bitcode::Buffer`, its
/// fastest API (encoding borrows the buffer mutably, so it is timed here rather than behind
/// the shared-reference serializer trait).
pub struct Bitcode<'a, T> {
    records: &'a [T],
    buffer: bitcode::Buffer,
    encoded: Encoded,
    out: Vec<u8>,
}

impl<'a, T: Dataset> Bitcode<'a, T> {
    /// Encodes every record once and checks that each decodes to an equal value.
    pub fn new(records: &'a [T]) -> Result<Self, String> {
        // The free functions write and read what a `Buffer` does.
        let encoded = Encoded::checked(
            "bitcode",
            records,
            |record, out| {
                out.extend_from_slice(&bitcode::encode(record));
                Ok(())
            },
            |bytes| bitcode::decode(bytes).map_err(|e| e.to_string()),
        )?;
        Ok(Bitcode {
            out: Vec::with_capacity(encoded.bytes.len()),
            records,
            buffer: bitcode::Buffer::new(),
            encoded,
        })
    }
}

impl<T: Dataset> Contender for Bitcode<'_, T> {
    fn name(&self) -> &'static str {
        "bitcode"
    }

    fn encoded(&self) -> &[u8] {
        &self.encoded.bytes
    }

    fn serialize(&mut self) {
        self.out.clear();
        for record in black_box(self.records) {
            let encoded = self.buffer.encode(record);
            self.out.extend_from_slice(encoded);
        }
        black_box(&self.out);
    }

    fn has_to_vec(&self) -> bool {
        true
    }

    fn serialize_to_vec(&mut self) {
        for record in black_box(self.records) {
            black_box(bitcode::encode(record));
        }
    }

    fn deserialize(&mut self) {
        for bytes in self.encoded.records() {
            let record: T = self
                .buffer
                .decode(black_box(bytes))
                .expect("checked at construction");
            black_box(record);
        }
    }
}

/// postcard through serde: the reference varint format, an outside reference only.
#[derive(Debug, Clone, Copy, Default)]
pub struct Postcard;

impl<T: Serialize + DeserializeOwned> RecordSerializer<T> for Postcard {
    fn name(&self) -> &'static str {
        "postcard"
    }

    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        postcard::serialize_with_flavor(value, Append(out))
            .map_err(|e| EncodeError::custom(format!("postcard: {e}")))
    }

    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        match postcard::take_from_bytes(bytes) {
            Ok((value, [])) => Ok(value),
            Ok((_, rest)) => Err(DecodeError::TrailingBytes {
                remaining: rest.len(),
            }),
            Err(e) => Err(DecodeError::Custom(format!("postcard: {e}").into())),
        }
    }
}

/// postcard's output flavor appending to our vector, as fast as its `to_slice`.
struct Append<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Append<'_> {
    type Output = ();

    #[inline]
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    #[inline]
    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// A plain copy of as many bytes as pojo writes, both ways: the speed limit of any format.
pub struct Memcpy {
    source: Vec<u8>,
    copy: Vec<u8>,
}

impl Memcpy {
    pub fn new<T: Dataset>(data: &T) -> Self {
        let source = typeinfo_serializers::pojo::to_vec(data).expect("pojo encodes every dataset");
        Memcpy {
            copy: vec![0; source.len()],
            source,
        }
    }
}

impl Contender for Memcpy {
    fn name(&self) -> &'static str {
        "memcpy"
    }

    fn encoded(&self) -> &[u8] {
        &self.source
    }

    fn serialize(&mut self) {
        self.copy.copy_from_slice(black_box(&self.source));
        black_box(&self.copy);
    }

    fn deserialize(&mut self) {
        self.serialize();
    }
}

/// Native bincode through its fastest API: `encode_into_slice` into a buffer of exactly the
/// right size, allocated once, so our formats are always measured against bincode at its best.
pub struct BincodeSlice<'a, T> {
    data: &'a T,
    bytes: Vec<u8>,
    out: Vec<u8>,
}

impl<'a, T: Dataset> BincodeSlice<'a, T> {
    pub fn new(data: &'a T) -> Result<Self, String> {
        let config = bincode_config();
        let bytes = bincode::encode_to_vec(data, config)
            .map_err(|e| format!("bincode: encode failed: {e}"))?;
        let (back, _): (T, usize) = bincode::decode_from_slice(&bytes, config)
            .map_err(|e| format!("bincode: decode failed: {e}"))?;
        if back != *data {
            return Err("bincode: the round trip gave a different value".into());
        }
        Ok(BincodeSlice {
            out: vec![0; bytes.len()],
            data,
            bytes,
        })
    }
}

impl<T: Dataset> Contender for BincodeSlice<'_, T> {
    fn name(&self) -> &'static str {
        "bincode"
    }

    fn encoded(&self) -> &[u8] {
        &self.bytes
    }

    fn serialize(&mut self) {
        black_box(
            bincode::encode_into_slice(black_box(self.data), &mut self.out, bincode_config())
                .expect("checked"),
        );
    }

    fn has_to_vec(&self) -> bool {
        true
    }

    fn serialize_to_vec(&mut self) {
        black_box(bincode::encode_to_vec(black_box(self.data), bincode_config()).expect("checked"));
    }

    fn deserialize(&mut self) {
        black_box(
            bincode::decode_from_slice::<T, _>(black_box(&self.bytes), bincode_config())
                .expect("checked"),
        );
    }
}

/// Every format as a contender on `data`; `with_memcpy` adds the copy baseline (meaningful
/// where the data is plain numbers).
pub fn all<T: Dataset>(
    data: &T,
    with_memcpy: bool,
) -> Result<Vec<Box<dyn Contender + '_>>, String> {
    let mut out: Vec<Box<dyn Contender + '_>> = Vec::new();
    for serializer in formats::<T>(Limits::DEFAULT) {
        if serializer.name() == "bincode" {
            // Its record adapter appends to a Vec; time bincode's own fastest path instead.
            out.push(Box::new(BincodeSlice::new(data)?));
        } else {
            out.push(Box::new(Format::new(serializer, data)?));
        }
    }
    out.push(Box::new(Bitcode::new(core::slice::from_ref(data))?));
    out.push(Box::new(crate::peers::Wincode::new(
        core::slice::from_ref(data),
    )?));
    out.push(Box::new(crate::peers::Rkyv::new(core::slice::from_ref(
        data,
    ))?));
    if with_memcpy {
        out.push(Box::new(Memcpy::new(data)));
    }
    Ok(out)
}
