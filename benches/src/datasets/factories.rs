//! The factories the built-in datasets offer to configs (`[types."…"] factory = "…"`):
//! `flink-mini`'s `Payload` is a generic field (Flink's `Object someObject`), written
//! through serde unless a config selects the factory below, which writes it as the enum it
//! is, with the calls generated code makes.

use super::flink_mini::Payload;
use typeinfo::factory::{Codec, Factories, Factory};
use typeinfo::{DecodeError, Decoder, EncodeError, Encoder, HasTypeInfo, TypeInfo};

/// Every factory `explain` and the comparison know, by name.
pub fn catalog() -> Vec<Factory> {
    vec![typeinfo_serializers::factory_of::<Payload, PayloadCodec>(
        "flink-mini-payload",
    )]
}

/// The factories of the catalog that write a generic field of `T`.
pub fn of<T: HasTypeInfo>() -> Factories {
    let fields = T::TYPE_INFO.generic_fields();
    Factories::new(
        catalog()
            .into_iter()
            .filter(|f| fields.iter().any(|g| g.type_name == f.type_name())),
    )
}

/// The shape `PayloadCodec` writes: its descriptor, and (in the tests) the derived code the
/// codec must match byte for byte.
#[derive(typeinfo::TypeInfo, Debug, Clone, PartialEq)]
#[typeinfo(rename = "Payload")]
pub enum PayloadShape {
    Nothing,
    Note(String),
    Metric { name: String, value: f64 },
}

/// Writes a `Payload` without copying it into a `PayloadShape` first.
pub struct PayloadCodec;

const NAME: &str = "Payload";

/// A record of one generic payload: what `benches/factories.rs` times, so that the
/// factory's cost is not lost among other fields.
#[derive(typeinfo::TypeInfo, serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct PayloadRecord(#[typeinfo(generic)] pub Payload);

impl Codec<Payload> for PayloadCodec {
    fn type_info() -> &'static TypeInfo {
        PayloadShape::type_info()
    }

    fn encode<E: Encoder>(payload: &Payload, e: &mut E) -> Result<(), EncodeError> {
        match payload {
            Payload::Nothing => e.encode_variant(0),
            Payload::Note(text) => {
                e.encode_variant(1)?;
                e.encode_str(text)
            }
            Payload::Metric { name, value } => {
                // Declared order is also name order, so kryo's sorted order is the same.
                e.encode_variant(2)?;
                e.encode_str(name)?;
                e.encode_f64(*value)
            }
        }
    }

    fn decode<D: Decoder>(d: &mut D) -> Result<Payload, DecodeError> {
        // A user type counts one level against `max_depth`, as derived code does.
        d.enter()?;
        let payload = decode_variant(d);
        d.leave();
        payload
    }
}

fn decode_variant<D: Decoder>(d: &mut D) -> Result<Payload, DecodeError> {
    Ok(match d.decode_variant(NAME, 3)? {
        0 => Payload::Nothing,
        1 => Payload::Note(d.decode_string()?),
        2 => Payload::Metric {
            name: d.decode_string()?,
            value: d.decode_f64()?,
        },
        tag => {
            return Err(DecodeError::InvalidTag {
                type_name: NAME,
                tag,
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use typeinfo::Limits;
    use typeinfo_serializers::kryo::{Generated, Kryo, Registry};
    use typeinfo_serializers::pojo::Pojo;
    use typeinfo_serializers::{RecordCodec, compact, pojo};

    /// The same record with the shape in place of the payload.
    #[derive(typeinfo::TypeInfo)]
    struct Direct(PayloadShape);

    fn payloads() -> Vec<(Payload, PayloadShape)> {
        let metric = |value| Payload::Metric {
            name: "latency".into(),
            value,
        };
        vec![
            (Payload::Nothing, PayloadShape::Nothing),
            (Payload::Note("n".into()), PayloadShape::Note("n".into())),
            (
                metric(2.5),
                PayloadShape::Metric {
                    name: "latency".into(),
                    value: 2.5,
                },
            ),
        ]
    }

    /// The hand-written codec writes what derived code writes for the shape, in the formats
    /// that do not wrap a generic field (avro wraps it in `bytes`), and reads it back.
    #[test]
    fn the_codec_writes_what_the_derived_shape_writes() {
        let factories = Factories::new(catalog());
        let kryo = Generated::new(Kryo::new(Registry::new())).unwrap();
        let with = |f: Factories| {
            (
                Pojo::default().with_factories(f.clone()),
                compact::Compact::default().with_factories(f.clone()),
                kryo.clone().with_factories(f),
            )
        };
        let (pojo_f, compact_f, kryo_f) = with(factories);
        for (payload, shape) in payloads() {
            let direct = Direct(shape);
            let generic = PayloadRecord(payload.clone());
            let expected = [
                pojo::to_vec(&direct).unwrap(),
                compact::to_vec(&direct).unwrap(),
                kryo.to_vec(&direct).unwrap(),
            ];
            let written = [
                pojo_f.to_vec(&generic).unwrap(),
                compact_f.to_vec(&generic).unwrap(),
                kryo_f.to_vec(&generic).unwrap(),
            ];
            assert_eq!(written, expected, "{payload:?}");
            let back: PayloadRecord = pojo_f.decode(&written[0]).unwrap();
            assert_eq!(back.0, payload);
            let back: PayloadRecord = compact_f.decode(&written[1]).unwrap();
            assert_eq!(back.0, payload);
            let back: PayloadRecord = kryo_f.decode(&written[2]).unwrap();
            assert_eq!(back.0, payload);
        }
    }

    #[test]
    fn unknown_tags_and_deep_nesting_are_errors() {
        let factories = Factories::new(catalog());
        let err = (Pojo::default().with_factories(factories.clone()))
            .decode::<PayloadRecord>(&3u32.to_le_bytes())
            .unwrap_err();
        assert!(
            matches!(err.cause(), DecodeError::InvalidTag { tag: 3, .. }),
            "{err}"
        );
        // The record is one level, the payload a second.
        let shallow = Pojo::new(Limits {
            max_depth: 1,
            ..Limits::DEFAULT
        })
        .with_factories(factories);
        let err = shallow
            .decode::<PayloadRecord>(&0u32.to_le_bytes())
            .unwrap_err();
        assert!(
            matches!(err.cause(), DecodeError::DepthLimit { limit: 1 }),
            "{err}"
        );
    }
}
