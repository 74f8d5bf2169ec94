//! The names of unregistered classes, as the writer numbers them. Kryo gives each class
//! name an id per record, at its first use, and writes the name then. Each distinct name
//! gets a slot here once, with its bytes already in Kryo's string form, so a record's
//! numbering is an array lookup and its first use a copy.

use super::wire;

/// Distinct names and their per-record ids, kept between records.
#[derive(Debug, Default)]
pub struct ClassNames {
    names: Vec<&'static str>,
    /// Each name's bytes as a Kryo string, in `encoded[ranges[slot]]`.
    encoded: Vec<u8>,
    ranges: Vec<(usize, usize)>,
    /// Per slot: the record it last got an id in, and that id.
    ids: Vec<(u64, u32)>,
    record: u64,
    next_id: u32,
}

/// Slots kept before they are forgotten (at a record's start, never inside one).
const CAPACITY: usize = 256;

impl ClassNames {
    /// The slot of `name`, by content: two `&'static str` of one name share it, as Kryo
    /// numbers names, not types. Slots stay below `CAPACITY + 1`, so a `u32` holds them
    /// (and keeps the writer's per-struct facts small enough to return in registers).
    pub fn slot(&mut self, name: &'static str) -> u32 {
        if let Some(slot) = self.names.iter().position(|n| *n == name) {
            return slot as u32;
        }
        let start = self.encoded.len();
        wire::write_str(&mut self.encoded, name);
        self.ranges.push((start, self.encoded.len()));
        self.names.push(name);
        // Not numbered in this record.
        self.ids.push((self.record.wrapping_sub(1), 0));
        (self.names.len() - 1) as u32
    }

    /// Starts a record: no name has an id. Returns whether the slots were forgotten (too
    /// many distinct names), so that whoever holds slots forgets them too.
    pub fn start_record(&mut self) -> bool {
        self.record += 1;
        self.next_id = 0;
        if self.names.len() <= CAPACITY {
            return false;
        }
        self.names.clear();
        self.encoded.clear();
        self.ranges.clear();
        self.ids.clear();
        true
    }

    /// The id of the name in `slot` in this record, and whether this is its first use.
    #[inline]
    pub fn number(&mut self, slot: u32) -> (u32, bool) {
        let (record, id) = &mut self.ids[slot as usize];
        if *record == self.record {
            return (*id, false);
        }
        *record = self.record;
        *id = self.next_id;
        self.next_id += 1;
        (*id, true)
    }

    pub fn name(&self, slot: u32) -> &'static str {
        self.names[slot as usize]
    }

    /// The name in `slot` as a Kryo string.
    #[inline]
    pub fn encoded(&self, slot: u32) -> &[u8] {
        let (start, end) = self.ranges[slot as usize];
        &self.encoded[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_names_per_record_by_content() {
        let mut names = ClassNames::default();
        let event = names.slot("Event");
        let other = names.slot("Other");
        // Another `&'static str` of the same name.
        let again = names.slot(String::from("Event").leak());
        assert_eq!(event, again);
        assert!(!names.start_record());
        assert_eq!(names.number(other), (0, true));
        assert_eq!(names.number(event), (1, true));
        assert_eq!(names.number(other), (0, false));
        assert_eq!(names.encoded(event), b"Even\xf4");
        names.start_record();
        assert_eq!(names.number(event), (0, true));
    }

    #[test]
    fn forgets_only_between_records_when_full() {
        let mut names = ClassNames::default();
        for i in 0..=CAPACITY {
            names.slot(format!("C{i}").leak());
        }
        assert_eq!(names.number(CAPACITY as u32), (0, true));
        assert!(names.start_record());
        assert_eq!(names.slot("C7"), 0);
    }
}
