//! Trait objects, which is what Kryo is for: a `Box<dyn Trait>` field written with its
//! concrete type's class and read back into that type.
//!
//! [`polymorphic!`](crate::polymorphic) gives `Box<dyn Trait>` serde impls that present the
//! listed concrete types as the variants of an enum named [`DYN_MARKER`](super::DYN_MARKER).
//! kryo writes such a value as the concrete struct alone (its class id is the tag) and picks
//! the variant by the class it reads; any other serde format sees an ordinary enum.

use serde::de::{self, DeserializeSeed, Visitor};

/// Reads a variant name of a [`polymorphic!`](crate::polymorphic) trait object as its index.
#[doc(hidden)]
pub struct VariantIndex(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for VariantIndex {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for VariantIndex {
    type Value = usize;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "one of {}", self.0.join(", "))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        match usize::try_from(v) {
            Ok(i) if i < self.0.len() => Ok(i),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|name| *name == v)
            .ok_or_else(|| E::unknown_variant(v, self.0))
    }
}

/// Serde impls for `Box<dyn Trait>` over the listed concrete types, which must be `'static`
/// and implement `Serialize` and `Deserialize`; the trait needs `core::any::Any` as a
/// supertrait. Writing a value of an unlisted type is an error.
///
/// ```
/// use typeinfo_serializers::{kryo, polymorphic};
/// use serde::{Deserialize, Serialize};
///
/// trait Event: core::any::Any + core::fmt::Debug {}
/// #[derive(Serialize, Deserialize, Debug, PartialEq)]
/// struct Click { x: i32 }
/// #[derive(Serialize, Deserialize, Debug, PartialEq)]
/// struct Purchase { cents: i64 }
/// impl Event for Click {}
/// impl Event for Purchase {}
/// polymorphic!(dyn Event => [Click, Purchase]);
///
/// let events: Vec<Box<dyn Event>> = vec![Box::new(Click { x: 1 }), Box::new(Purchase { cents: 250 })];
/// let bytes = kryo::to_vec(&events).unwrap();
/// let back: Vec<Box<dyn Event>> = kryo::from_slice(&bytes).unwrap();
/// assert_eq!(format!("{back:?}"), format!("{events:?}"));
/// ```
#[macro_export]
macro_rules! polymorphic {
    (dyn $trait:path => [$($ty:ident),+ $(,)?]) => {
        const _: () = {
            const NAMES: &[&str] = &[$(stringify!($ty)),+];

            impl $crate::__serde::Serialize for ::std::boxed::Box<dyn $trait> {
                fn serialize<S: $crate::__serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    let any: &dyn ::core::any::Any = &**self;
                    let mut index = 0u32;
                    $(
                        if let ::core::option::Option::Some(value) = any.downcast_ref::<$ty>() {
                            return serializer.serialize_newtype_variant(
                                $crate::kryo::DYN_MARKER, index, NAMES[index as usize], value,
                            );
                        }
                        index += 1;
                    )+
                    let _ = index;
                    ::core::result::Result::Err(<S::Error as $crate::__serde::ser::Error>::custom(format_args!(
                        "a `dyn {}` whose concrete type is not registered; registered: {}",
                        stringify!($trait), NAMES.join(", ")
                    )))
                }
            }

            impl<'de> $crate::__serde::Deserialize<'de> for ::std::boxed::Box<dyn $trait> {
                fn deserialize<D: $crate::__serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    struct DynVisitor;
                    impl<'de> $crate::__serde::de::Visitor<'de> for DynVisitor {
                        type Value = ::std::boxed::Box<dyn $trait>;

                        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            write!(f, "a `dyn {}`: one of {}", stringify!($trait), NAMES.join(", "))
                        }

                        fn visit_enum<A: $crate::__serde::de::EnumAccess<'de>>(self, data: A) -> ::core::result::Result<Self::Value, A::Error> {
                            use $crate::__serde::de::VariantAccess;
                            let (found, variant) = data.variant_seed($crate::kryo::VariantIndex(NAMES))?;
                            let mut index = 0usize;
                            $(
                                if found == index {
                                    return variant.newtype_variant::<$ty>().map(|v| ::std::boxed::Box::new(v) as ::std::boxed::Box<dyn $trait>);
                                }
                                index += 1;
                            )+
                            let _ = index;
                            unreachable!("VariantIndex returns an index below the number of types")
                        }
                    }
                    deserializer.deserialize_enum($crate::kryo::DYN_MARKER, NAMES, DynVisitor)
                }
            }
        };
    };
}
