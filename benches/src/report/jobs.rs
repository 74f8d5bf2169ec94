//! The engine part of a report: each chosen job in each engine format, repeated with the
//! formats taking turns (the order rotates every repeat), and a check that every format's
//! sinks saw the same result.

use super::{Progress, Spread};
use crate::runner::{JobKind, RunArgs};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use typeinfo_engine::JobReport;

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
}

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

    pub fn runs(&self) -> usize {
        let groups: usize = self
            .jobs
            .iter()
            .map(|&(job, _)| self.backends(job).len())
            .sum();
        groups * self.formats.len() * self.repeats
    }
}

/// Runs `plan`; fails on the first job error, or where two runs of a job (formats, state
/// backends) disagree on what the sinks saw. Results come in plan order, backend by backend.
pub fn measure(plan: &JobPlan, progress: &Progress) -> Result<Vec<JobResult>, String> {
    let mut results = Vec::new();
    for &(job, records) in &plan.jobs {
        let variants: Vec<(&str, &String)> = plan
            .backends(job)
            .iter()
            .flat_map(|&backend| plan.formats.iter().map(move |format| (backend, format)))
            .collect();
        let runs = variants
            .iter()
            .map(|&(backend, format)| run_args(job, format, backend, records, plan.parallelism))
            .collect::<Result<Vec<_>, String>>()?;
        let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); runs.len()];
        for repeat in 0..plan.repeats {
            for k in 0..runs.len() {
                let i = (repeat + k) % runs.len();
                let (backend, format) = variants[i];
                let what = match backend {
                    "heap" => format!("{} in {format}", job.name()),
                    _ => format!("{} in {format}, state on {backend}", job.name()),
                };
                let report = runs[i].run().map_err(|e| format!("{what}: {e}"))?;
                samples[i].push(Sample::of(&report));
                progress.step(&what);
            }
        }
        let job_results: Vec<JobResult> = variants
            .iter()
            .zip(&samples)
            .map(|(&(backend, format), samples)| {
                summarize(job, format, backend, records, plan.parallelism, samples)
            })
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
        }
    }
}

fn run_args(
    job: JobKind,
    format: &str,
    backend: &str,
    records: u64,
    parallelism: usize,
) -> Result<RunArgs, String> {
    let (records, parallelism) = (records.to_string(), parallelism.to_string());
    let args = [
        "--job",
        job.name(),
        "--format",
        format,
        "--records",
        &records,
        "--parallelism",
        &parallelism,
        "--state-backend",
        backend,
    ];
    RunArgs::parse(&args).map_err(|e| e.to_string())
}

fn summarize(
    job: JobKind,
    format: &str,
    backend: &str,
    records: u64,
    parallelism: usize,
    samples: &[Sample],
) -> JobResult {
    let last = samples.last().expect("every plan repeats at least once");
    JobResult {
        job: job.name().to_owned(),
        format: format.to_owned(),
        records,
        parallelism,
        ops_per_ms: Spread::of_repeats(samples.iter().map(|s| s.ops_per_ms)),
        network_bytes_per_record: last.network_bytes_per_record,
        sink_records: last.sink_records,
        checksum: last.checksum.clone(),
        state_backend: backend.to_owned(),
        state_bytes_written_per_record: last.state_bytes_written_per_record,
        state_bytes_read_per_record: last.state_bytes_read_per_record,
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
            let run = match result.state_backend.as_str() {
                "heap" => result.format.clone(),
                backend => format!("{} (state on {backend})", result.format),
            };
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
