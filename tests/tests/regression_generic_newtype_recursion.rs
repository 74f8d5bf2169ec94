//! Regression: a recursive serde newtype inside a `#[typeinfo(generic)]` field nested one
//! level per input byte without counting against `max_depth`, so 1 MB of `01` bytes could
//! exhaust the stack. Newtype structs now count as a level, like every other compound.

use serde::{Deserialize, Serialize};
use typeinfo::prelude::*;
use typeinfo::{DecodeError, Limits};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::pojo::Pojo;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Chain(Option<Box<Chain>>);

#[derive(TypeInfo, Debug, PartialEq)]
struct Holder {
    #[typeinfo(generic)]
    chain: Chain,
}

#[test]
fn deep_generic_newtype_chains_stop_at_the_depth_limit() {
    // Each link is one presence byte (pojo) or one flag bit (compact): `Some` all the way.
    let pojo_bytes = vec![1u8; 1 << 20];
    let compact_bytes = vec![0xffu8; 1 << 17];
    let limit = Limits::DEFAULT.max_depth;
    assert_eq!(
        Pojo::default()
            .decode::<Holder>(&pojo_bytes)
            .map_err(DecodeError::into_cause),
        Err(DecodeError::DepthLimit { limit })
    );
    assert_eq!(
        Compact::default()
            .decode::<Holder>(&compact_bytes)
            .map_err(DecodeError::into_cause),
        Err(DecodeError::DepthLimit { limit })
    );
}

#[test]
fn shallow_chains_still_round_trip() {
    let mut chain = Chain(None);
    for _ in 0..100 {
        chain = Chain(Some(Box::new(chain)));
    }
    let value = Holder { chain };
    let bytes = Pojo::default().to_vec(&value).unwrap();
    assert_eq!(Pojo::default().decode::<Holder>(&bytes).unwrap(), value);
}
