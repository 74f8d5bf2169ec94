//! Schema resolution: reading data written with one schema (the writer's) as another (the
//! reader's), by the rules of the spec's "Schema Resolution" section.
//!
//! The pair of schemas is compiled once into a [`Resolution`]: a program that rewrites a
//! writer's datum into the datum the reader's schema would have written (fields reordered,
//! removed fields dropped, added fields filled with their pre-encoded defaults, numbers
//! promoted, enum symbols and union branches renumbered). The reader's generated decoder
//! then reads that datum unchanged, so resolution adds one pass over the bytes and no code
//! per type. Identical schemas (same canonical form) need no program at all.
//!
//! What can never match is an error when compiling, naming the reader's field and the rule.
//! What matches only for some data (a writer's union branch or enum symbol the reader lacks)
//! is an error when such a datum arrives, as the spec asks.

mod program;
mod resolved;
mod transcode;

pub use program::Resolution;
pub use resolved::Resolved;

use super::json::default_to_datum;
use super::schema::{Field, Named, NamedKind, Node, Schema, SchemaError};
use program::{Branch, Op, RecordPlan, Source, Step, keeps_order};
use std::collections::HashMap;

/// Compiles the resolution of `writer` into `reader`, or says which reader field breaks
/// which rule.
pub fn compile(writer: &Schema, reader: &Schema) -> Result<Resolution, SchemaError> {
    let mut compiler = Compiler {
        writer,
        reader,
        records: Vec::new(),
        compiled: HashMap::new(),
        identity: false,
        path: Vec::new(),
    };
    let root = compiler.op(writer.root(), reader.root())?;
    Ok(Resolution::new(root, compiler.records))
}

struct Compiler<'s> {
    writer: &'s Schema,
    reader: &'s Schema,
    records: Vec<RecordPlan>,
    /// (identity, writer record, reader record) → its plan, or why the pair does not
    /// resolve; filled in before the fields are compiled, so recursive records refer to
    /// themselves.
    compiled: HashMap<(bool, usize, usize), Result<usize, SchemaError>>,
    /// Compiling the writer's schema read as itself (to skip a removed field): `reader` is
    /// then the writer's schema.
    identity: bool,
    /// The reader's position, for errors: `Event.payload`.
    path: Vec<String>,
}

/// Which side a node belongs to, for names in messages.
#[derive(Clone, Copy)]
enum Side {
    Writer,
    Reader,
}

impl Compiler<'_> {
    fn error(&self, message: impl Into<String>) -> SchemaError {
        SchemaError::new(self.path.join("."), message)
    }

    fn schema(&self, side: Side) -> &Schema {
        match side {
            Side::Writer => self.writer,
            Side::Reader => self.reader,
        }
    }

    /// How a node reads in messages: `long`, `array`, `record com.example.Event`.
    fn describe(&self, node: &Node, side: Side) -> String {
        if let Some(name) = node.primitive_name() {
            return name.into();
        }
        let Node::Named(i) = node else {
            unreachable!("only named types lack a primitive name")
        };
        let named = self.schema(side).get(*i);
        let kind = match named.kind {
            NamedKind::Record(_) => "record",
            NamedKind::Enum { .. } => "enum",
            NamedKind::Fixed { .. } => "fixed",
        };
        format!("{kind} {}", named.name)
    }

    /// The program that reads a writer's `w` as the reader's `r`.
    fn op(&mut self, w: &Node, r: &Node) -> Result<Op, SchemaError> {
        // Logical types resolve as their primitives (the spec's rule).
        let (w, r) = (w.base(), r.base());
        Ok(match (w, r) {
            (Node::Union(writer), _) => {
                let branches: Vec<Branch> = writer
                    .iter()
                    .map(|branch| match self.op(branch, r) {
                        Ok(op) => Branch::Read(op),
                        Err(e) => Branch::Refuse(e.to_string().into()),
                    })
                    .collect();
                copy_union(&branches).unwrap_or_else(|| Op::WriterUnion(branches.into()))
            }
            (_, Node::Union(reader)) => {
                let index = self.pick_branch(w, reader).ok_or_else(|| {
                    self.error(format!(
                        "the writer's {} matches no branch of the reader's union [{}]",
                        self.describe(w, Side::Writer),
                        reader
                            .iter()
                            .map(|b| self.describe(b, Side::Reader))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
                let op = self.op(w, &reader[index])?;
                Op::ReaderUnion(index as u32, Box::new(op))
            }
            (Node::Null, Node::Null) => Op::Nothing,
            (Node::Boolean, Node::Boolean) => Op::Fixed(1),
            (Node::Int | Node::Long, Node::Long) | (Node::Int, Node::Int) => Op::Varint,
            (Node::Int | Node::Long, Node::Float) => Op::LongToFloat,
            (Node::Int | Node::Long, Node::Double) => Op::LongToDouble,
            (Node::Float, Node::Float) => Op::Fixed(4),
            (Node::Float, Node::Double) => Op::FloatToDouble,
            (Node::Double, Node::Double) => Op::Fixed(8),
            (
                Node::String | Node::Bytes | Node::Generic(_),
                Node::String | Node::Bytes | Node::Generic(_),
            ) => Op::Bytes,
            (Node::Array(w), Node::Array(r)) => {
                self.path.push("[]".into());
                let item = self.op(w, r);
                self.path.pop();
                Op::Array(Box::new(item?))
            }
            (Node::Map(w), Node::Map(r)) => {
                self.path.push("{}".into());
                let value = self.op(w, r);
                self.path.pop();
                Op::Map(Box::new(value?))
            }
            (Node::Named(w), Node::Named(r)) => self.named(*w, *r)?,
            _ => {
                return Err(self.error(format!(
                    "the writer's {} cannot be read as {} (Avro promotes int→long→float→double and string↔bytes only)",
                    self.describe(w, Side::Writer),
                    self.describe(r, Side::Reader)
                )));
            }
        })
    }

    /// The reader's branch for a writer's (non-union) node: the first of the same type,
    /// else the first it promotes to.
    fn pick_branch(&self, w: &Node, reader: &[Node]) -> Option<usize> {
        reader
            .iter()
            .position(|r| self.same_kind(w, r))
            .or_else(|| reader.iter().position(|r| promotes(w, r)))
    }

    /// Whether two nodes are of one type, as union matching sees it: same primitive, both
    /// arrays, both maps, or named types of one name (or alias) and kind.
    fn same_kind(&self, w: &Node, r: &Node) -> bool {
        match (w.base(), r.base()) {
            (Node::Named(w), Node::Named(r)) => {
                let (w, r) = (self.writer.get(*w), self.reader.get(*r));
                same_kind_of_named(w, r) && names_match(w, r)
            }
            (Node::Array(_), Node::Array(_)) | (Node::Map(_), Node::Map(_)) => true,
            (Node::Generic(_), Node::Bytes) | (Node::Bytes, Node::Generic(_)) => true,
            (w, r) => core::mem::discriminant(w) == core::mem::discriminant(r),
        }
    }

    fn named(&mut self, w: usize, r: usize) -> Result<Op, SchemaError> {
        let (wn, rn) = (self.writer.get(w), self.reader.get(r));
        if !same_kind_of_named(wn, rn) || !names_match(wn, rn) {
            return Err(self.error(format!(
                "the writer's {} cannot be read as {}: named types match by name or by one of the reader's aliases",
                self.describe(&Node::Named(w), Side::Writer),
                self.describe(&Node::Named(r), Side::Reader)
            )));
        }
        match (&wn.kind, &rn.kind) {
            (NamedKind::Fixed { size: ws }, NamedKind::Fixed { size: rs }) if ws == rs => {
                Ok(Op::Fixed(*ws))
            }
            (NamedKind::Fixed { size: ws }, NamedKind::Fixed { size: rs }) => Err(self.error(format!(
                "fixed {} holds {ws} bytes as written and {rs} as read; a fixed's size cannot change",
                rn.name
            ))),
            (NamedKind::Enum { symbols: ws, .. }, NamedKind::Enum { symbols: rs, default }) => {
                let fallback = default.as_ref().and_then(|d| rs.iter().position(|s| s == d));
                let map: Box<[Option<u32>]> = ws
                    .iter()
                    .map(|s| {
                        rs.iter()
                            .position(|x| x == s)
                            .or(fallback)
                            .map(|i| i as u32)
                    })
                    .collect();
                if map.iter().enumerate().all(|(i, to)| *to == Some(i as u32)) {
                    // The writer's symbols start the reader's list: indices are unchanged.
                    return Ok(Op::Varint);
                }
                Ok(Op::Enum {
                    map,
                    name: rn.name.full().into(),
                    symbols: ws.clone().into(),
                })
            }
            (NamedKind::Record(_), NamedKind::Record(_)) => {
                let index = self.record(w, r)?;
                Ok(match &self.records[index] {
                    RecordPlan::InOrder(steps) => match &steps[..] {
                        [] => Op::Span(Box::new([])),
                        [Step::Copy(fields)] => Op::Span(fields.clone()),
                        _ => Op::Record(index),
                    },
                    _ => Op::Record(index),
                })
            }
            _ => unreachable!("same_kind_of_named checked the kinds"),
        }
    }

    fn record(&mut self, w: usize, r: usize) -> Result<usize, SchemaError> {
        let key = (self.identity, w, r);
        if let Some(done) = self.compiled.get(&key) {
            return done.clone();
        }
        let index = self.records.len();
        self.records
            .push(RecordPlan::Refused("being compiled".into()));
        self.compiled.insert(key, Ok(index));
        let rn = self.reader.get(r);
        self.path.push(rn.name.name.clone());
        let plan = self.record_plan(w, r);
        self.path.pop();
        match plan {
            Ok(plan) => {
                self.records[index] = plan;
                Ok(index)
            }
            Err(e) => {
                self.records[index] = RecordPlan::Refused(e.to_string().into());
                self.compiled.insert(key, Err(e.clone()));
                Err(e)
            }
        }
    }

    fn record_plan(&mut self, w: usize, r: usize) -> Result<RecordPlan, SchemaError> {
        let (writer, reader) = (self.writer, self.reader);
        let (wn, rn) = (writer.get(w), reader.get(r));
        let (NamedKind::Record(wf), NamedKind::Record(rf)) = (&wn.kind, &rn.kind) else {
            unreachable!("records only")
        };
        // Where each reader field comes from: the writer's field of its name, else of one
        // of its aliases (each writer field read once).
        let mut target_of_writer = vec![None; wf.len()];
        let sources: Vec<Option<usize>> = rf
            .iter()
            .enumerate()
            .map(|(reader_index, field)| {
                let found = wf
                    .iter()
                    .position(|x| x.name == field.name)
                    .or_else(|| wf.iter().position(|x| field.aliases.contains(&x.name)))
                    .filter(|w| target_of_writer[*w].is_none());
                if let Some(w) = found {
                    target_of_writer[w] = Some(reader_index);
                }
                found
            })
            .collect();
        let defaults = self.defaults(wn, rf, &sources)?;
        if !keeps_order(&sources) {
            let scan = wf
                .iter()
                .map(|f| self.skip(&f.schema))
                .collect::<Result<_, _>>()?;
            let mut fields: Vec<Source> = Vec::with_capacity(rf.len());
            for ((field, source), default) in rf.iter().zip(&sources).zip(defaults) {
                let next = match (source, default) {
                    (Some(w), _) => match self.field_op(&wf[*w], field)? {
                        op if op.is_copy() => Source::Copy {
                            first: *w,
                            end: w + 1,
                        },
                        op => Source::Read { field: *w, op },
                    },
                    (None, default) => Source::Default(default.unwrap_or_default()),
                };
                // Fields that stay neighbours copy as one range.
                match (fields.last_mut(), &next) {
                    (Some(Source::Copy { end, .. }), Source::Copy { first, end: to })
                        if *end == *first =>
                    {
                        *end = *to;
                    }
                    _ => fields.push(next),
                }
            }
            return Ok(RecordPlan::Reordered {
                scan,
                fields: fields.into(),
            });
        }
        let mut steps = Vec::with_capacity(wf.len());
        for (field, target) in wf.iter().zip(&target_of_writer) {
            steps.push(match *target {
                Some(r) => Step::Read(self.field_op(field, &rf[r])?),
                None => Step::Skip(self.skip(&field.schema)?),
            });
        }
        Ok(RecordPlan::in_order(steps, &sources, defaults))
    }

    /// The program of one field, with the field in the error path.
    fn field_op(&mut self, writer: &Field, reader: &Field) -> Result<Op, SchemaError> {
        self.path.push(reader.name.clone());
        let op = self.op(&writer.schema, &reader.schema);
        self.path.pop();
        op
    }

    /// The encoded defaults of the reader's fields the writer lacks (`None` for the others);
    /// a missing field without a default is an error.
    fn defaults(
        &self,
        writer: &Named,
        fields: &[Field],
        sources: &[Option<usize>],
    ) -> Result<Vec<Option<Box<[u8]>>>, SchemaError> {
        let at = |field: &Field| format!("{}.{}", self.path.join("."), field.name);
        fields
            .iter()
            .zip(sources)
            .map(|(field, source)| {
                if source.is_some() {
                    return Ok(None);
                }
                let Some(default) = &field.default else {
                    return Err(SchemaError::new(
                        at(field),
                        format!(
                            "the reader's field `{}` is not in the writer's record {} and has no default (add #[typeinfo(default)], or an alias if it was renamed)",
                            field.name, writer.name
                        ),
                    ));
                };
                let mut bytes = Vec::new();
                default_to_datum(self.reader, &field.schema, default, &mut bytes)
                    .map_err(|m| SchemaError::new(at(field), m))?;
                Ok(Some(bytes.into_boxed_slice()))
            })
            .collect()
    }

    /// The program that reads past a writer's field the reader does not have: the writer's
    /// schema read as itself, its output dropped.
    fn skip(&mut self, w: &Node) -> Result<Op, SchemaError> {
        let reader = core::mem::replace(&mut self.reader, self.writer);
        let identity = core::mem::replace(&mut self.identity, true);
        let op = self.op(w, w);
        self.reader = reader;
        self.identity = identity;
        op
    }
}

/// A writer union whose every branch `i` is read as the reader's branch `i` with a
/// program that copies: the union's bytes are the reader's, so it copies too.
fn copy_union(branches: &[Branch]) -> Option<Op> {
    let copied = branches.iter().enumerate().map(|(i, branch)| match branch {
        Branch::Read(Op::ReaderUnion(to, op)) if *to as usize == i && op.is_copy() => {
            Some((**op).clone())
        }
        _ => None,
    });
    copied.collect::<Option<Box<[Op]>>>().map(Op::CopyUnion)
}

fn same_kind_of_named(w: &Named, r: &Named) -> bool {
    matches!(
        (&w.kind, &r.kind),
        (NamedKind::Record(_), NamedKind::Record(_))
            | (NamedKind::Enum { .. }, NamedKind::Enum { .. })
            | (NamedKind::Fixed { .. }, NamedKind::Fixed { .. })
    )
}

/// The spec matches named types by unqualified name; the reader's aliases name what the
/// type was called before, matched the same way.
fn names_match(w: &Named, r: &Named) -> bool {
    w.name.name == r.name.name || r.aliases.iter().any(|a| a.name == w.name.name)
}

/// The spec's promotions, for picking a union branch.
fn promotes(w: &Node, r: &Node) -> bool {
    matches!(
        (w.base(), r.base()),
        (Node::Int, Node::Long | Node::Float | Node::Double)
            | (Node::Long, Node::Float | Node::Double)
            | (Node::Float, Node::Double)
            | (Node::String, Node::Bytes | Node::Generic(_))
            | (Node::Bytes | Node::Generic(_), Node::String)
    )
}
