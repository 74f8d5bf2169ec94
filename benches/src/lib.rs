//! Seeded datasets, the criterion benches and the comparison CLI of typeinfo.

pub mod datasets;
pub mod samples;
