//! `ordered-float`: `OrderedFloat` is its float; `NotNan` also, and refuses a NaN when read.

use crate::codec::via::via;
use crate::error::{DecodeError, EncodeError, ValueError};
use ordered_float::{NotNan, OrderedFloat};

macro_rules! floats {
    ($($float:ty),*) => {$(
        via! {
            OrderedFloat<$float> as $float,
            info = <$float>::TYPE_INFO,
            encode = |v| Ok::<_, EncodeError>(v.0),
            decode = |f| Ok(OrderedFloat(f)),
        }

        via! {
            NotNan<$float> as $float,
            info = <$float>::TYPE_INFO,
            encode = |v| Ok::<_, EncodeError>(v.into_inner()),
            decode = |f| NotNan::new(f).map_err(|_| DecodeError::InvalidValue(&ValueError {
                type_name: concat!("NotNan<", stringify!($float), ">"),
                reason: "NaN",
            })),
        }
    )*};
}

floats!(f32, f64);
