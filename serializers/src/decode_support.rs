//! Pieces every decoder shares: checked lengths, the state beside the input (limits,
//! nesting depth, factories), byte buffers filled only after the input proved it holds them;
//! and the codec methods that are that state, written once for every format.

use core::mem::MaybeUninit;
use typeinfo::codec::str_from_utf8;
use typeinfo::factory::Factories;
use typeinfo::io::Reader;
use typeinfo::{DecodeError, Limits};

/// A claimed element count, checked against `max_collection_len`.
#[inline]
pub fn checked_len(claimed: u128, limits: &Limits) -> Result<usize, DecodeError> {
    let limit = limits.max_collection_len;
    match usize::try_from(claimed) {
        Ok(len) if len <= limit => Ok(len),
        _ => Err(DecodeError::LengthLimit {
            claimed: u64::try_from(claimed).unwrap_or(u64::MAX),
            limit: limit as u64,
        }),
    }
}

/// Reads `len` bytes into a new buffer, allocated only once the reader is known to hold them.
#[inline]
pub fn read_byte_buf<R: Reader>(reader: &mut R, len: usize) -> Result<Vec<u8>, DecodeError> {
    let available = reader.remaining();
    if len > available {
        return Err(DecodeError::UnexpectedEnd {
            needed: len,
            available,
        });
    }
    let mut out = Vec::with_capacity(len);
    reader.read_uninit(&mut out.spare_capacity_mut()[..len] as &mut [MaybeUninit<u8>])?;
    // SAFETY: `read_uninit` succeeded, so all `len` bytes were written.
    unsafe { out.set_len(len) };
    Ok(out)
}

/// Reads past `len` bytes (checked to be UTF-8 when `utf8`) without copying them where
/// they lie in one chunk; a source that splits them is read into a buffer first.
#[inline]
pub fn skip_byte_buf<R: Reader>(reader: &mut R, len: usize, utf8: bool) -> Result<(), DecodeError> {
    let chunk = reader.chunk();
    if chunk.len() >= len {
        if utf8 {
            str_from_utf8(&chunk[..len])?;
        }
        reader.advance(len);
        return Ok(());
    }
    let bytes = read_byte_buf(reader, len)?;
    if utf8 {
        str_from_utf8(&bytes)?;
    }
    Ok(())
}

/// A Unicode scalar value.
#[inline]
pub fn char_from(v: u32) -> Result<char, DecodeError> {
    char::from_u32(v).ok_or(DecodeError::InvalidChar(v))
}

/// A variant index below `variants`.
#[inline]
pub fn variant_index(
    index: u128,
    type_name: &'static str,
    variants: u32,
) -> Result<u32, DecodeError> {
    match u32::try_from(index) {
        Ok(i) if i < variants => Ok(i),
        _ => Err(DecodeError::InvalidTag {
            type_name,
            tag: u32::try_from(index).unwrap_or(u32::MAX),
        }),
    }
}

/// The nesting depth of user types, bounded by `max_depth`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Depth(u32);

impl Depth {
    #[inline]
    pub fn enter(&mut self, limits: &Limits) -> Result<(), DecodeError> {
        if self.0 >= limits.max_depth {
            return Err(DecodeError::DepthLimit {
                limit: limits.max_depth,
            });
        }
        self.0 += 1;
        Ok(())
    }

    #[inline]
    pub fn leave(&mut self) {
        self.0 -= 1;
    }
}

/// The nesting depth on the writing side, bounded by the `max_depth` the reader will apply:
/// an encoder refuses, with the reader's limit and message, what its reader would refuse.
#[derive(Debug, Clone, Copy)]
pub struct WriteDepth {
    depth: u32,
    max_depth: u32,
}

impl Default for WriteDepth {
    fn default() -> Self {
        WriteDepth::new(Limits::DEFAULT.max_depth)
    }
}

impl WriteDepth {
    pub fn new(max_depth: u32) -> Self {
        WriteDepth {
            depth: 0,
            max_depth,
        }
    }

    #[inline]
    pub fn enter(&mut self) -> Result<(), typeinfo::EncodeError> {
        if self.depth >= self.max_depth {
            return Err(typeinfo::EncodeErrorKind::DepthLimit {
                limit: self.max_depth,
            }
            .into());
        }
        self.depth += 1;
        Ok(())
    }

    #[inline]
    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    pub fn max_depth(&self) -> u32 {
        self.max_depth
    }
}

/// `Encoder::enter` and `Encoder::leave` for an encoder whose [`WriteDepth`] is in field
/// `$depth`.
macro_rules! write_depth_methods {
    ($depth:ident) => {
        #[inline]
        fn enter(&mut self) -> Result<(), typeinfo::EncodeError> {
            self.$depth.enter()
        }

        #[inline]
        fn leave(&mut self) {
            self.$depth.leave();
        }
    };
}

/// What every decoder keeps beside its input: the limits, the nesting depth, and the
/// factories its serializer handed it for generic fields.
#[derive(Debug, Clone, Copy)]
pub struct DecodeState<'f> {
    pub limits: Limits,
    pub depth: Depth,
    pub factories: &'f Factories,
}

impl<'f> DecodeState<'f> {
    pub fn new(limits: Limits, factories: &'f Factories) -> Self {
        DecodeState {
            limits,
            depth: Depth::default(),
            factories,
        }
    }

    /// A copy for a decoder nested in this one's (a factory's value over a slice). The
    /// depth is copied on its own: the caller has just stored it, and a wide copy of the
    /// whole state would load it with other bytes, a load that cannot take the value from
    /// the pending store and waits for it (about 6 ns a value on pojo; `benches/factories.rs`
    /// in typeinfo-benches times the path).
    #[inline]
    pub fn copy_for_nested(&self) -> Self {
        DecodeState {
            depth: core::hint::black_box(self.depth),
            ..*self
        }
    }

    /// A claimed element count, checked against `max_collection_len`.
    #[inline]
    pub fn len(&self, claimed: u128) -> Result<usize, DecodeError> {
        checked_len(claimed, &self.limits)
    }
}

/// The `Decoder` methods that are the [`DecodeState`] in field `$state`: limits and depth.
macro_rules! decode_state_methods {
    ($state:ident) => {
        #[inline]
        fn limits(&self) -> &typeinfo::Limits {
            &self.$state.limits
        }

        #[inline]
        fn enter(&mut self) -> Result<(), typeinfo::DecodeError> {
            self.$state.depth.enter(&self.$state.limits)
        }

        #[inline]
        fn leave(&mut self) {
            self.$state.depth.leave();
        }
    };
}

/// `Encoder::encode_instant` of typeinfo's own formats: instants whole (seconds, then
/// nanoseconds), so every date type's whole range travels.
macro_rules! instants_whole_when_encoding {
    () => {
        #[inline]
        fn encode_instant(
            &mut self,
            instant: typeinfo::codec::epoch::Instant,
            _: &'static typeinfo::error::ValueError,
        ) -> Result<(), typeinfo::EncodeError> {
            typeinfo::codec::epoch::encode_whole(self, instant)
        }
    };
}

/// `Decoder::decode_instant` of typeinfo's own formats (see
/// `instants_whole_when_encoding!`).
macro_rules! instants_whole_when_decoding {
    () => {
        #[inline]
        fn decode_instant(
            &mut self,
        ) -> Result<typeinfo::codec::epoch::Instant, typeinfo::DecodeError> {
            typeinfo::codec::epoch::decode_whole(self)
        }
    };
}

pub(crate) use {
    decode_state_methods, instants_whole_when_decoding, instants_whole_when_encoding,
    write_depth_methods,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out its bytes `size` at a time, as a chain of network buffers does.
    struct Chunks<'a>(&'a [u8], usize);

    impl Reader for Chunks<'_> {
        fn remaining(&self) -> usize {
            self.0.len()
        }
        fn chunk(&self) -> &[u8] {
            &self.0[..self.0.len().min(self.1)]
        }
        fn advance(&mut self, n: usize) {
            self.0 = &self.0[n..];
        }
    }

    #[test]
    fn skipping_checks_utf8_in_one_chunk_and_across_chunks() {
        let text = "caf\u{e9} \u{e9}t\u{e9}!".as_bytes();
        let mut broken = text.to_vec();
        broken[3] = 0xff;
        for size in [1, 2, 3, 4, text.len(), text.len() + 1] {
            let mut reader = Chunks(text, size);
            skip_byte_buf(&mut reader, text.len() - 1, true).unwrap();
            assert_eq!(reader.0, b"!", "chunks of {size}");
            let err = skip_byte_buf(&mut Chunks(&broken, size), broken.len(), true).unwrap_err();
            assert!(
                matches!(err, DecodeError::InvalidUtf8 { valid_up_to: 3 }),
                "{err:?}"
            );
            skip_byte_buf(&mut Chunks(&broken, size), broken.len(), false).unwrap();
            let short = skip_byte_buf(&mut Chunks(text, size), text.len() + 1, false);
            assert!(matches!(short, Err(DecodeError::UnexpectedEnd { .. })));
        }
    }
}
