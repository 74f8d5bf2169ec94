//! Record types that exercise every field kind the model covers, and the helpers the
//! cross-crate tests share.

pub mod counting;
pub mod evolution;
pub mod migration;
pub mod strategies;
pub mod types;

use std::fmt::Debug;
use typeinfo::{Decode, Encode, Limits};
use typeinfo_serializers::avro::Avro;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;
use typeinfo_serializers::{RecordCodec, RecordSerializer, baselines};

/// Runs `value` through every generated format (pojo, compact, avro, and kryo's generated
/// code in each configuration it supports) and checks it comes back equal (bincode's
/// `the_same`).
///
/// Values holding NaN are not equal to themselves; for them equality is checked bit for bit
/// instead: the decoded value must encode to the very same bytes. (That needs a fixed
/// iteration order, so such values hold at most one element per hash-based collection.)
pub fn the_same<T: Encode + Decode + PartialEq + Debug>(value: &T) {
    round_trip(
        &Pojo::default(),
        value,
        |bytes| Pojo::default().decode_from(Chunks::new(bytes, 3)),
        |v, out| Pojo::default().encode_to(v, out),
    );
    round_trip(
        &Compact::default(),
        value,
        |bytes| Compact::default().decode_from(Chunks::new(bytes, 3)),
        |v, out| Compact::default().encode_to(v, out),
    );
    round_trip(
        &Avro::default(),
        value,
        |bytes| Avro::default().decode_from(Chunks::new(bytes, 3)),
        |v, out| Avro::default().encode_to(v, out),
    );
    for (name, kryo) in kryo_generated_configurations() {
        let bytes =
            RecordCodec::to_vec(&kryo, value).unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        let back: T =
            RecordCodec::decode(&kryo, &bytes).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_same(&kryo, value, &back, &bytes, &format!("{name} round trip"));
    }
}

/// A byte-pinned test: `codec` writes `value` as exactly `expected`, and reads `expected`
/// back as `value`.
pub fn pinned<C: RecordCodec, T: Encode + Decode + PartialEq + Debug>(
    codec: &C,
    value: T,
    expected: &[u8],
) {
    let bytes = codec.to_vec(&value).unwrap();
    assert_eq!(bytes, expected, "{} encoding of {value:?}", C::NAME);
    assert_eq!(codec.decode::<T>(expected).unwrap(), value, "{}", C::NAME);
}

/// The classes of the test types, registered with kryo.
pub fn kryo_registry() -> Registry {
    let mut registry = Registry::new();
    let classes = [
        "Scalars",
        "Collections",
        "Shape",
        "Tuple",
        "Unit",
        "Tree",
        "Pair",
        "Renamed",
        "Everything",
        "Attributes",
        "StdFields",
        "StdOnly",
        "Ecosystem",
        "Counts",
    ];
    for (id, name) in (10..).zip(classes) {
        registry
            .register_name(name, id)
            .expect("distinct ids above Kryo's defaults");
    }
    registry
}

/// kryo in every configuration a round trip must survive, named.
pub fn kryo_configurations() -> Vec<(&'static str, Kryo)> {
    let mut required = kryo_registry();
    required.registration_required(true);
    vec![
        ("kryo by name", Kryo::default()),
        ("kryo registered", Kryo::new(kryo_registry())),
        ("kryo registration required", Kryo::new(required)),
        ("kryo by name, references", Kryo::default().references(true)),
        (
            "kryo registered, references",
            Kryo::new(kryo_registry()).references(true),
        ),
    ]
}

/// kryo through generated code in every configuration it supports (references off), named.
pub fn kryo_generated_configurations() -> Vec<(&'static str, Generated)> {
    kryo_configurations()
        .into_iter()
        .filter(|(_, kryo)| !kryo.uses_references())
        .map(|(name, kryo)| (name, Generated::new(kryo).expect("references are off")))
        .collect()
}

/// [`the_same`] for the serde formats: `value` through every serde baseline and every kryo
/// configuration, but those named in `except` (a baseline's name, or `kryo`).
pub fn the_same_serde<T>(value: &T, except: &[&str])
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + Debug + 'static,
{
    let mut formats: Vec<(&str, Box<dyn RecordSerializer<T>>)> =
        baselines::all::<T>(Limits::DEFAULT)
            .into_iter()
            .map(|f| (f.name(), f))
            .collect();
    if !except.contains(&"kryo") {
        for (name, kryo) in kryo_configurations() {
            formats.push((name, Box::new(kryo)));
        }
    }
    for (name, format) in formats
        .into_iter()
        .filter(|(_, f)| !except.contains(&f.name()))
    {
        let mut bytes = Vec::new();
        format
            .write_record(value, &mut bytes)
            .unwrap_or_else(|e| panic!("{name}: encode: {e}"));
        let back = format
            .read_record(&bytes)
            .unwrap_or_else(|e| panic!("{name}: decode: {e}"));
        assert_eq!(&back, value, "{name} round trip");
    }
}

/// One format: whole-record round trip, then the streaming sink and a chunked source.
fn round_trip<C: RecordCodec, T: Encode + Decode + PartialEq + Debug>(
    codec: &C,
    value: &T,
    decode_chunked: impl Fn(&[u8]) -> Result<T, typeinfo::DecodeError>,
    encode_streamed: impl Fn(&T, &mut Vec<u8>) -> Result<(), typeinfo::EncodeError>,
) {
    let name = C::NAME;
    let bytes = codec
        .to_vec(value)
        .unwrap_or_else(|e| panic!("{name} encode: {e}"));
    let back: T = codec
        .decode(&bytes)
        .unwrap_or_else(|e| panic!("{name} decode: {e}"));
    assert_same(codec, value, &back, &bytes, &format!("{name} round trip"));
    let counted = codec
        .encoded_size(value)
        .unwrap_or_else(|e| panic!("{name} encoded_size: {e}"));
    assert_eq!(
        counted,
        bytes.len(),
        "{name}: the size pass counts what is written"
    );

    let mut streamed = Vec::new();
    encode_streamed(value, &mut streamed).unwrap_or_else(|e| panic!("{name} encode_to: {e}"));
    assert_eq!(streamed, bytes, "{name}: encode_to and to_vec agree");
    let back = decode_chunked(&bytes).unwrap_or_else(|e| panic!("{name} decode from chunks: {e}"));
    assert_same(
        codec,
        value,
        &back,
        &bytes,
        &format!("{name} round trip over 3-byte chunks"),
    );
}

/// `back` equals `value`; bit for bit (by its encoding) when `value` holds a NaN.
fn assert_same<C: RecordCodec, T: Encode + PartialEq + Debug>(
    codec: &C,
    value: &T,
    back: &T,
    bytes: &[u8],
    what: &str,
) {
    #[allow(clippy::eq_op)] // a value unequal to itself holds a NaN
    if value == value {
        assert_eq!(back, value, "{what}");
    } else {
        assert_eq!(
            codec.to_vec(back).expect("re-encode"),
            bytes,
            "{what}: bit-exact"
        );
    }
}

/// A source that hands out its bytes in chunks of at most `size`, as a chain of network
/// buffers does, so decoders see values split across chunks.
pub struct Chunks<'a> {
    bytes: &'a [u8],
    size: usize,
}

impl<'a> Chunks<'a> {
    pub fn new(bytes: &'a [u8], size: usize) -> Self {
        assert!(size > 0);
        Chunks { bytes, size }
    }
}

impl typeinfo::io::Reader for Chunks<'_> {
    fn remaining(&self) -> usize {
        self.bytes.len()
    }

    fn chunk(&self) -> &[u8] {
        &self.bytes[..self.bytes.len().min(self.size)]
    }

    fn advance(&mut self, n: usize) {
        self.bytes = &self.bytes[n..];
    }
}

/// Says on standard error why a test did not run: written to the stream itself, past the
/// test harness's capture, so that a skip is seen in every run. Under
/// `TYPEINFO_REQUIRE_INTEROP=1` (set by `.ci/run`, which installs the tools) a skip is a
/// failure instead.
pub fn skip(test: &str, reason: &str) {
    use std::io::Write;
    if std::env::var_os("TYPEINFO_REQUIRE_INTEROP").is_some_and(|v| v == "1") {
        panic!("{test}: {reason}, and TYPEINFO_REQUIRE_INTEROP=1 requires it to run");
    }
    let _ = writeln!(std::io::stderr(), "skipped {test}: {reason}");
}
