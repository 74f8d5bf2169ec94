//! The main job: the comparison a user runs to choose a format. Every chosen format on
//! every chosen dataset (size, and serialize / deserialize / round-trip time per record)
//! and in every chosen engine job (records per millisecond), written as a report folder:
//! `report.md`, `results.json` and SVG charts.

pub mod args;
mod checkpoints;
pub mod jobs;
pub mod machine;
mod markdown;
pub mod micro;
mod state;
mod svg;
mod timely;

pub use args::ReportArgs;
pub use markdown::summary;

use crate::datasets::DatasetKind;
use crate::runner::JobKind;
use indicatif::{ProgressBar, ProgressStyle};
use machine::Machine;
use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// A median and its spread: p10 – p90 of many samples for timings, min – max of the
/// repeats for job throughput.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub median: f64,
    pub low: f64,
    pub high: f64,
    pub samples: usize,
}

impl Spread {
    /// The median and min – max of repeats; at least one.
    pub fn of_repeats(samples: impl IntoIterator<Item = f64>) -> Spread {
        let mut sorted: Vec<f64> = samples.into_iter().collect();
        assert!(!sorted.is_empty(), "a spread of no samples");
        sorted.sort_by(f64::total_cmp);
        Spread {
            median: sorted[sorted.len() / 2],
            low: sorted[0],
            high: sorted[sorted.len() - 1],
            samples: sorted.len(),
        }
    }
}

/// Everything a run found, as `results.json` holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub machine: Machine,
    /// The command line, as typed after the program name.
    pub command: String,
    pub settings: Settings,
    pub datasets: Vec<micro::FormatResult>,
    pub skipped: Vec<micro::Skipped>,
    /// The engine jobs with their state on the heap.
    pub jobs: Vec<jobs::JobResult>,
    /// etl again with its window state on disk, per format (`--state`).
    #[serde(default)]
    pub disk_state: Vec<jobs::JobResult>,
    /// etl again with checkpoints, per backend and format with snapshots (`--checkpoints`).
    #[serde(default)]
    pub checkpointed: Vec<jobs::JobResult>,
    /// The etl job on timely-dataflow, per channel.
    #[serde(default)]
    pub timely: Option<crate::timely_etl::compare::Comparison>,
}

/// What was run, resolved from the flags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub datasets: Vec<(DatasetKind, usize)>,
    pub jobs: Vec<(String, u64)>,
    pub formats: Vec<String>,
    pub rounds: usize,
    pub repeats: usize,
    pub parallelism: usize,
    pub zstd_level: i32,
}

/// Which formats a run measures.
#[derive(Debug, Clone)]
pub struct FormatFilter(Vec<String>);

impl FormatFilter {
    pub fn new(formats: impl IntoIterator<Item = impl Into<String>>) -> Self {
        FormatFilter(formats.into_iter().map(Into::into).collect())
    }

    pub fn admits(&self, format: &str) -> bool {
        self.0.iter().any(|f| f == format)
    }
}

/// The progress bar on a terminal; elsewhere (CI logs) one line per step.
pub struct Progress {
    bar: ProgressBar,
    terminal: bool,
}

impl Progress {
    pub fn new(steps: usize) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = if terminal {
            ProgressBar::new(steps as u64)
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:32}] {pos}/{len} {msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_length(steps as u64);
        Progress { bar, terminal }
    }

    pub fn step(&self, done: &str) {
        self.bar.inc(1);
        self.bar.set_message(done.to_owned());
        if !self.terminal {
            eprintln!(
                "[{}/{}] {done}",
                self.bar.position(),
                self.bar.length().unwrap_or(0)
            );
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Runs what `args` chose.
pub fn run(args: &ReportArgs, progress: &Progress) -> Result<Report, String> {
    let machine = Machine::current();
    let filter = FormatFilter::new(args.formats.iter().cloned());
    let mut datasets = Vec::new();
    let mut skipped = Vec::new();
    for &(kind, records) in &args.datasets {
        let (results, missing) = micro::measure(kind, records, &filter, args.rounds, progress)?;
        datasets.extend(results);
        skipped.extend(missing);
    }
    let (checkpointed, plain): (Vec<_>, Vec<_>) = jobs::measure(&args.job_plan(), progress)?
        .into_iter()
        .partition(|r| r.checkpoints.is_some());
    let (jobs, disk_state): (Vec<_>, Vec<_>) =
        plain.into_iter().partition(|r| r.state_backend == "heap");
    let timely = match args.timely_plan() {
        None => None,
        Some(plan) => Some(timely(&plan, progress)?),
    };
    progress.finish();
    Ok(Report {
        machine,
        command: args.command.clone(),
        settings: Settings {
            datasets: args.datasets.clone(),
            jobs: args
                .jobs
                .iter()
                .map(|&(job, records)| (job.name().to_owned(), records))
                .collect(),
            formats: args.formats.clone(),
            rounds: args.rounds,
            repeats: args.repeats,
            parallelism: args.parallelism,
            zstd_level: micro::ZSTD_LEVEL,
        },
        datasets,
        skipped,
        jobs,
        disk_state,
        checkpointed,
        timely,
    })
}

/// The timely comparison, in child processes of this binary.
fn timely(
    plan: &args::TimelyPlan,
    progress: &Progress,
) -> Result<crate::timely_etl::compare::Comparison, String> {
    let binary = std::env::current_exe()
        .map_err(|e| format!("cannot find this program to start timely's processes: {e}"))?;
    crate::timely_etl::compare::compare(
        &binary,
        &plan.channels,
        plan.records,
        plan.repeats,
        plan.rounds,
        std::time::Duration::from_secs(600),
        |done| progress.step(done),
    )
}

/// The number of progress steps `args` takes.
pub fn steps(args: &ReportArgs) -> usize {
    args.datasets.len() * crate::interleaved::Operation::ALL.len()
        + args.job_plan().runs()
        + args.timely_plan().map_or(0, |plan| plan.steps())
}

/// Writes the report folder; returns the files written.
pub fn write(report: &Report, dir: &Path) -> Result<Vec<PathBuf>, String> {
    let failed = |path: &Path, e: std::io::Error| format!("cannot write {}: {e}", path.display());
    std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
    let charts = markdown::charts(report);
    let mut files = vec![
        ("report.md".to_owned(), markdown::report(report, &charts)),
        (
            "results.json".to_owned(),
            serde_json::to_string_pretty(report).map_err(|e| e.to_string())? + "\n",
        ),
    ];
    files.extend(
        charts
            .into_iter()
            .map(|(name, chart)| (name, chart.render())),
    );
    files
        .into_iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| failed(&path, e))?;
            Ok(path)
        })
        .collect()
}

/// The job names a report takes: the engine jobs that compare formats.
pub const JOBS: [JobKind; 2] = [JobKind::Etl, JobKind::FlinkMini];
