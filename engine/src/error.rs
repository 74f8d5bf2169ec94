//! What can go wrong in a job, said so that the user knows which edge, task or setting to
//! look at. Settings go by their names in [`crate::NetworkConfig`] (`max_record_bytes`); a
//! command line maps them to its flags.

use std::fmt;
use typeinfo::{DecodeError, EncodeError};

/// Why a job could not start or did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EngineError {
    /// The global pool has fewer buffers than the job's pools need (checked at start).
    InsufficientBuffers {
        required: usize,
        available: usize,
        /// Where the requirement comes from, per gate and partition.
        breakdown: String,
    },
    /// A setting outside what is allowed.
    Config {
        key: String,
        value: String,
        allowed: String,
    },
    /// A record could not be serialized onto an edge.
    Encode { edge: String, source: EncodeError },
    /// A record could not be deserialized from an edge.
    Decode {
        edge: String,
        channel: usize,
        source: DecodeError,
    },
    /// A record's length prefix is over the record size limit.
    RecordTooLarge {
        edge: String,
        channel: usize,
        size: usize,
        limit: usize,
    },
    /// A channel delivered bytes that are not a well-formed element.
    Corrupt {
        edge: String,
        channel: usize,
        detail: String,
    },
    /// A connection to another task manager failed or broke a protocol rule.
    Connection { peer: String, detail: String },
    /// An operator refused a record (a source event that does not parse).
    Operator { operator: String, detail: String },
    /// A task panicked; the message is the panic's.
    TaskPanicked { task: String, message: String },
    /// A task manager process (or the coordinator, task manager 0) failed, went away or
    /// could not take part.
    TaskManager { task_manager: usize, detail: String },
    /// Keyed state could not be read or written (`state` names the operator, subtask and
    /// state).
    State { state: String, detail: String },
    /// A checkpoint under `path` could not be written or read.
    Checkpoint { path: String, detail: String },
    /// This task stopped because another part of the job failed first.
    Cancelled,
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::InsufficientBuffers {
                required,
                available,
                breakdown,
            } => write!(
                f,
                "the job needs {required} network buffers but the pool has {available} \
                 ({breakdown}); raise network_buffers, or lower the parallelism, \
                 exclusive_buffers or floating_buffers"
            ),
            EngineError::Config {
                key,
                value,
                allowed,
            } => write!(f, "invalid {key} `{value}`: {allowed}"),
            EngineError::Encode { edge, source } => write!(f, "on edge {edge}: {source}"),
            EngineError::Decode {
                edge,
                channel,
                source,
            } => write!(f, "on edge {edge}, channel {channel}: {source}"),
            EngineError::RecordTooLarge {
                edge,
                channel,
                size,
                limit,
            } => write!(
                f,
                "on edge {edge}, channel {channel}: a record of {size} bytes is over the \
                 limit of {limit} bytes"
            ),
            EngineError::Corrupt {
                edge,
                channel,
                detail,
            } => write!(f, "on edge {edge}, channel {channel}: {detail}"),
            EngineError::Connection { peer, detail } => {
                write!(f, "connection to {peer}: {detail}")
            }
            EngineError::Operator { operator, detail } => {
                write!(f, "operator `{operator}`: {detail}")
            }
            EngineError::TaskPanicked { task, message } => {
                write!(f, "task {task} panicked: {message}")
            }
            EngineError::TaskManager {
                task_manager,
                detail,
            } => write!(f, "task manager {task_manager}: {detail}"),
            EngineError::State { state, detail } => write!(f, "state {state}: {detail}"),
            EngineError::Checkpoint { path, detail } => write!(f, "checkpoint {path}: {detail}"),
            EngineError::Cancelled => f.write_str("cancelled because another task failed"),
        }
    }
}

impl std::error::Error for EngineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EngineError::Encode { source, .. } => Some(source),
            EngineError::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    #[test]
    fn wrapped_errors_stay_reachable_as_the_source() {
        let inner = DecodeError::UnexpectedEnd {
            needed: 4,
            available: 1,
        };
        let e = EngineError::Decode {
            edge: "a → b".into(),
            channel: 1,
            source: inner.clone(),
        };
        let source = e.source().and_then(|s| s.downcast_ref::<DecodeError>());
        assert_eq!(source, Some(&inner));
        let encode = EngineError::Encode {
            edge: "a → b".into(),
            source: EncodeError::custom("no"),
        };
        assert!(encode.source().unwrap().is::<EncodeError>());
        assert!(EngineError::Cancelled.source().is_none());
    }

    #[test]
    fn too_few_buffers_names_the_numbers_and_the_settings() {
        let e = EngineError::InsufficientBuffers {
            required: 40,
            available: 8,
            breakdown: "2 gates × 20".into(),
        };
        assert_eq!(
            e.to_string(),
            "the job needs 40 network buffers but the pool has 8 (2 gates × 20); raise \
             network_buffers, or lower the parallelism, exclusive_buffers or floating_buffers"
        );
    }
}
