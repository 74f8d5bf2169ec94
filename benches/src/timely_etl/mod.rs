//! The `etl` job on timely-dataflow ([`dataflow`]), in one process or several, with its
//! exchanges on timely's default containers or on typeinfo's (`typeinfo timely-etl`).
//! [`compare`] runs every channel in child processes and measures them in one run.

pub mod channel_cost;
pub mod compare;
pub mod dataflow;

use crate::datasets::app_events::AppEvent;
use crate::jobs::JobFormat;
use crate::jobs::etl::typed::{self, Session};
use dataflow::Summary;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use timely::CommunicationConfig;
use timely::communication::logging::{
    CommunicationEvent, CommunicationEventBuilder, CommunicationSetup,
};
use timely::communication::{AllocatorBuilder, Hooks};
use timely::logging_core::Logger;
use typeinfo_serializers::config::Format;
use typeinfo_timely::Records;

/// What carries the records across the exchanges.
#[derive(Debug, Clone)]
pub enum Channel {
    /// Timely's `Vec<T>`: bincode 1 through serde, padded to 8 bytes.
    Bincode,
    /// typeinfo's `Records<T>` in a format typeinfo's generated code writes (kryo with
    /// the job's classes registered, or `kryo-unregistered`).
    Typeinfo(JobFormat),
}

impl Channel {
    pub const BINCODE: &'static str = "timely-bincode";

    /// Every name [`Channel::parse`] takes.
    pub fn names() -> Vec<&'static str> {
        vec![
            Self::BINCODE,
            "pojo",
            "compact",
            "kryo",
            "kryo-unregistered",
            "avro",
        ]
    }

    pub fn parse(name: &str) -> Result<Channel, String> {
        if name == Self::BINCODE {
            return Ok(Channel::Bincode);
        }
        let allowed = || {
            format!(
                "`{name}` is not a channel; one of {}",
                Self::names().join(", ")
            )
        };
        let format = JobFormat::parse(name).map_err(|_| allowed())?;
        // The formats typeinfo's generated code writes, which `Records<T>` takes.
        if !matches!(
            format.format(),
            Format::Pojo | Format::Compact | Format::Kryo | Format::Avro
        ) {
            return Err(allowed());
        }
        Ok(Channel::Typeinfo(format))
    }

    pub fn name(&self) -> &str {
        match self {
            Channel::Bincode => Self::BINCODE,
            Channel::Typeinfo(format) => format.name(),
        }
    }

    /// Makes this process's containers of the job's records travel in the channel's format.
    fn install(&self) -> Result<(), String> {
        let Channel::Typeinfo(format) = self else {
            return Ok(());
        };
        let config = format
            .config(&typed::classes())
            .map_err(|e| e.to_string())?;
        typeinfo_timely::install::<AppEvent>(&config).map_err(|e| e.to_string())?;
        typeinfo_timely::install::<Session>(&config).map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// Where this process sits among the job's processes.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Worker threads per process.
    pub threads: usize,
    /// This process's index into `addresses`.
    pub process: usize,
    /// Every process's `host:port`; one address (or none) runs in this process alone.
    pub addresses: Vec<String>,
}

impl Cluster {
    pub fn single(threads: usize) -> Cluster {
        Cluster {
            threads,
            process: 0,
            addresses: Vec::new(),
        }
    }

    fn communication(&self) -> Result<CommunicationConfig, String> {
        if self.threads == 0 {
            return Err("threads per process must be at least 1".into());
        }
        if self.addresses.len() > 1 {
            if self.process >= self.addresses.len() {
                return Err(format!(
                    "process {} is not one of the {} processes (0 to {})",
                    self.process,
                    self.addresses.len(),
                    self.addresses.len() - 1
                ));
            }
            return Ok(CommunicationConfig::Cluster {
                threads: self.threads,
                process: self.process,
                addresses: self.addresses.clone(),
                report: false,
                zerocopy: false,
            });
        }
        if self.process != 0 {
            return Err(format!("process {} of a single process", self.process));
        }
        Ok(match self.threads {
            1 => CommunicationConfig::Thread,
            n => CommunicationConfig::Process(n),
        })
    }
}

/// What one process reports: process 0 the windows of every worker, every process what it
/// sent and how long its workers ran.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub channel: String,
    pub process: usize,
    pub processes: usize,
    pub workers: usize,
    pub records: u64,
    /// The windows of every worker, on process 0.
    pub summary: Option<Summary>,
    /// From the start of the process's first worker to the end of the job.
    pub seconds: f64,
    /// Bytes this process sent to the others, message headers included: counted by
    /// timely's send threads, exact once they have ended.
    pub bytes_sent: u64,
}

impl Outcome {
    pub fn records_per_second(&self) -> f64 {
        self.records as f64 / self.seconds
    }
}

/// Runs the job for `records` uploads as this process of `cluster`. A worker that fails
/// ends the run with its error; no worker waits longer than `deadline` for the job to end.
pub fn run(
    channel: &Channel,
    records: u64,
    cluster: &Cluster,
    deadline: Duration,
) -> Result<Outcome, String> {
    channel.install()?;
    let communication = cluster.communication()?;
    let sent = Arc::new(AtomicU64::new(0));
    let (builders, others) = connect(communication, counting_sends(sent.clone()), deadline)?;
    let failure = remember_panics();
    let channel_name = channel.name().to_owned();
    let bincode = matches!(channel, Channel::Bincode);
    let guards = timely::execute::execute_from(
        builders,
        others,
        timely::WorkerConfig::default(),
        move |worker| {
            let start = Instant::now();
            let total = Rc::new(RefCell::new(Summary::default()));
            let probe = match bincode {
                true => dataflow::build::<Vec<AppEvent>, Vec<Session>>,
                false => dataflow::build::<Records<AppEvent>, Records<Session>>,
            }(worker, records, total.clone());
            while !probe.done() {
                if start.elapsed() > deadline {
                    panic!("the job did not end within {deadline:?}");
                }
                worker.step_or_park(Some(Duration::from_millis(50)));
            }
            let seconds = start.elapsed().as_secs_f64();
            let total = *total.borrow();
            (worker.index(), total, seconds)
        },
    )
    .map_err(|e| format!("timely could not start the workers: {e}"))?;
    let said = || failure.lock().unwrap_or_else(|p| p.into_inner()).clone();
    // Timely's guards panic when dropped after a network thread did; the first panic of
    // the run says why.
    let joined = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| guards.join()))
        .map_err(|_| said().unwrap_or_else(|| "timely's network threads failed".into()))?;
    let mut first = None;
    for (worker, result) in joined.into_iter().enumerate() {
        match result {
            Ok(done) => {
                first.get_or_insert(done);
            }
            Err(_) => return Err(said().unwrap_or_else(|| format!("worker {worker} failed"))),
        }
    }
    let (index, summary, seconds) = first.ok_or("the process ran no worker")?;
    let processes = cluster.addresses.len().max(1);
    Ok(Outcome {
        channel: channel_name,
        process: cluster.process,
        processes,
        workers: processes * cluster.threads,
        records,
        summary: (index == 0).then_some(summary),
        seconds,
        // The send threads have ended with the join: every message is counted.
        bytes_sent: sent.load(Ordering::Relaxed),
    })
}

/// `typeinfo timely-etl`: runs this process of the job; its outcome, as text or a JSON
/// line.
pub fn run_flags(flags: &crate::cli::TimelyFlags) -> Result<String, String> {
    let channel = Channel::parse(&flags.channel)?;
    let cluster = Cluster {
        threads: flags.threads,
        process: flags.process,
        addresses: addresses(flags)?,
    };
    let deadline = Duration::from_secs(flags.deadline_secs);
    let outcome = run(&channel, flags.records, &cluster, deadline)?;
    Ok(match flags.json {
        true => serde_json::to_string(&outcome).expect("an outcome is plain data"),
        false => describe(&outcome),
    })
}

/// The processes' addresses: none for one process, else the hostfile's first lines or
/// localhost ports from `port`.
fn addresses(flags: &crate::cli::TimelyFlags) -> Result<Vec<String>, String> {
    let n = flags.processes;
    if n == 0 {
        return Err("--processes must be at least 1".into());
    }
    if n == 1 {
        return Ok(Vec::new());
    }
    let Some(file) = &flags.hostfile else {
        let last = u32::from(flags.port) + n as u32 - 1;
        if last > u32::from(u16::MAX) {
            return Err(format!(
                "--port {} leaves no room for {n} processes",
                flags.port
            ));
        }
        return Ok((0..n)
            .map(|p| format!("localhost:{}", u32::from(flags.port) + p as u32))
            .collect());
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read --hostfile {}: {e}", file.display()))?;
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(n)
        .map(str::to_owned)
        .collect();
    if lines.len() < n {
        return Err(format!(
            "--hostfile {} has {} addresses; --processes {n} needs {n}",
            file.display(),
            lines.len()
        ));
    }
    Ok(lines)
}

/// The outcome for people.
pub fn describe(outcome: &Outcome) -> String {
    let mut out = format!(
        "etl on timely, {} channel, process {} of {}, {} worker(s) in all: {:.3} s",
        outcome.channel, outcome.process, outcome.processes, outcome.workers, outcome.seconds
    );
    if let Some(s) = &outcome.summary {
        out.push_str(&format!(
            " ({:.0} uploads/s); {} uploads, {} sessions, {} windows, checksum {:016x}, {} late",
            outcome.records_per_second(),
            outcome.records,
            s.sessions,
            s.windows,
            s.checksum,
            s.late
        ));
    }
    out.push_str(&format!(
        "; this process sent {} bytes to the others",
        outcome.bytes_sent
    ));
    out
}

/// Builds timely's communication, which for several processes waits for every peer to
/// listen and retries without end: a peer that never comes fails the run after `bound`.
fn connect(
    communication: CommunicationConfig,
    hooks: Hooks,
    bound: Duration,
) -> Result<(Vec<AllocatorBuilder>, Box<dyn std::any::Any + Send>), String> {
    let (done, connected) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(communication.try_build_with(hooks));
    });
    match connected.recv_timeout(bound) {
        Ok(built) => built.map_err(|e| format!("timely could not connect the processes: {e}")),
        Err(_) => Err(format!(
            "the other processes did not connect within {bound:?} (is every process of -n started, with the same addresses?)"
        )),
    }
}

/// Hooks whose send threads add every message they write to `sent`.
fn counting_sends(sent: Arc<AtomicU64>) -> Hooks {
    let log_fn = Arc::new(move |setup: CommunicationSetup| {
        if !setup.sender {
            return None;
        }
        let sent = sent.clone();
        Some(Logger::<CommunicationEventBuilder>::new(
            Instant::now(),
            Duration::ZERO,
            move |_, events| {
                for (_, event) in events.iter().flatten() {
                    if let CommunicationEvent::Message(message) = event
                        && message.is_send
                    {
                        sent.fetch_add(message.header.required_bytes() as u64, Ordering::Relaxed);
                    }
                }
            },
        ))
    });
    Hooks {
        log_fn,
        ..Hooks::default()
    }
}

/// Keeps the first panic message of any thread, which timely's join reports only as a
/// panic; the message is still printed as usual.
fn remember_panics() -> Arc<Mutex<Option<String>>> {
    let first = Arc::new(Mutex::new(None));
    let keep = first.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = match info.payload().downcast_ref::<String>() {
            Some(text) => text.clone(),
            None => info
                .payload()
                .downcast_ref::<&str>()
                .map_or_else(|| info.to_string(), |s| (*s).to_owned()),
        };
        keep.lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_or_insert(message);
        previous(info);
    }));
    first
}
