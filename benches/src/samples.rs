//! What `cargo run --release` shows until the full comparison lands: for each built-in
//! dataset, its type's descriptor, its size in our formats (next to bincode 2's and
//! postcard's, for scale), and round trips checked for equality.

use std::fmt::Debug;
use std::time::Instant;
use typeinfo::{Decode, Encode, HasTypeInfo, TypeInfo};
use typeinfo_serializers::{compact, pojo};

/// The findings for one dataset.
#[derive(Debug, Clone)]
pub struct SampleReport {
    pub dataset: &'static str,
    pub records: usize,
    pub record_type: &'static TypeInfo,
    pub pojo_bytes: usize,
    pub compact_bytes: usize,
    pub bincode_bytes: usize,
    pub postcard_bytes: usize,
    /// Whether decoding the pojo and compact bytes gave back equal values.
    pub round_trip_ok: bool,
    pub encode_ms: f64,
    pub decode_ms: f64,
}

/// Encodes and decodes `value` (a dataset of `records` records of type `R`) once.
pub fn inspect<R, T>(
    dataset: &'static str,
    records: usize,
    value: &T,
) -> Result<SampleReport, String>
where
    R: HasTypeInfo,
    T: Encode + Decode + bincode::Encode + serde::Serialize + PartialEq + Debug,
{
    let start = Instant::now();
    let bytes = pojo::to_vec(value).map_err(|e| format!("{dataset}: pojo encode failed: {e}"))?;
    let encode_ms = start.elapsed().as_secs_f64() * 1e3;
    let start = Instant::now();
    let back: T =
        pojo::from_slice(&bytes).map_err(|e| format!("{dataset}: pojo decode failed: {e}"))?;
    let decode_ms = start.elapsed().as_secs_f64() * 1e3;
    let compact_bytes =
        compact::to_vec(value).map_err(|e| format!("{dataset}: compact encode failed: {e}"))?;
    let compact_ok = compact::from_slice::<T>(&compact_bytes)
        .map_err(|e| format!("{dataset}: compact decode failed: {e}"))?
        == *value;
    let bincode_bytes = bincode::encode_to_vec(value, bincode::config::standard())
        .map_err(|e| format!("{dataset}: bincode encode failed: {e}"))?
        .len();
    let postcard_bytes = postcard::to_allocvec(value)
        .map_err(|e| format!("{dataset}: postcard encode failed: {e}"))?
        .len();
    Ok(SampleReport {
        dataset,
        records,
        record_type: R::type_info(),
        pojo_bytes: bytes.len(),
        compact_bytes: compact_bytes.len(),
        bincode_bytes,
        postcard_bytes,
        round_trip_ok: &back == value && compact_ok,
        encode_ms,
        decode_ms,
    })
}

/// Both built-in datasets at their reference sizes.
pub fn run_all() -> Result<Vec<SampleReport>, String> {
    use crate::datasets::{SEED, log, mesh};
    let logs = log::generate(SEED, log::DEFAULT_LEN);
    let mesh = mesh::generate(SEED, mesh::DEFAULT_LEN);
    Ok(vec![
        inspect::<log::Log, _>("log", logs.logs.len(), &logs)?,
        inspect::<mesh::Triangle, _>("mesh", mesh.triangles.len(), &mesh)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{SEED, log, mesh};

    #[test]
    fn small_samples_round_trip_with_exact_sizes() {
        let logs = log::generate(SEED, 50);
        let report = inspect::<log::Log, _>("log", 50, &logs).unwrap();
        assert!(report.round_trip_ok);
        let mesh = mesh::generate(SEED, 10);
        let report = inspect::<mesh::Triangle, _>("mesh", 10, &mesh).unwrap();
        assert!(report.round_trip_ok);
        // A length prefix and 48 raw bytes per triangle.
        assert_eq!(report.pojo_bytes, 4 + 10 * 48);
    }

    /// The size goal of `compact`: never larger than postcard, the reference varint format.
    #[test]
    fn compact_is_no_larger_than_postcard_on_the_full_datasets() {
        let logs = log::generate(SEED, log::DEFAULT_LEN);
        let report = inspect::<log::Log, _>("log", logs.logs.len(), &logs).unwrap();
        assert!(report.compact_bytes <= report.postcard_bytes, "{report:?}");
        let mesh = mesh::generate(SEED, 1000);
        let report = inspect::<mesh::Triangle, _>("mesh", 1000, &mesh).unwrap();
        assert!(report.compact_bytes <= report.postcard_bytes, "{report:?}");
    }

    #[test]
    fn datasets_are_deterministic() {
        assert_eq!(log::generate(SEED, 20), log::generate(SEED, 20));
        assert_ne!(log::generate(SEED, 20), log::generate(SEED + 1, 20));
        assert_eq!(mesh::generate(SEED, 20), mesh::generate(SEED, 20));
    }
}
