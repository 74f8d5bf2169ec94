//! The block codecs of object container files: `null`, `deflate`, `snappy` and
//! `zstandard`, the four the spec names (`bzip2` and `xz` are optional in it and left out).
//!
//! Decompression takes untrusted bytes and never produces more than the block limit:
//! snappy states its length up front and is checked before anything is allocated; deflate
//! and zstandard streams are read into a buffer that grows only as output arrives.

use std::borrow::Cow;
use std::io::{self, Read, Write};

/// The block codecs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Codec {
    #[default]
    Null,
    /// Raw deflate (RFC 1951), as the spec requires.
    Deflate,
    /// Snappy's raw format followed by the big-endian CRC-32 of the uncompressed block.
    Snappy,
    /// A Zstandard frame.
    Zstandard,
}

/// Every codec, in the order they are listed.
const ALL_CODECS: [Codec; 4] = [Codec::Null, Codec::Deflate, Codec::Snappy, Codec::Zstandard];

/// The codec names this build reads and writes, for messages.
pub fn supported() -> String {
    let names: Vec<_> = (ALL_CODECS.into_iter())
        .filter(|c| c.missing_feature().is_none())
        .map(Codec::name)
        .collect();
    names.join(", ")
}

/// Why a block does not decompress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecompressError {
    /// The output would exceed the limit.
    TooLarge,
    /// The codec's own error, with the codec's name.
    Invalid(String),
}

impl Codec {
    pub fn name(self) -> &'static str {
        match self {
            Codec::Null => "null",
            Codec::Deflate => "deflate",
            Codec::Snappy => "snappy",
            Codec::Zstandard => "zstandard",
        }
    }

    pub(super) fn from_name(name: &[u8]) -> Option<Codec> {
        (ALL_CODECS.into_iter()).find(|codec| codec.name().as_bytes() == name)
    }

    /// The cargo feature of this crate the codec needs, if this build lacks it: snappy and
    /// zstandard are opt-in (`avro-snappy`, `avro-zstd`), null and deflate always built.
    pub fn missing_feature(self) -> Option<&'static str> {
        match self {
            Codec::Snappy if !cfg!(feature = "avro-snappy") => Some("avro-snappy"),
            Codec::Zstandard if !cfg!(feature = "avro-zstd") => Some("avro-zstd"),
            _ => None,
        }
    }

    /// The block `data` as this codec stores it.
    pub(super) fn compress(self, data: &[u8]) -> io::Result<Cow<'_, [u8]>> {
        Ok(Cow::Owned(match self {
            Codec::Null => return Ok(Cow::Borrowed(data)),
            Codec::Deflate => {
                let mut encoder = flate2::write::DeflateEncoder::new(
                    Vec::with_capacity(data.len() / 2),
                    flate2::Compression::default(),
                );
                encoder.write_all(data)?;
                encoder.finish()?
            }
            #[cfg(feature = "avro-snappy")]
            Codec::Snappy => {
                let mut out = snap::raw::Encoder::new()
                    .compress_vec(data)
                    .map_err(io::Error::other)?;
                out.extend_from_slice(&crc32fast::hash(data).to_be_bytes());
                out
            }
            #[cfg(feature = "avro-zstd")]
            Codec::Zstandard => zstd::bulk::compress(data, zstd::DEFAULT_COMPRESSION_LEVEL)?,
            #[allow(unreachable_patterns)]
            other => return Err(io::Error::other(other.unavailable())),
        }))
    }

    /// The block stored as `raw`, refusing more than `limit` bytes of it.
    pub(super) fn decompress(self, raw: Vec<u8>, limit: usize) -> Result<Vec<u8>, DecompressError> {
        let invalid =
            |e: &dyn std::fmt::Display| DecompressError::Invalid(format!("{}: {e}", self.name()));
        match self {
            Codec::Null => Ok(raw),
            Codec::Deflate => read_bounded(flate2::read::DeflateDecoder::new(&raw[..]), limit)
                .map_err(|e| e.or_invalid(|e| invalid(&e))),
            #[cfg(feature = "avro-snappy")]
            Codec::Snappy => {
                let (compressed, crc) = raw
                    .split_last_chunk::<4>()
                    .ok_or_else(|| invalid(&"shorter than its 4-byte checksum"))?;
                let len = snap::raw::decompress_len(compressed).map_err(|e| invalid(&e))?;
                if len > limit {
                    return Err(DecompressError::TooLarge);
                }
                let data = snap::raw::Decoder::new()
                    .decompress_vec(compressed)
                    .map_err(|e| invalid(&e))?;
                if crc32fast::hash(&data).to_be_bytes() != *crc {
                    return Err(invalid(&"the checksum does not match the block"));
                }
                Ok(data)
            }
            #[cfg(feature = "avro-zstd")]
            Codec::Zstandard => {
                let mut decoder = zstd::stream::read::Decoder::with_buffer(&raw[..])
                    .map_err(|e| invalid(&e))?
                    .single_frame();
                // The frame's window is a claim of its header, and the decoder allocates
                // it: no window wider than the block limit is accepted.
                decoder
                    .window_log_max(window_log(limit))
                    .map_err(|e| invalid(&e))?;
                read_bounded(decoder, limit).map_err(|e| e.or_invalid(|e| invalid(&e)))
            }
            #[allow(unreachable_patterns)]
            other => Err(invalid(&other.unavailable())),
        }
    }

    /// Why a codec this build lacks cannot run.
    fn unavailable(self) -> String {
        let feature = self.missing_feature().unwrap_or("?");
        format!(
            "this build has no {} codec (enable the `{feature}` feature of typeinfo-serializers)",
            self.name()
        )
    }
}

#[cfg(feature = "avro-zstd")]
/// The base-2 log of the smallest Zstandard window that covers `limit` bytes, within the
/// range the format allows (2^10 to 2^31).
fn window_log(limit: usize) -> u32 {
    (usize::BITS - (limit.max(1) - 1).leading_zeros()).clamp(10, 31)
}

/// What [`read_bounded`] stopped on.
enum Bounded {
    TooLarge,
    Io(io::Error),
}

impl Bounded {
    fn or_invalid(self, invalid: impl FnOnce(io::Error) -> DecompressError) -> DecompressError {
        match self {
            Bounded::TooLarge => DecompressError::TooLarge,
            Bounded::Io(e) => invalid(e),
        }
    }
}

/// Reads `reader` to its end, refusing more than `limit` bytes. The output doubles as it
/// grows but never past `limit + 1` bytes, so a bomb costs at most about one and a half
/// times the limit while the last doubling copies.
fn read_bounded(mut reader: impl Read, limit: usize) -> Result<Vec<u8>, Bounded> {
    let cap = limit.saturating_add(1);
    // `out` is zeroed once per growth; `filled` is how much of it holds output.
    let (mut out, mut filled) = (Vec::<u8>::new(), 0);
    loop {
        if filled == out.len() {
            if out.len() == cap {
                return Err(Bounded::TooLarge);
            }
            // Doubling, except that a step which would leave less than its own size
            // before the cap goes to the cap at once (no small last step copying it all).
            let doubled = out.len().saturating_mul(2).max(8 << 10);
            let grown = if doubled.saturating_mul(2) > cap {
                cap
            } else {
                doubled
            };
            out.reserve_exact(grown - out.len());
            out.resize(grown, 0);
        }
        match reader.read(&mut out[filled..]) {
            Ok(0) => {
                out.truncate(filled);
                return Ok(out);
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Bounded::Io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codecs this build has.
    fn built() -> Vec<Codec> {
        (ALL_CODECS.into_iter())
            .filter(|c| c.missing_feature().is_none())
            .collect()
    }

    #[test]
    fn every_codec_round_trips_and_names_itself() {
        let data: Vec<u8> = (0..20_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        for codec in built() {
            let stored = codec.compress(&data).unwrap().into_owned();
            assert_eq!(
                codec.decompress(stored, data.len()).unwrap(),
                data,
                "{codec:?}"
            );
            assert_eq!(Codec::from_name(codec.name().as_bytes()), Some(codec));
        }
        assert_eq!(Codec::from_name(b"bzip2"), None);
    }

    /// A codec left out of the build says which feature brings it, on both sides.
    #[test]
    fn a_codec_left_out_names_its_feature() {
        for codec in ALL_CODECS {
            let Some(feature) = codec.missing_feature() else {
                assert!(codec.compress(b"abc").is_ok(), "{codec:?}");
                continue;
            };
            let written = codec.compress(b"abc").unwrap_err().to_string();
            assert!(written.contains(feature), "{written}");
            match codec.decompress(b"abc".to_vec(), 10) {
                Err(DecompressError::Invalid(why)) => assert!(why.contains(feature), "{why}"),
                other => panic!("{codec:?}: {other:?}"),
            }
            assert!(!supported().contains(codec.name()));
        }
    }

    #[test]
    fn output_beyond_the_limit_is_refused() {
        let data = vec![7u8; 100_000];
        for codec in built().into_iter().skip(1) {
            let stored = codec.compress(&data).unwrap().into_owned();
            assert_eq!(
                codec.decompress(stored, 99_999),
                Err(DecompressError::TooLarge),
                "{codec:?}"
            );
        }
    }

    #[cfg(feature = "avro-zstd")]
    #[test]
    fn a_zstandard_window_wider_than_the_limit_is_refused() {
        use zstd::zstd_safe::CParameter;
        let data = vec![1u8; 1 << 20];
        let mut compressor = zstd::bulk::Compressor::new(3).unwrap();
        compressor.set_parameter(CParameter::WindowLog(20)).unwrap();
        let stored = compressor.compress(&data).unwrap();
        // 2^20 bytes need a 2^20 window: fine at a limit of 2^20, refused below it.
        assert_eq!(
            Codec::Zstandard
                .decompress(stored.clone(), 1 << 20)
                .unwrap(),
            data
        );
        assert!(matches!(
            Codec::Zstandard.decompress(stored, (1 << 19) - 1),
            Err(DecompressError::Invalid(_) | DecompressError::TooLarge)
        ));
        assert_eq!(window_log(0), 10);
        assert_eq!(window_log(1 << 20), 20);
        assert_eq!(window_log((1 << 20) + 1), 21);
        assert_eq!(window_log(usize::MAX), 31);
    }

    #[test]
    fn damaged_blocks_are_errors_that_name_the_codec() {
        let data = b"a block of datums, a block of datums".repeat(20);
        for codec in built().into_iter().skip(1) {
            let mut stored = codec.compress(&data).unwrap().into_owned();
            let middle = stored.len() / 2;
            stored[middle] ^= 0x55;
            stored.truncate(stored.len() - 1);
            match codec.decompress(stored, 1 << 20) {
                Err(DecompressError::Invalid(why)) => {
                    assert!(why.starts_with(codec.name()), "{why}")
                }
                other => panic!("{codec:?}: {other:?}"),
            }
        }
        assert!(matches!(
            Codec::Snappy.decompress(vec![1, 2], 10),
            Err(DecompressError::Invalid(_))
        ));
    }
}
