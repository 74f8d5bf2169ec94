//! The comparison of channels: the same timely `etl` in child processes of this binary,
//! once per channel, process count and repeat, interleaved so that drift of the machine
//! spreads over every channel alike. A child's failure or a window result that differs
//! between channels is an error, not a row.

use super::channel_cost::{self, ChannelCost};
use super::dataflow::Summary;
use super::{Channel, Outcome};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What one channel did in one topology, over the repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelResult {
    pub channel: String,
    pub processes: usize,
    pub workers: usize,
    /// Uploads per second, end to end: median, min and max of the repeats.
    pub records_per_second: crate::report::Spread,
    /// Bytes the processes sent each other (the same in every repeat).
    pub bytes_between_processes: u64,
    pub windows: u64,
    pub checksum: String,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub records: u64,
    pub repeats: usize,
    pub results: Vec<ChannelResult>,
    /// Each channel's write and read cost per record, apart from the job.
    pub costs: Vec<ChannelCost>,
    /// The uploads whose records the costs were measured on.
    pub cost_records: u64,
}

/// The uploads the channel costs are measured on: enough containers for stable medians,
/// few enough to hold in memory beside the job.
pub const COST_RECORDS: u64 = 20_000;

/// The topologies compared: every worker in one process, or one process per worker.
pub const TOPOLOGIES: [(usize, usize); 2] = [(1, 2), (2, 1)];

/// Runs `channels` on `records` uploads in both topologies, `repeats` times each, then
/// measures their cost per record over `cost_rounds` rounds.
pub fn compare(
    binary: &Path,
    channels: &[&str],
    records: u64,
    repeats: usize,
    cost_rounds: usize,
    deadline: Duration,
    mut step: impl FnMut(&str),
) -> Result<Comparison, String> {
    for channel in channels {
        Channel::parse(channel)?;
    }
    let mut samples: Vec<Vec<Run>> = vec![Vec::new(); channels.len() * TOPOLOGIES.len()];
    for _ in 0..repeats {
        for (c, channel) in channels.iter().enumerate() {
            for (t, &(processes, threads)) in TOPOLOGIES.iter().enumerate() {
                let outcome =
                    run_processes(binary, channel, records, processes, threads, deadline)?;
                step(&format!("timely etl, {channel}, {processes} process(es)"));
                samples[c * TOPOLOGIES.len() + t].push(outcome);
            }
        }
    }
    let results: Vec<ChannelResult> = samples.into_iter().map(summarise).collect();
    if let Some(first) = results.first()
        && let Some(other) = results
            .iter()
            .find(|r| (r.windows, &r.checksum) != (first.windows, &first.checksum))
    {
        return Err(format!(
            "timely etl gave {} windows (checksum {}) with {}, but {} windows (checksum {}) with {}",
            first.windows,
            first.checksum,
            first.channel,
            other.windows,
            other.checksum,
            other.channel
        ));
    }
    let cost_records = records.min(COST_RECORDS);
    let costs = channel_cost::measure(channels, cost_records, cost_rounds)?;
    step("timely channels: cost per record");
    Ok(Comparison {
        records,
        repeats,
        results,
        costs,
        cost_records,
    })
}

/// One run of the job in every process it took.
#[derive(Debug, Clone)]
pub struct Run {
    /// Process 0's outcome, which holds the windows.
    pub first: Outcome,
    pub summary: Summary,
    /// What every process sent the others.
    pub bytes_between_processes: u64,
}

impl Run {
    fn of(outcomes: Vec<Outcome>) -> Result<Run, String> {
        let first = outcomes.first().ok_or("no process reported")?.clone();
        let summary = first.summary.ok_or("process 0 reported no windows")?;
        Ok(Run {
            bytes_between_processes: outcomes.iter().map(|o| o.bytes_sent).sum(),
            summary,
            first,
        })
    }
}

fn summarise(runs: Vec<Run>) -> ChannelResult {
    let first = runs.first().expect("at least one repeat").clone();
    ChannelResult {
        channel: first.first.channel,
        processes: first.first.processes,
        workers: first.first.workers,
        records_per_second: crate::report::Spread::of_repeats(
            runs.iter().map(|r| r.first.records_per_second()),
        ),
        bytes_between_processes: runs
            .iter()
            .map(|r| r.bytes_between_processes)
            .max()
            .unwrap_or(0),
        windows: first.summary.windows,
        checksum: format!("{:016x}", first.summary.checksum),
    }
}

/// Runs the job as `processes` children of `binary` with `threads` workers each, meeting on
/// free loopback ports. Every child ends within `deadline` (a child still running then is
/// killed), and one that fails fails the run with what it said.
pub fn run_processes(
    binary: &Path,
    channel: &str,
    records: u64,
    processes: usize,
    threads: usize,
    deadline: Duration,
) -> Result<Run, String> {
    let hostfile = (processes > 1)
        .then(|| free_ports_hostfile(processes))
        .transpose()?;
    let mut children = Vec::new();
    for process in 0..processes {
        let mut command = Command::new(binary);
        command.args(["timely-etl", "--json", "--channel", channel]);
        command.args([
            "--records",
            &records.to_string(),
            "-w",
            &threads.to_string(),
        ]);
        command.args(["-n", &processes.to_string(), "-p", &process.to_string()]);
        command.args(["--deadline-secs", &deadline.as_secs().max(1).to_string()]);
        if let Some(file) = &hostfile {
            command.arg("--hostfile").arg(file.path());
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        children.push(child);
    }
    let ends = wait_all(children, deadline + Duration::from_secs(10));
    let mut failures = Vec::new();
    for (process, end) in ends.iter().enumerate() {
        if !end.success {
            failures.push(format!("process {process}: {}", end.stderr.trim()));
        }
    }
    if !failures.is_empty() {
        return Err(format!(
            "timely etl with {channel} failed: {}",
            failures.join("; ")
        ));
    }
    let outcomes = ends
        .iter()
        .enumerate()
        .map(|(process, end)| {
            let line = end.stdout.lines().last().unwrap_or_default();
            serde_json::from_str(line)
                .map_err(|e| format!("process {process} printed no outcome ({e}): {line}"))
        })
        .collect::<Result<Vec<Outcome>, String>>()?;
    Run::of(outcomes)
}

/// How a child ended.
pub struct End {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Waits for every child; those still running after `bound` are killed and fail. Their
/// output is read as it comes, so a talkative child never blocks on a full pipe.
pub fn wait_all(mut children: Vec<Child>, bound: Duration) -> Vec<End> {
    fn reader(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    }
    let outputs: Vec<_> = children
        .iter_mut()
        .map(|child| (reader(child.stdout.take()), reader(child.stderr.take())))
        .collect();
    let start = Instant::now();
    let mut status: Vec<Option<bool>> = vec![None; children.len()];
    let mut killed = vec![false; children.len()];
    while status.iter().any(Option::is_none) {
        for (child, status) in children.iter_mut().zip(&mut status) {
            if status.is_none() {
                *status = child.try_wait().ok().flatten().map(|s| s.success());
            }
        }
        if start.elapsed() > bound {
            for ((child, status), killed) in children.iter_mut().zip(&mut status).zip(&mut killed) {
                if status.is_none() {
                    let _ = child.kill();
                    let _ = child.wait();
                    (*status, *killed) = (Some(false), true);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    outputs
        .into_iter()
        .zip(status.into_iter().zip(killed))
        .map(|((stdout, stderr), (success, killed))| {
            let mut stderr = stderr.join().unwrap_or_default();
            if killed {
                stderr.push_str(&format!("\n(still running after {bound:?}: killed)"));
            }
            End {
                success: success == Some(true),
                stdout: stdout.join().unwrap_or_default(),
                stderr,
            }
        })
        .collect()
}

/// A hostfile of `n` loopback addresses on ports that were free a moment ago.
pub struct Hostfile {
    path: PathBuf,
}

impl Hostfile {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Hostfile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

pub fn free_ports_hostfile(n: usize) -> Result<Hostfile, String> {
    let listeners: Vec<TcpListener> = (0..n)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("no free loopback port: {e}"))?;
    let mut text = String::new();
    for listener in &listeners {
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        text.push_str(&format!("127.0.0.1:{port}\n"));
    }
    drop(listeners);
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "typeinfo-timely-hosts-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Hostfile { path })
}
