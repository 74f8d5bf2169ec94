//! Types written as another type: the one way std and ecosystem types get their codecs, so
//! each says only how it maps to its representation and back.

/// Implements `HasTypeInfo`, `Encode` and `Decode` for `$ty`, written as `$repr`.
///
/// - `info`: the descriptor (the representation's, or a [`TypeInfo::Logical`] over it);
/// - `encode = |v| expr`: from `v: &$ty` to `Result<impl Encode, EncodeError>` written as
///   `$repr` (a borrowed view is fine);
/// - `decode = |r| expr`: from `r: $repr` to `Result<$ty, DecodeError>`.
///
/// [`TypeInfo::Logical`]: crate::info::TypeInfo::Logical
macro_rules! via {
    (
        $ty:ty as $repr:ty,
        info = $info:expr,
        encode = |$v:ident| $encode:expr,
        decode = |$r:ident| $decode:expr $(,)?
    ) => {
        impl $crate::info::HasTypeInfo for $ty {
            const TYPE_INFO: &'static $crate::info::TypeInfo = $info;
        }

        impl $crate::codec::Encode for $ty {
            #[inline]
            fn encode<E: $crate::codec::Encoder>(
                &self,
                e: &mut E,
            ) -> Result<(), $crate::error::EncodeError> {
                let $v = self;
                $crate::codec::Encode::encode(&$encode?, e)
            }
        }

        impl $crate::codec::Decode for $ty {
            #[inline]
            fn decode<D: $crate::codec::Decoder>(
                d: &mut D,
            ) -> Result<Self, $crate::error::DecodeError> {
                let $r = <$repr as $crate::codec::Decode>::decode(d)?;
                $decode
            }
        }
    };
}

/// A `&'static TypeInfo` of a logical kind over `$repr`, printed as `$name`.
macro_rules! logical {
    ($name:expr, $kind:expr, $repr:ty) => {
        &$crate::info::TypeInfo::Logical(&$crate::info::LogicalInfo {
            name: $name,
            kind: $kind,
            repr: <$repr as $crate::info::HasTypeInfo>::type_info,
        })
    };
}

pub(crate) use {logical, via};
