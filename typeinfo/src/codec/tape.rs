//! A value's encoding as a list of encoder calls, recorded once and replayed into any
//! format.
//!
//! Field defaults need this: the descriptor is format-independent, but a schema format
//! (Avro) prints a field's default in its own encoding. The derive stores, per defaulted
//! field, a function that records the default value; a format replays the tape into its
//! own encoder.

use super::{Encode, Encoder, as_bytes_if_u8};
use crate::error::EncodeError;

/// The calls one value's [`Encode`] impl made, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tape {
    pub(crate) events: Vec<Event>,
}

/// One encoder call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    Bool(bool),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    U128(u128),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    I128(i128),
    F32(f32),
    F64(f64),
    Char(char),
    Str(Box<str>),
    Bytes(Box<[u8]>),
    /// `encode_array` of bytes: formats with a fixed-size byte type write these raw.
    ByteArray(Box<[u8]>),
    OptionTag(bool),
    OptionVariant(bool),
    SeqLen(usize),
    SeqEnd,
    MapLen(usize),
    MapEnd,
    Variant(u32),
    StructStart(&'static str, super::StructKind, usize),
    TupleStart(usize),
    /// `encode_instant`: the instant, and the refusal that names its type.
    Instant(super::epoch::Instant, &'static crate::error::ValueError),
}

impl Tape {
    /// Records how `value` encodes. A value with a generic (serde) field cannot be
    /// recorded: formats write those in their own way, which the calls do not show.
    pub fn record<T: Encode + ?Sized>(value: &T) -> Result<Tape, EncodeError> {
        Tape::record_by(|tape| value.encode(tape))
    }

    /// Records the calls `encode` makes: for a field with its own codec
    /// (`#[typeinfo(with = "...")]`).
    pub fn record_by(
        encode: impl FnOnce(&mut Tape) -> Result<(), EncodeError>,
    ) -> Result<Tape, EncodeError> {
        let mut tape = Tape::default();
        encode(&mut tape)?;
        Ok(tape)
    }

    /// Makes the recorded calls on `encoder`. Recorded fields are in declaration order, so
    /// an encoder that sorts them ([`Encoder::SORTED_FIELDS`]) is refused.
    pub fn replay<E: Encoder>(&self, encoder: &mut E) -> Result<(), EncodeError> {
        if E::SORTED_FIELDS {
            return Err(EncodeError::custom(
                "a tape holds fields in declaration order and cannot be replayed into a format that sorts them",
            ));
        }
        for event in &self.events {
            match event {
                Event::Bool(v) => encoder.encode_bool(*v),
                Event::U8(v) => encoder.encode_u8(*v),
                Event::U16(v) => encoder.encode_u16(*v),
                Event::U32(v) => encoder.encode_u32(*v),
                Event::U64(v) => encoder.encode_u64(*v),
                Event::U128(v) => encoder.encode_u128(*v),
                Event::I8(v) => encoder.encode_i8(*v),
                Event::I16(v) => encoder.encode_i16(*v),
                Event::I32(v) => encoder.encode_i32(*v),
                Event::I64(v) => encoder.encode_i64(*v),
                Event::I128(v) => encoder.encode_i128(*v),
                Event::F32(v) => encoder.encode_f32(*v),
                Event::F64(v) => encoder.encode_f64(*v),
                Event::Char(v) => encoder.encode_char(*v),
                Event::Str(v) => encoder.encode_str(v),
                Event::Bytes(v) => encoder.encode_bytes(v),
                Event::ByteArray(v) => encoder.encode_array::<u8>(v),
                Event::OptionTag(v) => encoder.encode_option_tag(*v),
                Event::OptionVariant(v) => encoder.encode_option_variant(*v),
                Event::SeqLen(n) => encoder.encode_seq_len(*n),
                Event::SeqEnd => encoder.encode_seq_end(),
                Event::MapLen(n) => encoder.encode_map_len(*n),
                Event::MapEnd => encoder.encode_map_end(),
                Event::Variant(i) => encoder.encode_variant(*i),
                Event::StructStart(name, kind, len) => {
                    encoder.encode_struct_start(name, *kind, *len)
                }
                Event::TupleStart(n) => encoder.encode_tuple_start(*n),
                Event::Instant(instant, beyond) => encoder.encode_instant(*instant, beyond),
            }?;
        }
        Ok(())
    }

    /// What recording a value of the generic (serde) type `T` gives: an error, since
    /// formats write those in their own way.
    pub fn refuse_generic<T: ?Sized>() -> Result<Tape, EncodeError> {
        Err(EncodeError::custom(format!(
            "a value of the generic (serde) type `{}` cannot be recorded as a default",
            core::any::type_name::<T>()
        )))
    }

    pub(crate) fn push(&mut self, event: Event) -> Result<(), EncodeError> {
        self.events.push(event);
        Ok(())
    }
}

impl Encoder for Tape {
    fn encode_bool(&mut self, v: bool) -> Result<(), EncodeError> {
        self.push(Event::Bool(v))
    }
    fn encode_u8(&mut self, v: u8) -> Result<(), EncodeError> {
        self.push(Event::U8(v))
    }
    fn encode_u16(&mut self, v: u16) -> Result<(), EncodeError> {
        self.push(Event::U16(v))
    }
    fn encode_u32(&mut self, v: u32) -> Result<(), EncodeError> {
        self.push(Event::U32(v))
    }
    fn encode_u64(&mut self, v: u64) -> Result<(), EncodeError> {
        self.push(Event::U64(v))
    }
    fn encode_u128(&mut self, v: u128) -> Result<(), EncodeError> {
        self.push(Event::U128(v))
    }
    fn encode_i8(&mut self, v: i8) -> Result<(), EncodeError> {
        self.push(Event::I8(v))
    }
    fn encode_i16(&mut self, v: i16) -> Result<(), EncodeError> {
        self.push(Event::I16(v))
    }
    fn encode_i32(&mut self, v: i32) -> Result<(), EncodeError> {
        self.push(Event::I32(v))
    }
    fn encode_i64(&mut self, v: i64) -> Result<(), EncodeError> {
        self.push(Event::I64(v))
    }
    fn encode_i128(&mut self, v: i128) -> Result<(), EncodeError> {
        self.push(Event::I128(v))
    }
    fn encode_f32(&mut self, v: f32) -> Result<(), EncodeError> {
        self.push(Event::F32(v))
    }
    fn encode_f64(&mut self, v: f64) -> Result<(), EncodeError> {
        self.push(Event::F64(v))
    }
    fn encode_char(&mut self, v: char) -> Result<(), EncodeError> {
        self.push(Event::Char(v))
    }
    fn encode_str(&mut self, v: &str) -> Result<(), EncodeError> {
        self.push(Event::Str(v.into()))
    }
    fn encode_bytes(&mut self, v: &[u8]) -> Result<(), EncodeError> {
        self.push(Event::Bytes(v.into()))
    }
    fn encode_option_tag(&mut self, present: bool) -> Result<(), EncodeError> {
        self.push(Event::OptionTag(present))
    }
    fn encode_option_variant(&mut self, present: bool) -> Result<(), EncodeError> {
        self.push(Event::OptionVariant(present))
    }
    fn encode_seq_len(&mut self, len: usize) -> Result<(), EncodeError> {
        self.push(Event::SeqLen(len))
    }
    fn encode_seq_end(&mut self) -> Result<(), EncodeError> {
        self.push(Event::SeqEnd)
    }
    fn encode_map_len(&mut self, len: usize) -> Result<(), EncodeError> {
        self.push(Event::MapLen(len))
    }
    fn encode_map_end(&mut self) -> Result<(), EncodeError> {
        self.push(Event::MapEnd)
    }
    fn encode_variant(&mut self, index: u32) -> Result<(), EncodeError> {
        self.push(Event::Variant(index))
    }
    fn encode_struct_start(
        &mut self,
        name: &'static str,
        kind: super::StructKind,
        len: usize,
    ) -> Result<(), EncodeError> {
        self.push(Event::StructStart(name, kind, len))
    }
    fn encode_tuple_start(&mut self, len: usize) -> Result<(), EncodeError> {
        self.push(Event::TupleStart(len))
    }
    fn encode_array<T: Encode>(&mut self, items: &[T]) -> Result<(), EncodeError> {
        match as_bytes_if_u8(items) {
            Some(bytes) => self.push(Event::ByteArray(bytes.into())),
            None => items.iter().try_for_each(|item| item.encode(self)),
        }
    }
    fn encode_instant(
        &mut self,
        instant: super::epoch::Instant,
        beyond_i64_nanos: &'static crate::error::ValueError,
    ) -> Result<(), EncodeError> {
        self.push(Event::Instant(instant, beyond_i64_nanos))
    }
    fn encode_generic<T: serde::Serialize + 'static>(&mut self, _: &T) -> Result<(), EncodeError> {
        Tape::refuse_generic::<T>().map(drop)
    }
}

/// The recorded value as a person reads it: scalars as Rust prints them, strings quoted,
/// `None`/`Some(..)`, sequences in brackets, variants by index. Snapshots print field
/// defaults this way.
impl core::fmt::Display for Tape {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut first = true;
        for event in &self.events {
            let text = match event {
                Event::Bool(v) => v.to_string(),
                Event::U8(v) => v.to_string(),
                Event::U16(v) => v.to_string(),
                Event::U32(v) => v.to_string(),
                Event::U64(v) => v.to_string(),
                Event::U128(v) => v.to_string(),
                Event::I8(v) => v.to_string(),
                Event::I16(v) => v.to_string(),
                Event::I32(v) => v.to_string(),
                Event::I64(v) => v.to_string(),
                Event::I128(v) => v.to_string(),
                Event::F32(v) => format!("{v:?}"),
                Event::F64(v) => format!("{v:?}"),
                Event::Char(v) => format!("{v:?}"),
                Event::Str(v) => format!("{v:?}"),
                Event::Bytes(v) | Event::ByteArray(v) => format!("{v:?}"),
                Event::OptionTag(false) | Event::OptionVariant(false) => "None".to_owned(),
                Event::OptionTag(true) | Event::OptionVariant(true) => "Some".to_owned(),
                Event::SeqLen(n) | Event::MapLen(n) => format!("[{n}]"),
                Event::Variant(i) => format!("#{i}"),
                Event::Instant(i, _) => format!("@{}.{:09}", i.secs, i.nanos),
                Event::SeqEnd | Event::MapEnd | Event::StructStart(..) | Event::TupleStart(_) => {
                    continue;
                }
            };
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            f.write_str(&text)?;
        }
        if first {
            f.write_str("()")?;
        }
        Ok(())
    }
}
