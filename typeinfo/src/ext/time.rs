//! `time`: instants as `timestamp-nanos`, wall-clock times as `local-timestamp-nanos`,
//! dates as `date`. An `OffsetDateTime` keeps its offset: it is the instant and the offset's
//! seconds east of UTC.

use crate::codec::epoch::{self, Instant, InstantOf};
use crate::codec::via::{logical, via};
use crate::error::{DecodeError, EncodeError, EncodeErrorKind, ValueError};
use crate::info::LogicalKind;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcDateTime, UtcOffset};

/// The Julian day of 1970-01-01.
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

const OUT_OF_RANGE: &str =
    "outside the range of dates `time` holds (±9999 years without its large-dates feature)";

/// The error for a count `time` cannot hold as `$type_name`.
macro_rules! invalid {
    ($type_name:literal) => {
        DecodeError::InvalidValue(&ValueError {
            type_name: $type_name,
            reason: OUT_OF_RANGE,
        })
    };
}

/// `nanos` since the epoch as an instant to write, refused with `beyond` where an `i64` of
/// nanoseconds is the wire. (`time`'s instants span ±9999 years, whose seconds fit.)
fn instant_of(nanos: i128, beyond: &'static ValueError) -> Result<InstantOf, EncodeError> {
    let instant = Instant::from_nanos(nanos)
        .ok_or_else(|| EncodeError::from(EncodeErrorKind::Unrepresentable(beyond)))?;
    Ok(InstantOf {
        instant,
        beyond_i64_nanos: beyond,
    })
}

via! {
    UtcDateTime as Instant,
    info = logical!("time::UtcDateTime", LogicalKind::TimestampNanos, i64),
    encode = |v| instant_of(
        v.unix_timestamp_nanos(),
        &const { epoch::beyond_i64_nanos("time::UtcDateTime") },
    ),
    decode = |i| UtcDateTime::from_unix_timestamp_nanos(i.total_nanos())
        .map_err(|_| invalid!("time::UtcDateTime")),
}

via! {
    OffsetDateTime as (UtcDateTime, i32),
    info = <(UtcDateTime, i32)>::TYPE_INFO,
    encode = |v| Ok::<_, EncodeError>((v.to_utc(), v.offset().whole_seconds())),
    decode = |parts| {
        let offset = UtcOffset::from_whole_seconds(parts.1).map_err(|_| DecodeError::InvalidValue(&ValueError {
            type_name: "time::OffsetDateTime",
            reason: "an offset of 26 hours or more",
        }))?;
        parts.0.checked_to_offset(offset).ok_or(invalid!("time::OffsetDateTime"))
    },
}

via! {
    PrimitiveDateTime as Instant,
    info = logical!("time::PrimitiveDateTime", LogicalKind::LocalTimestampNanos, i64),
    encode = |v| instant_of(
        v.as_utc().unix_timestamp_nanos(),
        &const { epoch::beyond_i64_nanos("time::PrimitiveDateTime") },
    ),
    decode = |i| UtcDateTime::from_unix_timestamp_nanos(i.total_nanos())
        .map(|t| PrimitiveDateTime::new(t.date(), t.time()))
        .map_err(|_| invalid!("time::PrimitiveDateTime")),
}

via! {
    Date as i32,
    info = logical!("time::Date", LogicalKind::Date, i32),
    // `time`'s dates span at most ±999,999 years, whose day counts fit an i32.
    encode = |v| Ok::<_, EncodeError>(v.to_julian_day() - EPOCH_JULIAN_DAY),
    decode = |days| days
        .checked_add(EPOCH_JULIAN_DAY)
        .and_then(|julian| Date::from_julian_day(julian).ok())
        .ok_or(invalid!("time::Date")),
}
