//! Why a config is refused: every error names the key, the value and what is allowed.

use std::fmt;
use typeinfo::info::GenericField;

/// Why a config is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    Io { path: String, message: String },
    /// The TOML is malformed, or has an unknown key or value (the message names it, where it
    /// is, and what is allowed).
    Parse { message: String },
    /// A key holds a value that is not allowed.
    Invalid {
        key: String,
        value: String,
        allowed: String,
    },
    /// `generic_types = "deny"` and the type holds generic fields.
    GenericTypeDenied {
        type_name: String,
        fields: Vec<GenericField>,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io { path, message } => write!(f, "cannot read config {path}: {message}"),
            ConfigError::Parse { message } => write!(f, "bad config: {}", message.trim_end()),
            ConfigError::Invalid {
                key,
                value,
                allowed,
            } => {
                write!(
                    f,
                    "bad config: `{key}` = {value} is not allowed; allowed: {allowed}"
                )
            }
            ConfigError::GenericTypeDenied { type_name, fields } => {
                write!(
                    f,
                    "generic types are denied (generic_types = \"deny\"), but `{type_name}` has generic fields: "
                )?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{}` ({})", field.display_path(), field.type_name)?;
                }
                f.write_str("; give those fields a type with a TypeInfo or a `with` codec, register a factory for their types ([types.\"…\"] factory = …), or set generic_types = \"warn\" or \"allow\"")
            }
        }
    }
}

impl std::error::Error for ConfigError {}
