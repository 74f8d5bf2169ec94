//! What goes wrong on a channel: a config that cannot be installed, a container that cannot
//! be written or read.

use core::fmt;
use typeinfo::{DecodeError, EncodeError};
use typeinfo_serializers::ConfigError;

/// Why [`crate::install`] refused a config.
#[derive(Debug, Clone, PartialEq)]
pub enum InstallError {
    /// The config selects no serializer for the type.
    Config(ConfigError),
    /// Another config is already installed for the type: the channel's bytes would change
    /// under containers already in flight.
    Conflict {
        type_name: &'static str,
        installed: String,
        given: String,
    },
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstallError::Config(error) => write!(f, "{error}"),
            InstallError::Conflict {
                type_name,
                installed,
                given,
            } => write!(
                f,
                "`{type_name}` already travels as {installed}; it cannot be installed again as {given} \
                 (install each type once per process, before `timely::execute`)"
            ),
        }
    }
}

impl std::error::Error for InstallError {}

impl From<ConfigError> for InstallError {
    fn from(error: ConfigError) -> Self {
        InstallError::Config(error)
    }
}

/// A container that could not be written or read, with the record type and the format of
/// this process.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerError {
    pub type_name: &'static str,
    pub format: &'static str,
    pub kind: ContainerErrorKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ContainerErrorKind {
    /// The bytes were written under another serializer snapshot than this process reads.
    Fingerprint { expected: u64, found: u64 },
    /// The container's framing is broken: header, lengths, padding.
    Framing(DecodeError),
    /// Record `index` does not decode.
    Record { index: usize, error: DecodeError },
    /// Record `index` cannot be written (the reader would refuse it).
    Encode { index: usize, error: EncodeError },
}

impl fmt::Display for ContainerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (type_name, format) = (self.type_name, self.format);
        match &self.kind {
            ContainerErrorKind::Fingerprint { expected, found } => write!(
                f,
                "a container of `{type_name}` was written by a serializer with snapshot fingerprint \
                 {found:016x}, but this process reads it as {format} (fingerprint {expected:016x}): \
                 every process must install the same config"
            ),
            ContainerErrorKind::Framing(error) => {
                write!(
                    f,
                    "a container of `{type_name}` ({format}) is malformed: {error}"
                )
            }
            ContainerErrorKind::Record { index, error } => write!(
                f,
                "record {index} of a container of `{type_name}` ({format}) does not decode: {error}"
            ),
            ContainerErrorKind::Encode { index, error } => write!(
                f,
                "record {index} of a container of `{type_name}` cannot be written in {format}: {error}"
            ),
        }
    }
}

impl std::error::Error for ContainerError {}
