//! Widening: an old number read as it was written and handed over as today's wider type,
//! straight into the number (generated code) or as one event (the tape path).

use super::run::Event;
use crate::codec::Decoder;
use crate::error::{DecodeError, ValueError};
use crate::snapshot::shape::Node;

/// A number as wide as any of its kind.
#[derive(Clone, Copy)]
pub(crate) enum Wide {
    Signed(i128),
    Unsigned(u128),
    Float(f64),
}

const NOT_A_NUMBER: DecodeError = DecodeError::InvalidValue(&ValueError {
    type_name: "migration",
    reason: "a widening read no number",
});

/// Reads one old number as the old bytes hold it.
#[inline]
pub(super) fn read<D: Decoder>(from: &Node, d: &mut D) -> Result<Wide, DecodeError> {
    Ok(match from {
        Node::U8 => Wide::Unsigned(d.decode_u8()?.into()),
        Node::U16 => Wide::Unsigned(d.decode_u16()?.into()),
        Node::U32 => Wide::Unsigned(d.decode_u32()?.into()),
        Node::U64 => Wide::Unsigned(d.decode_u64()?.into()),
        Node::U128 => Wide::Unsigned(d.decode_u128()?),
        Node::I8 => Wide::Signed(d.decode_i8()?.into()),
        Node::I16 => Wide::Signed(d.decode_i16()?.into()),
        Node::I32 => Wide::Signed(d.decode_i32()?.into()),
        Node::I64 => Wide::Signed(d.decode_i64()?.into()),
        Node::I128 => Wide::Signed(d.decode_i128()?),
        Node::F32 => Wide::Float(d.decode_f32()?.into()),
        Node::F64 => Wide::Float(d.decode_f64()?),
        _ => return Err(NOT_A_NUMBER),
    })
}

/// A number today's type can take from a wider read. The plan widens only where every
/// value fits; the checks stand anyway, so a wrong plan is an error and never a wrapped
/// value.
pub(crate) trait FromWide: Sized {
    fn from_wide(wide: Wide) -> Result<Self, DecodeError>;
}

macro_rules! integers {
    ($($ty:ident)*) => {$(
        impl FromWide for $ty {
            #[inline]
            fn from_wide(wide: Wide) -> Result<Self, DecodeError> {
                let out_of_range = DecodeError::OutOfRange { type_name: stringify!($ty) };
                match wide {
                    Wide::Signed(v) => $ty::try_from(v).map_err(|_| out_of_range),
                    Wide::Unsigned(v) => $ty::try_from(v).map_err(|_| out_of_range),
                    Wide::Float(_) => Err(NOT_A_NUMBER),
                }
            }
        }
    )*};
}

integers!(u8 u16 u32 u64 u128 i8 i16 i32 i64 i128);

impl FromWide for f32 {
    fn from_wide(_: Wide) -> Result<Self, DecodeError> {
        // Nothing widens into `f32`: the plan never asks.
        Err(NOT_A_NUMBER)
    }
}

impl FromWide for f64 {
    #[inline]
    fn from_wide(wide: Wide) -> Result<Self, DecodeError> {
        match wide {
            Wide::Float(v) => Ok(v),
            _ => Err(NOT_A_NUMBER),
        }
    }
}

/// The number as the event of today's type `to`, for the tape.
pub(super) fn event(wide: Wide, to: &Node) -> Result<Event, DecodeError> {
    Ok(match to {
        Node::U16 => Event::U16(FromWide::from_wide(wide)?),
        Node::U32 => Event::U32(FromWide::from_wide(wide)?),
        Node::U64 => Event::U64(FromWide::from_wide(wide)?),
        Node::U128 => Event::U128(FromWide::from_wide(wide)?),
        Node::I16 => Event::I16(FromWide::from_wide(wide)?),
        Node::I32 => Event::I32(FromWide::from_wide(wide)?),
        Node::I64 => Event::I64(FromWide::from_wide(wide)?),
        Node::I128 => Event::I128(FromWide::from_wide(wide)?),
        Node::F64 => Event::F64(FromWide::from_wide(wide)?),
        _ => return Err(NOT_A_NUMBER),
    })
}
