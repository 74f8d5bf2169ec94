//! The sending half of a connection end: queues of the producers' buffers per channel,
//! sent only against credit, and the credits this end announces for its own inputs.

use super::frame;
use crate::communication::control::{CANCEL_CHECK, JobControl};
use crate::communication::gate::{Delivery, Outlet};
use crate::error::EngineError;
use std::collections::{HashMap, VecDeque};
use std::io::{BufWriter, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

struct SendChannel {
    id: u32,
    queue: VecDeque<Delivery>,
    credit: u32,
    is_ready: bool,
}

impl SendChannel {
    /// A buffer needs a credit; an event goes regardless.
    fn can_send(&self) -> bool {
        match self.queue.front() {
            Some(Delivery::Buffer(_)) => self.credit > 0,
            Some(Delivery::Event(_)) => true,
            None => false,
        }
    }
}

struct SendState {
    channels: Vec<SendChannel>,
    index: HashMap<u32, usize>,
    /// Channels that can send now, in turn.
    ready: VecDeque<usize>,
    /// Credits to announce for this end's input channels.
    credits: Vec<(u32, u32)>,
    outgoing_open: usize,
    incoming_open: bool,
    /// The reader failed: nothing more goes out.
    closed: bool,
}

impl SendState {
    fn mark_ready(&mut self, channel: usize) {
        let c = &mut self.channels[channel];
        if !c.is_ready && c.can_send() {
            c.is_ready = true;
            self.ready.push_back(channel);
        }
    }
}

pub(crate) struct SendSide {
    state: Mutex<SendState>,
    wake: Condvar,
    peer: String,
    /// Payload bytes and buffers sent, for the job's report.
    sent_bytes: AtomicU64,
    sent_buffers: AtomicU64,
}

impl SendSide {
    /// `incoming` are this end's input channels with their initial credit.
    pub(super) fn new(outgoing: &[u32], incoming: Vec<(u32, u32)>, peer: String) -> Arc<Self> {
        let channels: Vec<SendChannel> = outgoing
            .iter()
            .map(|&id| SendChannel {
                id,
                queue: VecDeque::new(),
                credit: 0,
                is_ready: false,
            })
            .collect();
        let index = outgoing
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i))
            .collect();
        Arc::new(SendSide {
            state: Mutex::new(SendState {
                outgoing_open: channels.len(),
                channels,
                index,
                ready: VecDeque::new(),
                incoming_open: !incoming.is_empty(),
                credits: incoming,
                closed: false,
            }),
            wake: Condvar::new(),
            peer,
            sent_bytes: AtomicU64::new(0),
            sent_buffers: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, SendState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `credits` for this end's input channel `channel`.
    pub(super) fn announce(&self, channel: u32, credits: u32) {
        let mut state = self.lock();
        if state.incoming_open {
            state.credits.push((channel, credits));
            drop(state);
            self.wake.notify_one();
        }
    }

    /// The peer granted credit on one of this end's output channels.
    pub(super) fn add_credit(&self, channel: u32, credits: u32) -> Result<(), String> {
        let mut state = self.lock();
        let Some(&i) = state.index.get(&channel) else {
            return Err(format!(
                "credit for channel {channel}, which this end does not send on"
            ));
        };
        let c = &mut state.channels[i];
        c.credit = c.credit.checked_add(credits).ok_or("credit overflow")?;
        state.mark_ready(i);
        drop(state);
        self.wake.notify_one();
        Ok(())
    }

    /// Every input channel of this end has ended: no more credits to send.
    pub(super) fn incoming_done(&self) {
        self.lock().incoming_open = false;
        self.wake.notify_one();
    }

    /// Payload bytes and buffers sent so far.
    pub(super) fn sent(&self) -> (u64, u64) {
        (
            self.sent_bytes.load(Ordering::Relaxed),
            self.sent_buffers.load(Ordering::Relaxed),
        )
    }

    pub(super) fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_one();
    }

    /// Sends until every output channel has ended and no input needs credit any more.
    pub(super) fn write_loop(
        &self,
        stream: &TcpStream,
        control: &JobControl,
    ) -> Result<(), String> {
        let mut out = BufWriter::with_capacity(64 << 10, stream);
        let write_failed = |e: std::io::Error| format!("write failed: {e}");
        loop {
            let (credits, next, more) = {
                let mut state = self.lock();
                loop {
                    if state.closed {
                        return Ok(());
                    }
                    if !state.credits.is_empty() || !state.ready.is_empty() {
                        break;
                    }
                    if state.outgoing_open == 0 && !state.incoming_open {
                        return out.flush().map_err(write_failed);
                    }
                    if control.is_cancelled() {
                        return Ok(());
                    }
                    state = self
                        .wake
                        .wait_timeout(state, CANCEL_CHECK)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
                let credits = std::mem::take(&mut state.credits);
                let next = state.ready.pop_front().map(|i| {
                    let c = &mut state.channels[i];
                    c.is_ready = false;
                    let delivery = c.queue.pop_front().expect("ready means queued");
                    match delivery {
                        Delivery::Buffer(_) => c.credit -= 1,
                        Delivery::Event(_) => state.outgoing_open -= 1,
                    }
                    let c = &state.channels[i];
                    let item = (c.id, c.queue.len() as u32, delivery);
                    state.mark_ready(i);
                    item
                });
                (credits, next, !state.ready.is_empty())
            };
            for (channel, n) in credits {
                frame::write_credit(&mut out, channel, n).map_err(write_failed)?;
            }
            match next {
                Some((channel, backlog, Delivery::Buffer(buffer))) => {
                    frame::write_data(&mut out, channel, backlog, buffer.data())
                        .map_err(write_failed)?;
                    let bytes = buffer.data().len() as u64;
                    self.sent_bytes.fetch_add(bytes, Ordering::Relaxed);
                    self.sent_buffers.fetch_add(1, Ordering::Relaxed);
                    // Dropping the buffer returns it to the producer's pool.
                }
                Some((channel, _, Delivery::Event(_))) => {
                    frame::write_end(&mut out, channel).map_err(write_failed)?
                }
                None => {}
            }
            if !more {
                out.flush().map_err(write_failed)?;
            }
        }
    }
}

/// The producer's side of a remote channel.
pub struct RemoteOutlet {
    channel: usize,
    send: Arc<SendSide>,
}

impl RemoteOutlet {
    pub(super) fn new(id: u32, send: Arc<SendSide>) -> Self {
        let channel = send.lock().index[&id];
        RemoteOutlet { channel, send }
    }
}

impl Outlet for RemoteOutlet {
    fn send(&mut self, delivery: Delivery) -> Result<(), EngineError> {
        let mut state = self.send.lock();
        if state.closed {
            return Err(EngineError::Connection {
                peer: self.send.peer.clone(),
                detail: "the connection is closed".into(),
            });
        }
        state.channels[self.channel].queue.push_back(delivery);
        state.mark_ready(self.channel);
        drop(state);
        self.send.wake.notify_one();
        Ok(())
    }
}
