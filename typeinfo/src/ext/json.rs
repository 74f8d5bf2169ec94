//! `serde_json::Value` as a typed field: a JSON document, written as its text.

use crate::codec::via::via;
use crate::error::{DecodeError, EncodeError, ValueError};
use crate::info::TypeInfo;
use serde_json::Value;

via! {
    Value as String,
    info = &TypeInfo::String,
    encode = |v| serde_json::to_string(v).map_err(|e| EncodeError::custom(e.to_string())),
    // serde_json stops at 128 levels of nesting, so hostile text cannot exhaust the stack.
    decode = |text| serde_json::from_str(&text).map_err(|_| DecodeError::InvalidValue(&ValueError {
        type_name: "serde_json::Value",
        reason: "the text is not a JSON document",
    })),
}
