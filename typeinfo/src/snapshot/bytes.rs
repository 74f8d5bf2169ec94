//! A snapshot's bytes: `TISNAP`, a version byte, then the format, its settings, the type
//! table and the root node, with LEB128 lengths and counts.
//!
//! The reader takes untrusted bytes: every count is checked against the bytes left (each
//! item takes at least one), nesting is bounded, and type indices are checked against the
//! table, so a hostile snapshot gives a [`SnapshotError`], never a panic or a large
//! allocation.

use super::shape::{Body, Field, Fields, NamedType, Node, Shape, Variant};
use super::{Snapshot, SnapshotError};
use crate::info::{CollectionKind, ListKind, LogicalKind, StructStyle};

pub(super) const MAGIC: &[u8; 6] = b"TISNAP";
pub(super) const VERSION: u8 = 1;
/// Deeper nodes than this are refused when reading (no derived type comes close: user
/// types are one level each, however deep their values nest).
const MAX_NESTING: usize = 128;

pub(super) fn write(snapshot: &Snapshot) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(256));
    w.0.extend_from_slice(MAGIC);
    w.0.push(VERSION);
    w.str(&snapshot.format);
    w.len(snapshot.settings.len());
    for (key, value) in &snapshot.settings {
        w.str(key);
        w.str(value);
    }
    w.len(snapshot.shape.types.len());
    for ty in &snapshot.shape.types {
        w.named(ty);
    }
    w.node(&snapshot.shape.root);
    w.0
}

pub(super) fn read(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len())? != MAGIC {
        return Err(SnapshotError::NotASnapshot);
    }
    let version = r.u8()?;
    if version != VERSION {
        return Err(SnapshotError::Version {
            found: version,
            supported: VERSION,
        });
    }
    let format = r.str()?;
    let settings = r.list(|r| Ok((r.str()?, r.str()?)))?;
    let types = r.list(Reader::named)?;
    let root = r.node(0)?;
    if r.at != bytes.len() {
        return Err(SnapshotError::Invalid {
            offset: r.at,
            what: "bytes after the end of the snapshot",
        });
    }
    let shape = Shape { root, types };
    check_indices(&shape)?;
    Ok(Snapshot {
        format,
        settings,
        shape,
    })
}

/// Every [`Node::Named`] refers to an entry of the table.
fn check_indices(shape: &Shape) -> Result<(), SnapshotError> {
    let count = shape.types.len();
    let mut bad = None;
    let mut visit = |node: &Node| {
        if let Node::Named(i) = node
            && *i as usize >= count
        {
            bad = Some(*i);
        }
    };
    walk(&shape.root, &mut visit);
    for ty in &shape.types {
        match &ty.body {
            Body::Struct(fields) => fields.fields.iter().for_each(|f| walk(&f.ty, &mut visit)),
            Body::Enum { variants, .. } => variants
                .iter()
                .flat_map(|v| &v.fields.fields)
                .for_each(|f| walk(&f.ty, &mut visit)),
        }
    }
    match bad {
        Some(index) => Err(SnapshotError::UnknownType { index, count }),
        None => Ok(()),
    }
}

fn walk(node: &Node, visit: &mut impl FnMut(&Node)) {
    visit(node);
    match node {
        Node::Option(t) | Node::List(_, t) | Node::Array(_, t) | Node::Set(_, t) => walk(t, visit),
        Node::Map(_, k, v) => {
            walk(k, visit);
            walk(v, visit);
        }
        Node::Tuple(items) => items.iter().for_each(|t| walk(t, visit)),
        Node::Logical { repr, .. } => walk(repr, visit),
        _ => {}
    }
}

struct Writer(Vec<u8>);

impl Writer {
    fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn strs(&mut self, items: &[String]) {
        self.len(items.len());
        items.iter().for_each(|s| self.str(s));
    }

    fn named(&mut self, ty: &NamedType) {
        self.str(&ty.name);
        self.str(&ty.wire_name);
        self.str(&ty.key);
        self.strs(&ty.aliases);
        match &ty.body {
            Body::Struct(fields) => {
                self.0.push(0);
                self.fields(fields);
            }
            Body::Enum {
                variants,
                default_variant,
            } => {
                self.0.push(1);
                self.u64(default_variant.map_or(0, |i| u64::from(i) + 1));
                self.len(variants.len());
                for v in variants {
                    self.str(&v.name);
                    self.fields(&v.fields);
                }
            }
        }
    }

    fn fields(&mut self, fields: &Fields) {
        self.0.push(match fields.style {
            StructStyle::Named => 0,
            StructStyle::Tuple => 1,
            StructStyle::Unit => 2,
        });
        self.len(fields.fields.len());
        for f in &fields.fields {
            self.str(&f.name);
            self.str(&f.wire_name);
            self.strs(&f.aliases);
            match &f.default {
                None => self.0.push(0),
                Some(text) => {
                    self.0.push(1);
                    self.str(text);
                }
            }
            self.node(&f.ty);
        }
    }

    fn node(&mut self, node: &Node) {
        self.0.push(tag(node));
        match node {
            Node::Option(t) => self.node(t),
            Node::List(kind, t) => {
                self.0.push(list_kind(*kind));
                self.node(t);
            }
            Node::Array(n, t) => {
                self.u64(*n);
                self.node(t);
            }
            Node::Set(kind, t) => {
                self.0.push(collection_kind(*kind));
                self.node(t);
            }
            Node::Map(kind, k, v) => {
                self.0.push(collection_kind(*kind));
                self.node(k);
                self.node(v);
            }
            Node::Tuple(items) => {
                self.len(items.len());
                items.iter().for_each(|t| self.node(t));
            }
            Node::Named(i) => self.u64(u64::from(*i)),
            Node::Generic(name) => self.str(name),
            Node::Logical { name, kind, repr } => {
                self.str(name);
                let (code, precision, scale) = logical_kind(*kind);
                self.0.push(code);
                self.u64(u64::from(precision));
                self.u64(u64::from(scale));
                self.node(repr);
            }
            _ => {}
        }
    }
}

/// Each node kind's tag byte; the reader's table is the inverse.
fn tag(node: &Node) -> u8 {
    match node {
        Node::Bool => 0,
        Node::U8 => 1,
        Node::U16 => 2,
        Node::U32 => 3,
        Node::U64 => 4,
        Node::U128 => 5,
        Node::I8 => 6,
        Node::I16 => 7,
        Node::I32 => 8,
        Node::I64 => 9,
        Node::I128 => 10,
        Node::F32 => 11,
        Node::F64 => 12,
        Node::Char => 13,
        Node::String => 14,
        Node::Bytes => 15,
        Node::Unit => 16,
        Node::Option(_) => 17,
        Node::List(..) => 18,
        Node::Array(..) => 19,
        Node::Set(..) => 20,
        Node::Map(..) => 21,
        Node::Tuple(_) => 22,
        Node::Named(_) => 23,
        Node::Generic(_) => 24,
        Node::Logical { .. } => 25,
    }
}

fn list_kind(kind: ListKind) -> u8 {
    match kind {
        ListKind::Vec => 0,
        ListKind::VecDeque => 1,
        ListKind::BoxedSlice => 2,
    }
}

fn collection_kind(kind: CollectionKind) -> u8 {
    match kind {
        CollectionKind::Hash => 0,
        CollectionKind::BTree => 1,
        CollectionKind::Indexed => 2,
    }
}

fn logical_kind(kind: LogicalKind) -> (u8, u32, u32) {
    match kind {
        LogicalKind::Date => (0, 0, 0),
        LogicalKind::TimeMicros => (1, 0, 0),
        LogicalKind::TimestampMicros => (2, 0, 0),
        LogicalKind::TimestampNanos => (3, 0, 0),
        LogicalKind::LocalTimestampNanos => (4, 0, 0),
        LogicalKind::Uuid => (5, 0, 0),
        LogicalKind::Decimal { precision, scale } => (6, precision, scale),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn invalid<T>(&self, what: &'static str) -> Result<T, SnapshotError> {
        Err(SnapshotError::Invalid {
            offset: self.at,
            what,
        })
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], SnapshotError> {
        let available = self.bytes.len() - self.at;
        if n > available {
            return Err(SnapshotError::Truncated {
                offset: self.at,
                needed: n,
                available,
            });
        }
        let out = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, SnapshotError> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, SnapshotError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return self.invalid("a number beyond 64 bits");
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        self.invalid("a number beyond 64 bits")
    }

    fn u32(&mut self) -> Result<u32, SnapshotError> {
        let v = self.u64()?;
        u32::try_from(v).or_else(|_| self.invalid("a number beyond 32 bits"))
    }

    /// A count of items that take at least one byte each: never more than the bytes left.
    fn count(&mut self) -> Result<usize, SnapshotError> {
        let n = self.u64()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n > left {
            return Err(SnapshotError::Truncated {
                offset: self.at,
                needed: usize::try_from(n).unwrap_or(usize::MAX),
                available: left as usize,
            });
        }
        Ok(n as usize)
    }

    fn str(&mut self) -> Result<String, SnapshotError> {
        let n = self.count()?;
        let start = self.at;
        let bytes = self.take(n)?;
        match core::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(_) => Err(SnapshotError::Invalid {
                offset: start,
                what: "a name that is not UTF-8",
            }),
        }
    }

    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, SnapshotError>,
    ) -> Result<Vec<T>, SnapshotError> {
        let n = self.count()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }

    fn named(&mut self) -> Result<NamedType, SnapshotError> {
        let name = self.str()?;
        let wire_name = self.str()?;
        let key = self.str()?;
        let aliases = self.list(Reader::str)?;
        let body = match self.u8()? {
            0 => Body::Struct(self.fields()?),
            1 => {
                let default_variant = match self.u32()? {
                    0 => None,
                    i => Some(i - 1),
                };
                let variants = self.list(|r| {
                    Ok(Variant {
                        name: r.str()?,
                        fields: r.fields()?,
                    })
                })?;
                if default_variant.is_some_and(|i| i as usize >= variants.len()) {
                    return self.invalid("a default variant the enum does not have");
                }
                Body::Enum {
                    variants,
                    default_variant,
                }
            }
            _ => return self.invalid("a user type that is neither struct nor enum"),
        };
        Ok(NamedType {
            name,
            wire_name,
            key,
            aliases,
            body,
        })
    }

    fn fields(&mut self) -> Result<Fields, SnapshotError> {
        let style = match self.u8()? {
            0 => StructStyle::Named,
            1 => StructStyle::Tuple,
            2 => StructStyle::Unit,
            _ => return self.invalid("an unknown struct style"),
        };
        let fields = self.list(|r| {
            Ok(Field {
                name: r.str()?,
                wire_name: r.str()?,
                aliases: r.list(Reader::str)?,
                default: match r.u8()? {
                    0 => None,
                    1 => Some(r.str()?),
                    _ => return r.invalid("an unknown default marker"),
                },
                ty: r.node(1)?,
            })
        })?;
        Ok(Fields { style, fields })
    }

    fn node(&mut self, depth: usize) -> Result<Node, SnapshotError> {
        if depth > MAX_NESTING {
            return self.invalid("nodes nested deeper than 128");
        }
        let child = |r: &mut Self| r.node(depth + 1).map(Box::new);
        Ok(match self.u8()? {
            0 => Node::Bool,
            1 => Node::U8,
            2 => Node::U16,
            3 => Node::U32,
            4 => Node::U64,
            5 => Node::U128,
            6 => Node::I8,
            7 => Node::I16,
            8 => Node::I32,
            9 => Node::I64,
            10 => Node::I128,
            11 => Node::F32,
            12 => Node::F64,
            13 => Node::Char,
            14 => Node::String,
            15 => Node::Bytes,
            16 => Node::Unit,
            17 => Node::Option(child(self)?),
            18 => {
                let kind = match self.u8()? {
                    0 => ListKind::Vec,
                    1 => ListKind::VecDeque,
                    2 => ListKind::BoxedSlice,
                    _ => return self.invalid("an unknown list kind"),
                };
                Node::List(kind, child(self)?)
            }
            19 => {
                let n = self.u64()?;
                Node::Array(n, child(self)?)
            }
            20 => {
                let kind = self.collection_kind()?;
                Node::Set(kind, child(self)?)
            }
            21 => {
                let kind = self.collection_kind()?;
                let key = child(self)?;
                Node::Map(kind, key, child(self)?)
            }
            22 => Node::Tuple(self.list(|r| r.node(depth + 1))?),
            23 => Node::Named(self.u32()?),
            24 => Node::Generic(self.str()?),
            25 => {
                let name = self.str()?;
                let code = self.u8()?;
                let precision = self.u32()?;
                let scale = self.u32()?;
                let kind = match code {
                    0 => LogicalKind::Date,
                    1 => LogicalKind::TimeMicros,
                    2 => LogicalKind::TimestampMicros,
                    3 => LogicalKind::TimestampNanos,
                    4 => LogicalKind::LocalTimestampNanos,
                    5 => LogicalKind::Uuid,
                    6 => LogicalKind::Decimal { precision, scale },
                    _ => return self.invalid("an unknown logical kind"),
                };
                Node::Logical {
                    name,
                    kind,
                    repr: child(self)?,
                }
            }
            _ => return self.invalid("an unknown node tag"),
        })
    }

    fn collection_kind(&mut self) -> Result<CollectionKind, SnapshotError> {
        match self.u8()? {
            0 => Ok(CollectionKind::Hash),
            1 => Ok(CollectionKind::BTree),
            2 => Ok(CollectionKind::Indexed),
            _ => self.invalid("an unknown collection kind"),
        }
    }
}
