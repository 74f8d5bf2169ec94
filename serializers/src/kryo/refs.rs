//! Kryo's reference tracking for the writer: `01` before the first sight of an object,
//! `id + 2` for a later sight of an equal string (Java compares identity; interned literals
//! and shared strings are what it finds equal, and equal content is what we can see).
//!
//! Ids follow Kryo's write order, which is fields sorted by name, while serde hands us fields
//! in declaration order and we sort the bytes afterwards (`super::order`). So a record with
//! references is written twice: a planning pass marks every object as a first sight and
//! notes where each landed once fields were sorted; the ids and back references follow from
//! that final order; the second pass writes them. References are the slow path, as in Kryo.

use std::collections::HashMap;

/// One place where Kryo writes a reference marker, in the planning pass.
#[derive(Debug, Clone, Copy)]
pub struct Occurrence {
    /// Where the marker is.
    offset: usize,
    /// For a string, where its bytes end (they start after the marker); else 0.
    end: usize,
}

/// The decision for one marker, in serde's visiting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    First,
    Back(u32),
}

/// The reference state of one record.
#[derive(Debug, Default)]
pub enum Refs {
    #[default]
    Off,
    Plan(Vec<Occurrence>),
    Write {
        decisions: Vec<Decision>,
        next: usize,
    },
}

/// What the writer does at a marker.
pub enum Mark {
    /// Write the object; for a string in the planning pass, report where it ends with this
    /// index.
    Write(Option<usize>),
    /// A back reference was written; skip the object.
    Skip,
}

impl Refs {
    pub fn is_on(&self) -> bool {
        !matches!(self, Refs::Off)
    }

    /// Writes the marker for an object (`string` for strings, the only objects that can
    /// repeat).
    #[inline]
    pub fn mark(&mut self, out: &mut Vec<u8>, string: bool) -> Mark {
        match self {
            Refs::Off => Mark::Write(None),
            Refs::Plan(occurrences) => {
                occurrences.push(Occurrence {
                    offset: out.len(),
                    end: 0,
                });
                out.push(1);
                Mark::Write(string.then(|| occurrences.len() - 1))
            }
            Refs::Write { decisions, next } => {
                // The planning pass visited the same values in the same order.
                let decision = decisions.get(*next).copied().unwrap_or(Decision::First);
                *next += 1;
                match decision {
                    Decision::First => {
                        out.push(1);
                        Mark::Write(None)
                    }
                    Decision::Back(id) => {
                        super::wire::write_var_u32(out, id + 2);
                        Mark::Skip
                    }
                }
            }
        }
    }

    /// Notes where the string of occurrence `index` ends.
    pub fn string_end(&mut self, index: usize, end: usize) {
        if let Refs::Plan(occurrences) = self {
            occurrences[index].end = end;
        }
    }

    /// How many markers were written so far (the planning pass).
    pub fn count(&self) -> usize {
        match self {
            Refs::Plan(occurrences) => occurrences.len(),
            _ => 0,
        }
    }

    /// Follows the byte moves of the planning pass: each `(old_start, old_end, new_start)`
    /// moved that range, and with it the markers from `first` on that lay in it.
    pub fn moved(&mut self, first: usize, moves: &[(usize, usize, usize)]) {
        if let Refs::Plan(occurrences) = self {
            for o in &mut occurrences[first..] {
                let Some(&(old_start, _, new_start)) =
                    moves.iter().find(|(s, e, _)| (*s..*e).contains(&o.offset))
                else {
                    continue;
                };
                o.offset = o.offset - old_start + new_start;
                if o.end != 0 {
                    o.end = o.end - old_start + new_start;
                }
            }
        }
    }

    /// Turns a finished planning pass over `bytes` into the decisions of the writing pass.
    pub fn into_writing(self, bytes: &[u8]) -> Refs {
        let Refs::Plan(occurrences) = self else {
            return self;
        };
        let mut final_order: Vec<usize> = (0..occurrences.len()).collect();
        final_order.sort_by_key(|&i| occurrences[i].offset);
        let mut decisions = vec![Decision::First; occurrences.len()];
        let mut seen: HashMap<&[u8], u32> = HashMap::new();
        let mut next_id = 0u32;
        for i in final_order {
            let o = occurrences[i];
            if o.end != 0 {
                let content = &bytes[o.offset + 1..o.end];
                if let Some(&id) = seen.get(content) {
                    decisions[i] = Decision::Back(id);
                    continue;
                }
                seen.insert(content, next_id);
            }
            next_id += 1;
        }
        Refs::Write { decisions, next: 0 }
    }
}
