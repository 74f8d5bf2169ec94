//! Where a job's task managers run and how they talk: the choice a caller makes, read by
//! the runtime (threads of this process) and the cluster (processes).

use std::path::PathBuf;

/// How task managers are laid out and talk. Subtask `i` of every stage runs on task manager
/// `i % task_managers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// One task manager: every channel is local.
    Local,
    /// Task managers as thread groups of this process, connected over loopback TCP.
    Tcp { task_managers: usize },
    /// Task managers as OS processes on this machine, connected over loopback TCP. This
    /// process is task manager 0 and the coordinator; it starts `worker` once for each of
    /// the others, and each worker must build the same job graph.
    Processes {
        task_managers: usize,
        worker: WorkerCommand,
    },
}

impl Transport {
    pub fn task_managers(&self) -> usize {
        match self {
            Transport::Local => 1,
            Transport::Tcp { task_managers } | Transport::Processes { task_managers, .. } => {
                *task_managers
            }
        }
    }
}

/// How the coordinator starts a worker: a program and its arguments, to which it appends
/// `--coordinator ADDRESS --task-manager I`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<String>,
}
