//! Why a value was refused: the answer of every validator and of the
//! place matcher, below both (they share it, and neither depends on the
//! other for it).

use std::fmt;

use crate::problem::ProblemCode;

/// Why a cell's value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Invalid {
    /// The stable problem code.
    pub code: ProblemCode,
    /// What is wrong and what to do.
    pub message: String,
    /// Close allowed values, best first.
    pub suggestions: Vec<String>,
}

impl Invalid {
    pub(crate) fn new(code: ProblemCode, message: String) -> Invalid {
        Invalid {
            code,
            message,
            suggestions: Vec::new(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Invalid {}
