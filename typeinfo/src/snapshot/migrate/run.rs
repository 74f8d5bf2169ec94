//! Running a plan: one old value read from a format's decoder, today's value written as the
//! calls today's type makes to read it.

use super::plan::{BodyPlan, Emit, FieldsPlan, Plan, Step, TypePlan};
use super::widen;
pub(super) use crate::codec::tape::Event;
use crate::codec::{Decoder, decode_map_blocks, decode_seq_blocks};
use crate::error::{DecodeError, ValueError};
use crate::snapshot::shape::Node;

/// The refusal an instant carries on a tape; today's type reads the instant itself.
const MIGRATED_INSTANT: ValueError = crate::codec::epoch::beyond_i64_nanos("migrated instant");

impl Plan {
    /// Reads one value by `step` onto `out` (the tape path, and dropped fields).
    pub(super) fn step_into<D: Decoder>(
        &self,
        step: &Step,
        d: &mut D,
        out: &mut Out<'_>,
    ) -> Result<(), DecodeError> {
        self.step(step, d, out)
    }

    fn step<D: Decoder>(
        &self,
        step: &Step,
        d: &mut D,
        out: &mut Out<'_>,
    ) -> Result<(), DecodeError> {
        match step {
            Step::Direct(inner) => self.step(inner, d, out)?,
            Step::Generic(name) => {
                return Err(DecodeError::Custom(
                    format!("migration: the generic (serde) field of `{name}` is read only by its own type, not inside a converted value").into(),
                ));
            }
            Step::Leaf(leaf) if out.discard => skip_leaf(leaf, d)?,
            Step::Leaf(leaf) => out.events.extend(read_leaf(leaf, d)?),
            Step::Widen(from, to) => out.events.push(widen::event(widen::read(from, d)?, to)?),
            Step::Instant => out
                .events
                .push(Event::Instant(d.decode_instant()?, &MIGRATED_INSTANT)),
            Step::IntoSome(inner) => {
                out.events.push(Event::OptionTag(true));
                self.step(inner, d, out)?;
            }
            Step::Option { variant, inner } => {
                let present = if *variant {
                    d.decode_option_variant()?
                } else {
                    d.decode_option_tag()?
                };
                out.events.push(Event::OptionTag(present));
                if present {
                    self.step(inner, d, out)?;
                }
            }
            Step::Seq(inner) => {
                let mut index = 0;
                decode_seq_blocks(d, |d, len| {
                    out.events.push(Event::SeqLen(len));
                    for _ in 0..len {
                        self.step(inner, d, out).map_err(|e| e.at_index(index))?;
                        index += 1;
                    }
                    Ok(())
                })?;
                out.events.push(Event::SeqEnd);
            }
            Step::Map(key, value) => {
                let mut index = 0;
                decode_map_blocks(d, |d, len| {
                    out.events.push(Event::MapLen(len));
                    for _ in 0..len {
                        self.step(key, d, out).map_err(|e| e.at_index(index))?;
                        self.step(value, d, out).map_err(|e| e.at_index(index))?;
                        index += 1;
                    }
                    Ok(())
                })?;
                out.events.push(Event::MapEnd);
            }
            Step::Array(len, inner) => {
                let len = usize::try_from(*len).map_err(|_| NOT_A_LENGTH)?;
                d.decode_tuple_start(len)?;
                if let Step::Leaf(Node::U8) = **inner {
                    out.events
                        .extend(d.decode_byte_array(len)?.into_iter().map(Event::U8));
                } else {
                    d.decode_array_elements(len, &mut |d, index| {
                        self.step(inner, d, out).map_err(|e| e.at_index(index))
                    })?;
                }
            }
            Step::Tuple(items) => {
                d.decode_tuple_start(items.len())?;
                for (index, item) in items.iter().enumerate() {
                    self.step(item, d, out).map_err(|e| e.at_index(index))?;
                }
            }
            Step::Named(index) => {
                // Each user type counts against the old reader's depth limit, as it did
                // when the bytes were read directly.
                d.enter()?;
                let done = self.named(&self.types[*index], d, out);
                d.leave();
                done?;
            }
        }
        Ok(())
    }

    fn named<D: Decoder>(
        &self,
        ty: &TypePlan,
        d: &mut D,
        out: &mut Out<'_>,
    ) -> Result<(), DecodeError> {
        match &ty.body {
            BodyPlan::Struct(fields) => {
                d.decode_struct_start(ty.wire_name, fields.kind, fields.reads.len())?;
                self.fields(fields, None, d, out)
            }
            BodyPlan::Enum(variants) => {
                let tag = d.decode_variant(ty.name, variants.len() as u32)?;
                let Some(variant) = variants.get(tag as usize) else {
                    return Err(DecodeError::InvalidTag {
                        type_name: ty.name,
                        tag,
                    });
                };
                out.events.push(Event::Variant(variant.index));
                self.fields(&variant.fields, Some(variant.name), d, out)
            }
        }
    }

    /// Reads the old fields in their order, drops the removed ones, and puts the kept ones
    /// and the defaults in today's order.
    fn fields<D: Decoder>(
        &self,
        plan: &FieldsPlan,
        variant: Option<&'static str>,
        d: &mut D,
        out: &mut Out<'_>,
    ) -> Result<(), DecodeError> {
        let base = out.events.len();
        let mut kept = Vec::new();
        for read in &plan.reads {
            let start = out.events.len();
            let discard = out.discard;
            out.discard |= !read.kept;
            let read_one = self.step(&read.step, d, out);
            out.discard = discard;
            read_one.map_err(|e| match variant {
                Some(variant) => e.in_variant_field(variant, read.name),
                None => e.in_field(read.name),
            })?;
            if !read.kept {
                out.events.truncate(start);
            } else if !plan.in_place {
                kept.push((start - base, out.events.len() - base));
            }
        }
        if plan.in_place {
            return Ok(());
        }
        // Move the fields aside, then back in today's order (a nested struct moves its own
        // fields first, so `moved` holds only this struct's while it is in use).
        let aside = out.moved.len();
        out.moved.extend(out.events.drain(base..));
        for emit in &plan.emits {
            match emit {
                Emit::Kept(n) => {
                    let (start, end) = kept[*n];
                    let fields = &mut out.moved[aside + start..aside + end];
                    out.events.extend(
                        fields
                            .iter_mut()
                            .map(|e| core::mem::replace(e, Event::SeqEnd)),
                    );
                }
                Emit::Default(events) => out.events.extend_from_slice(events),
            }
        }
        out.moved.truncate(aside);
        Ok(())
    }
}

/// Where a plan writes: the record's events, and the room to reorder fields.
pub(super) struct Out<'b> {
    events: &'b mut Vec<Event>,
    moved: &'b mut Vec<Event>,
    /// Whether the value read is dropped: its strings and bytes are read past, not kept.
    discard: bool,
}

impl<'b> Out<'b> {
    pub(super) fn new(events: &'b mut Vec<Event>, moved: &'b mut Vec<Event>) -> Self {
        Out {
            events,
            moved,
            discard: false,
        }
    }

    /// An `Out` for a value that is read and dropped.
    pub(super) fn discarding(events: &'b mut Vec<Event>, moved: &'b mut Vec<Event>) -> Self {
        Out {
            discard: true,
            ..Out::new(events, moved)
        }
    }
}

const NOT_A_SCALAR: DecodeError = DecodeError::InvalidValue(&ValueError {
    type_name: "migration",
    reason: "a scalar step over a node with parts",
});

const NOT_A_LENGTH: DecodeError = DecodeError::InvalidValue(&ValueError {
    type_name: "migration",
    reason: "an array longer than this machine's memory",
});

/// One scalar read as the old bytes hold it; `None` for the unit, which holds nothing.
pub(super) fn read_leaf<D: Decoder>(leaf: &Node, d: &mut D) -> Result<Option<Event>, DecodeError> {
    Ok(Some(match leaf {
        Node::Bool => Event::Bool(d.decode_bool()?),
        Node::U8 => Event::U8(d.decode_u8()?),
        Node::U16 => Event::U16(d.decode_u16()?),
        Node::U32 => Event::U32(d.decode_u32()?),
        Node::U64 => Event::U64(d.decode_u64()?),
        Node::U128 => Event::U128(d.decode_u128()?),
        Node::I8 => Event::I8(d.decode_i8()?),
        Node::I16 => Event::I16(d.decode_i16()?),
        Node::I32 => Event::I32(d.decode_i32()?),
        Node::I64 => Event::I64(d.decode_i64()?),
        Node::I128 => Event::I128(d.decode_i128()?),
        Node::F32 => Event::F32(d.decode_f32()?),
        Node::F64 => Event::F64(d.decode_f64()?),
        Node::Char => Event::Char(d.decode_char()?),
        Node::String => Event::Str(d.decode_string()?.into_boxed_str()),
        Node::Bytes => Event::Bytes(d.decode_byte_buf()?.into_boxed_slice()),
        Node::Unit => return Ok(None),
        _ => return Err(NOT_A_SCALAR),
    }))
}

/// One scalar read past: strings and bytes checked where they lie, not copied out.
pub(super) fn skip_leaf<D: Decoder>(leaf: &Node, d: &mut D) -> Result<(), DecodeError> {
    match leaf {
        Node::String => d.skip_string(),
        Node::Bytes => d.skip_byte_buf(),
        _ => read_leaf(leaf, d).map(drop),
    }
}
