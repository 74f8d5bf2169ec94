//! The network stack, after Flink's: records framed into fixed-size memory segments from
//! bounded pools, channels from record writers to input gates, in memory or over TCP with
//! credit-based flow control, and the cancel signal every wait checks. Knows records only
//! as bytes through a `RecordSerializer`.

pub mod control;
pub mod element;
pub mod gate;
pub mod live;
pub mod metrics;
pub mod partition;
pub mod pool;
pub mod reader;
pub mod segment;
pub(crate) mod tcp;
pub mod writer;
