//! `chrono`: instants as `timestamp-nanos`, wall-clock times as `local-timestamp-nanos`,
//! dates as `date`.

use crate::codec::epoch::{self, Instant, InstantOf};
use crate::codec::via::{logical, via};
use crate::error::{DecodeError, EncodeError, ValueError};
use crate::info::LogicalKind;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};

/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// `v` as an instant to write, refused with `beyond` where an `i64` of nanoseconds is the
/// wire.
fn instant_of(v: &DateTime<Utc>, beyond: &'static ValueError) -> InstantOf {
    InstantOf {
        instant: Instant {
            secs: v.timestamp(),
            nanos: v.timestamp_subsec_nanos(),
        },
        beyond_i64_nanos: beyond,
    }
}

/// The `DateTime` of an instant read back, or `beyond` past chrono's range.
fn date_time(i: Instant, beyond: &'static ValueError) -> Result<DateTime<Utc>, DecodeError> {
    DateTime::from_timestamp(i.secs, i.nanos).ok_or(DecodeError::InvalidValue(beyond))
}

const UTC: &str = "chrono::DateTime<Utc>";
const NAIVE: &str = "chrono::NaiveDateTime";
const BEYOND_CHRONO: &str = "outside chrono's range (about ±262,000 years)";

via! {
    DateTime<Utc> as Instant,
    info = logical!(UTC, LogicalKind::TimestampNanos, i64),
    encode = |v| Ok::<_, EncodeError>(instant_of(v, &const { epoch::beyond_i64_nanos(UTC) })),
    decode = |i| date_time(i, &ValueError { type_name: UTC, reason: BEYOND_CHRONO }),
}

via! {
    NaiveDateTime as Instant,
    info = logical!(NAIVE, LogicalKind::LocalTimestampNanos, i64),
    encode = |v| Ok::<_, EncodeError>(instant_of(&v.and_utc(), &const { epoch::beyond_i64_nanos(NAIVE) })),
    decode = |i| date_time(i, &ValueError { type_name: NAIVE, reason: BEYOND_CHRONO })
        .map(|t| t.naive_utc()),
}

via! {
    NaiveDate as i32,
    info = logical!("chrono::NaiveDate", LogicalKind::Date, i32),
    // chrono's dates span ±262,143 years, whose day counts fit an i32.
    encode = |v| Ok::<_, EncodeError>(v.num_days_from_ce() - EPOCH_DAYS_FROM_CE),
    decode = |days| days
        .checked_add(EPOCH_DAYS_FROM_CE)
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or(DecodeError::InvalidValue(&ValueError {
            type_name: "chrono::NaiveDate",
            reason: "a day count beyond chrono's ±262,143 years",
        })),
}
