//! The serializer traits.
//!
//! `#[derive(TypeInfo)]` writes [`Encode`] and [`Decode`] for a type once; every format
//! implements [`Encoder`] and [`Decoder`]. Because the generated code is generic over the
//! format, each format gets its own monomorphised, field-by-field code (Flink's
//! `PojoSerializer`, generated instead of reflective), with no dynamic dispatch per field.
//!
//! The traits speak in values, not bytes: a format decides how a `u32`, a length or a
//! variant index looks on the wire.

mod array;
pub(crate) mod canonical;
pub(crate) mod collections;
pub mod epoch;
pub mod generic;
mod pointers;
mod primitives;
mod raw;
mod std_values;
pub(crate) mod tape;
mod text;
mod tuples;
pub(crate) mod via;
mod wrappers;

pub use raw::{
    RawLayout, as_bytes_if_u8, is_u8, raw_bytes, read_raw_array, read_raw_vec, uniform_bytes,
};
pub use tape::Tape;
pub use text::{str_from_utf8, string_from_utf8};

use crate::error::{DecodeError, EncodeError};
use crate::factory::Factories;
use crate::info::HasTypeInfo;
use crate::limits::{Limits, cautious_capacity};
use crate::path::Step;

/// A type that can be written by any format.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written by typeinfo",
    label = "typeinfo does not support `{Self}`",
    note = "derive `TypeInfo` for it if it is yours; for a type from another crate, give the field `#[typeinfo(with = \"path::to::codec\")]` (a codec of your own) or `#[typeinfo(generic)]` (written through serde)"
)]
pub trait Encode: HasTypeInfo {
    /// Whether the value's memory is exactly its fixed-width little-endian encoding, which
    /// lets formats that use that encoding copy whole slices at once.
    const RAW: RawLayout = RawLayout::NONE;

    /// The bytes every value takes when numbers are written at their width, `bool` as one
    /// byte, `char` and variant indices as four (pojo's encoding), on every platform; `None`
    /// where that varies (strings, collections, options, enums with data) or is not known
    /// (a field with its own codec). A hint only: pojo writes a slice of such elements
    /// through a slot of this size on the stack, checks what each element wrote against
    /// it, and writes the element directly when they differ.
    const FIXED_WIDTH: Option<usize> = None;

    fn encode<E: Encoder>(&self, encoder: &mut E) -> Result<(), EncodeError>;

    /// Encodes the value(s) found at `path` (see [`crate::path`]) and returns how many there
    /// were: one for a plain path, any number through `[*]`, zero through a `None`.
    fn encode_path<E: Encoder>(
        &self,
        path: &[Step],
        encoder: &mut E,
    ) -> Result<usize, EncodeError> {
        match path {
            [] => self.encode(encoder).map(|()| 1),
            _ => Ok(0),
        }
    }
}

/// A type that can be read by any format.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read by typeinfo",
    label = "typeinfo does not support `{Self}`",
    note = "derive `TypeInfo` for it if it is yours; for a type from another crate, give the field `#[typeinfo(with = \"path::to::codec\")]` (a codec of your own) or `#[typeinfo(generic)]` (written through serde)"
)]
pub trait Decode: HasTypeInfo + Sized {
    /// Whether every byte pattern of the value's size is a valid value, equal to decoding its
    /// fixed-width little-endian encoding (see [`Encode::RAW`]).
    const RAW: RawLayout = RawLayout::NONE;

    fn decode<D: Decoder>(decoder: &mut D) -> Result<Self, DecodeError>;

    /// Reads a value written under an older type (see [`crate::snapshot::Migration`]):
    /// generated code for derived types, containers pass it on to their elements, and any
    /// other type reads as it decodes or through the plan's conversion.
    #[doc(hidden)]
    #[inline]
    fn decode_migrating<D: Decoder>(
        decoder: &mut D,
        migrate: crate::snapshot::__generated::Migrate<'_>,
    ) -> Result<Self, DecodeError> {
        migrate.read(decoder)
    }
}

/// How a derived struct is shaped, as serde's data model names the shapes: formats that
/// mirror another system's object model (kryo writes a class before a struct) need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructKind {
    /// `struct A;`
    Unit,
    /// `struct A(T);`: transparent, as serde's newtype struct.
    Newtype,
    /// `struct A(T, U);`
    Tuple,
    /// `struct A { .. }`
    Named,
}

/// A format's writing side.
pub trait Encoder: Sized {
    /// Whether derived types write named fields sorted by name (Java's `String` order), as
    /// Kryo's `FieldSerializer` does, instead of in declaration order. The derive emits
    /// both orders; this constant picks one at compile time.
    const SORTED_FIELDS: bool = false;

    /// Whether hash maps and hash sets are written in one order of their keys (see
    /// `codec::canonical`) instead of their iteration order, so that equal values have
    /// equal bytes. The reader of such a format says so too ([`Decoder::canonical_order`])
    /// and refuses any other order.
    #[inline]
    fn canonical_order(&self) -> bool {
        false
    }

    fn encode_bool(&mut self, v: bool) -> Result<(), EncodeError>;
    fn encode_u8(&mut self, v: u8) -> Result<(), EncodeError>;
    fn encode_u16(&mut self, v: u16) -> Result<(), EncodeError>;
    fn encode_u32(&mut self, v: u32) -> Result<(), EncodeError>;
    fn encode_u64(&mut self, v: u64) -> Result<(), EncodeError>;
    fn encode_u128(&mut self, v: u128) -> Result<(), EncodeError>;
    fn encode_i8(&mut self, v: i8) -> Result<(), EncodeError>;
    fn encode_i16(&mut self, v: i16) -> Result<(), EncodeError>;
    fn encode_i32(&mut self, v: i32) -> Result<(), EncodeError>;
    fn encode_i64(&mut self, v: i64) -> Result<(), EncodeError>;
    fn encode_i128(&mut self, v: i128) -> Result<(), EncodeError>;
    fn encode_f32(&mut self, v: f32) -> Result<(), EncodeError>;
    fn encode_f64(&mut self, v: f64) -> Result<(), EncodeError>;
    fn encode_char(&mut self, v: char) -> Result<(), EncodeError>;
    fn encode_str(&mut self, v: &str) -> Result<(), EncodeError>;
    fn encode_bytes(&mut self, v: &[u8]) -> Result<(), EncodeError>;

    /// Marks whether an optional value follows.
    fn encode_option_tag(&mut self, present: bool) -> Result<(), EncodeError>;

    /// Marks whether an optional enum with data follows. Formats whose unions cannot nest
    /// (Avro) merge this tag with the variant index that follows.
    #[inline]
    fn encode_option_variant(&mut self, present: bool) -> Result<(), EncodeError> {
        self.encode_option_tag(present)
    }

    /// Starts a sequence or set of `len` elements.
    fn encode_seq_len(&mut self, len: usize) -> Result<(), EncodeError>;

    /// Ends a sequence (formats with block framing write their terminator here).
    #[inline]
    fn encode_seq_end(&mut self) -> Result<(), EncodeError> {
        Ok(())
    }

    /// Starts a map of `len` entries (key then value, each).
    #[inline]
    fn encode_map_len(&mut self, len: usize) -> Result<(), EncodeError> {
        self.encode_seq_len(len)
    }

    /// Ends a map.
    #[inline]
    fn encode_map_end(&mut self) -> Result<(), EncodeError> {
        self.encode_seq_end()
    }

    /// Starts the variant with declaration index `index`; its fields follow.
    fn encode_variant(&mut self, index: u32) -> Result<(), EncodeError>;

    /// Starts a derived struct `name` (the descriptor's name) with `len` fields on the wire.
    #[inline]
    fn encode_struct_start(
        &mut self,
        name: &'static str,
        kind: StructKind,
        len: usize,
    ) -> Result<(), EncodeError> {
        let _ = (name, kind, len);
        Ok(())
    }

    /// Starts a tuple or a fixed-size array of `len` elements.
    #[inline]
    fn encode_tuple_start(&mut self, len: usize) -> Result<(), EncodeError> {
        let _ = len;
        Ok(())
    }

    /// Encodes a slice as a sequence. Formats override this for bulk copies.
    #[inline]
    fn encode_slice<T: Encode>(&mut self, items: &[T]) -> Result<(), EncodeError> {
        encode_slice_by_element(self, items)
    }

    /// Encodes the elements of a fixed-size array (no length). Formats override this for
    /// bulk copies.
    #[inline]
    fn encode_array<T: Encode>(&mut self, items: &[T]) -> Result<(), EncodeError> {
        items.iter().try_for_each(|item| item.encode(self))
    }

    /// Writes an instant (a date-time type's value). By default as an `i64` of nanoseconds
    /// since 1970 (Avro's `timestamp-nanos`), refusing with `beyond_i64_nanos` what that
    /// cannot hold; typeinfo's own formats write it whole ([`epoch::encode_whole`]).
    #[inline]
    fn encode_instant(
        &mut self,
        instant: epoch::Instant,
        beyond_i64_nanos: &'static crate::error::ValueError,
    ) -> Result<(), EncodeError> {
        epoch::encode_as_nanos(self, instant, beyond_i64_nanos)
    }

    /// Enters one level of user-type nesting, as [`Decoder::enter`] does on the reading
    /// side: a format whose reader bounds the depth refuses here what it would refuse there.
    #[inline]
    fn enter(&mut self) -> Result<(), EncodeError> {
        Ok(())
    }

    /// Leaves a level entered with [`Encoder::enter`].
    #[inline]
    fn leave(&mut self) {}

    /// Encodes a value the type system cannot see into (`#[typeinfo(generic)]`): through
    /// serde. Encoders that carry factories (see [`crate::factory`](mod@crate::factory)) override this with
    /// [`encode_generic_with`].
    #[inline]
    fn encode_generic<T: serde::Serialize + 'static>(
        &mut self,
        value: &T,
    ) -> Result<(), EncodeError> {
        value.serialize(generic::GenericSerializer::new(self))
    }
}

/// A format's reading side. Every method returns a [`DecodeError`] on hostile input.
pub trait Decoder: Sized {
    /// Whether derived types read named fields sorted by name (see
    /// [`Encoder::SORTED_FIELDS`]).
    const SORTED_FIELDS: bool = false;

    /// Whether hash maps and hash sets must come in the one order their writer
    /// ([`Encoder::canonical_order`]) puts them in, and BTree maps and sets in their keys'
    /// `Ord` order; entries out of it are refused.
    #[inline]
    fn canonical_order(&self) -> bool {
        false
    }

    /// The limits in force.
    fn limits(&self) -> &Limits;

    /// Input bytes left; bounds what is pre-allocated on the word of a length prefix.
    fn remaining(&self) -> usize;

    fn decode_bool(&mut self) -> Result<bool, DecodeError>;
    fn decode_u8(&mut self) -> Result<u8, DecodeError>;
    fn decode_u16(&mut self) -> Result<u16, DecodeError>;
    fn decode_u32(&mut self) -> Result<u32, DecodeError>;
    fn decode_u64(&mut self) -> Result<u64, DecodeError>;
    fn decode_u128(&mut self) -> Result<u128, DecodeError>;
    fn decode_i8(&mut self) -> Result<i8, DecodeError>;
    fn decode_i16(&mut self) -> Result<i16, DecodeError>;
    fn decode_i32(&mut self) -> Result<i32, DecodeError>;
    fn decode_i64(&mut self) -> Result<i64, DecodeError>;
    fn decode_i128(&mut self) -> Result<i128, DecodeError>;
    fn decode_f32(&mut self) -> Result<f32, DecodeError>;
    fn decode_f64(&mut self) -> Result<f64, DecodeError>;
    fn decode_char(&mut self) -> Result<char, DecodeError>;
    fn decode_byte_buf(&mut self) -> Result<Vec<u8>, DecodeError>;

    /// A string: the byte buffer, checked to be UTF-8.
    #[inline]
    fn decode_string(&mut self) -> Result<String, DecodeError> {
        string_from_utf8(self.decode_byte_buf()?)
    }

    /// Reads a string and drops it (a field a migration removes), refusing what
    /// [`Decoder::decode_string`] refuses. Formats that can check it in place override
    /// this, so nothing is allocated.
    #[inline]
    fn skip_string(&mut self) -> Result<(), DecodeError> {
        self.decode_string().map(drop)
    }

    /// Reads a byte buffer and drops it, as [`Decoder::skip_string`] a string.
    #[inline]
    fn skip_byte_buf(&mut self) -> Result<(), DecodeError> {
        self.decode_byte_buf().map(drop)
    }

    /// Reads whether an optional value follows.
    fn decode_option_tag(&mut self) -> Result<bool, DecodeError>;

    /// Reads whether an optional enum with data follows (see
    /// [`Encoder::encode_option_variant`]).
    #[inline]
    fn decode_option_variant(&mut self) -> Result<bool, DecodeError> {
        self.decode_option_tag()
    }

    /// Reads the element count of a sequence, or of its first block in block-framed formats.
    /// Implementations check it against [`Limits::max_collection_len`].
    fn decode_seq_len(&mut self) -> Result<usize, DecodeError>;

    /// After the elements announced so far: how many more follow (0 = the sequence ended).
    /// Formats without block framing always answer 0.
    #[inline]
    fn decode_seq_more(&mut self) -> Result<usize, DecodeError> {
        Ok(0)
    }

    /// Reads the entry count of a map (or of its first block).
    #[inline]
    fn decode_map_len(&mut self) -> Result<usize, DecodeError> {
        self.decode_seq_len()
    }

    /// After the entries announced so far: how many more follow (0 = the map ended).
    #[inline]
    fn decode_map_more(&mut self) -> Result<usize, DecodeError> {
        self.decode_seq_more()
    }

    /// Reads a variant index of `type_name`, which has `variants` variants.
    fn decode_variant(
        &mut self,
        type_name: &'static str,
        variants: u32,
    ) -> Result<u32, DecodeError>;

    /// Reads the start of derived struct `name` (see [`Encoder::encode_struct_start`]).
    #[inline]
    fn decode_struct_start(
        &mut self,
        name: &'static str,
        kind: StructKind,
        len: usize,
    ) -> Result<(), DecodeError> {
        let _ = (name, kind, len);
        Ok(())
    }

    /// Reads the start of a tuple or a fixed-size array of `len` elements.
    #[inline]
    fn decode_tuple_start(&mut self, len: usize) -> Result<(), DecodeError> {
        let _ = len;
        Ok(())
    }

    /// Reads an instant written by [`Encoder::encode_instant`].
    #[inline]
    fn decode_instant(&mut self) -> Result<epoch::Instant, DecodeError> {
        epoch::decode_from_nanos(self)
    }

    /// Enters one level of user-type nesting; fails beyond [`Limits::max_depth`].
    fn enter(&mut self) -> Result<(), DecodeError>;

    /// Leaves a level entered with [`Decoder::enter`].
    fn leave(&mut self);

    /// Decodes a sequence into a `Vec`. Formats override this for bulk copies.
    #[inline]
    fn decode_vec<T: Decode>(&mut self) -> Result<Vec<T>, DecodeError> {
        decode_vec_by_element(self)
    }

    /// Decodes the elements of a fixed-size array. Formats override this for bulk copies.
    #[inline]
    fn decode_array<T: Decode, const N: usize>(&mut self) -> Result<[T; N], DecodeError> {
        decode_array_by_element(self)
    }

    /// Reads the elements of a fixed-size array of `u8` whose length is known only at run
    /// time (a migration reads old layouts so), as [`Decoder::decode_array`] reads
    /// `[u8; len]`. Formats that write byte arrays raw override this.
    fn decode_byte_array(&mut self, len: usize) -> Result<Vec<u8>, DecodeError> {
        let mut bytes = Vec::new();
        for _ in 0..len {
            bytes.push(self.decode_u8()?);
        }
        Ok(bytes)
    }

    /// Reads a fixed-size array of `len` elements whose length is known only at run time,
    /// calling `element` once for each, framed as [`Decoder::decode_array`] frames them.
    /// Formats that frame arrays override this with `decode_array`.
    fn decode_array_elements(
        &mut self,
        len: usize,
        element: &mut dyn FnMut(&mut Self, usize) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        (0..len).try_for_each(|index| element(self, index))
    }

    /// Decodes a value the type system cannot see into: through serde. Decoders that carry
    /// factories override this with [`decode_generic_with`].
    #[inline]
    fn decode_generic<T: serde::de::DeserializeOwned + 'static>(
        &mut self,
    ) -> Result<T, DecodeError> {
        T::deserialize(generic::GenericDeserializer::new(self))
    }
}

/// How a whole record's value is read from a format's decoder: directly ([`Direct`]), or
/// through a migration from bytes written under an older type
/// ([`crate::snapshot::Migration`]). Record codecs take one, so a migration reads with the
/// format's own decoder, limits and end checks.
pub trait ReadValue<T> {
    fn read<D: Decoder>(&self, decoder: &mut D) -> Result<T, DecodeError>;
}

/// Reads a value as its type decodes it: the bytes are today's.
#[derive(Debug, Clone, Copy, Default)]
pub struct Direct;

impl<T: Decode> ReadValue<T> for Direct {
    #[inline]
    fn read<D: Decoder>(&self, decoder: &mut D) -> Result<T, DecodeError> {
        T::decode(decoder)
    }
}

/// [`Encoder::encode_generic`] for an encoder that carries `factories`: with the factory for
/// `T`, else through serde (the trait's default). The set is borrowed apart from the encoder,
/// so the factory can write into it.
#[inline]
pub fn encode_generic_with<E: Encoder, T: serde::Serialize + 'static>(
    factories: &Factories,
    encoder: &mut E,
    value: &T,
) -> Result<(), EncodeError> {
    match factories.encode(value, encoder) {
        Some(done) => done,
        None => value.serialize(generic::GenericSerializer::new(encoder)),
    }
}

/// [`Decoder::decode_generic`] for a decoder that carries `factories` (see
/// [`encode_generic_with`]).
#[inline]
pub fn decode_generic_with<D: Decoder, T: serde::de::DeserializeOwned + 'static>(
    factories: &Factories,
    decoder: &mut D,
) -> Result<T, DecodeError> {
    match factories.decode(decoder) {
        Some(done) => done,
        None => T::deserialize(generic::GenericDeserializer::new(decoder)),
    }
}

/// [`Encoder::encode_slice`] without bulk copies: `u8` slices as bytes, others element by
/// element.
#[inline]
pub fn encode_slice_by_element<E: Encoder, T: Encode>(
    encoder: &mut E,
    items: &[T],
) -> Result<(), EncodeError> {
    if let Some(bytes) = raw::as_bytes_if_u8(items) {
        return encoder.encode_bytes(bytes);
    }
    encoder.encode_seq_len(items.len())?;
    for item in items {
        item.encode(encoder)?;
    }
    encoder.encode_seq_end()
}

/// [`Decoder::decode_vec`] without bulk copies: `u8` vectors as bytes, others element by
/// element, pre-allocating no more than [`cautious_capacity`].
#[inline]
pub fn decode_vec_by_element<D: Decoder, T: Decode>(
    decoder: &mut D,
) -> Result<Vec<T>, DecodeError> {
    if raw::is_u8::<T>() {
        return decoder.decode_byte_buf().map(raw::cast_u8_vec);
    }
    let mut out = Vec::new();
    decode_seq_blocks(decoder, |d, len| {
        out.reserve(cautious_capacity::<T>(len, d.remaining()));
        for _ in 0..len {
            let index = out.len();
            out.push(T::decode(d).map_err(|e| e.at_index(index))?);
        }
        Ok(())
    })?;
    Ok(out)
}

/// [`Decoder::decode_array`] without bulk copies.
#[inline]
pub fn decode_array_by_element<D: Decoder, T: Decode, const N: usize>(
    decoder: &mut D,
) -> Result<[T; N], DecodeError> {
    array::decode_array(|| T::decode(decoder))
}

/// Builds an array from `N` fallible calls of `next`, dropping what was built if one fails:
/// for formats that read an array's elements between framing of their own.
#[inline]
pub fn decode_array_with<T, const N: usize>(
    next: impl FnMut() -> Result<T, DecodeError>,
) -> Result<[T; N], DecodeError> {
    array::decode_array(next)
}

/// Reads a sequence block by block (one block in formats without block framing) and calls
/// `block` with the decoder and the element count of each block. The count is what the input
/// claims: callers cap what they pre-allocate with [`cautious_capacity`]. The blocks together
/// stay within [`Limits::max_collection_len`], as one block does.
#[inline]
pub fn decode_seq_blocks<D: Decoder>(
    decoder: &mut D,
    block: impl FnMut(&mut D, usize) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let first = decoder.decode_seq_len()?;
    read_blocks(decoder, first, D::decode_seq_more, block)
}

/// Like [`decode_seq_blocks`], for the entries of a map.
#[inline]
pub fn decode_map_blocks<D: Decoder>(
    decoder: &mut D,
    block: impl FnMut(&mut D, usize) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let first = decoder.decode_map_len()?;
    read_blocks(decoder, first, D::decode_map_more, block)
}

#[inline]
fn read_blocks<D: Decoder>(
    decoder: &mut D,
    mut len: usize,
    more: fn(&mut D) -> Result<usize, DecodeError>,
    mut block: impl FnMut(&mut D, usize) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let mut total = 0usize;
    while len > 0 {
        total = total.saturating_add(len);
        let limit = decoder.limits().max_collection_len;
        if total > limit {
            return Err(DecodeError::LengthLimit {
                claimed: total as u64,
                limit: limit as u64,
            });
        }
        block(decoder, len)?;
        len = more(decoder)?;
    }
    Ok(())
}
