//! A snapshot as a person reads it: the format and its settings, the root type, then each
//! user type with its fields (types inline, defaults and aliases beside them).

use super::Snapshot;
use super::shape::{Body, Fields, Node, Shape};
use crate::info::{CollectionKind, ListKind, StructStyle};
use core::fmt::{self, Display, Formatter, Write};

impl Display for Snapshot {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "snapshot: {} (fingerprint {:016x})",
            self.format,
            self.fingerprint()
        )?;
        for (key, value) in &self.settings {
            writeln!(f, "  setting {key} = {value}")?;
        }
        writeln!(f, "root: {}", NodeText(&self.shape, &self.shape.root))?;
        for ty in &self.shape.types {
            write!(f, "{} ({})", ty.name, ty.key)?;
            if !ty.aliases.is_empty() {
                write!(f, ", was {}", ty.aliases.join(", "))?;
            }
            match &ty.body {
                Body::Struct(fields) => {
                    writeln!(f)?;
                    write_fields(f, &self.shape, fields, "  ")?;
                }
                Body::Enum {
                    variants,
                    default_variant,
                } => {
                    write!(f, ", enum")?;
                    if let Some(v) = default_variant.and_then(|i| variants.get(i as usize)) {
                        write!(f, ", unknown variants read as {}", v.name)?;
                    }
                    writeln!(f)?;
                    for v in variants {
                        writeln!(f, "  {}{}", v.name, style_mark(v.fields.style))?;
                        write_fields(f, &self.shape, &v.fields, "    ")?;
                    }
                }
            }
        }
        Ok(())
    }
}

fn style_mark(style: StructStyle) -> &'static str {
    match style {
        StructStyle::Named => " { .. }",
        StructStyle::Tuple => "(..)",
        StructStyle::Unit => "",
    }
}

fn write_fields(
    f: &mut Formatter<'_>,
    shape: &Shape,
    fields: &Fields,
    indent: &str,
) -> fmt::Result {
    for field in &fields.fields {
        write!(f, "{indent}{}: {}", field.name, NodeText(shape, &field.ty))?;
        if let Some(default) = &field.default {
            write!(f, " = {default}")?;
        }
        if field.wire_name != field.name {
            write!(f, " (serde name {})", field.wire_name)?;
        }
        if !field.aliases.is_empty() {
            write!(f, " (was {})", field.aliases.join(", "))?;
        }
        writeln!(f)?;
    }
    Ok(())
}

/// A node as a Rust type reads: `Vec<Item>`, `HashMap<String, u64>`, `[u8; 16]`.
#[derive(Clone, Copy)]
pub(super) struct NodeText<'a>(pub &'a Shape, pub &'a Node);

impl<'a> Display for NodeText<'a> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let NodeText(shape, node): NodeText<'a> = *self;
        let sub = |n: &'a Node| NodeText(shape, n);
        match node {
            Node::Bool => f.write_str("bool"),
            Node::U8 => f.write_str("u8"),
            Node::U16 => f.write_str("u16"),
            Node::U32 => f.write_str("u32"),
            Node::U64 => f.write_str("u64"),
            Node::U128 => f.write_str("u128"),
            Node::I8 => f.write_str("i8"),
            Node::I16 => f.write_str("i16"),
            Node::I32 => f.write_str("i32"),
            Node::I64 => f.write_str("i64"),
            Node::I128 => f.write_str("i128"),
            Node::F32 => f.write_str("f32"),
            Node::F64 => f.write_str("f64"),
            Node::Char => f.write_str("char"),
            Node::String => f.write_str("String"),
            Node::Bytes => f.write_str("Bytes"),
            Node::Unit => f.write_str("()"),
            Node::Option(t) => write!(f, "Option<{}>", sub(t)),
            Node::List(kind, t) => match kind {
                ListKind::Vec => write!(f, "Vec<{}>", sub(t)),
                ListKind::VecDeque => write!(f, "VecDeque<{}>", sub(t)),
                ListKind::BoxedSlice => write!(f, "Box<[{}]>", sub(t)),
            },
            Node::Array(n, t) => write!(f, "[{}; {n}]", sub(t)),
            Node::Set(kind, t) => write!(f, "{}Set<{}>", kind_prefix(*kind), sub(t)),
            Node::Map(kind, k, v) => {
                write!(f, "{}Map<{}, {}>", kind_prefix(*kind), sub(k), sub(v))
            }
            Node::Tuple(items) => {
                f.write_char('(')?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", sub(t))?;
                }
                if items.len() == 1 {
                    f.write_char(',')?;
                }
                f.write_char(')')
            }
            Node::Named(i) => match shape.types.get(*i as usize) {
                Some(ty) => f.write_str(&ty.name),
                None => write!(f, "#{i}"),
            },
            Node::Generic(name) => write!(f, "generic {name}"),
            Node::Logical { name, repr, .. } => write!(f, "{name} as {}", sub(repr)),
        }
    }
}

pub(super) fn kind_prefix(kind: CollectionKind) -> &'static str {
    match kind {
        CollectionKind::Hash => "Hash",
        CollectionKind::BTree => "BTree",
        CollectionKind::Indexed => "Index",
    }
}
