//! `chrono`: instants as `timestamp-nanos`, wall-clock times as `local-timestamp-nanos`,
//! dates as `date`.

use crate::codec::epoch;
use crate::codec::via::{logical, via};
use crate::error::{DecodeError, EncodeError, ValueError};
use crate::info::LogicalKind;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};

/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// chrono answers `None` exactly when the `i64` of nanoseconds would overflow.
fn wide(nanos: Option<i64>) -> i128 {
    nanos.map_or(i128::MAX, i128::from)
}

via! {
    DateTime<Utc> as i64,
    info = logical!("chrono::DateTime<Utc>", LogicalKind::TimestampNanos, i64),
    encode = |v| epoch::nanos!(wide(v.timestamp_nanos_opt()), "chrono::DateTime<Utc>"),
    decode = |n| Ok(DateTime::from_timestamp_nanos(n)),
}

via! {
    NaiveDateTime as i64,
    info = logical!("chrono::NaiveDateTime", LogicalKind::LocalTimestampNanos, i64),
    encode = |v| epoch::nanos!(wide(v.and_utc().timestamp_nanos_opt()), "chrono::NaiveDateTime"),
    decode = |n| Ok(DateTime::from_timestamp_nanos(n).naive_utc()),
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
