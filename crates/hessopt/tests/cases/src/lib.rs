//! Reference cases with provenance, read from the project's shared folder (`../shared` beside the
//! repository, or `$HESSOPT_SHARED`): exact derivatives computed with sympy at 40 digits, and
//! minimization problems with known minima (Moré, Garbow & Hillstrom 1981).
//!
//! A fresh clone has no shared folder: [`shared_file`] then returns `Ok(None)` (the test skips
//! what needs it), unless `HESSOPT_REQUIRE_SHARED=1` is set (as CI does), in which case a missing
//! file is an error. The build script says so in one warning line at every build, naming the
//! tests that skip (listed in `skipping_tests.txt`, as in the README).
//!
//! Test plumbing, not the library's API: a dev-dependency of `hessopt` (tests, examples) and of
//! `hessopt-cli` (tests), never published.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Errors are one line naming the file.
pub type Result<T> = std::result::Result<T, String>;

/// One line of `cases/derivatives.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct DerivativeCase {
    /// Case name.
    pub name: String,
    /// Formula in hessopt syntax.
    pub expr: String,
    /// Variable order.
    pub vars: Vec<String>,
    /// The point.
    pub at: Vec<f64>,
    /// Exact value.
    pub f: f64,
    /// Exact gradient.
    pub grad: Vec<f64>,
    /// Exact Hessian, row by row.
    pub hess: Vec<Vec<f64>>,
}

/// One line of `cases/minimize.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct MinimizeCase {
    /// Problem name.
    pub name: String,
    /// Formula in hessopt syntax.
    pub expr: String,
    /// Variable order.
    pub vars: Vec<String>,
    /// Standard start.
    pub x0: Vec<f64>,
    /// Known minimum value.
    pub fstar: f64,
    /// Minimizer, where unique.
    pub xstar: Option<Vec<f64>>,
    /// Value at the start.
    pub f0: f64,
}

impl MinimizeCase {
    /// The suite's criterion: solved when f − f* ≤ 1e-8 · (f0 − f*).
    pub fn solved(&self, f: f64) -> bool {
        f - self.fstar <= 1e-8 * (self.f0 - self.fstar)
    }
}

/// True when `HESSOPT_REQUIRE_SHARED=1`.
pub fn shared_required() -> bool {
    std::env::var("HESSOPT_REQUIRE_SHARED").is_ok_and(|v| v == "1")
}

/// Finds `relative` (e.g. `cases/derivatives.jsonl`) in `$HESSOPT_SHARED`, or in a `shared`
/// folder beside the current directory or any of its ancestors.
pub fn shared_file(relative: &str) -> Result<Option<PathBuf>> {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Ok(dir) = std::env::var("HESSOPT_SHARED") {
        roots.push(PathBuf::from(dir));
    }
    if let Ok(cwd) = std::env::current_dir() {
        roots.extend(cwd.ancestors().map(|a| a.join("shared")));
    }
    if let Some(found) = roots.iter().map(|r| r.join(relative)).find(|p| p.is_file()) {
        return Ok(Some(found));
    }
    if shared_required() {
        return Err(format!(
            "cannot read shared/{relative}: not found and HESSOPT_REQUIRE_SHARED=1"
        ));
    }
    eprintln!("skipping: shared/{relative} not found (set HESSOPT_SHARED to its folder)");
    Ok(None)
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>> {
    let io = |message: String| format!("cannot read {}: {message}", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| io(e.to_string()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| io(format!("line {}: {e}", i + 1))))
        .collect()
}

/// The derivative cases, or `None` when the shared folder is absent (see [`shared_file`]).
pub fn derivative_cases() -> Result<Option<Vec<DerivativeCase>>> {
    shared_file("cases/derivatives.jsonl")?
        .map(|p| read_jsonl(&p))
        .transpose()
}

/// The minimization cases, or `None` when the shared folder is absent.
pub fn minimize_cases() -> Result<Option<Vec<MinimizeCase>>> {
    shared_file("cases/minimize.jsonl")?
        .map(|p| read_jsonl(&p))
        .transpose()
}
