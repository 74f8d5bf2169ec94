//! What generated code calls to read old bytes as today's type: `#[derive(TypeInfo)]`
//! writes `Decode::decode_migrating`, which reads the old fields in their order straight
//! into today's field types, so a subtree that did not change reads at full speed and only
//! what changed goes through the plan's conversion (a tape of values read back by today's
//! type). Not a public API: its names may change with the derive.

use super::plan::{BodyPlan, FieldRead, FieldsPlan, Plan, Step, TypePlan, VariantPlan};
use super::widen::{self, FromWide};
use super::{reader::TapeReader, run, run::Out, with_buffers};
use crate::codec::{Decode, Decoder};
use crate::error::DecodeError;

/// A place in a migration plan: how the value read next becomes today's.
#[derive(Clone, Copy)]
pub struct Migrate<'p> {
    plan: &'p Plan,
    step: &'p Step,
}

impl<'p> Migrate<'p> {
    pub(super) fn root(plan: &'p Plan) -> Self {
        Migrate {
            plan,
            step: &plan.root,
        }
    }

    fn at(self, step: &'p Step) -> Self {
        Migrate { step, ..self }
    }

    /// The plan of a user type, when the value is one whose layout changed.
    #[inline]
    pub fn named(self) -> Option<NamedPlan<'p>> {
        match self.step {
            Step::Named(index) => Some(NamedPlan {
                plan: self.plan,
                ty: &self.plan.types[*index],
            }),
            _ => None,
        }
    }

    /// The elements' place, when the value is a sequence whose elements changed.
    #[inline]
    pub fn elements(self) -> Option<Migrate<'p>> {
        match self.step {
            Step::Seq(inner) => Some(self.at(inner)),
            _ => None,
        }
    }

    /// For an `Option`: how its tag reads and where its value is.
    #[inline]
    pub fn option(self) -> OptionStep<'p> {
        match self.step {
            Step::Option { variant, inner } => OptionStep::Tagged {
                variant: *variant,
                inner: self.at(inner),
            },
            Step::IntoSome(inner) => OptionStep::Some(self.at(inner)),
            _ => OptionStep::Other,
        }
    }

    /// Reads a value as `T`: directly where nothing changed, else through the plan's
    /// conversion.
    #[inline]
    pub fn read<T: Decode, D: Decoder>(self, d: &mut D) -> Result<T, DecodeError> {
        match self.step {
            Step::Direct(_) => T::decode(d),
            step => self.converted(step, d),
        }
    }

    /// Reads a number as `T`: directly, widened from the old number, or through the plan's
    /// conversion.
    #[inline]
    pub(crate) fn read_number<T: Decode + FromWide, D: Decoder>(
        self,
        d: &mut D,
    ) -> Result<T, DecodeError> {
        match self.step {
            Step::Direct(_) => T::decode(d),
            Step::Widen(from, _) => T::from_wide(widen::read(from, d)?),
            step => self.converted(step, d),
        }
    }

    #[cold]
    #[inline(never)]
    fn converted<T: Decode, D: Decoder>(self, step: &Step, d: &mut D) -> Result<T, DecodeError> {
        let limits = *d.limits();
        with_buffers(|buffers| {
            let super::Buffers { events, moved } = buffers;
            self.plan.step_into(step, d, &mut Out::new(events, moved))?;
            let mut reader = TapeReader::new(events, limits);
            let value = T::decode(&mut reader)?;
            reader.finish()?;
            Ok(value)
        })
    }

    /// Requires that nothing changed: for fields with their own codec or written through
    /// serde, which only their own code reads.
    pub fn require_direct(self, field: &'static str) -> Result<(), DecodeError> {
        match self.step {
            Step::Direct(_) => Ok(()),
            _ => Err(DecodeError::Custom(
                format!(
                    "migration: field `{field}` has its own codec or is written through serde, and its type changed"
                )
                .into(),
            )),
        }
    }
}

/// How an `Option` reads in the old bytes.
pub enum OptionStep<'p> {
    /// A tag (an enum-with-data tag when `variant`), then the value if present.
    Tagged { variant: bool, inner: Migrate<'p> },
    /// The old value was not optional: it is present.
    Some(Migrate<'p>),
    /// Any other step: read through [`Migrate::read`].
    Other,
}

/// The plan of one user type.
#[derive(Clone, Copy)]
pub struct NamedPlan<'p> {
    plan: &'p Plan,
    ty: &'p TypePlan,
}

impl<'p> NamedPlan<'p> {
    /// Reads the start of the old struct and gives its fields' plan.
    #[inline]
    pub fn start_struct<D: Decoder>(self, d: &mut D) -> Result<FieldReads<'p>, DecodeError> {
        match &self.ty.body {
            BodyPlan::Struct(fields) => {
                d.decode_struct_start(self.ty.wire_name, fields.kind, fields.reads.len())?;
                Ok(self.reads(fields))
            }
            BodyPlan::Enum(_) => Err(kind_changed()),
        }
    }

    /// Reads the old variant's tag and gives today's variant and its fields' plan.
    #[inline]
    pub fn variant<D: Decoder>(self, d: &mut D) -> Result<(u32, FieldReads<'p>), DecodeError> {
        let BodyPlan::Enum(variants) = &self.ty.body else {
            return Err(kind_changed());
        };
        let tag = d.decode_variant(self.ty.name, variants.len() as u32)?;
        let Some(VariantPlan { index, fields, .. }) = variants.get(tag as usize) else {
            return Err(DecodeError::InvalidTag {
                type_name: self.ty.name,
                tag,
            });
        };
        Ok((*index, self.reads(fields)))
    }

    fn reads(self, fields: &'p FieldsPlan) -> FieldReads<'p> {
        FieldReads {
            plan: self.plan,
            reads: fields.reads.iter(),
        }
    }
}

#[cold]
fn kind_changed() -> DecodeError {
    DecodeError::Custom("migration: the plan is of a struct where the type is an enum".into())
}

/// The old fields of a struct or variant, in the order the old bytes hold them.
pub struct FieldReads<'p> {
    plan: &'p Plan,
    reads: core::slice::Iter<'p, FieldRead>,
}

impl<'p> Iterator for FieldReads<'p> {
    type Item = OldField<'p>;

    #[inline]
    fn next(&mut self) -> Option<OldField<'p>> {
        let plan = self.plan;
        self.reads.next().map(|read| OldField { plan, read })
    }
}

/// One old field: today's field it goes to, or nothing (it is read and dropped).
#[derive(Clone, Copy)]
pub struct OldField<'p> {
    plan: &'p Plan,
    read: &'p FieldRead,
}

impl<'p> OldField<'p> {
    /// The index among today's serialized fields the value goes to.
    #[inline]
    pub fn target(self) -> Option<usize> {
        self.read.target
    }

    /// How the value becomes today's field.
    #[inline]
    pub fn migrate(self) -> Migrate<'p> {
        Migrate {
            plan: self.plan,
            step: &self.read.step,
        }
    }

    /// Reads the field and drops it.
    pub fn skip<D: Decoder>(self, d: &mut D) -> Result<(), DecodeError> {
        // A scalar or an optional scalar needs no tape.
        let leaf = match &self.read.step {
            Step::Leaf(leaf) => Some(leaf),
            Step::Option { variant, inner } => match **inner {
                Step::Leaf(ref leaf) => {
                    let present = if *variant {
                        d.decode_option_variant()
                    } else {
                        d.decode_option_tag()
                    };
                    match present.map_err(|e| e.in_field(self.read.name))? {
                        true => Some(leaf),
                        false => return Ok(()),
                    }
                }
                _ => None,
            },
            _ => None,
        };
        if let Some(leaf) = leaf {
            return run::skip_leaf(leaf, d).map_err(|e| e.in_field(self.read.name));
        }
        with_buffers(|buffers| {
            let super::Buffers { events, moved } = buffers;
            self.plan
                .step_into(&self.read.step, d, &mut Out::discarding(events, moved))
                .map_err(|e| e.in_field(self.read.name))
        })
    }
}

/// The error of a field today's type reads that old data has no value for (the plan
/// refuses such a type; generated code still needs an answer).
#[cold]
pub fn missing_field(name: &'static str) -> DecodeError {
    DecodeError::Custom(format!("migration: no value for field `{name}`").into())
}
