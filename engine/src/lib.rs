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
//! none of them (it builds with `typeinfo-serializers`' default features off).
//!
//! Three floors, each importing only the ones below it:
//! - [`communication`]: segments, pools, gates, elements, record writer and reader,
//!   partitioners, output metrics, the TCP transport and the cancel signal;
//! - [`dataflow`]: the job builder, operators, tasks, wiring, the in-process runtime,
//!   transports and reports;
//! - `cluster`: task managers as processes (coordinator, workers, their messages).
//!
//! [`state`] (keyed state on the heap or in an embedded store) serves the operators.
//!
//! `run` (the one place that picks in-process or cluster), [`config`] and [`error`] sit
//! beside them. The built-in jobs live with the crate that runs them (`typeinfo-benches`).

pub mod checkpoint;
mod cluster;
pub mod communication;
pub mod config;
pub mod dataflow;
pub mod error;
mod run;
pub mod state;
mod wire_usize;

pub use cluster::WorkerArgs;
pub use communication::control::JobControl;
pub use communication::element::{CheckpointBarrier, Element, LatencyMarker};
pub use communication::gate::{ChannelEvent, Delivery, GateSender, InputGate, Outlet, Polled};
pub use communication::metrics::{Latencies, OutputMetrics};
pub use communication::partition::{KeyHash, Partitioner};
pub use communication::pool::{Buffer, LocalBufferPool, NetworkBufferPool};
pub use communication::reader::{Next, RecordReader};
pub use communication::segment::{
    DEFAULT_SEGMENT_SIZE, Segment, SegmentChainReader, SegmentChainWriter, SegmentSizeError,
};
pub use communication::writer::RecordWriter;
pub use config::{BufferTimeout, NetworkConfig};
pub use dataflow::job::{JobBuilder, JobGraph, Stream};
pub use dataflow::operator::{End, Output, WindowAggregate, checksum};
pub use dataflow::report::{
    BarrierStats, ConnectionReport, EdgeReport, JobReport, SinkResult, TaskReport,
};
pub use dataflow::task::{Emission, Source};
pub use dataflow::transport::{Transport, WorkerCommand};
pub use error::EngineError;
pub use state::{
    CheckpointedState, CurrentKey, KeyedStateBackend, ListState, MapState, Namespace, StateBackend,
    StateKey, StateMetrics, ValueState,
};
