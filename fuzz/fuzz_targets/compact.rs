//! Decodes arbitrary bytes as compact records. compact accepts only canonical bytes, so
//! whatever decodes must re-encode to exactly the input, hash maps and sets included.

#![no_main]

use libfuzzer_sys::fuzz_target;
use typeinfo_fuzz::checks::round_trips_bytes;
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_tests::types::{Attributes, Collections, Everything, Scalars, Tree};

fuzz_target!(|data: &[u8]| {
    let compact = Compact::default();
    round_trips_bytes::<_, Collections>(&compact, data);
    round_trips_bytes::<_, Tree>(&compact, data);
    round_trips_bytes::<_, Attributes>(&compact, data);
    round_trips_bytes::<_, Scalars>(&compact, data);
    let _ = compact.decode::<Everything>(data);
});
