//! Task managers as OS processes on this machine (`Transport::Processes`).
//!
//! The process that runs the job is the coordinator and task manager 0. It starts the same
//! program once per other task manager with [`WorkerCommand`]'s arguments and
//! `--coordinator ADDRESS --task-manager I`; the program parses those with
//! [`WorkerArgs::split`], builds the same job graph and calls [`JobGraph::run_worker`]. Each
//! worker says hello on a control connection with the job as it built it; a worker that
//! built another job is refused. The coordinator then sends everyone's data address, the
//! task managers open one data connection per pair that shares channels, and each process
//! runs its own subtasks with a network pool of its own. Workers report their tasks when
//! they finish; the first failure anywhere cancels every process, and a worker that dies
//! fails the job with an error that names it and the edges it carried.

mod coordinator;
mod mesh;
mod message;
mod worker;

pub(crate) use coordinator::coordinate;

use crate::config::NetworkConfig;
use crate::dataflow::job::JobGraph;
use crate::error::EngineError;
use std::net::SocketAddr;

/// What a worker is told on its command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerArgs {
    pub coordinator: SocketAddr,
    pub task_manager: usize,
}

impl WorkerArgs {
    /// Splits the arguments the coordinator appended off the end of a worker's command
    /// line; returns the program's own arguments before them.
    pub fn split<'a, 'b>(args: &'a [&'b str]) -> Result<(&'a [&'b str], WorkerArgs), EngineError> {
        let [rest @ .., "--coordinator", address, "--task-manager", index] = args else {
            return Err(EngineError::Config {
                key: "worker arguments".into(),
                value: args.join(" "),
                allowed: "the job's arguments, then `--coordinator ADDRESS --task-manager I` \
                          (workers are started by the coordinator)"
                    .into(),
            });
        };
        let coordinator = address.parse().map_err(|_| EngineError::Config {
            key: "--coordinator".into(),
            value: address.to_string(),
            allowed: "an IP address and port".into(),
        })?;
        let task_manager = index.parse().map_err(|_| EngineError::Config {
            key: "--task-manager".into(),
            value: index.to_string(),
            allowed: "a task manager index".into(),
        })?;
        Ok((
            rest,
            WorkerArgs {
                coordinator,
                task_manager,
            },
        ))
    }
}

/// The job as one process built it, line by line: every process of a job must have built
/// the same, or its channel ids and placement would not agree.
fn describe_job(graph: &JobGraph, config: &NetworkConfig, task_managers: usize) -> Vec<String> {
    let mut lines = vec![
        format!(
            "job `{}`, chaining {}, parameters [{}]",
            graph.name,
            graph.chaining,
            graph.parameters.join(", ")
        ),
        format!("{task_managers} task managers, {config:?}"),
    ];
    for (i, stage) in graph.stages.iter().enumerate() {
        lines.push(format!(
            "stage {i} `{}`: parallelism {}, input {:?}, output {:?}",
            stage.name, stage.parallelism, stage.input, stage.output
        ));
    }
    for edge in &graph.edges {
        lines.push(format!(
            "edge {}: stage {} to {}, {}, format {}",
            edge.name, edge.from, edge.to, edge.partitioner, edge.format
        ));
    }
    lines
}

/// Where two descriptions of a job differ, for the refusal.
fn first_difference(ours: &[String], theirs: &[String]) -> String {
    let differing = ours
        .iter()
        .map(Some)
        .chain(std::iter::repeat(None))
        .zip(theirs.iter().map(Some).chain(std::iter::repeat(None)))
        .take(ours.len().max(theirs.len()))
        .find(|(a, b)| a != b);
    match differing {
        Some((ours, theirs)) => format!(
            "it has {} where the coordinator has {}",
            theirs.map_or("nothing".into(), |l| format!("`{l}`")),
            ours.map_or("nothing".into(), |l| format!("`{l}`")),
        ),
        None => "the same job".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_arguments_come_off_the_end() {
        let args = [
            "--job",
            "etl",
            "--coordinator",
            "127.0.0.1:4000",
            "--task-manager",
            "2",
        ];
        let (rest, worker) = WorkerArgs::split(&args).unwrap();
        assert_eq!(rest, ["--job", "etl"]);
        assert_eq!(worker.task_manager, 2);
        assert_eq!(worker.coordinator.port(), 4000);
        let e = WorkerArgs::split(&["--job", "etl"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("--coordinator ADDRESS --task-manager I"), "{e}");
        let e = WorkerArgs::split(&["--coordinator", "here", "--task-manager", "1"])
            .unwrap_err()
            .to_string();
        assert_eq!(e, "invalid --coordinator `here`: an IP address and port");
    }

    #[test]
    fn the_first_difference_is_named() {
        let ours = ["a".to_owned(), "b".to_owned()];
        let theirs = ["a".to_owned(), "c".to_owned(), "d".to_owned()];
        assert_eq!(
            first_difference(&ours, &theirs),
            "it has `c` where the coordinator has `b`"
        );
        assert_eq!(
            first_difference(&ours, &theirs[..1]),
            "it has nothing where the coordinator has `b`"
        );
    }
}
