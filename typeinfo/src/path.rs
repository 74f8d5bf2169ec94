//! Field expressions: `"device.os"`, `"events[*].name"`, `"location.0"`.
//!
//! Flink selects keys with expressions such as `keyBy("username")`. Here an expression is
//! resolved once against a [`TypeInfo`] into a [`FieldPath`]: a list of [`Step`]s that the
//! generated [`Encode::encode_path`](crate::codec::Encode::encode_path) follows on each value,
//! and the descriptor of what it selects, so that a typed key can be checked before the
//! first record arrives.
//!
//! Grammar: segments separated by `.`; a segment is a field name or a tuple position,
//! optionally followed by `[*]` (every element of a list, set or array, every value of a
//! map). `Option`s are stepped through: a `None` selects nothing.

use crate::info::{StructStyle, TypeInfo};
use core::fmt;

/// One step of a resolved path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The serialized field (or tuple element) at this index.
    Field(usize),
    /// Every element of a collection.
    Each,
}

/// A resolved field expression.
#[derive(Debug, Clone)]
pub struct FieldPath {
    expression: String,
    steps: Vec<Step>,
    target: &'static TypeInfo,
    many: bool,
}

impl FieldPath {
    /// The expression as written.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The steps that [`Encode::encode_path`](crate::codec::Encode::encode_path) follows.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The descriptor of the selected value.
    pub fn target(&self) -> &'static TypeInfo {
        self.target
    }

    /// Whether the path can select other than exactly one value (it passes a `[*]` or an
    /// `Option`).
    pub fn selects_many(&self) -> bool {
        self.many
    }
}

/// Why an expression does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathError {
    /// The expression is not well formed.
    Syntax {
        expression: String,
        position: usize,
        reason: &'static str,
    },
    /// No field of that name (or position) at that point.
    UnknownField {
        at: String,
        field: String,
        type_name: &'static str,
        available: Vec<&'static str>,
    },
    /// A field was selected inside a type that has none.
    NoFields { at: String, type_name: &'static str },
    /// A field was selected on a collection rather than on its elements.
    FieldOfCollection {
        at: String,
        field: String,
        type_name: &'static str,
    },
    /// A field was selected inside an enum, whose variants a path cannot choose between.
    FieldOfEnum {
        at: String,
        field: String,
        type_name: &'static str,
    },
    /// `[*]` was applied to a type that is not a collection.
    NotACollection { at: String, type_name: &'static str },
    /// The selected key holds a collection whose order two equal values need not share
    /// (`HashMap`, `HashSet`, `IndexMap`, `IndexSet`), so equal keys could give different
    /// bytes.
    UnorderedKey {
        expression: String,
        collection: &'static str,
    },
    /// The selected type is not the type the caller asked for.
    TypeMismatch {
        expression: String,
        expected: String,
        found: String,
    },
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = |at: &str| {
            if at.is_empty() {
                "the root".to_owned()
            } else {
                format!("`{at}`")
            }
        };
        match self {
            PathError::Syntax {
                expression,
                position,
                reason,
            } => {
                write!(
                    f,
                    "bad field expression `{expression}` at byte {position}: {reason}"
                )
            }
            PathError::UnknownField {
                at,
                field,
                type_name,
                available,
            } => write!(
                f,
                "no field `{field}` in `{type_name}` at {}; its fields are: {}",
                place(at),
                if available.is_empty() {
                    "(none)".to_owned()
                } else {
                    available.join(", ")
                }
            ),
            PathError::NoFields { at, type_name } => {
                write!(f, "`{type_name}` at {} has no fields to select", place(at))
            }
            PathError::FieldOfCollection {
                at,
                field,
                type_name,
            } => write!(
                f,
                "{} is a {type_name}: select `{field}` in each element with `{at}[*].{field}`",
                place(at)
            ),
            PathError::FieldOfEnum {
                at,
                field,
                type_name,
            } => write!(
                f,
                "{} is the enum `{type_name}`, and a field expression cannot choose one of its \
                 variants, so `{field}` cannot be selected; select {} itself",
                place(at),
                place(at)
            ),
            PathError::NotACollection { at, type_name } => write!(
                f,
                "`[*]` needs a list, set, array or map, but {} is `{type_name}`",
                place(at)
            ),
            PathError::UnorderedKey {
                expression,
                collection,
            } => write!(
                f,
                "`{expression}` selects a key that holds a {collection}, whose order two equal \
                 values need not share, so equal keys could give different bytes and reach \
                 different subtasks; key by a field without it, or hold a BTreeMap or BTreeSet \
                 there"
            ),
            PathError::TypeMismatch {
                expression,
                expected,
                found,
            } => write!(
                f,
                "`{expression}` selects a value of type {found}, not the requested {expected}"
            ),
        }
    }
}

impl std::error::Error for PathError {}

enum Token<'a> {
    Name(&'a str),
    Each(usize),
}

fn tokenize(expression: &str) -> Result<Vec<Token<'_>>, PathError> {
    let syntax = |position, reason| PathError::Syntax {
        expression: expression.to_owned(),
        position,
        reason,
    };
    let mut tokens = Vec::new();
    let bytes = expression.as_bytes();
    let mut i = 0;
    let mut expect_name = true;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => {
                if !expression[i..].starts_with("[*]") {
                    return Err(syntax(i, "only `[*]` may follow a field"));
                }
                tokens.push(Token::Each(i));
                i += 3;
                expect_name = false;
            }
            b'.' => {
                if expect_name {
                    return Err(syntax(i, "expected a field name before `.`"));
                }
                i += 1;
                expect_name = true;
                if i == bytes.len() {
                    return Err(syntax(i, "expected a field name after `.`"));
                }
            }
            _ => {
                if !expect_name {
                    return Err(syntax(i, "expected `.` or `[*]` between fields"));
                }
                let start = i;
                while i < bytes.len() && !matches!(bytes[i], b'.' | b'[') {
                    i += 1;
                }
                let name = &expression[start..i];
                if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    return Err(syntax(
                        start,
                        "field names hold letters, digits and `_` only",
                    ));
                }
                tokens.push(Token::Name(name));
                expect_name = false;
            }
        }
    }
    if tokens.is_empty() {
        return Err(syntax(0, "the expression is empty"));
    }
    Ok(tokens)
}

impl TypeInfo {
    /// Resolves a field expression against this type.
    pub fn resolve(&'static self, expression: &str) -> Result<FieldPath, PathError> {
        let mut current = self;
        let mut steps = Vec::new();
        let mut many = false;
        let mut at = String::new();
        for token in tokenize(expression)? {
            // Step through options: `None` selects nothing.
            while let TypeInfo::Option(inner) = current {
                current = inner();
                many = true;
            }
            match token {
                Token::Each(position) => {
                    current = match current {
                        TypeInfo::List(_, t)
                        | TypeInfo::Set(_, t)
                        | TypeInfo::Array(_, t)
                        | TypeInfo::Map(_, _, t) => t(),
                        TypeInfo::Bytes => &TypeInfo::U8,
                        other => {
                            return Err(PathError::NotACollection {
                                at,
                                type_name: other.kind_name(),
                            });
                        }
                    };
                    steps.push(Step::Each);
                    many = true;
                    at.push_str(&expression[position..position + 3]);
                }
                Token::Name(name) => {
                    let (index, ty) = select_field(current, name, &at)?;
                    steps.push(Step::Field(index));
                    current = ty;
                    if !at.is_empty() {
                        at.push('.');
                    }
                    at.push_str(name);
                }
            }
        }
        Ok(FieldPath {
            expression: expression.to_owned(),
            steps,
            target: current,
            many,
        })
    }
}

fn select_field(
    ty: &'static TypeInfo,
    name: &str,
    at: &str,
) -> Result<(usize, &'static TypeInfo), PathError> {
    match ty {
        TypeInfo::Struct(s) if s.style != StructStyle::Unit => {
            let found = s.fields.iter().position(|f| f.name == name);
            found
                .map(|i| (i, s.fields[i].type_info()))
                .ok_or_else(|| PathError::UnknownField {
                    at: at.to_owned(),
                    field: name.to_owned(),
                    type_name: s.name.name,
                    available: s.fields.iter().map(|f| f.name).collect(),
                })
        }
        TypeInfo::Tuple(items) => {
            let found = name.parse::<usize>().ok().filter(|&i| i < items.len());
            found
                .map(|i| (i, items[i]()))
                .ok_or_else(|| PathError::UnknownField {
                    at: at.to_owned(),
                    field: name.to_owned(),
                    type_name: "tuple",
                    available: TUPLE_POSITIONS[..items.len().min(TUPLE_POSITIONS.len())].to_vec(),
                })
        }
        TypeInfo::List(..) | TypeInfo::Set(..) | TypeInfo::Array(..) | TypeInfo::Map(..) => {
            Err(PathError::FieldOfCollection {
                at: at.to_owned(),
                field: name.to_owned(),
                type_name: ty.kind_name(),
            })
        }
        TypeInfo::Enum(e) => Err(PathError::FieldOfEnum {
            at: at.to_owned(),
            field: name.to_owned(),
            type_name: e.name.name,
        }),
        other => Err(PathError::NoFields {
            at: at.to_owned(),
            type_name: other.kind_name(),
        }),
    }
}

const TUPLE_POSITIONS: [&str; 12] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"];
