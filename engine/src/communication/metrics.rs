//! What a task measured on its edges.

use std::time::Duration;

/// One producing subtask's side of one edge.
#[derive(typeinfo::TypeInfo, Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputMetrics {
    pub records: u64,
    /// Bytes written, framing included.
    pub bytes: u64,
    pub buffers: u64,
    /// Time spent waiting for a free buffer: back pressure.
    pub blocked: Duration,
    #[typeinfo(with = "crate::wire_usize")]
    pub pool_capacity: usize,
    /// The most buffers on loan at one time.
    #[typeinfo(with = "crate::wire_usize")]
    pub pool_peak: usize,
}

impl OutputMetrics {
    /// Adds another subtask's figures (pool figures: the largest).
    pub fn merge(&mut self, other: &OutputMetrics) {
        self.records += other.records;
        self.bytes += other.bytes;
        self.buffers += other.buffers;
        self.blocked += other.blocked;
        self.pool_capacity = self.pool_capacity.max(other.pool_capacity);
        self.pool_peak = self.pool_peak.max(other.pool_peak);
    }
}

/// Latencies of markers at one sink, in nanoseconds.
#[derive(typeinfo::TypeInfo, Debug, Clone, Default, PartialEq, Eq)]
pub struct Latencies {
    samples: Vec<u64>,
}

impl Latencies {
    pub fn record(&mut self, nanos: u64) {
        self.samples.push(nanos);
    }

    pub fn merge(&mut self, other: &Latencies) {
        self.samples.extend_from_slice(&other.samples);
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The `p`-th percentile (0–100), nearest rank.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        if self.samples.is_empty() {
            return None;
        }
        let mut sorted = self.samples.clone();
        sorted.sort_unstable();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        let index = rank.clamp(1, sorted.len()) - 1;
        Some(Duration::from_nanos(sorted[index]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let mut l = Latencies::default();
        assert_eq!(l.percentile(50.0), None);
        for n in (1..=100).rev() {
            l.record(n);
        }
        assert_eq!(l.percentile(50.0), Some(Duration::from_nanos(50)));
        assert_eq!(l.percentile(99.0), Some(Duration::from_nanos(99)));
        assert_eq!(l.percentile(100.0), Some(Duration::from_nanos(100)));
        assert_eq!(l.percentile(0.0), Some(Duration::from_nanos(1)));
    }
}
