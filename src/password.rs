//! Passwords: plain text in the file, a hash in the store.
//!
//! The plain text of a password cell never appears in a report, a message,
//! a warning, the failed-rows file, a preview or a `Debug` print: the
//! importer holds it only until it is hashed, in the batch being imported.

use std::fmt;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

/// Turns a plain password into the string the store keeps, and checks a
/// plain password against it. Implement it to use your app's own scheme.
///
/// Implementations must be thread-safe: the importer hashes a batch's
/// passwords on every core.
///
/// ```
/// use intake::PasswordHasher;
///
/// /// A hasher for tests only: never use it for real passwords.
/// #[derive(Debug)]
/// struct Reverse;
///
/// impl PasswordHasher for Reverse {
///     fn hash(&self, plain: &str) -> Result<String, String> {
///         Ok(plain.chars().rev().collect())
///     }
///     fn verify(&self, plain: &str, hash: &str) -> bool {
///         plain.chars().rev().collect::<String>() == hash
///     }
/// }
/// assert!(Reverse.verify("abc", &Reverse.hash("abc").unwrap()));
/// ```
pub trait PasswordHasher: fmt::Debug + Send + Sync {
    /// Hashes `plain`; the error message must not contain `plain`.
    fn hash(&self, plain: &str) -> Result<String, String>;

    /// Whether `plain` is the password `hash` was made from.
    fn verify(&self, plain: &str, hash: &str) -> bool;
}

/// Argon2id with a random salt, as a PHC string (`$argon2id$v=19$...`).
///
/// [`Argon2Hasher::default`] uses the argon2 crate's defaults (19 MiB,
/// 2 passes, 1 lane: OWASP's recommendation). Lower the cost only for
/// tests.
///
/// ```
/// use intake::{Argon2Hasher, PasswordHasher};
///
/// let hasher = Argon2Hasher::with_cost(64, 1, 1).unwrap(); // cheap: tests only
/// let hash = hasher.hash("correct horse").unwrap();
/// assert!(hash.starts_with("$argon2id$"));
/// assert!(hasher.verify("correct horse", &hash));
/// assert!(!hasher.verify("wrong", &hash));
/// ```
#[derive(Clone, Default)]
pub struct Argon2Hasher {
    params: argon2::Params,
}

impl fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Argon2Hasher")
            .field("memory_kib", &self.params.m_cost())
            .field("passes", &self.params.t_cost())
            .field("lanes", &self.params.p_cost())
            .finish()
    }
}

impl Argon2Hasher {
    /// Argon2id with `memory_kib` KiB of memory, `passes` iterations and
    /// `lanes` parallelism. Fails when the argon2 crate refuses the values
    /// (memory below 8 KiB per lane, zero passes, …).
    pub fn with_cost(memory_kib: u32, passes: u32, lanes: u32) -> Result<Argon2Hasher, String> {
        argon2::Params::new(memory_kib, passes, lanes, None)
            .map(|params| Argon2Hasher { params })
            .map_err(|e| format!("invalid Argon2 cost: {e}"))
    }

    fn argon2(&self) -> argon2::Argon2<'static> {
        argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            self.params.clone(),
        )
    }
}

impl PasswordHasher for Argon2Hasher {
    fn hash(&self, plain: &str) -> Result<String, String> {
        self.argon2()
            .hash_password(plain.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| format!("the password could not be hashed: {e}"))
    }

    fn verify(&self, plain: &str, hash: &str) -> bool {
        self.argon2()
            .verify_password(plain.as_bytes(), hash)
            .is_ok()
    }
}

/// A password as read from a cell: kept only until hashed. Its `Debug`
/// never shows the text.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Plain(pub String);

impl fmt::Debug for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Plain(<redacted>)")
    }
}
