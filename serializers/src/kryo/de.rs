//! The kryo reader: Kryo 2.x bytes back into serde's data model. The bytes are untrusted:
//! every length is checked against the input and the limits before use, nesting is bounded
//! by `max_depth`, and nothing is allocated on a length prefix's word alone.

use super::DYN_MARKER;
use super::memo::{Memo, str_key};
use super::order::FieldOrders;
use super::registry::Registry;
use super::ser::Slot;
use super::wire::{Input, Str};
use crate::decode_support::{Depth, char_from, checked_len};
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Visitor};
use typeinfo::{DecodeError, Limits};

/// Scratch state of one record, kept between records to reuse its buffers.
#[derive(Debug, Default)]
pub(super) struct DecodeState {
    /// Unregistered class names read so far: the index is the name id.
    names: Vec<Box<str>>,
    orders: FieldOrders,
    /// With references: each object id's string (`None` for other objects).
    objects: Vec<Option<Box<str>>>,
    /// Bytes of strings copied for back references in this record.
    copied: usize,
    /// (registry, class id, expected class) → whether the id names that class.
    verified: Memo<(u64, u32, (usize, usize)), bool>,
}

impl DecodeState {
    pub(super) fn reset(&mut self) {
        self.names.clear();
        self.objects.clear();
        self.copied = 0;
    }
}

pub(super) struct De<'de, 'a> {
    pub(super) input: Input<'de>,
    pub(super) registry: &'a Registry,
    pub(super) limits: &'a Limits,
    pub(super) references: bool,
    pub(super) state: &'a mut DecodeState,
    /// User types (structs, enums) the value is nested in, bounded by `max_depth`: the
    /// depth the generated path counts, so both paths accept the same values.
    pub(super) depth: Depth,
    /// Containers (options, sequences, tuples, maps) the value is nested in. They are not
    /// part of the depth users count, but they are bounded (see [`container_bound`]), so a
    /// `Deserialize` that recurses through containers alone cannot exhaust the stack.
    pub(super) containers: u32,
    pub(super) slot: Slot,
    /// A trait object's class, already read to pick the concrete type.
    pub(super) class_read: Option<&'static str>,
}

/// How deep containers may nest: eight per user type allowed, and at least 64, far more
/// than any type's own nesting of options, lists and maps between two user types.
pub(super) fn container_bound(limits: &Limits) -> u32 {
    limits.max_depth.saturating_mul(8).max(64)
}

fn error(msg: impl core::fmt::Display) -> DecodeError {
    DecodeError::Custom(format!("kryo: {msg}").into())
}

/// Whether the class Kryo wrote (`com.acme.LogRecord`, `Outer$Inner`) is the Rust type
/// serde names `LogRecord`: equal, or equal after the last `.` or `$`.
fn class_matches(written: &str, expected: &str) -> bool {
    written == expected
        || written
            .strip_suffix(expected)
            .is_some_and(|prefix| prefix.ends_with(['.', '$']))
}

impl<'de> De<'de, '_> {
    /// Starts a value whose encoding may begin with 0: inside `Some` it has a marker.
    #[inline]
    pub(super) fn plain(&mut self) -> Result<(), DecodeError> {
        if self.slot == Slot::Some {
            match self.input.byte()? {
                1 => {}
                tag => {
                    return Err(DecodeError::InvalidTag {
                        type_name: "kryo not-null marker",
                        tag: tag.into(),
                    });
                }
            }
        }
        self.slot = Slot::Field;
        Ok(())
    }

    #[inline]
    fn self_nulling(&mut self) -> Slot {
        core::mem::replace(&mut self.slot, Slot::Field)
    }

    /// The class name behind a class id (not null).
    fn class(&mut self) -> Result<&str, DecodeError> {
        match self.input.var_u32("class id")? {
            0 => Err(error("null where a value is required")),
            1 => {
                let name_id = self.input.var_u32("class name id")? as usize;
                let names = &self.state.names;
                if name_id > names.len() {
                    return Err(DecodeError::InvalidTag {
                        type_name: "kryo class name id",
                        tag: name_id as u32,
                    });
                }
                if name_id == names.len() {
                    let name = match self.input.string()? {
                        Some(Str::Borrowed(s)) => s.into(),
                        Some(Str::Owned(s)) => s.into_boxed_str(),
                        None => return Err(error("null class name")),
                    };
                    self.state.names.push(name);
                }
                let name = &self.state.names[name_id];
                if self.registry.is_registration_required() && self.registry.id_of(name).is_none() {
                    return Err(error(format_args!(
                        "class `{name}` is not registered and registration_required is on"
                    )));
                }
                Ok(name)
            }
            id => self
                .registry
                .name_of(id - 2)
                .ok_or_else(|| error(format_args!("class id {} is not registered", id - 2))),
        }
    }

    /// Reads the class of a struct and checks that it is `expected`.
    fn expect_class(&mut self, expected: &'static str) -> Result<(), DecodeError> {
        if let Some(read) = self.class_read.take() {
            if read == expected {
                return Ok(());
            }
            return Err(error(format_args!(
                "expected class `{expected}`, found `{read}`"
            )));
        }
        let before = self.input;
        let id = self.input.var_u32("class id")?;
        if id >= 2 {
            let registry = self.registry;
            let key = (registry.generation(), id, str_key(expected));
            let matches = self.state.verified.get_or(key, || {
                Ok::<_, DecodeError>(
                    registry
                        .name_of(id - 2)
                        .is_some_and(|name| class_matches(name, expected)),
                )
            })?;
            if matches {
                return Ok(());
            }
        }
        // Unregistered, or not the class expected: the slow path, which explains.
        self.input = before;
        let found = self.class()?;
        if class_matches(found, expected) {
            Ok(())
        } else {
            Err(error(format_args!(
                "expected class `{expected}`, found `{found}`"
            )))
        }
    }

    /// The reference marker of an object other than a string: it must be a first sight.
    fn object(&mut self) -> Result<(), DecodeError> {
        if !self.references {
            return Ok(());
        }
        match self.input.var_u32("reference")? {
            1 => {
                self.state.objects.push(None);
                Ok(())
            }
            0 => Err(error("null where a value is required")),
            id => Err(error(format_args!(
                "a reference to object {} (shared objects other than strings are not supported)",
                id - 2
            ))),
        }
    }

    /// The start of an array, a map or bytes: an object (its reference marker), then a
    /// length + 1 (0 is null), checked against `max_collection_len`.
    pub(super) fn counted(&mut self) -> Result<usize, DecodeError> {
        self.self_nulling();
        self.object()?;
        match self.input.var_u32("length")? {
            0 => Err(error("null where a value is required")),
            n => checked_len(u128::from(n - 1), self.limits),
        }
    }

    pub(super) fn string(&mut self) -> Result<Str<'de>, DecodeError> {
        let element = self.self_nulling() == Slot::Element;
        if !self.references || element {
            return self
                .input
                .string()?
                .ok_or_else(|| error("null string where a value is required"));
        }
        match self.input.var_u32("reference")? {
            0 => Err(error("null string where a value is required")),
            1 => {
                let s = self
                    .input
                    .string()?
                    .ok_or_else(|| error("null string after a reference marker"))?;
                let copy: Box<str> = match &s {
                    Str::Borrowed(b) => (*b).into(),
                    Str::Owned(o) => o.as_str().into(),
                };
                self.state.objects.push(Some(copy));
                Ok(s)
            }
            id => match self.state.objects.get(id as usize - 2) {
                Some(Some(s)) => {
                    // Java shares the object; we copy it. A byte of back reference must not
                    // buy a megabyte of copies without bound.
                    self.state.copied += s.len();
                    if self.state.copied > self.limits.max_record_bytes {
                        return Err(error(format_args!(
                            "back references copy more than max_record_bytes ({})",
                            self.limits.max_record_bytes
                        )));
                    }
                    Ok(Str::Owned(s.to_string()))
                }
                _ => Err(error(format_args!(
                    "reference to object {} which is not an earlier string",
                    id - 2
                ))),
            },
        }
    }

    /// Whether an optional value follows (`0` is null); if so, what follows is read as
    /// inside `Some`.
    #[inline]
    pub(super) fn option_tag(&mut self) -> Result<bool, DecodeError> {
        self.plain()?;
        if self.input.peek()? == 0 {
            self.input.byte()?;
            return Ok(false);
        }
        self.slot = Slot::Some;
        Ok(true)
    }

    /// An enum constant of `name`, which has `count` variants: the ordinal + 1.
    #[inline]
    pub(super) fn ordinal(&mut self, name: &'static str, count: usize) -> Result<u32, DecodeError> {
        self.self_nulling();
        match self.input.var_u32("enum ordinal")? {
            0 => Err(error("null where a value is required")),
            n if (n as usize) <= count => Ok(n - 1),
            n => Err(DecodeError::InvalidTag {
                type_name: name,
                tag: n - 1,
            }),
        }
    }

    /// Runs `f` one user type deeper.
    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        self.depth.enter(self.limits)?;
        let result = f(self);
        self.depth.leave();
        result
    }

    /// Runs `f` one container deeper.
    fn in_container<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        if self.containers >= container_bound(self.limits) {
            return Err(DecodeError::DepthLimit {
                limit: self.limits.max_depth,
            });
        }
        self.containers += 1;
        let result = f(self);
        self.containers -= 1;
        result
    }

    /// The class and reference marker of a struct, tuple struct or unit struct.
    pub(super) fn class_object(&mut self, name: &'static str) -> Result<(), DecodeError> {
        self.self_nulling();
        self.expect_class(name)?;
        self.object()
    }
}

/// `Deserializer` methods for values that may start with a 0 byte: a marker inside `Some`,
/// then `read(input)` handed to the visitor.
macro_rules! plain {
    ($($method:ident => $visit:ident($read:expr)),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
            self.plain()?;
            let input = &mut self.input;
            visitor.$visit($read(input)?)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut De<'de, '_> {
    type Error = DecodeError;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DecodeError> {
        Err(error(
            "the format is not self-describing: the type must say what it reads (deserialize_any)",
        ))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DecodeError> {
        Err(error(
            "the format is not self-describing: unknown fields cannot be skipped",
        ))
    }

    // The encodings of `ser`'s `plain!` list, read back.
    plain!(
        deserialize_i8 => visit_i8(|i: &mut Input<'de>| i.byte().map(|b| b as i8)),
        deserialize_u8 => visit_u8(|i: &mut Input<'de>| i.byte()),
        deserialize_i16 => visit_i16(|i: &mut Input<'de>| i.array().map(i16::from_be_bytes)),
        deserialize_u16 => visit_u16(|i: &mut Input<'de>| i.array().map(u16::from_be_bytes)),
        deserialize_i128 => visit_i128(|i: &mut Input<'de>| i.array().map(i128::from_be_bytes)),
        deserialize_u128 => visit_u128(|i: &mut Input<'de>| i.array().map(u128::from_be_bytes)),
        deserialize_f32 => visit_f32(|i: &mut Input<'de>| i.array().map(f32::from_be_bytes)),
        deserialize_f64 => visit_f64(|i: &mut Input<'de>| i.array().map(f64::from_be_bytes)),
        deserialize_i32 => visit_i32(|i: &mut Input<'de>| i.var_i32()),
        deserialize_i64 => visit_i64(|i: &mut Input<'de>| i.var_i64()),
        deserialize_u32 => visit_u32(|i: &mut Input<'de>| i.var_u32("u32")),
        deserialize_u64 => visit_u64(|i: &mut Input<'de>| i.var_u64("u64")),
        deserialize_char => visit_char(|i: &mut Input<'de>| i.var_u32("char").and_then(char_from)),
    );

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.plain()?;
        match self.input.byte()? {
            0 => visitor.visit_bool(false),
            1 => visitor.visit_bool(true),
            tag => Err(DecodeError::InvalidTag {
                type_name: "bool",
                tag: tag.into(),
            }),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.string()? {
            Str::Borrowed(s) => visitor.visit_borrowed_str(s),
            Str::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let len = self.counted()?;
        visitor.visit_borrowed_bytes(self.input.take(len)?)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if !self.option_tag()? {
            return visitor.visit_none();
        }
        self.in_container(|de| visitor.visit_some(&mut *de))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.plain()?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.class_object(name)?;
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.nested(|de| visitor.visit_newtype_struct(&mut *de))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let len = self.counted()?;
        self.in_container(|de| visitor.visit_seq(Elements::new(de, len, Slot::Element)))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.plain()?;
        self.in_container(|de| visitor.visit_seq(Elements::new(de, len, Slot::Field)))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.class_object(name)?;
        self.nested(|de| visitor.visit_seq(Elements::new(de, len, Slot::Field)))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let len = self.counted()?;
        self.in_container(|de| visitor.visit_map(Elements::new(de, len, Slot::Field)))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.class_object(name)?;
        self.nested(|de| visitor.visit_map(Fields::new(de, fields)))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        let index = if name == DYN_MARKER {
            self.self_nulling();
            let class = self.class()?;
            let index = variants
                .iter()
                .position(|v| class_matches(class, v))
                .ok_or_else(|| {
                    error(format_args!(
                        "class `{class}` is not one of the registered implementations: {}",
                        variants.join(", ")
                    ))
                })?;
            self.class_read = Some(variants[index]);
            index
        } else {
            self.ordinal(name, variants.len())? as usize
        };
        self.nested(|de| {
            visitor.visit_enum(Variant {
                de,
                name: variants[index],
            })
        })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DecodeError> {
        Err(error("identifiers are not written in this format"))
    }
}

/// What serde may preallocate for `left` elements: no more than the input could hold at a
/// byte each (elements of 0 bytes exist, so this is a hint, not a bound).
fn hint(left: usize, input: &Input<'_>) -> Option<usize> {
    Some(left.min(input.remaining()))
}

/// Elements of a sequence, tuple or map.
struct Elements<'r, 'de, 'a> {
    de: &'r mut De<'de, 'a>,
    left: usize,
    slot: Slot,
}

impl<'r, 'de, 'a> Elements<'r, 'de, 'a> {
    fn new(de: &'r mut De<'de, 'a>, left: usize, slot: Slot) -> Self {
        Elements { de, left, slot }
    }

    /// The next element (or map key) read in `slot`, if any are left.
    fn next<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
        slot: Slot,
    ) -> Result<Option<T::Value>, DecodeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        self.de.slot = slot;
        seed.deserialize(&mut *self.de).map(Some)
    }
}

impl<'de> de::SeqAccess<'de> for Elements<'_, 'de, '_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        let slot = self.slot;
        self.next(seed, slot)
    }

    fn size_hint(&self) -> Option<usize> {
        hint(self.left, &self.de.input)
    }
}

impl<'de> de::MapAccess<'de> for Elements<'_, 'de, '_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        self.next(seed, Slot::Field)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        self.de.slot = Slot::Field;
        seed.deserialize(&mut *self.de)
    }

    fn size_hint(&self) -> Option<usize> {
        hint(self.left, &self.de.input)
    }
}

/// A struct's fields in Kryo's order (sorted by name), handed to serde as a map whose keys
/// are the field names.
struct Fields<'r, 'de, 'a> {
    de: &'r mut De<'de, 'a>,
    fields: &'static [&'static str],
    order: usize,
    next: usize,
}

impl<'r, 'de, 'a> Fields<'r, 'de, 'a> {
    fn new(de: &'r mut De<'de, 'a>, fields: &'static [&'static str]) -> Self {
        let order = de.state.orders.lookup(fields.iter().copied());
        Fields {
            de,
            fields,
            order,
            next: 0,
        }
    }

    /// The declaration index of the `j`-th field in Kryo's order.
    fn field(&self, j: usize) -> usize {
        match self.de.state.orders.order(self.order) {
            Some(sorted) => usize::from(sorted[j]),
            None => j,
        }
    }
}

impl<'de> de::MapAccess<'de> for Fields<'_, 'de, '_> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        if self.next == self.fields.len() {
            return Ok(None);
        }
        let name = self.fields[self.field(self.next)];
        self.next += 1;
        seed.deserialize(BorrowedStrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        self.de.slot = Slot::Field;
        seed.deserialize(&mut *self.de)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len() - self.next)
    }
}

/// An enum variant, or a trait object's concrete type.
struct Variant<'r, 'de, 'a> {
    de: &'r mut De<'de, 'a>,
    name: &'static str,
}

impl<'r, 'de, 'a> de::EnumAccess<'de> for Variant<'r, 'de, 'a> {
    type Error = DecodeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), DecodeError> {
        let value = seed.deserialize(BorrowedStrDeserializer::new(self.name))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de, '_> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<(), DecodeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DecodeError> {
        self.de.slot = Slot::Field;
        seed.deserialize(&mut *self.de)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_seq(Elements::new(self.de, len, Slot::Field))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_map(Fields::new(self.de, fields))
    }
}
