#![doc = include_str!("../../README.md")]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod codec;
pub mod error;
pub mod ext;
pub mod factory;
pub mod info;
pub mod io;
pub mod limits;
pub mod path;
pub mod snapshot;

pub use codec::{Decode, Decoder, Encode, Encoder, RawLayout, StructKind};
pub use error::{DecodeError, EncodeError, EncodeErrorKind, Located, PlaceStep};
pub use info::{HasTypeInfo, TypeInfo};
pub use limits::Limits;
pub use path::{FieldPath, PathError, Step};

/// `#[derive(TypeInfo)]`: a descriptor and field-by-field codecs for a struct or enum.
pub use typeinfo_derive::TypeInfo;

/// What a user of derived types needs in scope.
pub mod prelude {
    pub use crate::TypeInfo;
    pub use crate::codec::{Decode, Encode};
    pub use crate::info::HasTypeInfo;
}

/// Items the generated code refers to; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::snapshot::__generated as migrate;
    pub use core::any::type_name;
    pub use core::mem::{offset_of, size_of};
    pub use core::option::Option::{self, None, Some};
    pub use core::result::Result::{self, Err, Ok};
    pub use serde::{Serialize, de::DeserializeOwned};

    /// The fixed width of a struct: the sum of its fields', if each has one.
    pub const fn sum_widths(widths: &[Option<usize>]) -> Option<usize> {
        let (mut sum, mut i) = (0usize, 0);
        while i < widths.len() {
            match widths[i] {
                Some(width) => match sum.checked_add(width) {
                    Some(total) => sum = total,
                    None => return None,
                },
                None => return None,
            }
            i += 1;
        }
        Some(sum)
    }
}
