//! A worker: one task manager in its own process, started by the coordinator.

use super::message::{self, Message};
use super::{WorkerArgs, describe_job, mesh};
use crate::communication::control::JobControl;
use crate::config::NetworkConfig;
use crate::dataflow::job::JobGraph;
use crate::dataflow::runtime::Services;
use crate::dataflow::transport::Transport;
use crate::dataflow::wires::{Peers, Placement, connected_pairs};
use crate::error::EngineError;
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

impl JobGraph {
    /// Runs task manager `args.task_manager` of this job for the coordinator at
    /// `args.coordinator`, and reports to it. `config` and `transport` must be those the
    /// coordinator runs with (the coordinator checks). Returns this task manager's first
    /// error, or the coordinator's refusal.
    pub fn run_worker(
        &self,
        config: &NetworkConfig,
        transport: &Transport,
        args: &WorkerArgs,
    ) -> Result<(), EngineError> {
        let task_managers = self.check(config, transport)?.task_managers;
        let here = args.task_manager;
        if !matches!(transport, Transport::Processes { .. }) || here == 0 || here >= task_managers {
            return Err(EngineError::Config {
                key: "--task-manager".into(),
                value: here.to_string(),
                allowed: format!(
                    "1 to {} with task managers as processes (0 is the coordinator)",
                    task_managers.saturating_sub(1)
                ),
            });
        }
        let at = args.coordinator;
        let lost = move |detail: String| EngineError::TaskManager {
            task_manager: 0,
            detail: format!("the coordinator at {at}: {detail}"),
        };
        let mut coordinator = TcpStream::connect_timeout(&args.coordinator, mesh::CONNECT_TIMEOUT)
            .map_err(|e| lost(format!("could not connect: {e}")))?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| Ok((l.local_addr()?, l)))
            .map_err(|e| lost(format!("no port for data connections: {e}")));
        let (data_address, listener) = listener?;
        let hello = Message::Hello {
            task_manager: here as u32,
            process: std::process::id(),
            job: describe_job(self, config, task_managers),
            data_address: data_address.to_string(),
        };
        message::send(&mut coordinator, &hello).map_err(|e| lost(e.to_string()))?;
        let (token, addresses) = match message::receive(&mut coordinator).map_err(lost)? {
            Some(Message::Start {
                token,
                data_addresses,
            }) if data_addresses.len() == task_managers => (token, data_addresses),
            Some(Message::Refused { reason }) => return Err(lost(format!("refused: {reason}"))),
            Some(other) => return Err(lost(format!("sent {other:?} instead of the start"))),
            None => return Err(lost("closed the connection before the start".into())),
        };
        let placement = Placement {
            task_managers,
            here: Some(here),
        };
        let pairs = connected_pairs(
            self,
            Placement {
                here: None,
                ..placement
            },
        );
        let pairs = pairs.into_keys().collect();
        let peers = mesh::connect(here, &pairs, &listener, &addresses, token)?;
        drop(listener);

        let control = JobControl::new();
        let finished = Arc::new(AtomicBool::new(false));
        let watcher = {
            let mut stream = coordinator.try_clone().map_err(|e| lost(e.to_string()))?;
            let (control, finished) = (control.clone(), finished.clone());
            std::thread::Builder::new()
                .name("coordinator".into())
                .spawn(move || {
                    // Reads until the coordinator closes, so that nothing it sent is left
                    // unread when this end closes (which would reset the connection).
                    loop {
                        let heard = message::receive(&mut stream);
                        let ended = !matches!(heard, Ok(Some(_)));
                        if !finished.load(Ordering::Acquire) {
                            control.fail(match heard {
                                // The job failed elsewhere; the coordinator has its error.
                                Ok(Some(Message::Cancel)) => EngineError::Cancelled,
                                Ok(Some(other)) => {
                                    lost(format!("sent {other:?} while the job ran"))
                                }
                                Ok(None) => lost("closed the connection while the job ran".into()),
                                Err(detail) => lost(detail),
                            });
                        }
                        if ended {
                            return;
                        }
                    }
                })
                .map_err(|e| lost(e.to_string()))?
        };
        let ran = self.run_here(
            config,
            placement,
            Peers::Connected(peers),
            &control,
            Services::default(),
        );
        let error = control.first_error().or(ran.as_ref().err().cloned());
        let (tasks, connections) = ran.map(|r| (r.tasks, r.connections)).unwrap_or_default();
        finished.store(true, Ordering::Release);
        let done = Message::Done {
            tasks,
            connections,
            error: error.as_ref().map(ToString::to_string),
            broken_connection: matches!(error, Some(EngineError::Connection { .. })),
        };
        let sent = message::send(&mut coordinator, &done);
        let _ = coordinator.shutdown(Shutdown::Write);
        let _ = watcher.join();
        match (error, sent) {
            (Some(error), _) => Err(error),
            (None, Err(e)) => Err(lost(format!("could not report: {e}"))),
            (None, Ok(())) => Ok(()),
        }
    }
}
