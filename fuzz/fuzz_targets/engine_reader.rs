//! Feeds arbitrary buffers to the engine's record reader, over one to three channels (see
//! `typeinfo_fuzz::deliveries` for the layout): lengths, tags, watermarks, latency
//! markers and records spanning buffers are all hostile. Whatever reads is written back
//! through the record writer, which must read back to the same elements.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use typeinfo_fuzz::deliveries::Deliveries;
use typeinfo_fuzz::engine::{read_all, write_all};
use typeinfo_serializers::pojo::Pojo;
use typeinfo_tests::types::Tree;

fuzz_target!(|data: &[u8]| {
    let pojo = Arc::new(Pojo::default());
    let Ok(read) = read_all::<Tree>(Deliveries::parse(data).into_gate(), pojo.clone()) else {
        return;
    };
    let written = write_all(&read, pojo.clone()).expect("elements that were read write");
    let again = read_all::<Tree>(written.into_gate(), pojo).expect("our own buffers read");
    assert_eq!(again, read);
});
