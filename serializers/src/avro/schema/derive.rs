//! The schema of a type, from its descriptor. The mapping (documented in
//! `docs/formats/avro.md`) follows apache-avro's serde conventions wherever Avro has no type
//! of its own (unsigned and 128-bit integers, tuples, enums with data), so the same value
//! gives the same bytes in both.

use super::{Field, Logical, Name, Named, NamedKind, Node, Schema, SchemaError, is_valid_name};
use crate::avro::AvroEncoder;
use std::collections::HashMap;
use typeinfo::HasTypeInfo;
use typeinfo::info::{
    EnumInfo, FieldDefault, FieldInfo, LogicalInfo, LogicalKind, StructInfo, StructStyle, TypeInfo,
    TypeName,
};

/// The Avro schema of `T`.
///
/// ```
/// use typeinfo::TypeInfo;
/// use typeinfo_serializers::avro;
///
/// #[derive(TypeInfo)]
/// #[typeinfo(namespace = "shop")]
/// struct Order { id: i64, note: Option<String> }
///
/// let schema = avro::schema_of::<Order>()?;
/// assert_eq!(
///     schema.canonical_form(),
///     r#"{"name":"shop.Order","type":"record","fields":[{"name":"id","type":"long"},{"name":"note","type":["null","string"]}]}"#
/// );
/// # Ok::<(), avro::SchemaError>(())
/// ```
pub fn schema_of<T: HasTypeInfo + ?Sized>() -> Result<Schema, SchemaError> {
    schema_for(T::TYPE_INFO)
}

/// The Avro schema of the type `info` describes.
pub fn schema_for(info: &'static TypeInfo) -> Result<Schema, SchemaError> {
    let mut builder = Builder::default();
    let root = builder.node(info)?;
    let mut schema = Schema {
        root,
        named: builder.named,
    };
    // Defaults print once every named type they may hold is complete.
    for pending in builder.defaults {
        let json = default_json(&schema, &pending)?;
        if let NamedKind::Record(fields) = &mut schema.named[pending.record].kind {
            fields[pending.field].default = Some(json);
        }
    }
    Ok(schema)
}

/// A declared field default, to print once the schema is complete.
struct PendingDefault {
    record: usize,
    field: usize,
    default: FieldDefault,
    at: String,
}

/// The default's JSON: the recorded value written as a datum of the field's schema, then
/// printed.
fn default_json(
    schema: &Schema,
    pending: &PendingDefault,
) -> Result<serde_json::Value, SchemaError> {
    let error =
        |message: String| SchemaError::new(pending.at.clone(), format!("default: {message}"));
    let NamedKind::Record(fields) = &schema.get(pending.record).kind else {
        unreachable!("defaults are only recorded for record fields")
    };
    let node = &fields[pending.field].schema;
    let tape = (pending.default.value)().map_err(|e| error(e.to_string()))?;
    let mut datum = Vec::new();
    tape.replay(&mut AvroEncoder::new(&mut datum))
        .map_err(|e| error(e.to_string()))?;
    super::super::json::default_to_json(schema, node, &datum).map_err(error)
}

/// Namespace of the named types typeinfo makes up (tuples, fixed byte arrays, map entries).
const OWN_NAMESPACE: &str = "typeinfo";
/// Namespace of apache-avro's named types for Rust integers without an Avro type.
const RUST_NAMESPACE: &str = "org.apache.avro.rust";

#[derive(Default)]
struct Builder {
    named: Vec<Named>,
    /// Full Avro name → (what it stands for, its index): a second Rust type under a taken
    /// name is an error rather than a silent merge.
    by_name: HashMap<String, (String, usize)>,
    /// Where the walk is, for errors: `Event.operations`.
    path: Vec<String>,
    /// Transparent newtypes being expanded, to refuse one that contains itself.
    newtypes: Vec<&'static str>,
    /// The named types being defined, innermost last.
    defining: Vec<usize>,
    defaults: Vec<PendingDefault>,
}

impl Builder {
    fn error(&self, message: impl Into<String>) -> SchemaError {
        SchemaError::new(self.path.join("."), message)
    }

    fn node(&mut self, info: &'static TypeInfo) -> Result<Node, SchemaError> {
        Ok(match info {
            TypeInfo::Bool => Node::Boolean,
            TypeInfo::U8 | TypeInfo::U16 | TypeInfo::I8 | TypeInfo::I16 | TypeInfo::I32 => {
                Node::Int
            }
            TypeInfo::U32 | TypeInfo::I64 => Node::Long,
            TypeInfo::U64 => self.fixed(RUST_NAMESPACE, "u64", 8)?,
            TypeInfo::U128 => self.fixed(RUST_NAMESPACE, "u128", 16)?,
            TypeInfo::I128 => self.fixed(RUST_NAMESPACE, "i128", 16)?,
            TypeInfo::F32 => Node::Float,
            TypeInfo::F64 => Node::Double,
            TypeInfo::Char | TypeInfo::String => Node::String,
            TypeInfo::Bytes => Node::Bytes,
            TypeInfo::Unit => Node::Null,
            TypeInfo::Option(inner) => self.option(inner())?,
            TypeInfo::List(_, item) | TypeInfo::Set(_, item) => {
                Node::Array(Box::new(self.node(item())?))
            }
            TypeInfo::Array(len, item) => match item() {
                TypeInfo::U8 => self.fixed(OWN_NAMESPACE, &format!("fixed_{len}"), *len)?,
                item => Node::Array(Box::new(self.node(item)?)),
            },
            TypeInfo::Map(_, key, value) => match key() {
                TypeInfo::String | TypeInfo::Char => Node::Map(Box::new(self.node(value())?)),
                key => self.map_entries(key, value())?,
            },
            TypeInfo::Tuple(items) => self.tuple(items)?,
            TypeInfo::Struct(s) => self.structure(s)?,
            TypeInfo::Enum(e) => self.enumeration(e)?,
            TypeInfo::Generic(g) => Node::Generic((g.type_name)().to_owned()),
            TypeInfo::Logical(l) => self.logical(l)?,
            other => return Err(self.error(format!("{} has no Avro mapping", other.kind_name()))),
        })
    }

    /// `["null", T]`; an enum with data merges its branches in (`["null", A, B]`), since
    /// unions cannot nest.
    fn option(&mut self, inner: &'static TypeInfo) -> Result<Node, SchemaError> {
        match self.node(inner)? {
            Node::Null => Err(self.error("Option<()> has no Avro schema: both branches would be null")),
            Node::Union(branches) if branches.contains(&Node::Null) => Err(self.error(
                "Option<Option<_>> has no Avro schema: unions cannot nest; wrap the inner option in a struct",
            )),
            Node::Union(branches) => Ok(Node::Union(
                core::iter::once(Node::Null).chain(branches).collect(),
            )),
            node => Ok(Node::Union(vec![Node::Null, node])),
        }
    }

    /// Looks up or defines the named type `name`, which stands for `identity`; `define`
    /// makes its kind once its index is reserved (records may refer to themselves).
    fn named(
        &mut self,
        name: Name,
        identity: &str,
        aliases: Vec<Name>,
        properties: Vec<(String, serde_json::Value)>,
        define: impl FnOnce(&mut Self) -> Result<NamedKind, SchemaError>,
    ) -> Result<Node, SchemaError> {
        let full = name.full();
        if let Some((existing, index)) = self.by_name.get(&full) {
            if existing == identity {
                return Ok(Node::Named(*index));
            }
            return Err(self.error(format!(
                "`{existing}` and `{identity}` would both be the Avro type `{full}`; give one another name or namespace (#[typeinfo(rename = \"...\")] or #[typeinfo(namespace = \"...\")])"
            )));
        }
        if !is_valid_name(&name.name) {
            return Err(self.error(format!(
                "`{}` is not a valid Avro name (letters, digits and `_`, not starting with a digit)",
                name.name
            )));
        }
        let index = self.named.len();
        self.by_name.insert(full, (identity.to_owned(), index));
        self.named.push(Named {
            name,
            aliases,
            doc: None,
            kind: NamedKind::Fixed { size: 0 },
            properties,
        });
        self.defining.push(index);
        let kind = define(self);
        self.defining.pop();
        self.named[index].kind = kind?;
        Ok(Node::Named(index))
    }

    /// A logical type: its representation's schema with the `logicalType` on it; on a
    /// `fixed` (a UUID), a fixed of its own that carries it.
    fn logical(&mut self, info: &'static LogicalInfo) -> Result<Node, SchemaError> {
        let logical_type = info.kind.avro_name();
        let attributes = match info.kind {
            LogicalKind::Decimal { precision, scale } => vec![
                ("precision".to_owned(), precision.into()),
                ("scale".to_owned(), scale.into()),
            ],
            _ => Vec::new(),
        };
        match ((info.repr)(), self.node((info.repr)())?) {
            (TypeInfo::Array(size, _), Node::Named(_)) => {
                let name = Name {
                    namespace: Some(OWN_NAMESPACE.to_owned()),
                    name: logical_type.replace('-', "_"),
                };
                let identity = format!("{logical_type}: fixed({size})");
                let mut properties = vec![("logicalType".to_owned(), logical_type.into())];
                properties.extend(attributes);
                self.named(name, &identity, Vec::new(), properties, |_| {
                    Ok(NamedKind::Fixed { size: *size })
                })
            }
            (_, base @ (Node::Int | Node::Long | Node::Bytes | Node::String)) => {
                Ok(Node::Logical(Box::new(Logical {
                    name: logical_type.to_owned(),
                    attributes,
                    base,
                })))
            }
            (_, base) => Err(self.error(format!(
                "{} is a {logical_type} written as {}, which Avro's {logical_type} does not annotate",
                info.name,
                base.primitive_name().unwrap_or("a named type")
            ))),
        }
    }

    /// A fixed of our naming: an error only if a user type took the name (through
    /// `namespace` and `rename`).
    fn fixed(&mut self, namespace: &str, name: &str, size: usize) -> Result<Node, SchemaError> {
        let name = Name {
            namespace: Some(namespace.to_owned()),
            name: name.to_owned(),
        };
        let identity = format!("fixed({size})");
        self.named(name, &identity, Vec::new(), Vec::new(), |_| {
            Ok(NamedKind::Fixed { size })
        })
    }

    /// Maps with keys other than strings: an array of `{key, value}` records.
    fn map_entries(
        &mut self,
        key: &'static TypeInfo,
        value: &'static TypeInfo,
    ) -> Result<Node, SchemaError> {
        let name = Name {
            namespace: Some(OWN_NAMESPACE.to_owned()),
            name: format!("MapEntry_{}_{}", mangle(key), mangle(value)),
        };
        let identity = name.full();
        let record = self.named(name, &identity, Vec::new(), Vec::new(), |b| {
            Ok(NamedKind::Record(vec![
                b.field("key", key, None)?,
                b.field("value", value, None)?,
            ]))
        })?;
        Ok(Node::Array(Box::new(record)))
    }

    /// A one-element tuple is its element (serde's rule); a longer one a record of
    /// `field_0`, `field_1`, ….
    fn tuple(&mut self, items: &'static [typeinfo::info::TypeRef]) -> Result<Node, SchemaError> {
        if let [only] = items {
            return self.node(only());
        }
        let mangled: Vec<String> = items.iter().map(|t| mangle(t())).collect();
        let name = Name {
            namespace: Some(OWN_NAMESPACE.to_owned()),
            name: format!("Tuple{}_{}", items.len(), mangled.join("_")),
        };
        let identity = name.full();
        self.named(name, &identity, Vec::new(), Vec::new(), |b| {
            items
                .iter()
                .enumerate()
                .map(|(i, t)| b.field(&format!("field_{i}"), t(), None))
                .collect::<Result<_, _>>()
                .map(NamedKind::Record)
        })
    }

    fn field(
        &mut self,
        name: &str,
        info: &'static TypeInfo,
        avro_name: Option<&str>,
    ) -> Result<Field, SchemaError> {
        let avro_name = avro_name.unwrap_or(name);
        self.path.push(name.to_owned());
        let schema = self.node(info);
        self.path.pop();
        let schema = schema?;
        if !is_valid_name(avro_name) {
            return Err(self.error(format!(
                "field `{avro_name}` is not a valid Avro name (letters, digits and `_`, not starting with a digit); rename it with #[typeinfo(rename = \"...\")]"
            )));
        }
        // An optional field defaults to null, so that adding one is a compatible change.
        let default = matches!(&schema, Node::Union(b) if b.first() == Some(&Node::Null))
            .then_some(serde_json::Value::Null);
        Ok(Field {
            name: avro_name.to_owned(),
            aliases: Vec::new(),
            doc: None,
            schema,
            default,
        })
    }

    /// The fields of a struct or variant: named ones by name, positional ones as `field_N`,
    /// with their aliases; declared defaults are printed when the schema is complete.
    fn fields(
        &mut self,
        style: StructStyle,
        fields: &'static [FieldInfo],
    ) -> Result<Vec<Field>, SchemaError> {
        let record = *self.defining.last().expect("fields belong to a named type");
        let mut out = Vec::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            let mut field = match style {
                StructStyle::Named => self.field(f.name, f.type_info(), None)?,
                _ => self.field(f.name, f.type_info(), Some(&format!("field_{i}")))?,
            };
            field.aliases = f.aliases.iter().map(|a| (*a).to_owned()).collect();
            if let Some(default) = f.default {
                self.path.push(f.name.to_owned());
                let at = self.path.join(".");
                self.path.pop();
                self.defaults.push(PendingDefault {
                    record,
                    field: i,
                    default,
                    at,
                });
            }
            out.push(field);
        }
        Ok(out)
    }

    fn structure(&mut self, s: &'static StructInfo) -> Result<Node, SchemaError> {
        if s.is_newtype() {
            // A newtype is transparent, as in serde.
            let full = s.name.full_name();
            if self.newtypes.contains(&full) {
                return Err(self.error(format!(
                    "`{full}` contains itself through newtypes only, so it has no finite schema"
                )));
            }
            self.newtypes.push(full);
            let node = self.node(s.fields[0].type_info());
            self.newtypes.pop();
            return node;
        }
        let name = self.type_name(&s.name);
        let aliases = aliases(&s.name, &name);
        self.path.push(s.name.name.to_owned());
        let node = self.named(name, s.name.full_name(), aliases, Vec::new(), |b| {
            b.fields(s.style, s.fields).map(NamedKind::Record)
        });
        self.path.pop();
        node
    }

    /// Unit variants only: an Avro enum. With data: a union of one record per variant,
    /// named after the variant in the enum's own namespace (`ns.Shape.Circle`).
    fn enumeration(&mut self, e: &'static EnumInfo) -> Result<Node, SchemaError> {
        let name = self.type_name(&e.name);
        let identity = e.name.full_name();
        if e.variants.is_empty() {
            return Err(self.error(format!(
                "`{identity}` has no variants, so no value to write"
            )));
        }
        if !TypeInfo::Enum(e).is_data_enum() {
            for v in e.variants {
                if !is_valid_name(v.name) {
                    return Err(self.error(format!(
                        "variant `{}` of `{identity}` is not a valid Avro symbol",
                        v.name
                    )));
                }
            }
            let symbols = e.variants.iter().map(|v| v.name.to_owned()).collect();
            let default = e
                .default_variant
                .and_then(|i| e.variants.get(i as usize))
                .map(|v| v.name.to_owned());
            let aliases = aliases(&e.name, &name);
            return self.named(name, identity, aliases, Vec::new(), |_| {
                Ok(NamedKind::Enum { symbols, default })
            });
        }
        let namespace = name.full();
        self.path.push(e.name.name.to_owned());
        let mut branches = Vec::with_capacity(e.variants.len());
        for v in e.variants {
            let variant = Name {
                namespace: Some(namespace.clone()),
                name: v.name.to_owned(),
            };
            // apache-avro writes a newtype variant's value as the record's only field when
            // the record says so.
            let properties = if v.is_newtype() {
                vec![(
                    "org.apache.avro.rust.union_of_records".to_owned(),
                    serde_json::Value::Bool(true),
                )]
            } else {
                Vec::new()
            };
            let identity = format!("{identity}::{}", v.name);
            self.path.push(v.name.to_owned());
            let branch = self.named(variant, &identity, Vec::new(), properties, |b| {
                b.fields(v.style, v.fields).map(NamedKind::Record)
            });
            self.path.pop();
            branches.push(branch?);
        }
        self.path.pop();
        Ok(Node::Union(branches))
    }
}

impl Builder {
    /// The Avro name of a user type: its name (or `rename`) in its namespace (given, or the
    /// module path). A generic type keeps its plain name (`Pair`, the name serde gives
    /// readers) unless another instantiation took it first; then its arguments are mangled
    /// in (`Pair_u8_u8`).
    fn type_name(&self, name: &TypeName) -> Name {
        let plain = plain_name(name);
        let full = name.full_name();
        let taken_by_other = self
            .by_name
            .get(&plain.full())
            .is_some_and(|(identity, _)| identity != full);
        match full.split_once('<') {
            Some((_, args)) if taken_by_other => {
                let parts: Vec<&str> = args
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                    .filter(|p| !p.is_empty())
                    .map(|p| p.rsplit("::").next().unwrap_or(p))
                    .collect();
                Name {
                    name: format!("{}_{}", plain.name, parts.join("_")),
                    ..plain
                }
            }
            _ => plain,
        }
    }
}

/// The type's former names: a dotted alias is a full name, a plain one is in the type's
/// namespace (as the spec resolves them).
fn aliases(type_name: &TypeName, name: &Name) -> Vec<Name> {
    type_name
        .aliases
        .iter()
        .map(|alias| match alias.rsplit_once('.') {
            Some((namespace, simple)) => Name {
                namespace: Some(namespace.to_owned()),
                name: simple.to_owned(),
            },
            None => Name {
                namespace: name.namespace.clone(),
                name: (*alias).to_owned(),
            },
        })
        .collect()
}

fn plain_name(name: &TypeName) -> Name {
    let namespace = name
        .namespace
        .map(str::to_owned)
        .unwrap_or_else(|| name.module_path.replace("::", "."));
    Name {
        namespace: Some(namespace),
        name: name.name.to_owned(),
    }
}

/// A name-safe spelling of a type, for the names of made-up records.
fn mangle(info: &'static TypeInfo) -> String {
    match info {
        TypeInfo::Option(inner) => format!("opt_{}", mangle(inner())),
        TypeInfo::List(_, item) | TypeInfo::Set(_, item) => format!("list_{}", mangle(item())),
        TypeInfo::Array(len, item) => format!("arr{len}_{}", mangle(item())),
        TypeInfo::Map(_, k, v) => format!("map_{}_{}", mangle(k()), mangle(v())),
        TypeInfo::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(|t| mangle(t())).collect();
            format!("tup{}_{}", items.len(), parts.join("_"))
        }
        TypeInfo::Struct(s) => s.name.name.to_owned(),
        TypeInfo::Enum(e) => e.name.name.to_owned(),
        TypeInfo::Generic(_) => "generic".to_owned(),
        TypeInfo::Logical(l) => match l.kind {
            LogicalKind::Decimal { precision, scale } => format!("decimal{precision}_{scale}"),
            kind => kind.avro_name().replace('-', "_"),
        },
        TypeInfo::Unit => "unit".to_owned(),
        TypeInfo::Bytes => "bytes".to_owned(),
        other => other.kind_name().to_lowercase(),
    }
}
