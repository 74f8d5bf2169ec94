//! The main job's flags, each checked, with an error that says what is allowed.

use super::jobs::JobPlan;
use super::{JOBS, micro};
use crate::datasets::DatasetKind;
use crate::jobs::JobFormat;
use crate::runner::JobKind;
use std::path::PathBuf;

pub const USAGE: &str =
    "typeinfo [--quick] [--datasets LIST|none] [--formats LIST] [--jobs LIST|none]
         [--records N] [--job-records N] [--rounds N] [--repeats N]
         [--parallelism N] [--out DIR]

The main job: every format on the built-in datasets (log, mesh, app-events, game-sessions,
flink-mini: size raw and after zstd, serialize / deserialize / round-trip time per record,
median and p10–p90 over --rounds interleaved rounds, default 15) and in the engine jobs
(etl: 300,000 uploads; flink-mini: 1,000,000 records; parallelism 4; median and min–max
over --repeats runs, default 3). Writes report.md, results.json and SVG charts to --out
(default target/typeinfo-report) and prints a summary. LISTs are comma-separated names;
--records sets every dataset's size (default: each its reference size, mesh 25,000);
--quick: 3 rounds, 1 repeat, datasets at 1/20 and jobs at 50,000 records.";

/// The flags that take a value.
const FLAGS: &[&str] = &[
    "--datasets",
    "--formats",
    "--jobs",
    "--records",
    "--job-records",
    "--rounds",
    "--repeats",
    "--parallelism",
    "--out",
];

/// The main job's settings.
#[derive(Debug, Clone)]
pub struct ReportArgs {
    pub command: String,
    pub datasets: Vec<(DatasetKind, usize)>,
    pub formats: Vec<String>,
    pub jobs: Vec<(JobKind, u64)>,
    pub rounds: usize,
    pub repeats: usize,
    pub parallelism: usize,
    pub out: PathBuf,
}

fn error(flag: &str, value: &str, allowed: &str) -> String {
    format!("invalid value `{value}` for {flag}: allowed are {allowed}")
}

fn number<N: std::str::FromStr + PartialOrd + Copy + std::fmt::Display>(
    flag: &str,
    value: &str,
    min: N,
    max: N,
) -> Result<N, String> {
    match value.replace('_', "").parse::<N>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(error(
            flag,
            value,
            &format!("whole numbers from {min} to {max}"),
        )),
    }
}

/// Comma-separated names, each parsed; `none` is the empty list.
fn list<T: PartialEq>(
    flag: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &str,
) -> Result<Vec<T>, String> {
    if value == "none" {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for name in value.split(',').map(str::trim) {
        let item = parse(name).ok_or_else(|| error(flag, name, allowed))?;
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(out)
}

/// Every format name the main job knows: the micro comparison's, then the engine's others.
pub fn all_formats() -> Vec<String> {
    let mut names: Vec<String> = micro::format_names()
        .into_iter()
        .map(String::from)
        .collect();
    for name in JobFormat::names() {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

fn default_records(kind: DatasetKind) -> usize {
    match kind {
        // The reference 125,000 triangles take json-value seconds per call.
        DatasetKind::Mesh => 25_000,
        other => other.default_len(),
    }
}

fn default_job_records(job: JobKind) -> u64 {
    match job {
        JobKind::Etl => 300_000,
        _ => 1_000_000,
    }
}

impl ReportArgs {
    pub fn parse(args: &[&str]) -> Result<Self, String> {
        let (mut quick, mut datasets, mut formats, mut jobs) = (false, None, None, None);
        let (mut records, mut job_records, mut rounds, mut repeats) = (None, None, None, None);
        let (mut parallelism, mut out) = (4, PathBuf::from("target/typeinfo-report"));
        let formats_allowed = all_formats();
        let mut rest = args;
        while let [flag, tail @ ..] = rest {
            if *flag == "--quick" {
                quick = true;
                rest = tail;
                continue;
            }
            if !FLAGS.contains(flag) {
                return Err(format!(
                    "unknown argument `{flag}`; the main job takes --quick, {}",
                    FLAGS.join(", ")
                ));
            }
            let [value, tail @ ..] = tail else {
                return Err(format!("{flag} needs a value"));
            };
            rest = tail;
            match *flag {
                "--datasets" => {
                    let names: Vec<&str> = DatasetKind::ALL.iter().map(|d| d.name()).collect();
                    let allowed = format!("{} or none", names.join(", "));
                    datasets = Some(list(flag, value, DatasetKind::parse, &allowed)?);
                }
                "--formats" => {
                    let known = |name: &str| formats_allowed.iter().find(|f| *f == name).cloned();
                    formats = Some(list(flag, value, known, &formats_allowed.join(", "))?);
                }
                "--jobs" => {
                    let parse = |name: &str| JOBS.into_iter().find(|j| j.name() == name);
                    let allowed = "etl, flink-mini or none (transfer moves bytes, not \
                                   records in a format: `typeinfo run --job transfer`)";
                    jobs = Some(list(flag, value, parse, allowed)?);
                }
                "--records" => records = Some(number(flag, value, 1usize, 10_000_000)?),
                "--job-records" => job_records = Some(number(flag, value, 1u64, 1 << 32)?),
                "--rounds" => rounds = Some(number(flag, value, 1usize, 1000)?),
                "--repeats" => repeats = Some(number(flag, value, 1usize, 100)?),
                "--parallelism" => parallelism = number(flag, value, 1usize, 256)?,
                "--out" => out = PathBuf::from(value),
                _ => unreachable!("every flag in FLAGS has an arm"),
            }
        }
        let scale = |n: usize| if quick { (n / 20).max(1) } else { n };
        let datasets: Vec<(DatasetKind, usize)> = datasets
            .unwrap_or_else(|| DatasetKind::ALL.to_vec())
            .into_iter()
            .map(|kind| {
                (
                    kind,
                    records.unwrap_or_else(|| scale(default_records(kind))),
                )
            })
            .collect();
        let jobs: Vec<(JobKind, u64)> = jobs
            .unwrap_or_else(|| JOBS.to_vec())
            .into_iter()
            .map(|job| {
                let default = if quick {
                    50_000
                } else {
                    default_job_records(job)
                };
                (job, job_records.unwrap_or(default))
            })
            .collect();
        if datasets.is_empty() && jobs.is_empty() {
            return Err("--datasets none and --jobs none leave nothing to run".into());
        }
        Ok(ReportArgs {
            command: args.join(" "),
            datasets,
            formats: formats.unwrap_or(formats_allowed),
            jobs,
            rounds: rounds.unwrap_or(if quick { 3 } else { 15 }),
            repeats: repeats.unwrap_or(if quick { 1 } else { 3 }),
            parallelism,
            out,
        })
    }

    /// The engine runs: each job in every chosen format the engine has.
    pub fn job_plan(&self) -> JobPlan {
        let engine = JobFormat::names();
        JobPlan {
            jobs: self.jobs.clone(),
            formats: self
                .formats
                .iter()
                .filter(|f| engine.contains(&f.as_str()))
                .cloned()
                .collect(),
            parallelism: self.parallelism,
            repeats: self.repeats,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_cover_everything() {
        let args = ReportArgs::parse(&[]).unwrap();
        assert_eq!(args.datasets.len(), 5);
        assert_eq!(
            args.jobs,
            [(JobKind::Etl, 300_000), (JobKind::FlinkMini, 1_000_000)]
        );
        assert_eq!(args.formats, all_formats());
        for format in [
            "pojo",
            "apache-avro",
            "bitcode",
            "postcard",
            "kryo-unregistered",
        ] {
            assert!(args.formats.iter().any(|f| f == format), "{format}");
        }
        // postcard, bitcode, apache-avro and kryo-serde are not engine formats.
        let plan = args.job_plan();
        assert_eq!(plan.formats.len(), JobFormat::names().len());
        assert_eq!(plan.runs(), 2 * JobFormat::names().len() * 3);
    }

    #[test]
    fn quick_scales_down_and_explicit_flags_win() {
        let args =
            ReportArgs::parse(&["--rounds", "7", "--quick", "--datasets", "log,mesh"]).unwrap();
        assert_eq!(args.rounds, 7);
        assert_eq!(args.repeats, 1);
        assert_eq!(
            args.datasets,
            [(DatasetKind::Log, 500), (DatasetKind::Mesh, 1250)]
        );
        assert_eq!(args.jobs[0].1, 50_000);
    }

    #[test]
    fn refusals_say_what_is_allowed() {
        let refused = |args: &[&str]| ReportArgs::parse(args).unwrap_err();
        assert!(refused(&["--formats", "pojo,protobuf"]).contains("`protobuf`"));
        assert!(refused(&["--formats", "x"]).contains("bitcode"));
        assert!(refused(&["--datasets", "logs"]).contains("game-sessions"));
        assert!(refused(&["--jobs", "transfer"]).contains("moves bytes"));
        assert!(refused(&["--rounds", "0"]).contains("from 1 to 1000"));
        assert!(refused(&["--records"]).contains("needs a value"));
        assert!(refused(&["--fast"]).contains("unknown argument `--fast`"));
        assert!(refused(&["--datasets", "none", "--jobs", "none"]).contains("nothing to run"));
    }
}
