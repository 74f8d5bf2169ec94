//! Running a [`Resolution`]: writer datum in, reader datum out.
//!
//! The input is untrusted: every length and count is checked before it is used, the item
//! total of an array or map is bounded by `max_collection_len`, records nest at most
//! `max_depth` deep, and the output (which defaults can make larger than the input) stops
//! at `max_record_bytes`.

use super::Resolution;
use super::program::{Branch, Op, RecordPlan, Source, Step};
use crate::avro::de::checked_length;
use crate::decode_support::{Depth, checked_len};
use crate::varint;
use typeinfo::io::Reader;
use typeinfo::{DecodeError, Limits};

impl Resolution {
    /// Reads one writer datum from the front of `input` and appends its reader form to
    /// `out`; returns how many input bytes it took.
    pub fn transcode(
        &self,
        input: &[u8],
        out: &mut Vec<u8>,
        limits: &Limits,
    ) -> Result<usize, DecodeError> {
        let out_limit = out.len().saturating_add(limits.max_record_bytes);
        let mut run = Run {
            records: &self.records,
            input,
            out,
            limits,
            depth: Depth::default(),
            out_limit,
        };
        run.op(&self.root)?;
        run.check_size()?;
        Ok(input.len() - run.input.len())
    }
}

/// Where a run writes: the output, or nowhere (reading past a field).
trait Sink {
    fn len(&self) -> usize;
    fn put(&mut self, bytes: &[u8]);
    fn put_long(&mut self, v: i64);
    /// Whether writes are dropped, so that work only they need can be left out.
    const DISCARDS: bool;
}

impl Sink for Vec<u8> {
    const DISCARDS: bool = false;

    #[inline]
    fn len(&self) -> usize {
        Vec::len(self)
    }

    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    #[inline]
    fn put_long(&mut self, v: i64) {
        varint::write(self, varint::zigzag64(v));
    }
}

/// Reads past values: a writer field the reader lacks, or the scan of a reordered record.
struct Discard;

impl Sink for Discard {
    const DISCARDS: bool = true;

    #[inline]
    fn len(&self) -> usize {
        0
    }

    #[inline]
    fn put(&mut self, _: &[u8]) {}

    #[inline]
    fn put_long(&mut self, _: i64) {}
}

struct Run<'p, 'i, 'o, S> {
    records: &'p [RecordPlan],
    input: &'i [u8],
    out: &'o mut S,
    limits: &'p Limits,
    depth: Depth,
    out_limit: usize,
}

fn refused(message: impl Into<Box<str>>) -> DecodeError {
    DecodeError::Custom(message.into())
}

impl<'p, 'i, S: Sink> Run<'p, 'i, '_, S> {
    /// A `long`.
    #[inline]
    fn long(&mut self, type_name: &'static str) -> Result<i64, DecodeError> {
        let (v, rest) = front_long(self.input, type_name)?;
        self.input = rest;
        Ok(v)
    }

    #[inline]
    fn write_long(&mut self, v: i64) {
        self.out.put_long(v);
    }

    /// Copies the input from `start` (an earlier position) plus `more` bytes to the output.
    #[inline]
    fn copy_from(&mut self, start: &'i [u8], more: usize) -> Result<(), DecodeError> {
        let read = start.len() - self.input.len();
        let Some(rest) = self.input.get(more..) else {
            return Err(DecodeError::UnexpectedEnd {
                needed: more,
                available: self.input.len(),
            });
        };
        self.out.put(&start[..read + more]);
        self.input = rest;
        Ok(())
    }

    /// A `string` or `bytes` length.
    #[inline(always)]
    fn bytes_len(&mut self) -> Result<usize, DecodeError> {
        checked_length(self.long("length")?, self.limits)
    }

    /// Transcodes one value: copies inline (most fields), anything else through [`Run::op`].
    #[inline(always)]
    fn value(&mut self, op: &Op) -> Result<(), DecodeError> {
        match op {
            Op::Fixed(len) => self.copy_from(self.input, *len),
            Op::Varint => {
                let start = self.input;
                self.long("long")?;
                self.copy_from(start, 0)
            }
            Op::Bytes => {
                let start = self.input;
                let len = self.bytes_len()?;
                self.copy_from(start, len)
            }
            _ => self.op(op),
        }
    }

    /// Reads past consecutive values of the writer's (`ops`: the writer's schema read as
    /// itself). The position lives in a local, kept in a register, while the values are
    /// flat: kept in `self`, each value's read waited on the store of the one before.
    /// Always inlined in optimised builds, where that is what keeps the position in a
    /// register (a tenth of a transcode); debug builds keep every inlined copy's locals in
    /// the frame, and the recursion at the default depth limit overflowed the stack.
    #[cfg_attr(debug_assertions, inline)]
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn pass_all(&mut self, ops: &[Op]) -> Result<(), DecodeError> {
        let mut input = self.input;
        for op in ops {
            input = self.pass_from(input, op)?;
        }
        self.input = input;
        Ok(())
    }

    /// `input` past one value of the writer's: inline for the values copies are made of,
    /// else through a run that writes nowhere.
    #[inline(always)]
    fn pass_from(&mut self, input: &'i [u8], op: &Op) -> Result<&'i [u8], DecodeError> {
        Ok(match op {
            Op::Fixed(len) => skip_bytes(input, *len)?,
            Op::Varint => skip_long(input)?,
            Op::Bytes => {
                let (len, rest) = front_long(input, "length")?;
                skip_bytes(rest, checked_length(len, self.limits)?)?
            }
            _ => {
                self.input = input;
                self.skip(op)?;
                self.input
            }
        })
    }

    /// Reads past one value of the writer's (see [`Run::pass_all`]).
    #[inline(always)]
    fn pass(&mut self, op: &Op) -> Result<(), DecodeError> {
        self.pass_all(core::slice::from_ref(op))
    }

    fn skip(&mut self, op: &Op) -> Result<(), DecodeError> {
        let mut discard = Discard;
        let mut run = Run {
            records: self.records,
            input: self.input,
            out: &mut discard,
            limits: self.limits,
            depth: self.depth,
            out_limit: usize::MAX,
        };
        run.op(op)?;
        self.input = run.input;
        Ok(())
    }

    #[inline]
    fn check_size(&self) -> Result<(), DecodeError> {
        if self.out.len() > self.out_limit {
            return Err(DecodeError::RecordTooLarge {
                size: self.out.len(),
                limit: self.limits.max_record_bytes,
            });
        }
        Ok(())
    }

    fn op(&mut self, op: &Op) -> Result<(), DecodeError> {
        match op {
            Op::Nothing => Ok(()),
            Op::Fixed(_) | Op::Varint | Op::Bytes => self.value(op),
            Op::Span(fields) => {
                let start = self.input;
                self.pass_all(fields)?;
                self.copy_from(start, 0)
            }
            Op::LongToFloat => {
                let v = self.long("long")?;
                self.out.put(&(v as f32).to_le_bytes());
                Ok(())
            }
            Op::LongToDouble => {
                let v = self.long("long")?;
                self.out.put(&(v as f64).to_le_bytes());
                Ok(())
            }
            Op::FloatToDouble => {
                let v = f32::from_le_bytes(self.input.read_array::<4>()?);
                self.out.put(&f64::from(v).to_le_bytes());
                Ok(())
            }
            Op::Array(item) => self.blocks(|run| run.value(item)),
            Op::Map(value) => self.blocks(|run| {
                run.value(&Op::Bytes)?;
                run.value(value)
            }),
            Op::Record(index) => {
                self.depth.enter(self.limits)?;
                let records = self.records;
                let result = self.record(&records[*index]);
                self.depth.leave();
                result
            }
            Op::Enum { map, name, symbols } => {
                let index = self.long("enum")?;
                let known = usize::try_from(index).ok().filter(|i| *i < map.len());
                let Some(i) = known else {
                    return Err(DecodeError::InvalidTag {
                        type_name: "enum",
                        tag: u32::try_from(index).unwrap_or(u32::MAX),
                    });
                };
                match map[i] {
                    Some(to) => {
                        self.write_long(to.into());
                        Ok(())
                    }
                    None => Err(refused(format!(
                        "the writer's symbol `{}` is not a symbol of the reader's enum {name}, which has no default",
                        symbols[i]
                    ))),
                }
            }
            Op::WriterUnion(branches) => {
                let index = self.long("union")?;
                let branch = usize::try_from(index).ok().and_then(|i| branches.get(i));
                match branch {
                    Some(Branch::Read(op)) => self.op(op),
                    Some(Branch::Refuse(why)) => Err(refused(format!(
                        "the writer's union branch {index} cannot be read: {why}"
                    ))),
                    None => Err(DecodeError::InvalidTag {
                        type_name: "union",
                        tag: u32::try_from(index).unwrap_or(u32::MAX),
                    }),
                }
            }
            Op::CopyUnion(branches) => {
                let start = self.input;
                let index = self.long("union")?;
                let Some(branch) = usize::try_from(index).ok().and_then(|i| branches.get(i)) else {
                    return Err(DecodeError::InvalidTag {
                        type_name: "union",
                        tag: u32::try_from(index).unwrap_or(u32::MAX),
                    });
                };
                self.pass(branch)?;
                self.copy_from(start, 0)
            }
            Op::ReaderUnion(index, op) => {
                self.write_long((*index).into());
                self.op(op)
            }
        }
    }

    /// An array's or map's blocks, rewritten as blocks of positive counts (a negative
    /// count's byte size no longer holds once items change) and the end marker.
    fn blocks(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        let limit = self.limits.max_collection_len;
        let mut total = 0usize;
        loop {
            let count = self.long("block count")?;
            if count == 0 {
                self.out.put(&[0]);
                return Ok(());
            }
            if count < 0 {
                // The block's byte size: not needed when every item is read.
                self.long("block size")?;
            }
            let count = checked_len(count.unsigned_abs().into(), self.limits)?;
            total = total.saturating_add(count);
            if total > limit {
                return Err(DecodeError::LengthLimit {
                    claimed: total as u64,
                    limit: limit as u64,
                });
            }
            self.write_long(count as i64);
            for _ in 0..count {
                item(self)?;
                self.check_size()?;
            }
        }
    }

    fn record(&mut self, plan: &RecordPlan) -> Result<(), DecodeError> {
        match plan {
            RecordPlan::InOrder(steps) => {
                for step in steps {
                    match step {
                        Step::Read(op) => self.value(op)?,
                        Step::Copy(ops) => {
                            let start = self.input;
                            self.pass_all(ops)?;
                            self.copy_from(start, 0)?;
                        }
                        Step::Skip(op) => self.pass(op)?,
                        Step::Default(bytes) => self.out.put(bytes),
                    }
                }
                Ok(())
            }
            // Reading past a record needs no order.
            RecordPlan::Reordered { scan, .. } if S::DISCARDS => {
                scan.iter().try_for_each(|op| self.op(op))
            }
            RecordPlan::Reordered { scan, fields } => {
                let record = self.input;
                let mut starts = Starts::new(scan.len() + 1);
                let mut input = record;
                for (i, op) in scan.iter().enumerate() {
                    starts.set(i, record.len() - input.len());
                    input = self.pass_from(input, op)?;
                }
                starts.set(scan.len(), record.len() - input.len());
                let end = input;
                for field in fields {
                    match field {
                        Source::Read { field, op } => {
                            self.input = &record[starts.get(*field)..];
                            self.value(op)?;
                        }
                        Source::Copy { first, end } => {
                            self.out.put(&record[starts.get(*first)..starts.get(*end)]);
                        }
                        Source::Default(bytes) => self.out.put(bytes),
                    }
                }
                self.input = end;
                self.check_size()
            }
            RecordPlan::Refused(why) => Err(refused(why.clone())),
        }
    }
}

/// A `long` at the front of `input`, and the input after it: one byte in the common case,
/// else the checked varint reader.
#[inline(always)]
fn front_long<'i>(
    input: &'i [u8],
    type_name: &'static str,
) -> Result<(i64, &'i [u8]), DecodeError> {
    match input.split_first() {
        Some((&byte, rest)) if byte < 0x80 => Ok((varint::unzigzag(byte.into()) as i64, rest)),
        _ => front_long_multi_byte(input, type_name),
    }
}

/// `input` past the `long` at its front. Only its end is needed: found in one word for
/// up to eight bytes, which is every `long` but the widest. Its value is not checked for
/// a longer spelling than needed; a value the reader keeps is checked when it is decoded.
#[inline(always)]
fn skip_long(input: &[u8]) -> Result<&[u8], DecodeError> {
    if let Some(word) = input.first_chunk::<8>() {
        // The bytes without a continuation bit; the first of them ends the varint.
        let ends = !u64::from_le_bytes(*word) & 0x8080_8080_8080_8080;
        if ends != 0 {
            let len = ends.trailing_zeros() as usize / 8 + 1;
            return Ok(&input[len..]);
        }
    }
    front_long_multi_byte(input, "long").map(|(_, rest)| rest)
}

/// [`front_long`] past its first byte, out of line: the input is passed by value so that
/// callers' positions never need an address.
#[inline(never)]
fn front_long_multi_byte<'i>(
    mut input: &'i [u8],
    type_name: &'static str,
) -> Result<(i64, &'i [u8]), DecodeError> {
    let v = varint::read(&mut input, 64, type_name)?;
    Ok((varint::unzigzag(v) as i64, input))
}

/// `input` past its first `len` bytes.
#[inline(always)]
fn skip_bytes(input: &[u8], len: usize) -> Result<&[u8], DecodeError> {
    input.get(len..).ok_or(DecodeError::UnexpectedEnd {
        needed: len,
        available: input.len(),
    })
}

/// Where each writer field of a reordered record starts (its offset in the record), and
/// where the last ends: on the stack for up to 31 fields.
#[allow(
    clippy::large_enum_variant,
    reason = "the small case lives on the stack so that a record allocates nothing"
)]
enum Starts {
    Few([usize; 32]),
    Many(Vec<usize>),
}

impl Starts {
    #[inline]
    fn new(fields: usize) -> Self {
        if fields <= 32 {
            Starts::Few([0; 32])
        } else {
            Starts::Many(vec![0; fields])
        }
    }

    #[inline]
    fn set(&mut self, field: usize, offset: usize) {
        match self {
            Starts::Few(a) => a[field] = offset,
            Starts::Many(v) => v[field] = offset,
        }
    }

    #[inline]
    fn get(&self, field: usize) -> usize {
        match self {
            Starts::Few(a) => a[field],
            Starts::Many(v) => v[field],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_long_finds_the_end_of_every_width() {
        for width in 1..=10 {
            let mut bytes = vec![0x81u8; width - 1];
            bytes.push(if width == 10 { 0x01 } else { 0x7f });
            // Short input (the byte-wise reader) and input of a word or more.
            for tail in [0usize, 9] {
                let input = [&bytes[..], &vec![0xaa; tail]].concat();
                let rest = skip_long(&input).unwrap_or_else(|e| panic!("width {width}: {e}"));
                assert_eq!(rest.len(), tail, "width {width}, tail {tail}");
            }
        }
    }

    #[test]
    fn skip_long_refuses_cut_and_overlong_varints() {
        assert!(skip_long(&[]).is_err());
        assert!(skip_long(&[0x80; 7]).is_err());
        // Eleven bytes, or ten whose last holds bits beyond 64: not a `long`.
        assert!(skip_long(&[0x80; 11]).is_err());
        assert!(skip_long(&[[0xff; 9].as_slice(), &[0x7f]].concat()).is_err());
    }
}
