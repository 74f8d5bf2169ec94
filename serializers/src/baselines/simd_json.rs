//! simd-json, the SIMD JSON parser, through serde.

use super::support::{RecordLimit, decode_error};
use crate::record::RecordSerializer;
use typeinfo::{DecodeError, EncodeError, Limits};

/// simd-json, which parses in place: decoding works on a mutable copy of the input.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimdJson(RecordLimit);

impl SimdJson {
    pub fn new(limits: Limits) -> Self {
        SimdJson(RecordLimit(limits))
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> RecordSerializer<T> for SimdJson {
    fn name(&self) -> &'static str {
        "simd-json"
    }

    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.0.encode("simd-json", out, |out| {
            simd_json::serde::to_writer(out, value).map_err(|e| e.to_string())
        })
    }

    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.0.check(bytes)?;
        let mut copy = bytes.to_vec();
        simd_json::serde::from_slice(&mut copy).map_err(|e| decode_error("simd-json", e))
    }
}
