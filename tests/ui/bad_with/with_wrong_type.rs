use typeinfo::TypeInfo;

/// A codec for `u32`, used on a `String` field.
mod counter {
    use typeinfo::{Decoder, DecodeError, Encoder, EncodeError, HasTypeInfo, TypeInfo};

    pub fn type_info() -> &'static TypeInfo {
        u32::type_info()
    }

    pub fn encode<E: Encoder>(value: &u32, e: &mut E) -> Result<(), EncodeError> {
        e.encode_u32(*value)
    }

    pub fn decode<D: Decoder>(d: &mut D) -> Result<u32, DecodeError> {
        d.decode_u32()
    }
}

#[derive(TypeInfo)]
struct Record {
    #[typeinfo(with = "counter")]
    name: String,
}

fn main() {}
