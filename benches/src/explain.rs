//! `typeinfo explain`: for each type of the built-in datasets, the serializer a config
//! selects and why.

use crate::contenders::Dataset;
use crate::datasets::{factories, flink_mini, log, mesh};
use typeinfo_serializers::config::{ConfigError, SerializationConfig};
use typeinfo_serializers::select::{Explanation, Serializer};

/// The config in `file` (the defaults without one), whose factory entries pick from the
/// datasets' factories ([`factories::catalog`]).
pub fn load(file: Option<&std::path::Path>) -> Result<SerializationConfig, ConfigError> {
    match file {
        Some(path) => SerializationConfig::from_file_with(path, &factories::catalog()),
        None => Ok(SerializationConfig::default()),
    }
}

/// The explanation for every record type of the built-in datasets, or the first refusal
/// (a generic field under `generic_types = "deny"`).
pub fn datasets(config: &SerializationConfig) -> Result<Vec<Explanation>, ConfigError> {
    fn of<T: Dataset>(config: &SerializationConfig) -> Result<Explanation, ConfigError> {
        Ok(Serializer::<T>::with_serde(config)?.explanation().clone())
    }
    Ok(vec![
        of::<log::Log>(config)?,
        of::<log::Logs>(config)?,
        of::<mesh::Triangle>(config)?,
        of::<mesh::Mesh>(config)?,
        of::<flink_mini::Event>(config)?,
        of::<flink_mini::Operation>(config)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use typeinfo_serializers::config::Format;

    fn lines(config: &SerializationConfig) -> Vec<String> {
        let explained = datasets(config).unwrap();
        explained.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_example_config_explains_every_dataset_type() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/serialization.toml"
        );
        let config = SerializationConfig::from_file(path).unwrap();
        let lines = lines(&config);
        assert_eq!(
            lines[0],
            "typeinfo_benches::datasets::log::Log → pojo (per-type override)"
        );
        assert_eq!(
            lines[2],
            "typeinfo_benches::datasets::mesh::Triangle → pojo (default format)"
        );
    }

    /// The example with a factory: flink-mini's payload goes through it, so even
    /// `generic_types = "deny"` accepts the event type.
    #[test]
    fn the_factory_example_explains_the_payload_factory() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/factories.toml");
        let config = load(Some(path.as_ref())).unwrap();
        let lines = lines(&config);
        assert_eq!(
            lines[4],
            "typeinfo_benches::datasets::flink_mini::Event → pojo (default format); field \
             `some_object` is generic (typeinfo_benches::datasets::flink_mini::Payload) → \
             factory `flink-mini-payload`"
        );
        // Without the catalog, the file's factory entry is refused, saying why.
        let bare = SerializationConfig::from_file(path)
            .unwrap_err()
            .to_string();
        assert!(bare.contains("flink-mini-payload"), "{bare}");
    }

    #[test]
    fn overrides_and_serde_formats_are_explained() {
        let config = SerializationConfig::builder()
            .default_format(Format::Compact)
            .type_format("typeinfo_benches::datasets::mesh::Mesh", Format::JsonValue)
            .build()
            .unwrap();
        let lines = lines(&config);
        assert_eq!(
            lines[1],
            "typeinfo_benches::datasets::log::Logs → compact (default format)"
        );
        assert_eq!(
            lines[3],
            "typeinfo_benches::datasets::mesh::Mesh → json-value (per-type override); the whole record goes through serde"
        );
    }
}
