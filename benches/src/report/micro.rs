//! The micro comparison of a report: every chosen format on one dataset, its size (raw and
//! after zstd) and its serialize, deserialize and round-trip times per record, timed with
//! the interleaved runner so the machine's slow phases hit every format alike.

use super::{FormatFilter, Progress, Spread};
use crate::contenders::{self, Contender, Dataset};
use crate::datasets::{DatasetKind, SEED, app_events, flink_mini, game_sessions, log, mesh};
use crate::interleaved::{self, Operation};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use typeinfo::HasTypeInfo;

/// The zstd level of the compressed sizes: zstd's default.
pub const ZSTD_LEVEL: i32 = 3;

/// The length each sample of a fast format aims for (slow ones take one call a sample).
const SAMPLE_TIME: Duration = Duration::from_millis(2);

/// One format on one dataset; times are nanoseconds per record, spread p10 – p90.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormatResult {
    pub dataset: DatasetKind,
    pub format: String,
    pub records: usize,
    /// The whole dataset encoded (records one after another where it travels per record).
    pub bytes: usize,
    /// `bytes` compressed with zstd at [`ZSTD_LEVEL`].
    pub zstd_bytes: usize,
    pub serialize: Spread,
    /// Through the plain API, a new vector per record; `None` where the contender has none.
    #[serde(default)]
    pub to_vec: Option<Spread>,
    pub deserialize: Spread,
    pub round_trip: Spread,
}

impl FormatResult {
    pub fn bytes_per_record(&self) -> f64 {
        self.bytes as f64 / self.records.max(1) as f64
    }

    pub fn zstd_bytes_per_record(&self) -> f64 {
        self.zstd_bytes as f64 / self.records.max(1) as f64
    }

    pub fn time(&self, operation: Operation) -> Option<&Spread> {
        match operation {
            Operation::Serialize => Some(&self.serialize),
            Operation::ToVec => self.to_vec.as_ref(),
            Operation::Deserialize => Some(&self.deserialize),
            Operation::RoundTrip => Some(&self.round_trip),
        }
    }
}

/// A requested format that could not run on a dataset, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub dataset: DatasetKind,
    pub format: String,
    pub reason: String,
}

/// Every format the micro comparison knows, in report order.
pub fn format_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = contenders::formats::<log::Logs>(Default::default())
        .iter()
        .map(|s| s.name())
        .collect();
    let after_avro = names.iter().position(|&n| n == "avro").map_or(0, |i| i + 1);
    names.insert(after_avro, "apache-avro");
    // Only datasets with generic fields have it (flink-mini).
    let after_pojo = names.iter().position(|&n| n == "pojo").map_or(0, |i| i + 1);
    names.insert(after_pojo, contenders::POJO_FACTORY);
    names.extend(["bitcode", "wincode", "rkyv"]);
    names
}

/// Generates `kind` with `records` records and measures every format `formats` admits.
pub fn measure(
    kind: DatasetKind,
    records: usize,
    formats: &FormatFilter,
    rounds: usize,
    progress: &Progress,
) -> Result<(Vec<FormatResult>, Vec<Skipped>), String> {
    with_lineup(kind, records, formats, |lineup| {
        run(kind, lineup, rounds, progress)
    })?
}

/// The contenders of a dataset that a filter admits, in report order, and those that
/// could not take the dataset, with the reason.
pub struct Lineup<'a> {
    pub contenders: Vec<Box<dyn Contender + 'a>>,
    pub skipped: Vec<(&'static str, String)>,
    /// Records in the dataset (for `log` and `mesh`, encoded as one value).
    pub records: usize,
}

/// Generates `kind` with `records` records and hands its lineup to `f`: what the report
/// and the criterion benches both time. `memcpy`, the speed limit of plain data, joins on
/// `mesh` where `formats` admits it.
pub fn with_lineup<R>(
    kind: DatasetKind,
    records: usize,
    formats: &FormatFilter,
    f: impl FnOnce(Lineup<'_>) -> R,
) -> Result<R, String> {
    Ok(match kind {
        DatasetKind::Log => {
            let data = log::generate(SEED, records);
            let all = contenders::all(&data, false);
            f(lineup(all, core::slice::from_ref(&data), records, formats)?)
        }
        DatasetKind::Mesh => {
            let data = mesh::generate(SEED, records);
            let all = contenders::all(&data, formats.admits("memcpy"));
            f(lineup(all, core::slice::from_ref(&data), records, formats)?)
        }
        DatasetKind::AppEvents => {
            per_record(app_events::generate(SEED, records).sessions, formats, f)?
        }
        DatasetKind::GameSessions => {
            per_record(game_sessions::generate(SEED, records).sessions, formats, f)?
        }
        DatasetKind::FlinkMini => {
            per_record(flink_mini::generate(SEED, records).events, formats, f)?
        }
    })
}

/// The lineup of a dataset encoded record by record.
fn per_record<T: Dataset + HasTypeInfo, R>(
    data: Vec<T>,
    formats: &FormatFilter,
    f: impl FnOnce(Lineup<'_>) -> R,
) -> Result<R, String> {
    let all = contenders::per_record(&data);
    Ok(f(lineup(all, &data, data.len(), formats)?))
}

/// apache-avro goes after avro where it takes the records (or the whole dataset as one
/// datum); where it does not, the reason is kept.
fn lineup<'a, T: Dataset + HasTypeInfo>(
    all: Result<Vec<Box<dyn Contender + 'a>>, String>,
    apache_avro_input: &'a [T],
    records: usize,
    formats: &FormatFilter,
) -> Result<Lineup<'a>, String> {
    let mut contenders = all?;
    contenders.retain(|c| formats.admits(c.name()));
    let mut skipped = Vec::new();
    if formats.admits("apache-avro") {
        match contenders::apache_avro(apache_avro_input) {
            Ok(contender) => {
                let at = contenders
                    .iter()
                    .position(|c| c.name() == "avro")
                    .map_or(0, |i| i + 1);
                contenders.insert(at, contender);
            }
            Err(reason) => skipped.push(("apache-avro", innermost(&reason))),
        }
    }
    Ok(Lineup {
        contenders,
        skipped,
        records,
    })
}

/// The last cause of an apache-avro error: its messages nest the debug print of the whole
/// schema, which says nothing a reader of the report needs.
fn innermost(reason: &str) -> String {
    match reason.rsplit_once("}: ") {
        Some((_, cause)) => format!("apache-avro: {cause}"),
        None => reason.to_owned(),
    }
}

fn run(
    kind: DatasetKind,
    mut lineup: Lineup<'_>,
    rounds: usize,
    progress: &Progress,
) -> Result<(Vec<FormatResult>, Vec<Skipped>), String> {
    let records = lineup.records;
    let all = &mut lineup.contenders;
    let mut times = Vec::new();
    for operation in Operation::ALL {
        times.push(interleaved::run(all, operation, rounds, SAMPLE_TIME));
        progress.step(&format!("{}: {}", kind.name(), operation.name()));
    }
    let time = |operation: Operation, i: usize| {
        let at = Operation::ALL.iter().position(|&o| o == operation);
        &times[at.expect("every operation is timed")][i]
    };
    let per_record = |t: &interleaved::Timing| Spread {
        median: t.median() * 1e9 / records as f64,
        low: t.quantile(0.1) * 1e9 / records as f64,
        high: t.quantile(0.9) * 1e9 / records as f64,
        samples: t.samples(),
    };
    let results = all
        .iter()
        .enumerate()
        .map(|(i, contender)| {
            let encoded = contender.encoded();
            let zstd_bytes = zstd::bulk::compress(encoded, ZSTD_LEVEL)
                .map_err(|e| format!("{}: zstd failed: {e}", kind.name()))?
                .len();
            Ok(FormatResult {
                dataset: kind,
                format: contender.name().to_owned(),
                records,
                bytes: encoded.len(),
                zstd_bytes,
                serialize: per_record(time(Operation::Serialize, i)),
                to_vec: contender
                    .has_to_vec()
                    .then(|| per_record(time(Operation::ToVec, i))),
                deserialize: per_record(time(Operation::Deserialize, i)),
                round_trip: per_record(time(Operation::RoundTrip, i)),
            })
        })
        .collect::<Result<_, String>>()?;
    let skipped = lineup
        .skipped
        .into_iter()
        .map(|(format, reason)| Skipped {
            dataset: kind,
            format: format.to_owned(),
            reason,
        })
        .collect();
    Ok((results, skipped))
}
