//! The formats under comparison, each behind one small trait, so the criterion benches and
//! the interleaved runner time exactly the same calls.
//!
//! Every writer targets a buffer allocated once, outside any timed call, so times measure
//! encoding, not allocation; decoders build owned values, as a pipeline's operators need.

use serde::{Serialize, de::DeserializeOwned};
use std::hint::black_box;
use typeinfo::{Decode, Encode};
use typeinfo_serializers::RecordCodec;
use typeinfo_serializers::compact::Compact;
use typeinfo_serializers::pojo::Pojo;

/// What every compared format must handle: a dataset type derives all of these.
pub trait Dataset:
    Encode + Decode + bincode::Encode + bincode::Decode<()> + Serialize + DeserializeOwned + PartialEq
{
}

impl<T> Dataset for T where
    T: Encode
        + Decode
        + bincode::Encode
        + bincode::Decode<()>
        + Serialize
        + DeserializeOwned
        + PartialEq
{
}

/// A format under test: its name, its output size, and the two timed operations.
pub trait Contender {
    fn name(&self) -> &'static str;
    /// Bytes of the encoded dataset.
    fn bytes(&self) -> usize;
    fn serialize(&mut self);
    fn deserialize(&mut self);
}

/// One of our generated-code formats, checked to round trip before it is timed.
pub struct Ours<'a, C, T> {
    codec: C,
    data: &'a T,
    bytes: Vec<u8>,
    out: Vec<u8>,
}

impl<'a, C: RecordCodec, T: Dataset> Ours<'a, C, T> {
    pub fn new(codec: C, data: &'a T) -> Self {
        let bytes = codec.to_vec(data).expect("encode");
        assert!(
            codec.decode::<T>(&bytes).expect("decode") == *data,
            "{} round trip",
            C::NAME
        );
        Ours {
            out: Vec::with_capacity(bytes.len()),
            codec,
            data,
            bytes,
        }
    }
}

impl<C: RecordCodec, T: Dataset> Contender for Ours<'_, C, T> {
    fn name(&self) -> &'static str {
        C::NAME
    }

    fn bytes(&self) -> usize {
        self.bytes.len()
    }

    fn serialize(&mut self) {
        self.out.clear();
        self.codec
            .encode_into(black_box(self.data), &mut self.out)
            .expect("encode");
        black_box(&self.out);
    }

    fn deserialize(&mut self) {
        black_box(
            self.codec
                .decode::<T>(black_box(&self.bytes))
                .expect("decode"),
        );
    }
}

/// bincode 2.0.1 with its own derive and standard config, into a preallocated slice.
pub struct Bincode2<'a, T> {
    data: &'a T,
    bytes: Vec<u8>,
    out: Vec<u8>,
}

impl<'a, T: Dataset> Bincode2<'a, T> {
    pub fn new(data: &'a T) -> Self {
        let bytes = bincode::encode_to_vec(data, bincode::config::standard()).expect("encode");
        let (back, _): (T, usize) =
            bincode::decode_from_slice(&bytes, bincode::config::standard()).expect("decode");
        assert!(back == *data, "bincode2 round trip");
        Bincode2 {
            out: vec![0; bytes.len()],
            data,
            bytes,
        }
    }
}

impl<T: Dataset> Contender for Bincode2<'_, T> {
    fn name(&self) -> &'static str {
        "bincode2"
    }

    fn bytes(&self) -> usize {
        self.bytes.len()
    }

    fn serialize(&mut self) {
        let config = bincode::config::standard();
        black_box(
            bincode::encode_into_slice(black_box(self.data), &mut self.out, config)
                .expect("encode"),
        );
    }

    fn deserialize(&mut self) {
        let config = bincode::config::standard();
        black_box(
            bincode::decode_from_slice::<T, _>(black_box(&self.bytes), config).expect("decode"),
        );
    }
}

/// postcard through serde, into a preallocated slice: the reference varint format.
pub struct Postcard<'a, T> {
    data: &'a T,
    bytes: Vec<u8>,
    out: Vec<u8>,
}

impl<'a, T: Dataset> Postcard<'a, T> {
    pub fn new(data: &'a T) -> Self {
        let bytes = postcard::to_allocvec(data).expect("encode");
        assert!(
            postcard::from_bytes::<T>(&bytes).expect("decode") == *data,
            "postcard round trip"
        );
        Postcard {
            out: vec![0; bytes.len()],
            data,
            bytes,
        }
    }
}

impl<T: Dataset> Contender for Postcard<'_, T> {
    fn name(&self) -> &'static str {
        "postcard"
    }

    fn bytes(&self) -> usize {
        self.bytes.len()
    }

    fn serialize(&mut self) {
        black_box(
            postcard::to_slice(black_box(self.data), &mut self.out)
                .expect("encode")
                .len(),
        );
    }

    fn deserialize(&mut self) {
        black_box(postcard::from_bytes::<T>(black_box(&self.bytes)).expect("decode"));
    }
}

/// A plain copy of as many bytes as pojo writes, both ways: the speed limit of any format.
pub struct Memcpy {
    source: Vec<u8>,
    copy: Vec<u8>,
}

impl Memcpy {
    pub fn new<T: Dataset>(data: &T) -> Self {
        let source = Pojo::default().to_vec(data).expect("encode");
        Memcpy {
            copy: vec![0; source.len()],
            source,
        }
    }
}

impl Contender for Memcpy {
    fn name(&self) -> &'static str {
        "memcpy"
    }

    fn bytes(&self) -> usize {
        self.source.len()
    }

    fn serialize(&mut self) {
        self.copy.copy_from_slice(black_box(&self.source));
        black_box(&self.copy);
    }

    fn deserialize(&mut self) {
        self.serialize();
    }
}

/// Every contender for `data`; `with_memcpy` adds the copy baseline (meaningful where the
/// data is plain numbers).
pub fn all<T: Dataset>(data: &T, with_memcpy: bool) -> Vec<Box<dyn Contender + '_>> {
    let mut out: Vec<Box<dyn Contender + '_>> = vec![
        Box::new(Ours::new(Pojo::default(), data)),
        Box::new(Ours::new(Compact::default(), data)),
        Box::new(Bincode2::new(data)),
        Box::new(Postcard::new(data)),
    ];
    if with_memcpy {
        out.push(Box::new(Memcpy::new(data)));
    }
    out
}
