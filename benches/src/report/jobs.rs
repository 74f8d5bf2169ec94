//! The engine part of a report: each chosen job in each engine format, repeated with the
//! formats taking turns (the order rotates every repeat), and a check that every format's
//! sinks saw the same result.

use super::{Progress, Spread};
use crate::jobs::etl;
use crate::runner::{JobKind, RunArgs};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use typeinfo_engine::JobReport;
use typeinfo_engine::checkpoint::CheckpointStats;

/// One job in one format; throughput in source records per millisecond, spread min – max
/// over the repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobResult {
    pub job: String,
    pub format: String,
    pub records: u64,
    pub parallelism: usize,
    pub ops_per_ms: Spread,
    /// Bytes written to every network edge, per source record.
    pub network_bytes_per_record: f64,
    pub sink_records: u64,
    /// The sinks' order-independent checksum, equal for every format and state backend of a
    /// job (checked).
    pub checksum: String,
    /// Where the job's keyed state lived: `heap` or `disk`.
    #[serde(default = "heap")]
    pub state_backend: String,
    /// Bytes keyed state wrote and read per source record (0 on the heap).
    #[serde(default)]
    pub state_bytes_written_per_record: f64,
    #[serde(default)]
    pub state_bytes_read_per_record: f64,
    /// With checkpoints every [`CHECKPOINT_INTERVAL_MS`]: what they did (last repeat).
    #[serde(default)]
    pub checkpoints: Option<CheckpointResult>,
}

/// What a run's checkpoints did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointResult {
    pub interval_ms: u64,
    pub completed: u64,
    /// From a checkpoint's first acknowledgement to its completion, mean and most.
    pub duration_mean_ms: f64,
    pub duration_max_ms: f64,
    /// The state files of a checkpoint, mean over the run's.
    pub bytes_mean: f64,
}

/// How often the report's checkpointed runs checkpoint: often enough that a run of a few
/// hundred thousand records completes several.
pub const CHECKPOINT_INTERVAL_MS: u64 = 100;

fn heap() -> String {
    "heap".into()
}

/// What the engine part runs.
#[derive(Debug, Clone)]
pub struct JobPlan {
    pub jobs: Vec<(JobKind, u64)>,
    pub formats: Vec<String>,
    pub parallelism: usize,
    pub repeats: usize,
    /// Whether etl runs again with its window state on the disk backend.
    pub disk_state: bool,
    /// Whether etl runs again with checkpoints, on each backend, in every format that has
    /// snapshots.
    pub checkpoints: bool,
}

/// One run of a plan's job: where its state lives, its format, whether it checkpoints.
#[derive(Debug, Clone, Copy)]
struct Variant<'a> {
    backend: &'static str,
    format: &'a str,
    checkpoints: bool,
}

impl Variant<'_> {
    fn describe(&self, job: JobKind) -> String {
        let mut what = format!("{} in {}", job.name(), self.format);
        if self.backend != "heap" {
            let _ = write!(what, ", state on {}", self.backend);
        }
        if self.checkpoints {
            let _ = write!(what, ", checkpoints every {CHECKPOINT_INTERVAL_MS} ms");
        }
        what
    }
}

impl JobPlan {
    /// The state backends `job` runs on.
    fn backends(&self, job: JobKind) -> &'static [&'static str] {
        if job == JobKind::Etl && self.disk_state {
            &["heap", "disk"]
        } else {
            &["heap"]
        }
    }

    /// Every run of `job`, backend by backend; checkpointed runs after the plain ones.
    fn variants(&self, job: JobKind) -> Vec<Variant<'_>> {
        let plain = self.backends(job).iter().flat_map(|&backend| {
            self.formats.iter().map(move |format| Variant {
                backend,
                format,
                checkpoints: false,
            })
        });
        let checkpointed = (job == JobKind::Etl && self.checkpoints)
            .then(|| {
                self.backends(job).iter().flat_map(|&backend| {
                    self.formats
                        .iter()
                        .filter(|f| etl::state_has_snapshots(f))
                        .map(move |format| Variant {
                            backend,
                            format,
                            checkpoints: true,
                        })
                })
            })
            .into_iter()
            .flatten();
        plain.chain(checkpointed).collect()
    }

    pub fn runs(&self) -> usize {
        let groups: usize = self
            .jobs
            .iter()
            .map(|&(job, _)| self.variants(job).len())
            .sum();
        groups * self.repeats
    }
}

/// Runs `plan`; fails on the first job error, or where two runs of a job (formats, state
/// backends) disagree on what the sinks saw. Results come in plan order, backend by backend.
pub fn measure(plan: &JobPlan, progress: &Progress) -> Result<Vec<JobResult>, String> {
    let mut results = Vec::new();
    for &(job, records) in &plan.jobs {
        let variants = plan.variants(job);
        let dirs: Vec<Option<PathBuf>> = (0..variants.len())
            .map(|i| {
                variants[i].checkpoints.then(|| {
                    std::env::temp_dir().join(format!(
                        "typeinfo-report-checkpoints-{}-{i}",
                        std::process::id()
                    ))
                })
            })
            .collect();
        let runs = variants
            .iter()
            .zip(&dirs)
            .map(|(v, dir)| run_args(job, v, dir.as_deref(), records, plan.parallelism))
            .collect::<Result<Vec<_>, String>>()?;
        let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); runs.len()];
        for repeat in 0..plan.repeats {
            for k in 0..runs.len() {
                let i = (repeat + k) % runs.len();
                let what = variants[i].describe(job);
                if let Some(dir) = &dirs[i] {
                    let _ = std::fs::remove_dir_all(dir);
                }
                let report = runs[i].run().map_err(|e| format!("{what}: {e}"));
                if let Some(dir) = &dirs[i] {
                    let _ = std::fs::remove_dir_all(dir);
                }
                samples[i].push(Sample::of(&report?));
                progress.step(&what);
            }
        }
        let job_results: Vec<JobResult> = variants
            .iter()
            .zip(&samples)
            .map(|(v, samples)| summarize(job, v, records, plan.parallelism, samples))
            .collect();
        same_result(job, &job_results, &samples)?;
        results.extend(job_results);
    }
    Ok(results)
}

#[derive(Debug, Clone)]
struct Sample {
    ops_per_ms: f64,
    network_bytes_per_record: f64,
    sink_records: u64,
    checksum: String,
    state_bytes_written_per_record: f64,
    state_bytes_read_per_record: f64,
    checkpoints: CheckpointStats,
}

impl Sample {
    fn of(report: &JobReport) -> Sample {
        let records = report.source_records.max(1) as f64;
        let network_bytes: u64 = report.edges.iter().map(|e| e.output.bytes).sum();
        Sample {
            ops_per_ms: report.source_records as f64
                / report.elapsed.as_secs_f64().max(1e-9)
                / 1000.0,
            network_bytes_per_record: network_bytes as f64 / records,
            sink_records: report.sink.records,
            checksum: format!("{:016x}", report.sink.checksum),
            state_bytes_written_per_record: report.state.bytes_written as f64 / records,
            state_bytes_read_per_record: report.state.bytes_read as f64 / records,
            checkpoints: report.checkpoints.clone(),
        }
    }
}

fn run_args(
    job: JobKind,
    variant: &Variant<'_>,
    checkpoints: Option<&Path>,
    records: u64,
    parallelism: usize,
) -> Result<RunArgs, String> {
    let (records, parallelism) = (records.to_string(), parallelism.to_string());
    let mut args = vec![
        "--job",
        job.name(),
        "--format",
        variant.format,
        "--records",
        &records,
        "--parallelism",
        &parallelism,
        "--state-backend",
        variant.backend,
    ];
    let interval = CHECKPOINT_INTERVAL_MS.to_string();
    let dir = checkpoints.map(|d| d.display().to_string());
    if let Some(dir) = &dir {
        args.extend(["--checkpoint-interval", &interval, "--checkpoint-dir", dir]);
    }
    RunArgs::parse(&args).map_err(|e| e.to_string())
}

fn summarize(
    job: JobKind,
    variant: &Variant<'_>,
    records: u64,
    parallelism: usize,
    samples: &[Sample],
) -> JobResult {
    let last = samples.last().expect("every plan repeats at least once");
    let c = &last.checkpoints;
    JobResult {
        job: job.name().to_owned(),
        format: variant.format.to_owned(),
        records,
        parallelism,
        ops_per_ms: Spread::of_repeats(samples.iter().map(|s| s.ops_per_ms)),
        network_bytes_per_record: last.network_bytes_per_record,
        sink_records: last.sink_records,
        checksum: last.checksum.clone(),
        state_backend: variant.backend.to_owned(),
        state_bytes_written_per_record: last.state_bytes_written_per_record,
        state_bytes_read_per_record: last.state_bytes_read_per_record,
        checkpoints: variant.checkpoints.then(|| CheckpointResult {
            interval_ms: CHECKPOINT_INTERVAL_MS,
            completed: c.completed,
            duration_mean_ms: c.duration_total.as_secs_f64() * 1e3 / c.completed.max(1) as f64,
            duration_max_ms: c.duration_max.as_secs_f64() * 1e3,
            bytes_mean: c.bytes_total as f64 / c.completed.max(1) as f64,
        }),
    }
}

/// Every run of a job, in every format, delivered the same records to its sinks.
fn same_result(job: JobKind, results: &[JobResult], samples: &[Vec<Sample>]) -> Result<(), String> {
    let mut seen: BTreeMap<(&str, u64), Vec<String>> = BTreeMap::new();
    for (result, samples) in results.iter().zip(samples) {
        for sample in samples {
            let runs = seen
                .entry((sample.checksum.as_str(), sample.sink_records))
                .or_default();
            let mut run = match result.state_backend.as_str() {
                "heap" => result.format.clone(),
                backend => format!("{} (state on {backend})", result.format),
            };
            if result.checkpoints.is_some() {
                run.push_str(" with checkpoints");
            }
            if !runs.contains(&run) {
                runs.push(run);
            }
        }
    }
    if seen.len() > 1 {
        let outcomes: Vec<String> = seen
            .iter()
            .map(|((checksum, records), formats)| {
                format!(
                    "{} gave {records} records, checksum {checksum}",
                    formats.join(", ")
                )
            })
            .collect();
        return Err(format!(
            "{}: the formats disagree on the result: {}",
            job.name(),
            outcomes.join("; ")
        ));
    }
    Ok(())
}
