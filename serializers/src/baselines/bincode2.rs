//! bincode 2.0.1, standard config: its own derive, and its serde path.

use super::support::{RecordLimit, decode_error};
use crate::record::{RecordSerializer, expect_end};
use typeinfo::{DecodeError, EncodeError, Limits};

/// The largest length bincode may believe while decoding. bincode 2 pre-allocates what a
/// length prefix claims unless a limit is configured, and its limit is a const generic, so
/// it is fixed here at our default `max_record_bytes` (64 MiB) rather than taken from the
/// run-time config; larger records are refused by our own record size check anyway.
const CLAIM_LIMIT: usize = 64 << 20;

/// bincode's standard config with the claim limit; benches use it too.
pub fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<CLAIM_LIMIT>()
}

/// bincode's writer trait for our output vector, so bincode appends directly (its
/// `std::io::Write` path would add a layer).
struct Append<'a>(&'a mut Vec<u8>);

impl bincode::enc::write::Writer for Append<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), bincode::error::EncodeError> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
}

/// bincode 2 with its own `Encode`/`Decode` derive.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bincode(RecordLimit);

impl Bincode {
    pub fn new(limits: Limits) -> Self {
        Bincode(RecordLimit(limits))
    }
}

impl<T: bincode::Encode + bincode::Decode<()>> RecordSerializer<T> for Bincode {
    fn name(&self) -> &'static str {
        "bincode"
    }

    #[inline]
    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.0.encode("bincode", out, |out| {
            bincode::encode_into_writer(value, Append(out), config()).map_err(|e| e.to_string())
        })
    }

    #[inline]
    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.0.check(bytes)?;
        let (value, read) =
            bincode::decode_from_slice(bytes, config()).map_err(|e| decode_error("bincode", e))?;
        expect_end(value, bytes.len() - read)
    }
}

/// bincode 2 through serde.
#[derive(Debug, Clone, Copy, Default)]
pub struct BincodeSerde(RecordLimit);

impl BincodeSerde {
    pub fn new(limits: Limits) -> Self {
        BincodeSerde(RecordLimit(limits))
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> RecordSerializer<T> for BincodeSerde {
    fn name(&self) -> &'static str {
        "bincode-serde"
    }

    #[inline]
    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.0.encode("bincode-serde", out, |out| {
            bincode::serde::encode_into_writer(value, Append(out), config())
                .map_err(|e| e.to_string())
        })
    }

    #[inline]
    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.0.check(bytes)?;
        let (value, read) = bincode::serde::decode_from_slice(bytes, config())
            .map_err(|e| decode_error("bincode-serde", e))?;
        expect_end(value, bytes.len() - read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(bincode::Encode, bincode::Decode, Debug, PartialEq)]
    struct Line {
        code: u16,
        path: String,
        bytes: Vec<u8>,
    }

    #[test]
    fn native_derive_round_trips() {
        let line = Line {
            code: 404,
            path: "/a".into(),
            bytes: vec![1, 2],
        };
        let mut out = Vec::new();
        RecordSerializer::write_record(&Bincode::default(), &line, &mut out).unwrap();
        assert_eq!(
            RecordSerializer::<Line>::read_record(&Bincode::default(), &out).unwrap(),
            line
        );
        out.push(0);
        assert_eq!(
            RecordSerializer::<Line>::read_record(&Bincode::default(), &out),
            Err(DecodeError::TrailingBytes { remaining: 1 })
        );
    }
}
