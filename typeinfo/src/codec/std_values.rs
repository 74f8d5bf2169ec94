//! Value types of std: durations and instants, network addresses, paths, ranges and
//! `Ordering`, each written as the plainest representation that keeps all of it.

use super::epoch::{self, Instant, InstantOf};
use super::via::{logical, via};
use super::{Decode, Decoder, Encode, Encoder};
use crate::error::{DecodeError, EncodeError, EncodeErrorKind, PlaceStep, ValueError};
use crate::info::{
    EnumInfo, FieldInfo, HasTypeInfo, LogicalKind, StructStyle, TypeInfo, TypeName, VariantInfo,
};
use crate::path::Step;
use core::cmp::Ordering;
use core::ops::{Range, RangeInclusive};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// `(seconds, nanoseconds)`: a u64 of seconds holds every `Duration`, which no single
// integer of nanoseconds does.
via! {
    Duration as (u64, u32),
    info = <(u64, u32)>::TYPE_INFO,
    encode = |v| Ok::<_, EncodeError>((v.as_secs(), v.subsec_nanos())),
    decode = |parts| match parts {
        (secs, nanos) if nanos < 1_000_000_000 => Ok(Duration::new(secs, nanos)),
        _ => Err(DecodeError::InvalidValue(&ValueError {
            type_name: "Duration",
            reason: "a billion nanoseconds or more besides the seconds",
        })),
    },
}

const BEYOND_SYSTEM_TIME: ValueError = ValueError {
    type_name: "SystemTime",
    reason: "outside the range of an i64 of seconds since 1970, or of this platform's SystemTime",
};

via! {
    SystemTime as Instant,
    info = logical!("SystemTime", LogicalKind::TimestampNanos, i64),
    encode = |v| {
        let total = match v.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_nanos() as i128,
            Err(before) => -(before.duration().as_nanos() as i128),
        };
        let instant = Instant::from_nanos(total)
            .ok_or(EncodeErrorKind::Unrepresentable(&BEYOND_SYSTEM_TIME))?;
        Ok::<_, EncodeError>(InstantOf {
            instant,
            beyond_i64_nanos: &const { epoch::beyond_i64_nanos("SystemTime") },
        })
    },
    decode = |i| {
        // `secs` is floored, so the nanoseconds always count forward from it.
        let whole = Duration::from_secs(i.secs.unsigned_abs());
        let at_secs = if i.secs >= 0 {
            UNIX_EPOCH.checked_add(whole)
        } else {
            UNIX_EPOCH.checked_sub(whole)
        };
        at_secs
            .and_then(|t| t.checked_add(Duration::from_nanos(i.nanos.into())))
            .ok_or(DecodeError::InvalidValue(&BEYOND_SYSTEM_TIME))
    },
}

via! {
    Ipv4Addr as [u8; 4],
    info = <[u8; 4]>::TYPE_INFO,
    encode = |v| Ok::<_, EncodeError>(v.octets()),
    decode = |octets| Ok(Ipv4Addr::from(octets)),
}

via! {
    Ipv6Addr as [u8; 16],
    info = <[u8; 16]>::TYPE_INFO,
    encode = |v| Ok::<_, EncodeError>(v.octets()),
    decode = |octets| Ok(Ipv6Addr::from(octets)),
}

/// An address of either family: its octets, 4 or 16 of them.
impl HasTypeInfo for IpAddr {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::Bytes;
}

impl Encode for IpAddr {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        match self {
            IpAddr::V4(a) => e.encode_bytes(&a.octets()),
            IpAddr::V6(a) => e.encode_bytes(&a.octets()),
        }
    }
}

impl Decode for IpAddr {
    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        let octets = d.decode_byte_buf()?;
        if let Ok(v4) = <[u8; 4]>::try_from(octets.as_slice()) {
            Ok(IpAddr::from(v4))
        } else if let Ok(v6) = <[u8; 16]>::try_from(octets.as_slice()) {
            Ok(IpAddr::from(v6))
        } else {
            Err(DecodeError::InvalidValue(&ValueError {
                type_name: "IpAddr",
                reason: "an address has 4 or 16 octets",
            }))
        }
    }
}

via! {
    SocketAddrV4 as (Ipv4Addr, u16),
    info = <(Ipv4Addr, u16)>::TYPE_INFO,
    encode = |v| Ok::<_, EncodeError>((*v.ip(), v.port())),
    decode = |parts| Ok(SocketAddrV4::new(parts.0, parts.1)),
}

via! {
    SocketAddrV6 as (Ipv6Addr, u16, u32, u32),
    info = <(Ipv6Addr, u16, u32, u32)>::TYPE_INFO,
    encode = |v| Ok::<_, EncodeError>((*v.ip(), v.port(), v.flowinfo(), v.scope_id())),
    decode = |p| Ok(SocketAddrV6::new(p.0, p.1, p.2, p.3)),
}

// Either family, with the IPv6 flow label and scope (zero for IPv4) so nothing is lost.
via! {
    SocketAddr as (IpAddr, u16, u32, u32),
    info = <(IpAddr, u16, u32, u32)>::TYPE_INFO,
    encode = |v| Ok::<_, EncodeError>(match v {
        SocketAddr::V4(a) => (IpAddr::V4(*a.ip()), a.port(), 0, 0),
        SocketAddr::V6(a) => (IpAddr::V6(*a.ip()), a.port(), a.flowinfo(), a.scope_id()),
    }),
    decode = |p| match p {
        (IpAddr::V4(ip), port, 0, 0) => Ok(SocketAddr::V4(SocketAddrV4::new(ip, port))),
        (IpAddr::V4(_), ..) => Err(DecodeError::InvalidValue(&ValueError {
            type_name: "SocketAddr",
            reason: "an IPv4 address with an IPv6 flow label or scope",
        })),
        (IpAddr::V6(ip), port, flow, scope) => {
            Ok(SocketAddr::V6(SocketAddrV6::new(ip, port, flow, scope)))
        }
    },
}

/// A path as a string: portable across platforms, so one that is not UTF-8 is refused.
fn path_str(path: &Path) -> Result<&str, EncodeError> {
    path.to_str().ok_or_else(|| {
        EncodeErrorKind::Unrepresentable(&ValueError {
            type_name: "Path",
            reason: "it is not UTF-8",
        })
        .into()
    })
}

via! {
    PathBuf as String,
    info = &TypeInfo::String,
    encode = |v| path_str(v),
    decode = |s| Ok(PathBuf::from(s)),
}

impl HasTypeInfo for Path {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::String;
}

impl Encode for Path {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_str(path_str(self)?)
    }
}

/// Ranges are `(start, end)` pairs.
macro_rules! range {
    ($range:ident, |$r:ident| $ends:expr, $new:expr) => {
        impl<T: HasTypeInfo> HasTypeInfo for $range<T> {
            const TYPE_INFO: &'static TypeInfo = &TypeInfo::Tuple(&[T::type_info, T::type_info]);
        }

        impl<T: Encode> Encode for $range<T> {
            #[inline]
            fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
                let $r = self;
                $ends.encode(e)
            }

            fn encode_path<E: Encoder>(
                &self,
                path: &[Step],
                e: &mut E,
            ) -> Result<usize, EncodeError> {
                let $r = self;
                $ends.encode_path(path, e)
            }
        }

        impl<T: Decode> Decode for $range<T> {
            #[inline]
            fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
                let (start, end) = <(T, T)>::decode(d)?;
                Ok($new(start, end))
            }
        }
    };
}

range!(Range, |r| (&r.start, &r.end), |start, end| start..end);
// An exhausted inclusive range iterator is not a value a record holds; it reads back fresh.
range!(
    RangeInclusive,
    |r| (r.start(), r.end()),
    RangeInclusive::new
);

const ORDERING_VARIANTS: [Ordering; 3] = [Ordering::Less, Ordering::Equal, Ordering::Greater];

const fn unit_variant(name: &'static str) -> VariantInfo {
    VariantInfo {
        name,
        style: StructStyle::Unit,
        fields: &[],
    }
}

/// An enum of three names, as derived enums of unit variants are.
impl HasTypeInfo for Ordering {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::Enum(&EnumInfo {
        name: TypeName {
            name: "Ordering",
            wire_name: "Ordering",
            serde_reads_any: None,
            module_path: "core::cmp",
            key: "core::cmp::Ordering",
            namespace: None,
            full: core::any::type_name::<Ordering>,
            aliases: &[],
        },
        variants: &[
            unit_variant("Less"),
            unit_variant("Equal"),
            unit_variant("Greater"),
        ],
        default_variant: None,
    });
}

impl Encode for Ordering {
    #[inline]
    fn encode<E: Encoder>(&self, e: &mut E) -> Result<(), EncodeError> {
        e.encode_variant((*self as i8 + 1) as u32)
    }
}

impl Decode for Ordering {
    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        let index = d.decode_variant("Ordering", 3)?;
        ORDERING_VARIANTS
            .get(index as usize)
            .copied()
            .ok_or(DecodeError::InvalidTag {
                type_name: "Ordering",
                tag: index,
            })
    }
}

/// `Result<T, E>`, as a derived `enum Result { Ok(T), Err(E) }` is: variant 0 or 1, then its
/// value.
impl<T: HasTypeInfo, E: HasTypeInfo> HasTypeInfo for Result<T, E> {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::Enum(&EnumInfo {
        name: TypeName {
            name: "Result",
            wire_name: "Result",
            serde_reads_any: None,
            module_path: "core::result",
            key: "core::result::Result",
            namespace: None,
            full: core::any::type_name::<Result<T, E>>,
            aliases: &[],
        },
        variants: &[
            VariantInfo {
                name: "Ok",
                style: StructStyle::Tuple,
                fields: &[FieldInfo {
                    name: "0",
                    wire_name: "0",
                    ty: T::type_info,
                    default: None,
                    aliases: &[],
                }],
            },
            VariantInfo {
                name: "Err",
                style: StructStyle::Tuple,
                fields: &[FieldInfo {
                    name: "0",
                    wire_name: "0",
                    ty: E::type_info,
                    default: None,
                    aliases: &[],
                }],
            },
        ],
        default_variant: None,
    });
}

impl<T: Encode, E: Encode> Encode for Result<T, E> {
    #[inline]
    fn encode<En: Encoder>(&self, e: &mut En) -> Result<(), EncodeError> {
        // One level against `max_depth`, as its decode counts.
        e.enter()?;
        let done = match self {
            Ok(value) => e.encode_variant(0).and_then(|()| value.encode(e)),
            Err(error) => e.encode_variant(1).and_then(|()| error.encode(e)),
        };
        e.leave();
        done
    }
}

impl<T: Decode, E: Decode> Decode for Result<T, E> {
    #[inline]
    fn decode<D: Decoder>(d: &mut D) -> Result<Self, DecodeError> {
        // One level against `max_depth`, as a derived enum counts.
        d.enter()?;
        let value = match d.decode_variant("Result", 2) {
            Ok(0) => T::decode(d)
                .map(Ok)
                .map_err(|e| e.within(PlaceStep::Variant("Ok"))),
            Ok(1) => E::decode(d)
                .map(Err)
                .map_err(|e| e.within(PlaceStep::Variant("Err"))),
            Ok(tag) => Err(DecodeError::InvalidTag {
                type_name: "Result",
                tag,
            }),
            Err(e) => Err(e),
        };
        d.leave();
        value
    }
}
