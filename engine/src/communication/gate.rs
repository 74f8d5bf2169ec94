//! The input gate of a task: one queue per input channel, polled fairly.
//!
//! Channels with data wait in a ready queue (Flink's `inputChannelsWithData`); a poll takes
//! one buffer from the channel at the front and, if that channel has more, puts it at the
//! back, so a fast channel cannot starve a slow one. The queues hold buffers of bounded pools
//! and at most one end-of-partition event per channel, so they are bounded too.
//!
//! A channel can be blocked while a checkpoint's barriers align: its deliveries keep
//! queueing, but polls pass it by until it is unblocked. Its queue holds buffers of its
//! producer's pool (or credits of its connection), so a blocked channel's producer is held
//! back by ordinary back pressure, and nothing is buffered without bound.

use crate::communication::control::{CANCEL_CHECK, JobControl};
use crate::communication::pool::Buffer;
use crate::error::EngineError;
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// What a channel carries besides data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelEvent {
    /// The producer finished; nothing follows on this channel.
    EndOfPartition,
}

/// One thing a channel delivers.
#[derive(Debug)]
pub enum Delivery {
    Buffer(Buffer),
    Event(ChannelEvent),
}

/// The sending side of a channel: where a record writer puts finished buffers.
pub trait Outlet: Send {
    fn send(&mut self, delivery: Delivery) -> Result<(), EngineError>;
}

#[derive(Debug)]
struct GateState {
    queues: Vec<VecDeque<Delivery>>,
    ready: VecDeque<usize>,
    is_ready: Vec<bool>,
    /// Channels polls pass by until `unblock_all`.
    blocked: Vec<bool>,
    /// Set by a transport that can no longer deliver (a broken connection).
    failure: Option<EngineError>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<GateState>,
    arrived: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a poll of the gate found.
#[derive(Debug)]
pub enum Polled {
    Buffer {
        channel: usize,
        buffer: Buffer,
    },
    /// The channel finished; the gate has already counted it.
    Ended {
        channel: usize,
    },
    /// The deadline passed with nothing to read.
    TimedOut,
    /// Every channel has ended.
    Finished,
}

/// The reading side of a task's input.
#[derive(Debug)]
pub struct InputGate {
    shared: Arc<Shared>,
    open_channels: usize,
    control: JobControl,
}

/// Puts deliveries of one channel into a gate: a local channel's outlet, and where a
/// connection's reader hands over what arrived for the channel.
#[derive(Debug, Clone)]
pub struct GateSender {
    shared: Arc<Shared>,
    channel: usize,
}

impl InputGate {
    /// A gate of `channels` channels and the sender of each.
    pub fn new(channels: usize, control: JobControl) -> (InputGate, Vec<GateSender>) {
        let shared = Arc::new(Shared {
            state: Mutex::new(GateState {
                queues: (0..channels).map(|_| VecDeque::new()).collect(),
                ready: VecDeque::with_capacity(channels),
                is_ready: vec![false; channels],
                blocked: vec![false; channels],
                failure: None,
            }),
            arrived: Condvar::new(),
        });
        let senders = (0..channels)
            .map(|channel| GateSender {
                shared: shared.clone(),
                channel,
            })
            .collect();
        let gate = InputGate {
            shared,
            open_channels: channels,
            control,
        };
        (gate, senders)
    }

    pub fn channels(&self) -> usize {
        self.shared.lock().queues.len()
    }

    /// Holds `channel` back: what it delivers queues, and polls pass it by.
    pub fn block(&mut self, channel: usize) {
        let mut state = self.shared.lock();
        state.blocked[channel] = true;
        if state.is_ready[channel] {
            state.is_ready[channel] = false;
            state.ready.retain(|&c| c != channel);
        }
    }

    /// Lets every blocked channel be polled again, in channel order.
    pub fn unblock_all(&mut self) {
        let mut state = self.shared.lock();
        for channel in 0..state.blocked.len() {
            if std::mem::take(&mut state.blocked[channel])
                && !state.queues[channel].is_empty()
                && !state.is_ready[channel]
            {
                state.is_ready[channel] = true;
                state.ready.push_back(channel);
            }
        }
    }

    /// The next buffer or event, waiting until `deadline` (forever when `None`).
    pub fn poll(&mut self, deadline: Option<Instant>) -> Result<Polled, EngineError> {
        if self.open_channels == 0 {
            return Ok(Polled::Finished);
        }
        let mut state = self.shared.lock();
        loop {
            if let Some(failure) = &state.failure {
                return Err(failure.clone());
            }
            if let Some(channel) = state.ready.pop_front() {
                let delivery = state.queues[channel]
                    .pop_front()
                    .expect("ready means queued");
                if state.queues[channel].is_empty() {
                    state.is_ready[channel] = false;
                } else {
                    state.ready.push_back(channel);
                }
                return Ok(match delivery {
                    Delivery::Buffer(buffer) => Polled::Buffer { channel, buffer },
                    Delivery::Event(ChannelEvent::EndOfPartition) => {
                        self.open_channels -= 1;
                        Polled::Ended { channel }
                    }
                });
            }
            self.control.check()?;
            let wait = match deadline {
                None => CANCEL_CHECK,
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Ok(Polled::TimedOut);
                    }
                    (deadline - now).min(CANCEL_CHECK)
                }
            };
            state = self
                .shared
                .arrived
                .wait_timeout(state, wait)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl GateSender {
    pub fn channel(&self) -> usize {
        self.channel
    }

    /// Queues a delivery for the gate's task.
    pub fn deliver(&self, delivery: Delivery) {
        let mut state = self.shared.lock();
        state.queues[self.channel].push_back(delivery);
        if !state.is_ready[self.channel] && !state.blocked[self.channel] {
            state.is_ready[self.channel] = true;
            state.ready.push_back(self.channel);
        }
        drop(state);
        self.shared.arrived.notify_one();
    }

    /// Fails the gate: its task's next poll returns `error`.
    pub fn fail(&self, error: EngineError) {
        let mut state = self.shared.lock();
        state.failure.get_or_insert(error);
        drop(state);
        self.shared.arrived.notify_one();
    }
}

/// A local channel: buffers go to the consumer's gate in memory, without a copy. Back
/// pressure comes from the producer's pool: a buffer returns to it only once read.
impl Outlet for GateSender {
    fn send(&mut self, delivery: Delivery) -> Result<(), EngineError> {
        self.deliver(delivery);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::communication::pool::NetworkBufferPool;
    use std::time::Duration;

    fn filled(pool: &crate::communication::pool::LocalBufferPool, byte: u8) -> Buffer {
        let mut b = pool.try_request().unwrap();
        b.append(&[byte]);
        b
    }

    #[test]
    fn channels_are_served_in_turn() {
        let global = NetworkBufferPool::new(8, 16);
        let pool = global.local_pool(8, "test").unwrap();
        let (mut gate, senders) = InputGate::new(2, JobControl::new());
        for byte in [1, 2, 3] {
            senders[0].deliver(Delivery::Buffer(filled(&pool, byte)));
        }
        senders[1].deliver(Delivery::Buffer(filled(&pool, 10)));
        let mut order = Vec::new();
        for _ in 0..4 {
            match gate.poll(None).unwrap() {
                Polled::Buffer { channel, buffer } => order.push((channel, buffer.data()[0])),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(order, [(0, 1), (1, 10), (0, 2), (0, 3)]);
    }

    #[test]
    fn a_blocked_channel_queues_until_unblocked() {
        let global = NetworkBufferPool::new(8, 16);
        let pool = global.local_pool(8, "test").unwrap();
        let (mut gate, senders) = InputGate::new(2, JobControl::new());
        senders[0].deliver(Delivery::Buffer(filled(&pool, 1)));
        gate.block(0);
        senders[0].deliver(Delivery::Buffer(filled(&pool, 2)));
        senders[1].deliver(Delivery::Buffer(filled(&pool, 10)));
        let polled = |gate: &mut InputGate| match gate
            .poll(Some(Instant::now() + Duration::from_millis(5)))
            .unwrap()
        {
            Polled::Buffer { channel, buffer } => Some((channel, buffer.data()[0])),
            Polled::TimedOut => None,
            other => panic!("{other:?}"),
        };
        assert_eq!(polled(&mut gate), Some((1, 10)));
        assert_eq!(polled(&mut gate), None, "channel 0 is held back");
        assert_eq!(
            pool.in_use_reader()(),
            2.0,
            "its buffers stay out of their pool"
        );
        gate.unblock_all();
        assert_eq!(polled(&mut gate), Some((0, 1)));
        assert_eq!(polled(&mut gate), Some((0, 2)));
        assert_eq!(polled(&mut gate), None);
    }

    #[test]
    fn the_gate_finishes_when_every_channel_ended() {
        let (mut gate, senders) = InputGate::new(2, JobControl::new());
        for s in &senders {
            s.deliver(Delivery::Event(ChannelEvent::EndOfPartition));
        }
        assert!(matches!(gate.poll(None), Ok(Polled::Ended { channel: 0 })));
        assert!(matches!(gate.poll(None), Ok(Polled::Ended { channel: 1 })));
        assert!(matches!(gate.poll(None), Ok(Polled::Finished)));
    }

    #[test]
    fn a_poll_returns_at_its_deadline_and_on_failure() {
        let (mut gate, senders) = InputGate::new(1, JobControl::new());
        let deadline = Instant::now() + Duration::from_millis(10);
        assert!(matches!(gate.poll(Some(deadline)), Ok(Polled::TimedOut)));
        senders[0].fail(EngineError::Connection {
            peer: "tm-1".into(),
            detail: "reset".into(),
        });
        assert!(matches!(
            gate.poll(None),
            Err(EngineError::Connection { .. })
        ));
    }
}
