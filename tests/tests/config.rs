//! The selection config: files, builder, validation messages and the generic-types policy.

use proptest::strategy::{Strategy, ValueTree};
use typeinfo::prelude::*;
use typeinfo_serializers::Serializer;
use typeinfo_serializers::config::{ConfigError, Format, GenericTypes, SerializationConfig};
use typeinfo_tests::types::*;

#[test]
fn the_example_config_parses() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/serialization.toml"
    );
    let config = SerializationConfig::from_file(path).unwrap();
    assert_eq!(config.default_format(), Format::Pojo);
    assert_eq!(config.generic_types(), GenericTypes::Warn);
    assert_eq!(config.limits().max_record_bytes, 16 << 20);
    assert_eq!(config.limits().max_collection_len, 1 << 20);
    assert_eq!(config.limits().max_depth, 64);
    assert_eq!(config.type_overrides().len(), 1);
}

#[test]
fn file_and_builder_agree() {
    let from_file = SerializationConfig::from_toml(
        "generic_types = \"deny\"\n[limits]\nmax_depth = 9\n[types.\"a::B\"]\nformat = \"pojo\"\n",
    )
    .unwrap();
    let built = SerializationConfig::builder()
        .generic_types(GenericTypes::Deny)
        .max_depth(9)
        .type_format("a::B", Format::Pojo)
        .build()
        .unwrap();
    assert_eq!(from_file, built);
}

#[test]
fn a_config_written_as_toml_reads_back_equal() {
    let configs = [
        SerializationConfig::default(),
        SerializationConfig::builder()
            .default_format(Format::MsgpackNamed)
            .generic_types(GenericTypes::Allow)
            .force_avro(true)
            .type_format("shop::Order", Format::Avro)
            .type_format("odd \"name\" with spaces", Format::Avro)
            .max_record_bytes(i64::MAX as usize)
            .max_collection_len(3)
            .max_depth(4096)
            .kryo_register("Order", 9)
            .kryo_register("ünï::Line", 2_147_483_645)
            .kryo_registration_required(true)
            .kryo_references(true)
            .build()
            .unwrap(),
    ];
    for config in configs {
        let text = config.to_toml();
        assert_eq!(
            SerializationConfig::from_toml(&text).unwrap(),
            config,
            "{text}"
        );
    }
    // Every key is written, the defaults too.
    let text = SerializationConfig::default().to_toml();
    let depth = format!("max_depth = {}", typeinfo::Limits::DEFAULT.max_depth);
    for key in [
        "default_format = \"pojo\"",
        "generic_types = \"warn\"",
        &depth,
        "[kryo]",
    ] {
        assert!(text.contains(key), "{key} missing from:\n{text}");
    }
}

#[test]
fn unknown_keys_and_values_name_what_is_allowed() {
    let unknown_key = SerializationConfig::from_toml("defualt_format = \"pojo\"")
        .unwrap_err()
        .to_string();
    assert!(
        unknown_key.contains("defualt_format") && unknown_key.contains("default_format"),
        "{unknown_key}"
    );

    let bad_value = SerializationConfig::from_toml("generic_types = \"maybe\"")
        .unwrap_err()
        .to_string();
    for needle in ["maybe", "allow", "warn", "deny", "generic_types"] {
        assert!(
            bad_value.contains(needle),
            "{needle} missing from: {bad_value}"
        );
    }

    let bad_format = SerializationConfig::from_toml("default_format = \"protobuf\"")
        .unwrap_err()
        .to_string();
    assert!(
        bad_format.contains("protobuf") && bad_format.contains("pojo"),
        "{bad_format}"
    );

    let bad_nested = SerializationConfig::from_toml("[limits]\nmax_deep = 3")
        .unwrap_err()
        .to_string();
    assert!(
        bad_nested.contains("max_deep") && bad_nested.contains("max_depth"),
        "{bad_nested}"
    );
}

#[test]
fn limits_out_of_range_are_refused() {
    let zero = SerializationConfig::from_toml("[limits]\nmax_record_bytes = 0").unwrap_err();
    assert_eq!(
        zero,
        ConfigError::Invalid {
            key: "limits.max_record_bytes".into(),
            value: "0".into(),
            allowed: format!("a whole number from 1 to {}", i64::MAX)
        }
    );
    // What the builder takes, a file must be able to say: TOML's integers stop at 2^63 - 1.
    let unwritable = SerializationConfig::builder()
        .max_record_bytes(usize::MAX)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        unwritable.contains("from 1 to 9223372036854775807"),
        "{unwritable}"
    );
    let deep = SerializationConfig::builder()
        .max_depth(100_000)
        .build()
        .unwrap_err()
        .to_string();
    assert_eq!(
        deep,
        "bad config: `limits.max_depth` = 100000 is not allowed; allowed: a whole number from 1 to 4096"
    );
    let negative = SerializationConfig::from_toml("[limits]\nmax_depth = -1")
        .unwrap_err()
        .to_string();
    assert!(negative.contains("max_depth"), "{negative}");
}

#[test]
fn unreadable_file_names_the_path() {
    let e = SerializationConfig::from_file("/no/such/typeinfo.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("cannot read config /no/such/typeinfo.toml"),
        "{e}"
    );
}

#[test]
fn deny_refuses_generic_fields_naming_type_and_path() {
    let deny = SerializationConfig::builder()
        .generic_types(GenericTypes::Deny)
        .build()
        .unwrap();
    let e = Serializer::<Attributes>::new(&deny).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("typeinfo_tests::types::Attributes"), "{text}");
    assert!(
        text.contains("`payload` (typeinfo_tests::types::Opaque)"),
        "{text}"
    );
    // Types without generic fields are unaffected.
    assert!(Serializer::<Everything>::new(&deny).is_ok());
}

/// A generic field nested in collections is found with its full path.
#[test]
fn generic_fields_are_found_with_their_paths() {
    #[derive(TypeInfo)]
    struct Outer {
        inner: Vec<Option<Attributes>>,
        by_name: std::collections::BTreeMap<String, Attributes>,
    }
    let paths: Vec<String> = Outer::type_info()
        .generic_fields()
        .into_iter()
        .map(|g| g.path)
        .collect();
    assert_eq!(paths, ["inner[*].payload", "by_name[*].payload"]);
}

#[test]
fn warn_and_allow_serialize_generic_fields() {
    for policy in [GenericTypes::Warn, GenericTypes::Allow] {
        let config = SerializationConfig::builder()
            .generic_types(policy)
            .build()
            .unwrap();
        let serializer = Serializer::<Attributes>::new(&config).unwrap();
        assert_eq!(serializer.generic_fields().len(), 1);
        let value = Attributes {
            identifier: 1,
            cache: vec![],
            seven: 7,
            added_later: Some("a".into()),
            payload: Opaque::Numbers {
                values: vec![1, -1],
                scale: 0.5,
            },
            shape: Shape::Circle(1.0),
        };
        let mut bytes = Vec::new();
        serializer.encode_into(&value, &mut bytes).unwrap();
        assert_eq!(serializer.decode(&bytes).unwrap(), value);
    }
}

/// Warnings go through the `log` facade, once per type; the library never prints.
#[test]
fn warn_logs_once_per_type_through_the_log_facade() {
    use std::sync::Mutex;
    static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
    struct Capture;
    impl log::Log for Capture {
        fn enabled(&self, _: &log::Metadata) -> bool {
            true
        }
        fn log(&self, record: &log::Record) {
            let line = format!("{} {}: {}", record.level(), record.target(), record.args());
            SEEN.lock().unwrap().push(line);
        }
        fn flush(&self) {}
    }
    #[derive(TypeInfo, serde::Serialize, serde::Deserialize)]
    struct WarnedOnce {
        #[typeinfo(generic)]
        payload: Opaque,
    }
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Warn);
    let config = SerializationConfig::default();
    for _ in 0..3 {
        Serializer::<WarnedOnce>::new(&config).unwrap();
    }
    let seen = SEEN.lock().unwrap();
    let ours: Vec<_> = seen.iter().filter(|l| l.contains("WarnedOnce")).collect();
    assert_eq!(ours.len(), 1, "{seen:?}");
    assert!(
        ours[0].starts_with("WARN typeinfo: `config::WarnedOnce` has generic fields serialized through serde (payload)"),
        "{}",
        ours[0]
    );
}

#[test]
fn serializer_applies_config_limits_and_overrides() {
    let config = SerializationConfig::builder()
        .max_collection_len(2)
        .type_format(std::any::type_name::<Tuple>(), Format::Pojo)
        .build()
        .unwrap();
    let serializer = Serializer::<Vec<u8>>::new(&config).unwrap();
    assert_eq!(serializer.reason(), "default format");
    let mut bytes = Vec::new();
    serializer.encode_into(&vec![1, 2, 3], &mut bytes).unwrap();
    assert!(matches!(
        serializer.decode(&bytes),
        Err(typeinfo::DecodeError::LengthLimit {
            claimed: 3,
            limit: 2
        })
    ));
    assert_eq!(
        Serializer::<Tuple>::new(&config).unwrap().reason(),
        "per-type override"
    );
}

/// Every format a config can select serves a type with serde; one without serde is told
/// which constructor it needs.
#[test]
fn every_format_is_selectable() {
    let value = Tuple(7, "seven".into());
    for &format in Format::ALL {
        let config = SerializationConfig::builder()
            .default_format(format)
            .build()
            .unwrap();
        let serializer = Serializer::<Tuple>::with_serde(&config).unwrap();
        assert_eq!(serializer.format(), format);
        let mut bytes = Vec::new();
        serializer.encode_into(&value, &mut bytes).unwrap();
        assert_eq!(serializer.decode(&bytes).unwrap(), value, "{format}");
        // kryo without references (the default) is generated code too.
        let generated = format.is_generated() || format == Format::Kryo;
        match Serializer::<Tuple>::new(&config) {
            Ok(_) => assert!(generated, "{format}"),
            Err(e) => {
                assert!(!generated);
                let text = e.to_string();
                assert!(
                    text.contains(&format!("\"{format}\"")) && text.contains("with_serde"),
                    "{text}"
                );
            }
        }
    }
}

#[test]
fn explanations_name_the_format_the_reason_and_generic_fields() {
    let config = SerializationConfig::builder()
        .generic_types(GenericTypes::Allow)
        .build()
        .unwrap();
    let serializer = Serializer::<Attributes>::new(&config).unwrap();
    assert_eq!(
        serializer.explanation().to_string(),
        "typeinfo_tests::types::Attributes → pojo (default format); field `payload` is generic \
         (typeinfo_tests::types::Opaque) → serde inside pojo"
    );
    let json = SerializationConfig::builder()
        .type_format("typeinfo_tests::types::Attributes", Format::Json)
        .generic_types(GenericTypes::Allow)
        .build()
        .unwrap();
    assert_eq!(
        Serializer::<Attributes>::with_serde(&json)
            .unwrap()
            .explanation()
            .to_string(),
        "typeinfo_tests::types::Attributes → json (per-type override); the whole record goes through serde"
    );
}

#[test]
fn kryo_section_configures_the_kryo_serializer() {
    let config = SerializationConfig::from_toml(
        "force_kryo = true\n[kryo]\nregistration_required = true\nreferences = true\n[kryo.registrations]\nTree = 12\n",
    )
    .unwrap();
    assert!(config.force_kryo());
    assert_eq!(config.kryo().registry().id_of("Tree"), Some(12));
    let built = SerializationConfig::builder()
        .force_kryo(true)
        .kryo_registration_required(true)
        .kryo_references(true)
        .kryo_register("Tree", 12)
        .build()
        .unwrap();
    assert_eq!(config, built);

    let tree = Tree {
        value: 3,
        children: vec![],
        next: None,
    };
    let serializer = Serializer::<Tree>::with_serde(&config).unwrap();
    assert_eq!(
        serializer.explanation().to_string(),
        "typeinfo_tests::types::Tree → kryo (force_kryo); class `Tree` registered as id 12; the whole record goes through serde (kryo references are on)"
    );
    let mut bytes = Vec::new();
    serializer.encode_into(&tree, &mut bytes).unwrap();
    // Id 12 + 2, the reference marker (references are on), then the fields by name.
    assert_eq!(bytes[..2], [14, 1]);
    assert_eq!(serializer.decode(&bytes).unwrap(), tree);

    // registration_required refuses the serializer of a type with an unregistered class.
    let e = Serializer::<Unit>::with_serde(&config).unwrap_err();
    assert!(e.to_string().contains("not registered: `Unit`"), "{e}");

    // Without references, generated code writes the same bytes, also for a type without
    // serde; a type without serde cannot have references.
    let plain = SerializationConfig::builder()
        .force_kryo(true)
        .kryo_register("Tree", 12)
        .build()
        .unwrap();
    let generated = Serializer::<Tree>::new(&plain).unwrap();
    assert_eq!(
        generated.explanation().to_string(),
        "typeinfo_tests::types::Tree → kryo (force_kryo); class `Tree` registered as id 12; \
         generated code writes Kryo's bytes (fields by name, generic fields through serde)"
    );
    let mut generated_bytes = Vec::new();
    generated.encode_into(&tree, &mut generated_bytes).unwrap();
    let serde_bytes = typeinfo_serializers::select::kryo(&plain)
        .to_vec(&tree)
        .unwrap();
    assert_eq!(generated_bytes, serde_bytes);
    assert_eq!(generated.decode(&generated_bytes).unwrap(), tree);
    let e = Serializer::<Tree>::new(&config).unwrap_err().to_string();
    assert!(
        e.contains("kryo without references") && e.contains("with_serde"),
        "{e}"
    );
}

#[test]
fn bad_kryo_settings_say_what_is_allowed() {
    let reserved = SerializationConfig::from_toml("[kryo.registrations]\nTree = 3")
        .unwrap_err()
        .to_string();
    assert_eq!(
        reserved,
        "bad config: `kryo.registrations.\"Tree\"` = 3 is not allowed; allowed: an id from 9 to 2147483645 (0 to 8 are Kryo's default registrations)"
    );
    let negative = SerializationConfig::from_toml("[kryo.registrations]\nTree = -1").unwrap_err();
    assert!(
        negative.to_string().contains("= -1 is not allowed"),
        "{negative}"
    );
    let twice = SerializationConfig::from_toml("[kryo.registrations]\nA = 9\nB = 9")
        .unwrap_err()
        .to_string();
    assert!(twice.contains("`A` has 9"), "{twice}");
    // A second id for a class is refused, not a silent replacement of the first.
    let renumbered = (SerializationConfig::builder().kryo_register("A", 9))
        .kryo_register("A", 10)
        .build()
        .unwrap_err()
        .to_string();
    assert_eq!(
        renumbered,
        "bad config: `kryo.registrations.\"A\"` = 10 is not allowed; allowed: one id per class (`A` already has 9)"
    );
    let conflict =
        SerializationConfig::from_toml("force_kryo = true\n[types.\"a::B\"]\nformat = \"pojo\"")
            .unwrap_err()
            .to_string();
    assert!(
        conflict.contains("types.\"a::B\".format") && conflict.contains("force_kryo"),
        "{conflict}"
    );
    let denied = SerializationConfig::from_toml("force_kryo = true\ngeneric_types = \"deny\"")
        .unwrap_err()
        .to_string();
    assert!(
        denied.contains("generic_types") && denied.contains("force_kryo"),
        "{denied}"
    );
    let unknown = SerializationConfig::from_toml("[kryo]\nreferencs = true")
        .unwrap_err()
        .to_string();
    assert!(
        unknown.contains("referencs") && unknown.contains("references"),
        "{unknown}"
    );
}

#[test]
fn the_example_config_registers_kryo_classes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/serialization.toml"
    );
    let config = SerializationConfig::from_file(path).unwrap();
    assert!(!config.force_kryo());
    assert_eq!(config.kryo().registry().registrations().count(), 4);
    assert_eq!(config.kryo().registry().id_of("Log"), Some(10));
}

/// `generic_types` governs the fallback inside the generated formats; under a serde format
/// the whole record goes through serde and there is no fallback to refuse.
#[test]
fn generic_types_apply_to_generated_formats_only() {
    let config = SerializationConfig::builder()
        .generic_types(GenericTypes::Deny)
        .type_format(core::any::type_name::<Attributes>(), Format::Kryo)
        .build()
        .unwrap();
    let kryo = Serializer::<Attributes>::with_serde(&config).unwrap();
    assert!(kryo.generic_fields().is_empty());
    assert!(Serializer::<Everything>::with_serde(&config).is_ok());
    let pojo = SerializationConfig::builder()
        .generic_types(GenericTypes::Deny)
        .build()
        .unwrap();
    assert!(Serializer::<Attributes>::with_serde(&pojo).is_err());
}

/// `registration_required` is checked when the serializer is built, for both kryo paths,
/// naming every class the type writes that has no id (nested ones too, each once), as
/// Flink's `registerType` check does; not on every record.
#[test]
fn registration_required_fails_when_the_serializer_is_built() {
    let required = |classes: &[(&str, u32)], references: bool| {
        let mut builder = SerializationConfig::builder()
            .force_kryo(true)
            .kryo_registration_required(true)
            .kryo_references(references);
        for (class, id) in classes {
            builder = builder.kryo_register(*class, *id);
        }
        builder.build().unwrap()
    };
    for references in [false, true] {
        let config = required(&[("Tree", 12)], references);
        let e = Serializer::<Everything>::with_serde(&config).unwrap_err();
        assert_eq!(
            e.to_string(),
            "bad config: `kryo.registration_required` = true is not allowed; allowed: it only when \
             every class `typeinfo_tests::types::Everything` writes is registered; not registered: \
             `Everything`, `Collections`, `Pair`, `Tuple`, `Unit` (add each under \
             [kryo.registrations] with an id from 9)",
            "references {references}"
        );
        let all = [
            ("Everything", 10),
            ("Collections", 11),
            ("Tree", 12),
            ("Pair", 13),
            ("Tuple", 14),
            ("Unit", 15),
        ];
        let serializer = Serializer::<Everything>::with_serde(&required(&all, references)).unwrap();
        let value = (typeinfo_tests::strategies::everything())
            .new_tree(&mut proptest::test_runner::TestRunner::deterministic())
            .unwrap()
            .current();
        let mut bytes = Vec::new();
        serializer.encode_into(&value, &mut bytes).unwrap();
        assert_eq!(serializer.decode(&bytes).unwrap(), value);
    }
    // Without the requirement, unregistered classes are written by name.
    let lenient = SerializationConfig::builder()
        .force_kryo(true)
        .build()
        .unwrap();
    assert!(Serializer::<Everything>::new(&lenient).is_ok());
}

/// A generic record: one stable key for every instantiation.
#[derive(TypeInfo, Debug, PartialEq)]
struct Envelope<T> {
    body: T,
}

/// `[types."…"]` entries are keyed by the name the derive writes (module path and name as
/// written, `TypeName::key`), which `explain` prints; `core::any::type_name`'s spelling
/// still selects one instantiation.
#[test]
fn type_entries_are_keyed_by_the_stable_name() {
    let key = match Envelope::<u32>::type_info() {
        typeinfo::TypeInfo::Struct(s) => s.name.key,
        _ => unreachable!(),
    };
    assert_eq!(key, "config::Envelope");
    let config =
        SerializationConfig::from_toml(&format!("[types.\"{key}\"]\nformat = \"compact\"\n"))
            .unwrap();
    assert_eq!(config.format_for::<Envelope<u32>>().0, Format::Compact);
    assert_eq!(config.format_for::<Envelope<String>>().0, Format::Compact);
    let explained = Serializer::<Envelope<u32>>::new(&config).unwrap();
    assert_eq!(explained.explanation().type_name, key);
    let one = core::any::type_name::<Envelope<u32>>();
    let config =
        SerializationConfig::from_toml(&format!("[types.\"{one}\"]\nformat = \"compact\"\n"))
            .unwrap();
    assert_eq!(config.format_for::<Envelope<u32>>().0, Format::Compact);
    assert_eq!(config.format_for::<Envelope<String>>().0, Format::Pojo);
}

/// serde reads an internally tagged enum through `deserialize_any`.
#[derive(TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
#[serde(tag = "type")]
enum Tagged {
    Circle { radius: f64 },
    Empty,
}

#[derive(TypeInfo, serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
struct Drawing {
    shapes: Vec<Tagged>,
}

/// A serde format that does not describe itself would write such a type and never read it
/// back: the serializer is refused when built, naming the type and the attribute; a
/// self-describing format and the generated formats take it.
#[test]
fn serde_paths_that_cannot_read_a_type_back_are_refused_when_built() {
    let drawing = Drawing {
        shapes: vec![Tagged::Circle { radius: 1.5 }, Tagged::Empty],
    };
    let with = |format: Format, references: bool| {
        SerializationConfig::builder()
            .default_format(format)
            .kryo_references(references)
            .build()
            .unwrap()
    };
    for (format, references) in [(Format::Kryo, true), (Format::BincodeSerde, false)] {
        let e = Serializer::<Drawing>::with_serde(&with(format, references)).unwrap_err();
        let message = e.to_string();
        assert!(
            message.contains("config::Tagged") && message.contains("#[serde(tag = \"type\")]"),
            "{format}: {message}"
        );
    }
    for (format, references) in [
        (Format::Json, false),
        (Format::Msgpack, false),
        (Format::Kryo, false),
        (Format::Pojo, false),
    ] {
        let serializer = Serializer::<Drawing>::with_serde(&with(format, references)).unwrap();
        let mut bytes = Vec::new();
        serializer.encode_into(&drawing, &mut bytes).unwrap();
        assert_eq!(serializer.decode(&bytes).unwrap(), drawing, "{format}");
    }
}
