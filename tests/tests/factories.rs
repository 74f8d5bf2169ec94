//! Per-type factories from the selection config: a generic field whose type has a factory
//! is written by the factory's codec, exactly as its representation would be, in every
//! generated format; the config refuses what it cannot resolve and says why.

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use typeinfo::factory::{Codec, Factories, Factory};
use typeinfo::prelude::*;
use typeinfo::{DecodeError, Decoder, EncodeError, Encoder};
use typeinfo_serializers::Serializer;
use typeinfo_serializers::config::{ConfigError, Format, GenericTypes, SerializationConfig};

/// Stands for a type from another crate: serde's traits only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
    pub label: String,
}

/// What the factory writes for a `GeoPoint`; its fields are declared out of name order, so
/// kryo's sorted field order differs from the declared one.
#[derive(TypeInfo, Debug, Clone, PartialEq)]
pub struct GeoRepr {
    pub lon: f64,
    pub lat: f64,
    pub label: String,
}

/// The codec: the representation, and the conversions both ways.
pub struct GeoCodec;

impl GeoCodec {
    pub fn type_info() -> &'static typeinfo::TypeInfo {
        GeoRepr::type_info()
    }

    pub fn encode<E: Encoder>(p: &GeoPoint, e: &mut E) -> Result<(), EncodeError> {
        let repr = GeoRepr {
            lon: p.lon,
            lat: p.lat,
            label: p.label.clone(),
        };
        repr.encode(e)
    }

    pub fn decode<D: Decoder>(d: &mut D) -> Result<GeoPoint, DecodeError> {
        let GeoRepr { lon, lat, label } = GeoRepr::decode(d)?;
        Ok(GeoPoint { lat, lon, label })
    }
}

/// A second foreign type with a codec as a module.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Celsius(pub f32);

pub mod celsius_codec {
    use super::*;

    pub fn type_info() -> &'static typeinfo::TypeInfo {
        f32::type_info()
    }

    pub fn encode<E: Encoder>(v: &Celsius, e: &mut E) -> Result<(), EncodeError> {
        e.encode_f32(v.0)
    }

    pub fn decode<D: Decoder>(d: &mut D) -> Result<Celsius, DecodeError> {
        d.decode_f32().map(Celsius)
    }
}

#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Visit {
    pub id: u32,
    #[typeinfo(generic)]
    pub at: GeoPoint,
    pub tags: Vec<String>,
    #[typeinfo(generic)]
    pub temperature: Celsius,
}

/// `Visit` with the representations in place of the generic fields: what the factories
/// must produce, byte for byte.
#[derive(TypeInfo, Debug, Clone, PartialEq)]
pub struct VisitRepr {
    pub id: u32,
    pub at: GeoRepr,
    pub tags: Vec<String>,
    pub temperature: f32,
}

const GEO: &str = "factories::GeoPoint";
const CELSIUS: &str = "factories::Celsius";

fn geo_factory() -> Factory {
    typeinfo_serializers::factory!("geo", GeoPoint, GeoCodec)
}

fn celsius_factory() -> Factory {
    typeinfo_serializers::factory!("celsius", Celsius, celsius_codec)
}

fn visit() -> Visit {
    Visit {
        id: 7,
        at: GeoPoint {
            lat: 52.52,
            lon: 13.405,
            label: "Berlin".into(),
        },
        tags: vec!["a".into(), "bc".into()],
        temperature: Celsius(-3.5),
    }
}

fn repr_of(v: &Visit) -> VisitRepr {
    VisitRepr {
        id: v.id,
        at: GeoRepr {
            lon: v.at.lon,
            lat: v.at.lat,
            label: v.at.label.clone(),
        },
        tags: v.tags.clone(),
        temperature: v.temperature.0,
    }
}

/// A config in `format` with both factories, read from a file as a user would write it;
/// kryo registers `Visit` as 20.
fn with_factories(format: Format) -> SerializationConfig {
    let text = format!(
        "default_format = \"{format}\"\ngeneric_types = \"deny\"\n\
         [types.\"{GEO}\"]\nfactory = \"geo\"\n[types.\"{CELSIUS}\"]\nfactory = \"celsius\"\n\
         [kryo.registrations]\nVisit = 20\n"
    );
    SerializationConfig::from_toml_with(&text, &[geo_factory(), celsius_factory()]).unwrap()
}

fn without_factories(format: Format) -> SerializationConfig {
    SerializationConfig::builder()
        .default_format(format)
        .generic_types(GenericTypes::Allow)
        // Under the same id as `Visit`, so kryo writes the same class id for both.
        .kryo_register("VisitRepr", 20)
        .build()
        .unwrap()
}

const GENERATED: [Format; 4] = [Format::Pojo, Format::Compact, Format::Kryo, Format::Avro];

#[test]
fn a_factory_writes_the_field_exactly_as_its_representation() {
    let value = visit();
    // Avro wraps every generic field in `bytes` (its schema must not depend on the config),
    // so its bytes differ from the representation's; it is checked by the round trips.
    for format in [Format::Pojo, Format::Compact, Format::Kryo] {
        let selected = Serializer::<Visit>::new(&with_factories(format)).unwrap();
        let bytes = selected.to_vec(&value);
        let repr = Serializer::<VisitRepr>::new(&without_factories(format)).unwrap();
        let expected = repr.to_vec(&repr_of(&value));
        assert_eq!(bytes, expected, "{format}");
        assert_eq!(selected.decode(&bytes).unwrap(), value, "{format}");
        let fallback = Serializer::<Visit>::with_serde(&without_factories(format)).unwrap();
        assert_ne!(
            fallback.to_vec(&value),
            bytes,
            "{format}: the factories are in force, not serde"
        );
    }
}

/// The two codecs as [`Codec`] implementations, for `Factory::of` (erased only) and
/// `factory_of` (also compiled for each format).
struct GeoAsCodec;

impl Codec<GeoPoint> for GeoAsCodec {
    fn type_info() -> &'static typeinfo::TypeInfo {
        GeoCodec::type_info()
    }
    fn encode<E: Encoder>(value: &GeoPoint, e: &mut E) -> Result<(), EncodeError> {
        GeoCodec::encode(value, e)
    }
    fn decode<D: Decoder>(d: &mut D) -> Result<GeoPoint, DecodeError> {
        GeoCodec::decode(d)
    }
}

struct CelsiusAsCodec;

impl Codec<Celsius> for CelsiusAsCodec {
    fn type_info() -> &'static typeinfo::TypeInfo {
        celsius_codec::type_info()
    }
    fn encode<E: Encoder>(value: &Celsius, e: &mut E) -> Result<(), EncodeError> {
        celsius_codec::encode(value, e)
    }
    fn decode<D: Decoder>(d: &mut D) -> Result<Celsius, DecodeError> {
        celsius_codec::decode(d)
    }
}

fn erased_only() -> Factories {
    Factories::new([
        Factory::of::<GeoPoint, GeoAsCodec>("geo"),
        Factory::of::<Celsius, CelsiusAsCodec>("celsius"),
    ])
}

fn compiled() -> Factories {
    Factories::new([
        typeinfo_serializers::factory_of::<GeoPoint, GeoAsCodec>("geo"),
        typeinfo_serializers::factory_of::<Celsius, CelsiusAsCodec>("celsius"),
    ])
}

/// The compiled entries and the trait-object path run the same codec on the same format:
/// they write the same bytes and read each other's, in every generated format.
#[test]
fn compiled_and_erased_factories_write_the_same_bytes() {
    use typeinfo_serializers::RecordCodec;
    use typeinfo_serializers::avro::Avro;
    use typeinfo_serializers::compact::Compact;
    use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
    use typeinfo_serializers::pojo::Pojo;

    fn check<C: RecordCodec>(name: &str, compiled: &C, erased: &C, value: &Visit) {
        let bytes = compiled.to_vec(value).unwrap();
        assert_eq!(erased.to_vec(value).unwrap(), bytes, "{name}");
        let back: Visit = RecordCodec::decode(erased, &bytes).unwrap();
        assert_eq!(&back, value, "{name}");
        let back: Visit = RecordCodec::decode(compiled, &bytes).unwrap();
        assert_eq!(&back, value, "{name}");
    }
    let kryo = Generated::new(Kryo::new(Registry::new())).unwrap();
    let mut values = vec![visit()];
    values.push(Visit {
        tags: vec![],
        ..visit()
    });
    for value in &values {
        check(
            "pojo",
            &Pojo::default().with_factories(compiled()),
            &Pojo::default().with_factories(erased_only()),
            value,
        );
        check(
            "compact",
            &Compact::default().with_factories(compiled()),
            &Compact::default().with_factories(erased_only()),
            value,
        );
        check(
            "avro",
            &Avro::default().with_factories(compiled()),
            &Avro::default().with_factories(erased_only()),
            value,
        );
        check(
            "kryo",
            &kryo.clone().with_factories(compiled()),
            &kryo.clone().with_factories(erased_only()),
            value,
        );
    }
}

thread_local! {
    /// The encoder and decoder types `SeenCodec` ran on, on this thread.
    static SEEN: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Celsius's codec, noting the encoder and decoder it is handed.
struct SeenCodec;

impl Codec<Celsius> for SeenCodec {
    fn type_info() -> &'static typeinfo::TypeInfo {
        celsius_codec::type_info()
    }
    fn encode<E: Encoder>(value: &Celsius, e: &mut E) -> Result<(), EncodeError> {
        SEEN.with(|seen| seen.borrow_mut().push(core::any::type_name::<E>()));
        celsius_codec::encode(value, e)
    }
    fn decode<D: Decoder>(d: &mut D) -> Result<Celsius, DecodeError> {
        SEEN.with(|seen| seen.borrow_mut().push(core::any::type_name::<D>()));
        celsius_codec::decode(d)
    }
}

/// A compiled factory runs on each format's own encoder and decoder, not behind a trait
/// object (that is what makes it as fast as generated code); one built with
/// `Factory::of` runs behind one.
#[test]
fn compiled_factories_run_on_the_formats_own_encoders() {
    use typeinfo_serializers::RecordCodec;
    use typeinfo_serializers::compact::Compact;
    use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
    use typeinfo_serializers::pojo::Pojo;

    fn seen_by<C: RecordCodec>(codec: &C) -> Vec<&'static str> {
        SEEN.with(|seen| seen.borrow_mut().clear());
        // `encode_into` writes once; `to_vec` may run a size pass first.
        let mut bytes = Vec::new();
        codec.encode_into(&visit(), &mut bytes).unwrap();
        let _: Visit = RecordCodec::decode(codec, &bytes).unwrap();
        SEEN.with(|seen| seen.take())
    }
    let compiled = || {
        Factories::new([
            geo_factory(),
            typeinfo_serializers::factory_of::<Celsius, SeenCodec>("celsius"),
        ])
    };
    let kryo = Generated::new(Kryo::new(Registry::new())).unwrap();
    let runs = [
        ("Pojo", seen_by(&Pojo::default().with_factories(compiled()))),
        (
            "Compact",
            seen_by(&Compact::default().with_factories(compiled())),
        ),
        ("Kryo", seen_by(&kryo.with_factories(compiled()))),
    ];
    for (format, seen) in runs {
        assert_eq!(seen.len(), 2, "{format}: {seen:?}");
        assert!(
            seen.iter()
                .all(|t| t.contains(format) && !t.contains("Erased")),
            "{format}: {seen:?}"
        );
    }
    let erased = Factories::new([Factory::of::<Celsius, SeenCodec>("celsius"), geo_factory()]);
    let seen = seen_by(&Pojo::default().with_factories(erased));
    assert!(seen.iter().all(|t| t.contains("Erased")), "{seen:?}");
}

/// Two chunks, as the engine's segment chains hand a record that spans buffers.
struct TwoChunks<'a>(&'a [u8], &'a [u8]);

impl typeinfo::io::Reader for TwoChunks<'_> {
    fn remaining(&self) -> usize {
        self.0.len() + self.1.len()
    }
    fn chunk(&self) -> &[u8] {
        if self.0.is_empty() { self.1 } else { self.0 }
    }
    fn advance(&mut self, n: usize) {
        if self.0.is_empty() {
            self.1 = &self.1[n..];
        } else {
            self.0 = &self.0[n..];
        }
    }
}

/// A writer that is not a vector and a reader whose bytes are not one slice take the
/// trait-object path, with the bytes of the compiled one.
#[test]
fn streams_that_are_not_one_slice_take_the_erased_path_to_the_same_bytes() {
    use typeinfo_serializers::RecordCodec;
    use typeinfo_serializers::compact::Compact;
    use typeinfo_serializers::pojo::Pojo;

    let value = visit();
    let pojo = Pojo::default().with_factories(compiled());
    let bytes = pojo.to_vec(&value).unwrap();
    let mut streamed = Vec::new();
    pojo.encode_to(&value, typeinfo::io::IoWriter(&mut streamed))
        .unwrap();
    assert_eq!(streamed, bytes);
    let compact = Compact::default().with_factories(compiled());
    let compact_bytes = compact.to_vec(&value).unwrap();
    // Every split point, the ones inside a factory's value included.
    for at in 0..=bytes.len() {
        let (head, tail) = bytes.split_at(at);
        let back: Visit = pojo.decode_from(TwoChunks(head, tail)).unwrap();
        assert_eq!(back, value, "pojo split at {at}");
    }
    for at in 0..=compact_bytes.len() {
        let (head, tail) = compact_bytes.split_at(at);
        let back: Visit = compact.decode_from(TwoChunks(head, tail)).unwrap();
        assert_eq!(back, value, "compact split at {at}");
    }
}

trait ToVec<T> {
    fn to_vec(&self, value: &T) -> Vec<u8>;
}

impl<T> ToVec<T> for Serializer<T> {
    fn to_vec(&self, value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(value, &mut out).unwrap();
        out
    }
}

#[test]
fn avro_keeps_its_schema_and_wraps_the_factory_output_in_bytes() {
    let value = visit();
    let selected = Serializer::<Visit>::new(&with_factories(Format::Avro)).unwrap();
    let bytes = selected.to_vec(&value);
    assert_eq!(selected.decode(&bytes).unwrap(), value);
    let schema = typeinfo_serializers::avro::schema_of::<Visit>()
        .unwrap()
        .to_json();
    assert!(
        schema.contains(
            r#""name":"at","type":{"type":"bytes","typeinfo.generic":"factories::GeoPoint"}"#
        ),
        "{schema}"
    );
    // The `at` field is `bytes` holding GeoRepr's Avro encoding.
    let repr = typeinfo_serializers::avro::to_vec(&repr_of(&value).at).unwrap();
    let mut expected_at = typeinfo_serializers::avro::to_vec(&(repr.len() as i64)).unwrap();
    expected_at.extend_from_slice(&repr);
    assert!(
        bytes.windows(expected_at.len()).any(|w| w == expected_at),
        "{bytes:?} holds {expected_at:?}"
    );
}

fn visits() -> impl Strategy<Value = Visit> {
    (
        any::<u32>(),
        any::<f64>(),
        any::<f64>(),
        ".{0,12}",
        proptest::collection::vec(".{0,6}", 0..4),
        any::<f32>(),
    )
        .prop_map(|(id, lat, lon, label, tags, t)| Visit {
            id,
            at: GeoPoint { lat, lon, label },
            tags,
            temperature: Celsius(t),
        })
}

/// Equality that holds for NaN payloads too: compare the encodings.
fn same(a: &Visit, b: &Visit) -> bool {
    let bits = |v: &Visit| {
        (
            v.id,
            v.at.lat.to_bits(),
            v.at.lon.to_bits(),
            v.at.label.clone(),
            v.tags.clone(),
            v.temperature.0.to_bits(),
        )
    };
    bits(a) == bits(b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn factories_round_trip_in_every_generated_format(value in visits()) {
        for format in GENERATED {
            let serializer = Serializer::<Visit>::new(&with_factories(format)).unwrap();
            let bytes = serializer.to_vec(&value);
            let back = serializer.decode(&bytes).unwrap();
            prop_assert!(same(&back, &value), "{format}: {back:?} != {value:?}");
        }
    }

    #[test]
    fn hostile_bytes_through_factories_are_errors(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        for format in GENERATED {
            let serializer = Serializer::<Visit>::new(&with_factories(format)).unwrap();
            let _ = serializer.decode(&bytes);
        }
    }
}

#[test]
fn truncated_factory_output_is_an_error() {
    for format in GENERATED {
        let serializer = Serializer::<Visit>::new(&with_factories(format)).unwrap();
        let bytes = serializer.to_vec(&visit());
        for end in 0..bytes.len() {
            assert!(
                serializer.decode(&bytes[..end]).is_err(),
                "{format}: {end} of {} bytes",
                bytes.len()
            );
        }
    }
}

/// A factory's value obeys the config's limits: its string counts against
/// `max_collection_len`, its struct against `max_depth`.
#[test]
fn factory_values_obey_the_limits() {
    let mut value = visit();
    value.tags.clear();
    value.at.label = "x".repeat(40);
    let text = format!(
        "[limits]\nmax_collection_len = 16\n[types.\"{GEO}\"]\nfactory = \"geo\"\n[types.\"{CELSIUS}\"]\nfactory = \"celsius\"\n"
    );
    let strict =
        SerializationConfig::from_toml_with(&text, &[geo_factory(), celsius_factory()]).unwrap();
    let lenient = Serializer::<Visit>::new(&with_factories(Format::Pojo)).unwrap();
    let bytes = lenient.to_vec(&value);
    let err = Serializer::<Visit>::new(&strict)
        .unwrap()
        .decode(&bytes)
        .unwrap_err();
    assert!(
        matches!(err.cause(), DecodeError::LengthLimit { claimed: 40, .. }),
        "{err}"
    );
}

#[test]
fn the_factories_travel_with_their_serializer() {
    use typeinfo_serializers::pojo::Pojo;
    use typeinfo_serializers::record::RecordCodec;
    let value = visit();
    let plain = Pojo::default();
    let both = Pojo::default().with_factories(Factories::new([geo_factory(), celsius_factory()]));
    let only_celsius = Pojo::default().with_factories(Factories::new([celsius_factory()]));
    let serde_bytes = plain.to_vec(&value).unwrap();
    // Interleaved on one thread, each serializer writes with its own set and no other.
    for _ in 0..2 {
        let with_both = both.to_vec(&value).unwrap();
        let with_celsius = only_celsius.to_vec(&value).unwrap();
        assert_ne!(with_both, serde_bytes);
        assert_ne!(with_celsius, with_both);
        assert_eq!(plain.to_vec(&value).unwrap(), serde_bytes);
        assert_eq!(both.decode::<Visit>(&with_both).unwrap(), value);
        assert_eq!(only_celsius.decode::<Visit>(&with_celsius).unwrap(), value);
        assert_eq!(plain.decode::<Visit>(&serde_bytes).unwrap(), value);
    }
}

#[test]
fn one_serializer_serves_many_threads() {
    let serializer = Serializer::<Visit>::new(&with_factories(Format::Compact)).unwrap();
    std::thread::scope(|s| {
        for t in 0..4u32 {
            let serializer = &serializer;
            s.spawn(move || {
                for i in 0..200 {
                    let mut value = visit();
                    value.id = t * 1000 + i;
                    let bytes = serializer.to_vec(&value);
                    assert_eq!(serializer.decode(&bytes).unwrap(), value);
                }
            });
        }
    });
}

#[test]
fn deny_accepts_generic_fields_that_factories_write() {
    assert!(Serializer::<Visit>::new(&with_factories(Format::Pojo)).is_ok());
    // With only one of the two factories, deny names the other field alone.
    let partial = SerializationConfig::builder()
        .generic_types(GenericTypes::Deny)
        .type_factory(geo_factory())
        .build()
        .unwrap();
    let text = Serializer::<Visit>::new(&partial).unwrap_err().to_string();
    assert!(
        text.contains("`temperature` (factories::Celsius)"),
        "{text}"
    );
    assert!(!text.contains("`at`"), "{text}");
    assert!(text.contains("register a factory"), "{text}");
}

#[test]
fn explain_names_the_factory_or_says_it_is_unused() {
    let pojo = Serializer::<Visit>::new(&with_factories(Format::Pojo)).unwrap();
    assert_eq!(
        pojo.explanation().to_string(),
        "factories::Visit → pojo (default format); field `at` is generic (factories::GeoPoint) \
         → factory `geo`; field `temperature` is generic (factories::Celsius) → factory `celsius`"
    );
    let partial = SerializationConfig::builder()
        .generic_types(GenericTypes::Allow)
        .type_factory(celsius_factory())
        .build()
        .unwrap();
    assert_eq!(
        Serializer::<Visit>::new(&partial)
            .unwrap()
            .explanation()
            .to_string(),
        "factories::Visit → pojo (default format); field `temperature` is generic \
         (factories::Celsius) → factory `celsius`; field `at` is generic (factories::GeoPoint) \
         → serde inside pojo"
    );
    let json = Serializer::<Visit>::with_serde(&with_factories(Format::Json)).unwrap();
    let text = json.explanation().to_string();
    assert!(
        text.contains("factory `geo` for field `at` (factories::GeoPoint) is not used: json never reaches the field"),
        "{text}"
    );
    let fields = &json.explanation().factory_fields;
    assert_eq!(fields.len(), 2);
    assert!(fields.iter().all(|f| !f.used));
}

#[test]
fn factory_entries_that_cannot_be_resolved_say_why() {
    let entry = format!("[types.\"{GEO}\"]\nfactory = \"geo\"\n");
    let message = |text: &str, catalog: &[Factory]| {
        SerializationConfig::from_toml_with(text, catalog)
            .unwrap_err()
            .to_string()
    };
    // Factories are code: a file alone cannot name one.
    let none = message(&entry, &[]);
    assert!(
        none.contains("\"geo\"") && none.contains("offers none") && none.contains("from_toml_with"),
        "{none}"
    );
    let unknown = message(&entry, &[celsius_factory()]);
    assert!(unknown.contains("registers: \"celsius\""), "{unknown}");
    // The entry names another type than the factory writes: both names are given.
    let wrong = message(
        "[types.\"geo::Point\"]\nfactory = \"geo\"\n",
        &[geo_factory()],
    );
    assert!(
        wrong.contains("types.\"geo::Point\".factory")
            && wrong.contains(&format!("[types.\"{GEO}\"]")),
        "{wrong}"
    );
    let both = message(
        &format!("[types.\"{GEO}\"]\nfactory = \"geo\"\nformat = \"pojo\"\n"),
        &[geo_factory()],
    );
    assert!(both.contains("both `format` and `factory`"), "{both}");
    let neither = message(&format!("[types.\"{GEO}\"]\n"), &[geo_factory()]);
    assert!(neither.contains("neither"), "{neither}");
    let built = SerializationConfig::builder()
        .type_format(GEO, Format::Pojo)
        .type_factory(geo_factory())
        .build()
        .unwrap_err();
    assert!(matches!(built, ConfigError::Invalid { .. }), "{built}");
}

#[test]
fn a_config_with_factories_reads_back_equal() {
    let config = with_factories(Format::Compact);
    let text = config.to_toml();
    assert!(text.contains("factory = \"geo\""), "{text}");
    let back =
        SerializationConfig::from_toml_with(&text, &[celsius_factory(), geo_factory()]).unwrap();
    assert_eq!(back, config);
    assert_eq!(back.factory_for(GEO).map(Factory::name), Some("geo"));
    assert_eq!(
        back.type_factories().keys().collect::<Vec<_>>(),
        [CELSIUS, GEO]
    );
}

/// Flags opened before a factory's value and used after it, in one flag byte.
#[derive(TypeInfo, Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Flagged {
    pub before: bool,
    #[typeinfo(generic)]
    pub at: GeoPoint,
    pub maybe: Option<u8>,
    pub after: bool,
}

proptest! {
    /// With factories the size pass counts what is written: pojo's counter spills a
    /// factory's compiled code into a counted vector, compact's runs it behind its trait
    /// object; both equal the bytes `encode_into` appends, and `to_vec` writes those bytes.
    #[test]
    fn sizes_are_counted_through_factories(visit in visits(), before: bool, after: bool, maybe: Option<u8>) {
        use typeinfo_serializers::RecordCodec;
        use typeinfo_serializers::compact::Compact;
        use typeinfo_serializers::pojo::Pojo;
        fn check<C: RecordCodec, T: Encode>(codec: &C, value: &T) -> Result<(), TestCaseError> {
            let mut appended = Vec::new();
            codec.encode_into(value, &mut appended).unwrap();
            prop_assert_eq!(codec.encoded_size(value).unwrap(), appended.len(), "{}", C::NAME);
            prop_assert_eq!(codec.to_vec(value).unwrap(), appended, "{}", C::NAME);
            Ok(())
        }
        let factories = || Factories::new([geo_factory(), celsius_factory()]);
        let flagged = Flagged { before, at: visit.at.clone(), maybe, after };
        let pojo = Pojo::default().with_factories(factories());
        let compact = Compact::default().with_factories(factories());
        check(&pojo, &visit)?;
        check(&pojo, &flagged)?;
        check(&compact, &visit)?;
        check(&compact, &flagged)?;
    }
}
