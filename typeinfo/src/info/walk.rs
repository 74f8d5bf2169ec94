//! Walks over a descriptor: every descriptor a type reaches ([`TypeInfo::visit`]), and the
//! generic (opaque) fields of a type, with their paths.

use super::{FieldInfo, TypeInfo};

/// A place inside a type where a value is serialized by the generic fallback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenericField {
    /// The field expression that leads to it (`payload`, `events[*].extra`); empty when the
    /// type itself is generic.
    pub path: String,
    /// The Rust name of the opaque type.
    pub type_name: &'static str,
}

impl GenericField {
    /// The path for people: `the type itself` when it is empty.
    pub fn display_path(&self) -> &str {
        match self.path.as_str() {
            "" => "the type itself",
            path => path,
        }
    }
}

impl TypeInfo {
    /// Calls `f` on this descriptor and on every one it reaches (through options,
    /// collections, maps, tuples, fields, variants and logical representations), each user
    /// type once, so recursive types terminate. Generic fields are visited as
    /// [`TypeInfo::Generic`]; what they hold is serde's and not seen.
    pub fn visit(&'static self, f: &mut impl FnMut(&'static TypeInfo)) {
        visit(self, &mut Vec::new(), f);
    }

    /// Every place in this type whose value goes through the generic fallback. A user type is
    /// not re-entered while it is being walked, so recursive types terminate.
    pub fn generic_fields(&self) -> Vec<GenericField> {
        let mut found = Vec::new();
        let mut entered = Vec::new(); // user types on the current path
        collect(self, &mut String::new(), &mut entered, &mut found);
        found
    }
}

fn collect(
    ty: &TypeInfo,
    path: &mut String,
    entered: &mut Vec<&'static str>,
    found: &mut Vec<GenericField>,
) {
    match ty {
        TypeInfo::Generic(g) => found.push(GenericField {
            path: path.clone(),
            type_name: (g.type_name)(),
        }),
        TypeInfo::Option(t) => collect(t(), path, entered, found),
        TypeInfo::Logical(l) => collect((l.repr)(), path, entered, found),
        TypeInfo::List(_, t) | TypeInfo::Set(_, t) | TypeInfo::Array(_, t) => {
            with_segment(path, "[*]", |p| collect(t(), p, entered, found))
        }
        TypeInfo::Map(_, k, v) => {
            with_segment(path, "[key]", |p| collect(k(), p, entered, found));
            with_segment(path, "[*]", |p| collect(v(), p, entered, found));
        }
        TypeInfo::Tuple(items) => {
            for (i, t) in items.iter().enumerate() {
                with_segment(path, &format!(".{i}"), |p| collect(t(), p, entered, found));
            }
        }
        TypeInfo::Struct(s) => within(entered, s.name.full_name(), |entered| {
            collect_fields(s.fields, path, entered, found)
        }),
        TypeInfo::Enum(e) => within(entered, e.name.full_name(), |entered| {
            for v in e.variants {
                with_segment(path, &format!("::{}", v.name), |p| {
                    collect_fields(v.fields, p, entered, found)
                });
            }
        }),
        _ => {}
    }
}

fn collect_fields(
    fields: &[FieldInfo],
    path: &mut String,
    entered: &mut Vec<&'static str>,
    found: &mut Vec<GenericField>,
) {
    for field in fields {
        let segment = if path.is_empty() {
            field.name.to_owned()
        } else {
            format!(".{}", field.name)
        };
        with_segment(path, &segment, |p| {
            collect(field.type_info(), p, entered, found)
        });
    }
}

/// Runs `f` inside user type `name` unless that type is already being walked (recursion).
fn within(
    entered: &mut Vec<&'static str>,
    name: &'static str,
    f: impl FnOnce(&mut Vec<&'static str>),
) {
    if entered.contains(&name) {
        return;
    }
    entered.push(name);
    f(entered);
    entered.pop();
}

fn with_segment(path: &mut String, segment: &str, f: impl FnOnce(&mut String)) {
    let len = path.len();
    path.push_str(segment);
    f(path);
    path.truncate(len);
}

fn visit(
    ty: &'static TypeInfo,
    seen: &mut Vec<&'static str>,
    f: &mut impl FnMut(&'static TypeInfo),
) {
    let user_type = match ty {
        TypeInfo::Struct(s) => Some(s.name.full_name()),
        TypeInfo::Enum(e) => Some(e.name.full_name()),
        _ => None,
    };
    if let Some(name) = user_type {
        if seen.contains(&name) {
            return;
        }
        seen.push(name);
    }
    f(ty);
    match ty {
        TypeInfo::Option(t)
        | TypeInfo::List(_, t)
        | TypeInfo::Set(_, t)
        | TypeInfo::Array(_, t) => visit(t(), seen, f),
        TypeInfo::Map(_, k, v) => {
            visit(k(), seen, f);
            visit(v(), seen, f);
        }
        TypeInfo::Tuple(items) => items.iter().for_each(|t| visit(t(), seen, f)),
        TypeInfo::Logical(l) => visit((l.repr)(), seen, f),
        TypeInfo::Struct(s) => s.fields.iter().for_each(|x| visit(x.type_info(), seen, f)),
        TypeInfo::Enum(e) => (e.variants.iter())
            .flat_map(|v| v.fields)
            .for_each(|x| visit(x.type_info(), seen, f)),
        _ => {}
    }
}
