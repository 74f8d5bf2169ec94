//! Running a job graph: place subtasks on task managers, size and check the buffer pools,
//! wire local and remote channels, run every subtask on its own thread, and gather reports.

use crate::checkpoint::{
    CheckpointConfig, CheckpointCoordinator, CheckpointStats, Restore, TaskCheckpoints,
    latest_complete_id,
};
use crate::communication::control::JobControl;
use crate::communication::live::{Registry, TaskMetrics};
use crate::communication::metrics::OutputMetrics;
use crate::communication::pool::NetworkBufferPool;
use crate::config::NetworkConfig;
use crate::dataflow::endpoint::Endpoint;
use crate::dataflow::job::{JobGraph, Wiring};
use crate::dataflow::report::{
    BarrierStats, ConnectionReport, EdgeReport, JobReport, RestartReport, SinkResult, TaskReport,
};
use crate::dataflow::task::Task;
use crate::dataflow::transport::Transport;
use crate::dataflow::wires::{Peers, Placement, Wires, consumers_per_producer, producers_of};
use crate::error::EngineError;
use crate::state::StateMetrics;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The buffers the subtasks of the task managers `placement` holds need: per producing
/// subtask one pool (`channels × exclusive + floating`), per consuming subtask the same for
/// its remote channels (local channels hand over the producer's buffers).
fn required_buffers(
    graph: &JobGraph,
    config: &NetworkConfig,
    placement: Placement,
) -> (usize, String) {
    let held = |subtask| placement.holds(placement.task_manager_of(subtask));
    let mut total = 0;
    let mut parts = Vec::new();
    for edge in &graph.edges {
        let per_writer = config.buffers_for(consumers_per_producer(graph, edge));
        let writers = (0..graph.stages[edge.from].parallelism)
            .filter(|&p| held(p))
            .count();
        let readers: usize = (0..graph.stages[edge.to].parallelism)
            .filter(|&c| held(c))
            .map(|c| {
                producers_of(graph, edge, c)
                    .into_iter()
                    .filter(|&p| placement.task_manager_of(p) != placement.task_manager_of(c))
                    .count()
            })
            .filter(|&remote| remote > 0)
            .map(|remote| config.buffers_for(remote))
            .sum();
        total += writers * per_writer + readers;
        parts.push(format!(
            "edge {}: {writers} writers × {per_writer} + {readers} for remote reads",
            edge.name,
        ));
    }
    (total, parts.join("; "))
}

/// A job that may start: its task managers, and the most buffers one of its pools needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Checked {
    pub(crate) task_managers: usize,
    pub(crate) required: usize,
}

/// What the subtasks of one process did.
pub(crate) struct Ran {
    pub(crate) tasks: Vec<TaskReport>,
    pub(crate) connections: Vec<ConnectionReport>,
    /// Per edge: local and remote channels of the whole job.
    pub(crate) channels: Vec<(usize, usize)>,
}

impl JobGraph {
    /// Runs every subtask in this process (one task manager, or thread groups over
    /// loopback TCP) once [`JobGraph::check`] has passed. A failure restarts the job from
    /// its last complete checkpoint while the restart strategy allows.
    pub(crate) fn run_in_process(
        &self,
        config: &NetworkConfig,
        checked: Checked,
    ) -> Result<JobReport, EngineError> {
        let mut restore = match &self.from_savepoint {
            None => None,
            Some(dir) => {
                let id = latest_complete_id(dir)?.ok_or_else(|| EngineError::Checkpoint {
                    path: dir.display().to_string(),
                    detail: "holds no complete savepoint or checkpoint (no chk-N/_metadata)".into(),
                })?;
                let restore = Restore::open(dir, id)?;
                restore.check_tasks(&self.task_names())?;
                Some(Arc::new(restore))
            }
        };
        let started_from = restore.clone();
        let mut restarts: Vec<RestartReport> = Vec::new();
        let mut checkpoints = CheckpointStats::default();
        loop {
            let first_record = Arc::new(OnceLock::new());
            let attempt = self.attempt(
                config,
                checked,
                Services {
                    restore: restore.as_ref(),
                    first_record: Some(&first_record),
                    ..Services::default()
                },
                &mut checkpoints,
            );
            if let Some(last) = restarts.last_mut() {
                last.downtime = first_record
                    .get()
                    .map(|first| first.saturating_duration_since(last.failed_at));
            }
            let (error, failed_at) = match attempt {
                Ok(mut report) => {
                    report.checkpoints = checkpoints;
                    report.restarts = restarts;
                    return Ok(report);
                }
                Err(failure) => failure,
            };
            let Some(strategy) = self.restarts.filter(|s| restarts.len() < s.attempts) else {
                return Err(error);
            };
            std::thread::sleep(strategy.delay);
            let dir = &self
                .checkpoints
                .as_ref()
                .expect("restarts need checkpoints")
                .dir;
            // The newest complete checkpoint, else the savepoint the job started from.
            restore = match latest_complete_id(dir)? {
                Some(id) => {
                    let restore = Restore::open(dir, id)?;
                    restore.check_tasks(&self.task_names())?;
                    Some(Arc::new(restore))
                }
                None => started_from.clone(),
            };
            restarts.push(RestartReport {
                cause: error.to_string(),
                from_checkpoint: restore.as_ref().map_or(0, |r| r.checkpoint()),
                failed_at,
                downtime: None,
            });
        }
    }

    /// Runs the job once, from `services.restore` if given; adds what its checkpoints did
    /// to `checkpoints`. A failure comes with when it happened.
    fn attempt(
        &self,
        config: &NetworkConfig,
        checked: Checked,
        services: Services<'_>,
        checkpoints: &mut CheckpointStats,
    ) -> Result<JobReport, (EngineError, Instant)> {
        let restore = services.restore;
        let placement = Placement {
            task_managers: checked.task_managers,
            here: None,
        };
        let control = JobControl::new();
        let failed_now = |e: EngineError| (e, Instant::now());
        let restored = restore.map_or(0, |r| r.checkpoint());
        let savepoint = self
            .savepoint
            .as_ref()
            .map(|sp| CheckpointConfig::new(&sp.dir, 1))
            .transpose()
            .map_err(failed_now)?;
        let coordinator = match self.checkpoints.clone().or(savepoint) {
            Some(config) => {
                let mut coordinator = CheckpointCoordinator::new(config, self.subtasks())
                    .map_err(failed_now)?
                    .resumed_after(restored);
                if self.savepoint.is_some() {
                    // The sources' one barrier, after the restored checkpoint's id.
                    coordinator = coordinator.stopping_at(restored + 1, control.clone());
                }
                Some(Arc::new(coordinator))
            }
            None => None,
        };
        let started = Instant::now();
        let ran = self.run_here(
            config,
            placement,
            Peers::InProcess,
            &control,
            Services {
                checkpoints: coordinator.as_ref(),
                ..services
            },
        );
        let elapsed = started.elapsed();
        let succeeded = ran.is_ok() && control.first_error().is_none();
        let finished = coordinator.map(|c| c.finish(succeeded)).transpose();
        if let Ok(Some(stats)) = &finished {
            checkpoints.merge(stats);
        }
        match (ran, control.failure(), finished) {
            (_, Some(failure), _) => Err(failure),
            (Err(error), None, _) | (Ok(_), None, Err(error)) => Err(failed_now(error)),
            (Ok(ran), None, Ok(stats)) => {
                let mut report = self.report(ran.tasks, elapsed, &ran.channels, config, checked);
                report.connections = ran.connections;
                if control.is_stopped() {
                    report.savepoint = stats.map(|s| s.last_id);
                }
                Ok(report)
            }
        }
    }

    /// Checks the settings, the graph and the buffers. With processes, each task manager
    /// has a pool of its own and each must suffice.
    pub(crate) fn check(
        &self,
        config: &NetworkConfig,
        transport: &Transport,
    ) -> Result<Checked, EngineError> {
        config.validate()?;
        self.validate()?;
        let task_managers = transport.task_managers();
        if task_managers == 0 {
            return Err(EngineError::Config {
                key: "task_managers".into(),
                value: "0".into(),
                allowed: "at least 1".into(),
            });
        }
        if self.restarts.is_some() && self.checkpoints.is_none() {
            return Err(EngineError::Config {
                key: "restarts".into(),
                value: "without checkpoints".into(),
                allowed: "restarts with checkpoints, which they restore \
                          (--checkpoint-interval and --checkpoint-dir)"
                    .into(),
            });
        }
        if self.savepoint.is_some()
            && (self.checkpoints.is_some() || self.barrier_interval.is_some())
        {
            return Err(EngineError::Config {
                key: "stop with savepoint".into(),
                value: "with periodic checkpoints or barriers".into(),
                allowed: "a savepoint alone: sources number periodic barriers each on its own \
                          clock, and a savepoint among them would need one trigger for all"
                    .into(),
            });
        }
        let checkpointing =
            self.checkpoints.is_some() || self.savepoint.is_some() || self.from_savepoint.is_some();
        if checkpointing && matches!(transport, Transport::Processes { .. }) {
            return Err(EngineError::Config {
                key: "checkpoints".into(),
                value: format!("with {task_managers} task manager processes"),
                allowed: "task managers as threads of one process (in memory or over TCP): \
                          processes cannot acknowledge checkpoints to the coordinator yet; \
                          use --barrier-interval to cut them with barriers only"
                    .into(),
            });
        }
        let pools: Vec<Option<usize>> = match transport {
            Transport::Processes { .. } => (0..task_managers).map(Some).collect(),
            _ => vec![None],
        };
        let mut largest = 0;
        for here in pools {
            let placement = Placement {
                task_managers,
                here,
            };
            let (required, breakdown) = required_buffers(self, config, placement);
            largest = largest.max(required);
            if required > config.network_buffers {
                return Err(EngineError::InsufficientBuffers {
                    required,
                    available: config.network_buffers,
                    breakdown: match here {
                        Some(tm) => format!("in the process of task manager {tm}: {breakdown}"),
                        None => breakdown,
                    },
                });
            }
        }
        Ok(Checked {
            task_managers,
            required: largest,
        })
    }

    /// Runs the subtasks of the task managers `placement` holds, each on its own thread,
    /// with a network pool of their own. A failure before the tasks start is returned (and
    /// cancels the job); a task's failure goes to `control`.
    pub(crate) fn run_here(
        &self,
        config: &NetworkConfig,
        placement: Placement,
        peers: Peers,
        control: &JobControl,
        services: Services<'_>,
    ) -> Result<Ran, EngineError> {
        // The metrics endpoint, if the job serves one, runs as long as the tasks here.
        let registry = self.metrics.map(|_| Arc::new(Registry::default()));
        if let (Some(registry), Some(checkpoints)) = (&registry, services.checkpoints) {
            checkpoints.watched_by(registry, &self.name);
        }
        let _endpoint = match (self.metrics, &registry) {
            (Some(mut address), Some(registry)) => {
                let offset = placement.here.unwrap_or(0);
                let port = u16::try_from(usize::from(address.port()) + offset).map_err(|_| {
                    EngineError::Config {
                        key: "metrics_port".into(),
                        value: address.port().to_string(),
                        allowed: format!("a port that leaves room for task manager {offset}"),
                    }
                });
                let started = port.and_then(|port| {
                    address.set_port(port);
                    Endpoint::start(address, registry.clone())
                });
                Some(started.inspect_err(|e| control.fail(e.clone()))?)
            }
            _ => None,
        };
        let global = NetworkBufferPool::new(config.network_buffers, config.segment_size);
        // Endpoints already started stop once the job is cancelled.
        let mut wired = Wires::new(self, config, &global, control, placement, peers)
            .inspect_err(|e| control.fail(e.clone()))?;
        let services = Services {
            registry: registry.as_ref(),
            ..services
        };
        let prepared =
            match self.prepare_tasks(config, &global, control, &mut wired, placement, services) {
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
        let connections = wired.join_endpoints();
        Ok(Ran {
            tasks,
            connections,
            channels: wired.channels,
        })
    }

    /// The name of every subtask of the job, `stage[subtask]`.
    fn task_names(&self) -> Vec<String> {
        self.stages
            .iter()
            .flat_map(|stage| (0..stage.parallelism).map(|i| task_name(&stage.name, i)))
            .collect()
    }

    /// Every subtask held here, wired and ready to run, with its report header.
    fn prepare_tasks(
        &self,
        config: &NetworkConfig,
        global: &Arc<NetworkBufferPool>,
        control: &JobControl,
        wired: &mut Wires,
        placement: Placement,
        services: Services<'_>,
    ) -> Result<Vec<Prepared>, EngineError> {
        let mut prepared = Vec::new();
        for stage in &self.stages {
            for subtask in 0..stage.parallelism {
                let task_manager = placement.task_manager_of(subtask);
                if !placement.holds(task_manager) {
                    continue;
                }
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
                let name = task_name(&stage.name, subtask);
                let mut wiring = Wiring {
                    metrics: services
                        .registry
                        .map(|r| TaskMetrics::new(r.clone(), name.clone(), task_manager)),
                    subtask,
                    control: control.clone(),
                    config: config.clone(),
                    input: stage
                        .input
                        .map(|e| wired.gates[e][subtask].take().expect("once")),
                    output,
                    barrier_interval: self.barrier_interval,
                    checkpoints: TaskCheckpoints {
                        task: name.as_str().into(),
                        coordinator: services.checkpoints.cloned(),
                        restore: services.restore.cloned(),
                        first_record: services.first_record.cloned(),
                        savepoint_after: self
                            .savepoint
                            .as_ref()
                            .filter(|_| stage.input.is_none())
                            .map(|sp| sp.share(subtask, stage.parallelism)),
                    },
                };
                let task = (stage.make)(&mut wiring)?;
                let report = TaskReport {
                    task: name,
                    task_manager,
                    ..TaskReport::default()
                };
                prepared.push((task, report));
            }
        }
        Ok(prepared)
    }

    /// The job's report from the reports of all its subtasks.
    pub(crate) fn report(
        &self,
        tasks: Vec<TaskReport>,
        elapsed: Duration,
        channels: &[(usize, usize)],
        config: &NetworkConfig,
        checked: Checked,
    ) -> JobReport {
        let mut sink = SinkResult::default();
        let (mut late_records, mut source_records) = (0, 0);
        let mut state = StateMetrics::default();
        let mut barriers = BarrierStats::default();
        let mut edges: Vec<EdgeReport> = self
            .edges
            .iter()
            .enumerate()
            .map(|(e, edge)| EdgeReport {
                name: edge.name.to_string(),
                format: edge.format,
                partitioner: edge.partitioner.clone(),
                local_channels: channels[e].0,
                remote_channels: channels[e].1,
                output: OutputMetrics::default(),
                records_read: 0,
            })
            .collect();
        for task in &tasks {
            if let Some(result) = &task.sink {
                sink.merge(result);
            }
            late_records += task.late_records;
            state.merge(&task.state);
            barriers.merge(&task.barriers);
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
            network_buffers: config.network_buffers,
            required_buffers: checked.required,
            edges,
            tasks,
            sink,
            late_records,
            source_records,
            state,
            barriers,
            checkpoints: CheckpointStats::default(),
            restarts: Vec::new(),
            savepoint: None,
            connections: Vec::new(),
        }
    }
}

/// A subtask's name in reports, checkpoints and metrics: `stage[subtask]`.
fn task_name(stage: &str, subtask: usize) -> String {
    format!("{stage}[{subtask}]")
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// What every task of a process reports to while it runs, besides its own report.
#[derive(Clone, Copy, Default)]
pub(crate) struct Services<'a> {
    /// The metrics the process serves, if it does (made by `run_here`).
    registry: Option<&'a Arc<Registry>>,
    /// The job's checkpoint coordinator, if it takes checkpoints.
    checkpoints: Option<&'a Arc<CheckpointCoordinator>>,
    /// The checkpoint the job starts from, if it restores one.
    restore: Option<&'a Arc<Restore>>,
    /// Where sources note when the first of them emitted.
    first_record: Option<&'a Arc<OnceLock<Instant>>>,
}

/// A subtask ready to run, and the header of its report.
type Prepared = (Box<dyn Task>, TaskReport);
