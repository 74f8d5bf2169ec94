//! Instants and dates as counts from the Unix epoch: the arithmetic every date and time type
//! shares, with overflow as an error instead of a wrap.

use crate::error::{DecodeError, EncodeError};

/// Nanoseconds since the epoch, counted wide, as the `i64` the representations hold: that
/// covers 1677-09-21 to 2262-04-11.
pub fn nanos(total: i128, type_name: &'static str) -> Result<i64, EncodeError> {
    i64::try_from(total).map_err(|_| EncodeError::Unrepresentable {
        type_name,
        reason: "outside the range of an i64 of nanoseconds since 1970 (1677-09-21 to 2262-04-11)",
    })
}

/// A decoded count the target type cannot hold.
pub fn beyond_range(type_name: &'static str) -> DecodeError {
    DecodeError::InvalidValue {
        type_name,
        reason: "outside the range of dates the type can hold",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instant_beyond_2262_is_an_error_not_a_wrap() {
        assert_eq!(nanos(i64::MAX.into(), "t"), Ok(i64::MAX));
        assert!(nanos(i128::from(i64::MAX) + 1, "t").is_err());
        assert!(nanos(i128::from(i64::MIN) - 1, "t").is_err());
    }
}
