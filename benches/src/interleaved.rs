//! Timing on a noisy machine: the contenders take turns, one sample each per round (in an
//! order rotated every round), so slow phases of the machine hit all of them alike and the
//! ratios between them hold even when absolute times drift. criterion times one function
//! after another, for seconds each; on a shared 2-core VM that drift alone moves results by
//! half (measured on this project's machines), which is why comparisons use this instead.

use crate::contenders::Contender;
use std::time::{Duration, Instant};

/// Which operation to time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Serialize,
    /// Each record into a vector of its own, allocated by the format: the plain API
    /// (`to_vec`, `serialize`, `encode`) a first-time user calls.
    ToVec,
    Deserialize,
    RoundTrip,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::Serialize,
        Operation::ToVec,
        Operation::Deserialize,
        Operation::RoundTrip,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Operation::Serialize => "serialize",
            Operation::ToVec => "to-vec",
            Operation::Deserialize => "deserialize",
            Operation::RoundTrip => "round-trip",
        }
    }

    /// Runs the operation once on `contender`.
    pub fn run(self, contender: &mut dyn Contender) {
        match self {
            Operation::Serialize => contender.serialize(),
            Operation::ToVec => contender.serialize_to_vec(),
            Operation::Deserialize => contender.deserialize(),
            Operation::RoundTrip => contender.round_trip(),
        }
    }
}

/// The samples of one contender: seconds per operation.
#[derive(Debug, Clone)]
pub struct Timing {
    pub name: &'static str,
    pub bytes: usize,
    samples: Vec<f64>,
}

impl Timing {
    /// The `q` quantile (0.5 = median) of the samples, in seconds.
    pub fn quantile(&self, q: f64) -> f64 {
        let mut sorted = self.samples.clone();
        sorted.sort_by(f64::total_cmp);
        sorted[((sorted.len() - 1) as f64 * q).round() as usize]
    }

    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    pub fn samples(&self) -> usize {
        self.samples.len()
    }
}

/// Times `operation` of every contender over `rounds` rounds after one warm-up round. Each
/// sample averages as many calls as fit in about `sample_time` (at least one), found from
/// the warm-up, so fast and slow formats get samples of similar length.
pub fn run(
    contenders: &mut [Box<dyn Contender + '_>],
    operation: Operation,
    rounds: usize,
    sample_time: Duration,
) -> Vec<Timing> {
    let n = contenders.len();
    let mut batch = vec![1usize; n];
    let mut timings: Vec<Timing> = contenders
        .iter()
        .map(|c| Timing {
            name: c.name(),
            bytes: c.bytes(),
            samples: Vec::with_capacity(rounds),
        })
        .collect();
    for round in 0..=rounds {
        for k in 0..n {
            let i = (round + k) % n;
            let contender = &mut contenders[i];
            let start = Instant::now();
            for _ in 0..batch[i] {
                operation.run(contender.as_mut());
            }
            let seconds = start.elapsed().as_secs_f64() / batch[i] as f64;
            if round == 0 {
                batch[i] =
                    (sample_time.as_secs_f64() / seconds.max(1e-9)).clamp(1.0, 1000.0) as usize;
            } else {
                timings[i].samples.push(seconds);
            }
        }
    }
    timings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contenders;
    use crate::datasets::{SEED, log};

    #[test]
    fn every_contender_gets_every_round() {
        let data = log::generate(SEED, 20);
        let mut all = contenders::all(&data, true).unwrap();
        let timings = run(
            &mut all,
            Operation::Deserialize,
            5,
            Duration::from_micros(100),
        );
        assert_eq!(
            timings.len(),
            // bitcode, wincode, rkyv and memcpy besides the serializers.
            contenders::formats::<log::Logs>(Default::default()).len() + 4
        );
        for t in &timings {
            assert_eq!(t.samples(), 5);
            assert!(t.quantile(0.1) <= t.median() && t.median() <= t.quantile(0.9));
        }
    }
}
