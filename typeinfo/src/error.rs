//! The two error types: one for encoding, one for decoding untrusted bytes.

use core::fmt;

/// Why a value could not be encoded: an [`EncodeErrorKind`], boxed so that the error is one
/// pointer wide. `Result<(), EncodeError>` comes back from every encoder call of the hot
/// path, and a pointer returns in a register where the three words of the kind went
/// through memory.
#[derive(Clone, PartialEq, Eq)]
pub struct EncodeError(Box<EncodeErrorKind>);

/// What went wrong while encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeErrorKind {
    /// A string, byte string or collection is longer than the format can prefix.
    LengthOverflow { len: usize, max: u64 },
    /// The encoded record exceeds the configured `max_record_bytes`.
    RecordTooLarge { size: usize, limit: usize },
    /// A fixed-size output buffer has no room left.
    BufferFull { needed: usize, available: usize },
    /// An I/O sink failed.
    Io(std::io::ErrorKind),
    /// The value has no encoding in its type's representation (a `SystemTime` beyond the
    /// range of an `i64` of nanoseconds, a path that is not UTF-8).
    Unrepresentable(&'static ValueError),
    /// Nesting deeper than the configured `max_depth`: the reader would refuse it.
    DepthLimit { limit: u32 },
    /// Two keys of a hash map or set that a format writing them in canonical order cannot
    /// tell apart (their order keys are equal): its reader would refuse the second.
    IndistinctKeys { type_name: &'static str },
    /// A serde `Serialize` impl of a generic field failed, or used a feature the format lacks.
    Custom(Box<str>),
}

impl EncodeError {
    /// What went wrong.
    pub fn kind(&self) -> &EncodeErrorKind {
        &self.0
    }

    pub fn into_kind(self) -> EncodeErrorKind {
        *self.0
    }

    /// A [`EncodeErrorKind::Custom`] error with `msg`.
    #[cold]
    pub fn custom(msg: impl Into<Box<str>>) -> Self {
        EncodeErrorKind::Custom(msg.into()).into()
    }
}

impl From<EncodeErrorKind> for EncodeError {
    #[cold]
    fn from(kind: EncodeErrorKind) -> Self {
        EncodeError(Box::new(kind))
    }
}

impl fmt::Debug for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for EncodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeErrorKind::LengthOverflow { len, max } => {
                write!(f, "length {len} is larger than the format allows ({max})")
            }
            EncodeErrorKind::RecordTooLarge { size, limit } => write!(
                f,
                "encoded record of {size} bytes exceeds max_record_bytes ({limit})"
            ),
            EncodeErrorKind::DepthLimit { limit } => {
                write!(f, "nesting deeper than max_depth ({limit})")
            }
            EncodeErrorKind::BufferFull { needed, available } => write!(
                f,
                "output buffer full: {needed} more bytes needed, {available} available"
            ),
            EncodeErrorKind::Io(kind) => write!(f, "i/o error while writing: {kind}"),
            EncodeErrorKind::Unrepresentable(e) => {
                write!(f, "cannot encode this {}: {}", e.type_name, e.reason)
            }
            EncodeErrorKind::IndistinctKeys { type_name } => write!(
                f,
                "two keys of a {type_name} have the same bytes in its canonical order, so a reader could not tell them apart"
            ),
            EncodeErrorKind::Custom(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for EncodeError {}

impl serde::ser::Error for EncodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        EncodeError::custom(msg.to_string())
    }
}

/// A value its type cannot hold or its representation cannot express: a constant, so the
/// errors that carry it stay one pointer wide (they travel in every `Result` of the hot
/// path).
#[derive(Debug, PartialEq, Eq)]
pub struct ValueError {
    pub type_name: &'static str,
    pub reason: &'static str,
}

/// Why bytes could not be decoded. Every decoder returns this for hostile input; none panics.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended inside a value.
    UnexpectedEnd { needed: usize, available: usize },
    /// A tag byte or variant index that names no value of the type.
    InvalidTag { type_name: &'static str, tag: u32 },
    /// A varint that is too long for its type, or not in its shortest form.
    InvalidVarint { type_name: &'static str },
    /// A string's bytes are not UTF-8.
    InvalidUtf8 { valid_up_to: usize },
    /// A `char` outside the Unicode scalar values.
    InvalidChar(u32),
    /// A fixed-size array whose encoding holds another number of elements.
    LengthMismatch { expected: usize, found: usize },
    /// A number outside the range of the type it is read into (an Avro `int` read as `u8`).
    OutOfRange { type_name: &'static str },
    /// A well-formed encoding of a value the type cannot hold (zero for a `NonZeroU32`,
    /// a billion nanoseconds in a `Duration`).
    InvalidValue(&'static ValueError),
    /// A length prefix above the configured limit (`max_collection_len`).
    LengthLimit { claimed: u64, limit: u64 },
    /// The input is larger than the configured `max_record_bytes`.
    RecordTooLarge { size: usize, limit: usize },
    /// Nesting deeper than the configured `max_depth`.
    DepthLimit { limit: u32 },
    /// A map or set holds the same key twice.
    DuplicateKey { type_name: &'static str },
    /// The entries of a map or set are not in the one order the format writes them in
    /// (so that equal values have equal bytes).
    OutOfOrder { type_name: &'static str },
    /// Bytes remain after the value.
    TrailingBytes { remaining: usize },
    /// A serde `Deserialize` impl of a generic field failed, or asked for what the format
    /// cannot provide.
    Custom(Box<str>),
    /// Any of the above, with the place in the value where it happened (`items[3].sku`).
    /// Derived types and collections add the place as the error passes out of them;
    /// [`DecodeError::cause`] gives the error without it.
    At(Box<Located>),
}

/// A decode error and the place in the value where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Innermost step first: each level pushes its own as the error passes out of it, so
    /// a deep error costs one push per level and nothing is built while decoding succeeds.
    steps: Vec<PlaceStep>,
    error: DecodeError,
}

/// One step of the place of a decode error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlaceStep {
    /// A field of a struct or variant, by the name its descriptor gives (`0` in a tuple
    /// struct).
    Field(&'static str),
    /// The variant an enum's tag chose.
    Variant(&'static str),
    /// An element of a list, set or array (a tuple's elements are fields `0`, `1`, ...).
    Index(usize),
    /// The key of a map's entry, by the entry's position in the input.
    MapKey(usize),
    /// The value of a map's entry, by the entry's position in the input.
    MapValue(usize),
}

impl Located {
    /// The steps from the outermost value inward.
    pub fn steps(&self) -> impl DoubleEndedIterator<Item = PlaceStep> + '_ {
        self.steps.iter().rev().copied()
    }

    /// The error itself.
    pub fn error(&self) -> &DecodeError {
        &self.error
    }
}

/// `items[3].sku`, `payment::Card.number`, `counts{key 2}`.
impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps().enumerate() {
            match step {
                PlaceStep::Field(name) if i == 0 => f.write_str(name)?,
                PlaceStep::Field(name) => write!(f, ".{name}")?,
                PlaceStep::Variant(name) if i == 0 => f.write_str(name)?,
                PlaceStep::Variant(name) => write!(f, "::{name}")?,
                PlaceStep::Index(n) => write!(f, "[{n}]")?,
                PlaceStep::MapKey(n) => write!(f, "{{key {n}}}")?,
                PlaceStep::MapValue(n) => write!(f, "{{value {n}}}")?,
            }
        }
        Ok(())
    }
}

impl DecodeError {
    /// The error without the place it happened: what to match on.
    pub fn cause(&self) -> &DecodeError {
        match self {
            DecodeError::At(located) => &located.error,
            other => other,
        }
    }

    /// The error without the place it happened, owned.
    pub fn into_cause(self) -> DecodeError {
        match self {
            DecodeError::At(located) => located.error,
            other => other,
        }
    }

    /// Where in the value the error happened, when a derived type or a collection said so.
    pub fn place(&self) -> Option<&Located> {
        match self {
            DecodeError::At(located) => Some(located),
            _ => None,
        }
    }

    /// The error as it passes out of a level of the value at `step`. Only called on the
    /// error path, so it stays out of line.
    #[cold]
    #[inline(never)]
    pub fn within(self, step: PlaceStep) -> Self {
        match self {
            DecodeError::At(mut located) => {
                located.steps.push(step);
                DecodeError::At(located)
            }
            error => DecodeError::At(Box::new(Located {
                steps: vec![step],
                error,
            })),
        }
    }

    /// [`DecodeError::within`] a field.
    #[cold]
    #[inline(never)]
    pub fn in_field(self, name: &'static str) -> Self {
        self.within(PlaceStep::Field(name))
    }

    /// [`DecodeError::within`] a field of a variant.
    #[cold]
    #[inline(never)]
    pub fn in_variant_field(self, variant: &'static str, name: &'static str) -> Self {
        self.within(PlaceStep::Field(name))
            .within(PlaceStep::Variant(variant))
    }

    /// [`DecodeError::within`] the element at `index`.
    #[cold]
    #[inline(never)]
    pub fn at_index(self, index: usize) -> Self {
        self.within(PlaceStep::Index(index))
    }
}

/// `1 byte`, `2 bytes`.
fn bytes(n: usize) -> String {
    match n {
        1 => "1 byte".into(),
        n => format!("{n} bytes"),
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnexpectedEnd { needed, available } => write!(
                f,
                "unexpected end of input: {} needed, {available} available",
                bytes(*needed)
            ),
            DecodeError::InvalidTag { type_name, tag } => {
                write!(f, "invalid tag {tag} for {type_name}")
            }
            DecodeError::InvalidVarint { type_name } => {
                write!(
                    f,
                    "invalid varint for {type_name}: too long or not in its shortest form"
                )
            }
            DecodeError::InvalidUtf8 { valid_up_to } => {
                write!(f, "string is not utf-8 (valid up to byte {valid_up_to})")
            }
            DecodeError::InvalidChar(v) => write!(f, "{v:#x} is not a unicode scalar value"),
            DecodeError::LengthMismatch { expected, found } => {
                write!(f, "array of {expected} elements holds {found}")
            }
            DecodeError::OutOfRange { type_name } => {
                write!(f, "number out of range for {type_name}")
            }
            DecodeError::InvalidValue(e) => write!(f, "invalid {}: {}", e.type_name, e.reason),
            DecodeError::LengthLimit { claimed, limit } => {
                write!(f, "length {claimed} exceeds max_collection_len ({limit})")
            }
            DecodeError::RecordTooLarge { size, limit } => write!(
                f,
                "record of {size} bytes exceeds max_record_bytes ({limit})"
            ),
            DecodeError::DepthLimit { limit } => {
                write!(f, "nesting deeper than max_depth ({limit})")
            }
            DecodeError::DuplicateKey { type_name } => {
                write!(f, "duplicate key in {type_name}")
            }
            DecodeError::OutOfOrder { type_name } => write!(
                f,
                "entries of a {type_name} out of the format's canonical order (equal values must have equal bytes)"
            ),
            DecodeError::TrailingBytes { remaining } => {
                write!(f, "{} left after the value", bytes(*remaining))
            }
            DecodeError::Custom(msg) => f.write_str(msg),
            DecodeError::At(located) => write!(f, "at {located}: {}", located.error),
        }
    }
}

impl std::error::Error for DecodeError {}

impl serde::de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError::Custom(msg.to_string().into_boxed_str())
    }
}
