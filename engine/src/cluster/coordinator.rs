//! The coordinator: task manager 0, which starts the workers, checks that they built the
//! same job, runs its own subtasks, watches the workers and gathers their reports.

use super::message::{self, Message};
use super::{describe_job, first_difference, mesh};
use crate::communication::control::JobControl;
use crate::config::NetworkConfig;
use crate::dataflow::job::JobGraph;
use crate::dataflow::report::{ConnectionReport, JobReport, TaskReport};
use crate::dataflow::runtime::{Checked, Services};
use crate::dataflow::transport::WorkerCommand;
use crate::dataflow::wires::{Peers, Placement, carrying, connected_pairs};
use crate::error::EngineError;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long workers have to stop after the job was cancelled before they are killed.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// The worker processes; any still running when this is dropped are killed, so a failed
/// start leaves none behind.
struct Workers {
    /// By task manager index (from 1).
    children: BTreeMap<usize, Child>,
}

impl Workers {
    fn start(
        command: &WorkerCommand,
        coordinator: SocketAddr,
        task_managers: usize,
    ) -> Result<Self, EngineError> {
        let mut workers = Workers {
            children: BTreeMap::new(),
        };
        for tm in 1..task_managers {
            let child = Command::new(&command.program)
                .args(&command.args)
                .arg("--coordinator")
                .arg(coordinator.to_string())
                .arg("--task-manager")
                .arg(tm.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .map_err(|e| EngineError::TaskManager {
                    task_manager: tm,
                    detail: format!("could not start `{}`: {e}", command.program.display()),
                })?;
            workers.children.insert(tm, child);
        }
        Ok(workers)
    }

    fn pid(&self, tm: usize) -> u32 {
        self.children[&tm].id()
    }

    /// A worker that has already exited, with how.
    fn exited(&mut self) -> Option<(usize, String)> {
        self.children.iter_mut().find_map(|(&tm, child)| {
            let status = child.try_wait().ok()??;
            Some((tm, format!("process {} exited ({status})", child.id())))
        })
    }

    /// How worker `tm` exited, if it does within `wait`.
    fn exit_within(&mut self, tm: usize, wait: Duration) -> Option<String> {
        let child = self.children.get_mut(&tm)?;
        let deadline = Instant::now() + wait;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Some(status.to_string()),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => return None,
            }
        }
    }

    fn kill(&mut self, tm: usize) {
        if let Some(child) = self.children.get_mut(&tm) {
            let _ = child.kill();
        }
    }

    /// Waits for every worker to exit.
    fn wait(&mut self) {
        for child in self.children.values_mut() {
            let _ = child.wait();
        }
        self.children.clear();
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for child in self.children.values_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Accepts every worker's hello within the connect timeout, refusing a worker that built
/// another job. A worker that exits before it says hello fails the start at once.
fn greet(
    listener: &TcpListener,
    workers: &mut Workers,
    job: &[String],
    task_managers: usize,
) -> Result<BTreeMap<usize, (TcpStream, String)>, EngineError> {
    let deadline = Instant::now() + mesh::CONNECT_TIMEOUT;
    let io = |tm: usize| {
        move |e: std::io::Error| EngineError::TaskManager {
            task_manager: tm,
            detail: e.to_string(),
        }
    };
    let mut greeted = BTreeMap::new();
    while greeted.len() + 1 < task_managers {
        let exited = || match workers.exited() {
            Some((tm, how)) => Err(EngineError::TaskManager {
                task_manager: tm,
                detail: format!("{how} before it connected to the coordinator"),
            }),
            None => Ok(()),
        };
        let Some((mut stream, _)) = mesh::accept_until(listener, deadline, exited, io(0))? else {
            return Err(EngineError::TaskManager {
                task_manager: (1..task_managers)
                    .find(|tm| !greeted.contains_key(tm))
                    .unwrap_or(0),
                detail: format!(
                    "did not connect to the coordinator within {:?}",
                    mesh::CONNECT_TIMEOUT
                ),
            });
        };
        let hello = message::receive(&mut stream).map_err(|detail| EngineError::TaskManager {
            task_manager: 0,
            detail: format!("a worker's hello: {detail}"),
        })?;
        let Some(Message::Hello {
            task_manager,
            process,
            job: theirs,
            data_address,
        }) = hello
        else {
            return Err(EngineError::TaskManager {
                task_manager: 0,
                detail: format!("a worker sent {hello:?} instead of its hello"),
            });
        };
        let tm = task_manager as usize;
        let refusal = if !(1..task_managers).contains(&tm) || greeted.contains_key(&tm) {
            Some(format!(
                "process {process} says it is task manager {tm}, which is not one this \
                 coordinator waits for"
            ))
        } else if theirs != job {
            Some(format!(
                "process {process} built another job: {}; start workers with the job's \
                 arguments",
                first_difference(job, &theirs)
            ))
        } else {
            None
        };
        if let Some(reason) = refusal {
            let _ = message::send(
                &mut stream,
                &Message::Refused {
                    reason: reason.clone(),
                },
            );
            return Err(EngineError::TaskManager {
                task_manager: tm,
                detail: reason,
            });
        }
        stream.set_read_timeout(None).map_err(io(tm))?;
        greeted.insert(tm, (stream, data_address));
    }
    Ok(greeted)
}

/// A worker's task and connection reports.
type WorkerReport = (Vec<TaskReport>, Vec<ConnectionReport>);

/// What a worker's watcher heard.
enum Heard {
    /// Its report, and its error if it failed (with whether that error was a broken
    /// connection, which may only follow another task manager's failure).
    Report {
        tasks: Vec<TaskReport>,
        connections: Vec<ConnectionReport>,
        error: Option<(EngineError, bool)>,
    },
    /// It went away before it reported.
    Lost(EngineError),
}

/// The errors of a failed job, gathered from every process.
#[derive(Default)]
struct Failures {
    /// The first worker that died without being killed by the coordinator.
    died: Option<EngineError>,
    /// Workers' errors in the order they came, with whether each was a broken connection.
    reported: Vec<(EngineError, bool)>,
}

impl Failures {
    /// The error that explains the failure best: a worker that died, else the first error
    /// that is not a broken connection (connections break when a peer fails), else the
    /// coordinator's first error, else a worker's.
    fn cause(self, local: Option<EngineError>) -> Option<EngineError> {
        let is_connection = |e: &EngineError| matches!(e, EngineError::Connection { .. });
        let mut reported = self.reported.into_iter();
        let first_remote = reported.clone().next().map(|(e, _)| e);
        self.died
            .or_else(|| local.clone().filter(|e| !is_connection(e)))
            .or_else(|| reported.find(|(_, connection)| !connection).map(|(e, _)| e))
            .or(local)
            .or(first_remote)
    }
}

/// Runs `graph` with task managers 1.. as worker processes started by `command`.
pub(crate) fn coordinate(
    graph: &JobGraph,
    config: &NetworkConfig,
    checked: Checked,
    command: &WorkerCommand,
) -> Result<JobReport, EngineError> {
    let task_managers = checked.task_managers;
    let local = |e: std::io::Error| EngineError::TaskManager {
        task_manager: 0,
        detail: e.to_string(),
    };
    let control_listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(local)?;
    let data_listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(local)?;
    let mut workers = Workers::start(
        command,
        control_listener.local_addr().map_err(local)?,
        task_managers,
    )?;
    let job = describe_job(graph, config, task_managers);
    let mut greeted = greet(&control_listener, &mut workers, &job, task_managers)?;
    drop(control_listener);

    let started = Instant::now();
    let token: u64 = rand::random();
    let mut addresses = vec![data_listener.local_addr().map_err(local)?.to_string()];
    addresses.extend(greeted.values().map(|(_, address)| address.clone()));
    for (tm, (stream, _)) in &mut greeted {
        let start = Message::Start {
            token,
            data_addresses: addresses.clone(),
        };
        message::send(stream, &start).map_err(|e| EngineError::TaskManager {
            task_manager: *tm,
            detail: format!("could not send the start: {e}"),
        })?;
    }
    let placement = Placement {
        task_managers,
        here: Some(0),
    };
    let pairs = connected_pairs(
        graph,
        Placement {
            here: None,
            ..placement
        },
    );
    let control = JobControl::new();
    let (heard_tx, heard) = mpsc::channel::<(usize, Heard)>();
    let mut to_workers = BTreeMap::new();
    for (tm, (stream, _)) in greeted {
        let edges: BTreeSet<_> = pairs
            .iter()
            .filter(|((a, b), _)| *a == tm || *b == tm)
            .flat_map(|(_, edges)| edges)
            .cloned()
            .collect();
        let who = format!("process {}, {}", workers.pid(tm), carrying(&edges));
        to_workers.insert(tm, stream.try_clone().map_err(local)?);
        watch(tm, stream, who, control.clone(), heard_tx.clone());
    }
    drop(heard_tx);
    let keys = pairs.keys().copied().collect();
    let ran = mesh::connect(0, &keys, &data_listener, &addresses, token).and_then(|peers| {
        drop(data_listener);
        graph.run_here(
            config,
            placement,
            Peers::Connected(peers),
            &control,
            Services::default(),
        )
    });
    if let Err(error) = &ran {
        control.fail(error.clone());
    }
    let (reports, failures) = gather(&heard, &mut to_workers, &mut workers, &control);
    let elapsed = started.elapsed();
    workers.wait();
    if let Some(error) = failures.cause(control.first_error()) {
        return Err(error);
    }
    let ran = ran?;
    let (mut tasks, mut connections) = (ran.tasks, ran.connections);
    for (worker_tasks, worker_connections) in reports {
        tasks.extend(worker_tasks);
        connections.extend(worker_connections);
    }
    let mut report = graph.report(tasks, elapsed, &ran.channels, config, checked);
    report.connections = connections;
    Ok(report)
}

/// Starts the thread that waits for worker `tm`'s report. A worker that fails, or dies
/// before it reports, cancels the job.
fn watch(
    tm: usize,
    mut stream: TcpStream,
    who: String,
    control: JobControl,
    heard: mpsc::Sender<(usize, Heard)>,
) {
    let watcher_control = control.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("task manager {tm}"))
        .spawn(move || {
            let lost = |headline: &str, detail: Option<String>| EngineError::TaskManager {
                task_manager: tm,
                detail: match detail {
                    Some(detail) => format!("{headline} ({who}): {detail}"),
                    None => format!("{headline} ({who})"),
                },
            };
            let went_away = "went away before it reported";
            let outcome = match message::receive(&mut stream) {
                Ok(Some(Message::Done {
                    tasks,
                    connections,
                    error,
                    broken_connection,
                })) => Heard::Report {
                    tasks,
                    connections,
                    error: error.map(|e| (lost("failed", Some(e)), broken_connection)),
                },
                Ok(Some(other)) => Heard::Lost(lost(
                    "sent a message out of turn",
                    Some(format!("{other:?} instead of its report")),
                )),
                Ok(None) => Heard::Lost(lost(went_away, None)),
                Err(detail) => Heard::Lost(lost(went_away, Some(detail))),
            };
            if matches!(
                outcome,
                Heard::Lost(_) | Heard::Report { error: Some(_), .. }
            ) {
                // Its error is the coordinator's to weigh; here it only stops the job.
                watcher_control.fail(EngineError::Cancelled);
            }
            let _ = heard.send((tm, outcome));
        });
    if let Err(e) = spawned {
        control.fail(EngineError::TaskManager {
            task_manager: tm,
            detail: format!("no thread to watch it: {e}"),
        });
    }
}

/// Waits for every worker's report. Once the job has failed, tells the workers to stop and
/// kills those that do not within [`STOP_GRACE`].
fn gather(
    heard: &mpsc::Receiver<(usize, Heard)>,
    to_workers: &mut BTreeMap<usize, TcpStream>,
    workers: &mut Workers,
    control: &JobControl,
) -> (Vec<WorkerReport>, Failures) {
    let mut reports = Vec::new();
    let mut failures = Failures::default();
    let mut pending: BTreeSet<usize> = to_workers.keys().copied().collect();
    let mut killed = BTreeSet::new();
    let mut stop_by: Option<Instant> = None;
    while !pending.is_empty() {
        if control.is_cancelled() && stop_by.is_none() {
            stop_by = Some(Instant::now() + STOP_GRACE);
            for tm in &pending {
                if let Some(stream) = to_workers.get_mut(tm) {
                    let _ = message::send(stream, &Message::Cancel);
                }
            }
        }
        if stop_by.is_some_and(|deadline| Instant::now() >= deadline) {
            for &tm in &pending {
                workers.kill(tm);
                killed.insert(tm);
            }
            stop_by = Some(Instant::now() + STOP_GRACE);
        }
        match heard.recv_timeout(Duration::from_millis(20)) {
            Ok((tm, outcome)) => {
                pending.remove(&tm);
                to_workers.remove(&tm);
                match outcome {
                    Heard::Report {
                        tasks,
                        connections,
                        error,
                    } => {
                        failures.reported.extend(error);
                        reports.push((tasks, connections));
                    }
                    Heard::Lost(mut error) if !killed.contains(&tm) => {
                        if let (EngineError::TaskManager { detail, .. }, Some(status)) =
                            (&mut error, workers.exit_within(tm, Duration::from_secs(1)))
                        {
                            detail.push_str(&format!("; it exited with {status}"));
                        }
                        failures.died.get_or_insert(error);
                    }
                    Heard::Lost(_) => {}
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    (reports, failures)
}
