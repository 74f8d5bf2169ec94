//! Object container files: a header (magic, metadata with the schema and codec, a 16-byte
//! sync marker), then blocks of datums, each followed by the sync marker.
//!
//! Reading takes untrusted bytes: a header or block that claims more than the limits allow
//! is refused before anything is allocated for it, decompression stops at the same limit,
//! and a damaged block is an error that gives its byte offset.

use super::compression::{DecompressError, supported};
use super::schema::{Schema, SchemaError};
use super::{AvroCodec, AvroEncoder, Resolved};
use crate::decode_support::checked_len;
use crate::varint;
use core::fmt;
use std::io::{self, Read, Write};
use typeinfo::{Decode, DecodeError, Encode, EncodeError, Encoder, Limits};

const MAGIC: [u8; 4] = *b"Obj\x01";
/// Largest header metadata accepted: the schema of any real record fits many times over.
const MAX_METADATA_BYTES: usize = 16 << 20;
/// Most header metadata entries accepted (an empty entry costs two bytes of input).
const MAX_METADATA_ENTRIES: usize = 4096;

pub use super::compression::Codec;

/// What went wrong in a container file, and at which byte of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// Offset from the start of the file of the header or block at fault.
    pub offset: u64,
    pub kind: FileErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileErrorKind {
    Io(io::ErrorKind),
    /// The file does not start with `Obj\x01`.
    NotAvro,
    /// The header's metadata is malformed.
    Header(String),
    /// The header's schema does not parse.
    Schema(SchemaError),
    /// A codec this reader does not implement.
    UnknownCodec(String),
    /// The file ends inside a block.
    Truncated,
    /// The bytes after block `block` are not the file's sync marker: the block is corrupt.
    SyncMismatch {
        block: u64,
    },
    /// A block larger (compressed or not) than `max_record_bytes`.
    BlockTooLarge {
        limit: usize,
    },
    /// A compressed block that does not decompress: the codec's name and its error.
    Decompress(String),
    /// Record `record` of block `block` does not decode.
    Decode {
        block: u64,
        record: u64,
        error: DecodeError,
    },
    /// The writer's schema cannot be read as the records' type (schema resolution failed).
    Unresolvable(SchemaError),
    Encode(EncodeError),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "avro file, at byte {}: ", self.offset)?;
        match &self.kind {
            FileErrorKind::Io(kind) => write!(f, "i/o error: {kind}"),
            FileErrorKind::NotAvro => {
                f.write_str("not an Avro object container file (no `Obj\\x01` magic)")
            }
            FileErrorKind::Header(what) => write!(f, "bad header: {what}"),
            FileErrorKind::Schema(e) => write!(f, "header schema: {e}"),
            FileErrorKind::UnknownCodec(name) => {
                write!(
                    f,
                    "codec `{name}` is not supported (supported: {}",
                    supported()
                )?;
                match Codec::from_name(name.as_bytes()).and_then(Codec::missing_feature) {
                    Some(feature) => write!(
                        f,
                        "; `{name}` needs the `{feature}` feature of typeinfo-serializers)"
                    ),
                    None => f.write_str(")"),
                }
            }
            FileErrorKind::Truncated => f.write_str("file ends inside a block"),
            FileErrorKind::SyncMismatch { block } => {
                write!(
                    f,
                    "block {block} is corrupt: the sync marker after it does not match the header's"
                )
            }
            FileErrorKind::BlockTooLarge { limit } => {
                write!(f, "block larger than max_record_bytes ({limit})")
            }
            FileErrorKind::Decompress(e) => write!(f, "block does not decompress: {e}"),
            FileErrorKind::Decode {
                block,
                record,
                error,
            } => {
                write!(f, "record {record} of block {block}: {error}")
            }
            FileErrorKind::Unresolvable(e) => {
                write!(f, "the writer's schema cannot be read as this type: {e}")
            }
            FileErrorKind::Encode(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FileError {}

/// Writes records of `T` to a container file.
///
/// ```
/// use typeinfo::prelude::*;
/// use typeinfo_serializers::avro::file::{Codec, FileReader, FileWriter};
///
/// #[derive(TypeInfo, Debug, PartialEq)]
/// struct Point { x: i32, y: i32 }
///
/// let mut writer = FileWriter::<Point, _>::new(Vec::new(), Codec::Deflate)?;
/// writer.append(&Point { x: 1, y: 2 })?;
/// let file = writer.finish()?;
/// let points: Vec<Point> = FileReader::new(&file[..])?.records().collect::<Result<_, _>>()?;
/// assert_eq!(points, [Point { x: 1, y: 2 }]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct FileWriter<T, W: Write> {
    out: W,
    codec: AvroCodec<T>,
    compression: Codec,
    sync: [u8; 16],
    block: Vec<u8>,
    records: usize,
    /// Bytes written so far, for error offsets.
    offset: u64,
    block_bytes: usize,
}

impl<T: Encode + Decode + 'static, W: Write> FileWriter<T, W> {
    /// A writer with a fresh random sync marker; writes the header at once.
    pub fn new(out: W, compression: Codec) -> Result<Self, FileError> {
        Self::with_sync_marker(out, compression, random_sync_marker())
    }

    /// A writer with the given sync marker (for reproducible files).
    pub fn with_sync_marker(out: W, compression: Codec, sync: [u8; 16]) -> Result<Self, FileError> {
        // A file this build could not read back is refused before its header.
        if compression.missing_feature().is_some() {
            return Err(FileError {
                offset: 0,
                kind: FileErrorKind::UnknownCodec(compression.name().into()),
            });
        }
        let codec = AvroCodec::<T>::new(Limits::default()).map_err(|e| FileError {
            offset: 0,
            kind: FileErrorKind::Schema(e),
        })?;
        let mut writer = FileWriter {
            out,
            codec,
            compression,
            sync,
            block: Vec::new(),
            records: 0,
            offset: 0,
            block_bytes: 64 << 10,
        };
        // The metadata is a `map<bytes>` of one block.
        let mut header = MAGIC.to_vec();
        let schema = writer.codec.schema().to_json();
        let mut meta = AvroEncoder::new(&mut header);
        let entries: [(&[u8], &[u8]); 2] = [
            (b"avro.schema", schema.as_bytes()),
            (b"avro.codec", compression.name().as_bytes()),
        ];
        let written = meta.encode_map_len(entries.len()).and_then(|()| {
            entries.iter().try_for_each(|(key, value)| {
                meta.encode_bytes(key)?;
                meta.encode_bytes(value)
            })
        });
        written
            .and_then(|()| meta.encode_map_end())
            .map_err(|e| writer.encode_error(e))?;
        header.extend_from_slice(&sync);
        writer.put(&header)?;
        Ok(writer)
    }

    /// Bytes of datums after which a block is written out (64 KiB by default).
    pub fn block_bytes(mut self, bytes: usize) -> Self {
        self.block_bytes = bytes.max(1);
        self
    }

    /// The schema written in the header.
    pub fn schema(&self) -> &Schema {
        self.codec.schema()
    }

    pub fn append(&mut self, value: &T) -> Result<(), FileError> {
        self.codec
            .encode_into(value, &mut self.block)
            .map_err(|e| self.encode_error(e))?;
        self.records += 1;
        if self.block.len() >= self.block_bytes {
            self.flush_block()?;
        }
        Ok(())
    }

    /// Writes the records appended so far as one block.
    pub fn flush_block(&mut self) -> Result<(), FileError> {
        if self.records == 0 {
            return Ok(());
        }
        // Taken out while it is written, and put back to keep its buffer.
        let block = core::mem::take(&mut self.block);
        let data = self
            .compression
            .compress(&block)
            .map_err(|e| self.io_error(e))?;
        let mut head = Vec::with_capacity(20);
        let mut enc = AvroEncoder::new(&mut head);
        enc.count(self.records)
            .and_then(|()| enc.count(data.len()))
            .map_err(|e| self.encode_error(e))?;
        self.put(&head)?;
        self.put(&data)?;
        let sync = self.sync;
        self.put(&sync)?;
        drop(data);
        self.block = block;
        self.block.clear();
        self.records = 0;
        Ok(())
    }

    /// Writes the last block and returns the sink.
    pub fn finish(mut self) -> Result<W, FileError> {
        self.flush_block()?;
        self.out.flush().map_err(|e| self.io_error(e))?;
        Ok(self.out)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), FileError> {
        self.out.write_all(bytes).map_err(|e| self.io_error(e))?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    fn encode_error(&self, e: EncodeError) -> FileError {
        FileError {
            offset: self.offset,
            kind: FileErrorKind::Encode(e),
        }
    }

    fn io_error(&self, e: io::Error) -> FileError {
        FileError {
            offset: self.offset,
            kind: FileErrorKind::Io(e.kind()),
        }
    }
}

/// 16 bytes that differ per file: the std hasher's random keys, mixed with the time.
fn random_sync_marker() -> [u8; 16] {
    use std::hash::{BuildHasher, RandomState};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let state = RandomState::new();
    let a = state.hash_one(now).to_le_bytes();
    let b = state.hash_one(now.wrapping_add(1)).to_le_bytes();
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&a);
    out[8..].copy_from_slice(&b);
    out
}

/// Reads a container file: the header at once, then block by block.
pub struct FileReader<R: Read> {
    input: R,
    schema: Schema,
    codec: Codec,
    sync: [u8; 16],
    metadata: Vec<(String, Vec<u8>)>,
    limits: Limits,
    offset: u64,
    blocks: u64,
}

/// One block: its datums, decompressed, and how many there are.
#[derive(Debug)]
pub struct Block {
    pub offset: u64,
    pub index: u64,
    pub count: u64,
    pub data: Vec<u8>,
}

impl<R: Read> FileReader<R> {
    /// Reads the header with the default limits.
    pub fn new(input: R) -> Result<Self, FileError> {
        Self::with_limits(input, Limits::default())
    }

    pub fn with_limits(input: R, limits: Limits) -> Result<Self, FileError> {
        let mut reader = FileReader {
            input,
            // Replaced by the header's.
            schema: Schema::null(),
            codec: Codec::Null,
            sync: [0; 16],
            metadata: Vec::new(),
            limits,
            offset: 0,
            blocks: 0,
        };
        reader.header()?;
        Ok(reader)
    }

    /// The writer's schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn codec(&self) -> Codec {
        self.codec
    }

    /// The header's metadata, in file order (`avro.schema`, `avro.codec`, user keys).
    pub fn metadata(&self) -> &[(String, Vec<u8>)] {
        &self.metadata
    }

    fn error(&self, kind: FileErrorKind) -> FileError {
        FileError {
            offset: self.offset,
            kind,
        }
    }

    fn exact(&mut self, out: &mut [u8]) -> Result<(), FileError> {
        self.input.read_exact(out).map_err(|e| {
            self.error(match e.kind() {
                io::ErrorKind::UnexpectedEof => FileErrorKind::Truncated,
                kind => FileErrorKind::Io(kind),
            })
        })?;
        self.offset += out.len() as u64;
        Ok(())
    }

    /// A zigzag long read byte by byte from the stream; `None` at a clean end of file when
    /// `eof_ok`.
    fn long(&mut self, eof_ok: bool) -> Result<Option<i64>, FileError> {
        let mut bytes = Vec::with_capacity(10);
        loop {
            let mut byte = [0u8];
            match self.input.read(&mut byte) {
                Ok(0) if eof_ok && bytes.is_empty() => return Ok(None),
                Ok(0) => return Err(self.error(FileErrorKind::Truncated)),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.error(FileErrorKind::Io(e.kind()))),
            }
            self.offset += 1;
            bytes.push(byte[0]);
            if byte[0] & 0x80 == 0 || bytes.len() == 10 {
                break;
            }
        }
        let value = varint::read(&mut &bytes[..], 64, "long")
            .map_err(|e| self.error(FileErrorKind::Header(e.to_string())))?;
        Ok(Some(varint::unzigzag(value) as i64))
    }

    /// A count or size: non-negative and within `limit`.
    fn size(&mut self, limit: usize, what: &str) -> Result<usize, FileError> {
        let value = self.long(false)?.unwrap_or_default();
        usize::try_from(value)
            .ok()
            .filter(|&v| v <= limit)
            .ok_or_else(|| {
                self.error(FileErrorKind::Header(format!(
                    "{what} {value} is negative or over {limit}"
                )))
            })
    }

    fn read_vec(&mut self, len: usize) -> Result<Vec<u8>, FileError> {
        // Grows as bytes arrive: a claimed length allocates nothing the input does not hold.
        let mut out = Vec::new();
        let read = (&mut self.input)
            .take(len as u64)
            .read_to_end(&mut out)
            .map_err(|e| self.error(FileErrorKind::Io(e.kind())))?;
        if read != len {
            return Err(self.error(FileErrorKind::Truncated));
        }
        self.offset += len as u64;
        Ok(out)
    }

    fn header(&mut self) -> Result<(), FileError> {
        let mut magic = [0u8; 4];
        self.exact(&mut magic)
            .map_err(|_| self.error(FileErrorKind::NotAvro))?;
        if magic != MAGIC {
            self.offset = 0;
            return Err(self.error(FileErrorKind::NotAvro));
        }
        let mut total = 0usize;
        loop {
            let count = self.long(false)?.unwrap_or_default();
            if count == 0 {
                break;
            }
            if count < 0 {
                self.size(MAX_METADATA_BYTES, "metadata block size")?;
            }
            for _ in 0..count.unsigned_abs() {
                if self.metadata.len() == MAX_METADATA_ENTRIES {
                    return Err(self.error(FileErrorKind::Header(format!(
                        "more than {MAX_METADATA_ENTRIES} metadata entries"
                    ))));
                }
                let key_len = self.size(MAX_METADATA_BYTES - total, "metadata key length")?;
                total += key_len;
                let key = self.read_vec(key_len)?;
                let value_len = self.size(MAX_METADATA_BYTES - total, "metadata value length")?;
                total += value_len;
                let value = self.read_vec(value_len)?;
                let key = String::from_utf8(key).map_err(|_| {
                    self.error(FileErrorKind::Header("metadata key is not UTF-8".into()))
                })?;
                self.metadata.push((key, value));
            }
        }
        let schema = self.meta("avro.schema").ok_or_else(|| {
            self.error(FileErrorKind::Header(
                "no avro.schema in the metadata".into(),
            ))
        })?;
        let text = core::str::from_utf8(schema)
            .map_err(|_| self.error(FileErrorKind::Header("avro.schema is not UTF-8".into())))?;
        self.schema = Schema::parse(text).map_err(|e| self.error(FileErrorKind::Schema(e)))?;
        self.codec = match self.meta("avro.codec") {
            None => Codec::Null,
            Some(name) => (Codec::from_name(name).filter(|c| c.missing_feature().is_none()))
                .ok_or_else(|| {
                    self.error(FileErrorKind::UnknownCodec(
                        String::from_utf8_lossy(name).into_owned(),
                    ))
                })?,
        };
        let mut sync = [0u8; 16];
        self.exact(&mut sync)?;
        self.sync = sync;
        Ok(())
    }

    fn meta(&self, key: &str) -> Option<&[u8]> {
        self.metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }

    /// The next block, decompressed, with its sync marker checked; `None` at the end.
    pub fn next_block(&mut self) -> Result<Option<Block>, FileError> {
        let offset = self.offset;
        let Some(count) = self.long(true)? else {
            return Ok(None);
        };
        let limit = self.limits.max_record_bytes;
        let index = self.blocks;
        let at = |kind| FileError { offset, kind };
        let count = u64::try_from(count)
            .ok()
            .filter(|&c| checked_len(c.into(), &self.limits).is_ok())
            .ok_or_else(|| {
                at(FileErrorKind::Header(format!(
                    "block {index} claims {count} records"
                )))
            })?;
        let size = self.long(false)?.unwrap_or_default();
        let size = usize::try_from(size)
            .ok()
            .filter(|&s| s <= limit)
            .ok_or_else(|| at(FileErrorKind::BlockTooLarge { limit }))?;
        let raw = self.read_vec(size)?;
        let mut sync = [0u8; 16];
        self.exact(&mut sync)?;
        if sync != self.sync {
            return Err(at(FileErrorKind::SyncMismatch { block: index }));
        }
        let data = self.codec.decompress(raw, limit).map_err(|e| {
            at(match e {
                DecompressError::TooLarge => FileErrorKind::BlockTooLarge { limit },
                DecompressError::Invalid(why) => FileErrorKind::Decompress(why),
            })
        })?;
        self.blocks += 1;
        Ok(Some(Block {
            offset,
            index,
            count,
            data,
        }))
    }

    /// The records, read as `T`: the writer's schema is resolved against `T`'s (fields
    /// added, removed, reordered, promoted; see [`Resolved`]), or the first item is the
    /// error that says why it cannot be.
    pub fn records<T: Decode + 'static>(self) -> Records<T, R> {
        let resolved = Resolved::new(&self.schema, self.limits).map_err(|e| FileError {
            offset: 0,
            kind: FileErrorKind::Unresolvable(e),
        });
        let (resolved, check) = match resolved {
            Ok(r) => (Some(r), None),
            Err(e) => (None, Some(e)),
        };
        Records {
            check,
            resolved,
            reader: self,
            block: None,
            pos: 0,
            done: 0,
        }
    }
}

/// The records of a file as `T`, block by block.
pub struct Records<T, R: Read> {
    reader: FileReader<R>,
    check: Option<FileError>,
    resolved: Option<Resolved<T>>,
    block: Option<Block>,
    pos: usize,
    done: u64,
}

impl<T: Decode, R: Read> Iterator for Records<T, R> {
    type Item = Result<T, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.check.take() {
            self.block = None;
            self.done = u64::MAX;
            return Some(Err(e));
        }
        if self.done == u64::MAX {
            return None;
        }
        loop {
            match &self.block {
                Some(block) if self.done < block.count => break,
                Some(block) if self.pos != block.data.len() => {
                    let error = FileError {
                        offset: block.offset,
                        kind: FileErrorKind::Decode {
                            block: block.index,
                            record: block.count,
                            error: DecodeError::TrailingBytes {
                                remaining: block.data.len() - self.pos,
                            },
                        },
                    };
                    self.done = u64::MAX;
                    return Some(Err(error));
                }
                _ => match self.reader.next_block() {
                    Ok(Some(block)) => {
                        self.block = Some(block);
                        self.pos = 0;
                        self.done = 0;
                    }
                    Ok(None) => return None,
                    Err(e) => {
                        self.done = u64::MAX;
                        return Some(Err(e));
                    }
                },
            }
        }
        let block = self.block.as_ref()?;
        let input = &block.data[self.pos..];
        match self.resolved.as_ref()?.decode_front(input) {
            Ok((value, used)) => {
                self.pos += used;
                self.done += 1;
                Some(Ok(value))
            }
            Err(error) => {
                let error = FileError {
                    offset: block.offset,
                    kind: FileErrorKind::Decode {
                        block: block.index,
                        record: self.done,
                        error,
                    },
                };
                self.done = u64::MAX;
                Some(Err(error))
            }
        }
    }
}
