//! Running a [`Resolution`]: writer datum in, reader datum out.
//!
//! The input is untrusted: every length and count is checked before it is used, the item
//! total of an array or map is bounded by `max_collection_len`, records nest at most
//! `max_depth` deep, and the output (which defaults can make larger than the input) stops
//! at `max_record_bytes`.

use super::Resolution;
use super::program::{Branch, Op, RecordPlan, Source, Step};
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

struct Run<'p, 'i, 'o> {
    records: &'p [RecordPlan],
    input: &'i [u8],
    out: &'o mut Vec<u8>,
    limits: &'p Limits,
    depth: Depth,
    out_limit: usize,
}

fn refused(message: impl Into<Box<str>>) -> DecodeError {
    DecodeError::Custom(message.into())
}

impl Run<'_, '_, '_> {
    #[inline]
    fn long(&mut self, type_name: &'static str) -> Result<i64, DecodeError> {
        varint::read(&mut self.input, 64, type_name).map(|v| varint::unzigzag(v) as i64)
    }

    #[inline]
    fn write_long(&mut self, v: i64) {
        varint::write(self.out, varint::zigzag64(v));
    }

    /// Copies `len` input bytes to the output.
    #[inline]
    fn copy(&mut self, len: usize) -> Result<(), DecodeError> {
        let Some((head, rest)) = self.input.split_at_checked(len) else {
            return Err(DecodeError::UnexpectedEnd {
                needed: len,
                available: self.input.len(),
            });
        };
        self.out.extend_from_slice(head);
        self.input = rest;
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
            Op::Fixed(len) => self.copy(*len),
            Op::Varint => {
                let start = self.input;
                varint::read(&mut self.input, 64, "long")?;
                self.out
                    .extend_from_slice(&start[..start.len() - self.input.len()]);
                Ok(())
            }
            Op::LongToFloat => {
                let v = self.long("long")?;
                self.out.extend_from_slice(&(v as f32).to_le_bytes());
                Ok(())
            }
            Op::LongToDouble => {
                let v = self.long("long")?;
                self.out.extend_from_slice(&(v as f64).to_le_bytes());
                Ok(())
            }
            Op::FloatToDouble => {
                let v = f32::from_le_bytes(self.input.read_array::<4>()?);
                self.out.extend_from_slice(&f64::from(v).to_le_bytes());
                Ok(())
            }
            Op::Bytes => {
                let start = self.input;
                let len = self.long("length")?;
                let len = u128::try_from(len).map_err(|_| DecodeError::OutOfRange {
                    type_name: "length",
                })?;
                let len = checked_len(len, self.limits)?;
                let prefix = start.len() - self.input.len();
                self.out.extend_from_slice(&start[..prefix]);
                self.copy(len)
            }
            Op::Array(item) => self.blocks(|run| run.op(item)),
            Op::Map(value) => self.blocks(|run| {
                run.op(&Op::Bytes)?;
                run.op(value)
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
                self.out.push(0);
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
        if let Some(why) = &plan.refused {
            return Err(refused(why.clone()));
        }
        let Some(reorder) = &plan.reorder else {
            for step in &plan.steps {
                self.step(step)?;
            }
            return Ok(());
        };
        // Transcode in writer order, noting where each read field landed, then append the
        // reader's order behind and drop the writer's.
        let start = self.out.len();
        let mut ends = Vec::with_capacity(plan.steps.len());
        for step in &plan.steps {
            let read = self.step(step)?;
            if read {
                ends.push(self.out.len());
            }
        }
        let written = self.out.len();
        for source in reorder {
            match source {
                Source::Read(n) => {
                    let from = if *n == 0 { start } else { ends[n - 1] };
                    self.out.extend_from_within(from..ends[*n]);
                }
                Source::Default(bytes) => self.out.extend_from_slice(bytes),
            }
        }
        self.out.drain(start..written);
        self.check_size()
    }

    /// Runs one step; true if it wrote a read field.
    #[inline]
    fn step(&mut self, step: &Step) -> Result<bool, DecodeError> {
        match step {
            Step::Read(op) => self.op(op).map(|()| true),
            Step::Skip(op) => {
                let mark = self.out.len();
                let result = self.op(op);
                self.out.truncate(mark);
                result.map(|()| false)
            }
            Step::Default(bytes) => {
                self.out.extend_from_slice(bytes);
                Ok(false)
            }
        }
    }
}
