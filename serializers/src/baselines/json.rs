//! JSON through serde_json two ways: straight to the record type, and through
//! `serde_json::Value` trees (Flink's `JsonNode` records).

use super::support::{RecordLimit, decode_error};
use crate::record::RecordSerializer;
use typeinfo::{DecodeError, EncodeError, Limits};

/// serde_json straight to and from the record type.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json(RecordLimit);

impl Json {
    pub fn new(limits: Limits) -> Self {
        Json(RecordLimit(limits))
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> RecordSerializer<T> for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.0.encode("json", out, |out| {
            serde_json::to_writer(out, value).map_err(|e| e.to_string())
        })
    }

    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.0.check(bytes)?;
        serde_json::from_slice(bytes).map_err(|e| decode_error("json", e))
    }
}

/// Records as `serde_json::Value` trees: each record is turned into a tree, the tree is
/// serialized, and reading parses a tree and converts it back. This is what a job that
/// passes Jackson `JsonNode`s between operators pays.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonValue(RecordLimit);

impl JsonValue {
    pub fn new(limits: Limits) -> Self {
        JsonValue(RecordLimit(limits))
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> RecordSerializer<T> for JsonValue {
    fn name(&self) -> &'static str {
        "json-value"
    }

    fn write_record(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.0.encode("json-value", out, |out| {
            let tree = serde_json::to_value(value).map_err(|e| e.to_string())?;
            serde_json::to_writer(out, &tree).map_err(|e| e.to_string())
        })
    }

    fn read_record(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        self.0.check(bytes)?;
        let tree: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| decode_error("json-value", e))?;
        serde_json::from_value(tree).map_err(|e| decode_error("json-value", e))
    }
}

/// `serde_json::Value` records themselves, written and parsed as JSON text (serde_json's
/// encoding of a tree): the edges of a job whose operators work on trees, as Flink jobs that
/// pass `JsonNode`s between operators do. Typed records converted to trees are [`JsonValue`].
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonTree(Json);

impl JsonTree {
    pub fn new(limits: Limits) -> Self {
        JsonTree(Json::new(limits))
    }
}

impl RecordSerializer<serde_json::Value> for JsonTree {
    fn name(&self) -> &'static str {
        "json-value"
    }

    fn write_record(
        &self,
        value: &serde_json::Value,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        self.0.write_record(value, out)
    }

    fn read_record(&self, bytes: &[u8]) -> Result<serde_json::Value, DecodeError> {
        self.0.read_record(bytes)
    }
}
