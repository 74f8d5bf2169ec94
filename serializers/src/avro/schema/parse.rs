//! Parsing a schema from JSON (a container file's header, a schema registry's answer):
//! untrusted text, so every shape the spec forbids is an error that says where.

use super::{Field, Logical, Name, Named, NamedKind, Node, Schema, SchemaError, is_valid_name};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Nesting deeper than this is refused (serde_json stops at 128 levels of JSON anyway).
const MAX_DEPTH: usize = 64;

pub fn parse(text: &str) -> Result<Schema, SchemaError> {
    let json: Value =
        serde_json::from_str(text).map_err(|e| SchemaError::new("", format!("not JSON: {e}")))?;
    let mut parser = Parser::default();
    let root = parser.node(&json, None, "", 0)?;
    Ok(Schema {
        root,
        named: parser.named,
    })
}

#[derive(Default)]
struct Parser {
    named: Vec<Named>,
    by_name: HashMap<String, usize>,
}

fn primitive(name: &str) -> Option<Node> {
    Some(match name {
        "null" => Node::Null,
        "boolean" => Node::Boolean,
        "int" => Node::Int,
        "long" => Node::Long,
        "float" => Node::Float,
        "double" => Node::Double,
        "bytes" => Node::Bytes,
        "string" => Node::String,
        _ => return None,
    })
}

fn str_field<'v>(
    obj: &'v Map<String, Value>,
    key: &str,
    at: &str,
) -> Result<Option<&'v str>, SchemaError> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(SchemaError::new(
            at,
            format!("`{key}` must be a string, not {other}"),
        )),
    }
}

fn string_list(obj: &Map<String, Value>, key: &str, at: &str) -> Result<Vec<String>, SchemaError> {
    match obj.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    SchemaError::new(at, format!("`{key}` must hold strings, not {v}"))
                })
            })
            .collect(),
        Some(other) => Err(SchemaError::new(
            at,
            format!("`{key}` must be an array of strings, not {other}"),
        )),
    }
}

/// A name as written, resolved against a namespace: a dotted name carries its own.
fn resolve_name(written: &str, namespace: Option<&str>, at: &str) -> Result<Name, SchemaError> {
    let (ns, simple) = match written.rsplit_once('.') {
        Some((ns, simple)) => (Some(ns.to_owned()), simple),
        None => (
            namespace.filter(|ns| !ns.is_empty()).map(str::to_owned),
            written,
        ),
    };
    let valid = is_valid_name(simple)
        && ns
            .as_deref()
            .is_none_or(|ns| ns.split('.').all(is_valid_name));
    if !valid {
        return Err(SchemaError::new(
            at,
            format!(
                "`{written}` is not a valid name (letters, digits and `_`, not starting with a digit, dot-separated)"
            ),
        ));
    }
    Ok(Name {
        namespace: ns,
        name: simple.to_owned(),
    })
}

impl Parser {
    fn node(
        &mut self,
        json: &Value,
        namespace: Option<&str>,
        at: &str,
        depth: usize,
    ) -> Result<Node, SchemaError> {
        if depth > MAX_DEPTH {
            return Err(SchemaError::new(
                at,
                format!("nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        match json {
            Value::String(name) => self.reference(name, namespace, at),
            Value::Array(branches) => {
                let mut nodes = Vec::with_capacity(branches.len());
                for (i, branch) in branches.iter().enumerate() {
                    let at = format!("{at}[{i}]");
                    let node = self.node(branch, namespace, &at, depth + 1)?;
                    if matches!(node, Node::Union(_)) {
                        return Err(SchemaError::new(
                            at,
                            "a union may not directly contain a union",
                        ));
                    }
                    if let Some(twin) = nodes.iter().position(|n| self.same_union_kind(n, &node)) {
                        return Err(SchemaError::new(
                            at,
                            format!(
                                "a union may hold each unnamed type once (branch {twin} has the same type)"
                            ),
                        ));
                    }
                    nodes.push(node);
                }
                Ok(Node::Union(nodes))
            }
            Value::Object(obj) => self.object(obj, namespace, at, depth),
            other => Err(SchemaError::new(
                at,
                format!("a schema is a string, an array or an object, not {other}"),
            )),
        }
    }

    /// Two union branches that a reader could not tell apart.
    fn same_union_kind(&self, a: &Node, b: &Node) -> bool {
        match (a.base(), b.base()) {
            (Node::Named(x), Node::Named(y)) => x == y,
            (Node::Generic(_), Node::Bytes) | (Node::Bytes, Node::Generic(_)) => true,
            (a, b) => core::mem::discriminant(a) == core::mem::discriminant(b),
        }
    }

    fn reference(
        &self,
        name: &str,
        namespace: Option<&str>,
        at: &str,
    ) -> Result<Node, SchemaError> {
        if let Some(node) = primitive(name) {
            return Ok(node);
        }
        let in_namespace = resolve_name(name, namespace, at)?.full();
        self.by_name
            .get(&in_namespace)
            .or_else(|| self.by_name.get(name))
            .map(|&i| Node::Named(i))
            .ok_or_else(|| {
                SchemaError::new(at, format!("`{name}` names no type defined before it"))
            })
    }

    fn object(
        &mut self,
        obj: &Map<String, Value>,
        namespace: Option<&str>,
        at: &str,
        depth: usize,
    ) -> Result<Node, SchemaError> {
        let ty = match obj.get("type") {
            Some(Value::String(ty)) => ty.as_str(),
            Some(nested) => return self.node(nested, namespace, at, depth + 1),
            None => return Err(SchemaError::new(at, "an object schema needs `type`")),
        };
        match ty {
            "array" => {
                let items = obj
                    .get("items")
                    .ok_or_else(|| SchemaError::new(at, "an array needs `items`"))?;
                Ok(Node::Array(Box::new(self.node(
                    items,
                    namespace,
                    &format!("{at}.items"),
                    depth + 1,
                )?)))
            }
            "map" => {
                let values = obj
                    .get("values")
                    .ok_or_else(|| SchemaError::new(at, "a map needs `values`"))?;
                Ok(Node::Map(Box::new(self.node(
                    values,
                    namespace,
                    &format!("{at}.values"),
                    depth + 1,
                )?)))
            }
            "record" | "error" | "enum" | "fixed" => self.define(ty, obj, namespace, at, depth),
            "bytes" => match str_field(obj, "typeinfo.generic", at)? {
                Some(type_name) => Ok(Node::Generic(type_name.to_owned())),
                None => logical(obj, Node::Bytes, at),
            },
            other => match primitive(other) {
                Some(node) => logical(obj, node, at),
                None => self.reference(other, namespace, at),
            },
        }
    }

    fn define(
        &mut self,
        ty: &str,
        obj: &Map<String, Value>,
        namespace: Option<&str>,
        at: &str,
        depth: usize,
    ) -> Result<Node, SchemaError> {
        let written = str_field(obj, "name", at)?
            .ok_or_else(|| SchemaError::new(at, format!("a {ty} needs `name`")))?;
        let own_namespace = str_field(obj, "namespace", at)?.or(namespace);
        let name = resolve_name(written, own_namespace, at)?;
        let full = name.full();
        let at = if at.is_empty() {
            full.clone()
        } else {
            format!("{at} ({full})")
        };
        if primitive(&name.name).is_some() && name.namespace.is_none() {
            return Err(SchemaError::new(
                &at,
                format!("`{full}` is a primitive type's name"),
            ));
        }
        if self.by_name.contains_key(&full) {
            return Err(SchemaError::new(&at, format!("`{full}` is defined twice")));
        }
        let aliases = string_list(obj, "aliases", &at)?
            .iter()
            .map(|a| resolve_name(a, name.namespace.as_deref(), &at))
            .collect::<Result<Vec<_>, _>>()?;
        let doc = str_field(obj, "doc", &at)?.map(str::to_owned);
        let index = self.named.len();
        // Defined before its fields are read, so a field may refer to the record itself.
        self.by_name.insert(full.clone(), index);
        self.named.push(Named {
            name: name.clone(),
            aliases,
            doc,
            kind: NamedKind::Fixed { size: 0 },
            properties: properties(obj),
        });
        let kind = match ty {
            "enum" => {
                let symbols = string_list(obj, "symbols", &at)?;
                for (i, symbol) in symbols.iter().enumerate() {
                    if !is_valid_name(symbol) {
                        return Err(SchemaError::new(
                            &at,
                            format!("enum symbol `{symbol}` is not a valid name"),
                        ));
                    }
                    if symbols[..i].contains(symbol) {
                        return Err(SchemaError::new(
                            &at,
                            format!("enum symbol `{symbol}` appears twice"),
                        ));
                    }
                }
                let default = str_field(obj, "default", &at)?.map(str::to_owned);
                if let Some(d) = &default
                    && !symbols.contains(d)
                {
                    return Err(SchemaError::new(
                        &at,
                        format!("enum default `{d}` is not one of its symbols"),
                    ));
                }
                NamedKind::Enum { symbols, default }
            }
            "fixed" => {
                let size = obj
                    .get("size")
                    .and_then(Value::as_u64)
                    .and_then(|s| usize::try_from(s).ok())
                    .ok_or_else(|| SchemaError::new(&at, "a fixed needs `size`, a whole number"))?;
                NamedKind::Fixed { size }
            }
            _ => NamedKind::Record(self.fields(obj, name.namespace.as_deref(), &at, depth)?),
        };
        self.named[index].kind = kind;
        Ok(Node::Named(index))
    }

    fn fields(
        &mut self,
        obj: &Map<String, Value>,
        namespace: Option<&str>,
        at: &str,
        depth: usize,
    ) -> Result<Vec<Field>, SchemaError> {
        let Some(Value::Array(list)) = obj.get("fields") else {
            return Err(SchemaError::new(at, "a record needs `fields`, an array"));
        };
        let mut fields: Vec<Field> = Vec::with_capacity(list.len());
        for (i, field) in list.iter().enumerate() {
            let Value::Object(field) = field else {
                return Err(SchemaError::new(at, format!("field {i} is not an object")));
            };
            let name = str_field(field, "name", at)?
                .ok_or_else(|| SchemaError::new(at, format!("field {i} needs `name`")))?;
            let field_at = format!("{at}.{name}");
            if !is_valid_name(name) {
                return Err(SchemaError::new(
                    &field_at,
                    format!("`{name}` is not a valid field name"),
                ));
            }
            if fields.iter().any(|f| f.name == name) {
                return Err(SchemaError::new(&field_at, "the field appears twice"));
            }
            let ty = field
                .get("type")
                .ok_or_else(|| SchemaError::new(&field_at, "a field needs `type`"))?;
            let schema = self.node(ty, namespace, &field_at, depth + 1)?;
            fields.push(Field {
                name: name.to_owned(),
                aliases: string_list(field, "aliases", &field_at)?,
                doc: str_field(field, "doc", &field_at)?.map(str::to_owned),
                schema,
                default: field.get("default").cloned(),
            });
        }
        Ok(fields)
    }
}

/// A primitive's `logicalType` and its other attributes, kept so the schema prints back as
/// written; other attributes of a primitive without one do not change it.
fn logical(obj: &Map<String, Value>, base: Node, at: &str) -> Result<Node, SchemaError> {
    let Some(name) = str_field(obj, "logicalType", at)? else {
        return Ok(base);
    };
    let attributes = obj
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "type" | "logicalType"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Ok(Node::Logical(Box::new(Logical {
        name: name.to_owned(),
        attributes,
        base,
    })))
}

/// The attributes of a named type beyond the spec's (`logicalType`, `precision`, a tool's
/// own), in order.
fn properties(obj: &Map<String, Value>) -> Vec<(String, Value)> {
    const SPEC: [&str; 9] = [
        "type",
        "name",
        "namespace",
        "aliases",
        "doc",
        "fields",
        "symbols",
        "default",
        "size",
    ];
    obj.iter()
        .filter(|(key, _)| !SPEC.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}
