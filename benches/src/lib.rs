//! Seeded datasets, the built-in engine jobs ([`jobs`]), the criterion benches and the
//! `typeinfo` command line ([`cli`]: `report`, `run`, `explain`) of typeinfo.

/// Gives each record type of the datasets the derives every compared format needs: our
/// `TypeInfo`, bincode 2's and bitcode's own codecs, serde's traits, and what the round-trip
/// checks use. Extra derives (`Copy`) and attributes go on the item inside.
macro_rules! record {
    ($item:item) => {
        #[derive(
            ::typeinfo::TypeInfo,
            ::bincode::Encode,
            ::bincode::Decode,
            ::bitcode::Encode,
            ::bitcode::Decode,
            ::wincode::SchemaWrite,
            ::wincode::SchemaRead,
            ::rkyv::Archive,
            ::rkyv::Serialize,
            ::rkyv::Deserialize,
            ::serde::Serialize,
            ::serde::Deserialize,
            Debug,
            Clone,
            PartialEq,
        )]
        $item
    };
}

pub mod avro_comparison;
pub mod cli;
pub mod contenders;
pub mod datasets;
pub mod explain;
pub mod interleaved;
pub mod jobs;
pub mod peers;
pub mod report;
pub mod runner;
pub mod samples;
pub mod state_cli;
pub mod timely_etl;
