//! The streaming-engine harness, after Flink's network stack.
//!
//! Records travel between operators serialized into fixed-size memory segments (Flink's
//! `MemorySegment`, 32 KiB by default) taken from pools sized when the job starts. A
//! [`RecordWriter`] frames each record behind a 4-byte length in the current buffer of its
//! channel, spanning into further buffers; channels hand buffers to the consumer's
//! [`InputGate`], in memory or over TCP with credit-based flow control; a [`RecordReader`]
//! reassembles and decodes them. Task managers are thread groups of one process, or OS
//! processes of the same program started by the job's coordinator (`Transport::Processes`).
//! Every format plugs in through `typeinfo_serializers::RecordSerializer`; the engine knows
//! none of them.

mod cluster;
pub mod config;
pub mod control;
pub mod element;
pub mod error;
pub mod gate;
pub mod job;
pub mod jobs;
pub mod metrics;
mod net;
pub mod operator;
pub mod partition;
pub mod pool;
pub mod reader;
pub mod runtime;
pub mod segment;
pub mod task;
mod wires;
pub mod writer;

pub use cluster::{WorkerArgs, WorkerCommand};
pub use config::{BufferTimeout, NetworkConfig};
pub use control::JobControl;
pub use element::{Element, LatencyMarker};
pub use error::EngineError;
pub use gate::{ChannelEvent, Delivery, GateSender, InputGate, Outlet, Polled};
pub use job::{JobBuilder, JobGraph, Stream};
pub use metrics::{Latencies, OutputMetrics};
pub use operator::{Output, SinkResult, WindowAggregate, checksum};
pub use partition::{KeyHash, Partitioner};
pub use pool::{Buffer, LocalBufferPool, NetworkBufferPool};
pub use reader::{Next, RecordReader};
pub use runtime::{ConnectionReport, EdgeReport, JobReport, Transport};
pub use segment::{
    DEFAULT_SEGMENT_SIZE, Segment, SegmentChainReader, SegmentChainWriter, SegmentSizeError,
};
pub use task::{Emission, Source, TaskReport};
pub use writer::RecordWriter;
