//! Sized writes on every dataset's types: the size a format counts before writing equals
//! the bytes it writes, and `to_vec` writes what `encode_into` appends, over records from
//! any seed.

use proptest::prelude::*;
use typeinfo::Encode;
use typeinfo_benches::datasets::{app_events, flink_mini, game_sessions, log, mesh};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::avro::Avro;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::pojo::Pojo;

fn counts_what_it_writes<C: RecordCodec, T: Encode>(
    codec: &C,
    value: &T,
) -> Result<(), TestCaseError> {
    let mut appended = vec![7];
    codec.encode_into(value, &mut appended).unwrap();
    let counted = codec.encoded_size(value).unwrap();
    prop_assert_eq!(counted, appended.len() - 1, "{}", C::NAME);
    let plain = codec.to_vec(value).unwrap();
    prop_assert_eq!(&plain[..], &appended[1..], "{}", C::NAME);
    Ok(())
}

fn every_format<T: Encode>(value: &T) -> Result<(), TestCaseError> {
    counts_what_it_writes(&Pojo::default(), value)?;
    counts_what_it_writes(&Compact::default(), value)?;
    counts_what_it_writes(&Avro::default(), value)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn sizes_counted_before_writing_are_the_bytes_written(seed: u64, len in 0usize..40) {
        every_format(&log::generate(seed, len))?;
        every_format(&mesh::generate(seed, len))?;
        for session in app_events::generate(seed, len).sessions {
            every_format(&session)?;
        }
        for session in game_sessions::generate(seed, len).sessions {
            every_format(&session)?;
        }
        for event in flink_mini::generate(seed, len).events {
            every_format(&event)?;
        }
    }
}
