//! The main job's settings from its flags ([`ReportFlags`]), with every default filled in.

use super::jobs::JobPlan;
use super::{JOBS, micro};
use crate::cli::ReportFlags;
use crate::datasets::DatasetKind;
use crate::jobs::JobFormat;
use crate::runner::JobKind;
use crate::timely_etl::Channel;
use std::path::PathBuf;

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
    /// Whether the etl job also runs on timely-dataflow, per channel.
    pub timely: bool,
    /// Whether etl also runs with its window state on disk.
    pub disk_state: bool,
    /// Whether etl runs again with checkpoints.
    pub checkpoints: bool,
    pub out: PathBuf,
}

/// The timely comparison a run makes: the etl job on timely in each chosen channel.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelyPlan {
    pub channels: Vec<&'static str>,
    pub records: u64,
    pub repeats: usize,
    /// Rounds of the per-record channel costs.
    pub rounds: usize,
}

impl TimelyPlan {
    /// Progress steps: every run, then the costs.
    pub fn steps(&self) -> usize {
        self.channels.len() * crate::timely_etl::compare::TOPOLOGIES.len() * self.repeats + 1
    }
}

/// Every format name the main job knows: the micro comparison's, then the engine's others.
pub fn all_formats() -> Vec<String> {
    let mut names: Vec<String> = micro::format_names()
        .into_iter()
        .map(String::from)
        .collect();
    for name in JobFormat::names().into_iter().chain(Channel::names()) {
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
    /// The settings the flags give, with every default filled in; `args` is the command
    /// line the report records.
    pub fn from_flags(flags: ReportFlags, args: &[&str]) -> Result<Self, clap::Error> {
        let ReportFlags {
            quick,
            datasets,
            formats,
            jobs,
            records,
            job_records,
            rounds,
            repeats,
            parallelism,
            timely,
            state,
            checkpoints,
            out,
        } = flags;
        let (datasets, formats, jobs) = (
            datasets.map(|l| l.0),
            formats.map(|l| l.0),
            jobs.map(|l| l.0),
        );
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
            return Err(crate::cli::refuse(
                Some("report"),
                "--datasets none and --jobs none leave nothing to run",
            ));
        }
        Ok(ReportArgs {
            command: args.join(" "),
            datasets,
            formats: formats.unwrap_or_else(all_formats),
            jobs,
            rounds: rounds.unwrap_or(if quick { 3 } else { 15 }),
            repeats: repeats.unwrap_or(if quick { 1 } else { 3 }),
            parallelism: parallelism.unwrap_or(4),
            timely: timely != Some(crate::cli::Switch::Off),
            disk_state: state != Some(crate::cli::Switch::Off),
            checkpoints: checkpoints != Some(crate::cli::Switch::Off),
            out: out.unwrap_or_else(|| PathBuf::from("target/typeinfo-report")),
        })
    }

    /// The timely comparison: with the etl job, in every chosen channel.
    pub fn timely_plan(&self) -> Option<TimelyPlan> {
        let &(_, records) = self.jobs.iter().find(|(job, _)| *job == JobKind::Etl)?;
        let channels: Vec<&'static str> = Channel::names()
            .into_iter()
            .filter(|c| self.formats.iter().any(|f| f == c))
            .collect();
        (self.timely && !channels.is_empty()).then_some(TimelyPlan {
            channels,
            records,
            repeats: self.repeats,
            rounds: self.rounds,
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
            disk_state: self.disk_state,
            checkpoints: self.checkpoints,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::report_args;

    impl ReportArgs {
        fn parse(args: &[&str]) -> Result<Self, String> {
            report_args(args).map_err(|e| e.to_string())
        }
    }

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
        // etl on the heap and on disk, each again with checkpoints in the formats with
        // snapshots (pojo, compact, kryo, kryo-unregistered, avro); flink-mini on the heap.
        let snapshots = JobFormat::names()
            .into_iter()
            .filter(|f| crate::jobs::etl::state_has_snapshots(f))
            .count();
        assert_eq!(snapshots, 5);
        assert_eq!(
            plan.runs(),
            (3 * JobFormat::names().len() + 2 * snapshots) * 3
        );
        let heap_only = ReportArgs::parse(&["--state", "off"]).unwrap().job_plan();
        assert_eq!(
            heap_only.runs(),
            (2 * JobFormat::names().len() + snapshots) * 3
        );
        let plain = ReportArgs::parse(&["--state", "off", "--checkpoints", "off"])
            .unwrap()
            .job_plan();
        assert_eq!(plain.runs(), 2 * JobFormat::names().len() * 3);
        let mini = ReportArgs::parse(&["--jobs", "flink-mini"])
            .unwrap()
            .job_plan();
        assert_eq!(
            mini.runs(),
            JobFormat::names().len() * 3,
            "no keyed state to move"
        );
        // etl also runs on timely, in every channel, in 1 and 2 processes.
        let timely = args.timely_plan().unwrap();
        assert_eq!(timely.channels, Channel::names());
        assert_eq!((timely.records, timely.repeats), (300_000, 3));
        assert_eq!(timely.steps(), Channel::names().len() * 2 * 3 + 1);
    }

    #[test]
    fn timely_runs_with_etl_in_the_chosen_channels_unless_switched_off() {
        let plan = |args: &[&str]| ReportArgs::parse(args).unwrap().timely_plan();
        let chosen = plan(&["--formats", "pojo,json,timely-bincode"]).unwrap();
        assert_eq!(chosen.channels, ["timely-bincode", "pojo"]);
        assert_eq!(plan(&["--timely", "off"]), None);
        assert_eq!(plan(&["--jobs", "flink-mini"]), None);
        assert_eq!(plan(&["--formats", "json,bincode-serde"]), None);
        assert!(
            ReportArgs::parse(&["--timely", "maybe"])
                .unwrap_err()
                .contains("on")
        );
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
        assert!(refused(&["--formats", "pojo,protobuf"]).contains("`protobuf` is not one of"));
        assert!(refused(&["--formats", "x"]).contains("bitcode"));
        assert!(refused(&["--datasets", "logs"]).contains("game-sessions"));
        assert!(refused(&["--jobs", "transfer"]).contains("moves bytes"));
        assert!(refused(&["--rounds", "0"]).contains("from 1 to 1000"));
        assert!(refused(&["--records"]).contains("a value is required for '--records <N>'"));
        assert!(refused(&["--fast"]).contains("unexpected argument '--fast'"));
        assert!(refused(&["--datasets", "none", "--jobs", "none"]).contains("nothing to run"));
    }
}
