//! Any datum as JSON, in Avro's JSON encoding, from its schema alone: unions as
//! `{"branch": value}` (null bare), bytes and fixed as strings of code points 0–255, enums
//! as their symbol. It is what Java's `JsonEncoder`, fastavro's `json_writer` and avro-c
//! print, so a datum can be compared across implementations, and what a person can read.

use super::AvroDecoder;
use super::schema::{NamedKind, Node, Schema};
use serde_json::{Map, Value};
use typeinfo::{DecodeError, Decoder, Limits};

/// The JSON encoding of the one datum that fills `bytes`, read with `schema`.
pub fn datum_to_json(schema: &Schema, bytes: &[u8], limits: Limits) -> Result<Value, DecodeError> {
    let mut walker = Walker {
        schema,
        decoder: AvroDecoder::new(bytes, limits),
    };
    let value = walker.node(schema.root())?;
    match walker.decoder.remaining() {
        0 => Ok(value),
        remaining => Err(DecodeError::TrailingBytes { remaining }),
    }
}

/// Reads with the datum decoder, so lengths, blocks and limits are checked as there.
struct Walker<'s, 'b> {
    schema: &'s Schema,
    decoder: AvroDecoder<&'b [u8]>,
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
        match node {
            Node::Null => "null".into(),
            Node::Boolean => "boolean".into(),
            Node::Int => "int".into(),
            Node::Long => "long".into(),
            Node::Float => "float".into(),
            Node::Double => "double".into(),
            Node::Bytes | Node::Generic(_) => "bytes".into(),
            Node::String => "string".into(),
            Node::Array(_) => "array".into(),
            Node::Map(_) => "map".into(),
            Node::Union(_) => "union".into(),
            Node::Named(i) => self.schema.get(*i).name.full(),
        }
    }
}

/// A float as a JSON number; NaN and the infinities, which JSON lacks, as strings.
fn json_float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number)
}
