//! Avro schemas in parsed form: built from a type's [`TypeInfo`](enum@typeinfo::TypeInfo)
//! ([`schema_of`]) or parsed from JSON ([`Schema::parse`]), printed as JSON or in the
//! spec's Parsing Canonical Form, and fingerprinted.
//!
//! Named types (records, enums, fixed) live in one table and every use of one is a
//! [`Node::Named`] index into it, so a recursive type is a finite graph and a walk over a
//! schema never compares names.

mod derive;
mod fingerprint;
mod json;
mod parse;

pub use derive::{schema_for, schema_of};
pub use fingerprint::rabin;

use core::fmt;

/// A parsed Avro schema: the root and the named types it defines.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    root: Node,
    named: Vec<Named>,
}

/// One position of a schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
    Array(Box<Node>),
    Map(Box<Node>),
    Union(Vec<Node>),
    /// A record, enum or fixed: an index into [`Schema::named`].
    Named(usize),
    /// A field typeinfo cannot see into (`#[typeinfo(generic)]`): `bytes` on the wire, holding
    /// the value's serde encoding. The Rust type name is kept as a schema property.
    Generic(String),
    /// A primitive annotated with a `logicalType`: encoded as the primitive, which is all that
    /// resolution and decoding look at (the spec's rule). Logical types on a `fixed` live in
    /// the named type's properties instead.
    Logical(Box<Logical>),
}

/// A `logicalType` annotation of a primitive.
#[derive(Debug, Clone, PartialEq)]
pub struct Logical {
    /// The `logicalType` (`timestamp-nanos`, `decimal`).
    pub name: String,
    /// Its other attributes, in order (`precision`, `scale`).
    pub attributes: Vec<(String, serde_json::Value)>,
    /// The primitive on the wire.
    pub base: Node,
}

impl Node {
    /// The node as the wire sees it: a logical type's primitive, any other node itself.
    pub fn base(&self) -> &Node {
        match self {
            Node::Logical(logical) => &logical.base,
            node => node,
        }
    }

    /// The type's name as schemas spell it (`long`, `array`; `bytes` for a generic field),
    /// or `None` for a named type, which goes by its own name.
    pub fn primitive_name(&self) -> Option<&'static str> {
        Some(match self {
            Node::Null => "null",
            Node::Boolean => "boolean",
            Node::Int => "int",
            Node::Long => "long",
            Node::Float => "float",
            Node::Double => "double",
            Node::Bytes | Node::Generic(_) => "bytes",
            Node::String => "string",
            Node::Array(_) => "array",
            Node::Map(_) => "map",
            Node::Union(_) => "union",
            Node::Named(_) => return None,
            Node::Logical(logical) => return logical.base.primitive_name(),
        })
    }
}

/// A record, enum or fixed type.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub name: Name,
    pub aliases: Vec<Name>,
    pub doc: Option<String>,
    pub kind: NamedKind,
    /// Properties beyond the spec's, kept in order (`"org.apache.avro.rust.union_of_records"`).
    pub properties: Vec<(String, serde_json::Value)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NamedKind {
    Record(Vec<Field>),
    Enum {
        symbols: Vec<String>,
        /// The symbol a reader uses for a symbol it does not know.
        default: Option<String>,
    },
    Fixed {
        size: usize,
    },
}

/// A field of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub aliases: Vec<String>,
    pub doc: Option<String>,
    pub schema: Node,
    /// The value a reader uses when the writer's record lacks the field, in Avro's JSON
    /// encoding of the field's schema.
    pub default: Option<serde_json::Value>,
}

/// A full name: namespace and simple name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    pub namespace: Option<String>,
    pub name: String,
}

impl Name {
    /// `namespace.name`, or `name` without a namespace.
    pub fn full(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(ns) = &self.namespace {
            write!(f, "{ns}.")?;
        }
        f.write_str(&self.name)
    }
}

/// Why a schema could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// Where: a Rust field path (`Event.operations[*]`) or a JSON position.
    pub at: String,
    pub message: String,
}

impl SchemaError {
    pub fn new(at: impl Into<String>, message: impl Into<String>) -> Self {
        SchemaError {
            at: at.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            write!(f, "avro schema: {}", self.message)
        } else {
            write!(f, "avro schema, at {}: {}", self.at, self.message)
        }
    }
}

impl std::error::Error for SchemaError {}

impl Schema {
    /// The schema `"null"`.
    pub fn null() -> Schema {
        Schema {
            root: Node::Null,
            named: Vec::new(),
        }
    }

    /// The root node.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The named types, indexed by [`Node::Named`].
    pub fn named(&self) -> &[Named] {
        &self.named
    }

    /// The named type a [`Node::Named`] points to.
    pub fn get(&self, index: usize) -> &Named {
        &self.named[index]
    }

    /// The schema as JSON text, with docs, aliases, defaults and properties.
    pub fn to_json(&self) -> String {
        json::write(self, json::Form::Full)
    }

    /// The schema in Parsing Canonical Form (the spec's normalised text, what fingerprints
    /// are taken of).
    pub fn canonical_form(&self) -> String {
        json::write(self, json::Form::Canonical)
    }

    /// The 64-bit Rabin fingerprint (CRC-64-AVRO) of the canonical form.
    pub fn fingerprint(&self) -> u64 {
        rabin(self.canonical_form().as_bytes())
    }

    /// Parses a schema from JSON text.
    pub fn parse(text: &str) -> Result<Schema, SchemaError> {
        parse::parse(text)
    }
}

/// Whether `name` is a valid Avro simple name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
