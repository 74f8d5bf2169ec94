//! The type descriptor: what a record type looks like, inspectable at run time.
//!
//! A [`TypeInfo`] is Flink's `TypeInformation` for Rust types. Every descriptor is a
//! compile-time constant (an associated const of [`HasTypeInfo`]), so building it costs
//! nothing at run time and needs no lock. Fields refer to their types through function
//! pointers ([`TypeRef`]) rather than references, which is what lets a recursive type
//! (a tree whose node holds `Vec<Self>`) have a finite descriptor.

mod display;
mod walk;

pub use walk::GenericField;

/// A lazily followed reference to another descriptor; breaks cycles in recursive types.
pub type TypeRef = fn() -> &'static TypeInfo;

/// Types that have a descriptor. Implemented for the std types and by `#[derive(TypeInfo)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no typeinfo descriptor",
    label = "typeinfo does not support `{Self}`",
    note = "derive `TypeInfo` for it if it is yours; for a type from another crate, give the field `#[typeinfo(with = \"path::to::codec\")]` (a codec of your own) or `#[typeinfo(generic)]` (written through serde)"
)]
pub trait HasTypeInfo {
    /// The descriptor of `Self`.
    const TYPE_INFO: &'static TypeInfo;

    /// The descriptor of `Self`, as a function (usable as a [`TypeRef`]).
    #[inline]
    fn type_info() -> &'static TypeInfo {
        Self::TYPE_INFO
    }
}

/// The shape of a type.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum TypeInfo {
    Bool,
    U8,
    U16,
    U32,
    U64,
    U128,
    I8,
    I16,
    I32,
    I64,
    I128,
    F32,
    F64,
    Char,
    String,
    /// A byte string (`Vec<u8>`, `Box<[u8]>`).
    Bytes,
    Unit,
    Option(TypeRef),
    /// A variable-length sequence.
    List(ListKind, TypeRef),
    /// A fixed-length array `[T; N]`.
    Array(usize, TypeRef),
    Set(CollectionKind, TypeRef),
    Map(CollectionKind, TypeRef, TypeRef),
    Tuple(&'static [TypeRef]),
    /// A user struct: Flink's POJO, with named (or positional) fields in declaration order.
    Struct(&'static StructInfo),
    /// A user enum with unit, tuple and struct variants.
    Enum(&'static EnumInfo),
    /// A type the system cannot see into; it is serialized by the generic fallback (serde).
    Generic(GenericInfo),
    /// A value with a meaning beyond its shape (an instant, a date, a UUID, a decimal),
    /// encoded exactly as its representation; schemas that know the meaning (Avro's logical
    /// types) annotate the representation with it.
    Logical(&'static LogicalInfo),
}

/// A [`TypeInfo::Logical`]: what the value means and how it is written.
#[derive(Debug, Clone, Copy)]
pub struct LogicalInfo {
    /// The Rust type, as it prints in a descriptor (`SystemTime`, `chrono::NaiveDate`).
    pub name: &'static str,
    pub kind: LogicalKind,
    /// The shape the codecs write: every format encodes the value as this.
    pub repr: TypeRef,
}

/// What a logical value means. Each kind fixes its representation, named after the Avro
/// logical type of the same meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogicalKind {
    /// Days since 1970-01-01, as `i32` (Avro `date`).
    Date,
    /// Microseconds since midnight, as `i64` (Avro `time-micros`).
    TimeMicros,
    /// An instant: microseconds since 1970-01-01T00:00:00Z, as `i64` (Avro
    /// `timestamp-micros`).
    TimestampMicros,
    /// An instant: nanoseconds since 1970-01-01T00:00:00Z, as `i64` (Avro `timestamp-nanos`).
    TimestampNanos,
    /// A wall-clock date and time without a time zone: nanoseconds since 1970-01-01T00:00,
    /// as `i64` (Avro `local-timestamp-nanos`).
    LocalTimestampNanos,
    /// A UUID: its 16 bytes in RFC 9562 order, as `[u8; 16]` (Avro `uuid` on a `fixed`).
    Uuid,
    /// A decimal number with `scale` digits after the point and at most `precision` digits:
    /// the unscaled integer as big-endian two's-complement bytes (Avro `decimal` on `bytes`).
    Decimal { precision: u32, scale: u32 },
}

impl LogicalKind {
    /// The Avro `logicalType` of this kind.
    pub const fn avro_name(&self) -> &'static str {
        match self {
            LogicalKind::Date => "date",
            LogicalKind::TimeMicros => "time-micros",
            LogicalKind::TimestampMicros => "timestamp-micros",
            LogicalKind::TimestampNanos => "timestamp-nanos",
            LogicalKind::LocalTimestampNanos => "local-timestamp-nanos",
            LogicalKind::Uuid => "uuid",
            LogicalKind::Decimal { .. } => "decimal",
        }
    }
}

/// Which std type a [`TypeInfo::List`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Vec,
    VecDeque,
    BoxedSlice,
}

/// Hash-based, ordered, or kept in insertion order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CollectionKind {
    Hash,
    BTree,
    /// `indexmap`'s `IndexMap` and `IndexSet`.
    Indexed,
}

/// The name of a type, as the user wrote it and as Rust names it in full.
#[derive(Debug, Clone, Copy)]
pub struct TypeName {
    /// The name used in schemas and field expressions (the ident, or its `rename`, or
    /// serde's when schemas can take it).
    pub name: &'static str,
    /// The name serde gives the type (its `rename`, or the ident): what formats that name
    /// types on the wire write (kryo's class names), on their serde and generated paths alike.
    pub wire_name: &'static str,
    /// The serde attribute, as written, that makes serde's derive read the type through
    /// `deserialize_any` (`#[serde(tag = "type")]`, `#[serde(untagged)]`): only a
    /// self-describing format can read it back, so the others refuse it when built.
    pub serde_reads_any: Option<&'static str>,
    /// The module the type was defined in.
    pub module_path: &'static str,
    /// The type's stable name: its module path and its name as written, without generic
    /// arguments (`app::orders::Order`). The derive writes it, so it does not change with
    /// the compiler, as `core::any::type_name`'s text may; config entries are keyed by it.
    pub key: &'static str,
    /// Where the type lives in schemas (`#[typeinfo(namespace = "...")]`); `None` derives it
    /// from the module path.
    pub namespace: Option<&'static str>,
    /// `core::any::type_name` of the type, with its generic arguments.
    pub full: fn() -> &'static str,
    /// Names the type had before (`#[typeinfo(alias = "...")]`), as schemas spell them.
    pub aliases: &'static [&'static str],
}

impl TypeName {
    /// The full Rust path of the type, generics included; unique per type.
    pub fn full_name(&self) -> &'static str {
        (self.full)()
    }
}

/// A struct: named fields, tuple fields, or none (unit struct).
#[derive(Debug, Clone, Copy)]
pub struct StructInfo {
    pub name: TypeName,
    pub style: StructStyle,
    pub fields: &'static [FieldInfo],
}

impl StructInfo {
    /// A tuple struct of one field: transparent, as serde's newtype struct.
    pub fn is_newtype(&self) -> bool {
        self.style.is_newtype(self.fields.len())
    }
}

/// How a struct or variant writes its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructStyle {
    Named,
    Tuple,
    Unit,
}

impl StructStyle {
    /// Whether a struct or variant of this style with `fields` fields is a newtype: one
    /// positional field, which serde and every format treat as transparent.
    pub const fn is_newtype(self, fields: usize) -> bool {
        matches!(self, StructStyle::Tuple) && fields == 1
    }
}

/// One serialized field of a struct or variant (skipped fields are not listed).
#[derive(Debug, Clone, Copy)]
pub struct FieldInfo {
    /// The field's name (its `rename` if given); the position for tuple fields.
    pub name: &'static str,
    /// The name serde gives the field: formats that sort fields ([`crate::Encoder::SORTED_FIELDS`])
    /// order them by it.
    pub wire_name: &'static str,
    pub ty: TypeRef,
    /// The value a reader uses when old data lacks this field, if the type declares one.
    pub default: Option<FieldDefault>,
    /// Names the field had before (`#[typeinfo(alias = "...")]`): a reader of data written
    /// under one of them reads it into this field.
    pub aliases: &'static [&'static str],
}

impl FieldInfo {
    /// The field's descriptor.
    pub fn type_info(&self) -> &'static TypeInfo {
        (self.ty)()
    }
}

/// A field's default (`#[typeinfo(default)]` / `default = "path"`): where it comes from,
/// and the value itself, recorded for formats that print it into schemas.
#[derive(Debug, Clone, Copy)]
pub struct FieldDefault {
    pub source: DefaultSource,
    /// Records the default value's encoding.
    pub value: fn() -> Result<crate::codec::Tape, crate::EncodeError>,
}

/// Where a field's default comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultSource {
    /// `Default::default()` of the field's type.
    DefaultTrait,
    /// A function the user named; the path as written.
    Function(&'static str),
}

/// An enum and its variants, in declaration order (the order gives the variant index).
#[derive(Debug, Clone, Copy)]
pub struct EnumInfo {
    pub name: TypeName,
    pub variants: &'static [VariantInfo],
    /// The variant a reader takes for a variant it does not know (`#[typeinfo(default)]` on
    /// a unit variant of an enum without data: Avro's enum default).
    pub default_variant: Option<u32>,
}

/// One variant of an enum.
#[derive(Debug, Clone, Copy)]
pub struct VariantInfo {
    pub name: &'static str,
    pub style: StructStyle,
    pub fields: &'static [FieldInfo],
}

impl VariantInfo {
    /// A tuple variant of one field (serde's newtype variant).
    pub fn is_newtype(&self) -> bool {
        self.style.is_newtype(self.fields.len())
    }
}

/// A type serialized through serde by the generic fallback.
#[derive(Debug, Clone, Copy)]
pub struct GenericInfo {
    /// `core::any::type_name` of the opaque type.
    pub type_name: fn() -> &'static str,
}

/// Stands for a type serialized by the generic fallback: its descriptor is
/// [`TypeInfo::Generic`]. The derive uses it for `#[typeinfo(generic)]` fields.
pub struct Opaque<T: ?Sized>(core::marker::PhantomData<T>);

impl<T: ?Sized> HasTypeInfo for Opaque<T> {
    const TYPE_INFO: &'static TypeInfo = &TypeInfo::Generic(GenericInfo {
        type_name: core::any::type_name::<T>,
    });
}

impl TypeInfo {
    /// The name of this kind of type as it prints in a descriptor (`u32`, `Vec`, `MyStruct`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            TypeInfo::Bool => "bool",
            TypeInfo::U8 => "u8",
            TypeInfo::U16 => "u16",
            TypeInfo::U32 => "u32",
            TypeInfo::U64 => "u64",
            TypeInfo::U128 => "u128",
            TypeInfo::I8 => "i8",
            TypeInfo::I16 => "i16",
            TypeInfo::I32 => "i32",
            TypeInfo::I64 => "i64",
            TypeInfo::I128 => "i128",
            TypeInfo::F32 => "f32",
            TypeInfo::F64 => "f64",
            TypeInfo::Char => "char",
            TypeInfo::String => "String",
            TypeInfo::Bytes => "Bytes",
            TypeInfo::Unit => "()",
            TypeInfo::Option(_) => "Option",
            TypeInfo::List(ListKind::Vec, _) => "Vec",
            TypeInfo::List(ListKind::VecDeque, _) => "VecDeque",
            TypeInfo::List(ListKind::BoxedSlice, _) => "Box<[_]>",
            TypeInfo::Array(..) => "array",
            TypeInfo::Set(CollectionKind::Hash, _) => "HashSet",
            TypeInfo::Set(CollectionKind::BTree, _) => "BTreeSet",
            TypeInfo::Set(CollectionKind::Indexed, _) => "IndexSet",
            TypeInfo::Map(CollectionKind::Hash, ..) => "HashMap",
            TypeInfo::Map(CollectionKind::BTree, ..) => "BTreeMap",
            TypeInfo::Map(CollectionKind::Indexed, ..) => "IndexMap",
            TypeInfo::Tuple(_) => "tuple",
            TypeInfo::Struct(s) => s.name.name,
            TypeInfo::Enum(e) => e.name.name,
            TypeInfo::Generic(_) => "Generic",
            TypeInfo::Logical(l) => l.name,
        }
    }

    /// Whether this is an enum with at least one variant that carries data: a tagged union,
    /// as opposed to an enum of names.
    pub const fn is_data_enum(&self) -> bool {
        let TypeInfo::Enum(e) = self else {
            return false;
        };
        let mut i = 0;
        while i < e.variants.len() {
            if !e.variants[i].fields.is_empty() {
                return true;
            }
            i += 1;
        }
        false
    }

    /// Whether two descriptors describe the same type. User types compare by their full
    /// Rust name (so recursion ends), everything else by structure.
    pub fn same_type(&self, other: &TypeInfo) -> bool {
        use TypeInfo as T;
        match (self, other) {
            (T::Option(a), T::Option(b)) => a().same_type(b()),
            (T::List(ka, a), T::List(kb, b)) => ka == kb && a().same_type(b()),
            (T::Array(na, a), T::Array(nb, b)) => na == nb && a().same_type(b()),
            (T::Set(ka, a), T::Set(kb, b)) => ka == kb && a().same_type(b()),
            (T::Map(ka, ak, av), T::Map(kb, bk, bv)) => {
                ka == kb && ak().same_type(bk()) && av().same_type(bv())
            }
            (T::Tuple(a), T::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x().same_type(y()))
            }
            (T::Struct(a), T::Struct(b)) => a.name.full_name() == b.name.full_name(),
            (T::Enum(a), T::Enum(b)) => a.name.full_name() == b.name.full_name(),
            (T::Generic(a), T::Generic(b)) => (a.type_name)() == (b.type_name)(),
            (T::Logical(a), T::Logical(b)) => a.kind == b.kind && (a.repr)().same_type((b.repr)()),
            _ => {
                core::mem::discriminant(self) == core::mem::discriminant(other)
                    && !self.is_composite()
            }
        }
    }

    fn is_composite(&self) -> bool {
        matches!(
            self,
            TypeInfo::Option(_)
                | TypeInfo::List(..)
                | TypeInfo::Array(..)
                | TypeInfo::Set(..)
                | TypeInfo::Map(..)
                | TypeInfo::Tuple(_)
                | TypeInfo::Struct(_)
                | TypeInfo::Enum(_)
                | TypeInfo::Generic(_)
                | TypeInfo::Logical(_)
        )
    }
}
