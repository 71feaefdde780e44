//! The one error type of the library.
//!
//! Every variant carries the data needed to act on it; `Display` is a single line that names the
//! problem, so the CLI can print it as is.

use thiserror::Error;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong on user input or during a computation.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// A formula could not be parsed.
    #[error("parse error at byte {position}: {message}")]
    Parse {
        /// Byte offset into the formula text.
        position: usize,
        /// What was found and what was expected.
        message: String,
    },
    /// A function name that the formula language does not know.
    #[error("unknown function '{name}' at byte {position} (known: {known})")]
    UnknownFunction {
        /// The name as written.
        name: String,
        /// Byte offset of the name.
        position: usize,
        /// The functions of the language, comma separated.
        known: String,
    },
    /// A variable used in a formula is missing from the variable list given by the user.
    #[error("variable '{name}' at byte {position} is not in the variable list [{vars}]")]
    UnknownVariable {
        /// The name as written.
        name: String,
        /// Byte offset of the name.
        position: usize,
        /// The list the user gave, comma separated.
        vars: String,
    },
    /// A vector had the wrong length.
    #[error("dimension mismatch for {what}: expected {expected}, got {got}")]
    DimensionMismatch {
        /// Which argument.
        what: String,
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// A value or derivative is NaN or infinite where a finite number is required.
    #[error("{what} is not finite{}", at_point(at))]
    NonFinite {
        /// Which quantity (e.g. "value", "gradient entry 2").
        what: String,
        /// The point where it happened.
        at: Vec<f64>,
    },
    /// An option or argument outside its valid range.
    #[error("invalid {name}: {message}")]
    InvalidArgument {
        /// The option's name.
        name: String,
        /// What is wrong with it.
        message: String,
    },
    /// An input or a result over one of the size limits of [`crate::limits`].
    #[error("{what} is {size}, over the limit of {limit} (raise it with {raise})")]
    TooLarge {
        /// What was read or would be allocated, e.g. "formula file big.txt".
        what: String,
        /// Its size, e.g. "2.98 GiB" or "more than 64 MiB".
        size: String,
        /// The limit, e.g. "64 MiB".
        limit: String,
        /// How the limit is raised, as the front end names it.
        raise: String,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {message}")]
    Write {
        /// The path as given.
        path: String,
        /// The reason.
        message: String,
    },
    /// A file could not be read or parsed.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path as given.
        path: String,
        /// The reason.
        message: String,
    },
}

/// " at x = [..]" for [`Error::NonFinite`], nothing for a quantity of no point (lstsq's
/// multiplier said "at x = []").
fn at_point(at: &[f64]) -> String {
    if at.is_empty() {
        String::new()
    } else {
        format!(" at x = {at:?}")
    }
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(name: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name: name.into(),
            message: message.into(),
        }
    }

    /// Returns `Err(DimensionMismatch)` unless `got == expected`.
    pub fn check_dim(what: &str, expected: usize, got: usize) -> Result<()> {
        if expected == got {
            Ok(())
        } else {
            Err(Error::DimensionMismatch {
                what: what.to_string(),
                expected,
                got,
            })
        }
    }
}
