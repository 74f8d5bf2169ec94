//! Seeded datasets, the criterion benches and the comparison CLI of typeinfo.

pub mod avro_comparison;
pub mod contenders;
pub mod datasets;
pub mod explain;
pub mod interleaved;
pub mod report;
pub mod runner;
pub mod samples;
