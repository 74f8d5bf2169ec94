//! The migration plan: what to read from old bytes and what to hand today's type, compiled
//! once from the old shape and today's, so a record pays no matching of names.
//!
//! The rules are the compatibility check's (`super::super::compat`): every change it calls
//! a migration has a step here, and a change it calls incompatible never gets this far.

use super::MigrationError;
use crate::codec::StructKind;
use crate::codec::tape::Event;
use crate::info::{FieldInfo, LogicalKind, StructStyle, TypeInfo};
use crate::snapshot::compat::{is_leaf, match_fields, widens};
use crate::snapshot::shape::{Body, Fields, Node, Shape};
use std::collections::HashSet;
use std::sync::Mutex;

/// How one old value becomes today's.
#[derive(Debug)]
pub(super) enum Step {
    /// Old and today's subtree are the same bytes and the same values: today's type reads
    /// it as it decodes (generated code, full speed); the inner step reads it where no type
    /// is at hand (a dropped field, a value on a tape).
    Direct(Box<Step>),
    /// A value written through serde, read only as today's type decodes it.
    Generic(String),
    /// A scalar (a leaf [`Node`]) read and handed on as itself.
    Leaf(Node),
    /// An old number read as `.0`, handed on as the wider `.1`.
    Widen(Node, Node),
    /// A date-time value: read and handed on as an instant, whatever the format's wire.
    Instant,
    /// A value that today's type holds in an `Option`: handed on as `Some`.
    IntoSome(Box<Step>),
    /// An option; `variant` when the old one is tagged as an enum with data is.
    Option {
        variant: bool,
        inner: Box<Step>,
    },
    /// A list or a set (which may change kind: it is rebuilt by today's type).
    Seq(Box<Step>),
    Map(Box<Step>, Box<Step>),
    Array(u64, Box<Step>),
    Tuple(Vec<Step>),
    /// A user type: an index into [`Plan::types`].
    Named(usize),
}

/// The plan of one pair of user types (or of an old type whose values are dropped).
#[derive(Debug)]
pub(super) struct TypePlan {
    /// The class name a format that writes one checks (kryo): the old type's.
    pub(super) wire_name: &'static str,
    /// The type's name in errors and for the variant check.
    pub(super) name: &'static str,
    pub(super) body: BodyPlan,
}

#[derive(Debug)]
pub(super) enum BodyPlan {
    Struct(FieldsPlan),
    /// By old variant index: today's index and how its fields read.
    Enum(Vec<VariantPlan>),
}

#[derive(Debug)]
pub(super) struct VariantPlan {
    pub(super) index: u32,
    pub(super) name: &'static str,
    pub(super) fields: FieldsPlan,
}

/// How the fields of one struct or variant read.
#[derive(Debug)]
pub(super) struct FieldsPlan {
    /// The shape the old writer announced (kryo writes a class unless it is a newtype).
    pub(super) kind: StructKind,
    /// In the order the old bytes hold the fields.
    pub(super) reads: Vec<FieldRead>,
    /// In the order today's type reads them.
    pub(super) emits: Vec<Emit>,
    /// Whether `emits` is the reads' kept values in their order: nothing to move.
    pub(super) in_place: bool,
}

#[derive(Debug)]
pub(super) struct FieldRead {
    /// The field's name in errors (today's name when kept).
    pub(super) name: &'static str,
    pub(super) step: Step,
    /// Whether today's type keeps the value; a removed field is read and dropped.
    pub(super) kept: bool,
    /// The index among today's fields that the value goes to, when kept.
    pub(super) target: Option<usize>,
}

#[derive(Debug)]
pub(super) enum Emit {
    /// The value of the `n`th kept read.
    Kept(usize),
    /// A field today's type added: its recorded default.
    Default(Vec<Event>),
}

/// A compiled migration.
#[derive(Debug)]
pub(super) struct Plan {
    pub(super) root: Step,
    pub(super) types: Vec<TypePlan>,
    /// Whether the old bytes hold named fields sorted by name.
    pub(super) old_sorted: bool,
}

impl Plan {
    pub(super) fn build(
        old: &Shape,
        new: &Shape,
        infos: &[&'static TypeInfo],
        old_sorted: bool,
        new_sorted: bool,
    ) -> Result<Plan, MigrationError> {
        let mut builder = Builder {
            old,
            new,
            infos,
            old_sorted,
            new_sorted,
            types: Vec::new(),
            built: Vec::new(),
        };
        let root = builder.step("value", &old.root, Side::New(&new.root))?;
        Ok(Plan {
            root,
            types: builder.types,
            old_sorted,
        })
    }
}

/// What an old node is read into: today's node, or nothing (its value is dropped, so it is
/// read as it was written).
#[derive(Clone, Copy)]
enum Side<'a> {
    New(&'a Node),
    Dropped,
}

impl Side<'_> {
    /// The side of a part of the node: today's part, or dropped as the whole is.
    fn inner<'n>(self, node: &'n Node) -> Side<'n> {
        match self {
            Side::New(_) => Side::New(node),
            Side::Dropped => Side::Dropped,
        }
    }
}

struct Builder<'a> {
    old: &'a Shape,
    new: &'a Shape,
    infos: &'a [&'static TypeInfo],
    old_sorted: bool,
    new_sorted: bool,
    types: Vec<TypePlan>,
    /// `(old type, today's type or None when dropped)` → index into `types`.
    built: Vec<((u32, Option<u32>), usize)>,
}

impl Builder<'_> {
    fn step(&mut self, path: &str, old: &Node, side: Side<'_>) -> Result<Step, MigrationError> {
        if let Side::New(new) = side
            && self.same(old, new, &mut Vec::new())
        {
            let inner = match old {
                Node::Generic(name) => Step::Generic(name.clone()),
                _ => self.structure(path, old, side)?,
            };
            return Ok(Step::Direct(Box::new(inner)));
        }
        self.structure(path, old, side)
    }

    /// Whether today's type reads the old subtree as it is: the same nodes, user types with
    /// the same class name, the same fields in the same wire order (matched by name or
    /// alias), the same variants at the same indices (today's may add more after them).
    /// A pair met again while it is being compared counts as the same (recursion).
    fn same(&self, old: &Node, new: &Node, seen: &mut Vec<(u32, u32)>) -> bool {
        use Node as N;
        match (old, new) {
            (N::Option(a), N::Option(b)) | (N::List(_, a), N::List(_, b)) => self.same(a, b, seen),
            (N::Array(n, a), N::Array(m, b)) => n == m && self.same(a, b, seen),
            (N::Set(ka, a), N::Set(kb, b)) => ka == kb && self.same(a, b, seen),
            (N::Map(ka, k0, v0), N::Map(kb, k1, v1)) => {
                ka == kb && self.same(k0, k1, seen) && self.same(v0, v1, seen)
            }
            (N::Tuple(a), N::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(a, b)| self.same(a, b, seen))
            }
            (
                N::Logical {
                    kind: ka, repr: ra, ..
                },
                N::Logical {
                    kind: kb, repr: rb, ..
                },
            ) => ka == kb && self.same(ra, rb, seen),
            (N::Named(a), N::Named(b)) => self.same_named(*a, *b, seen),
            (N::Generic(a), N::Generic(b)) => a == b,
            _ => is_leaf(old) && old == new,
        }
    }

    fn same_named(&self, a: u32, b: u32, seen: &mut Vec<(u32, u32)>) -> bool {
        if seen.contains(&(a, b)) {
            return true;
        }
        seen.push((a, b));
        let (old, new) = (self.old.named(a), self.new.named(b));
        if old.wire_name != new.wire_name || old.name != new.name {
            return false;
        }
        match (&old.body, &new.body) {
            (Body::Struct(x), Body::Struct(y)) => self.same_fields(x, y, seen),
            (Body::Enum { variants: x, .. }, Body::Enum { variants: y, .. }) => {
                x.len() <= y.len()
                    && x.iter().zip(y).all(|(x, y)| {
                        x.name == y.name && self.same_fields(&x.fields, &y.fields, seen)
                    })
            }
            _ => false,
        }
    }

    fn same_fields(&self, old: &Fields, new: &Fields, seen: &mut Vec<(u32, u32)>) -> bool {
        if old.style != new.style || old.fields.len() != new.fields.len() {
            return false;
        }
        let matches = match_fields(old, new);
        let old_order = old.wire_order(self.old_sorted);
        let new_order = new.wire_order(self.new_sorted);
        old_order.iter().zip(&new_order).all(|(&i, &j)| {
            matches[j] == Some(i) && self.same(&old.fields[i].ty, &new.fields[j].ty, seen)
        })
    }

    /// The step that reads `old` node by node (and converts it into today's).
    fn structure(
        &mut self,
        path: &str,
        old: &Node,
        side: Side<'_>,
    ) -> Result<Step, MigrationError> {
        use Node as N;
        let new = match side {
            Side::New(new) => new,
            Side::Dropped => old,
        };
        let dropped = matches!(side, Side::Dropped);
        Ok(match (old, new) {
            (N::Option(a), N::Option(b)) => Step::Option {
                variant: self.is_data_enum(a),
                inner: Box::new(self.step(&format!("{path}?"), a, side.inner(b))?),
            },
            (N::List(_, a), N::List(_, b)) | (N::Set(_, a), N::Set(_, b)) => Step::Seq(Box::new(
                self.step(&format!("{path}[*]"), a, side.inner(b))?,
            )),
            (N::Array(n, a), N::Array(m, b)) if n == m => Step::Array(
                *n,
                Box::new(self.step(&format!("{path}[*]"), a, side.inner(b))?),
            ),
            (N::Map(_, k0, v0), N::Map(_, k1, v1)) => Step::Map(
                Box::new(self.step(&format!("{path}{{key}}"), k0, side.inner(k1))?),
                Box::new(self.step(&format!("{path}{{value}}"), v0, side.inner(v1))?),
            ),
            (N::Tuple(a), N::Tuple(b)) if a.len() == b.len() => Step::Tuple(
                a.iter()
                    .zip(b)
                    .enumerate()
                    .map(|(i, (a, b))| self.step(&format!("{path}.{i}"), a, side.inner(b)))
                    .collect::<Result<_, _>>()?,
            ),
            (N::Named(a), N::Named(b)) => {
                Step::Named(self.named(path, *a, (!dropped).then_some(*b))?)
            }
            (N::Generic(name), _) => {
                return Err(MigrationError::Unsupported {
                    path: path.to_owned(),
                    what: format!(
                        "`{name}` is written through serde in the format's own way, which a migration cannot see into; keep the type unchanged so its bytes read as they are"
                    ),
                });
            }
            (
                N::Logical {
                    kind: ka, repr: ra, ..
                },
                N::Logical {
                    kind: kb, repr: rb, ..
                },
            ) if ka == kb => match ka {
                LogicalKind::TimestampNanos | LogicalKind::LocalTimestampNanos => Step::Instant,
                _ => self.step(path, ra, side.inner(rb))?,
            },
            _ if old == new && is_leaf(old) => Step::Leaf(old.clone()),
            _ if !dropped && widens(old, new) => Step::Widen(old.clone(), new.clone()),
            (_, N::Option(b)) if !dropped && !matches!(old, N::Option(_)) => Step::IntoSome(
                Box::new(self.step(&format!("{path}?"), old, Side::New(b))?),
            ),
            _ => {
                return Err(MigrationError::Unsupported {
                    path: path.to_owned(),
                    what: "not a conversion a migration makes".to_owned(),
                });
            }
        })
    }

    /// Whether an old option's value is an enum with data (tagged apart in some formats).
    fn is_data_enum(&self, node: &Node) -> bool {
        match node {
            Node::Named(i) => match &self.old.named(*i).body {
                Body::Enum { variants, .. } => variants.iter().any(|v| !v.fields.fields.is_empty()),
                Body::Struct(_) => false,
            },
            _ => false,
        }
    }

    /// The plan of old type `a` read as today's `b` (or dropped), built once per pair; a
    /// recursive type refers to its own entry.
    fn named(&mut self, path: &str, a: u32, b: Option<u32>) -> Result<usize, MigrationError> {
        if let Some((_, index)) = self.built.iter().find(|(key, _)| *key == (a, b)) {
            return Ok(*index);
        }
        let old = self.old.named(a);
        // The class name a format checks is the one the old bytes hold.
        let wire_name = intern(&old.wire_name);
        let name = match b {
            Some(b) => intern(&self.new.named(b).name),
            None => intern(&old.name),
        };
        let index = self.types.len();
        self.built.push(((a, b), index));
        self.types.push(TypePlan {
            wire_name,
            name,
            body: BodyPlan::Enum(Vec::new()),
        });
        let body = match (&old.body, b) {
            (Body::Struct(fields), None) => BodyPlan::Struct(self.dropped_fields(path, fields)?),
            (Body::Enum { variants, .. }, None) => BodyPlan::Enum(
                variants
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        Ok(VariantPlan {
                            index: i as u32,
                            name: intern(&v.name),
                            fields: self
                                .dropped_fields(&format!("{path}::{}", v.name), &v.fields)?,
                        })
                    })
                    .collect::<Result<_, MigrationError>>()?,
            ),
            (Body::Struct(fields), Some(b)) => {
                let Body::Struct(today) = &self.new.named(b).body else {
                    return Err(changed_kind(path));
                };
                let infos = struct_fields(self.infos[b as usize]);
                BodyPlan::Struct(self.fields(path, fields, today, infos)?)
            }
            (Body::Enum { variants, .. }, Some(b)) => {
                let Body::Enum {
                    variants: today,
                    default_variant,
                } = &self.new.named(b).body
                else {
                    return Err(changed_kind(path));
                };
                let info = self.infos[b as usize];
                let mut plans = Vec::with_capacity(variants.len());
                for variant in variants {
                    let here = format!("{path}::{}", variant.name);
                    let (j, fields) = match today.iter().position(|v| v.name == variant.name) {
                        Some(j) => {
                            let infos = variant_fields(info, j);
                            let fields =
                                self.fields(&here, &variant.fields, &today[j].fields, infos)?;
                            (j, fields)
                        }
                        None => {
                            let Some(j) = default_variant.map(|d| d as usize) else {
                                return Err(MigrationError::Unsupported {
                                    path: here,
                                    what: "a removed variant, and no default variant to read it as"
                                        .to_owned(),
                                });
                            };
                            let infos = variant_fields(info, j);
                            (j, self.read_as_default(&here, &variant.fields, infos)?)
                        }
                    };
                    plans.push(VariantPlan {
                        index: j as u32,
                        name: intern(&today[j].name),
                        fields,
                    });
                }
                BodyPlan::Enum(plans)
            }
        };
        self.types[index].body = body;
        Ok(index)
    }

    /// Old fields read as today's: kept ones by name or alias, removed ones dropped, added
    /// ones from their defaults.
    fn fields(
        &mut self,
        path: &str,
        old: &Fields,
        new: &Fields,
        infos: &'static [FieldInfo],
    ) -> Result<FieldsPlan, MigrationError> {
        if old.style != new.style {
            return Err(MigrationError::Unsupported {
                path: path.to_owned(),
                what: "the fields changed style".to_owned(),
            });
        }
        let matches = match_fields(old, new);
        let mut reads = Vec::with_capacity(old.fields.len());
        // For each old field, its position among the kept reads.
        let mut kept_at = vec![None; old.fields.len()];
        for i in old.wire_order(self.old_sorted) {
            let field = &old.fields[i];
            let read = match matches.iter().position(|m| *m == Some(i)) {
                Some(j) => {
                    kept_at[i] = Some(reads.iter().filter(|r: &&FieldRead| r.kept).count());
                    let here = format!("{path}.{}", new.fields[j].name);
                    FieldRead {
                        name: infos[j].name,
                        step: self.step(&here, &field.ty, Side::New(&new.fields[j].ty))?,
                        kept: true,
                        target: Some(j),
                    }
                }
                None => self.dropped(path, field)?,
            };
            reads.push(read);
        }
        let mut emits = Vec::with_capacity(new.fields.len());
        for (j, found) in matches.iter().enumerate() {
            emits.push(match found {
                Some(i) => Emit::Kept(kept_at[*i].expect("a kept field was read")),
                None => self.default_of(path, &infos[j])?,
            });
        }
        let in_place = emits
            .iter()
            .enumerate()
            .all(|(n, e)| matches!(e, Emit::Kept(k) if *k == n));
        Ok(FieldsPlan {
            kind: struct_kind(old),
            reads,
            emits,
            in_place,
        })
    }

    /// Old fields that are all dropped, and today's fields (of the default variant) all
    /// from their defaults.
    fn read_as_default(
        &mut self,
        path: &str,
        old: &Fields,
        infos: &'static [FieldInfo],
    ) -> Result<FieldsPlan, MigrationError> {
        let mut plan = self.dropped_fields(path, old)?;
        plan.emits = infos
            .iter()
            .map(|f| self.default_of(path, f))
            .collect::<Result<_, _>>()?;
        plan.in_place = plan.emits.is_empty();
        Ok(plan)
    }

    fn dropped_fields(&mut self, path: &str, old: &Fields) -> Result<FieldsPlan, MigrationError> {
        let reads = old
            .wire_order(self.old_sorted)
            .into_iter()
            .map(|i| self.dropped(path, &old.fields[i]))
            .collect::<Result<_, _>>()?;
        Ok(FieldsPlan {
            kind: struct_kind(old),
            reads,
            emits: Vec::new(),
            in_place: true,
        })
    }

    fn dropped(
        &mut self,
        path: &str,
        field: &crate::snapshot::shape::Field,
    ) -> Result<FieldRead, MigrationError> {
        let here = format!("{path}.{}", field.name);
        Ok(FieldRead {
            name: intern(&field.name),
            step: self.step(&here, &field.ty, Side::Dropped)?,
            kept: false,
            target: None,
        })
    }

    fn default_of(&self, path: &str, field: &'static FieldInfo) -> Result<Emit, MigrationError> {
        let here = format!("{path}.{}", field.name);
        let Some(default) = field.default else {
            return Err(MigrationError::Unsupported {
                path: here,
                what: "a field added without a default".to_owned(),
            });
        };
        let tape = (default.value)().map_err(|e| MigrationError::Unsupported {
            path: here,
            what: format!("the default cannot be recorded: {e}"),
        })?;
        // Today's type reads structure from its own code; the tape gives values only, and a
        // byte array recorded whole reads element by element, as the plan writes arrays.
        let events = tape
            .events
            .into_iter()
            .flat_map(|event| match event {
                Event::StructStart(..) | Event::TupleStart(_) => Vec::new(),
                Event::ByteArray(bytes) => bytes.iter().map(|b| Event::U8(*b)).collect(),
                event => vec![event],
            })
            .collect();
        Ok(Emit::Default(events))
    }
}

fn changed_kind(path: &str) -> MigrationError {
    MigrationError::Unsupported {
        path: path.to_owned(),
        what: "a struct became an enum or an enum a struct".to_owned(),
    }
}

fn struct_fields(info: &'static TypeInfo) -> &'static [FieldInfo] {
    match info {
        TypeInfo::Struct(s) => s.fields,
        _ => &[],
    }
}

fn variant_fields(info: &'static TypeInfo, index: usize) -> &'static [FieldInfo] {
    match info {
        TypeInfo::Enum(e) => e.variants[index].fields,
        _ => &[],
    }
}

/// The shape the derive announces for a struct with these fields.
fn struct_kind(fields: &Fields) -> StructKind {
    match (fields.style, fields.fields.len()) {
        (StructStyle::Unit, _) => StructKind::Unit,
        (StructStyle::Tuple, 1) => StructKind::Newtype,
        (StructStyle::Tuple, _) => StructKind::Tuple,
        (StructStyle::Named, _) => StructKind::Named,
    }
}

/// A `'static` copy of a name from an old snapshot, which formats' readers take as type
/// names. Each distinct name is kept once for the life of the program, so building many
/// migrations does not grow memory past the names they use.
fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut names = NAMES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}
