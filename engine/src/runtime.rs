//! Running a job graph: place subtasks on task managers, size and check the buffer pools,
//! wire local and remote channels, run every subtask on its own thread, and gather reports.

use crate::config::NetworkConfig;
use crate::control::JobControl;
use crate::error::EngineError;
use crate::gate::{InputGate, Outlet};
use crate::job::{EdgeSpec, JobGraph, Wiring};
use crate::metrics::OutputMetrics;
use crate::net::{Endpoint, FloatingPool, Incoming, RemoteOutlet};
use crate::operator::SinkResult;
use crate::pool::NetworkBufferPool;
use crate::task::{Task, TaskReport};
use std::collections::HashMap;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How task managers are laid out and talk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// One task manager: every channel is local.
    Local,
    /// Task managers as thread groups of this process, connected over loopback TCP;
    /// subtask `i` of every stage runs on task manager `i % task_managers`.
    Tcp { task_managers: usize },
}

impl Transport {
    pub fn task_managers(&self) -> usize {
        match self {
            Transport::Local => 1,
            Transport::Tcp { task_managers } => *task_managers,
        }
    }
}

/// One edge of a finished job, summed over its subtasks.
#[derive(Debug, Clone)]
pub struct EdgeReport {
    pub name: String,
    pub format: &'static str,
    pub partitioner: String,
    pub local_channels: usize,
    pub remote_channels: usize,
    pub output: OutputMetrics,
    pub records_read: u64,
}

/// One direction of a connection between task managers: all the channels it carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionReport {
    pub from_task_manager: usize,
    pub to_task_manager: usize,
    /// Buffer payload sent (frame headers and credits not counted).
    pub bytes: u64,
    pub buffers: u64,
}

/// What a job did.
#[derive(Debug, Clone)]
pub struct JobReport {
    pub job: String,
    pub elapsed: Duration,
    pub network_buffers: usize,
    pub required_buffers: usize,
    pub edges: Vec<EdgeReport>,
    pub tasks: Vec<TaskReport>,
    /// Every sink's result, merged.
    pub sink: SinkResult,
    pub late_records: u64,
    /// Records the sources emitted: the job's input, which ops/ms count.
    pub source_records: u64,
    /// Per direction of each TCP connection (none over local channels).
    pub connections: Vec<ConnectionReport>,
}

/// The producers each consumer of an edge reads: all of them, except on a forward edge,
/// which connects subtask `i` to subtask `i` only (Flink's pointwise pattern).
fn producers_of(graph: &JobGraph, edge: &EdgeSpec, consumer: usize) -> Vec<usize> {
    if edge.partitioner == "forward" {
        vec![consumer]
    } else {
        (0..graph.stages[edge.from].parallelism).collect()
    }
}

/// How many consumers each producer of an edge writes to.
fn consumers_per_producer(graph: &JobGraph, edge: &EdgeSpec) -> usize {
    if edge.partitioner == "forward" {
        1
    } else {
        graph.stages[edge.to].parallelism
    }
}

/// The buffers a graph needs when placed on `task_managers`: per producing subtask one pool
/// (`channels × exclusive + floating`), per consuming subtask the same for its remote
/// channels (local channels hand over the producer's buffers).
fn required_buffers(
    graph: &JobGraph,
    config: &NetworkConfig,
    task_managers: usize,
) -> (usize, String) {
    let mut total = 0;
    let mut parts = Vec::new();
    for edge in &graph.edges {
        let (from, to) = (&graph.stages[edge.from], &graph.stages[edge.to]);
        let per_writer = config.buffers_for(consumers_per_producer(graph, edge));
        let readers: usize = (0..to.parallelism)
            .map(|c| {
                producers_of(graph, edge, c)
                    .into_iter()
                    .filter(|p| p % task_managers != c % task_managers)
                    .count()
            })
            .filter(|&remote| remote > 0)
            .map(|remote| config.buffers_for(remote))
            .sum();
        total += from.parallelism * per_writer + readers;
        parts.push(format!(
            "edge {}: {} writers × {per_writer} + {readers} for remote reads",
            edge.name, from.parallelism,
        ));
    }
    (total, parts.join("; "))
}

impl JobGraph {
    /// Runs the job to its end. Fails before starting anything when the settings or the
    /// buffers do not suffice; fails (and stops every task) when any task fails.
    pub fn run(
        &self,
        config: &NetworkConfig,
        transport: Transport,
    ) -> Result<JobReport, EngineError> {
        config.validate()?;
        self.validate()?;
        let tms = transport.task_managers();
        if tms == 0 {
            return Err(EngineError::Config {
                key: "--task-managers".into(),
                value: "0".into(),
                allowed: "at least 1".into(),
            });
        }
        let (required, breakdown) = required_buffers(self, config, tms);
        if required > config.network_buffers {
            return Err(EngineError::InsufficientBuffers {
                required,
                available: config.network_buffers,
                breakdown,
            });
        }
        let global = NetworkBufferPool::new(config.network_buffers, config.segment_size);
        let control = JobControl::new();
        let started = Instant::now();
        // Endpoints already started stop once the job is cancelled.
        let mut wired = Wires::new(self, config, &global, &control, tms)
            .inspect_err(|e| control.fail(e.clone()))?;

        let prepared = self.prepare_tasks(config, &global, &control, &mut wired, tms);
        let prepared = match prepared {
            Ok(prepared) => prepared,
            Err(error) => {
                control.fail(error.clone());
                wired.join_endpoints();
                return Err(error);
            }
        };
        let mut handles = Vec::new();
        for (task, mut report) in prepared {
            let task_control = control.clone();
            let spawned = std::thread::Builder::new()
                .name(report.task.clone())
                .spawn(move || {
                    let result =
                        std::panic::catch_unwind(AssertUnwindSafe(|| task.run(&mut report)));
                    let outcome = match result {
                        Ok(outcome) => outcome,
                        Err(panic) => Err(EngineError::TaskPanicked {
                            task: report.task.clone(),
                            message: panic_message(&panic),
                        }),
                    };
                    if let Err(e) = outcome {
                        task_control.fail(e);
                    }
                    report
                });
            match spawned {
                Ok(handle) => handles.push(handle),
                Err(e) => control.fail(EngineError::Config {
                    key: "threads".into(),
                    value: e.to_string(),
                    allowed: "the system must allow one thread per subtask".into(),
                }),
            }
        }
        let tasks: Vec<TaskReport> = handles
            .into_iter()
            .map(|h| h.join().expect("panics are caught in the task"))
            .collect();
        let elapsed = started.elapsed();
        let connections = wired.join_endpoints();
        if let Some(error) = control.first_error() {
            return Err(error);
        }
        let mut report = self.report(tasks, elapsed, config.network_buffers, required, &wired);
        report.connections = connections;
        Ok(report)
    }

    /// Every subtask, wired and ready to run, with its report header.
    fn prepare_tasks(
        &self,
        config: &NetworkConfig,
        global: &Arc<NetworkBufferPool>,
        control: &JobControl,
        wired: &mut Wires,
        tms: usize,
    ) -> Result<Vec<Prepared>, EngineError> {
        let mut prepared = Vec::new();
        for stage in &self.stages {
            for subtask in 0..stage.parallelism {
                let output = match stage.output {
                    Some(e) => Some((
                        wired.outlets[e][subtask].take().expect("once"),
                        global.local_pool(
                            config.buffers_for(consumers_per_producer(self, &self.edges[e])),
                            &format!("the writer of {}[{subtask}]", stage.name),
                        )?,
                    )),
                    None => None,
                };
                let mut wiring = Wiring {
                    subtask,
                    control: control.clone(),
                    config: config.clone(),
                    input: stage
                        .input
                        .map(|e| wired.gates[e][subtask].take().expect("once")),
                    output,
                };
                let task = (stage.make)(&mut wiring)?;
                let report = TaskReport {
                    task: format!("{}[{subtask}]", stage.name),
                    task_manager: subtask % tms,
                    ..TaskReport::default()
                };
                prepared.push((task, report));
            }
        }
        Ok(prepared)
    }

    fn report(
        &self,
        tasks: Vec<TaskReport>,
        elapsed: Duration,
        network_buffers: usize,
        required_buffers: usize,
        wired: &Wires,
    ) -> JobReport {
        let mut sink = SinkResult::default();
        let (mut late_records, mut source_records) = (0, 0);
        let mut edges: Vec<EdgeReport> = self
            .edges
            .iter()
            .enumerate()
            .map(|(e, edge)| EdgeReport {
                name: edge.name.to_string(),
                format: edge.format,
                partitioner: edge.partitioner.clone(),
                local_channels: wired.channels[e].0,
                remote_channels: wired.channels[e].1,
                output: OutputMetrics::default(),
                records_read: 0,
            })
            .collect();
        for task in &tasks {
            if let Some(result) = &task.sink {
                sink.merge(result);
            }
            late_records += task.late_records;
            source_records += task.source_records;
            for (name, metrics) in &task.outputs {
                if let Some(edge) = edges.iter_mut().find(|e| &e.name == name) {
                    edge.output.merge(metrics);
                }
            }
            for (name, records, _) in &task.inputs {
                if let Some(edge) = edges.iter_mut().find(|e| &e.name == name) {
                    edge.records_read += records;
                }
            }
        }
        JobReport {
            job: self.name.clone(),
            elapsed,
            network_buffers,
            required_buffers,
            edges,
            tasks,
            sink,
            late_records,
            source_records,
            connections: Vec::new(),
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// A subtask ready to run, and the header of its report.
type Prepared = (Box<dyn Task>, TaskReport);

/// A producer's outlet per consumer it writes to.
type Outlets = Vec<Box<dyn Outlet>>;

/// A connection end and the task managers it sends from and to.
type Link = (Endpoint, usize, usize);

/// The channels of a job, ready to hand to its subtasks.
struct Wires {
    /// Per edge, per consuming subtask.
    gates: Vec<Vec<Option<InputGate>>>,
    /// Per edge, per producing subtask: one outlet per consumer.
    outlets: Vec<Vec<Option<Outlets>>>,
    /// Per edge: local and remote channel counts.
    channels: Vec<(usize, usize)>,
    endpoints: Vec<Link>,
}

impl Wires {
    /// Waits for every connection to end and reports what each direction carried.
    fn join_endpoints(&mut self) -> Vec<ConnectionReport> {
        self.endpoints
            .drain(..)
            .map(|(endpoint, from, to)| {
                let (bytes, buffers) = endpoint.join();
                ConnectionReport {
                    from_task_manager: from,
                    to_task_manager: to,
                    bytes,
                    buffers,
                }
            })
            .collect()
    }

    fn new(
        graph: &JobGraph,
        config: &NetworkConfig,
        global: &Arc<NetworkBufferPool>,
        control: &JobControl,
        tms: usize,
    ) -> Result<Self, EngineError> {
        let mut gates = Vec::new();
        let mut outlets = Vec::new();
        let mut channels = Vec::new();
        // Remote channels per ordered pair of task managers.
        let mut remote: HashMap<(usize, usize), Vec<(u32, Incoming)>> = HashMap::new();
        let mut remote_slots: Vec<(usize, usize, usize, u32)> = Vec::new();
        let mut next_id = 0u32;
        for (e, edge) in graph.edges.iter().enumerate() {
            let (producers, consumers) = (
                graph.stages[edge.from].parallelism,
                graph.stages[edge.to].parallelism,
            );
            let mut edge_gates = Vec::new();
            let mut edge_outlets: Vec<Vec<Option<Box<dyn Outlet>>>> =
                (0..producers).map(|_| Vec::new()).collect();
            let (mut local, mut remote_count) = (0, 0);
            for consumer in 0..consumers {
                let inputs = producers_of(graph, edge, consumer);
                let (gate, senders) = InputGate::new(inputs.len(), control.clone());
                edge_gates.push(Some(gate));
                let remote_here = inputs
                    .iter()
                    .filter(|&&p| p % tms != consumer % tms)
                    .count();
                let floating = if remote_here > 0 {
                    let segments = global.take_segments(
                        config.floating_buffers,
                        &format!("the gate of {}[{consumer}]", edge.name),
                    )?;
                    Some(FloatingPool::new(segments, global.clone()))
                } else {
                    None
                };
                for (producer, sender) in inputs.into_iter().zip(senders) {
                    let (from_tm, to_tm) = (producer % tms, consumer % tms);
                    if from_tm == to_tm {
                        local += 1;
                        edge_outlets[producer].push(Some(Box::new(sender)));
                        continue;
                    }
                    remote_count += 1;
                    let id = next_id;
                    next_id += 1;
                    let exclusive = global.take_segments(
                        config.exclusive_buffers,
                        &format!("channel {producer} of {}[{consumer}]", edge.name),
                    )?;
                    remote.entry((from_tm, to_tm)).or_default().push((
                        id,
                        Incoming {
                            id,
                            gate: sender,
                            exclusive,
                            floating: floating.clone().expect("remote channels have a pool"),
                        },
                    ));
                    edge_outlets[producer].push(None);
                    remote_slots.push((e, producer, edge_outlets[producer].len() - 1, id));
                }
            }
            gates.push(edge_gates);
            outlets.push(edge_outlets);
            channels.push((local, remote_count));
        }
        let (endpoints, mut remote_outlets) = connect(remote, tms, global, control)?;
        for (e, producer, slot, id) in remote_slots {
            let outlet = remote_outlets
                .remove(&id)
                .expect("every remote channel has an outlet");
            outlets[e][producer][slot] = Some(Box::new(outlet));
        }
        Ok(Wires {
            gates,
            outlets: outlets
                .into_iter()
                .map(|edge| {
                    edge.into_iter()
                        .map(|slots| Some(slots.into_iter().map(|s| s.expect("wired")).collect()))
                        .collect()
                })
                .collect(),
            channels,
            endpoints,
        })
    }
}

/// Opens one loopback connection per pair of task managers that share a channel and starts
/// both ends.
fn connect(
    mut remote: HashMap<(usize, usize), Vec<(u32, Incoming)>>,
    tms: usize,
    global: &Arc<NetworkBufferPool>,
    control: &JobControl,
) -> Result<(Vec<Link>, HashMap<u32, RemoteOutlet>), EngineError> {
    let mut endpoints = Vec::new();
    let mut outlets = HashMap::new();
    for a in 0..tms {
        for b in a + 1..tms {
            let a_to_b = remote.remove(&(a, b)).unwrap_or_default();
            let b_to_a = remote.remove(&(b, a)).unwrap_or_default();
            if a_to_b.is_empty() && b_to_a.is_empty() {
                continue;
            }
            let failed = |e: std::io::Error| EngineError::Connection {
                peer: format!("task manager {b} from {a}"),
                detail: e.to_string(),
            };
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(failed)?;
            let address = listener.local_addr().map_err(failed)?;
            let at_b = TcpStream::connect(address).map_err(failed)?;
            let (at_a, _) = listener.accept().map_err(failed)?;
            let ids = |channels: &[(u32, Incoming)]| {
                channels.iter().map(|(id, _)| *id).collect::<Vec<_>>()
            };
            let (a_out, b_out) = (ids(&a_to_b), ids(&b_to_a));
            let strip =
                |channels: Vec<(u32, Incoming)>| channels.into_iter().map(|(_, c)| c).collect();
            let (end_a, outlets_a) = Endpoint::start(
                at_a,
                format!("task manager {b} ({address})"),
                &a_out,
                strip(b_to_a),
                global,
                control,
            )
            .map_err(failed)?;
            let (end_b, outlets_b) = Endpoint::start(
                at_b,
                format!("task manager {a} ({address})"),
                &b_out,
                strip(a_to_b),
                global,
                control,
            )
            .map_err(failed)?;
            endpoints.extend([(end_a, a, b), (end_b, b, a)]);
            outlets.extend(outlets_a);
            outlets.extend(outlets_b);
        }
    }
    Ok((endpoints, outlets))
}
