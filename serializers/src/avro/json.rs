//! Any datum as JSON, in Avro's JSON encoding, from its schema alone: unions as
//! `{"branch": value}` (null bare), bytes and fixed as strings of code points 0–255, enums
//! as their symbol. It is what Java's `JsonEncoder`, fastavro's `json_writer` and avro-c
//! print, so a datum can be compared across implementations, and what a person can read.
//!
//! Field defaults in schemas use the same encoding except for unions, which are written
//! bare and must take their first branch; `default_to_json` and `default_to_datum`
//! convert those.

use super::schema::{NamedKind, Node, Schema};
use super::{AvroDecoder, AvroEncoder};
use serde_json::{Map, Value};
use typeinfo::{DecodeError, Decoder, Encoder, Limits};

/// The JSON encoding of the one datum that fills `bytes`, read with `schema`.
pub fn datum_to_json(schema: &Schema, bytes: &[u8], limits: Limits) -> Result<Value, DecodeError> {
    walk(schema, schema.root(), bytes, limits, Unions::Tagged)
}

/// A field default's JSON, from the datum `bytes` of `node` (a position in `schema`).
pub(crate) fn default_to_json(schema: &Schema, node: &Node, bytes: &[u8]) -> Result<Value, String> {
    walk(
        schema,
        node,
        bytes,
        Limits::default(),
        Unions::FirstBranchBare,
    )
    .map_err(|e| e.to_string())
}

fn walk(
    schema: &Schema,
    node: &Node,
    bytes: &[u8],
    limits: Limits,
    unions: Unions,
) -> Result<Value, DecodeError> {
    let mut walker = Walker {
        schema,
        decoder: AvroDecoder::new(bytes, limits),
        unions,
    };
    let value = walker.node(node)?;
    match walker.decoder.remaining() {
        0 => Ok(value),
        remaining => Err(DecodeError::TrailingBytes { remaining }),
    }
}

/// How unions print: as datums (`{"branch": value}`) or as defaults (bare, first branch).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unions {
    Tagged,
    FirstBranchBare,
}

/// Reads with the datum decoder, so lengths, blocks and limits are checked as there.
struct Walker<'s, 'b> {
    schema: &'s Schema,
    decoder: AvroDecoder<'static, &'b [u8]>,
    unions: Unions,
}

/// Bytes and fixed as JSON: one code point per byte.
fn latin1(bytes: &[u8]) -> Value {
    Value::String(bytes.iter().map(|&b| char::from(b)).collect())
}

/// A union branch or enum symbol index into `items`.
fn pick<'a, T>(items: &'a [T], index: i64, type_name: &'static str) -> Result<&'a T, DecodeError> {
    usize::try_from(index)
        .ok()
        .and_then(|i| items.get(i))
        .ok_or(DecodeError::InvalidTag {
            type_name,
            tag: u32::try_from(index).unwrap_or(u32::MAX),
        })
}

impl Walker<'_, '_> {
    /// The items of an array or map, block by block, within `max_collection_len` in total.
    fn blocks(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        let limit = self.decoder.limits().max_collection_len;
        let (mut total, mut count) = (0usize, self.decoder.decode_seq_len()?);
        while count > 0 {
            total = total.saturating_add(count);
            if total > limit {
                return Err(DecodeError::LengthLimit {
                    claimed: total as u64,
                    limit: limit as u64,
                });
            }
            for _ in 0..count {
                item(self)?;
            }
            count = self.decoder.decode_seq_more()?;
        }
        Ok(())
    }

    fn node(&mut self, node: &Node) -> Result<Value, DecodeError> {
        let d = &mut self.decoder;
        Ok(match node {
            Node::Null => Value::Null,
            Node::Boolean => Value::Bool(d.decode_bool()?),
            Node::Int => Value::from(d.decode_i32()?),
            Node::Long => Value::from(d.decode_i64()?),
            Node::Float => json_float(d.decode_f32()?.into()),
            Node::Double => json_float(d.decode_f64()?),
            Node::Bytes | Node::Generic(_) => latin1(&d.decode_byte_buf()?),
            Node::String => Value::String(d.decode_string()?),
            Node::Array(items) => {
                let mut out = Vec::new();
                self.blocks(|w| {
                    out.push(w.node(items)?);
                    Ok(())
                })?;
                Value::Array(out)
            }
            Node::Map(values) => {
                let mut out = Map::new();
                self.blocks(|w| {
                    let key = w.decoder.decode_string()?;
                    let value = w.node(values)?;
                    out.insert(key, value);
                    Ok(())
                })?;
                Value::Object(out)
            }
            Node::Union(branches) => match pick(branches, d.decode_i64()?, "union")? {
                branch if self.unions == Unions::FirstBranchBare => {
                    if !core::ptr::eq(branch, &branches[0]) {
                        return Err(DecodeError::Custom(
                            format!(
                                "a union's default must be of its first branch ({}), as Avro takes it",
                                self.branch_name(&branches[0])
                            )
                            .into(),
                        ));
                    }
                    self.node(branch)?
                }
                Node::Null => Value::Null,
                branch => {
                    let name = self.branch_name(branch);
                    let value = self.node(branch)?;
                    Value::Object([(name, value)].into_iter().collect())
                }
            },
            Node::Named(index) => {
                d.enter()?;
                let value = self.named(*index);
                self.decoder.leave();
                value?
            }
            // Shown as the primitive that holds it, as avro-tools and avrocat show it.
            Node::Logical(logical) => return self.node(&logical.base),
        })
    }

    fn named(&mut self, index: usize) -> Result<Value, DecodeError> {
        let schema = self.schema;
        Ok(match &schema.get(index).kind {
            NamedKind::Record(fields) => {
                let mut out = Map::new();
                for field in fields {
                    let value = self.node(&field.schema)?;
                    out.insert(field.name.clone(), value);
                }
                Value::Object(out)
            }
            NamedKind::Enum { symbols, .. } => {
                Value::String(pick(symbols, self.decoder.decode_i64()?, "enum")?.clone())
            }
            NamedKind::Fixed { size } => latin1(&self.decoder.decode_fixed(*size)?),
        })
    }

    /// The name a union branch goes by in JSON: the type's name, or a named type's full name.
    fn branch_name(&self, node: &Node) -> String {
        match (node.primitive_name(), node) {
            (Some(name), _) => name.into(),
            (None, Node::Named(i)) => self.schema.get(*i).name.full(),
            (None, _) => unreachable!("only named types lack a primitive name"),
        }
    }
}

/// A float as a JSON number; NaN and the infinities, which JSON lacks, as strings.
fn json_float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number)
}

/// Encodes the field default `value` (JSON, unions bare of their first branch) as a datum
/// of `node`, a position in `schema`. The error says what does not fit.
pub(crate) fn default_to_datum(
    schema: &Schema,
    node: &Node,
    value: &Value,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    DefaultWriter { schema, depth: 0 }.node(node, value, &mut AvroEncoder::new(out))
}

struct DefaultWriter<'s> {
    schema: &'s Schema,
    /// Recursive schemas with recursive defaults stop here.
    depth: u32,
}

impl DefaultWriter<'_> {
    fn node(&mut self, node: &Node, value: &Value, e: &mut AvroEncoder) -> Result<(), String> {
        let mismatch = |what: &str| format!("default {value} is not {what}");
        let integer = |min: i64, max: i64| {
            value
                .as_i64()
                .filter(|v| (min..=max).contains(v))
                .ok_or_else(|| mismatch("an integer in range"))
        };
        let encoded = match node {
            Node::Null if value.is_null() => Ok(()),
            Node::Null => return Err(mismatch("null")),
            Node::Boolean => e.encode_bool(value.as_bool().ok_or_else(|| mismatch("a boolean"))?),
            Node::Int => e.encode_i32(integer(i32::MIN.into(), i32::MAX.into())? as i32),
            Node::Long => e.encode_i64(integer(i64::MIN, i64::MAX)?),
            Node::Float => {
                e.encode_f32(json_number(value).ok_or_else(|| mismatch("a number"))? as f32)
            }
            Node::Double => e.encode_f64(json_number(value).ok_or_else(|| mismatch("a number"))?),
            Node::Bytes | Node::Generic(_) => e.encode_bytes(
                &latin1_bytes(value).ok_or_else(|| mismatch("a string of code points 0-255"))?,
            ),
            Node::String => e.encode_str(value.as_str().ok_or_else(|| mismatch("a string"))?),
            Node::Array(items) => {
                let list = value.as_array().ok_or_else(|| mismatch("an array"))?;
                e.encode_seq_len(list.len()).map_err(|e| e.to_string())?;
                for item in list {
                    self.node(items, item, e)?;
                }
                e.encode_seq_end()
            }
            Node::Map(values) => {
                let map = value.as_object().ok_or_else(|| mismatch("an object"))?;
                e.encode_map_len(map.len()).map_err(|e| e.to_string())?;
                for (key, item) in map {
                    e.encode_str(key).map_err(|e| e.to_string())?;
                    self.node(values, item, e)?;
                }
                e.encode_map_end()
            }
            Node::Union(branches) => {
                let first = branches.first().ok_or("an empty union has no default")?;
                e.encode_variant(0).map_err(|e| e.to_string())?;
                return self.node(first, value, e);
            }
            Node::Named(index) => {
                self.depth += 1;
                if self.depth > 64 {
                    return Err("default nests deeper than 64 named types".into());
                }
                let result = self.named(*index, value, e);
                self.depth -= 1;
                return result;
            }
            Node::Logical(logical) => return self.node(&logical.base, value, e),
        };
        encoded.map_err(|e| e.to_string())
    }

    fn named(&mut self, index: usize, value: &Value, e: &mut AvroEncoder) -> Result<(), String> {
        let named = self.schema.get(index);
        match &named.kind {
            NamedKind::Record(fields) => {
                let object = value.as_object().ok_or_else(|| {
                    format!("default {value} is not an object for record {}", named.name)
                })?;
                for field in fields {
                    let item = match (object.get(&field.name), &field.default) {
                        (Some(item), _) | (None, Some(item)) => item,
                        (None, None) => {
                            return Err(format!(
                                "default of record {} lacks field `{}`, which has no default",
                                named.name, field.name
                            ));
                        }
                    };
                    self.node(&field.schema, item, e)
                        .map_err(|m| format!("{}.{}: {m}", named.name.name, field.name))?;
                }
                Ok(())
            }
            NamedKind::Enum { symbols, .. } => {
                let index = value
                    .as_str()
                    .and_then(|s| symbols.iter().position(|x| x == s))
                    .ok_or_else(|| {
                        format!("default {value} is not a symbol of enum {}", named.name)
                    })?;
                e.encode_variant(index as u32).map_err(|e| e.to_string())
            }
            NamedKind::Fixed { size } => match latin1_bytes(value) {
                Some(bytes) if bytes.len() == *size => {
                    e.encode_array::<u8>(&bytes).map_err(|e| e.to_string())
                }
                _ => Err(format!(
                    "default {value} is not {size} bytes for fixed {}",
                    named.name
                )),
            },
        }
    }
}

/// A JSON number, or one of the strings [`json_float`] writes for what JSON lacks.
fn json_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" => Some(f64::NAN),
            "inf" | "Infinity" => Some(f64::INFINITY),
            "-inf" | "-Infinity" => Some(f64::NEG_INFINITY),
            _ => None,
        },
        _ => None,
    }
}

/// Bytes and fixed from JSON: one byte per code point, each below 256.
fn latin1_bytes(value: &Value) -> Option<Vec<u8>> {
    value
        .as_str()?
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}
