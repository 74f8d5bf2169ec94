//! Remote channels: one TCP connection per pair of task managers carries every logical
//! channel between them, in both directions, with Flink's credit-based flow control.
//!
//! The receiver owns the memory: each remote input channel has exclusive buffers and each
//! gate a floating pool. One credit is one buffer the receiver has ready; it announces its
//! exclusive buffers at start and one credit each time a consumer returns an exclusive
//! buffer. The sender sends a buffer only against a credit and says how many it still has
//! queued (the backlog); the receiver answers a backlog with floating buffers. A slow
//! consumer therefore stops only its own channel: its sender runs out of credit, its
//! producer out of buffers, and nothing grows.
//!
//! Each end runs two threads: a writer (data of its producers, credits of its consumers) and
//! a reader (data for its consumers, credits for its producers). A broken or misbehaving
//! peer fails the gates it feeds and the job, with an error that names the peer.

mod frame;
mod receive;
mod send;

pub(crate) use receive::FloatingPool;
pub use send::RemoteOutlet;

use crate::control::{CANCEL_CHECK, JobControl};
use crate::error::EngineError;
use crate::gate::GateSender;
use crate::pool::NetworkBufferPool;
use crate::segment::Segment;
use receive::ReceiveChannel;
use send::SendSide;
use std::collections::HashMap;
use std::io::{self, Read};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;

/// A remote input channel as the runtime sets it up.
pub(crate) struct Incoming {
    pub(crate) id: u32,
    pub(crate) gate: GateSender,
    pub(crate) exclusive: Vec<Segment>,
    pub(crate) floating: Arc<FloatingPool>,
}

/// One end of a connection, running.
pub(crate) struct Endpoint {
    threads: Vec<JoinHandle<()>>,
}

impl Endpoint {
    /// Starts the reader and writer of one end of `stream`. `outgoing` are the channel ids
    /// this end sends on; it returns their outlets.
    pub(crate) fn start(
        stream: TcpStream,
        peer: String,
        outgoing: &[u32],
        incoming: Vec<Incoming>,
        global: &Arc<NetworkBufferPool>,
        control: &JobControl,
    ) -> io::Result<(Endpoint, HashMap<u32, RemoteOutlet>)> {
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(CANCEL_CHECK))?;
        let exclusive = incoming
            .iter()
            .map(|c| c.exclusive.len() as u32)
            .collect::<Vec<_>>();
        let send = SendSide::new(
            outgoing,
            incoming.iter().map(|c| c.id).zip(exclusive).collect(),
            peer.clone(),
        );
        let channels: Vec<Arc<ReceiveChannel>> = incoming
            .into_iter()
            .map(|c| ReceiveChannel::new(c, send.clone(), global.clone()))
            .collect();
        let outlets = outgoing
            .iter()
            .map(|&id| (id, RemoteOutlet::new(id, send.clone())))
            .collect();
        let reader_stream = stream.try_clone()?;
        let reader = {
            let (send, control, peer) = (send.clone(), control.clone(), peer.clone());
            let segment_size = global.segment_size();
            std::thread::Builder::new()
                .name(format!("net-read {peer}"))
                .spawn(move || {
                    let input = Cancellable {
                        stream: reader_stream,
                        control: control.clone(),
                    };
                    let result = receive::read_loop(input, &channels, &send, segment_size);
                    if let Err(detail) = result {
                        let error = EngineError::Connection { peer, detail };
                        for channel in &channels {
                            channel.fail(error.clone());
                        }
                        send.close();
                        control.fail(error);
                    }
                })?
        };
        let writer = {
            let (control, peer) = (control.clone(), peer);
            std::thread::Builder::new()
                .name(format!("net-write {peer}"))
                .spawn(move || {
                    if let Err(detail) = send.write_loop(&stream, &control) {
                        control.fail(EngineError::Connection { peer, detail });
                    }
                    let _ = stream.shutdown(Shutdown::Write);
                })?
        };
        Ok((
            Endpoint {
                threads: vec![reader, writer],
            },
            outlets,
        ))
    }

    /// Waits for both threads (they end when the job does, or fails).
    pub(crate) fn join(self) {
        for thread in self.threads {
            let _ = thread.join();
        }
    }
}

/// A socket read that wakes every [`CANCEL_CHECK`] to look whether the job was cancelled,
/// so a reader blocked on a silent peer never outlives its job.
struct Cancellable {
    stream: TcpStream,
    control: JobControl,
}

impl Read for Cancellable {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.stream.read(buf) {
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if self.control.is_cancelled() {
                        return Err(io::Error::other("the job was cancelled"));
                    }
                }
                result => return result,
            }
        }
    }
}
