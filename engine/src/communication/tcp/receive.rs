//! The receiving half of a connection end: the credited buffers of each remote input
//! channel, and the loop that reads frames into them.

use super::frame::{self, Header};
use super::send::SendSide;
use super::{Cancellable, Incoming};
use crate::communication::gate::{ChannelEvent, Delivery, GateSender};
use crate::communication::pool::{Buffer, NetworkBufferPool, Recycler};
use crate::communication::segment::Segment;
use crate::error::EngineError;
use std::collections::HashMap;
use std::io::BufReader;
use std::sync::{Arc, Mutex, MutexGuard};

/// A gate's floating buffers, shared by its remote channels.
pub(crate) struct FloatingPool {
    segments: Mutex<Vec<Segment>>,
    global: Arc<NetworkBufferPool>,
}

impl FloatingPool {
    pub(crate) fn new(segments: Vec<Segment>, global: Arc<NetworkBufferPool>) -> Arc<Self> {
        Arc::new(FloatingPool {
            segments: Mutex::new(segments),
            global,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Segment>> {
        self.segments.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Recycler for FloatingPool {
    fn recycle(&self, segment: Segment) {
        self.lock().push(segment);
    }
}

impl Drop for FloatingPool {
    fn drop(&mut self) {
        let segments = std::mem::take(self.segments.get_mut().unwrap_or_else(|e| e.into_inner()));
        self.global.return_segments(segments);
    }
}

/// Buffers a channel has credited to its sender, empty and waiting for data.
#[derive(Default)]
struct Credited {
    exclusive: Vec<Segment>,
    floating: Vec<Segment>,
}

pub(crate) struct ReceiveChannel {
    id: u32,
    gate: GateSender,
    credited: Mutex<Credited>,
    floating: Arc<FloatingPool>,
    send: Arc<SendSide>,
    global: Arc<NetworkBufferPool>,
}

impl ReceiveChannel {
    pub(super) fn new(
        incoming: Incoming,
        send: Arc<SendSide>,
        global: Arc<NetworkBufferPool>,
    ) -> Arc<Self> {
        Arc::new(ReceiveChannel {
            id: incoming.id,
            gate: incoming.gate,
            credited: Mutex::new(Credited {
                exclusive: incoming.exclusive,
                floating: Vec::new(),
            }),
            floating: incoming.floating,
            send,
            global,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Credited> {
        self.credited.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn fail(&self, error: EngineError) {
        self.gate.fail(error);
    }

    /// A credited buffer for arriving data, floating ones first.
    fn take_credited(self: &Arc<Self>) -> Option<Buffer> {
        let mut credited = self.lock();
        if let Some(segment) = credited.floating.pop() {
            return Some(Buffer::new(segment, self.floating.clone()));
        }
        let segment = credited.exclusive.pop()?;
        Some(Buffer::new(segment, Arc::new(Exclusive(self.clone()))))
    }

    /// Answers a sender's backlog with floating buffers beyond those already credited;
    /// returns how many were granted.
    fn grant_floating(&self, backlog: u32) -> u32 {
        let mut credited = self.lock();
        let outstanding = credited.exclusive.len() + credited.floating.len();
        let wanted = (backlog as usize).saturating_sub(outstanding);
        if wanted == 0 {
            return 0;
        }
        let mut pool = self.floating.lock();
        let n = wanted.min(pool.len());
        let at = pool.len() - n;
        credited.floating.extend(pool.drain(at..));
        n as u32
    }
}

impl Drop for ReceiveChannel {
    fn drop(&mut self) {
        let credited = std::mem::take(self.credited.get_mut().unwrap_or_else(|e| e.into_inner()));
        self.global.return_segments(credited.exclusive);
        self.floating.lock().extend(credited.floating);
    }
}

/// An exclusive buffer goes back to its channel, and the sender gets the credit.
struct Exclusive(Arc<ReceiveChannel>);

impl Recycler for Exclusive {
    fn recycle(&self, segment: Segment) {
        self.0.lock().exclusive.push(segment);
        self.0.send.announce(self.0.id, 1);
    }
}

/// Reads frames until the peer closes after the last of this end's channels ended.
pub(super) fn read_loop(
    input: Cancellable,
    channels: &[Arc<ReceiveChannel>],
    send: &SendSide,
    segment_size: usize,
) -> Result<(), String> {
    let mut input = BufReader::with_capacity(64 << 10, input);
    let index: HashMap<u32, usize> = channels
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let mut ended = vec![false; channels.len()];
    let mut open = channels.len();
    let open_channel = |channel: u32, ended: &[bool]| -> Result<usize, String> {
        match index.get(&channel) {
            Some(&i) if !ended[i] => Ok(i),
            Some(_) => Err(format!("frame for channel {channel} after its end")),
            None => Err(format!(
                "frame for channel {channel}, which this end does not read"
            )),
        }
    };
    loop {
        let Some(header) = frame::read_header(&mut input)? else {
            return match open {
                0 => Ok(()),
                open => Err(format!(
                    "the peer closed the connection with {open} channels open"
                )),
            };
        };
        match header {
            Header::Data {
                channel,
                backlog,
                length,
            } => {
                let c = &channels[open_channel(channel, &ended)?];
                let length = length as usize;
                if length == 0 || length > segment_size {
                    return Err(format!(
                        "a buffer of {length} bytes on channel {channel} (buffers hold 1 to \
                         {segment_size})"
                    ));
                }
                let mut buffer = c
                    .take_credited()
                    .ok_or_else(|| format!("data on channel {channel} without credit"))?;
                buffer
                    .fill_from(&mut input, length)
                    .map_err(|e| format!("the connection broke inside a buffer: {e}"))?;
                c.gate.deliver(Delivery::Buffer(buffer));
                let granted = c.grant_floating(backlog);
                if granted > 0 {
                    send.announce(channel, granted);
                }
            }
            Header::End { channel } => {
                let i = open_channel(channel, &ended)?;
                ended[i] = true;
                open -= 1;
                channels[i]
                    .gate
                    .deliver(Delivery::Event(ChannelEvent::EndOfPartition));
                if open == 0 {
                    send.incoming_done();
                }
            }
            Header::Credit { channel, credits } => send.add_credit(channel, credits)?,
        }
    }
}
