//! The streaming-engine harness, after Flink's network stack.
//!
//! Records travel between operators serialized into fixed-size memory segments (Flink's
//! `MemorySegment`, 32 KiB by default), and a record that does not fit in what is left of
//! one segment continues in the next. [`segment`] holds that chain: a sink and a source in
//! the sense of `typeinfo::io`, so every format's generated code writes into and reads from
//! network buffers directly, with no intermediate copy.

pub mod segment;

pub use segment::{
    DEFAULT_SEGMENT_SIZE, Segment, SegmentChainReader, SegmentChainWriter, SegmentSizeError,
};
