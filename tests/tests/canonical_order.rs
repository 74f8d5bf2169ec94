//! compact writes hash maps and hash sets in one order, so that equal values have equal
//! bytes whatever order they were built in, and refuses any other order on reading.
//! pojo keeps iteration order, and reads any.

use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, DefaultHasher};
use typeinfo::{DecodeError, EncodeErrorKind, PlaceStep, TypeInfo};
use typeinfo_serializers::compact;
use typeinfo_serializers::pojo;

/// A hash map with its own hasher, so that its iteration order differs from std's.
type OtherHashMap<K, V> = HashMap<K, V, BuildHasherDefault<DefaultHasher>>;

#[derive(TypeInfo, Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Sku {
    shop: i16,
    code: String,
    variant: Option<u8>,
}

#[derive(TypeInfo, Debug, Clone, PartialEq)]
struct Stock {
    by_sku: HashMap<Sku, u32>,
    tags: HashSet<String>,
}

fn sku() -> impl Strategy<Value = Sku> {
    (any::<i16>(), "[a-c\u{0}\u{e9}]{0,4}", any::<Option<u8>>()).prop_map(
        |(shop, code, variant)| Sku {
            shop,
            code,
            variant,
        },
    )
}

proptest! {
    /// Built in any order, with any hasher, equal maps and sets have equal bytes; for keys
    /// whose order key compares as the key does (these), the bytes are those of the
    /// ordered collection.
    #[test]
    fn equal_hash_collections_have_equal_bytes(
        entries in prop::collection::btree_map(sku(), any::<u32>(), 0..12),
        tags in prop::collection::btree_set("[a-z\u{0}]{0,3}", 0..12),
    ) {
        let forward: HashMap<Sku, u32> = entries.clone().into_iter().collect();
        let mut backward = OtherHashMap::default();
        backward.extend(entries.clone().into_iter().rev());
        let bytes = compact::to_vec(&forward).unwrap();
        prop_assert_eq!(&compact::to_vec(&backward).unwrap(), &bytes);
        prop_assert_eq!(&compact::to_vec(&entries).unwrap(), &bytes);
        prop_assert_eq!(&compact::from_slice::<HashMap<Sku, u32>>(&bytes).unwrap(), &forward);

        let set: HashSet<String> = tags.iter().rev().cloned().collect();
        prop_assert_eq!(compact::to_vec(&set).unwrap(), compact::to_vec(&tags).unwrap());

        let stock = Stock { by_sku: forward, tags: set };
        let again = Stock {
            by_sku: backward.into_iter().collect(),
            tags: tags.into_iter().collect(),
        };
        prop_assert_eq!(compact::to_vec(&stock).unwrap(), compact::to_vec(&again).unwrap());
    }

    /// Signed integers and floats order as numbers: a hash set writes as the sorted list.
    #[test]
    fn numbers_come_in_numeric_order(numbers in prop::collection::btree_set(any::<i64>(), 0..20)) {
        let set: HashSet<i64> = numbers.iter().copied().collect();
        let sorted: Vec<i64> = numbers.into_iter().collect();
        prop_assert_eq!(compact::to_vec(&set).unwrap(), compact::to_vec(&sorted).unwrap());
    }
}

/// `err` says that a `type_name`'s entry at `place` came out of order.
fn assert_out_of_order(err: &DecodeError, type_name: &'static str, place: PlaceStep) {
    assert_eq!(err.cause(), &DecodeError::OutOfOrder { type_name });
    assert_eq!(err.place().unwrap().steps().collect::<Vec<_>>(), [place]);
}

#[test]
fn entries_out_of_order_are_refused_where_they_are() {
    let ordered = BTreeMap::from([(1u16, true), (2, false), (3, true)]);
    let in_order = compact::to_vec(&ordered).unwrap();
    assert_eq!(
        compact::from_slice::<HashMap<u16, bool>>(&in_order).unwrap(),
        ordered.clone().into_iter().collect::<HashMap<_, _>>()
    );
    // The same entries with keys 2 and 3 swapped: the third key comes before the second.
    let swapped: Vec<(u16, bool)> = vec![(1, true), (3, true), (2, false)];
    let bytes = compact::to_vec(&swapped).unwrap();
    let err = compact::from_slice::<HashMap<u16, bool>>(&bytes).unwrap_err();
    assert_out_of_order(&err, "HashMap", PlaceStep::MapKey(2));
    assert_eq!(
        err.to_string(),
        "at {key 2}: entries of a HashMap out of the format's canonical order (equal values must have equal bytes)"
    );
    // An ordered map keeps its own order: read as one, the same bytes are refused too.
    let err = compact::from_slice::<BTreeMap<u16, bool>>(&bytes).unwrap_err();
    assert_out_of_order(&err, "BTreeMap", PlaceStep::MapKey(2));
    // pojo keeps iteration order and reads any.
    let pojo_bytes = pojo::to_vec(&swapped).unwrap();
    assert!(pojo::from_slice::<HashMap<u16, bool>>(&pojo_bytes).is_ok());
    assert!(pojo::from_slice::<BTreeMap<u16, bool>>(&pojo_bytes).is_ok());

    let set = compact::to_vec(&vec!["b".to_owned(), "a".to_owned()]).unwrap();
    let err = compact::from_slice::<HashSet<String>>(&set).unwrap_err();
    assert_out_of_order(&err, "HashSet", PlaceStep::Index(1));
}

#[test]
fn an_ordered_set_out_of_its_order_is_refused() {
    // What the compact fuzz target found: a set whose shortest string comes last read as
    // the same set as the ordered bytes, so two encodings decoded to one value.
    let strings = ["\0\u{1}\u{3}", "\0Z\u{1}", ""].map(str::to_owned).to_vec();
    let bytes = compact::to_vec(&strings).unwrap();
    let err = compact::from_slice::<BTreeSet<String>>(&bytes).unwrap_err();
    assert_out_of_order(&err, "BTreeSet", PlaceStep::Index(2));
    let set: BTreeSet<String> = strings.into_iter().collect();
    let canonical = compact::to_vec(&set).unwrap();
    assert_eq!(
        compact::from_slice::<BTreeSet<String>>(&canonical).unwrap(),
        set
    );
}

#[test]
fn a_repeated_key_is_still_a_repeated_key() {
    let bytes = compact::to_vec(&vec![(7u8, 1u8), (7, 2)]).unwrap();
    let err = compact::from_slice::<HashMap<u8, u8>>(&bytes).unwrap_err();
    assert_eq!(
        err.cause(),
        &DecodeError::DuplicateKey {
            type_name: "HashMap"
        }
    );
}

#[test]
fn an_ordered_set_inside_a_hash_set_orders_by_its_own_bytes() {
    // Keys that are collections: ordered by their order key (length first), and what
    // decodes re-encodes to itself.
    let set: HashSet<BTreeSet<u8>> = [BTreeSet::from([9]), BTreeSet::from([1, 2]), BTreeSet::new()]
        .into_iter()
        .collect();
    let bytes = compact::to_vec(&set).unwrap();
    let back: HashSet<BTreeSet<u8>> = compact::from_slice(&bytes).unwrap();
    assert_eq!(back, set);
    assert_eq!(compact::to_vec(&back).unwrap(), bytes);
}

/// A field codec that keeps tens only: two keys that differ in their units write the same
/// bytes.
mod tens {
    use typeinfo::{DecodeError, Decoder, EncodeError, Encoder, HasTypeInfo, TypeInfo};

    pub fn type_info() -> &'static TypeInfo {
        <u32 as HasTypeInfo>::type_info()
    }

    pub fn encode<E: Encoder>(value: &u32, e: &mut E) -> Result<(), EncodeError> {
        e.encode_u32(value / 10)
    }

    pub fn decode<D: Decoder>(d: &mut D) -> Result<u32, DecodeError> {
        d.decode_u32().map(|tens| tens.saturating_mul(10))
    }
}

#[derive(TypeInfo, Debug, PartialEq, Eq, Hash)]
struct Bucket {
    #[typeinfo(with = "tens")]
    at: u32,
}

#[test]
fn keys_a_reader_could_not_tell_apart_are_refused_on_writing() {
    let set: HashSet<Bucket> = [Bucket { at: 41 }, Bucket { at: 42 }].into_iter().collect();
    let err = compact::to_vec(&set).unwrap_err();
    assert_eq!(
        err.kind(),
        &EncodeErrorKind::IndistinctKeys {
            type_name: "HashSet"
        }
    );
}
