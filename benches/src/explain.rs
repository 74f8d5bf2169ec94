//! `typeinfo explain`: for each type of the built-in datasets, the serializer a config
//! selects and why.

use crate::contenders::Dataset;
use crate::datasets::{flink_mini, log, mesh};
use typeinfo::config::{ConfigError, SerializationConfig};
use typeinfo_serializers::select::{Explanation, Serializer};

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
    use typeinfo::config::Format;

    #[test]
    fn the_example_config_explains_every_dataset_type() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/serialization.toml"
        );
        let config = SerializationConfig::from_file(path).unwrap();
        let lines: Vec<String> = datasets(&config)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines[0],
            "typeinfo_benches::datasets::log::Log → pojo (per-type override)"
        );
        assert_eq!(
            lines[2],
            "typeinfo_benches::datasets::mesh::Triangle → pojo (default format)"
        );
    }

    #[test]
    fn overrides_and_serde_formats_are_explained() {
        let config = SerializationConfig::builder()
            .default_format(Format::Compact)
            .type_format("typeinfo_benches::datasets::mesh::Mesh", Format::JsonValue)
            .build()
            .unwrap();
        let lines: Vec<String> = datasets(&config)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
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
