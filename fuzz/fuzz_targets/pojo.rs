//! Decodes arbitrary bytes as pojo records; whatever decodes must re-encode and decode to
//! the same value, and, for types without hash maps, to the very same bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use typeinfo_fuzz::checks::{round_trips_bytes, round_trips_equal};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::pojo::Pojo;
use typeinfo_tests::types::{Attributes, Collections, Everything, Tree};

fuzz_target!(|data: &[u8]| {
    let pojo = Pojo::default();
    round_trips_equal::<_, Collections>(&pojo, data);
    round_trips_bytes::<_, Tree>(&pojo, data);
    round_trips_bytes::<_, Attributes>(&pojo, data);
    let _ = pojo.decode::<Everything>(data);
});
