//! Test problems with known minima, for the solver suite, benchmarks and `hessopt bench`.
//!
//! ```
//! let problems = hessopt::problems::mgh();
//! assert_eq!(problems.len(), 35);
//! let rosenbrock = &problems[0];
//! let f = rosenbrock.objective()?;
//! assert!((f.value(&rosenbrock.x0)? - 24.2).abs() < 1e-12);
//! # Ok::<(), hessopt::Error>(())
//! ```

pub mod bench;
mod mgh;

use crate::error::Result;
use crate::expr::{Formula, FormulaSet};

/// A least-squares test problem: f(x) = Σ rᵢ(x)², with a standard start and the known minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct TestProblem {
    /// Name (snake case).
    pub name: String,
    /// Number of variables x1 … xn.
    pub n: usize,
    /// The residuals rᵢ as formulas in x1 … xn.
    pub residuals: Vec<String>,
    /// Standard starting point.
    pub x0: Vec<f64>,
    /// Known minimum value.
    pub fstar: f64,
    /// Minimizer, where unique and known.
    pub xstar: Option<Vec<f64>>,
    /// Values of other (local) minima the paper reports, which a local method may reach.
    pub other_minima: Vec<f64>,
}

impl TestProblem {
    /// The variable names x1 … xn.
    pub fn vars(&self) -> Vec<String> {
        (1..=self.n).map(|j| format!("x{j}")).collect()
    }

    fn var_refs(names: &[String]) -> Vec<&str> {
        names.iter().map(String::as_str).collect()
    }

    /// f = Σ rᵢ² as one formula (exact derivatives through the tape).
    pub fn objective(&self) -> Result<Formula> {
        let text: Vec<String> = self.residuals.iter().map(|r| format!("({r})^2")).collect();
        let names = self.vars();
        Formula::parse_with_vars(&text.join(" + "), &Self::var_refs(&names))
    }

    /// The residual vector as formulas (for least-squares solvers and root finders).
    pub fn residual_set(&self) -> Result<FormulaSet> {
        let names = self.vars();
        FormulaSet::parse_with_vars(&self.residuals.join("; "), &Self::var_refs(&names))
    }

    /// The suite's criterion: solved when f − f* ≤ 1e-8 · (f(x0) − f*), or when f is that close
    /// to one of the other minima the paper reports (a local method may end at any minimum).
    pub fn solved(&self, f: f64, f0: f64) -> bool {
        f - self.fstar <= 1e-8 * (f0 - self.fstar)
            || self
                .other_minima
                .iter()
                .any(|&m| (f - m).abs() <= 1e-8 * (f0 - m))
    }
}

/// The 35 Moré–Garbow–Hillstrom problems (see [`mgh`](self) source for sizes and provenance).
pub fn mgh() -> Vec<TestProblem> {
    mgh::all()
}

/// A dense symmetric operator with a spectrum known in closed form, for testing eigenvalue
/// methods at scale: H = Q Λ Qᵀ with Q = I − 2wwᵀ/wᵀw a Householder reflection (dense, yet H·v
/// costs O(n)) and Λ = diag(λ) with λ_i = i/n, except λ_0 = −1 and the top three 2, 3, 5.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownSpectrum {
    /// The eigenvalues λ (unsorted, as placed on the diagonal).
    pub eigenvalues: Vec<f64>,
    w: Vec<f64>,
    ww: f64,
}

impl KnownSpectrum {
    /// The operator of size n ≥ 4.
    pub fn new(n: usize) -> Self {
        let mut eigenvalues: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
        eigenvalues[0] = -1.0;
        eigenvalues[n - 3] = 2.0;
        eigenvalues[n - 2] = 3.0;
        eigenvalues[n - 1] = 5.0;
        let w: Vec<f64> = (0..n)
            .map(|i| ((i * 7919) % 1000) as f64 / 1000.0 - 0.5)
            .collect();
        let ww = w.iter().map(|a| a * a).sum();
        KnownSpectrum { eigenvalues, w, ww }
    }

    fn reflect(&self, v: &mut [f64]) {
        let c = 2.0 * self.w.iter().zip(v.iter()).map(|(a, b)| a * b).sum::<f64>() / self.ww;
        for (vi, wi) in v.iter_mut().zip(&self.w) {
            *vi -= c * wi;
        }
    }

    /// out = H v.
    pub fn apply(&self, v: &[f64], out: &mut [f64]) {
        out.copy_from_slice(v);
        self.reflect(out);
        for (o, l) in out.iter_mut().zip(&self.eigenvalues) {
            *o *= l;
        }
        self.reflect(out);
    }
}
