//! The classes a type writes in kryo: every struct reachable from it through fields,
//! variants, options, collections, maps and tuples, except newtypes (serde's newtype
//! structs are transparent, so they write no class). `registration_required` is checked
//! against this list when a serializer is built, as Flink checks `registerType`, so a
//! missing registration fails once, naming every class, and not on each record.
//!
//! What a generic field holds is serde's to write and invisible here; a class in it that
//! is not registered still fails when such a value is written.

use typeinfo::TypeInfo;

/// The class names `info` writes, each once, in the order a walk from the root meets them.
pub fn classes(info: &'static TypeInfo) -> Vec<&'static str> {
    let mut found = Vec::new();
    info.visit(&mut |ty| {
        if let TypeInfo::Struct(s) = ty
            && !s.is_newtype()
            && !found.contains(&s.name.wire_name)
        {
            found.push(s.name.wire_name);
        }
    });
    found
}
