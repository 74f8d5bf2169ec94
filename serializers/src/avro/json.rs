//! Any datum as JSON, in Avro's JSON encoding, from its schema alone: unions as
//! `{"branch": value}` (null bare), bytes and fixed as strings of code points 0–255, enums
//! as their symbol. It is what Java's `JsonEncoder`, fastavro's `json_writer` and avro-c
//! print, so a datum can be compared across implementations, and what a person can read.

use super::schema::{NamedKind, Node, Schema};
use crate::decode_support::{Depth, checked_len};
use crate::varint;
use serde_json::{Map, Value};
use typeinfo::io::Reader;
use typeinfo::{DecodeError, Limits};

/// The JSON encoding of the one datum that fills `bytes`, read with `schema`.
pub fn datum_to_json(schema: &Schema, bytes: &[u8], limits: Limits) -> Result<Value, DecodeError> {
    let mut reader = Walker {
        schema,
        input: bytes,
        limits,
        depth: Depth::default(),
    };
    let value = reader.node(schema.root())?;
    match reader.input.len() {
        0 => Ok(value),
        remaining => Err(DecodeError::TrailingBytes { remaining }),
    }
}

struct Walker<'s, 'b> {
    schema: &'s Schema,
    input: &'b [u8],
    limits: Limits,
    depth: Depth,
}

impl Walker<'_, '_> {
    fn long(&mut self) -> Result<i64, DecodeError> {
        varint::read(&mut self.input, 64, "long").map(|v| varint::unzigzag(v) as i64)
    }

    fn len(&mut self) -> Result<usize, DecodeError> {
        let n = self.long()?;
        let n = u128::try_from(n).map_err(|_| DecodeError::OutOfRange {
            type_name: "length",
        })?;
        checked_len(n, &self.limits)
    }

    fn take(&mut self, len: usize) -> Result<&[u8], DecodeError> {
        let available = self.input.remaining();
        if len > available {
            return Err(DecodeError::UnexpectedEnd {
                needed: len,
                available,
            });
        }
        let (head, rest) = self.input.split_at(len);
        self.input = rest;
        Ok(head)
    }

    fn blocks(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        let mut total = 0usize;
        loop {
            let count = self.long()?;
            if count == 0 {
                return Ok(());
            }
            if count < 0 {
                self.len()?;
            }
            total = total.saturating_add(count.unsigned_abs() as usize);
            checked_len(total as u128, &self.limits)?;
            for _ in 0..count.unsigned_abs() {
                item(self)?;
            }
        }
    }

    fn node(&mut self, node: &Node) -> Result<Value, DecodeError> {
        Ok(match node {
            Node::Null => Value::Null,
            Node::Boolean => match self.take(1)? {
                [0] => Value::Bool(false),
                [1] => Value::Bool(true),
                [b] => {
                    return Err(DecodeError::InvalidTag {
                        type_name: "boolean",
                        tag: (*b).into(),
                    });
                }
                _ => unreachable!("took one byte"),
            },
            Node::Int => {
                let v =
                    varint::read(&mut self.input, 32, "int").map(|v| varint::unzigzag(v) as i32)?;
                Value::from(v)
            }
            Node::Long => Value::from(self.long()?),
            Node::Float => {
                let bytes: [u8; 4] = self.input.read_array()?;
                json_float(f32::from_le_bytes(bytes).into())
            }
            Node::Double => {
                let bytes: [u8; 8] = self.input.read_array()?;
                json_float(f64::from_le_bytes(bytes))
            }
            Node::Bytes | Node::Generic(_) => {
                let len = self.len()?;
                Value::String(self.take(len)?.iter().map(|&b| char::from(b)).collect())
            }
            Node::String => {
                let len = self.len()?;
                let bytes = self.take(len)?;
                let text = core::str::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 {
                    valid_up_to: e.valid_up_to(),
                })?;
                Value::String(text.to_owned())
            }
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
                    let len = w.len()?;
                    let key = core::str::from_utf8(w.take(len)?)
                        .map_err(|e| DecodeError::InvalidUtf8 {
                            valid_up_to: e.valid_up_to(),
                        })?
                        .to_owned();
                    let value = w.node(values)?;
                    out.insert(key, value);
                    Ok(())
                })?;
                Value::Object(out)
            }
            Node::Union(branches) => {
                let index = self.long()?;
                let branch = usize::try_from(index)
                    .ok()
                    .and_then(|i| branches.get(i))
                    .ok_or(DecodeError::InvalidTag {
                        type_name: "union",
                        tag: u32::try_from(index).unwrap_or(u32::MAX),
                    })?;
                match branch {
                    Node::Null => Value::Null,
                    branch => {
                        let mut wrapped = Map::new();
                        let name = self.branch_name(branch);
                        wrapped.insert(name, self.node(branch)?);
                        Value::Object(wrapped)
                    }
                }
            }
            Node::Named(index) => {
                self.depth.enter(&self.limits)?;
                let value = self.named(*index);
                self.depth.leave();
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
                let index = self.long()?;
                let symbol = usize::try_from(index)
                    .ok()
                    .and_then(|i| symbols.get(i))
                    .ok_or(DecodeError::InvalidTag {
                        type_name: "enum",
                        tag: u32::try_from(index).unwrap_or(u32::MAX),
                    })?;
                Value::String(symbol.clone())
            }
            NamedKind::Fixed { size } => {
                Value::String(self.take(*size)?.iter().map(|&b| char::from(b)).collect())
            }
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
