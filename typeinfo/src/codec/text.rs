//! Checking decoded text: most strings on the wire are short and ASCII, which a word-wise
//! test settles faster than full UTF-8 validation, whose per-call and per-byte cost
//! dominated decoding text-heavy records (a fifth of Avro's time on `log` lines).

use crate::error::DecodeError;

/// `bytes` as a `String`, or where they stop being UTF-8.
#[inline]
pub fn string_from_utf8(bytes: Vec<u8>) -> Result<String, DecodeError> {
    if is_ascii(&bytes) {
        // SAFETY: ASCII is valid UTF-8.
        return Ok(unsafe { String::from_utf8_unchecked(bytes) });
    }
    String::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 {
        valid_up_to: e.utf8_error().valid_up_to(),
    })
}

/// `bytes` as a `&str`, or where they stop being UTF-8.
#[inline]
pub fn str_from_utf8(bytes: &[u8]) -> Result<&str, DecodeError> {
    if is_ascii(bytes) {
        // SAFETY: ASCII is valid UTF-8.
        return Ok(unsafe { core::str::from_utf8_unchecked(bytes) });
    }
    core::str::from_utf8(bytes).map_err(|e| DecodeError::InvalidUtf8 {
        valid_up_to: e.valid_up_to(),
    })
}

/// Whether every byte is below 0x80: the high bits of eight bytes at a time, OR-ed
/// together, without a branch per byte. The last word overlaps the one before it rather
/// than being assembled from the tail, whose byte stores a word load would stall on.
#[inline]
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let len = bytes.len();
    if len >= 8 {
        let (words, _) = bytes[..len - 1].as_chunks::<8>();
        let last = bytes[len - 8..]
            .first_chunk::<8>()
            .copied()
            .unwrap_or_default();
        let seen = words.iter().fold(u64::from_ne_bytes(last), |seen, word| {
            seen | u64::from_ne_bytes(*word)
        });
        seen & HIGH == 0
    } else if len >= 4 {
        let half = |at: usize| {
            let four = bytes[at..].first_chunk::<4>().copied().unwrap_or_default();
            u32::from_ne_bytes(four)
        };
        (half(0) | half(len - 4)) & HIGH as u32 == 0
    } else {
        bytes.iter().fold(0, |seen, byte| seen | byte) < 0x80
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_of_every_length_up_to_three_words_is_accepted() {
        let text = "abcdefghijklmnopqrstuvwxyz";
        for len in 0..=text.len() {
            assert_eq!(string_from_utf8(text[..len].into()).unwrap(), &text[..len]);
        }
    }

    #[test]
    fn a_high_byte_anywhere_goes_through_full_validation() {
        for at in 0..20 {
            let mut bytes = vec![b'a'; 20];
            bytes[at] = 0xff;
            assert_eq!(
                string_from_utf8(bytes.clone()),
                Err(DecodeError::InvalidUtf8 { valid_up_to: at }),
                "0xff at {at}"
            );
            assert_eq!(
                str_from_utf8(&bytes),
                Err(DecodeError::InvalidUtf8 { valid_up_to: at })
            );
        }
    }

    #[test]
    fn multi_byte_text_is_kept() {
        for text in ["é", "größer als 8 Bytes", "日本語のテキスト", "a🦀b"] {
            assert_eq!(string_from_utf8(text.into()).unwrap(), text);
            assert_eq!(str_from_utf8(text.as_bytes()).unwrap(), text);
        }
    }
}
