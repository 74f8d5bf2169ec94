//! A descriptor tree that owns its data: what a [`TypeInfo`] says about the bytes, kept
//! after the type itself has changed.
//!
//! A `TypeInfo` is a tree of `'static` references into the program that defined it; a
//! snapshot must outlive that program. A [`Shape`] copies what decides the bytes (kinds,
//! field order, names, aliases, defaults, variants) into plain data. User types go into a
//! table and are referred to by index, so a recursive type has a finite shape.

use crate::info::{
    CollectionKind, EnumInfo, FieldInfo, ListKind, LogicalKind, StructStyle, TypeInfo, TypeName,
};

/// One node of a shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Bool,
    U8,
    U16,
    U32,
    U64,
    U128,
    I8,
    I16,
    I32,
    I64,
    I128,
    F32,
    F64,
    Char,
    String,
    Bytes,
    Unit,
    Option(Box<Node>),
    List(ListKind, Box<Node>),
    Array(u64, Box<Node>),
    Set(CollectionKind, Box<Node>),
    Map(CollectionKind, Box<Node>, Box<Node>),
    Tuple(Vec<Node>),
    /// A user struct or enum: an index into [`Shape::types`].
    Named(u32),
    /// A type written through serde; its name as Rust printed it.
    Generic(String),
    /// A value with a meaning (`name` as it printed, `kind`) written as `repr`.
    Logical {
        name: String,
        kind: LogicalKind,
        repr: Box<Node>,
    },
}

/// A user struct or enum of a shape.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    /// The name in schemas and field expressions.
    pub name: String,
    /// serde's name for the type (kryo's class name).
    pub wire_name: String,
    /// The stable name: module path and name as written.
    pub key: String,
    /// Names the type had before.
    pub aliases: Vec<String>,
    pub body: Body,
}

/// What a user type holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Struct(Fields),
    Enum {
        variants: Vec<Variant>,
        /// The variant a reader takes for one it does not know.
        default_variant: Option<u32>,
    },
}

/// The serialized fields of a struct or variant, in declaration order.
#[derive(Debug, Clone, PartialEq)]
pub struct Fields {
    pub style: StructStyle,
    pub fields: Vec<Field>,
}

/// One serialized field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    /// serde's name: formats that sort fields order them by it.
    pub wire_name: String,
    pub aliases: Vec<String>,
    /// The default a reader uses when data lacks the field, as it prints.
    pub default: Option<String>,
    pub ty: Node,
}

/// One enum variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub fields: Fields,
}

impl Fields {
    /// The declaration indices of the fields in the order a format writes them: declared,
    /// or by serde's name (in UTF-16 order, as Kryo's `FieldSerializer`) when it sorts.
    pub fn wire_order(&self, sorted: bool) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.fields.len()).collect();
        if sorted && self.style == StructStyle::Named {
            order.sort_by(|&a, &b| {
                let (a, b) = (&self.fields[a].wire_name, &self.fields[b].wire_name);
                a.encode_utf16().cmp(b.encode_utf16())
            });
        }
        order
    }
}

/// A whole type: its root node and the user types it reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub root: Node,
    pub types: Vec<NamedType>,
}

impl Shape {
    /// The shape of the type `info` describes.
    pub fn of(info: &'static TypeInfo) -> Shape {
        Shape::with_infos(info).0
    }

    /// The shape, and the descriptor of each of its user types (by table index): a
    /// migration takes field defaults from them.
    pub(crate) fn with_infos(info: &'static TypeInfo) -> (Shape, Vec<&'static TypeInfo>) {
        let mut builder = Builder::default();
        let root = builder.node(info);
        let shape = Shape {
            root,
            types: builder.types,
        };
        (shape, builder.infos)
    }

    /// The user type a [`Node::Named`] refers to.
    pub fn named(&self, index: u32) -> &NamedType {
        &self.types[index as usize]
    }
}

/// Builds a shape, giving each user type (by its full Rust name) one table entry.
#[derive(Default)]
struct Builder {
    types: Vec<NamedType>,
    infos: Vec<&'static TypeInfo>,
    seen: Vec<&'static str>,
}

impl Builder {
    fn node(&mut self, info: &'static TypeInfo) -> Node {
        use TypeInfo as T;
        match info {
            T::Bool => Node::Bool,
            T::U8 => Node::U8,
            T::U16 => Node::U16,
            T::U32 => Node::U32,
            T::U64 => Node::U64,
            T::U128 => Node::U128,
            T::I8 => Node::I8,
            T::I16 => Node::I16,
            T::I32 => Node::I32,
            T::I64 => Node::I64,
            T::I128 => Node::I128,
            T::F32 => Node::F32,
            T::F64 => Node::F64,
            T::Char => Node::Char,
            T::String => Node::String,
            T::Bytes => Node::Bytes,
            T::Unit => Node::Unit,
            T::Option(t) => Node::Option(Box::new(self.node(t()))),
            T::List(kind, t) => Node::List(*kind, Box::new(self.node(t()))),
            T::Array(n, t) => Node::Array(*n as u64, Box::new(self.node(t()))),
            T::Set(kind, t) => Node::Set(*kind, Box::new(self.node(t()))),
            T::Map(kind, k, v) => {
                Node::Map(*kind, Box::new(self.node(k())), Box::new(self.node(v())))
            }
            T::Tuple(items) => Node::Tuple(items.iter().map(|t| self.node(t())).collect()),
            T::Struct(s) => {
                self.named(info, &s.name, |b| Body::Struct(b.fields(s.style, s.fields)))
            }
            T::Enum(e) => self.named(info, &e.name, |b| b.enum_body(e)),
            T::Generic(g) => Node::Generic((g.type_name)().to_owned()),
            T::Logical(l) => Node::Logical {
                name: l.name.to_owned(),
                kind: l.kind,
                repr: Box::new(self.node((l.repr)())),
            },
        }
    }

    /// The table entry of a user type, made on first sight; `body` runs after the entry
    /// exists, so a type that reaches itself refers to its own index.
    fn named(
        &mut self,
        info: &'static TypeInfo,
        name: &TypeName,
        body: impl FnOnce(&mut Self) -> Body,
    ) -> Node {
        let full = name.full_name();
        if let Some(index) = self.seen.iter().position(|seen| *seen == full) {
            return Node::Named(index as u32);
        }
        let index = self.types.len();
        self.seen.push(full);
        self.infos.push(info);
        self.types.push(NamedType {
            name: name.name.to_owned(),
            wire_name: name.wire_name.to_owned(),
            key: name.key.to_owned(),
            aliases: name.aliases.iter().map(|a| (*a).to_owned()).collect(),
            body: Body::Struct(Fields {
                style: StructStyle::Unit,
                fields: Vec::new(),
            }),
        });
        let body = body(self);
        self.types[index].body = body;
        Node::Named(index as u32)
    }

    fn fields(&mut self, style: StructStyle, fields: &'static [FieldInfo]) -> Fields {
        Fields {
            style,
            fields: fields.iter().map(|f| self.field(f)).collect(),
        }
    }

    fn field(&mut self, f: &'static FieldInfo) -> Field {
        Field {
            name: f.name.to_owned(),
            wire_name: f.wire_name.to_owned(),
            aliases: f.aliases.iter().map(|a| (*a).to_owned()).collect(),
            default: f.default.map(|d| match (d.value)() {
                Ok(tape) => tape.to_string(),
                Err(_) => "(a value that cannot be recorded)".to_owned(),
            }),
            ty: self.node(f.type_info()),
        }
    }

    fn enum_body(&mut self, e: &'static EnumInfo) -> Body {
        Body::Enum {
            variants: e
                .variants
                .iter()
                .map(|v| Variant {
                    name: v.name.to_owned(),
                    fields: self.fields(v.style, v.fields),
                })
                .collect(),
            default_variant: e.default_variant,
        }
    }
}
