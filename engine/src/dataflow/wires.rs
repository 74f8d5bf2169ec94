//! Wiring a job's channels for the task managers one process holds: which producer writes to
//! which consumer, in memory or over a connection between task managers.
//!
//! Every process of a job walks the same graph in the same order, so a remote channel gets
//! the same id in the process that writes it and in the one that reads it; only the ends a
//! process holds are built there.

use crate::communication::control::JobControl;
use crate::communication::gate::{InputGate, Outlet};
use crate::communication::pool::NetworkBufferPool;
use crate::communication::tcp::{Endpoint, FloatingPool, Incoming, RemoteOutlet};
use crate::config::NetworkConfig;
use crate::dataflow::job::{EdgeSpec, JobGraph};
use crate::dataflow::report::ConnectionReport;
use crate::error::EngineError;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::Arc;

/// Where subtasks run: subtask `i` of every stage on task manager `i % task_managers`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placement {
    pub(crate) task_managers: usize,
    /// The one task manager this process holds, or `None` for all of them.
    pub(crate) here: Option<usize>,
}

impl Placement {
    pub(crate) fn task_manager_of(&self, subtask: usize) -> usize {
        subtask % self.task_managers
    }

    pub(crate) fn holds(&self, task_manager: usize) -> bool {
        self.here.is_none_or(|here| here == task_manager)
    }
}

/// How this process reaches the other task managers.
pub(crate) enum Peers {
    /// They are thread groups of this process: each connection is a fresh loopback pair.
    InProcess,
    /// They are other processes: this end of the connection to each of them, by index.
    Connected(HashMap<usize, (TcpStream, String)>),
}

/// The producers each consumer of an edge reads: all of them, except on a forward edge,
/// which connects subtask `i` to subtask `i` only (Flink's pointwise pattern).
pub(crate) fn producers_of(graph: &JobGraph, edge: &EdgeSpec, consumer: usize) -> Vec<usize> {
    if edge.partitioner == "forward" {
        vec![consumer]
    } else {
        (0..graph.stages[edge.from].parallelism).collect()
    }
}

/// How many consumers each producer of an edge writes to.
pub(crate) fn consumers_per_producer(graph: &JobGraph, edge: &EdgeSpec) -> usize {
    if edge.partitioner == "forward" {
        1
    } else {
        graph.stages[edge.to].parallelism
    }
}

/// The pairs of task managers (lower index first) that share at least one channel, with
/// the edges of those channels.
pub(crate) fn connected_pairs(
    graph: &JobGraph,
    placement: Placement,
) -> BTreeMap<(usize, usize), BTreeSet<Arc<str>>> {
    let mut pairs: BTreeMap<(usize, usize), BTreeSet<Arc<str>>> = BTreeMap::new();
    for edge in &graph.edges {
        for consumer in 0..graph.stages[edge.to].parallelism {
            for producer in producers_of(graph, edge, consumer) {
                let (a, b) = (
                    placement.task_manager_of(producer),
                    placement.task_manager_of(consumer),
                );
                if a != b {
                    let names = pairs.entry((a.min(b), a.max(b))).or_default();
                    names.insert(edge.name.clone());
                }
            }
        }
    }
    pairs
}

/// The edges a connection carries, for error messages.
pub(crate) fn carrying<'a>(edges: impl IntoIterator<Item = &'a Arc<str>>) -> String {
    let names: BTreeSet<&str> = edges.into_iter().map(|e| &**e).collect();
    let names: Vec<&str> = names.into_iter().collect();
    match names.as_slice() {
        [one] => format!("carrying edge {one}"),
        many => format!("carrying edges {}", many.join(", ")),
    }
}

/// A producer's outlet per consumer it writes to.
pub(crate) type Outlets = Vec<Box<dyn Outlet>>;

/// A connection end and the task managers it sends from and to.
type Link = (Endpoint, usize, usize);

/// The remote channels from one task manager to another.
#[derive(Default)]
struct Route {
    ids: Vec<u32>,
    /// The channels' receiving ends, when this process holds the receiver.
    incoming: Vec<Incoming>,
    edges: BTreeSet<Arc<str>>,
}

/// The channels of a job, ready to hand to the subtasks this process holds.
pub(crate) struct Wires {
    /// Per edge, per consuming subtask (held here).
    pub(crate) gates: Vec<Vec<Option<InputGate>>>,
    /// Per edge, per producing subtask (held here): one outlet per consumer.
    pub(crate) outlets: Vec<Vec<Option<Outlets>>>,
    /// Per edge: local and remote channel counts of the whole job.
    pub(crate) channels: Vec<(usize, usize)>,
    endpoints: Vec<Link>,
}

impl Wires {
    /// Waits for every connection to end and reports what each direction carried.
    pub(crate) fn join_endpoints(&mut self) -> Vec<ConnectionReport> {
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

    pub(crate) fn new(
        graph: &JobGraph,
        config: &NetworkConfig,
        global: &Arc<NetworkBufferPool>,
        control: &JobControl,
        placement: Placement,
        peers: Peers,
    ) -> Result<Self, EngineError> {
        let tm = |subtask| placement.task_manager_of(subtask);
        let mut gates = Vec::new();
        let mut outlets = Vec::new();
        let mut channels = Vec::new();
        let mut routes: BTreeMap<(usize, usize), Route> = BTreeMap::new();
        // (edge, producer, slot, channel id) of the remote outlets held here.
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
                let to_tm = tm(consumer);
                let remote_here = inputs.iter().filter(|&&p| tm(p) != to_tm).count();
                local += inputs.len() - remote_here;
                remote_count += remote_here;
                // The gate's senders, when this process holds the consumer; the remote
                // channels are numbered either way, as the process that holds them does.
                let mut senders = if placement.holds(to_tm) {
                    let (gate, senders) = InputGate::new(inputs.len(), control.clone());
                    edge_gates.push(Some(gate));
                    Some(senders.into_iter())
                } else {
                    edge_gates.push(None);
                    None
                };
                let floating = match &senders {
                    Some(_) if remote_here > 0 => {
                        let segments = global.take_segments(
                            config.floating_buffers,
                            &format!("the gate of {}[{consumer}]", edge.name),
                        )?;
                        Some(FloatingPool::new(segments, global.clone()))
                    }
                    _ => None,
                };
                for producer in inputs {
                    let sender = senders.as_mut().map(|s| s.next().expect("one per input"));
                    let from_tm = tm(producer);
                    if from_tm == to_tm {
                        // Both ends here, or neither.
                        if let Some(sender) = sender {
                            edge_outlets[producer].push(Some(Box::new(sender)));
                        }
                        continue;
                    }
                    let id = next_id;
                    next_id += 1;
                    let route = routes.entry((from_tm, to_tm)).or_default();
                    route.ids.push(id);
                    route.edges.insert(edge.name.clone());
                    if let Some(gate) = sender {
                        let exclusive = global.take_segments(
                            config.exclusive_buffers,
                            &format!("channel {producer} of {}[{consumer}]", edge.name),
                        )?;
                        route.incoming.push(Incoming {
                            id,
                            gate,
                            exclusive,
                            floating: floating.clone().expect("remote channels have a pool"),
                        });
                    }
                    if placement.holds(from_tm) {
                        edge_outlets[producer].push(None);
                        let slot = edge_outlets[producer].len() - 1;
                        remote_slots.push((e, producer, slot, id));
                    }
                }
            }
            gates.push(edge_gates);
            outlets.push(edge_outlets);
            channels.push((local, remote_count));
        }
        let (endpoints, mut remote_outlets) = connect(routes, placement, peers, global, control)?;
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
                        .enumerate()
                        .map(|(producer, slots)| {
                            placement
                                .holds(tm(producer))
                                .then(|| slots.into_iter().map(|s| s.expect("wired")).collect())
                        })
                        .collect()
                })
                .collect(),
            channels,
            endpoints,
        })
    }
}

/// Starts both ends of every connection this process holds an end of: one per pair of task
/// managers that share a channel.
fn connect(
    mut routes: BTreeMap<(usize, usize), Route>,
    placement: Placement,
    mut peers: Peers,
    global: &Arc<NetworkBufferPool>,
    control: &JobControl,
) -> Result<(Vec<Link>, HashMap<u32, RemoteOutlet>), EngineError> {
    let mut endpoints = Vec::new();
    let mut outlets = HashMap::new();
    let pairs: BTreeSet<(usize, usize)> =
        routes.keys().map(|&(a, b)| (a.min(b), a.max(b))).collect();
    for (a, b) in pairs {
        if !placement.holds(a) && !placement.holds(b) {
            continue;
        }
        let a_to_b = routes.remove(&(a, b)).unwrap_or_default();
        let b_to_a = routes.remove(&(b, a)).unwrap_or_default();
        let edges = carrying(a_to_b.edges.iter().chain(&b_to_a.edges));
        let failed = |e: std::io::Error| EngineError::Connection {
            peer: format!("task manager {b} from {a} ({edges})"),
            detail: e.to_string(),
        };
        // This process's end(s): (stream, own index, peer index, peer description).
        let ends: Vec<(TcpStream, usize, usize, String)> = match &mut peers {
            Peers::InProcess => {
                let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(failed)?;
                let address = listener.local_addr().map_err(failed)?;
                let at_b = TcpStream::connect(address).map_err(failed)?;
                let (at_a, _) = listener.accept().map_err(failed)?;
                vec![
                    (at_a, a, b, format!("task manager {b} ({address}) {edges}")),
                    (at_b, b, a, format!("task manager {a} ({address}) {edges}")),
                ]
            }
            Peers::Connected(streams) => {
                let (here, peer) = if placement.holds(a) { (a, b) } else { (b, a) };
                let (stream, address) = streams.remove(&peer).ok_or_else(|| {
                    failed(std::io::Error::other("no connection was opened to it"))
                })?;
                vec![(
                    stream,
                    here,
                    peer,
                    format!("task manager {peer} ({address}) {edges}"),
                )]
            }
        };
        let (ids_a_to_b, ids_b_to_a) = (a_to_b.ids, b_to_a.ids);
        let (mut into_b, mut into_a) = (Some(a_to_b.incoming), Some(b_to_a.incoming));
        for (stream, here, peer, description) in ends {
            let (outgoing, incoming) = if here == a {
                (&ids_a_to_b, into_a.take())
            } else {
                (&ids_b_to_a, into_b.take())
            };
            let incoming = incoming.unwrap_or_default();
            let (end, end_outlets) =
                Endpoint::start(stream, description, outgoing, incoming, global, control)
                    .map_err(failed)?;
            endpoints.push((end, here, peer));
            outlets.extend(end_outlets);
        }
    }
    Ok((endpoints, outlets))
}
