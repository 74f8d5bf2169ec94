//! The `typeinfo` command line (clap's derive API): `report` (the default main job), `run`,
//! `explain`, `state`, and the hidden `worker` the coordinator starts. Each flag is typed here and
//! refused with what is allowed; settings that depend on each other are checked where they
//! become [`ReportArgs`] and [`RunArgs`].

use crate::datasets::DatasetKind;
use crate::jobs::JobFormat;
use crate::report::{self, ReportArgs};
use crate::runner::{JobKind, RunArgs};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use typeinfo_engine::{BufferTimeout, EngineError};

#[derive(Debug, Parser)]
#[command(
    name = "typeinfo",
    version,
    about = "Compare typeinfo's formats with the serde baselines and Rust peers, on built-in \
             datasets and engine jobs",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a subcommand: the main job's flags (see `typeinfo report --help`).
    #[command(flatten)]
    pub report: ReportFlags,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job (the default): every format on the built-in datasets and engine jobs.
    ///
    /// The main job: every format on the built-in datasets (log, mesh, app-events,
    /// game-sessions, flink-mini: size raw and after zstd, serialize / deserialize /
    /// round-trip time per record, median and p10–p90 over interleaved rounds) and in the
    /// engine jobs (etl: 300,000 uploads; flink-mini: 1,000,000 records; median and min–max
    /// over repeated runs). Writes report.md, results.json and SVG charts to --out and prints
    /// a summary.
    Report(ReportFlags),
    /// One engine job in one format, and its metrics.
    ///
    /// One engine job in one format (default: flink-mini, pojo, parallelism 4, 1,000,000
    /// records, rebalance, chaining on, local channels; Flink's buffer defaults). tcp places
    /// subtask i on task manager i % N. flink-mini with --partitioner forward and chaining on
    /// runs source and sink in one chain, without serialization. etl reads --records JSON
    /// uploads from a topic of 2 partitions into an ETL stage of --parallelism; its edges are
    /// fixed, and with --format json-value its operators work on serde_json::Value trees.
    /// transfer moves --record-bytes byte records from sources rebalanced to sinks: the network
    /// path alone; with tcp, each connection's payload throughput is printed.
    Run(Box<RunFlags>),
    /// For each record type of the built-in datasets, the serializer a config selects and why.
    ///
    /// Prints, for each record type of the built-in datasets, the serializer that the config
    /// FILE (TOML; the defaults without it) selects and why. Its factory entries pick from the
    /// datasets' factories: flink-mini-payload (see examples/factories.toml).
    Explain(ExplainFlags),
    /// State files: write one of a built-in type, show what one holds, check a type reads it.
    ///
    /// State files hold records of one type with the snapshot they were written under.
    /// `state write FILE --type app-event --format pojo --records 1000` writes one;
    /// `state show FILE` prints its snapshot tree and record count; `state check FILE --type
    /// app-event-next` reads every record as that type, migrating if the type has changed,
    /// and prints the compatibility with its reasons.
    State {
        #[command(subcommand)]
        command: crate::state_cli::StateCommand,
    },
    /// The etl job on timely-dataflow, its exchanges on timely's containers or typeinfo's.
    ///
    /// The etl job (the uploads, rules, key-by and one-minute windows of `run --job etl`)
    /// as a timely dataflow, with its two exchanges on --channel: timely-bincode (timely's
    /// own `Vec<T>`, bincode through serde) or typeinfo's `Records<T>` in pojo, compact, kryo,
    /// kryo-unregistered or avro. One process with -w threads, or -n processes over TCP: start each with its -p
    /// (0 to n-1); they meet at localhost:PORT+p, or at the lines of --hostfile. Process 0
    /// prints the windows (count and checksum, the same as `run --job etl`), the time and
    /// the bytes the processes sent each other.
    TimelyEtl(TimelyFlags),
    /// A task manager process of `run --transport processes`, started by the coordinator:
    /// the job's `run` flags, then `--coordinator ADDRESS --task-manager I`.
    #[command(hide = true)]
    Worker {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
        args: Vec<String>,
    },
}

/// The flags of `typeinfo timely-etl`.
#[derive(Debug, Args)]
pub struct TimelyFlags {
    /// What carries the exchanged records: timely-bincode, pojo, compact, kryo,
    /// kryo-unregistered or avro.
    #[arg(long, default_value = "pojo")]
    pub channel: String,
    /// Uploads in all, over the topic's two partitions.
    #[arg(long, default_value_t = 300_000)]
    pub records: u64,
    /// Worker threads per process.
    #[arg(short = 'w', long, default_value_t = 1)]
    pub threads: usize,
    /// How many processes the job runs in.
    #[arg(short = 'n', long, default_value_t = 1)]
    pub processes: usize,
    /// This process's index, 0 to n-1.
    #[arg(short = 'p', long, default_value_t = 0)]
    pub process: usize,
    /// A file whose first n lines are the processes' host:port.
    #[arg(long)]
    pub hostfile: Option<PathBuf>,
    /// Without --hostfile, process p listens on localhost:PORT+p.
    #[arg(long, default_value_t = 2101)]
    pub port: u16,
    /// A job still running after this many seconds fails.
    #[arg(long, default_value_t = 600)]
    pub deadline_secs: u64,
    /// Print process 0's outcome as one JSON line.
    #[arg(long)]
    pub json: bool,
}

impl Cli {
    /// What to do: the subcommand, or the main job with the top-level flags.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Report(self.report))
    }
}

/// Comma-separated names given to one flag (clap's `Vec` would mean the flag repeated).
#[derive(Debug, Clone, PartialEq)]
pub struct List<T>(pub Vec<T>);

/// Comma-separated names, each parsed and kept once; `none` is the empty list.
fn list<T: PartialEq + Clone + Send + Sync + 'static>(
    parse: impl Fn(&str) -> Option<T> + Clone + Send + Sync + 'static,
    allowed: impl Fn() -> String + Clone + Send + Sync + 'static,
) -> impl Fn(&str) -> Result<List<T>, String> + Clone + Send + Sync + 'static {
    move |value| {
        if value == "none" {
            return Ok(List(Vec::new()));
        }
        let mut out = Vec::new();
        for name in value.split(',').map(str::trim) {
            let item =
                parse(name).ok_or_else(|| format!("`{name}` is not one of {}", allowed()))?;
            if !out.contains(&item) {
                out.push(item);
            }
        }
        Ok(List(out))
    }
}

/// A whole number (`_` separators allowed) from `min` to `max`.
fn between<N>(min: N, max: N) -> impl Fn(&str) -> Result<N, String> + Clone + Send + Sync
where
    N: std::str::FromStr + PartialOrd + Copy + std::fmt::Display + Send + Sync + 'static,
{
    move |value| match value.replace('_', "").parse::<N>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!("allowed are whole numbers from {min} to {max}")),
    }
}

/// A whole number (`_` separators allowed); its range is the engine's to check.
fn whole<N: std::str::FromStr>(value: &str) -> Result<N, String> {
    value
        .replace('_', "")
        .parse()
        .map_err(|_| "allowed is a whole number".to_owned())
}

/// What an engine refusal allows, for clap's "invalid value" line.
fn allowed(e: EngineError) -> String {
    match e {
        EngineError::Config { allowed, .. } => format!("allowed: {allowed}"),
        other => other.to_string(),
    }
}

fn job_format(value: &str) -> Result<JobFormat, String> {
    JobFormat::parse(value).map_err(|_| format!("one of {}", JobFormat::names().join(", ")))
}

fn buffer_timeout(value: &str) -> Result<BufferTimeout, String> {
    BufferTimeout::parse(value).map_err(allowed)
}

fn dataset_names() -> String {
    let names: Vec<&str> = DatasetKind::ALL.iter().map(|d| d.name()).collect();
    format!("{} or none", names.join(", "))
}

fn report_job(name: &str) -> Option<JobKind> {
    report::JOBS.into_iter().find(|j| j.name() == name)
}

fn known_format(name: &str) -> Option<String> {
    report::args::all_formats().into_iter().find(|f| f == name)
}

const JOBS_ALLOWED: &str = "etl, flink-mini or none (transfer moves bytes, not records in a \
                            format: `typeinfo run --job transfer`)";

/// The main job's flags.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportFlags {
    /// 3 rounds, 1 repeat, datasets at 1/20 and jobs at 50,000 records.
    #[arg(long)]
    pub quick: bool,
    /// Comma-separated datasets, or `none` [default: all].
    #[arg(long, value_name = "LIST", value_parser = list(DatasetKind::parse, dataset_names))]
    pub datasets: Option<List<DatasetKind>>,
    /// Comma-separated formats [default: all].
    #[arg(long, value_name = "LIST",
          value_parser = list(known_format, || report::args::all_formats().join(", ")))]
    pub formats: Option<List<String>>,
    /// Comma-separated engine jobs (etl, flink-mini), or `none` [default: both].
    #[arg(long, value_name = "LIST",
          value_parser = list(report_job, || JOBS_ALLOWED.to_owned()))]
    pub jobs: Option<List<JobKind>>,
    /// Records of every dataset [default: each its reference size, mesh 25,000].
    #[arg(long, value_name = "N", value_parser = between(1usize, 10_000_000))]
    pub records: Option<usize>,
    /// Records of every engine job [default: etl 300,000, flink-mini 1,000,000].
    #[arg(long, value_name = "N", value_parser = between(1u64, 1 << 32))]
    pub job_records: Option<u64>,
    /// Interleaved rounds per measurement [default: 15].
    #[arg(long, value_name = "N", value_parser = between(1usize, 1000))]
    pub rounds: Option<usize>,
    /// Runs of each engine job [default: 3].
    #[arg(long, value_name = "N", value_parser = between(1usize, 100))]
    pub repeats: Option<usize>,
    /// Parallelism of the engine jobs [default: 4].
    #[arg(long, value_name = "N", value_parser = between(1usize, 256))]
    pub parallelism: Option<usize>,
    /// With etl, the same job on timely-dataflow in every chosen channel (timely-bincode,
    /// pojo, compact, kryo, kryo-unregistered, avro), in 1 and 2 processes [default: on].
    #[arg(long, value_name = "SWITCH")]
    pub timely: Option<Switch>,
    /// With etl, the same job again with its window state on the disk backend, in every
    /// chosen engine format: what each costs as a state serializer [default: on].
    #[arg(long, value_name = "SWITCH")]
    pub state: Option<Switch>,
    /// With etl, the same job again with checkpoints every 100 ms, on each state backend, in
    /// every chosen engine format that has snapshots: what a checkpoint costs in each
    /// [default: on].
    #[arg(long, value_name = "SWITCH")]
    pub checkpoints: Option<Switch>,
    /// Where the report goes [default: target/typeinfo-report].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Partitioning {
    Rebalance,
    Forward,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TransportKind {
    /// One task manager: every channel is local.
    Local,
    /// Task managers as thread groups, over loopback TCP with credit-based flow control.
    Tcp,
    /// Task managers 1.. as worker processes of this program, each with its own pool.
    Processes,
}

/// The flags of `run`.
#[derive(Debug, Clone, Default, Args)]
pub struct RunFlags {
    /// The job [default: flink-mini].
    #[arg(long, value_enum)]
    pub job: Option<JobKind>,
    /// The format of every edge [default: pojo].
    #[arg(long, value_name = "NAME", value_parser = job_format)]
    pub format: Option<JobFormat>,
    /// Subtasks per stage, 1 to 256 [default: 4].
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub parallelism: Option<usize>,
    /// Records the sources emit [default: 1,000,000].
    #[arg(long, value_name = "N", value_parser = whole::<u64>)]
    pub records: Option<u64>,
    /// The record size of `transfer`, 1 to 64 MiB [default: 16384].
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub record_bytes: Option<usize>,
    /// How records reach the next stage [default: rebalance].
    #[arg(long, value_enum)]
    pub partitioner: Option<Partitioning>,
    /// Operator chaining [default: on].
    #[arg(long, value_enum)]
    pub chaining: Option<Switch>,
    /// Where the task managers run [default: local].
    #[arg(long, value_enum)]
    pub transport: Option<TransportKind>,
    /// Task managers with tcp or processes, 2 to 64 [default: 2].
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub task_managers: Option<usize>,
    /// Buffers of a network pool (per task manager with processes).
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub network_buffers: Option<usize>,
    /// Bytes of one buffer.
    #[arg(long, value_name = "BYTES", value_parser = whole::<usize>)]
    pub segment_size: Option<usize>,
    /// Buffers each channel owns.
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub exclusive_buffers: Option<usize>,
    /// Buffers each gate shares among its channels.
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub floating_buffers: Option<usize>,
    /// Milliseconds before a partly filled buffer is flushed, or `off`.
    #[arg(long, value_name = "MS|off", value_parser = buffer_timeout)]
    pub buffer_timeout: Option<BufferTimeout>,
    /// The largest record the network and the serializers take.
    #[arg(long, value_name = "N", value_parser = whole::<usize>)]
    pub max_record_bytes: Option<usize>,
    /// Where etl's window state lives: heap (objects) or disk (an embedded store; every
    /// access encodes key and value in --format) [default: heap].
    #[arg(long, value_name = "heap|disk")]
    pub state_backend: Option<String>,
    /// Serve Prometheus metrics while the job runs at http://HOST:PORT/metrics, on every
    /// interface; with processes, task manager i at PORT + i.
    #[arg(long, value_name = "PORT", value_parser = between(1u16, u16::MAX))]
    pub metrics_port: Option<u16>,
    /// Milliseconds between the checkpoint barriers every source emits; tasks align them
    /// and the run reports alignment times, but no state is written (the cut alone)
    /// [default: none].
    #[arg(long, value_name = "MS", value_parser = between(1u64, 3_600_000), conflicts_with = "checkpoint_interval")]
    pub barrier_interval: Option<u64>,
    /// Milliseconds between checkpoints: barriers as with --barrier-interval, and at each
    /// one every task writes its keyed state into --checkpoint-dir; a checkpoint is
    /// complete once every task acknowledged it [default: none].
    #[arg(long, value_name = "MS", value_parser = between(1u64, 3_600_000), requires = "checkpoint_dir")]
    pub checkpoint_interval: Option<u64>,
    /// The directory checkpoints go to (`chk-N/` each, complete when it holds `_metadata`).
    #[arg(long, value_name = "DIR", requires = "checkpoint_interval")]
    pub checkpoint_dir: Option<PathBuf>,
    /// Restarts after a failure, each from the last complete checkpoint (needs
    /// --checkpoint-interval) [default: 0].
    #[arg(long, value_name = "N", value_parser = between(0usize, 1000), requires = "checkpoint_interval")]
    pub restart_attempts: Option<usize>,
    /// Milliseconds between a failure and its restart [default: 1000].
    #[arg(long, value_name = "MS", value_parser = between(0u64, 3_600_000), requires = "restart_attempts")]
    pub restart_delay: Option<u64>,
    /// Complete checkpoints kept; older ones are removed [default: 1].
    #[arg(long, value_name = "N", value_parser = between(1usize, 1000), requires = "checkpoint_interval")]
    pub checkpoints_retained: Option<usize>,
    /// The directory the disk backend makes its stores in [default: the system's temporary
    /// directory].
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// etl only: write its windows to DIR through an exactly-once sink (one JSON line per
    /// app minute, a file per checkpoint, visible once the checkpoint completes)
    /// [default: checksummed, not written].
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Stop with a savepoint into DIR once the sources emitted --stop-after records.
    #[arg(long, value_name = "DIR", requires = "stop_after", conflicts_with_all = ["checkpoint_interval", "barrier_interval"])]
    pub stop_with_savepoint: Option<PathBuf>,
    /// Records the sources emit in all before the savepoint.
    #[arg(long, value_name = "N", value_parser = whole::<u64>, requires = "stop_with_savepoint")]
    pub stop_after: Option<u64>,
    /// Start from the newest complete savepoint or checkpoint in DIR.
    #[arg(long, value_name = "DIR")]
    pub from_savepoint: Option<PathBuf>,
}

/// The flags of `explain`.
#[derive(Debug, Clone, Default, Args)]
pub struct ExplainFlags {
    /// A serialization config (TOML).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Parses `typeinfo run ARGS`: what a worker and the tests give, without the program and
/// subcommand names.
pub fn run_args(args: &[&str]) -> Result<RunArgs, clap::Error> {
    match parse(["run"].iter().chain(args))? {
        Command::Run(flags) => RunArgs::from_flags(*flags, args),
        _ => unreachable!("`run` parses as the run command"),
    }
}

/// Parses the main job's flags, as `typeinfo ARGS` does.
pub fn report_args(args: &[&str]) -> Result<ReportArgs, clap::Error> {
    match parse(args.iter())? {
        Command::Report(flags) => ReportArgs::from_flags(flags, args),
        _ => unreachable!("flags without a subcommand are the main job's"),
    }
}

fn parse<'a>(args: impl Iterator<Item = &'a &'a str>) -> Result<Command, clap::Error> {
    Cli::try_parse_from(std::iter::once(&"typeinfo").chain(args)).map(Cli::into_command)
}

/// A refusal of `subcommand` that involves more than one flag, in clap's form.
pub fn refuse(subcommand: Option<&str>, message: impl std::fmt::Display) -> clap::Error {
    use clap::CommandFactory;
    let mut command = Cli::command();
    // Builds the subcommands' usage lines under the program's name.
    command.build();
    let command = match subcommand {
        Some(name) => command
            .find_subcommand_mut(name)
            .expect("a known subcommand"),
        None => &mut command,
    };
    command.error(clap::error::ErrorKind::ValueValidation, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn misspelled_flags_get_a_suggestion() {
        let e = run_args(&["--formt", "pojo"]).unwrap_err().to_string();
        assert!(e.contains("unexpected argument '--formt'"), "{e}");
        assert!(e.contains("a similar argument exists: '--format'"), "{e}");
        let e = report_args(&["--round", "3"]).unwrap_err().to_string();
        assert!(e.contains("'--rounds'"), "{e}");
    }

    #[test]
    fn the_worker_stays_hidden_and_takes_any_arguments() {
        use clap::CommandFactory;
        let help = Cli::command().render_help().to_string();
        assert!(
            help.contains("explain") && !help.contains("worker"),
            "{help}"
        );
        let cli = Cli::try_parse_from(["typeinfo", "worker", "--job", "etl", "--x"]).unwrap();
        let Command::Worker { args } = cli.into_command() else {
            panic!("a worker")
        };
        assert_eq!(args, ["--job", "etl", "--x"]);
    }

    #[test]
    fn no_subcommand_is_the_main_job_and_flags_do_not_mix_with_subcommands() {
        let cli = Cli::try_parse_from(["typeinfo", "--quick"]).unwrap();
        assert!(matches!(cli.into_command(), Command::Report(f) if f.quick));
        assert!(Cli::try_parse_from(["typeinfo", "--quick", "run"]).is_err());
        let cli = Cli::try_parse_from(["typeinfo", "explain", "--config", "a.toml"]).unwrap();
        assert!(matches!(cli.into_command(), Command::Explain(f) if f.config.is_some()));
    }
}
