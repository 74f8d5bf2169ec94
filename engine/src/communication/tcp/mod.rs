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

use crate::communication::control::{CANCEL_CHECK, JobControl};
use crate::communication::gate::GateSender;
use crate::communication::pool::NetworkBufferPool;
use crate::communication::segment::Segment;
use crate::error::EngineError;
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
    send: Arc<SendSide>,
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
            let (send, control, peer) = (send.clone(), control.clone(), peer);
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
                send,
            },
            outlets,
        ))
    }

    /// Waits for both threads (they end when the job does, or fails) and says how many
    /// payload bytes and buffers this end sent.
    pub(crate) fn join(self) -> (u64, u64) {
        for thread in self.threads {
            let _ = thread.join();
        }
        self.send.sent()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::communication::gate::{InputGate, Polled};
    use std::io::Write;
    use std::net::TcpListener;
    use std::time::{Duration, Instant};

    /// An endpoint with one remote input channel (id 0, two exclusive buffers) on one side
    /// of a loopback connection, and the raw peer socket on the other.
    fn receiving_end() -> (
        InputGate,
        JobControl,
        TcpStream,
        Endpoint,
        Arc<NetworkBufferPool>,
    ) {
        let global = NetworkBufferPool::new(4, 64);
        let control = JobControl::new();
        let (gate, senders) = InputGate::new(1, control.clone());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (stream, _) = listener.accept().unwrap();
        let incoming = Incoming {
            id: 0,
            gate: senders[0].clone(),
            exclusive: global.take_segments(2, "test").unwrap(),
            floating: FloatingPool::new(global.take_segments(2, "test").unwrap(), global.clone()),
        };
        let (endpoint, _) = Endpoint::start(
            stream,
            "tm-1".into(),
            &[],
            vec![incoming],
            &global,
            &control,
        )
        .unwrap();
        (gate, control, peer, endpoint, global)
    }

    /// Reads the receiver's first CREDIT frame. A peer that closes its socket with unread
    /// bytes makes the kernel send a reset instead of an orderly close, and the reset can
    /// overtake the bytes the peer wrote; tests that close the peer read the credit first.
    fn read_the_credit_announcement(peer: &mut TcpStream) -> [u8; 9] {
        let mut credit = [0u8; 9];
        peer.read_exact(&mut credit).unwrap();
        credit
    }

    /// Polls until the gate fails, within a deadline.
    fn failure_of(gate: &mut InputGate) -> EngineError {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match gate.poll(Some(deadline)) {
                Err(e) => return e,
                Ok(Polled::TimedOut) => panic!("no failure within 5 s"),
                Ok(_) => {}
            }
        }
    }

    #[test]
    fn the_receiver_announces_its_exclusive_buffers_as_credit() {
        let (_gate, _control, mut peer, endpoint, _global) = receiving_end();
        assert_eq!(
            read_the_credit_announcement(&mut peer),
            [2, 0, 0, 0, 0, 2, 0, 0, 0],
            "CREDIT channel 0, 2 buffers"
        );
        frame::write_data(&mut peer, 0, 0, b"hello").unwrap();
        frame::write_end(&mut peer, 0).unwrap();
        drop(peer);
        endpoint.join();
    }

    #[test]
    fn a_peer_that_dies_inside_a_buffer_fails_the_gate_and_the_job() {
        let (mut gate, control, mut peer, endpoint, _global) = receiving_end();
        // A DATA header claiming 40 bytes, then 10 of them, then the peer is gone.
        let mut frame = vec![0u8, 0, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0];
        frame.extend_from_slice(&[7; 10]);
        read_the_credit_announcement(&mut peer);
        peer.write_all(&frame).unwrap();
        drop(peer);
        let e = failure_of(&mut gate);
        assert!(
            e.to_string()
                .starts_with("connection to tm-1: the connection broke inside a buffer"),
            "{e}"
        );
        // The job fails too, with whichever side of the connection noticed first: the
        // reader (this error) or the writer (its credit hit a broken pipe).
        endpoint.join();
        assert!(
            matches!(control.first_error(), Some(EngineError::Connection { ref peer, .. }) if peer == "tm-1"),
            "{:?}",
            control.first_error()
        );
    }

    #[test]
    fn a_peer_that_breaks_the_protocol_fails_the_job() {
        let cases: [(&[u8], &str); 5] = [
            (&[9], "unknown frame kind 9"),
            (
                &[0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1],
                "channel 5, which this end does not read",
            ),
            (
                &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
                "a buffer of 256 bytes",
            ),
            (&[2, 3, 0, 0, 0, 1, 0, 0, 0], "credit for channel 3"),
            (&[], "closed the connection with 1 channels open"),
        ];
        for (bytes, expected) in cases {
            let (mut gate, _control, mut peer, endpoint, _global) = receiving_end();
            read_the_credit_announcement(&mut peer);
            peer.write_all(bytes).unwrap();
            drop(peer);
            let e = failure_of(&mut gate);
            assert!(e.to_string().contains(expected), "{e}");
            endpoint.join();
        }
    }

    #[test]
    fn data_beyond_the_credit_is_refused() {
        let (_gate, control, mut peer, endpoint, _global) = receiving_end();
        for _ in 0..3 {
            frame::write_data(&mut peer, 0, 0, b"x").unwrap();
        }
        // The two credited buffers arrive and stay unread; the third frame had no credit.
        let deadline = Instant::now() + Duration::from_secs(5);
        let e = loop {
            if let Some(e) = control.first_error() {
                break e;
            }
            assert!(Instant::now() < deadline, "no failure within 5 s");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(
            e.to_string().contains("data on channel 0 without credit"),
            "{e}"
        );
        drop(peer);
        endpoint.join();
    }

    #[test]
    fn a_silent_peer_does_not_outlive_a_cancelled_job() {
        let (_gate, control, peer, endpoint, _global) = receiving_end();
        control.fail(EngineError::Cancelled);
        let started = Instant::now();
        endpoint.join();
        assert!(started.elapsed() < Duration::from_secs(2));
        drop(peer);
    }
}
