//! What every baseline adds to its library: the record size limit and errors that name
//! the format.

use crate::record::{append_record, check_record_size};
use std::fmt::Display;
use typeinfo::{DecodeError, EncodeError, Limits};

pub(super) fn encode_error(format: &str, e: impl Display) -> EncodeError {
    EncodeError::custom(format!("{format}: {e}"))
}

pub(super) fn decode_error(format: &str, e: impl Display) -> DecodeError {
    DecodeError::Custom(format!("{format}: {e}").into())
}

/// The limits a baseline enforces itself: the record size, both ways.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct RecordLimit(pub(super) Limits);

impl RecordLimit {
    pub(super) fn encode(
        &self,
        format: &str,
        out: &mut Vec<u8>,
        encode: impl FnOnce(&mut Vec<u8>) -> Result<(), String>,
    ) -> Result<(), EncodeError> {
        append_record(out, &self.0, |out| {
            encode(out).map_err(|e| encode_error(format, e))
        })
    }

    pub(super) fn check(&self, bytes: &[u8]) -> Result<(), DecodeError> {
        check_record_size(bytes, &self.0)
    }
}
