//! Avro's single-object encoding: `C3 01`, the writer schema's Rabin fingerprint
//! (little-endian), then the datum. A message bus carries these so a reader can find the
//! writer's schema by fingerprint.

use super::{AvroCodec, decode_exact};
use crate::record::check_record_size;
use typeinfo::{Decode, DecodeError, Encode, EncodeError};

/// The two bytes every single-object encoding starts with.
pub const MARKER: [u8; 2] = [0xc3, 0x01];
const HEADER_LEN: usize = 10;

impl<T: Encode + ?Sized> AvroCodec<T> {
    /// Appends `value` in the single-object encoding.
    pub fn encode_single_object(&self, value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        out.extend_from_slice(&MARKER);
        out.extend_from_slice(&self.fingerprint().to_le_bytes());
        self.encode_into(value, out)
            .inspect_err(|_| out.truncate(start))
    }
}

impl<T: Decode> AvroCodec<T> {
    /// Decodes a single-object encoding written with `T`'s schema; another fingerprint is
    /// an error that gives it, so the caller can look its schema up.
    pub fn decode_single_object(&self, bytes: &[u8]) -> Result<T, DecodeError> {
        check_record_size(bytes, self.limits())?;
        let fingerprint = fingerprint_of(bytes)?;
        if fingerprint != self.fingerprint() {
            return Err(DecodeError::Custom(
                format!(
                    "single-object datum written with schema fingerprint {fingerprint:#018x}, expected {:#018x}",
                    self.fingerprint()
                )
                .into(),
            ));
        }
        decode_exact(&bytes[HEADER_LEN..], *self.limits())
    }
}

/// The writer schema's fingerprint of a single-object encoding.
pub fn fingerprint_of(bytes: &[u8]) -> Result<u64, DecodeError> {
    let Some((header, _)) = bytes.split_first_chunk::<HEADER_LEN>() else {
        return Err(DecodeError::UnexpectedEnd {
            needed: HEADER_LEN,
            available: bytes.len(),
        });
    };
    if header[..2] != MARKER {
        return Err(DecodeError::InvalidTag {
            type_name: "single-object marker",
            tag: u32::from(u16::from_be_bytes([header[0], header[1]])),
        });
    }
    let mut fp = [0u8; 8];
    fp.copy_from_slice(&header[2..]);
    Ok(u64::from_le_bytes(fp))
}
