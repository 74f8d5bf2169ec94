//! Instants and dates as counts from the Unix epoch: the arithmetic every date and time type
//! shares, with overflow as an error instead of a wrap. An instant travels as an
//! [`Instant`] (seconds and nanoseconds, each type's whole range); a format decides how it
//! looks on the wire ([`Encoder::encode_instant`]): typeinfo's own formats write it whole,
//! Avro as its `timestamp-nanos` long, refusing by name what that cannot hold.

use crate::codec::{Decode, Decoder, Encode, Encoder, RawLayout};
use crate::error::{DecodeError, EncodeError, EncodeErrorKind, ValueError};
use crate::info::{HasTypeInfo, LogicalKind, TypeInfo};

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// An instant as whole seconds since 1970 (floored) and the nanoseconds after them, as
/// read back by [`Decoder::decode_instant`]: wide enough for every date type's whole range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant {
    pub secs: i64,
    /// Below one billion.
    pub nanos: u32,
}

impl Instant {
    /// The instant `total` nanoseconds from the epoch, or `None` past an `i64` of seconds.
    pub fn from_nanos(total: i128) -> Option<Instant> {
        let secs = i64::try_from(total.div_euclid(NANOS_PER_SECOND)).ok()?;
        let nanos = total.rem_euclid(NANOS_PER_SECOND) as u32;
        Some(Instant { secs, nanos })
    }

    /// Nanoseconds since the epoch, counted wide.
    pub fn total_nanos(self) -> i128 {
        i128::from(self.secs) * NANOS_PER_SECOND + i128::from(self.nanos)
    }
}

/// An [`Instant`] to write, with the refusal that names its type for a format that holds
/// instants in an `i64` of nanoseconds (Avro's `timestamp-nanos`).
#[derive(Debug, Clone, Copy)]
pub struct InstantOf {
    pub instant: Instant,
    pub beyond_i64_nanos: &'static ValueError,
}

/// Described as the date-time types that travel as it are: Avro's `timestamp-nanos`.
impl HasTypeInfo for Instant {
    const TYPE_INFO: &'static TypeInfo =
        crate::codec::via::logical!("Instant", LogicalKind::TimestampNanos, i64);
}

impl HasTypeInfo for InstantOf {
    const TYPE_INFO: &'static TypeInfo = Instant::TYPE_INFO;
}

impl Encode for InstantOf {
    const RAW: RawLayout = RawLayout::NONE;

    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_instant(self.instant, self.beyond_i64_nanos)
    }
}

/// Written as itself, refused under its own name where an `i64` of nanoseconds is the wire
/// (the date-time types write an [`InstantOf`], which names them instead).
impl Encode for Instant {
    const RAW: RawLayout = RawLayout::NONE;

    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_instant(
            *self,
            &const { beyond_i64_nanos("typeinfo::codec::epoch::Instant") },
        )
    }
}

impl Decode for Instant {
    const RAW: RawLayout = RawLayout::NONE;

    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        d.decode_instant()
    }
}

/// [`Encoder::encode_instant`] for a format that holds instants as an `i64` of nanoseconds.
#[inline]
pub fn encode_as_nanos<E: Encoder>(
    e: &mut E,
    instant: Instant,
    beyond: &'static ValueError,
) -> Result<(), EncodeError> {
    let nanos = narrow(instant.total_nanos(), beyond)?;
    e.encode_i64(nanos)
}

/// [`Decoder::decode_instant`] for a format that holds instants as an `i64` of nanoseconds.
#[inline]
pub fn decode_from_nanos<D: Decoder>(d: &mut D) -> Result<Instant, DecodeError> {
    let nanos = d.decode_i64()?;
    Ok(Instant {
        secs: nanos.div_euclid(1_000_000_000),
        nanos: nanos.rem_euclid(1_000_000_000) as u32,
    })
}

/// [`Encoder::encode_instant`] for a format that holds instants whole: seconds, then
/// nanoseconds.
#[inline]
pub fn encode_whole<E: Encoder>(e: &mut E, instant: Instant) -> Result<(), EncodeError> {
    e.encode_i64(instant.secs)?;
    e.encode_u32(instant.nanos)
}

/// [`Decoder::decode_instant`] for a format that holds instants whole; nanoseconds of a
/// billion or more are refused, so every instant has one encoding.
#[inline]
pub fn decode_whole<D: Decoder>(d: &mut D) -> Result<Instant, DecodeError> {
    let secs = d.decode_i64()?;
    let nanos = d.decode_u32()?;
    if i128::from(nanos) >= NANOS_PER_SECOND {
        return Err(DecodeError::InvalidValue(&ValueError {
            type_name: "instant",
            reason: "a billion nanoseconds or more besides the seconds",
        }));
    }
    Ok(Instant { secs, nanos })
}

/// The refusal of a `type_name` instant an `i64` of nanoseconds cannot hold.
pub const fn beyond_i64_nanos(type_name: &'static str) -> ValueError {
    ValueError {
        type_name,
        reason: BEYOND_I64_NANOS,
    }
}

/// Why an instant has no `i64` of nanoseconds.
pub const BEYOND_I64_NANOS: &str =
    "outside the range of an i64 of nanoseconds since 1970 (1677-09-21 to 2262-04-11)";

/// Nanoseconds since the epoch, counted wide, as the `i64` the representations hold, or
/// `error`.
pub fn narrow(total: i128, error: &'static ValueError) -> Result<i64, EncodeError> {
    i64::try_from(total).map_err(|_| EncodeErrorKind::Unrepresentable(error).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: ValueError = ValueError {
        type_name: "t",
        reason: BEYOND_I64_NANOS,
    };

    #[test]
    fn an_instant_beyond_2262_is_an_error_not_a_wrap() {
        assert_eq!(narrow(i64::MAX.into(), &T), Ok(i64::MAX));
        assert_eq!(narrow(i64::MIN.into(), &T), Ok(i64::MIN));
        assert!(narrow(i128::from(i64::MAX) + 1, &T).is_err());
        assert!(narrow(i128::from(i64::MIN) - 1, &T).is_err());
    }

    #[test]
    fn instants_floor_their_seconds() {
        let before = Instant::from_nanos(-1).unwrap();
        assert_eq!((before.secs, before.nanos), (-1, 999_999_999));
        assert_eq!(before.total_nanos(), -1);
        let wide = i128::from(i64::MAX) * 1_000_000_000;
        assert_eq!(Instant::from_nanos(wide).unwrap().secs, i64::MAX);
        assert_eq!(Instant::from_nanos(wide + 1_000_000_000), None);
    }
}
