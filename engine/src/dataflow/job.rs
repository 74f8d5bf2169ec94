//! Building a job: a typed pipeline of stages, checked and turned into a graph of stages and
//! edges that the runtime places on task managers.
//!
//! `Stream<T>` carries the stage being built as a function from its wiring and the output of
//! its last operator to a runnable task. Operators wrap that output; an edge closes the
//! stage with a network writer and opens the next one with a network reader. With chaining
//! on, a forward edge between stages of equal parallelism does not close anything: the
//! operators pass values in the same thread (Flink's chaining rule).

use crate::checkpoint::{CheckpointConfig, RestartStrategy, StopWithSavepoint, TaskCheckpoints};
use crate::communication::control::JobControl;
use crate::communication::gate::{InputGate, Outlet};
use crate::communication::live::TaskMetrics;
use crate::communication::partition::Partitioner;
use crate::communication::pool::LocalBufferPool;
use crate::communication::reader::RecordReader;
use crate::communication::writer::RecordWriter;
use crate::config::NetworkConfig;
use crate::dataflow::operator::{
    ChecksumSink, Filter, FlatMap, Map, NetworkOutput, Output, TryMap, TumblingWindows,
    WindowAggregate,
};
use crate::dataflow::report::SinkResult;
use crate::dataflow::sink::{Encode, TransactionalSink};
use crate::dataflow::task::{Emission, NetworkTask, Source, SourceTask, Task};
use crate::error::EngineError;
use crate::state::{KeyedStateBackend, StateBackend};
use std::hash::Hash;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use typeinfo_serializers::RecordSerializer;

/// What the runtime hands a subtask when it creates it.
pub struct Wiring {
    pub subtask: usize,
    pub control: JobControl,
    pub config: NetworkConfig,
    pub(crate) input: Option<InputGate>,
    pub(crate) output: Option<(Vec<Box<dyn Outlet>>, LocalBufferPool)>,
    /// Where the task publishes while it runs, when the job serves metrics.
    pub metrics: Option<TaskMetrics>,
    /// How often sources cut the stream with a checkpoint barrier, if at all.
    pub barrier_interval: Option<Duration>,
    /// The task's name and the job's checkpoint coordinator, if it takes checkpoints.
    pub checkpoints: TaskCheckpoints,
}

type MakeTask = Arc<dyn Fn(&mut Wiring) -> Result<Box<dyn Task>, EngineError> + Send + Sync>;
type Head<T> = Arc<
    dyn Fn(&mut Wiring, Box<dyn Output<T>>) -> Result<Box<dyn Task>, EngineError> + Send + Sync,
>;

/// A stage of a job graph: chained operators run by `parallelism` subtasks.
pub struct StageSpec {
    pub name: String,
    pub parallelism: usize,
    pub input: Option<usize>,
    pub output: Option<usize>,
    pub(crate) make: MakeTask,
}

/// An edge between two stages.
#[derive(Debug, Clone)]
pub struct EdgeSpec {
    pub name: Arc<str>,
    pub from: usize,
    pub to: usize,
    pub partitioner: String,
    pub format: &'static str,
}

/// A job ready to run: stages in topological order and the edges between them.
pub struct JobGraph {
    pub name: String,
    pub chaining: bool,
    /// What shapes the job's data beyond its graph (record counts, sizes), as `key=value`:
    /// the processes of a job compare them, since they cannot look into its closures.
    pub parameters: Vec<String>,
    pub stages: Vec<StageSpec>,
    pub edges: Vec<EdgeSpec>,
    /// Where each process of the job serves its metrics while it runs: task manager `i` at
    /// this address's port + `i` (see [`JobGraph::serve_metrics`]).
    pub metrics: Option<SocketAddr>,
    /// How often every source emits a checkpoint barrier (see [`JobGraph::with_barriers`]).
    pub barrier_interval: Option<Duration>,
    /// Where checkpoints go, when the job takes them (see [`JobGraph::with_checkpoints`]).
    pub checkpoints: Option<CheckpointConfig>,
    /// How the job starts again after a failure, if it does (see
    /// [`JobGraph::with_restarts`]).
    pub restarts: Option<RestartStrategy>,
    /// Stop with a savepoint (see [`JobGraph::stop_with_savepoint`]).
    pub savepoint: Option<StopWithSavepoint>,
    /// The savepoint (or checkpoint) directory the job starts from (see
    /// [`JobGraph::from_savepoint`]).
    pub from_savepoint: Option<PathBuf>,
}

/// The start of a job.
pub struct JobBuilder {
    name: String,
    chaining: bool,
    state: StateBackend,
    parameters: Vec<String>,
    stages: Vec<StageSpec>,
    edges: Vec<EdgeSpec>,
}

/// A stream of `T` inside the stage being built.
pub struct Stream<T> {
    job: JobBuilder,
    name: String,
    parallelism: usize,
    input: Option<usize>,
    head: Head<T>,
}

impl JobBuilder {
    pub fn new(name: &str, chaining: bool) -> Self {
        JobBuilder {
            name: name.to_owned(),
            chaining,
            state: StateBackend::Heap,
            parameters: Vec::new(),
            stages: Vec::new(),
            edges: Vec::new(),
        }
    }

    /// Names a parameter of the job that its graph does not show (how many records a
    /// source makes, how large). Task manager processes refuse to run a job together when
    /// their parameters differ, so name every one that shapes the data.
    pub fn parameter(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.parameters.push(format!("{key}={value}"));
        self
    }

    /// Where the job's keyed state lives (the heap unless set); set it before the first
    /// stateful operator. Task managers refuse to run a job together on different backends.
    pub fn state_backend(mut self, backend: StateBackend) -> Self {
        self.parameters
            .push(format!("state-backend={}", backend.name()));
        self.state = backend;
        self
    }

    /// A source of `parallelism` partitions; `partition(i)` makes partition `i`. With
    /// `event_time`, the source emits watermarks (its records are in event-time order).
    pub fn source<T, S>(
        self,
        name: &str,
        parallelism: usize,
        partition: impl Fn(usize) -> S + Send + Sync + 'static,
        event_time: Option<fn(&T) -> i64>,
        emission: Emission,
    ) -> Stream<T>
    where
        T: Send + 'static,
        S: Source<T> + 'static,
    {
        let head: Head<T> = Arc::new(move |wiring: &mut Wiring, out| {
            Ok(Box::new(SourceTask {
                source: Box::new(partition(wiring.subtask)),
                event_time,
                emission,
                barrier_interval: wiring.barrier_interval,
                checkpoints: wiring.checkpoints.clone(),
                control: wiring.control.clone(),
                subtask: wiring.subtask,
                out,
            }) as Box<dyn Task>)
        });
        Stream {
            job: self,
            name: name.to_owned(),
            parallelism,
            input: None,
            head,
        }
    }
}

impl<T: Send + 'static> Stream<T> {
    /// Adds an operator to the stage: `wrap` puts it in front of the output of the rest.
    fn then<U: Send + 'static>(
        self,
        name: &str,
        wrap: impl Fn(&Wiring, Box<dyn Output<U>>) -> Result<Box<dyn Output<T>>, EngineError>
        + Send
        + Sync
        + 'static,
    ) -> Stream<U> {
        let head = self.head;
        Stream {
            job: self.job,
            name: if self.name.is_empty() {
                name.to_owned()
            } else {
                format!("{} → {name}", self.name)
            },
            parallelism: self.parallelism,
            input: self.input,
            head: Arc::new(move |wiring, out| {
                let out = wrap(wiring, out)?;
                head(wiring, out)
            }),
        }
    }

    pub fn map<U: Send + 'static>(
        self,
        name: &str,
        f: impl Fn(T) -> U + Clone + Send + Sync + 'static,
    ) -> Stream<U> {
        self.then(name, move |_, next| {
            Ok(Box::new(Map { f: f.clone(), next }))
        })
    }

    /// A map that may refuse a record with a reason; a refusal fails the job and names
    /// this operator (for input that must be well-formed, such as generated events).
    pub fn try_map<U: Send + 'static>(
        self,
        name: &str,
        f: impl Fn(T) -> Result<U, String> + Clone + Send + Sync + 'static,
    ) -> Stream<U> {
        let operator: Arc<str> = name.into();
        self.then(name, move |_, next| {
            Ok(Box::new(TryMap {
                name: operator.clone(),
                f: f.clone(),
                next,
            }))
        })
    }

    pub fn filter(
        self,
        name: &str,
        f: impl Fn(&T) -> bool + Clone + Send + Sync + 'static,
    ) -> Stream<T> {
        self.then(name, move |_, next| {
            Ok(Box::new(Filter { f: f.clone(), next }))
        })
    }

    pub fn flat_map<U: Send + 'static, I: IntoIterator<Item = U> + 'static>(
        self,
        name: &str,
        f: impl Fn(T) -> I + Clone + Send + Sync + 'static,
    ) -> Stream<U> {
        self.then(name, move |_, next| {
            Ok(Box::new(FlatMap { f: f.clone(), next }))
        })
    }

    /// Tumbling event-time windows of `size_ms` over the keys `aggregate` extracts; put a
    /// key-by edge in front so that each key's records meet in one subtask. The
    /// accumulators are keyed state in the job's [`StateBackend`], written in the format of
    /// `accumulators` when it keeps them on disk.
    pub fn window<A>(
        self,
        name: &str,
        size_ms: i64,
        aggregate: A,
        accumulators: Arc<dyn RecordSerializer<A::Acc>>,
    ) -> Stream<A::Out>
    where
        A: WindowAggregate<T>,
        A::Out: Send + 'static,
    {
        let backend = self.job.state.clone();
        let operator: Arc<str> = name.into();
        self.then(name, move |wiring, next| {
            let state = KeyedStateBackend::open(&backend, &operator, wiring.subtask)?
                .checkpointed(wiring.checkpoints.coordinator.is_some());
            if let Some(metrics) = &wiring.metrics {
                state.watched_by(metrics, &operator);
            }
            let mut windows =
                TumblingWindows::new(size_ms, aggregate.clone(), state, &accumulators, next)?;
            if let Some((dir, files)) = wiring.checkpoints.restored_states(&operator)? {
                windows.restore(dir, &files)?;
            }
            Ok(Box::new(windows))
        })
    }

    /// Sends the stream over an edge to a stage of `parallelism` subtasks, in the format of
    /// `serializer`. A forward edge with chaining on and equal parallelism chains instead.
    pub fn connect(
        self,
        partitioner: Partitioner<T>,
        serializer: Arc<dyn RecordSerializer<T>>,
        parallelism: usize,
    ) -> Stream<T> {
        if self.job.chaining
            && matches!(partitioner, Partitioner::Forward)
            && parallelism == self.parallelism
        {
            return self;
        }
        let Stream {
            mut job,
            name,
            parallelism: upstream,
            input,
            head,
        } = self;
        let stage = job.stages.len();
        let edge = job.edges.len();
        let edge_name: Arc<str> =
            format!("`{name}` ⇒ stage {} ({})", stage + 1, partitioner.name()).into();
        job.edges.push(EdgeSpec {
            name: edge_name.clone(),
            from: stage,
            to: stage + 1,
            partitioner: partitioner.name(),
            format: serializer.name(),
        });
        let writer_serializer = serializer.clone();
        let writer_edge = edge_name.clone();
        job.stages.push(StageSpec {
            name,
            parallelism: upstream,
            input,
            output: Some(edge),
            make: Arc::new(move |wiring: &mut Wiring| {
                let (outlets, pool) = wiring.output.take().expect("the runtime wires outputs");
                let mut writer = RecordWriter::new(
                    writer_edge.clone(),
                    writer_serializer.clone(),
                    partitioner.clone(),
                    wiring.subtask,
                    outlets,
                    pool,
                    &wiring.config,
                    wiring.control.clone(),
                );
                if let Some(metrics) = &wiring.metrics {
                    writer = writer.watched_by(metrics);
                }
                head(wiring, Box::new(NetworkOutput(writer)))
            }),
        });
        let head: Head<T> = Arc::new(move |wiring: &mut Wiring, out| {
            let gate = wiring.input.take().expect("the runtime wires inputs");
            let mut reader = RecordReader::new(
                edge_name.clone(),
                gate,
                serializer.clone(),
                wiring.config.max_record_bytes,
            );
            if let Some(metrics) = &wiring.metrics {
                reader = reader.watched_by(metrics);
            }
            Ok(Box::new(NetworkTask {
                reader,
                control: wiring.control.clone(),
                checkpoints: wiring.checkpoints.clone(),
                out,
            }) as Box<dyn Task>)
        });
        Stream {
            job,
            name: String::new(),
            parallelism,
            input: Some(edge),
            head,
        }
    }

    /// Ends the job in an exactly-once file sink under `dir` (see
    /// [`crate::dataflow::sink`]): each subtask writes what `encode` makes of each record
    /// into one file per checkpoint, visible in `dir` once that checkpoint completes. It
    /// also checksums every record, as [`Stream::sink`] does.
    pub fn sink_exactly_once(
        self,
        name: &str,
        dir: impl Into<PathBuf>,
        encode: impl Fn(&T, &mut Vec<u8>) + Send + Sync + 'static,
    ) -> JobGraph
    where
        T: Hash,
    {
        let dir: PathBuf = dir.into();
        let encode: Encode<T> = Arc::new(encode);
        self.end(name, move |wiring, task| {
            Ok(Box::new(TransactionalSink::new(
                &dir,
                task,
                encode.clone(),
                &wiring.checkpoints,
            )?))
        })
    }

    /// Ends the job in a sink that checksums every record (see [`SinkResult`]).
    pub fn sink(self, name: &str) -> JobGraph
    where
        T: Hash,
    {
        self.end(name, |_, _| {
            Ok(Box::new(ChecksumSink {
                result: SinkResult::default(),
            }))
        })
    }

    /// Closes the last stage with the output `make` builds for each subtask (given the
    /// task's name).
    fn end(
        self,
        name: &str,
        make: impl Fn(&Wiring, &str) -> Result<Box<dyn Output<T>>, EngineError> + Send + Sync + 'static,
    ) -> JobGraph {
        let Stream {
            mut job,
            name: stage_name,
            parallelism,
            input,
            head,
        } = self;
        job.stages.push(StageSpec {
            name: if stage_name.is_empty() {
                name.to_owned()
            } else {
                format!("{stage_name} → {name}")
            },
            parallelism,
            input,
            output: None,
            make: Arc::new(move |wiring: &mut Wiring| {
                let task = wiring.checkpoints.task.clone();
                let out = make(wiring, &task)?;
                head(wiring, out)
            }),
        });
        JobGraph {
            name: job.name,
            chaining: job.chaining,
            parameters: job.parameters,
            stages: job.stages,
            edges: job.edges,
            metrics: None,
            barrier_interval: None,
            checkpoints: None,
            restarts: None,
            savepoint: None,
            from_savepoint: None,
        }
    }
}

impl JobGraph {
    /// Serves Prometheus metrics while the job runs: `GET /metrics` at `address`, and with
    /// task managers as processes, task manager `i` at port + `i`.
    pub fn serve_metrics(mut self, address: SocketAddr) -> Self {
        self.metrics = Some(address);
        self
    }

    /// Cuts the stream with a checkpoint barrier every `interval` at every source. Barriers
    /// travel in the network buffers between records, every task aligns them over its
    /// input channels, and the job report counts them with their alignment times. (State
    /// is not yet written at a barrier: this is the cut, and what aligning it costs.)
    pub fn with_barriers(mut self, interval: Duration) -> Self {
        const KEY: &str = "barrier-interval=";
        self.parameters.retain(|p| !p.starts_with(KEY));
        self.parameters
            .push(format!("{KEY}{}us", interval.as_micros()));
        self.barrier_interval = Some(interval);
        self
    }

    /// Takes a checkpoint every `interval`: sources cut the stream with barriers (as
    /// [`JobGraph::with_barriers`]), every task writes its keyed state at the barrier
    /// into `config.dir`, and the checkpoint completes once every task acknowledged it
    /// (see [`crate::checkpoint`]). Task managers as processes do not take checkpoints
    /// yet; such a job is refused when it starts.
    pub fn with_checkpoints(self, interval: Duration, config: CheckpointConfig) -> Self {
        let mut graph = self.with_barriers(interval);
        graph.checkpoints = Some(config);
        graph
    }

    /// Starts the job again after a failure, at most `attempts` times, `delay` after it:
    /// from the last complete checkpoint (sources replay from its offsets, state and
    /// exactly-once sinks recover from it), or from the start when none completed yet.
    /// Needs checkpoints ([`JobGraph::with_checkpoints`]); refused at start otherwise.
    pub fn with_restarts(mut self, attempts: usize, delay: Duration) -> Self {
        self.restarts = Some(RestartStrategy { attempts, delay });
        self
    }

    /// Stops the job with a savepoint into `dir` once its sources emitted `after_records`
    /// in all (each source subtask its share): one checkpoint, and when it is complete
    /// every task ends without firing what is open, and exactly-once sinks commit only
    /// what it covers. A job whose sources end first just ends. Not with periodic
    /// checkpoints or barriers (sources number their barriers by time, each on its own:
    /// a savepoint among them needs one trigger for all sources, not built).
    pub fn stop_with_savepoint(mut self, dir: impl Into<PathBuf>, after_records: u64) -> Self {
        self.savepoint = Some(StopWithSavepoint {
            dir: dir.into(),
            after_records,
        });
        self
    }

    /// Starts the job from the newest complete savepoint or checkpoint under `dir`:
    /// sources from its offsets, state from its files (migrated when a value type changed;
    /// a change that cannot be read is refused before any record, with the reasons).
    pub fn from_savepoint(mut self, dir: impl Into<PathBuf>) -> Self {
        self.from_savepoint = Some(dir.into());
        self
    }

    /// How many subtasks the job runs in all.
    pub fn subtasks(&self) -> usize {
        self.stages.iter().map(|s| s.parallelism).sum()
    }

    /// Refuses graphs the runtime cannot run, naming the stage or edge.
    pub fn validate(&self) -> Result<(), EngineError> {
        for stage in &self.stages {
            if stage.parallelism == 0 {
                return Err(EngineError::Config {
                    key: format!("parallelism of `{}`", stage.name),
                    value: "0".into(),
                    allowed: "at least 1".into(),
                });
            }
        }
        for edge in &self.edges {
            let (from, to) = (&self.stages[edge.from], &self.stages[edge.to]);
            if edge.partitioner == "forward" && from.parallelism != to.parallelism {
                return Err(EngineError::Config {
                    key: format!("edge {}", edge.name),
                    value: format!(
                        "forward from parallelism {} to {}",
                        from.parallelism, to.parallelism
                    ),
                    allowed: "forward between equal parallelism; use rebalance or hash".into(),
                });
            }
        }
        Ok(())
    }
}
