//! Snapshots from arbitrary bytes: what reads writes bytes that read back as the same
//! snapshot, and the compatibility check and the building of a migration from it against a
//! real type never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use typeinfo::snapshot::{Compatibility, Migration, Snapshot};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::pojo::Pojo;
use typeinfo_tests::migration::v2;

fuzz_target!(|data: &[u8]| {
    let Ok(snapshot) = Snapshot::from_bytes(data) else {
        return;
    };
    let again = Snapshot::from_bytes(&snapshot.to_bytes()).expect("our own bytes read");
    assert_eq!(again, snapshot);
    let _ = snapshot.to_string();
    let today = Pojo::default().snapshot::<v2::Order>();
    let _ = Compatibility::check(&snapshot, &today).to_string();
    let _ = Compatibility::check_key(&today, &snapshot);
    let _ = Migration::<v2::Order>::new(&snapshot, &today);
});
