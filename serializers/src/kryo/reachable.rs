//! The classes a type writes in kryo: every struct reachable from it through fields,
//! variants, options, collections, maps and tuples, except newtypes (serde's newtype
//! structs are transparent, so they write no class). `registration_required` is checked
//! against this list when a serializer is built, as Flink checks `registerType`, so a
//! missing registration fails once, naming every class, and not on each record.
//!
//! What a generic field holds is serde's to write and invisible here; a class in it that
//! is not registered still fails when such a value is written.

use typeinfo::TypeInfo;
use typeinfo::info::{FieldInfo, StructStyle};

/// The class names `info` writes, each once, in the order a walk from the root meets them.
pub fn classes(info: &TypeInfo) -> Vec<&'static str> {
    let mut found = Vec::new();
    let mut entered = Vec::new();
    walk(info, &mut entered, &mut found);
    found
}

fn walk(info: &TypeInfo, entered: &mut Vec<&'static str>, found: &mut Vec<&'static str>) {
    match info {
        TypeInfo::Option(t) | TypeInfo::List(_, t) | TypeInfo::Array(_, t) => {
            walk(t(), entered, found)
        }
        TypeInfo::Set(_, t) => walk(t(), entered, found),
        TypeInfo::Map(_, k, v) => {
            walk(k(), entered, found);
            walk(v(), entered, found);
        }
        TypeInfo::Tuple(items) => items.iter().for_each(|t| walk(t(), entered, found)),
        TypeInfo::Logical(l) => walk((l.repr)(), entered, found),
        TypeInfo::Struct(s) => {
            let newtype = s.style == StructStyle::Tuple && s.fields.len() == 1;
            if !newtype && !found.contains(&s.name.name) {
                found.push(s.name.name);
            }
            within(entered, s.name.full_name(), found, |entered, found| {
                fields(s.fields, entered, found)
            });
        }
        TypeInfo::Enum(e) => within(entered, e.name.full_name(), found, |entered, found| {
            e.variants
                .iter()
                .for_each(|v| fields(v.fields, entered, found))
        }),
        _ => {}
    }
}

fn fields(fields: &[FieldInfo], entered: &mut Vec<&'static str>, found: &mut Vec<&'static str>) {
    for field in fields {
        walk(field.type_info(), entered, found);
    }
}

/// Walks into user type `name` unless the walk is already inside it (a recursive type).
fn within(
    entered: &mut Vec<&'static str>,
    name: &'static str,
    found: &mut Vec<&'static str>,
    f: impl FnOnce(&mut Vec<&'static str>, &mut Vec<&'static str>),
) {
    if entered.contains(&name) {
        return;
    }
    entered.push(name);
    f(entered, found);
    entered.pop();
}
