//! What a Hessian says about a point: eigenvalues, definiteness, condition number, and the
//! classification of a stationary point.
//!
//! ```
//! use hessopt::{Formula, analysis::{HessianAnalysis, Classification}};
//! let f = Formula::parse("x^3 + y^3 - 3*x*y")?;
//! let d = f.hessian(&[0.0, 0.0])?;
//! let a = HessianAnalysis::new(&d.hessian, &d.gradient);
//! assert_eq!(a.classification, Classification::Saddle);
//! # Ok::<(), hessopt::Error>(())
//! ```

pub mod lanczos;

use nalgebra::DMatrix;

use crate::linalg;

/// ‖g‖∞ ≤ `tol` (false when g has NaN), as [`crate::solve::certificate::is_stationary`]
/// without bounds.
fn stationary(gradient: &[f64], tol: f64) -> bool {
    crate::solve::certificate::is_stationary(&[], gradient, None, tol)
}

/// Relative tolerance for treating an eigenvalue as zero: |λ| ≤ `EIGEN_RTOL` · max |λ|.
pub const EIGEN_RTOL: f64 = 1e-9;

/// Tolerance of the stationarity test ‖∇f‖∞ ≤ `GRAD_TOL`: the solvers' default `g_tol`, and the
/// same absolute test ([`crate::solve::certificate::is_stationary`]).
pub const GRAD_TOL: f64 = 1e-8;

/// The sign pattern of a symmetric matrix's eigenvalues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum Definiteness {
    /// All eigenvalues > tol.
    PositiveDefinite,
    /// All eigenvalues < −tol.
    NegativeDefinite,
    /// All eigenvalues ≥ −tol, some within tol of zero.
    PositiveSemidefinite,
    /// All eigenvalues ≤ tol, some within tol of zero, at least one < −tol.
    NegativeSemidefinite,
    /// Eigenvalues > tol and < −tol both present.
    Indefinite,
}

impl Definiteness {
    /// Snake-case name, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Definiteness::PositiveDefinite => "positive_definite",
            Definiteness::NegativeDefinite => "negative_definite",
            Definiteness::PositiveSemidefinite => "positive_semidefinite",
            Definiteness::NegativeSemidefinite => "negative_semidefinite",
            Definiteness::Indefinite => "indefinite",
        }
    }

    /// Classifies eigenvalues with the tolerance `rtol · max |λ|`.
    pub fn from_eigenvalues(eigenvalues: &[f64], rtol: f64) -> Self {
        let scale = eigenvalues.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let tol = rtol * scale;
        let pos = eigenvalues.iter().filter(|&&v| v > tol).count();
        let neg = eigenvalues.iter().filter(|&&v| v < -tol).count();
        let n = eigenvalues.len();
        match (pos, neg) {
            // An empty matrix (every variable held at a bound) is vacuously positive definite.
            (p, 0) if p == n => Definiteness::PositiveDefinite,
            (0, q) if q == n => Definiteness::NegativeDefinite,
            (_, 0) => Definiteness::PositiveSemidefinite,
            (0, _) => Definiteness::NegativeSemidefinite,
            _ => Definiteness::Indefinite,
        }
    }
}

/// What kind of point x is, judged from the gradient and the Hessian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum Classification {
    /// Stationary, Hessian positive definite: a strict local minimum.
    Minimum,
    /// Stationary, Hessian negative definite: a strict local maximum.
    Maximum,
    /// Stationary, eigenvalues of both signs.
    Saddle,
    /// Stationary, a zero eigenvalue and no negative/positive pair: second order cannot decide.
    Degenerate,
    /// The gradient is not zero (see [`GRAD_TOL`]).
    NotStationary,
}

impl Classification {
    /// Snake-case name, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Minimum => "minimum",
            Classification::Maximum => "maximum",
            Classification::Saddle => "saddle",
            Classification::Degenerate => "degenerate",
            Classification::NotStationary => "not_stationary",
        }
    }

    /// One sentence for people.
    pub fn explain(self) -> &'static str {
        match self {
            Classification::Minimum => {
                "local minimum (gradient is zero, Hessian positive definite)"
            }
            Classification::Maximum => {
                "local maximum (gradient is zero, Hessian negative definite)"
            }
            Classification::Saddle => "saddle point (gradient is zero, Hessian indefinite)",
            Classification::Degenerate => {
                "degenerate stationary point (gradient is zero, Hessian singular: second order cannot decide)"
            }
            Classification::NotStationary => "not a stationary point (gradient is not zero)",
        }
    }
}

/// Eigenvalues, definiteness, conditioning and classification of a Hessian at a point.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct HessianAnalysis {
    /// Eigenvalues in ascending order.
    pub eigenvalues: Vec<f64>,
    /// Sign pattern with tolerance [`EIGEN_RTOL`] · max |λ|.
    pub definiteness: Definiteness,
    /// max |λ| / min |λ|; infinite when singular.
    pub condition_number: f64,
    /// Whether the gradient vanishes (see [`GRAD_TOL`]).
    pub stationary: bool,
    /// The verdict.
    pub classification: Classification,
}

impl HessianAnalysis {
    /// Analyses `hessian` with the default tolerances; `gradient` decides stationarity
    /// (‖∇f‖∞ ≤ [`GRAD_TOL`]).
    pub fn new(hessian: &DMatrix<f64>, gradient: &[f64]) -> Self {
        Self::with_tolerances(hessian, stationary(gradient, GRAD_TOL), EIGEN_RTOL)
    }

    /// [`HessianAnalysis::new`] for a Hessian known only to within `error_norm` (the Frobenius
    /// norm of its error, e.g. a numerical estimate's): an eigenvalue that close to zero counts as
    /// zero. `stationary` is the verdict of the first-order test at the point.
    pub fn with_error(hessian: &DMatrix<f64>, stationary: bool, error_norm: f64) -> Self {
        let scale = hessian.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let eigen_rtol = if scale > 0.0 {
            EIGEN_RTOL.max(error_norm / scale)
        } else {
            EIGEN_RTOL
        };
        Self::with_tolerances(hessian, stationary, eigen_rtol)
    }

    /// Analyses with an explicit relative tolerance for zero eigenvalues (use a larger
    /// `eigen_rtol` for a Hessian with an estimated error) and the first-order verdict.
    pub fn with_tolerances(hessian: &DMatrix<f64>, stationary: bool, eigen_rtol: f64) -> Self {
        let (eigenvalues, _) = linalg::symmetric_eigen(hessian);
        let definiteness = Definiteness::from_eigenvalues(&eigenvalues, eigen_rtol);
        let max_abs = eigenvalues.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let min_abs = eigenvalues
            .iter()
            .fold(f64::INFINITY, |m, v| m.min(v.abs()));
        let condition_number = if eigenvalues.is_empty() {
            1.0
        } else if min_abs == 0.0 {
            f64::INFINITY
        } else {
            max_abs / min_abs
        };
        let classification = if !stationary {
            Classification::NotStationary
        } else {
            match definiteness {
                Definiteness::PositiveDefinite => Classification::Minimum,
                Definiteness::NegativeDefinite => Classification::Maximum,
                Definiteness::Indefinite => Classification::Saddle,
                _ => Classification::Degenerate,
            }
        };
        HessianAnalysis {
            eigenvalues,
            definiteness,
            condition_number,
            stationary,
            classification,
        }
    }
}

/// The analysis of a numerical Hessian in one call: the zero-eigenvalue tolerance from the
/// estimate's error ([`HessianAnalysis::with_error`]) and the stationarity test on its gradient.
///
/// ```
/// use hessopt::{analysis::{Classification, HessianAnalysis}, diff};
/// let f = |x: &[f64]| x[0].powi(2) - x[1].powi(2);
/// let estimate = diff::hessian(&f, &[0.0, 0.0])?;
/// let a = HessianAnalysis::from(&estimate);
/// assert_eq!(a.classification, Classification::Saddle);
/// # Ok::<(), hessopt::Error>(())
/// ```
impl From<&crate::diff::HessianEstimate> for HessianAnalysis {
    fn from(e: &crate::diff::HessianEstimate) -> Self {
        Self::with_error(
            &e.hessian,
            stationary(&e.gradient, GRAD_TOL),
            e.error.norm(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definiteness_patterns() {
        use Definiteness::*;
        assert_eq!(
            Definiteness::from_eigenvalues(&[1.0, 2.0], 1e-9),
            PositiveDefinite
        );
        assert_eq!(
            Definiteness::from_eigenvalues(&[-1.0, -2.0], 1e-9),
            NegativeDefinite
        );
        assert_eq!(
            Definiteness::from_eigenvalues(&[1e-12, 2.0], 1e-9),
            PositiveSemidefinite
        );
        assert_eq!(
            Definiteness::from_eigenvalues(&[-2.0, 0.0], 1e-9),
            NegativeSemidefinite
        );
        assert_eq!(
            Definiteness::from_eigenvalues(&[-1.0, 1.0], 1e-9),
            Indefinite
        );
        assert_eq!(
            Definiteness::from_eigenvalues(&[0.0, 0.0], 1e-9),
            PositiveSemidefinite
        );
    }

    #[test]
    fn rosenbrock_minimum() {
        let h = DMatrix::from_row_slice(2, 2, &[802.0, -400.0, -400.0, 200.0]);
        let a = HessianAnalysis::new(&h, &[0.0, 0.0]);
        assert_eq!(a.classification, Classification::Minimum);
        assert!((a.eigenvalues[0] - 0.399_360_767_487_8).abs() < 1e-9);
        assert!((a.condition_number - 2_508.009_6).abs() < 1e-3);
        let b = HessianAnalysis::new(&h, &[1e-3, 0.0]);
        assert_eq!(b.classification, Classification::NotStationary);
        let z = DMatrix::zeros(1, 1);
        assert_eq!(
            HessianAnalysis::new(&z, &[0.0]).classification,
            Classification::Degenerate
        );
    }
}
