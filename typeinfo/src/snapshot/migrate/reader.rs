//! Today's type reading the migrated value: a [`Decoder`] over the events a plan wrote.
//!
//! Structure calls (`decode_struct_start`, `decode_tuple_start`) read nothing: the events
//! hold values only, in the order today's type reads them. Anything else out of place is an
//! error naming what was expected and found, never a guess.

use crate::codec::Decoder;
use crate::codec::tape::Event;
use crate::error::DecodeError;
use crate::limits::Limits;

pub(super) struct TapeReader<'t> {
    events: &'t mut [Event],
    at: usize,
    limits: Limits,
    depth: u32,
}

impl<'t> TapeReader<'t> {
    pub(super) fn new(events: &'t mut [Event], limits: Limits) -> Self {
        TapeReader {
            events,
            at: 0,
            limits,
            depth: 0,
        }
    }

    /// Whether today's type read every event.
    pub(super) fn finish(self) -> Result<(), DecodeError> {
        match self.events.len() - self.at {
            0 => Ok(()),
            left => Err(DecodeError::Custom(
                format!("migration: today's type left {left} migrated values unread").into(),
            )),
        }
    }

    /// The next event; a string or bytes may be moved out of it (each is read once).
    fn next(&mut self, expected: &'static str) -> Result<&mut Event, DecodeError> {
        let event = self.events.get_mut(self.at).ok_or_else(|| {
            DecodeError::Custom(
                format!("migration: today's type read {expected} after the migrated value").into(),
            )
        })?;
        self.at += 1;
        Ok(event)
    }

    /// A sequence's or map's count of one block; its end marker counts none.
    fn count(&mut self, what: &'static str, map: bool) -> Result<usize, DecodeError> {
        let len = match self.next(what)? {
            Event::SeqLen(n) if !map => *n,
            Event::MapLen(n) if map => *n,
            Event::SeqEnd if !map => return Ok(0),
            Event::MapEnd if map => return Ok(0),
            found => return Err(mismatch(what, found)),
        };
        if len > self.limits.max_collection_len {
            return Err(DecodeError::LengthLimit {
                claimed: len as u64,
                limit: self.limits.max_collection_len as u64,
            });
        }
        Ok(len)
    }
}

#[cold]
fn mismatch(expected: &'static str, found: &Event) -> DecodeError {
    DecodeError::Custom(
        format!(
            "migration: today's type reads {expected} where the migrated value holds {found:?}"
        )
        .into(),
    )
}

/// `Decoder` methods that take one scalar event.
macro_rules! scalars {
    ($($method:ident -> $ty:ty = $event:ident),* $(,)?) => {$(
        fn $method(&mut self) -> Result<$ty, DecodeError> {
            match self.next(stringify!($ty))? {
                Event::$event(v) => Ok(*v),
                found => Err(mismatch(stringify!($ty), found)),
            }
        }
    )*};
}

impl Decoder for TapeReader<'_> {
    fn limits(&self) -> &Limits {
        &self.limits
    }

    fn remaining(&self) -> usize {
        self.events.len() - self.at
    }

    scalars!(
        decode_bool -> bool = Bool,
        decode_u8 -> u8 = U8,
        decode_u16 -> u16 = U16,
        decode_u32 -> u32 = U32,
        decode_u64 -> u64 = U64,
        decode_u128 -> u128 = U128,
        decode_i8 -> i8 = I8,
        decode_i16 -> i16 = I16,
        decode_i32 -> i32 = I32,
        decode_i64 -> i64 = I64,
        decode_i128 -> i128 = I128,
        decode_f32 -> f32 = F32,
        decode_f64 -> f64 = F64,
        decode_char -> char = Char,
    );

    fn decode_byte_buf(&mut self) -> Result<Vec<u8>, DecodeError> {
        match self.next("bytes")? {
            Event::Bytes(v) => Ok(core::mem::take(v).into_vec()),
            found => Err(mismatch("bytes", found)),
        }
    }

    fn decode_string(&mut self) -> Result<String, DecodeError> {
        match self.next("a string")? {
            Event::Str(v) => Ok(core::mem::take(v).into_string()),
            found => Err(mismatch("a string", found)),
        }
    }

    fn decode_option_tag(&mut self) -> Result<bool, DecodeError> {
        match self.next("an option")? {
            Event::OptionTag(v) | Event::OptionVariant(v) => Ok(*v),
            found => Err(mismatch("an option", found)),
        }
    }

    fn decode_seq_len(&mut self) -> Result<usize, DecodeError> {
        self.count("a sequence", false)
    }

    fn decode_seq_more(&mut self) -> Result<usize, DecodeError> {
        self.count("the rest of a sequence", false)
    }

    fn decode_map_len(&mut self) -> Result<usize, DecodeError> {
        self.count("a map", true)
    }

    fn decode_map_more(&mut self) -> Result<usize, DecodeError> {
        self.count("the rest of a map", true)
    }

    fn decode_variant(
        &mut self,
        type_name: &'static str,
        variants: u32,
    ) -> Result<u32, DecodeError> {
        match self.next("a variant")? {
            Event::Variant(i) if *i < variants => Ok(*i),
            Event::Variant(i) => Err(DecodeError::InvalidTag { type_name, tag: *i }),
            found => Err(mismatch("a variant", found)),
        }
    }

    fn decode_instant(&mut self) -> Result<crate::codec::epoch::Instant, DecodeError> {
        match self.next("an instant")? {
            Event::Instant(instant, _) => Ok(*instant),
            found => Err(mismatch("an instant", found)),
        }
    }

    fn enter(&mut self) -> Result<(), DecodeError> {
        if self.depth >= self.limits.max_depth {
            return Err(DecodeError::DepthLimit {
                limit: self.limits.max_depth,
            });
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn decode_generic<T: serde::de::DeserializeOwned + 'static>(
        &mut self,
    ) -> Result<T, DecodeError> {
        Err(DecodeError::Custom(
            format!(
                "migration: the generic (serde) type `{}` cannot be read from a migrated value",
                core::any::type_name::<T>()
            )
            .into(),
        ))
    }
}
