//! The kryo writer: serde's data model onto Kryo 2.x's FieldSerializer encodings.

use super::DYN_MARKER;
use super::class_names::ClassNames;
use super::memo::Memo;
use super::order::{FieldOrders, StructKey, struct_key};
use super::plan::{Plan, StringMark};
use super::registry::Registry;
use super::wire;
use crate::decode_support::WriteDepth;
use serde::ser::{self, Serialize};
use typeinfo::{EncodeError, EncodeErrorKind};

/// What the next value is, as its container sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// A field: primitives raw, objects as Kryo writes a field's object.
    Field,
    /// Inside `Some`: a value whose encoding could start with 0 takes a `01` marker first.
    Some,
    /// An element of a sequence: strings without a reference marker, as Kryo's arrays.
    Element,
}

/// What the writer learned about a struct type, so that the next record of it costs one
/// lookup. Sixteen bytes, so that it comes back from a lookup in registers: at 32 it went
/// through the stack, and the caller's load of the class waited on that copy.
#[derive(Debug, Clone, Copy)]
pub(super) struct StructFacts {
    class: Class,
    /// Its field-order entry, once known to be in Kryo's order already. A hint: the writer
    /// checks each field name against it as it goes (two types can share a name).
    in_order: Option<u32>,
}

const _: () = assert!(core::mem::size_of::<StructFacts>() == 16);

/// How a struct type's class is written.
#[derive(Debug, Clone, Copy)]
enum Class {
    /// Its registered id.
    Registered(u32),
    /// By name; the name's slot in [`ClassNames`].
    Named(u32),
    /// Not registered, and registration is required.
    Refused,
}

/// Scratch state of one record, kept between records to reuse its buffers.
#[derive(Debug, Default)]
pub(super) struct EncodeState {
    /// Unregistered class names and their ids in this record.
    names: ClassNames,
    /// Field name and start offset of each field of the open structs.
    marks: Vec<(&'static str, usize)>,
    orders: FieldOrders,
    scratch: Vec<u8>,
    pub(super) plan: Plan,
    /// What is known of each struct type (by serde's name and length, and registry; the
    /// name's address first, as it tells entries apart soonest).
    structs: Memo<(StructKey, u64), StructFacts>,
    /// Set when a pass could not finish as it started: the record is written again in a
    /// [`Pass::Safe`].
    pub(super) write_again: bool,
    use_hints: bool,
}

/// How a pass writes a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass {
    /// serde's declaration order, sorted afterwards: field-order hints on, every numbered
    /// place recorded, since sorting moves them.
    Sorting,
    /// Kryo's order, from generated code: only generic fields sort, so class places are
    /// only counted; moving one asks for a safe pass.
    Ordered,
    /// Again, after a pass could not finish: no hints, every place recorded.
    Safe,
}

impl EncodeState {
    /// The pass cannot finish (a struct did not have the fields its name and field count
    /// promised, as two types of one name; or a counted place moved): the record is
    /// written again in a safe pass.
    #[cold]
    fn write_again(&mut self, why: &str) -> EncodeError {
        self.write_again = true;
        error(format!("internal: {why}; the record is written again"))
    }

    /// Forgets the previous record (Kryo resets name ids and references per record).
    pub(super) fn reset(&mut self) {
        if self.names.start_record() {
            // Facts hold name slots, which are gone.
            self.structs.clear();
        }
        self.marks.clear();
        self.write_again = false;
    }

    /// Lets go of a scratch buffer a large record grew, so a thread does not keep it.
    pub(super) fn trim(&mut self) {
        const KEEP: usize = 1 << 20;
        if self.scratch.capacity() > KEEP {
            self.scratch = Vec::new();
        }
    }

    /// Starts a record's first pass, or a safe pass after one that could not finish.
    pub(super) fn start(&mut self, pass: Pass) {
        self.reset();
        self.plan.start(pass != Pass::Ordered);
        self.use_hints = pass != Pass::Safe;
    }
}

pub(super) struct Ser<'a> {
    pub(super) out: &'a mut Vec<u8>,
    pub(super) registry: &'a Registry,
    pub(super) references: bool,
    pub(super) state: &'a mut EncodeState,
    pub(super) slot: Slot,
    /// User types the value is nested in, bounded as the reader bounds them, so that what
    /// is written can be read back (see `de::De::depth`).
    pub(super) depth: WriteDepth,
    /// Containers the value is nested in, bounded as the reader bounds them.
    pub(super) containers: u32,
    pub(super) container_bound: u32,
}

const HINT_FAILED: &str = "field order hint failed";

impl Ser<'_> {
    /// Enters one level, refusing what the reader's bounds would refuse.
    fn enter(&mut self, level: Level) -> Result<(), EncodeError> {
        match level {
            Level::User => self.depth.enter(),
            Level::Container if self.containers >= self.container_bound => {
                Err(EncodeErrorKind::DepthLimit {
                    limit: self.depth.max_depth(),
                }
                .into())
            }
            Level::Container => {
                self.containers += 1;
                Ok(())
            }
        }
    }

    fn leave(&mut self, level: Level) {
        match level {
            Level::User => self.depth.leave(),
            Level::Container => self.containers -= 1,
        }
    }

    fn nested(
        &mut self,
        level: Level,
        f: impl FnOnce(&mut Self) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        self.enter(level)?;
        let done = f(self);
        self.leave(level);
        done
    }
}

#[cold]
fn refused(name: &str) -> EncodeError {
    error(format!(
        "class `{name}` is not registered and registration_required is on; register it with an id"
    ))
}

fn error(msg: impl Into<String>) -> EncodeError {
    EncodeError::custom(format!("kryo: {}", msg.into()))
}

impl Ser<'_> {
    /// Starts a value whose encoding may begin with 0: inside `Some` it takes a marker.
    #[inline]
    pub(super) fn plain(&mut self) {
        if self.slot == Slot::Some {
            self.out.push(1);
        }
        self.slot = Slot::Field;
    }

    /// Starts a value whose encoding never begins with 0 (a class id, a length + 1, an
    /// ordinal + 1, a reference marker), so `None`'s 0 stays unambiguous without a marker.
    #[inline]
    fn self_nulling(&mut self) {
        self.slot = Slot::Field;
    }

    /// What is known of struct `name` with `len` fields, learned on its first sight.
    #[inline]
    fn facts(&mut self, name: &'static str, len: usize) -> StructFacts {
        let key = (struct_key(name, len), self.registry.generation());
        match self.state.structs.get(key) {
            Some(facts) => facts,
            None => self.learn(key, name),
        }
    }

    /// The class of struct `name`: its id + 2 if registered, else 1, the name id, and the
    /// name once.
    #[inline]
    fn write_class(&mut self, class: Class, name: &'static str) -> Result<(), EncodeError> {
        match class {
            Class::Registered(id) => wire::write_var_u32(self.out, id + 2),
            Class::Named(slot) => self.state.plan.class(self.out, slot, &mut self.state.names),
            Class::Refused => return Err(refused(name)),
        }
        Ok(())
    }

    /// The first sight of a struct type (per registry).
    #[cold]
    #[inline(never)]
    fn learn(&mut self, key: (StructKey, u64), name: &'static str) -> StructFacts {
        let class = match self.registry.id_of(name) {
            Some(id) => Class::Registered(id),
            None if self.registry.is_registration_required() => Class::Refused,
            None => Class::Named(self.state.names.slot(name)),
        };
        let facts = StructFacts {
            class,
            in_order: None,
        };
        self.state.structs.insert(key, facts);
        facts
    }

    /// The reference marker of an object other than a string (never a back reference).
    #[inline]
    fn object(&mut self) {
        if self.references {
            self.state.plan.object(self.out);
        }
    }

    /// `Some`: what follows takes a marker if its encoding could start with 0.
    #[inline]
    pub(super) fn some(&mut self) {
        self.plain();
        self.slot = Slot::Some;
    }

    /// `None`.
    #[inline]
    pub(super) fn none(&mut self) {
        self.plain();
        self.out.push(0);
    }

    /// An enum variant, as Java's `EnumSerializer` writes a constant: the ordinal + 1.
    #[inline]
    pub(super) fn variant(&mut self, index: u32) {
        self.self_nulling();
        wire::write_var_u32(self.out, index + 1);
    }

    /// The start of a struct, tuple struct or unit struct: its class and reference marker.
    /// Returns what is known of the type, for its fields.
    #[inline]
    pub(super) fn class_object(
        &mut self,
        name: &'static str,
        len: usize,
    ) -> Result<StructFacts, EncodeError> {
        let facts = self.facts(name, len);
        self.class_object_of(facts.class, name)?;
        Ok(facts)
    }

    /// [`Ser::class_object`] for generated code, whose fields need no facts: only the class
    /// comes back from the lookup, so nothing larger than a register crosses the hot path.
    #[inline]
    pub(super) fn struct_start(
        &mut self,
        name: &'static str,
        len: usize,
    ) -> Result<(), EncodeError> {
        let class = self.facts(name, len).class;
        self.class_object_of(class, name)
    }

    #[inline]
    fn class_object_of(&mut self, class: Class, name: &'static str) -> Result<(), EncodeError> {
        self.self_nulling();
        self.write_class(class, name)?;
        self.object();
        Ok(())
    }

    /// The start of an array, a map or bytes: an object (its reference marker) whose length
    /// + 1 comes first (0 is null), as Kryo's arrays write it.
    pub(super) fn counted(&mut self, len: Option<usize>, what: &str) -> Result<(), EncodeError> {
        self.self_nulling();
        self.object();
        let len = len.ok_or_else(|| error(format!("a {what} must know its length up front")))?;
        let prefix = u32::try_from(len)
            .ok()
            .and_then(|l| l.checked_add(1))
            .ok_or(EncodeErrorKind::LengthOverflow {
                len,
                max: u64::from(u32::MAX - 1),
            })?;
        wire::write_var_u32(self.out, prefix);
        Ok(())
    }
}

/// The fields of a struct or struct variant, written in declaration order and sorted by
/// name at the end.
pub(super) struct Fields<'s, 'a> {
    ser: &'s mut Ser<'a>,
    /// Where its facts are kept, for a struct (not a struct variant).
    key: Option<(StructKey, u64)>,
    /// The fast path: the type's declaration order is known to be Kryo's (a cached entry),
    /// so fields are only checked against it, not recorded and sorted.
    in_order: Option<usize>,
    next: usize,
    start: usize,
    first_mark: usize,
    first_ref: usize,
}

impl<'s, 'a> Fields<'s, 'a> {
    /// Opens the fields of struct `name` of `len` fields; `facts` of a struct, `None` for a
    /// struct variant.
    #[inline]
    fn open(
        ser: &'s mut Ser<'a>,
        name: &'static str,
        len: usize,
        facts: Option<StructFacts>,
    ) -> Self {
        let key = facts.map(|_| (struct_key(name, len), ser.registry.generation()));
        let in_order = facts
            .and_then(|f| f.in_order)
            .map(|handle| handle as usize)
            .filter(|_| ser.state.use_hints);
        Fields {
            key,
            in_order,
            next: 0,
            start: ser.out.len(),
            first_mark: ser.state.marks.len(),
            first_ref: ser.state.plan.count(),
            ser,
        }
    }

    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        let ser = &mut *self.ser;
        match self.in_order {
            Some(handle) => {
                if !ser.state.orders.field_is(handle, self.next, key) {
                    return Err(ser.state.write_again(HINT_FAILED));
                }
                self.next += 1;
            }
            None => ser.state.marks.push((key, ser.out.len())),
        }
        ser.slot = Slot::Field;
        value.serialize(&mut *ser)
    }

    #[inline]
    fn finish(self) -> Result<(), EncodeError> {
        self.ser.depth.leave();
        match self.in_order {
            Some(handle) if self.next == self.ser.state.orders.len(handle) => Ok(()),
            Some(_) => Err(self.ser.state.write_again(HINT_FAILED)),
            None => self.sort(),
        }
    }

    /// Moves the fields into Kryo's order, learning the type's order on first sight.
    #[inline(never)]
    fn sort(self) -> Result<(), EncodeError> {
        let Fields {
            ser,
            key,
            start,
            first_mark,
            first_ref,
            ..
        } = self;
        let state = &mut *ser.state;
        let marks = &state.marks[first_mark..];
        let handle = state.orders.lookup(marks.iter().map(|(k, _)| *k));
        if let Some(key) = key
            && state.orders.is_in_order(handle)
            && let Some(facts) = state.structs.get_mut(key)
        {
            // An entry past `u32::MAX` gets no hint; it is still sorted correctly.
            facts.in_order = u32::try_from(handle).ok();
        }
        if let Some(sorted) = state.orders.order(handle) {
            let end = ser.out.len();
            state.scratch.clear();
            state.scratch.extend_from_slice(&ser.out[start..end]);
            ser.out.truncate(start);
            // Numbered places inside the struct move with its bytes (rare: references or
            // unregistered classes), so the moves are only collected then.
            let track = state.plan.count() > first_ref;
            let mut moves = Vec::new();
            for &i in sorted {
                let i = usize::from(i);
                let from = marks[i].1;
                let to = marks.get(i + 1).map_or(end, |m| m.1);
                let new_start = ser.out.len();
                ser.out
                    .extend_from_slice(&state.scratch[from - start..to - start]);
                if track {
                    moves.push((from, to, new_start));
                }
            }
            if track && !state.plan.moved(first_ref, &moves) {
                return Err(state.write_again("a counted class place moved"));
            }
        }
        state.marks.truncate(first_mark);
        Ok(())
    }
}

impl<'s, 'a> ser::SerializeStruct for Fields<'s, 'a> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), EncodeError> {
        Err(error(format!(
            "field `{key}` is skipped (skip_serializing_if), but Kryo's FieldSerializer writes every field"
        )))
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

impl<'s, 'a> ser::SerializeStructVariant for Fields<'s, 'a> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), EncodeError> {
        ser::SerializeStruct::skip_field(self, key)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.finish()
    }
}

/// Sequences, tuples and maps: elements in order.
pub(super) struct Elements<'s, 'a> {
    ser: &'s mut Ser<'a>,
    slot: Slot,
    /// The level it entered: a user type (a tuple struct or variant) or a container.
    level: Level,
}

#[derive(Clone, Copy)]
enum Level {
    User,
    Container,
}

impl<'s, 'a> Elements<'s, 'a> {
    fn of(ser: &'s mut Ser<'a>, slot: Slot, level: Level) -> Result<Self, EncodeError> {
        ser.enter(level)?;
        Ok(Elements { ser, slot, level })
    }

    fn close(self) -> Result<(), EncodeError> {
        self.ser.leave(self.level);
        Ok(())
    }

    #[inline]
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.ser.slot = self.slot;
        value.serialize(&mut *self.ser)
    }
}

macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Elements<'_, '_> {
            type Ok = ();
            type Error = EncodeError;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
                self.element(value)
            }

            fn end(self) -> Result<(), EncodeError> {
                self.close()
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Elements<'_, '_> {
    type Ok = ();
    type Error = EncodeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), EncodeError> {
        self.element(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), EncodeError> {
        self.element(value)
    }

    fn end(self) -> Result<(), EncodeError> {
        self.close()
    }
}

/// `Serializer` methods for values that may start with a 0 byte: a marker inside `Some`,
/// then `write(out, v)`.
macro_rules! plain {
    ($($method:ident: $ty:ty => $write:expr),* $(,)?) => {$(
        #[inline]
        fn $method(self, v: $ty) -> Result<(), EncodeError> {
            self.plain();
            let write: fn(&mut Vec<u8>, $ty) = $write;
            write(self.out, v);
            Ok(())
        }
    )*};
}

impl<'s, 'a> ser::Serializer for &'s mut Ser<'a> {
    type Ok = ();
    type Error = EncodeError;
    type SerializeSeq = Elements<'s, 'a>;
    type SerializeTuple = Elements<'s, 'a>;
    type SerializeTupleStruct = Elements<'s, 'a>;
    type SerializeTupleVariant = Elements<'s, 'a>;
    type SerializeMap = Elements<'s, 'a>;
    type SerializeStruct = Fields<'s, 'a>;
    type SerializeStructVariant = Fields<'s, 'a>;

    fn is_human_readable(&self) -> bool {
        false
    }

    // Fixed-width values are big-endian as Java writes them (`u16` is Java's `char`); `i32`
    // and `i64` zigzag varints as Kryo's `int` and `long`; `u32` and `u64` the same varints
    // without zigzag (`writeInt(v, true)`); `char` its scalar value as a varint.
    plain!(
        serialize_bool: bool => |out, v| out.push(u8::from(v)),
        serialize_i8: i8 => |out, v| out.push(v as u8),
        serialize_u8: u8 => |out, v| out.push(v),
        serialize_i16: i16 => |out, v| out.extend_from_slice(&v.to_be_bytes()),
        serialize_u16: u16 => |out, v| out.extend_from_slice(&v.to_be_bytes()),
        serialize_i128: i128 => |out, v| out.extend_from_slice(&v.to_be_bytes()),
        serialize_u128: u128 => |out, v| out.extend_from_slice(&v.to_be_bytes()),
        serialize_f32: f32 => |out, v| out.extend_from_slice(&v.to_be_bytes()),
        serialize_f64: f64 => |out, v| out.extend_from_slice(&v.to_be_bytes()),
        serialize_i32: i32 => wire::write_var_i32,
        serialize_i64: i64 => wire::write_var_i64,
        serialize_u32: u32 => wire::write_var_u32,
        serialize_u64: u64 => wire::write_var_u64,
        serialize_char: char => |out, v| wire::write_var_u32(out, v.into()),
    );

    #[inline]
    fn serialize_str(self, v: &str) -> Result<(), EncodeError> {
        let element = self.slot == Slot::Element;
        self.self_nulling();
        if element || !self.references {
            wire::write_str(self.out, v);
            return Ok(());
        }
        if let StringMark::Write(index) = self.state.plan.string(self.out) {
            wire::write_str(self.out, v);
            if let Some(index) = index {
                self.state.plan.string_end(index, self.out.len());
            }
        }
        Ok(())
    }

    /// As Java's `byte[]`: length + 1, then the bytes.
    fn serialize_bytes(self, v: &[u8]) -> Result<(), EncodeError> {
        self.counted(Some(v.len()), "byte array")?;
        self.out.extend_from_slice(v);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), EncodeError> {
        self.none();
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), EncodeError> {
        self.some();
        self.nested(Level::Container, |ser| value.serialize(ser))
    }

    fn serialize_unit(self) -> Result<(), EncodeError> {
        self.plain();
        Ok(())
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<(), EncodeError> {
        self.class_object(name, 0)?;
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
    ) -> Result<(), EncodeError> {
        self.nested(Level::User, |ser| {
            ser.variant(index);
            Ok(())
        })
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.nested(Level::User, |ser| value.serialize(ser))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), EncodeError> {
        // A level either way, as the reader counts the enum it reads a trait object as.
        self.nested(Level::User, |ser| {
            if name != DYN_MARKER {
                ser.variant(index);
            }
            // A trait object: the concrete struct writes its own class.
            value.serialize(ser)
        })
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Elements<'s, 'a>, EncodeError> {
        self.counted(len, "sequence")?;
        Elements::of(self, Slot::Element, Level::Container)
    }

    fn serialize_tuple(self, _len: usize) -> Result<Elements<'s, 'a>, EncodeError> {
        self.plain();
        Elements::of(self, Slot::Field, Level::Container)
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Elements<'s, 'a>, EncodeError> {
        self.class_object(name, len)?;
        Elements::of(self, Slot::Field, Level::User)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Elements<'s, 'a>, EncodeError> {
        self.variant(index);
        Elements::of(self, Slot::Field, Level::User)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Elements<'s, 'a>, EncodeError> {
        self.counted(len, "map")?;
        Elements::of(self, Slot::Field, Level::Container)
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Fields<'s, 'a>, EncodeError> {
        let facts = self.class_object(name, len)?;
        self.depth.enter()?;
        Ok(Fields::open(self, name, len, Some(facts)))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Fields<'s, 'a>, EncodeError> {
        self.variant(index);
        self.depth.enter()?;
        Ok(Fields::open(self, variant, len, None))
    }
}
