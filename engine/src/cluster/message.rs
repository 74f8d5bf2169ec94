//! The control messages between the coordinator and its workers, in our own `pojo` format
//! behind a 4-byte length.
//!
//! ```text
//! worker → coordinator  Hello    who it is, the job it built, where it takes connections
//! coordinator → worker  Start    everyone's data address and the job's token | Refused
//! worker → coordinator  Done     its task reports and its first error
//! coordinator → worker  Cancel   the job failed elsewhere
//! ```

use crate::dataflow::report::{ConnectionReport, TaskReport};
use std::io::{self, Read, Write};
use typeinfo::TypeInfo;

/// A control message is at most this long; a longer length prefix is refused unread.
const MAX_MESSAGE_BYTES: usize = 64 << 20;

#[derive(TypeInfo, Debug, Clone)]
pub(crate) enum Message {
    Hello {
        task_manager: u32,
        process: u32,
        /// The job as the worker built it, line by line (see `describe_job`).
        job: Vec<String>,
        data_address: String,
    },
    Start {
        /// Proves a data connection belongs to this job.
        token: u64,
        /// Per task manager, where it accepts data connections.
        data_addresses: Vec<String>,
    },
    Refused {
        reason: String,
    },
    Done {
        tasks: Vec<TaskReport>,
        connections: Vec<ConnectionReport>,
        error: Option<String>,
        /// The error is a broken connection, which may only follow another failure.
        broken_connection: bool,
    },
    Cancel,
}

pub(crate) fn send(out: &mut impl Write, message: &Message) -> io::Result<()> {
    let bytes = typeinfo_serializers::pojo::to_vec(message).map_err(io::Error::other)?;
    let length = u32::try_from(bytes.len())
        .ok()
        .filter(|&n| n as usize <= MAX_MESSAGE_BYTES)
        .ok_or_else(|| io::Error::other(format!("a message of {} bytes", bytes.len())))?;
    let mut framed = Vec::with_capacity(4 + bytes.len());
    framed.extend_from_slice(&length.to_le_bytes());
    framed.extend_from_slice(&bytes);
    out.write_all(&framed)?;
    out.flush()
}

/// The next message; `Ok(None)` when the peer closed the connection between messages.
pub(crate) fn receive(input: &mut impl Read) -> Result<Option<Message>, String> {
    let mut length = [0u8; 4];
    match input.read(&mut length[..1]) {
        Ok(0) => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(format!("read failed: {e}")),
    }
    input
        .read_exact(&mut length[1..])
        .map_err(|e| format!("the connection broke inside a message: {e}"))?;
    let length = u32::from_le_bytes(length) as usize;
    if length > MAX_MESSAGE_BYTES {
        return Err(format!(
            "a message of {length} bytes is over the limit of {MAX_MESSAGE_BYTES}"
        ));
    }
    // Grows with the bytes that arrive, not with what the prefix claims.
    let mut bytes = Vec::new();
    input
        .take(length as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("the connection broke inside a message: {e}"))?;
    if bytes.len() < length {
        return Err(format!(
            "the connection closed after {} of a message's {length} bytes",
            bytes.len()
        ));
    }
    typeinfo_serializers::pojo::from_slice(&bytes)
        .map(Some)
        .map_err(|e| format!("a message that does not decode: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::communication::metrics::OutputMetrics;
    use crate::dataflow::report::SinkResult;
    use std::time::Duration;

    #[test]
    fn messages_read_back_as_sent() {
        let mut sink = SinkResult {
            records: 3,
            checksum: 0xfeed,
            ..SinkResult::default()
        };
        sink.latencies.record(1_500);
        let task = TaskReport {
            task: "sink[1]".into(),
            task_manager: 1,
            inputs: vec![("edge".into(), 3, 90)],
            outputs: vec![(
                "out".into(),
                OutputMetrics {
                    records: 2,
                    blocked: Duration::from_micros(7),
                    ..OutputMetrics::default()
                },
            )],
            sink: Some(sink.clone()),
            busy: Duration::from_millis(3),
            ..TaskReport::default()
        };
        let mut wire = Vec::new();
        let done = Message::Done {
            tasks: vec![task],
            connections: vec![],
            error: Some("on edge x: broken".into()),
            broken_connection: false,
        };
        send(&mut wire, &done).unwrap();
        send(&mut wire, &Message::Cancel).unwrap();
        let mut input = wire.as_slice();
        let Some(Message::Done { tasks, error, .. }) = receive(&mut input).unwrap() else {
            panic!("not Done")
        };
        assert_eq!(tasks[0].sink, Some(sink));
        assert_eq!(tasks[0].outputs[0].1.blocked, Duration::from_micros(7));
        assert_eq!(error.as_deref(), Some("on edge x: broken"));
        assert!(matches!(receive(&mut input), Ok(Some(Message::Cancel))));
        assert!(matches!(receive(&mut input), Ok(None)));
    }

    #[test]
    fn hostile_messages_are_errors() {
        let huge = (u32::MAX).to_le_bytes();
        assert!(
            receive(&mut huge.as_slice())
                .unwrap_err()
                .contains("over the limit")
        );
        let cut = [10u8, 0, 0, 0, 1, 2];
        assert!(
            receive(&mut cut.as_slice())
                .unwrap_err()
                .contains("after 2 of")
        );
        let garbage = [2u8, 0, 0, 0, 99, 99];
        assert!(
            receive(&mut garbage.as_slice())
                .unwrap_err()
                .contains("does not decode")
        );
        let half_length = [2u8, 0];
        assert!(
            receive(&mut half_length.as_slice())
                .unwrap_err()
                .contains("inside a message")
        );
    }
}
