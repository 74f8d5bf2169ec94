//! `typeinfo run`: one engine job in one format, with every flag checked, and its metrics.

use crate::cli::{Partitioning, RunFlags, Switch, TransportKind};
use crate::jobs::{JobFormat, etl, flink_mini, transfer};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;
use typeinfo_engine::checkpoint::CheckpointConfig;
use typeinfo_engine::{
    EngineError, JobGraph, JobReport, NetworkConfig, StateBackend, Transport, WorkerArgs,
    WorkerCommand,
};

/// The built-in jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JobKind {
    FlinkMini,
    Etl,
    Transfer,
}

impl JobKind {
    pub const ALL: [JobKind; 3] = [JobKind::FlinkMini, JobKind::Etl, JobKind::Transfer];

    pub fn name(self) -> &'static str {
        match self {
            JobKind::FlinkMini => "flink-mini",
            JobKind::Etl => "etl",
            JobKind::Transfer => "transfer",
        }
    }
}

/// A validated `run` command line.
#[derive(Debug, Clone)]
pub struct RunArgs {
    pub job: JobKind,
    pub format: JobFormat,
    pub parallelism: usize,
    pub records: u64,
    /// The record size of `transfer`.
    pub record_bytes: usize,
    pub forward: bool,
    pub chaining: bool,
    pub transport: Transport,
    pub network: NetworkConfig,
    /// Where etl keeps its window state.
    pub state: StateBackend,
    /// Where the job serves Prometheus metrics while it runs.
    pub metrics_port: Option<u16>,
    /// How often the sources emit checkpoint barriers.
    pub barrier_interval: Option<Duration>,
    /// How often to take checkpoints, and where they go.
    pub checkpoints: Option<(Duration, CheckpointConfig)>,
    /// Restarts after a failure, and the delay before each.
    pub restarts: Option<(usize, Duration)>,
    /// Where etl writes its windows, exactly once.
    pub output: Option<PathBuf>,
    /// Stop with a savepoint into this directory after this many records.
    pub stop_with_savepoint: Option<(PathBuf, u64)>,
    /// The savepoint or checkpoint directory to start from.
    pub from_savepoint: Option<PathBuf>,
}

fn invalid(key: &str, value: &str, allowed: &str) -> EngineError {
    EngineError::Config {
        key: key.into(),
        value: value.into(),
        allowed: allowed.into(),
    }
}

/// This program as a worker of the job `args` describe.
fn worker_command(args: &[&str]) -> Result<WorkerCommand, EngineError> {
    let program = std::env::current_exe().map_err(|e| {
        invalid(
            "--transport",
            "processes",
            &format!("this program's path: {e}"),
        )
    })?;
    let mut worker_args = vec!["worker".to_owned()];
    worker_args.extend(args.iter().map(|a| a.to_string()));
    Ok(WorkerCommand {
        program,
        args: worker_args,
    })
}

/// The engine settings the command line sets, by the name the library's errors use; each
/// is the flag of the same name with dashes (`max_record_bytes` → `--max-record-bytes`).
const SETTINGS: &[&str] = &[
    "format",
    "task_managers",
    "network_buffers",
    "segment_size",
    "exclusive_buffers",
    "floating_buffers",
    "buffer_timeout",
    "max_record_bytes",
    "state_backend",
    "state_dir",
];

fn flag_of(setting: &str) -> String {
    format!("--{}", setting.replace('_', "-"))
}

/// An engine error as the command line says it: settings named by their flags.
pub fn in_flags(e: EngineError) -> EngineError {
    match e {
        EngineError::Config {
            key,
            value,
            allowed,
        } if SETTINGS.contains(&key.as_str()) => EngineError::Config {
            key: flag_of(&key),
            value,
            allowed,
        },
        other => other,
    }
}

/// What the command line prints for an engine error.
pub fn error_message(e: EngineError) -> String {
    match in_flags(e) {
        EngineError::InsufficientBuffers {
            required,
            available,
            breakdown,
        } => format!(
            "the job needs {required} network buffers but the pool has {available} \
             ({breakdown}); raise --network-buffers, or lower --parallelism, \
             --exclusive-buffers or --floating-buffers"
        ),
        other => other.to_string(),
    }
}

impl RunArgs {
    /// Parses the arguments after `run`; errors name the flags.
    pub fn parse(args: &[&str]) -> Result<Self, clap::Error> {
        crate::cli::run_args(args)
    }

    /// The run the flags describe, with every default filled in and the flags that
    /// depend on each other checked; `args` are the flags as given, which workers get.
    pub fn from_flags(flags: RunFlags, args: &[&str]) -> Result<Self, clap::Error> {
        Self::settings(flags, args).map_err(|e| crate::cli::refuse(Some("run"), in_flags(e)))
    }

    fn settings(flags: RunFlags, args: &[&str]) -> Result<Self, EngineError> {
        let defaults = NetworkConfig::default();
        let mut run = RunArgs {
            job: flags.job.unwrap_or(JobKind::FlinkMini),
            format: match flags.format {
                Some(format) => format,
                None => JobFormat::parse("pojo")?,
            },
            parallelism: flags.parallelism.unwrap_or(4),
            records: flags.records.unwrap_or(1_000_000),
            record_bytes: 16 << 10,
            forward: flags.partitioner == Some(Partitioning::Forward),
            chaining: flags.chaining != Some(Switch::Off),
            transport: Transport::Local,
            state: StateBackend::Heap,
            metrics_port: flags.metrics_port,
            barrier_interval: flags.barrier_interval.map(Duration::from_millis),
            checkpoints: match (flags.checkpoint_interval, flags.checkpoint_dir) {
                (Some(interval), Some(dir)) => Some((
                    Duration::from_millis(interval),
                    CheckpointConfig::new(dir, flags.checkpoints_retained.unwrap_or(1))?,
                )),
                // clap requires the two together.
                _ => None,
            },
            restarts: flags.restart_attempts.filter(|&n| n > 0).map(|n| {
                (
                    n,
                    Duration::from_millis(flags.restart_delay.unwrap_or(1000)),
                )
            }),
            output: flags.output.clone(),
            stop_with_savepoint: flags.stop_with_savepoint.clone().zip(flags.stop_after),
            from_savepoint: flags.from_savepoint.clone(),
            network: NetworkConfig {
                network_buffers: flags.network_buffers.unwrap_or(defaults.network_buffers),
                segment_size: flags.segment_size.unwrap_or(defaults.segment_size),
                exclusive_buffers: flags
                    .exclusive_buffers
                    .unwrap_or(defaults.exclusive_buffers),
                floating_buffers: flags.floating_buffers.unwrap_or(defaults.floating_buffers),
                buffer_timeout: flags.buffer_timeout.unwrap_or(defaults.buffer_timeout),
                max_record_bytes: flags.max_record_bytes.unwrap_or(defaults.max_record_bytes),
            },
        };
        let remote = match flags.transport {
            None | Some(TransportKind::Local) => None,
            Some(TransportKind::Tcp) => Some(false),
            Some(TransportKind::Processes) => Some(true),
        };
        let (task_managers, record_bytes) = (flags.task_managers, flags.record_bytes);
        // One record limit: the network's and the serializers' are the same setting.
        run.format = run
            .format
            .with_max_record_bytes(run.network.max_record_bytes);
        match (run.job, record_bytes) {
            (JobKind::Transfer, Some(n @ 1..=0x400_0000)) => run.record_bytes = n,
            (JobKind::Transfer, Some(n)) => {
                return Err(invalid("--record-bytes", &n.to_string(), "1 to 64 MiB"));
            }
            (_, Some(n)) => {
                return Err(invalid(
                    "--record-bytes",
                    &n.to_string(),
                    "only with --job transfer",
                ));
            }
            (_, None) => {}
        }
        if run.job != JobKind::FlinkMini && run.forward {
            return Err(invalid(
                "--partitioner",
                "forward",
                &format!(
                    "rebalance only with --job {}, whose edges are fixed",
                    run.job.name()
                ),
            ));
        }
        if run.parallelism == 0 || run.parallelism > 256 {
            return Err(invalid(
                "--parallelism",
                &run.parallelism.to_string(),
                "1 to 256",
            ));
        }
        run.transport = match (remote, task_managers) {
            (None, None | Some(1)) => Transport::Local,
            (None, Some(n)) => {
                return Err(invalid(
                    "--task-managers",
                    &n.to_string(),
                    "1 with --transport local; use --transport tcp or processes for more",
                ));
            }
            (Some(processes), n) => match n.unwrap_or(2) {
                task_managers @ 2..=64 if processes => Transport::Processes {
                    task_managers,
                    worker: worker_command(args)?,
                },
                task_managers @ 2..=64 => Transport::Tcp { task_managers },
                n => {
                    return Err(invalid(
                        "--task-managers",
                        &n.to_string(),
                        "2 to 64 with tcp or processes",
                    ));
                }
            },
        };
        run.state = StateBackend::parse(
            flags.state_backend.as_deref().unwrap_or("heap"),
            flags.state_dir.as_deref(),
        )?;
        if run.job != JobKind::Etl && run.state != StateBackend::Heap {
            return Err(invalid(
                "--state-backend",
                run.state.name(),
                "disk only with --job etl, the job with keyed state",
            ));
        }
        if let (Some(dir), false) = (&run.output, run.job == JobKind::Etl) {
            return Err(invalid(
                "--output",
                &dir.display().to_string(),
                "only with --job etl, whose windows are written",
            ));
        }
        run.network.validate()?;
        Ok(run)
    }

    pub fn job(&self) -> Result<JobGraph, EngineError> {
        let mut job = self.graph()?;
        if let Some(port) = self.metrics_port {
            job = job.serve_metrics(std::net::SocketAddr::from(([0, 0, 0, 0], port)));
        }
        if let Some(interval) = self.barrier_interval {
            job = job.with_barriers(interval);
        }
        if let Some((interval, config)) = &self.checkpoints {
            job = job.with_checkpoints(*interval, config.clone());
        }
        if let Some((attempts, delay)) = self.restarts {
            job = job.with_restarts(attempts, delay);
        }
        if let Some((dir, after)) = &self.stop_with_savepoint {
            job = job.stop_with_savepoint(dir, *after);
        }
        if let Some(dir) = &self.from_savepoint {
            job = job.from_savepoint(dir);
        }
        Ok(job)
    }

    fn graph(&self) -> Result<JobGraph, EngineError> {
        match self.job {
            JobKind::FlinkMini => flink_mini::job(
                &self.format,
                self.parallelism,
                self.records,
                self.forward,
                self.chaining,
            ),
            JobKind::Etl => etl::job_into(
                &self.format,
                self.parallelism,
                self.records,
                self.chaining,
                self.state.clone(),
                self.output.as_deref(),
            ),
            JobKind::Transfer => transfer::job(
                &self.format,
                self.parallelism,
                self.records,
                self.record_bytes,
            ),
        }
    }

    pub fn run(&self) -> Result<JobReport, EngineError> {
        self.job()?.run(&self.network, self.transport.clone())
    }

    /// Runs the task manager a coordinator started this process as: `args` are the job's
    /// arguments, then the ones the coordinator appends.
    pub fn run_worker(args: &[&str]) -> Result<(), String> {
        let (job_args, worker) = WorkerArgs::split(args).map_err(error_message)?;
        let run = RunArgs::parse(job_args).map_err(|e| {
            let rendered = e.to_string();
            rendered
                .strip_prefix("error: ")
                .unwrap_or(&rendered)
                .trim_end()
                .to_owned()
        })?;
        let job = run.job().map_err(error_message)?;
        (job.run_worker(&run.network, &run.transport, &worker)).map_err(error_message)
    }
}

fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}

/// The metrics of a finished run, for people.
pub fn describe(args: &RunArgs, report: &JobReport) -> String {
    let mut out = String::new();
    let elapsed = report.elapsed;
    let (transport, pools) = match &args.transport {
        Transport::Local => ("local channels".to_owned(), ""),
        Transport::Tcp { task_managers } => (format!("{task_managers} task managers over tcp"), ""),
        Transport::Processes { task_managers, .. } => (
            format!("{task_managers} task manager processes over tcp"),
            " per task manager",
        ),
    };
    let _ = writeln!(
        out,
        "job {} · format {} · parallelism {} · chaining {} · {transport}",
        report.job,
        args.format.name(),
        args.parallelism,
        if args.chaining { "on" } else { "off" },
    );
    let ops_per_ms = per_second(report.source_records, elapsed) / 1000.0;
    let _ = writeln!(
        out,
        "{} records in {:.3} s: {ops_per_ms:.0} ops/ms; the sinks got {} records, \
         checksum {:016x}, {} late",
        report.source_records,
        elapsed.as_secs_f64(),
        report.sink.records,
        report.sink.checksum,
        report.late_records,
    );
    let state = &report.state;
    if args.state != StateBackend::Heap {
        let _ = writeln!(
            out,
            "keyed state on {}: {} reads ({} bytes), {} writes ({} bytes), {} removes",
            args.state.name(),
            state.reads,
            state.bytes_read,
            state.writes,
            state.bytes_written,
            state.removes,
        );
    }
    if let Some(interval) = args.barrier_interval {
        let b = &report.barriers;
        let _ = writeln!(
            out,
            "checkpoint barriers every {} ms: {} emitted by the sources, aligned {} times; \
             alignment {:.3} ms on average, {:.3} ms at most",
            interval.as_millis(),
            b.emitted,
            b.aligned,
            b.alignment_total.as_secs_f64() * 1e3 / b.aligned.max(1) as f64,
            b.alignment_max.as_secs_f64() * 1e3,
        );
    }
    if let Some((interval, config)) = &args.checkpoints {
        let c = &report.checkpoints;
        let _ = writeln!(
            out,
            "checkpoints every {} ms into {}: {} complete (the last {} kept), the last chk-{} \
             of {} bytes; duration {:.3} ms on average, {:.3} ms at most",
            interval.as_millis(),
            config.dir.display(),
            c.completed,
            config.retained,
            c.last_id,
            c.last_bytes,
            c.duration_total.as_secs_f64() * 1e3 / c.completed.max(1) as f64,
            c.duration_max.as_secs_f64() * 1e3,
        );
    }
    if let Some((dir, after)) = &args.stop_with_savepoint {
        let _ = match report.savepoint {
            Some(id) => writeln!(
                out,
                "stopped with savepoint chk-{id} in {} after {after} records",
                dir.display()
            ),
            None => writeln!(
                out,
                "no savepoint: the sources ended before {after} records"
            ),
        };
    }
    for (i, restart) in report.restarts.iter().enumerate() {
        let downtime = restart
            .downtime
            .map_or("no record after it".to_owned(), |d| {
                format!(
                    "{:.1} ms to the first record after it",
                    d.as_secs_f64() * 1e3
                )
            });
        let from = match restart.from_checkpoint {
            0 => "the start".to_owned(),
            id => format!("chk-{id}"),
        };
        let _ = writeln!(
            out,
            "restart {} from {from}: {downtime}; it followed: {}",
            i + 1,
            restart.cause
        );
    }
    let _ = writeln!(
        out,
        "network buffers{pools}: {} required of {} ({} KiB each)",
        report.required_buffers,
        report.network_buffers,
        args.network.segment_size / 1024
    );
    for edge in &report.edges {
        let o = &edge.output;
        let _ = writeln!(
            out,
            "edge {} [{}; {} local + {} remote channels]\n  {:.0} records/s, {:.1} MB/s, \
             {:.1} bytes/record, {} buffers, blocked on buffers {:.3} s in all, pool peak {}/{}",
            edge.name,
            edge.format,
            edge.local_channels,
            edge.remote_channels,
            per_second(o.records, elapsed),
            per_second(o.bytes, elapsed) / 1e6,
            o.bytes as f64 / o.records.max(1) as f64,
            o.buffers,
            o.blocked.as_secs_f64(),
            o.pool_peak,
            o.pool_capacity,
        );
    }
    for c in &report.connections {
        let _ = writeln!(
            out,
            "connection task manager {} → {}: {:.1} MB/s payload, {} buffers",
            c.from_task_manager,
            c.to_task_manager,
            per_second(c.bytes, elapsed) / 1e6,
            c.buffers,
        );
    }
    if report.connections.len() > 1 {
        let bytes: u64 = report.connections.iter().map(|c| c.bytes).sum();
        let _ = writeln!(
            out,
            "all connections: {:.1} MB/s payload",
            per_second(bytes, elapsed) / 1e6
        );
    }
    let latency = &report.sink.latencies;
    if let (Some(p50), Some(p99)) = (latency.percentile(50.0), latency.percentile(99.0)) {
        let _ = writeln!(
            out,
            "latency ({} markers): p50 {:.2} ms, p99 {:.2} ms",
            latency.len(),
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use typeinfo_engine::BufferTimeout;

    /// `--max-record-bytes` is one setting: the network and the serializers refuse the same
    /// records.
    #[test]
    fn max_record_bytes_reaches_the_serializers() {
        let run = RunArgs::parse(&["--job", "transfer", "--max-record-bytes", "100"]).unwrap();
        assert_eq!(run.network.max_record_bytes, 100);
        let serializer = run.format.serializer::<Vec<u8>>(&[]).unwrap();
        let mut out = Vec::new();
        serializer.write_record(&vec![7u8; 90], &mut out).unwrap();
        out.clear();
        let e = serializer
            .write_record(&vec![7u8; 200], &mut out)
            .unwrap_err();
        assert!(e.to_string().contains("100"), "{e}");
    }

    fn error(args: &[&str]) -> String {
        RunArgs::parse(args).unwrap_err().to_string()
    }

    #[test]
    fn flags_are_checked_with_what_is_allowed() {
        let refused = |args: &[&str], expected: &str| {
            let e = error(args);
            assert!(e.contains(expected), "{args:?}: {e}");
        };
        refused(&["--jobs", "x"], "a similar argument exists: '--job'");
        refused(
            &["--parallelism"],
            "a value is required for '--parallelism <N>'",
        );
        refused(
            &["--parallelism", "four"],
            "'four' for '--parallelism <N>': allowed is a whole number",
        );
        refused(
            &["--format", "xml"],
            "one of pojo, compact, kryo, kryo-unregistered",
        );
        refused(
            &["--task-managers", "3"],
            "invalid --task-managers `3`: 1 with --transport local; use --transport tcp or \
             processes for more",
        );
        refused(
            &["--segment-size", "2"],
            "invalid --segment-size `2`: at least 8",
        );
        refused(&["--chaining", "yes"], "[possible values: on, off]");
        refused(
            &["--job", "wordcount"],
            "[possible values: flink-mini, etl, transfer]",
        );
        refused(
            &["--record-bytes", "100"],
            "invalid --record-bytes `100`: only with --job transfer",
        );
        refused(
            &["--job", "transfer", "--record-bytes", "0"],
            "`0`: 1 to 64 MiB",
        );
        refused(
            &["--job", "etl", "--partitioner", "forward"],
            "invalid --partitioner `forward`: rebalance only with --job etl, whose edges are fixed",
        );
        refused(&["--parallelism", "0"], "Usage: typeinfo run [OPTIONS]");
    }

    #[test]
    fn etl_runs_and_counts_its_input() {
        let args =
            RunArgs::parse(&["--job", "etl", "--records", "2000", "--chaining", "off"]).unwrap();
        let report = args.run().unwrap();
        assert_eq!(report.source_records, 2000);
        let text = describe(&args, &report);
        assert!(text.starts_with("job etl · format pojo"), "{text}");
        assert!(text.contains("2000 records in"), "{text}");
    }

    #[test]
    fn transfer_over_tcp_prints_each_connection() {
        let args = RunArgs::parse(&[
            "--job",
            "transfer",
            "--records",
            "400",
            "--record-bytes",
            "5000",
            "--parallelism",
            "2",
            "--transport",
            "tcp",
        ])
        .unwrap();
        let text = describe(&args, &args.run().unwrap());
        assert!(text.contains("connection task manager 0 → 1: "), "{text}");
        assert!(text.contains("connection task manager 1 → 0: "), "{text}");
        assert!(text.contains("all connections: "), "{text}");
    }

    #[test]
    fn a_full_command_line_parses() {
        let args = RunArgs::parse(&[
            "--format",
            "kryo-unregistered",
            "--transport",
            "tcp",
            "--task-managers",
            "3",
            "--buffer-timeout",
            "0",
            "--records",
            "1_000",
        ])
        .unwrap();
        assert_eq!(args.transport, Transport::Tcp { task_managers: 3 });
        assert_eq!(args.records, 1000);
        assert_eq!(
            args.network.buffer_timeout,
            BufferTimeout::After(Duration::ZERO)
        );
        let report = args.run().unwrap();
        assert_eq!(report.sink.records, 1000);
        assert!(describe(&args, &report).contains("3 task managers over tcp"));
    }
}
