//! Size limits on what hessopt reads and allocates, so that hostile input (`@/dev/zero`, a dense
//! Hessian of 20 000 variables) ends in one clear error instead of exhausting memory.
//!
//! The limits are process-wide: a front end sets them once (the CLI from `--max-formula-mb`,
//! `--max-table-mb`, `--max-dense-mb`) together with the name of its own setting, which the error
//! message then tells the user to raise.
//!
//! ```
//! use hessopt::limits::{self, Limit};
//! assert_eq!(limits::get(Limit::FormulaFile), 64 << 20);
//! let e = limits::check_dense(20_000, 20_000, "Hessian").unwrap_err();
//! assert!(e.to_string().starts_with("a dense 20000 × 20000 Hessian is 2.98 GiB, over the limit of 1 GiB"));
//! ```

use std::sync::RwLock;

use crate::error::{Error, Result};

/// The limits, each in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// A formula read from a file (default 64 MiB).
    FormulaFile,
    /// A data table (CSV) read from a file (default 4 GiB).
    TableFile,
    /// One dense matrix the library would allocate: an n × n Hessian, a Jacobian (default 1 GiB).
    DenseMatrix,
}

impl Limit {
    fn index(self) -> usize {
        match self {
            Limit::FormulaFile => 0,
            Limit::TableFile => 1,
            Limit::DenseMatrix => 2,
        }
    }
}

struct Setting {
    bytes: u64,
    raise: &'static str,
}

static LIMITS: RwLock<[Setting; 3]> = RwLock::new([
    Setting {
        bytes: 64 << 20,
        raise: "hessopt::limits::set(Limit::FormulaFile, ..)",
    },
    Setting {
        bytes: 4 << 30,
        raise: "hessopt::limits::set(Limit::TableFile, ..)",
    },
    Setting {
        bytes: 1 << 30,
        raise: "hessopt::limits::set(Limit::DenseMatrix, ..)",
    },
]);

/// The current limit in bytes.
pub fn get(limit: Limit) -> u64 {
    let s = LIMITS.read().unwrap_or_else(|e| e.into_inner());
    s[limit.index()].bytes
}

/// Sets a limit; `raise` names the setting in the front end's words (e.g. "--max-dense-mb") for
/// the error message.
pub fn set(limit: Limit, bytes: u64, raise: &'static str) {
    let mut s = LIMITS.write().unwrap_or_else(|e| e.into_inner());
    s[limit.index()] = Setting { bytes, raise };
}

/// The error for `what` of `size` over `limit`.
pub(crate) fn exceeded(limit: Limit, what: String, size: String) -> Error {
    let s = LIMITS.read().unwrap_or_else(|e| e.into_inner());
    let setting = &s[limit.index()];
    Error::TooLarge {
        what,
        size,
        limit: bytes_text(setting.bytes as f64),
        raise: setting.raise.to_string(),
    }
}

/// Refuses a dense `rows × cols` matrix of f64 (`what`, e.g. "Hessian") over
/// [`Limit::DenseMatrix`].
pub fn check_dense(rows: usize, cols: usize, what: &str) -> Result<()> {
    let bytes = rows as f64 * cols as f64 * 8.0;
    if bytes <= get(Limit::DenseMatrix) as f64 {
        return Ok(());
    }
    Err(exceeded(
        Limit::DenseMatrix,
        format!("a dense {rows} × {cols} {what}"),
        bytes_text(bytes),
    ))
}

/// Refuses `what`, which evaluates f at `points` points of `n` entries each, when those points
/// together are over [`Limit::DenseMatrix`], as a dense matrix of as many entries would be: a
/// numerical gradient of n variables is at least 2n points of n entries, O(n²) work like a
/// dense n × n matrix (at n = 10⁵, 149 GiB of points and hours of evaluations of a formula).
///
/// ```
/// use hessopt::limits::check_points;
/// assert!(check_points(2 * 8000, 8000, "a numerical gradient").is_ok());
/// let e = check_points(200_000, 100_000, "a numerical gradient of 100000 variables").unwrap_err();
/// assert!(e.to_string().contains("is 149.01 GiB, over the limit of 1 GiB"));
/// ```
pub fn check_points(points: usize, n: usize, what: &str) -> Result<()> {
    let bytes = points as f64 * n as f64 * 8.0;
    if bytes <= get(Limit::DenseMatrix) as f64 {
        return Ok(());
    }
    Err(exceeded(
        Limit::DenseMatrix,
        format!(
            "the points of {what} ({points} points of {n} entries: O(n²) work, where exact derivatives cost O(n))"
        ),
        bytes_text(bytes),
    ))
}

/// Bytes for people, in binary units (KiB, MiB, GiB, …) with up to two decimals.
pub fn bytes_text(bytes: f64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = bytes;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        return format!("{v} bytes");
    }
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s} {}", units[u])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_for_people() {
        assert_eq!(bytes_text(12.0), "12 bytes");
        assert_eq!(bytes_text(3.2e9), "2.98 GiB");
        assert_eq!(bytes_text((64u64 << 20) as f64), "64 MiB");
        assert!(check_dense(100, 100, "Hessian").is_ok());
    }
}
