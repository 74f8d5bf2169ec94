//! The network settings of a job, with Flink's defaults, checked before anything starts.

use crate::communication::segment::DEFAULT_SEGMENT_SIZE;
use crate::error::EngineError;
use std::time::Duration;

/// When a partly filled buffer is sent downstream (Flink's `execution.buffer-timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BufferTimeout {
    /// Only full buffers, and everything at events and at the end of the stream.
    Off,
    /// At most this long after the first byte went into a buffer; zero flushes after every
    /// record.
    After(Duration),
}

impl BufferTimeout {
    /// Parses `off` or milliseconds, as the runner's `--buffer-timeout` flag takes them.
    pub fn parse(value: &str) -> Result<Self, EngineError> {
        if value == "off" {
            return Ok(BufferTimeout::Off);
        }
        value
            .parse::<u64>()
            .map(|ms| BufferTimeout::After(Duration::from_millis(ms)))
            .map_err(|_| EngineError::Config {
                key: "buffer_timeout".into(),
                value: value.into(),
                allowed: "milliseconds (0 flushes after every record) or `off`".into(),
            })
    }
}

/// The largest record an element can carry: its 4-byte length counts the tag byte too.
pub const MAX_RECORD_BYTES: usize = u32::MAX as usize - 1;

/// Buffers, their size, and the limits of one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkConfig {
    /// Bytes per memory segment.
    pub segment_size: usize,
    /// Segments in the global pool, allocated when the job starts.
    pub network_buffers: usize,
    /// Buffers each channel owns, on both sides of an edge.
    pub exclusive_buffers: usize,
    /// Buffers each gate and each partition shares among its channels.
    pub floating_buffers: usize,
    pub buffer_timeout: BufferTimeout,
    /// Largest serialized record accepted on any edge.
    pub max_record_bytes: usize,
}

impl Default for NetworkConfig {
    /// Flink's defaults: 32 KiB segments, 2 exclusive buffers per channel, 8 floating per
    /// gate, a 100 ms buffer timeout; 2,048 buffers (64 MiB, Flink's minimum network memory).
    fn default() -> Self {
        NetworkConfig {
            segment_size: DEFAULT_SEGMENT_SIZE,
            network_buffers: 2048,
            exclusive_buffers: 2,
            floating_buffers: 8,
            buffer_timeout: BufferTimeout::After(Duration::from_millis(100)),
            max_record_bytes: typeinfo::Limits::DEFAULT.max_record_bytes,
        }
    }
}

impl NetworkConfig {
    /// Refuses settings that cannot work, naming the setting (the field's name).
    pub fn validate(&self) -> Result<(), EngineError> {
        let at_least = |key: &str, value: usize, min: usize, why: &str| {
            if value < min {
                Err(EngineError::Config {
                    key: key.into(),
                    value: value.to_string(),
                    allowed: format!("at least {min}: {why}"),
                })
            } else {
                Ok(())
            }
        };
        // A segment must hold at least an element's 4-byte length and its tag.
        at_least(
            "segment_size",
            self.segment_size,
            8,
            "a buffer holds a record's 4-byte length and more",
        )?;
        at_least(
            "exclusive_buffers",
            self.exclusive_buffers,
            1,
            "every channel needs a buffer of its own to make progress",
        )?;
        at_least(
            "max_record_bytes",
            self.max_record_bytes,
            1,
            "a record takes at least one byte",
        )?;
        if self.max_record_bytes > MAX_RECORD_BYTES {
            return Err(EngineError::Config {
                key: "max_record_bytes".into(),
                value: self.max_record_bytes.to_string(),
                allowed: format!(
                    "at most {MAX_RECORD_BYTES} (an element's 4-byte length covers its tag byte too)"
                ),
            });
        }
        Ok(())
    }

    /// Buffers one side of an edge needs for `channels` channels.
    pub fn buffers_for(&self, channels: usize) -> usize {
        channels * self.exclusive_buffers + self.floating_buffers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_timeouts_parse_as_the_flag_documents() {
        assert_eq!(BufferTimeout::parse("off").unwrap(), BufferTimeout::Off);
        assert_eq!(
            BufferTimeout::parse("0").unwrap(),
            BufferTimeout::After(Duration::ZERO)
        );
        assert_eq!(
            BufferTimeout::parse("soon").unwrap_err().to_string(),
            "invalid buffer_timeout `soon`: milliseconds (0 flushes after every record) or `off`"
        );
    }

    #[test]
    fn settings_that_cannot_work_are_refused() {
        let tiny = NetworkConfig {
            segment_size: 4,
            ..NetworkConfig::default()
        };
        assert!(
            tiny.validate()
                .unwrap_err()
                .to_string()
                .contains("segment_size")
        );
        let none = NetworkConfig {
            exclusive_buffers: 0,
            ..NetworkConfig::default()
        };
        assert!(
            none.validate()
                .unwrap_err()
                .to_string()
                .contains("exclusive_buffers")
        );
        NetworkConfig::default().validate().unwrap();
    }

    /// The largest accepted limit is the largest record an element length can frame.
    #[test]
    fn max_record_bytes_stops_where_the_length_prefix_does() {
        let at = |max_record_bytes| NetworkConfig {
            max_record_bytes,
            ..NetworkConfig::default()
        };
        at(MAX_RECORD_BYTES).validate().unwrap();
        let over = at(MAX_RECORD_BYTES + 1).validate().unwrap_err().to_string();
        assert!(
            over.contains("4294967295") && over.contains("at most 4294967294"),
            "{over}"
        );
    }
}
