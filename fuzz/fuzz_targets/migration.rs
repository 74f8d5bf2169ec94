//! Migrating reads on arbitrary bytes.
//!
//! - Bytes that decode as a v1 order (pojo, compact, kryo) decode through the migration to
//!   v2 as the order `upgrade` makes of it; bytes that do not never panic the migration.
//! - A state file read from the bytes never panics its scan or its reader.

#![no_main]

use libfuzzer_sys::fuzz_target;
use typeinfo::snapshot::Migration;
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
use typeinfo_serializers::pojo::Pojo;
use typeinfo_serializers::state::{StateReader, scan};
use typeinfo_tests::migration::{upgrade, v1, v2};

fn migrates<C: RecordCodec>(codec: &C, data: &[u8]) {
    let migration = Migration::<v2::Order>::new(
        &codec.snapshot::<v1::Order>(),
        &codec.snapshot::<v2::Order>(),
    )
    .expect("v1 migrates to v2");
    let migrated = codec.decode_by::<v2::Order, _>(data, &migration);
    if let Ok(old) = codec.decode::<v1::Order>(data) {
        let new = migrated.expect("what v1 reads, the migration to v2 reads");
        let expected = upgrade(&old);
        // The price compares by bits, so a NaN compares equal to itself; the rest compares
        // as values, because `totals` is a `HashMap` whose bytes follow its iteration order.
        assert_eq!(
            new.price.to_bits(),
            expected.price.to_bits(),
            "the prices disagree"
        );
        assert!(
            same_but_price(&new, &expected),
            "the migration and upgrade disagree"
        );
    }
}

fn same_but_price(a: &v2::Order, b: &v2::Order) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    (a.price, b.price) = (0.0, 0.0);
    a == b
}

fuzz_target!(|data: &[u8]| {
    migrates(&Pojo::default(), data);
    migrates(&Compact::default(), data);
    migrates(
        &Generated::new(Kryo::new(Registry::new())).expect("references are off"),
        data,
    );
    if scan(data).is_ok() {
        if let Ok(reader) = StateReader::<_, _, v2::Order>::open(data, Pojo::default()) {
            reader.for_each(drop);
        }
    }
});
