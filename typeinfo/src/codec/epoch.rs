//! Instants and dates as counts from the Unix epoch: the arithmetic every date and time type
//! shares, with overflow as an error instead of a wrap.

use crate::error::{EncodeError, EncodeErrorKind, ValueError};

/// Why an instant has no `i64` of nanoseconds.
pub const BEYOND_I64_NANOS: &str =
    "outside the range of an i64 of nanoseconds since 1970 (1677-09-21 to 2262-04-11)";

/// Nanoseconds since the epoch, counted wide, as the `i64` the representations hold, or
/// `error`.
pub fn narrow(total: i128, error: &'static ValueError) -> Result<i64, EncodeError> {
    i64::try_from(total).map_err(|_| EncodeErrorKind::Unrepresentable(error).into())
}

/// [`narrow`] with the error naming `$type_name`.
macro_rules! nanos {
    ($total:expr, $type_name:literal) => {
        $crate::codec::epoch::narrow(
            $total,
            &$crate::error::ValueError {
                type_name: $type_name,
                reason: $crate::codec::epoch::BEYOND_I64_NANOS,
            },
        )
    };
}

pub(crate) use nanos;

#[cfg(test)]
mod tests {
    #[test]
    fn an_instant_beyond_2262_is_an_error_not_a_wrap() {
        assert_eq!(nanos!(i64::MAX.into(), "t"), Ok(i64::MAX));
        assert_eq!(nanos!(i64::MIN.into(), "t"), Ok(i64::MIN));
        assert!(nanos!(i128::from(i64::MAX) + 1, "t").is_err());
        assert!(nanos!(i128::from(i64::MIN) - 1, "t").is_err());
    }
}
