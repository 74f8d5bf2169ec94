//! Byte sinks and sources that every format writes to and reads from.
//!
//! They are deliberately tiny (postcard's `Flavor` and the `bytes` crate's `Buf` are the
//! models): a sink takes slices, a source hands out its current contiguous chunk. The same
//! generated code therefore writes into a `Vec<u8>`, a fixed slice, or a chain of network
//! buffers where one record spans several segments.

use crate::error::{DecodeError, EncodeError, EncodeErrorKind};
use core::mem::MaybeUninit;

/// A byte sink.
pub trait Writer {
    /// Appends all of `bytes`.
    fn write(&mut self, bytes: &[u8]) -> Result<(), EncodeError>;

    /// Appends a fixed-size array; sinks override this to skip the slice length check.
    #[inline]
    fn write_array<const N: usize>(&mut self, bytes: [u8; N]) -> Result<(), EncodeError> {
        self.write(&bytes)
    }

    /// The vector this writer appends to, if it is one: lets a format run code compiled
    /// for vectors (a factory's) on it.
    #[inline]
    fn as_vec(&mut self) -> Option<&mut Vec<u8>> {
        None
    }
}

impl Writer for Vec<u8> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.extend_from_slice(bytes);
        Ok(())
    }

    #[inline]
    fn write_array<const N: usize>(&mut self, bytes: [u8; N]) -> Result<(), EncodeError> {
        self.extend_from_slice(&bytes);
        Ok(())
    }

    #[inline]
    fn as_vec(&mut self) -> Option<&mut Vec<u8>> {
        Some(self)
    }
}

impl<W: Writer + ?Sized> Writer for &mut W {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        (**self).write(bytes)
    }

    #[inline]
    fn write_array<const N: usize>(&mut self, bytes: [u8; N]) -> Result<(), EncodeError> {
        (**self).write_array(bytes)
    }

    #[inline]
    fn as_vec(&mut self) -> Option<&mut Vec<u8>> {
        (**self).as_vec()
    }
}

/// Counts the bytes a value would take and keeps none: the first pass of a sized write,
/// which then allocates once. Code compiled for vectors (a factory's) writes into a spill
/// vector, counted too, so the count is exact whatever path the bytes take.
#[derive(Debug, Default)]
pub struct SizeCounter {
    counted: usize,
    spill: Vec<u8>,
}

impl SizeCounter {
    pub fn new() -> Self {
        SizeCounter::default()
    }

    /// Bytes counted so far.
    #[inline]
    pub fn size(&self) -> usize {
        self.counted + self.spill.len()
    }
}

impl Writer for SizeCounter {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.counted += bytes.len();
        Ok(())
    }

    #[inline]
    fn write_array<const N: usize>(&mut self, _: [u8; N]) -> Result<(), EncodeError> {
        self.counted += N;
        Ok(())
    }

    #[inline]
    fn as_vec(&mut self) -> Option<&mut Vec<u8>> {
        Some(&mut self.spill)
    }
}

/// Writes into a caller's fixed buffer; running out of room is an error, not a panic.
#[derive(Debug)]
pub struct SliceWriter<'a> {
    buf: &'a mut [u8],
    written: usize,
}

impl<'a> SliceWriter<'a> {
    pub fn new(buf: &'a mut [u8]) -> Self {
        SliceWriter { buf, written: 0 }
    }

    /// Bytes written so far.
    pub fn written(&self) -> usize {
        self.written
    }
}

impl Writer for SliceWriter<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        let available = self.buf.len() - self.written;
        let dst = self
            .buf
            .get_mut(self.written..self.written + bytes.len())
            .ok_or(EncodeErrorKind::BufferFull {
                needed: bytes.len(),
                available,
            })?;
        dst.copy_from_slice(bytes);
        self.written += bytes.len();
        Ok(())
    }
}

/// Adapts any `std::io::Write` (a file, a socket) as a sink.
#[derive(Debug)]
pub struct IoWriter<W>(pub W);

impl<W: std::io::Write> Writer for IoWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.0
            .write_all(bytes)
            .map_err(|e| EncodeErrorKind::Io(e.kind()).into())
    }
}

/// A byte source over memory whose total length is known: decoders compare every claimed
/// length with [`Reader::remaining`] before they allocate.
pub trait Reader {
    /// Bytes left in the whole source (all chunks).
    fn remaining(&self) -> usize;

    /// The current contiguous bytes; empty only at the end.
    fn chunk(&self) -> &[u8];

    /// Consumes `n` bytes of the current chunk; `n <= self.chunk().len()`.
    fn advance(&mut self, n: usize);

    /// Whether the remaining bytes are one slice (a slice's always are), so that
    /// [`Reader::with_one_slice`] sees them all.
    #[inline]
    fn is_one_slice(&self) -> bool {
        self.chunk().len() == self.remaining()
    }

    /// Runs `read` over the current chunk as a slice and consumes what it read: all the
    /// remaining bytes when [`Reader::is_one_slice`]. Lets a format run code compiled for
    /// slices (a factory's) on any reader; a slice hands over itself, so nothing is copied
    /// back afterwards.
    #[inline]
    fn with_one_slice<T>(&mut self, read: impl FnOnce(&mut &[u8]) -> T) -> T {
        let chunk = self.chunk();
        let mut unread = chunk;
        let out = read(&mut unread);
        let consumed = chunk.len() - unread.len();
        self.advance(consumed);
        out
    }

    /// Reads exactly `N` bytes.
    #[inline]
    fn read_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        if let Some(head) = self.chunk().first_chunk::<N>() {
            let out = *head;
            self.advance(N);
            return Ok(out);
        }
        let mut out = [0u8; N];
        self.read_exact(&mut out)?;
        Ok(out)
    }

    /// Reads exactly `out.len()` bytes.
    #[inline]
    fn read_exact(&mut self, out: &mut [u8]) -> Result<(), DecodeError> {
        // SAFETY: `&mut [u8]` and `&mut [MaybeUninit<u8>]` have the same layout, and
        // `read_uninit` only ever writes initialized bytes into it.
        let out = unsafe { &mut *(out as *mut [u8] as *mut [MaybeUninit<u8>]) };
        self.read_uninit(out)
    }

    /// Fills `out` with the next `out.len()` bytes (used to fill fresh allocations without
    /// zeroing them first). Fails without consuming anything if too few bytes remain.
    fn read_uninit(&mut self, out: &mut [MaybeUninit<u8>]) -> Result<(), DecodeError> {
        let available = self.remaining();
        if available < out.len() {
            return Err(DecodeError::UnexpectedEnd {
                needed: out.len(),
                available,
            });
        }
        let mut filled = 0;
        while filled < out.len() {
            let chunk = self.chunk();
            let n = chunk.len().min(out.len() - filled);
            if n == 0 {
                // `remaining` promised more than the chunks hold: a broken source, not input.
                return Err(DecodeError::UnexpectedEnd {
                    needed: out.len() - filled,
                    available: 0,
                });
            }
            // SAFETY: `n` bytes are readable from `chunk` and writable in `out[filled..]`, and
            // the two do not overlap (one is owned by the source, the other by the caller).
            unsafe {
                core::ptr::copy_nonoverlapping(
                    chunk.as_ptr(),
                    out[filled..].as_mut_ptr().cast::<u8>(),
                    n,
                );
            }
            self.advance(n);
            filled += n;
        }
        Ok(())
    }
}

impl Reader for &[u8] {
    #[inline]
    fn remaining(&self) -> usize {
        self.len()
    }

    #[inline]
    fn chunk(&self) -> &[u8] {
        self
    }

    #[inline]
    fn advance(&mut self, n: usize) {
        *self = &self[n..];
    }

    #[inline]
    fn is_one_slice(&self) -> bool {
        true
    }

    #[inline]
    fn with_one_slice<T>(&mut self, read: impl FnOnce(&mut &[u8]) -> T) -> T {
        read(self)
    }

    #[inline]
    fn read_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        match self.split_first_chunk::<N>() {
            Some((head, rest)) => {
                *self = rest;
                Ok(*head)
            }
            None => Err(DecodeError::UnexpectedEnd {
                needed: N,
                available: self.len(),
            }),
        }
    }
}

impl<R: Reader + ?Sized> Reader for &mut R {
    #[inline]
    fn remaining(&self) -> usize {
        (**self).remaining()
    }

    #[inline]
    fn chunk(&self) -> &[u8] {
        (**self).chunk()
    }

    #[inline]
    fn advance(&mut self, n: usize) {
        (**self).advance(n)
    }

    #[inline]
    fn is_one_slice(&self) -> bool {
        (**self).is_one_slice()
    }

    #[inline]
    fn with_one_slice<T>(&mut self, read: impl FnOnce(&mut &[u8]) -> T) -> T {
        (**self).with_one_slice(read)
    }

    #[inline]
    fn read_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        (**self).read_array()
    }

    #[inline]
    fn read_uninit(&mut self, out: &mut [MaybeUninit<u8>]) -> Result<(), DecodeError> {
        (**self).read_uninit(out)
    }
}
