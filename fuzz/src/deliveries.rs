//! The engine target's input: what an input gate's channels deliver, read from fuzz bytes.
//!
//! The bytes of the buffers are hostile; the order of events is the engine's own (a channel
//! ends once and delivers nothing after, which the network layer checks before a gate
//! sees it), so an operation on an ended channel is skipped.
//!
//! ```text
//! u8 channels (1 + n % 3)
//! then, repeated:  u8 op: channel = op & 0x7f (mod channels); 0x80 set = end of partition
//!                  else u8 length (at most one segment), then that many bytes
//! ```

use std::sync::{Arc, Mutex};
use typeinfo_engine::{
    ChannelEvent, Delivery, EngineError, InputGate, JobControl, NetworkBufferPool, Outlet,
};

/// Buffers are this small so that records span them.
pub const SEGMENT_SIZE: usize = 64;

/// One thing a channel delivers, as plain bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Buffer { channel: usize, bytes: Vec<u8> },
    End { channel: usize },
}

/// What arrives at a gate of `channels` channels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliveries {
    pub channels: usize,
    pub steps: Vec<Step>,
}

impl Deliveries {
    /// Reads fuzz bytes; what does not form a step is ignored.
    pub fn parse(data: &[u8]) -> Deliveries {
        let Some((&first, mut rest)) = data.split_first() else {
            return Deliveries {
                channels: 1,
                steps: Vec::new(),
            };
        };
        let channels = 1 + usize::from(first) % 3;
        let mut ended = vec![false; channels];
        let mut steps = Vec::new();
        while let Some((&op, tail)) = rest.split_first() {
            rest = tail;
            let channel = usize::from(op & 0x7f) % channels;
            if op & 0x80 != 0 {
                if !ended[channel] {
                    ended[channel] = true;
                    steps.push(Step::End { channel });
                }
                continue;
            }
            let Some((&length, tail)) = rest.split_first() else {
                break;
            };
            let length = usize::from(length).min(SEGMENT_SIZE).min(tail.len());
            let (bytes, tail) = tail.split_at(length);
            rest = tail;
            if !ended[channel] {
                steps.push(Step::Buffer {
                    channel,
                    bytes: bytes.to_vec(),
                });
            }
        }
        Deliveries { channels, steps }
    }

    /// The bytes [`parse`](Self::parse) reads back as these deliveries.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![(self.channels - 1) as u8];
        for step in &self.steps {
            match step {
                Step::Buffer { channel, bytes } => {
                    out.extend_from_slice(&[*channel as u8, bytes.len() as u8]);
                    out.extend_from_slice(bytes);
                }
                Step::End { channel } => out.push(0x80 | *channel as u8),
            }
        }
        out
    }

    /// A gate with every step already delivered, each buffer from a pool of its own size.
    pub fn into_gate(self) -> InputGate {
        let buffers = self.steps.len().max(1);
        let pool = NetworkBufferPool::new(buffers, SEGMENT_SIZE)
            .local_pool(buffers, "fuzz")
            .expect("the pool was made for these buffers");
        let (gate, senders) = InputGate::new(self.channels, JobControl::new());
        for step in self.steps {
            match step {
                Step::Buffer { channel, bytes } => {
                    let mut buffer = pool.try_request().expect("one buffer per step");
                    buffer.append(&bytes);
                    senders[channel].deliver(Delivery::Buffer(buffer));
                }
                Step::End { channel } => {
                    senders[channel].deliver(Delivery::Event(ChannelEvent::EndOfPartition))
                }
            }
        }
        gate
    }
}

/// An outlet that keeps a copy of what it is sent and returns the buffer to its pool at
/// once, so a writer never waits for one.
#[derive(Clone)]
pub struct Recording {
    pub channel: usize,
    pub steps: Arc<Mutex<Vec<Step>>>,
}

impl Outlet for Recording {
    fn send(&mut self, delivery: Delivery) -> Result<(), EngineError> {
        let step = match delivery {
            Delivery::Buffer(buffer) => Step::Buffer {
                channel: self.channel,
                bytes: buffer.data().to_vec(),
            },
            Delivery::Event(ChannelEvent::EndOfPartition) => Step::End {
                channel: self.channel,
            },
        };
        self.steps
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(step);
        Ok(())
    }
}
