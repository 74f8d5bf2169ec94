//! For each built-in dataset: its type's descriptor, and its size in every compared format
//! after a round trip checked for equality (what the size goals are tested on).

use crate::contenders::{self, Dataset};
use typeinfo::{HasTypeInfo, TypeInfo};

/// The findings for one dataset.
#[derive(Debug, Clone)]
pub struct SampleReport {
    pub dataset: &'static str,
    pub records: usize,
    pub record_type: &'static TypeInfo,
    /// Each format's name and encoded size of the whole dataset, in report order; every one
    /// decoded back to an equal value.
    pub sizes: Vec<(&'static str, usize)>,
}

impl SampleReport {
    /// The encoded size in `format`.
    pub fn size(&self, format: &str) -> Option<usize> {
        self.sizes
            .iter()
            .find(|(name, _)| *name == format)
            .map(|&(_, bytes)| bytes)
    }
}

/// Encodes `value` (a dataset of `records` records of type `R`) in every format and checks
/// each round trip.
pub fn inspect<R: HasTypeInfo, T: Dataset>(
    dataset: &'static str,
    records: usize,
    value: &T,
) -> Result<SampleReport, String> {
    let all = contenders::all(value, false).map_err(|e| format!("{dataset}: {e}"))?;
    Ok(SampleReport {
        dataset,
        records,
        record_type: R::type_info(),
        sizes: all.iter().map(|c| (c.name(), c.bytes())).collect(),
    })
}

/// Encodes each of `records` on its own in every format and checks each round trip.
pub fn inspect_per_record<T: Dataset + HasTypeInfo>(
    dataset: &'static str,
    records: &[T],
) -> Result<SampleReport, String> {
    let all = contenders::per_record(records).map_err(|e| format!("{dataset}: {e}"))?;
    Ok(SampleReport {
        dataset,
        records: records.len(),
        record_type: T::type_info(),
        sizes: all.iter().map(|c| (c.name(), c.bytes())).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{SEED, log, mesh};

    #[test]
    fn small_samples_round_trip_in_every_format() {
        let report = inspect::<log::Log, _>("log", 50, &log::generate(SEED, 50)).unwrap();
        assert_eq!(report.sizes.len(), 17);
        let report = inspect::<mesh::Triangle, _>("mesh", 10, &mesh::generate(SEED, 10)).unwrap();
        // A length prefix and 48 raw bytes per triangle.
        assert_eq!(report.size("pojo"), Some(4 + 10 * 48));
    }

    /// The size goal of `compact`: never larger than postcard, the reference varint format.
    #[test]
    fn compact_is_no_larger_than_postcard_on_the_full_datasets() {
        let logs = log::generate(SEED, log::DEFAULT_LEN);
        let report = inspect::<log::Log, _>("log", logs.logs.len(), &logs).unwrap();
        assert!(
            report.size("compact") <= report.size("postcard"),
            "{:?}",
            report.sizes
        );
        let mesh = mesh::generate(SEED, 1000);
        let report = inspect::<mesh::Triangle, _>("mesh", 1000, &mesh).unwrap();
        assert!(
            report.size("compact") <= report.size("postcard"),
            "{:?}",
            report.sizes
        );
    }

    /// The size goal of `compact` against the smallest peer: at most 5 % above bitcode's
    /// bytes on every dataset, raw (sizes are deterministic, so this is a test, not a
    /// benchmark).
    #[test]
    fn compact_is_within_five_percent_of_bitcode_on_every_dataset() {
        use crate::datasets::{app_events, flink_mini, game_sessions};
        let logs = log::generate(SEED, log::DEFAULT_LEN);
        let mesh = mesh::generate(SEED, 2000);
        let reports = [
            inspect::<log::Log, _>("log", logs.logs.len(), &logs).unwrap(),
            inspect::<mesh::Triangle, _>("mesh", 2000, &mesh).unwrap(),
            inspect_per_record("app-events", &app_events::generate(SEED, 1000).sessions).unwrap(),
            inspect_per_record(
                "game-sessions",
                &game_sessions::generate(SEED, 1000).sessions,
            )
            .unwrap(),
            inspect_per_record("flink-mini", &flink_mini::generate(SEED, 1000).events).unwrap(),
        ];
        for report in reports {
            let (compact, bitcode) = (report.size("compact"), report.size("bitcode"));
            let (compact, bitcode) = (compact.unwrap(), bitcode.unwrap());
            assert!(
                compact * 100 <= bitcode * 105,
                "{}: compact {compact} bytes, bitcode {bitcode}",
                report.dataset
            );
        }
    }

    /// Per record, a registered class writes an id where an unregistered one writes its
    /// name, every record.
    #[test]
    fn registered_kryo_is_smaller_per_record() {
        use crate::datasets::flink_mini;
        let events = flink_mini::generate(SEED, 100);
        let report = inspect_per_record("events", &events.events).unwrap();
        let (registered, by_name) = (
            report.size("kryo").unwrap(),
            report.size("kryo-unregistered").unwrap(),
        );
        // "Event" and "Operation" once per record: at least 6 + 10 bytes more each.
        assert!(
            by_name >= registered + 100 * 16,
            "{registered} vs {by_name}"
        );
    }

    #[test]
    fn datasets_are_deterministic() {
        assert_eq!(log::generate(SEED, 20), log::generate(SEED, 20));
        assert_ne!(log::generate(SEED, 20), log::generate(SEED + 1, 20));
        assert_eq!(mesh::generate(SEED, 20), mesh::generate(SEED, 20));
    }
}
