//! Whether bytes written under one snapshot read under another, and why: Flink's
//! `TypeSerializerSchemaCompatibility`, with every reason in words a person can act on.
//!
//! The check walks the two shapes side by side. Each difference becomes a [`Reason`] with
//! its own [`Outcome`]; the answer is the most severe of them. What needs a migration is
//! exactly what the migrating reader converts, so "compatible" is a promise about values,
//! not only about bytes.

use super::Snapshot;
use super::display::NodeText;
use super::shape::{Body, Fields, Node, Shape, Variant};
use crate::info::StructStyle;
use core::fmt;

/// Flink's four answers, from the mildest to the most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Today's serializer reads the old bytes as they are.
    CompatibleAsIs,
    /// Today's serializer reads the old bytes once given the old snapshot's settings
    /// (kryo's registrations, its reference mode).
    CompatibleWithReconfiguredSerializer,
    /// The old bytes read through a migrating reader, which converts each value.
    CompatibleAfterMigration,
    /// No reader of today's type gives the old values back.
    Incompatible,
}

impl Outcome {
    /// The outcome in words.
    pub const fn describe(self) -> &'static str {
        match self {
            Outcome::CompatibleAsIs => "compatible as is",
            Outcome::CompatibleWithReconfiguredSerializer => {
                "compatible with a reconfigured serializer"
            }
            Outcome::CompatibleAfterMigration => "compatible after migration",
            Outcome::Incompatible => "incompatible",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// One difference between two snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Where in the type: `Order.items[*].sku`, `Order.payment::Card.number`; empty for the
    /// format and its settings.
    pub path: String,
    /// What changed and what it means.
    pub text: String,
    pub outcome: Outcome,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.text, self.outcome)
        } else {
            write!(f, "{}: {}: {}", self.path, self.text, self.outcome)
        }
    }
}

/// The answer to "do bytes written under `old` read as `new`?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compatibility {
    /// The most severe outcome of the reasons (as is when there are none).
    pub outcome: Outcome,
    /// Every difference found, in the order of the type.
    pub reasons: Vec<Reason>,
}

/// The setting a format gives when it writes named fields sorted by serde's name (kryo's
/// `FieldSerializer`); fields are in declaration order otherwise.
pub const FIELD_ORDER: &str = "field-order";
/// The value of [`FIELD_ORDER`] for sorted fields.
pub const SORTED: &str = "sorted";
/// The setting a format gives when its bytes hold each struct's class name (serde's name
/// of the type: kryo): a renamed type then reads only through a migration.
pub const CLASS_NAMES: &str = "class-names";
/// The value of [`CLASS_NAMES`] when the names are in the bytes.
pub const WRITTEN: &str = "written";

impl Compatibility {
    /// Compares the snapshot data was written under with today's.
    pub fn check(old: &Snapshot, new: &Snapshot) -> Compatibility {
        let mut checker = Checker {
            old: &old.shape,
            new: &new.shape,
            old_sorted: old.setting(FIELD_ORDER) == Some(SORTED),
            new_sorted: new.setting(FIELD_ORDER) == Some(SORTED),
            class_names: old.setting(CLASS_NAMES) == Some(WRITTEN),
            reasons: Vec::new(),
            visited: Vec::new(),
        };
        if old.format != new.format {
            checker.push(
                String::new(),
                format!(
                    "written in `{}`, read in `{}`: a format reads only its own bytes",
                    old.format, new.format
                ),
                Outcome::Incompatible,
            );
            return checker.finish();
        }
        checker.settings(&old.format, &old.settings, &new.settings);
        let path = match &old.shape.root {
            Node::Named(i) => old.shape.named(*i).name.clone(),
            _ => "value".to_owned(),
        };
        checker.node(&path, &old.shape.root, &new.shape.root);
        checker.finish()
    }

    /// Compares a key's snapshots. A key may not change its bytes at all: state is found by
    /// them and partitions by their hash. Every difference but a note is incompatible.
    pub fn check_key(old: &Snapshot, new: &Snapshot) -> Compatibility {
        let mut answer = Compatibility::check(old, new);
        for reason in &mut answer.reasons {
            if reason.outcome != Outcome::CompatibleAsIs {
                reason.text = format!(
                    "{} ({} for a value, but a key must keep its bytes and its hash)",
                    reason.text, reason.outcome
                );
                reason.outcome = Outcome::Incompatible;
            }
        }
        answer.outcome = most_severe(&answer.reasons);
        answer
    }

    /// Whether today's type can read the old bytes (as is, reconfigured or migrated).
    pub fn is_compatible(&self) -> bool {
        self.outcome != Outcome::Incompatible
    }

    /// The reasons with a given outcome.
    pub fn reasons_with(&self, outcome: Outcome) -> impl Iterator<Item = &Reason> {
        self.reasons.iter().filter(move |r| r.outcome == outcome)
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.outcome)?;
        for reason in &self.reasons {
            write!(f, "\n  - {reason}")?;
        }
        Ok(())
    }
}

fn most_severe(reasons: &[Reason]) -> Outcome {
    reasons
        .iter()
        .map(|r| r.outcome)
        .max()
        .unwrap_or(Outcome::CompatibleAsIs)
}

/// Walks two shapes side by side, collecting reasons.
struct Checker<'a> {
    old: &'a Shape,
    new: &'a Shape,
    old_sorted: bool,
    new_sorted: bool,
    /// Whether the old bytes hold class names.
    class_names: bool,
    reasons: Vec<Reason>,
    /// Pairs of user types already compared: a recursive type is compared once.
    visited: Vec<(u32, u32)>,
}

impl Checker<'_> {
    fn finish(self) -> Compatibility {
        Compatibility {
            outcome: most_severe(&self.reasons),
            reasons: self.reasons,
        }
    }

    fn push(&mut self, path: String, text: String, outcome: Outcome) {
        self.reasons.push(Reason {
            path,
            text,
            outcome,
        });
    }

    fn settings(&mut self, format: &str, old: &[(String, String)], new: &[(String, String)]) {
        let reconfigured = Outcome::CompatibleWithReconfiguredSerializer;
        for (key, value) in old {
            match new.iter().find(|(k, _)| k == key) {
                None => self.push(
                    String::new(),
                    format!("{format} setting `{key}` ({}) removed", short(value)),
                    reconfigured,
                ),
                Some((_, now)) if now != value => self.push(
                    String::new(),
                    format!(
                        "{format} setting `{key}` changed {} → {}",
                        short(value),
                        short(now)
                    ),
                    reconfigured,
                ),
                Some(_) => {}
            }
        }
        for (key, value) in new {
            if !old.iter().any(|(k, _)| k == key) {
                self.push(
                    String::new(),
                    format!("{format} setting `{key}` ({}) added", short(value)),
                    reconfigured,
                );
            }
        }
    }

    fn node(&mut self, path: &str, old: &Node, new: &Node) {
        use Node as N;
        match (old, new) {
            (N::Option(a), N::Option(b)) => self.node(&format!("{path}?"), a, b),
            // Vec, VecDeque and boxed slices write the same bytes.
            (N::List(_, a), N::List(_, b)) => self.node(&format!("{path}[*]"), a, b),
            (N::Array(n, a), N::Array(m, b)) if n == m => self.node(&format!("{path}[*]"), a, b),
            (N::Set(ka, a), N::Set(kb, b)) => {
                self.collection_kind(path, old, new, ka != kb);
                self.node(&format!("{path}[*]"), a, b);
            }
            (N::Map(ka, k0, v0), N::Map(kb, k1, v1)) => {
                self.collection_kind(path, old, new, ka != kb);
                self.node(&format!("{path}{{key}}"), k0, k1);
                self.node(&format!("{path}{{value}}"), v0, v1);
            }
            (N::Tuple(a), N::Tuple(b)) if a.len() == b.len() => {
                for (i, (a, b)) in a.iter().zip(b).enumerate() {
                    self.node(&format!("{path}.{i}"), a, b);
                }
            }
            (N::Named(a), N::Named(b)) => self.named(path, *a, *b),
            (N::Generic(a), N::Generic(b)) if a == b => {}
            (
                N::Logical {
                    kind: ka, repr: ra, ..
                },
                N::Logical {
                    kind: kb, repr: rb, ..
                },
            ) if ka == kb => self.node(path, ra, rb),
            _ if is_leaf(old) && old == new => {}
            _ if widens(old, new) => {
                let text = format!(
                    "{} → {}: migration by widening",
                    self.old_text(old),
                    self.new_text(new)
                );
                self.push(path.to_owned(), text, Outcome::CompatibleAfterMigration);
            }
            (_, N::Option(inner)) if !matches!(old, N::Option(_)) => {
                let text = format!(
                    "{} → {}: reads as `Some`",
                    self.old_text(old),
                    self.new_text(new)
                );
                self.push(path.to_owned(), text, Outcome::CompatibleAfterMigration);
                self.node(&format!("{path}?"), old, inner);
            }
            _ => {
                let text = format!(
                    "{} → {}: {}",
                    self.old_text(old),
                    self.new_text(new),
                    why_not(old, new)
                );
                self.push(path.to_owned(), text, Outcome::Incompatible);
            }
        }
    }

    fn collection_kind(&mut self, path: &str, old: &Node, new: &Node, changed: bool) {
        if changed {
            let text = format!(
                "{} → {}: rebuilt in the new collection's order",
                self.old_text(old),
                self.new_text(new)
            );
            self.push(path.to_owned(), text, Outcome::CompatibleAfterMigration);
        }
    }

    fn old_text(&self, node: &Node) -> String {
        NodeText(self.old, node).to_string()
    }

    fn new_text(&self, node: &Node) -> String {
        NodeText(self.new, node).to_string()
    }

    fn named(&mut self, path: &str, a: u32, b: u32) {
        if self.visited.contains(&(a, b)) {
            return;
        }
        self.visited.push((a, b));
        let (old, new) = (self.old.named(a), self.new.named(b));
        if old.name != new.name {
            if new.aliases.contains(&old.name) {
                let text = format!("type `{}` renamed to `{}` (alias)", old.name, new.name);
                self.push(path.to_owned(), text, Outcome::CompatibleAsIs);
            } else {
                let text = format!(
                    "type `{}` renamed to `{}`: give it `#[typeinfo(alias = \"{}\")]` if it is the same type",
                    old.name, new.name, old.name
                );
                self.push(path.to_owned(), text, Outcome::Incompatible);
                return;
            }
        }
        if self.class_names && old.wire_name != new.wire_name {
            let text = format!(
                "class name `{}` → `{}`: the bytes hold the old one",
                old.wire_name, new.wire_name
            );
            self.push(path.to_owned(), text, Outcome::CompatibleAfterMigration);
        }
        match (&old.body, &new.body) {
            (Body::Struct(a), Body::Struct(b)) => self.fields(path, a, b),
            (
                Body::Enum {
                    variants: a,
                    default_variant: _,
                },
                Body::Enum {
                    variants: b,
                    default_variant,
                },
            ) => self.variants(path, a, b, *default_variant),
            (Body::Struct(_), Body::Enum { .. }) => {
                let text = format!("struct `{}` became an enum", old.name);
                self.push(path.to_owned(), text, Outcome::Incompatible);
            }
            (Body::Enum { .. }, Body::Struct(_)) => {
                let text = format!("enum `{}` became a struct", old.name);
                self.push(path.to_owned(), text, Outcome::Incompatible);
            }
        }
    }

    fn fields(&mut self, path: &str, old: &Fields, new: &Fields) {
        if old.style != new.style {
            let text = format!(
                "{} fields → {} fields",
                style_name(old.style),
                style_name(new.style)
            );
            self.push(path.to_owned(), text, Outcome::Incompatible);
            return;
        }
        let matches = match_fields(old, new);
        for (i, field) in old.fields.iter().enumerate() {
            if !matches.contains(&Some(i)) {
                let text = format!("field `{}` removed: its data is skipped", field.name);
                self.push(path.to_owned(), text, Outcome::CompatibleAfterMigration);
            }
        }
        for (j, field) in new.fields.iter().enumerate() {
            let here = format!("{path}.{}", field.name);
            match (matches[j], &field.default) {
                (Some(i), _) => {
                    let before = &old.fields[i];
                    if before.name != field.name {
                        let text = format!(
                            "field `{}` renamed to `{}` (alias)",
                            before.name, field.name
                        );
                        self.push(path.to_owned(), text, Outcome::CompatibleAsIs);
                    }
                    self.node(&here, &before.ty, &field.ty);
                }
                (None, Some(default)) => {
                    let text = format!(
                        "field `{}` added, reads its default `{default}`",
                        field.name
                    );
                    self.push(path.to_owned(), text, Outcome::CompatibleAfterMigration);
                }
                (None, None) => {
                    let text = format!(
                        "field `{}` added without a default: old data has no value for it (give it `#[typeinfo(default)]` or `#[serde(default)]`)",
                        field.name
                    );
                    self.push(path.to_owned(), text, Outcome::Incompatible);
                }
            }
        }
        self.field_order(path, old, new, &matches);
    }

    /// Kept fields written in another order: the reader must pick them out of place.
    fn field_order(&mut self, path: &str, old: &Fields, new: &Fields, matches: &[Option<usize>]) {
        let old_order: Vec<usize> = old
            .wire_order(self.old_sorted)
            .into_iter()
            .filter(|i| matches.contains(&Some(*i)))
            .collect();
        let new_order: Vec<usize> = new
            .wire_order(self.new_sorted)
            .into_iter()
            .filter_map(|j| matches[j])
            .collect();
        if old_order != new_order {
            let names = |order: &[usize]| {
                order
                    .iter()
                    .map(|&i| old.fields[i].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let text = format!(
                "fields written in another order: {} → {}",
                names(&old_order),
                names(&new_order)
            );
            self.push(path.to_owned(), text, Outcome::CompatibleAfterMigration);
        }
    }

    fn variants(&mut self, path: &str, old: &[Variant], new: &[Variant], default: Option<u32>) {
        let default_name = default
            .and_then(|i| new.get(i as usize))
            .map(|v| v.name.as_str());
        let mut renumbered = Vec::new();
        for (i, variant) in old.iter().enumerate() {
            let Some(j) = new.iter().position(|v| v.name == variant.name) else {
                match default_name {
                    Some(to) => {
                        let text = format!(
                            "variant `{}` removed: reads as `{to}`, the default",
                            variant.name
                        );
                        self.push(path.to_owned(), text, Outcome::CompatibleAfterMigration);
                    }
                    None => {
                        let text = format!(
                            "variant `{}` removed: incompatible, data may hold it (a `#[typeinfo(default)]` unit variant would read it)",
                            variant.name
                        );
                        self.push(path.to_owned(), text, Outcome::Incompatible);
                    }
                }
                continue;
            };
            if i != j {
                renumbered.push(format!("`{}` #{i} → #{j}", variant.name));
            }
            let here = format!("{path}::{}", variant.name);
            self.fields(&here, &variant.fields, &new[j].fields);
        }
        for variant in new {
            if !old.iter().any(|v| v.name == variant.name) {
                let text = format!("variant `{}` added: old data never holds it", variant.name);
                self.push(path.to_owned(), text, Outcome::CompatibleAsIs);
            }
        }
        if !renumbered.is_empty() {
            let text = format!("variants renumbered: {}", renumbered.join(", "));
            self.push(path.to_owned(), text, Outcome::CompatibleAfterMigration);
        }
    }
}

/// For each new field, the old field it reads from: the same name, or one of its aliases
/// (positional fields match by position, which is their name).
pub(crate) fn match_fields(old: &Fields, new: &Fields) -> Vec<Option<usize>> {
    new.fields
        .iter()
        .map(|field| {
            old.fields
                .iter()
                .position(|f| f.name == field.name)
                .or_else(|| {
                    old.fields
                        .iter()
                        .position(|f| field.aliases.contains(&f.name))
                })
        })
        .collect()
}

fn style_name(style: StructStyle) -> &'static str {
    match style {
        StructStyle::Named => "named",
        StructStyle::Tuple => "positional",
        StructStyle::Unit => "no",
    }
}

/// Whether a node is a scalar: no parts, no user type.
pub(crate) fn is_leaf(node: &Node) -> bool {
    !matches!(
        node,
        Node::Option(_)
            | Node::List(..)
            | Node::Array(..)
            | Node::Set(..)
            | Node::Map(..)
            | Node::Tuple(_)
            | Node::Named(_)
            | Node::Generic(_)
            | Node::Logical { .. }
    )
}

/// An integer's signedness and width.
fn integer(node: &Node) -> Option<(bool, u32)> {
    Some(match node {
        Node::U8 => (false, 8),
        Node::U16 => (false, 16),
        Node::U32 => (false, 32),
        Node::U64 => (false, 64),
        Node::U128 => (false, 128),
        Node::I8 => (true, 8),
        Node::I16 => (true, 16),
        Node::I32 => (true, 32),
        Node::I64 => (true, 64),
        Node::I128 => (true, 128),
        _ => return None,
    })
}

/// Whether every `old` value is a `new` value: a wider integer of the same signedness, an
/// unsigned integer to a wider signed one, `f32` to `f64`.
pub(crate) fn widens(old: &Node, new: &Node) -> bool {
    match (integer(old), integer(new)) {
        (Some((old_signed, a)), Some((new_signed, b))) => b > a && (new_signed || !old_signed),
        _ => matches!((old, new), (Node::F32, Node::F64)),
    }
}

/// Why a change that is not a migration loses values.
fn why_not(old: &Node, new: &Node) -> &'static str {
    match (old, new) {
        (Node::Option(_), _) => "data may hold `None`",
        _ if integer(old).is_some() && integer(new).is_some() => "narrowing: a value may not fit",
        (Node::F64, Node::F32) => "narrowing: a value may lose precision",
        (Node::Array(..), Node::Array(..)) => "an array keeps its length",
        (Node::Tuple(_), Node::Tuple(_)) => "a tuple keeps its arity",
        (Node::Generic(_), Node::Generic(_)) => "a generic field reads only its own type",
        (Node::Logical { .. }, Node::Logical { .. }) => "the values mean something else",
        _ => "not a conversion a migration makes",
    }
}

/// A setting's value, cut short when it is long (a schema).
fn short(value: &str) -> String {
    const MAX: usize = 48;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("`{}…`", &value[..cut]),
        None => format!("`{value}`"),
    }
}
