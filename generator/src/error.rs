//! The generator's error type. Problems in the spec always carry the JSON pointer of the offending node.

use std::path::PathBuf;

/// Everything that can stop generation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec is malformed or uses something the generator cannot express.
    #[error("{path}: {pointer}: {message}")]
    Spec {
        path: String,
        pointer: String,
        message: String,
    },
    /// The spec could not be read or the output could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Generated code failed to parse as Rust: a generator bug, reported instead of a panic.
    #[error("internal error while formatting {file}: {message}")]
    Internal { file: String, message: String },
}

/// A spec problem found while lowering, before the spec's file name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub pointer: String,
    pub message: String,
}

impl SpecError {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        SpecError { pointer: pointer.into(), message: message.into() }
    }

    pub fn in_file(self, path: &str) -> Error {
        Error::Spec { path: path.to_string(), pointer: self.pointer, message: self.message }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// One reference token of a JSON pointer as the key it names, unescaping `~1` and `~0` (RFC 6901):
/// the inverse of [`pointer_push`]'s escaping.
pub fn pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
