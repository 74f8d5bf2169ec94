//! `rust_decimal`: a `Decimal` field is its exact text (`"12.340"`, the crate's own serde
//! form), since its scale varies per value and Avro's `decimal` fixes the scale in the
//! schema. A field whose scale is fixed can say so with [`Scaled`] and get Avro's `decimal`.

use crate::codec::via::via;
use crate::codec::{Decoder, Encoder};
use crate::error::{DecodeError, EncodeError, EncodeErrorKind, ValueError};
use crate::info::{HasTypeInfo, LogicalInfo, LogicalKind, TypeInfo};
use rust_decimal::Decimal;

via! {
    Decimal as String,
    info = &TypeInfo::String,
    encode = |v| Ok::<_, EncodeError>(v.to_string()),
    decode = |text| Decimal::from_str_exact(&text).map_err(|_| DecodeError::InvalidValue(&ValueError {
        type_name: "rust_decimal::Decimal",
        reason: "not a decimal number within 96 bits and 28 decimal places",
    })),
}

/// A field codec (`#[typeinfo(with = "typeinfo::ext::rust_decimal::Scaled::<2>")]`) that
/// writes a `Decimal` with exactly `SCALE` decimal places as Avro's `decimal` logical type:
/// the unscaled integer as big-endian two's-complement bytes, precision 29 (96 bits).
///
/// A value with fewer places is scaled up exactly; one whose digits do not fit `SCALE`
/// places is an encoding error, never rounded.
///
/// ```
/// use rust_decimal::Decimal;
/// use typeinfo::TypeInfo;
///
/// #[derive(TypeInfo, Debug, PartialEq)]
/// struct Price {
///     #[typeinfo(with = "typeinfo::ext::rust_decimal::Scaled::<2>")]
///     amount: Decimal,
/// }
///
/// let price = Price { amount: Decimal::new(1999, 2) }; // 19.99
/// let bytes = typeinfo_serializers::pojo::to_vec(&price)?;
/// assert_eq!(typeinfo_serializers::pojo::from_slice::<Price>(&bytes)?, price);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Scaled<const SCALE: u32>;

/// Digits a 96-bit mantissa holds.
const PRECISION: u32 = 29;

impl<const SCALE: u32> Scaled<SCALE> {
    const INFO: TypeInfo = TypeInfo::Logical(&LogicalInfo {
        name: "rust_decimal::Decimal",
        kind: LogicalKind::Decimal {
            precision: PRECISION,
            scale: SCALE,
        },
        repr: <Vec<u8> as HasTypeInfo>::type_info,
    });

    pub fn type_info() -> &'static TypeInfo {
        const { &Self::INFO }
    }

    pub fn encode<E: Encoder>(value: &Decimal, e: &mut E) -> Result<(), EncodeError> {
        let unscaled =
            unscaled_at(*value, SCALE).ok_or(EncodeErrorKind::Unrepresentable(&ValueError {
                type_name: "rust_decimal::Decimal",
                reason: "its digits do not fit the field's scale within 96 bits",
            }))?;
        let bytes = unscaled.to_be_bytes();
        e.encode_bytes(&bytes[minimal_twos_complement_start(&bytes)..])
    }

    pub fn decode<D: Decoder>(d: &mut D) -> Result<Decimal, DecodeError> {
        let out_of_range = DecodeError::OutOfRange {
            type_name: "rust_decimal::Decimal",
        };
        let bytes = d.decode_byte_buf()?;
        if bytes.is_empty() || bytes.len() > 16 {
            return Err(out_of_range);
        }
        // Sign-extend the big-endian bytes to 16.
        let fill = if bytes[0] & 0x80 != 0 { 0xff } else { 0 };
        let mut wide = [fill; 16];
        wide[16 - bytes.len()..].copy_from_slice(&bytes);
        Decimal::try_from_i128_with_scale(i128::from_be_bytes(wide), SCALE)
            .map_err(|_| out_of_range)
    }
}

/// The value's unscaled integer at `scale` places, if that is exact and fits 96 bits.
fn unscaled_at(value: Decimal, scale: u32) -> Option<i128> {
    let mut scaled = value.normalize();
    if scaled.scale() > scale {
        return None;
    }
    scaled.rescale(scale);
    (scaled == value && scaled.scale() == scale).then(|| scaled.mantissa())
}

/// Where the shortest two's-complement form of a big-endian integer starts: redundant sign
/// bytes dropped, at least one byte kept.
fn minimal_twos_complement_start(bytes: &[u8; 16]) -> usize {
    let mut start = 0;
    while start < 15 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        let redundant = (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0);
        if !redundant {
            break;
        }
        start += 1;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_complement_bytes_are_minimal() {
        let start = |v: i128| {
            let b = v.to_be_bytes();
            b[minimal_twos_complement_start(&b)..].to_vec()
        };
        assert_eq!(start(0), [0]);
        assert_eq!(start(127), [0x7f]);
        assert_eq!(start(128), [0, 0x80]);
        assert_eq!(start(-1), [0xff]);
        assert_eq!(start(-128), [0x80]);
        assert_eq!(start(-129), [0xff, 0x7f]);
    }

    #[test]
    fn scaling_is_exact_or_refused() {
        assert_eq!(unscaled_at(Decimal::new(5, 1), 2), Some(50));
        assert_eq!(unscaled_at(Decimal::new(500, 3), 2), Some(50));
        assert_eq!(unscaled_at(Decimal::new(501, 3), 2), None);
        assert_eq!(unscaled_at(Decimal::MAX, 1), None);
    }
}
