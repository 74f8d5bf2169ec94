//! What depends on Kryo's write order. Kryo numbers two things as it writes: objects, for
//! references (`01` at an object's first sight, `id + 2` when an equal string comes again),
//! and unregistered class names (a name id per record, the name itself at its first use).
//! Its order is fields sorted by name; serde hands us fields in declaration order and we
//! sort the bytes afterwards (`super::order`), so numbers given while writing can come out
//! of order.
//!
//! So the writer records each such place as it writes. When the record is done, the places
//! are numbered again in their final order; if that agrees with what was written (always,
//! for registered classes without references), the record stands, else it is written a
//! second time following the new numbering. References find equal content where Java finds
//! the identical object (interned literals, shared strings).

use super::class_names::ClassNames;
use super::wire;
use std::collections::HashMap;

/// One numbered place in the first pass.
#[derive(Debug, Clone, Copy)]
pub struct Occurrence {
    /// Where its first byte is.
    offset: usize,
    kind: Kind,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// An object's reference marker, written as a first sight.
    Object,
    /// A string's reference marker, written as a first sight; its bytes end at `end`.
    Str { end: usize },
    /// An unregistered class, written with name id `id`, and its name if `first`.
    Class {
        name: &'static str,
        id: u32,
        first: bool,
    },
}

/// The numbering for one place, in serde's visiting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    First,
    Back(u32),
    Name { id: u32, first: bool },
}

/// The numbering state of one record.
#[derive(Debug)]
pub enum Plan {
    /// First pass: number in visiting order and record where. `settled` while that
    /// numbering is final without a check: no place was moved and no string may repeat.
    /// A writer that emits Kryo's field order moves bytes only inside generic fields, so
    /// its class places are only counted (`unrecorded`), not recorded; a move over one
    /// cannot be followed, and the record is written again with `record_classes` on.
    Record {
        occurrences: Vec<Occurrence>,
        settled: bool,
        record_classes: bool,
        unrecorded: usize,
    },
    /// Second pass: follow the numbering of the final order.
    Replay {
        decisions: Vec<Decision>,
        next: usize,
    },
}

impl Default for Plan {
    fn default() -> Self {
        Plan::Record {
            occurrences: Vec::new(),
            settled: true,
            record_classes: true,
            unrecorded: 0,
        }
    }
}

/// What the writer does with a string.
pub enum StringMark {
    /// Write it; in the first pass, report where it ends with this index.
    Write(Option<usize>),
    /// A back reference was written instead.
    Skip,
}

impl Plan {
    /// Starts a record's first pass; `record_classes` as the writer needs (see `Record`).
    pub fn start(&mut self, record_classes: bool) {
        if let Plan::Replay { .. } = self {
            *self = Plan::default();
        }
        if let Plan::Record {
            occurrences,
            settled,
            record_classes: recording,
            unrecorded,
        } = self
        {
            occurrences.clear();
            *settled = true;
            *recording = record_classes;
            *unrecorded = 0;
        }
    }

    fn replay(&mut self) -> Decision {
        match self {
            Plan::Replay { decisions, next } => {
                // The second pass visits the same values in the same order as the first.
                let decision = decisions.get(*next).copied().unwrap_or(Decision::First);
                *next += 1;
                decision
            }
            Plan::Record { .. } => Decision::First,
        }
    }

    /// The reference marker of an object that is not a string (never shared).
    #[inline]
    pub fn object(&mut self, out: &mut Vec<u8>) {
        if let Plan::Record { occurrences, .. } = self {
            occurrences.push(Occurrence {
                offset: out.len(),
                kind: Kind::Object,
            });
        } else {
            self.replay();
        }
        out.push(1);
    }

    /// The reference marker of a string.
    #[inline]
    pub fn string(&mut self, out: &mut Vec<u8>) -> StringMark {
        if let Plan::Record {
            occurrences,
            settled,
            ..
        } = self
        {
            // An equal string may come again: only the check finds back references.
            *settled = false;
            occurrences.push(Occurrence {
                offset: out.len(),
                kind: Kind::Str { end: 0 },
            });
            out.push(1);
            return StringMark::Write(Some(occurrences.len() - 1));
        }
        match self.replay() {
            Decision::Back(id) => {
                wire::write_var_u32(out, id + 2);
                StringMark::Skip
            }
            _ => {
                out.push(1);
                StringMark::Write(None)
            }
        }
    }

    /// Notes where the string of occurrence `index` ends.
    pub fn string_end(&mut self, index: usize, end: usize) {
        if let Plan::Record { occurrences, .. } = self {
            occurrences[index].kind = Kind::Str { end };
        }
    }

    /// An unregistered class, the name in `slot` of `names`: `1`, its name id, and its
    /// name at first use.
    #[inline]
    pub fn class(&mut self, out: &mut Vec<u8>, slot: u32, names: &mut ClassNames) {
        let (id, first) = match self {
            Plan::Record {
                occurrences,
                record_classes,
                unrecorded,
                ..
            } => {
                let (id, first) = names.number(slot);
                if *record_classes {
                    occurrences.push(Occurrence {
                        offset: out.len(),
                        kind: Kind::Class {
                            name: names.name(slot),
                            id,
                            first,
                        },
                    });
                } else {
                    *unrecorded += 1;
                }
                (id, first)
            }
            Plan::Replay { .. } => match self.replay() {
                Decision::Name { id, first } => (id, first),
                _ => names.number(slot),
            },
        };
        match u8::try_from(id) {
            // `1` and a one-byte id with one capacity check.
            Ok(small) if small < 0x80 => out.extend_from_slice(&[1, small]),
            _ => {
                out.push(1);
                wire::write_var_u32(out, id);
            }
        }
        if first {
            out.extend_from_slice(names.encoded(slot));
        }
    }

    /// How many places the first pass has numbered.
    pub fn count(&self) -> usize {
        match self {
            Plan::Record {
                occurrences,
                unrecorded,
                ..
            } => occurrences.len() + unrecorded,
            Plan::Replay { .. } => 0,
        }
    }

    /// Follows the byte moves of the first pass: each `(old_start, old_end, new_start)`
    /// moved that range, and with it the places from `first` on that lay in it. False if
    /// places were only counted, so they cannot be followed: the record must be written
    /// again with `record_classes` on.
    #[must_use]
    pub fn moved(&mut self, first: usize, moves: &[(usize, usize, usize)]) -> bool {
        let Plan::Record {
            occurrences,
            settled,
            unrecorded,
            ..
        } = self
        else {
            return true;
        };
        if *unrecorded > 0 {
            return false;
        }
        *settled = false;
        for o in &mut occurrences[first..] {
            let Some(&(old_start, _, new_start)) =
                moves.iter().find(|(s, e, _)| (*s..*e).contains(&o.offset))
            else {
                continue;
            };
            o.offset = o.offset - old_start + new_start;
            if let Kind::Str { end } = &mut o.kind {
                *end = *end - old_start + new_start;
            }
        }
        true
    }

    /// After the first pass wrote `bytes`: whether they stand. If not, the plan turns into
    /// the second pass's.
    pub fn finish_first_pass(&mut self, bytes: &[u8]) -> bool {
        let Plan::Record {
            occurrences,
            settled,
            ..
        } = self
        else {
            return true;
        };
        if *settled {
            return true;
        }
        let mut final_order: Vec<usize> = (0..occurrences.len()).collect();
        final_order.sort_by_key(|&i| occurrences[i].offset);
        let mut decisions = vec![Decision::First; occurrences.len()];
        let mut strings: HashMap<&[u8], u32> = HashMap::new();
        let mut names: Vec<&str> = Vec::new();
        let mut next_object = 0u32;
        let mut agrees = true;
        for i in final_order {
            let o = occurrences[i];
            decisions[i] = match o.kind {
                Kind::Object => {
                    next_object += 1;
                    Decision::First
                }
                Kind::Str { end } => {
                    let content = &bytes[o.offset + 1..end];
                    if let Some(&id) = strings.get(content) {
                        agrees = false;
                        Decision::Back(id)
                    } else {
                        strings.insert(content, next_object);
                        next_object += 1;
                        Decision::First
                    }
                }
                Kind::Class { name, id, first } => {
                    let decision = match names.iter().position(|n| same_name(n, name)) {
                        Some(known) => Decision::Name {
                            id: known as u32,
                            first: false,
                        },
                        None => {
                            names.push(name);
                            Decision::Name {
                                id: names.len() as u32 - 1,
                                first: true,
                            }
                        }
                    };
                    agrees &= decision == Decision::Name { id, first };
                    decision
                }
            };
        }
        if !agrees {
            *self = Plan::Replay { decisions, next: 0 };
        }
        agrees
    }
}

/// Whether two class names are equal; the same `&'static str` is the common case.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    core::ptr::eq(a, b) || a == b
}
