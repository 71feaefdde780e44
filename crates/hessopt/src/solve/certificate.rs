//! The checks behind `converged`: one stationarity rule and one curvature rule, used by the
//! driver at the point a run returns, by [`crate::solve::curvature_at`] (so `minimize --hessian`
//! never contradicts the solver) and by the other families for their own certificates.
//!
//! - **First order**: the projected gradient ‖P(x − ∇f) − x‖∞ (‖∇f‖∞ without bounds; P the
//!   projection on the box) is at most `g_tol` — an absolute test, as scipy's `gtol`, so that
//!   adding a constant to f (a log-likelihood's normalising terms) changes nothing.
//! - **Second order** (where curvature is at hand): on the free variables (those not held at a
//!   bound, see [`free_variables`]) the Hessian has no eigenvalue below −tol·max|λ|, tol =
//!   [`crate::analysis::EIGEN_RTOL`] for an exact Hessian and [`NUMERICAL_EIGEN_RTOL`] for a
//!   numerical one; otherwise the point is a [`Termination::Saddle`] (eigenvalues of both signs)
//!   or a [`Termination::Maximum`].

use nalgebra::DMatrix;

use super::termination::Termination;
use crate::analysis::{Definiteness, EIGEN_RTOL};
use crate::linalg;

/// Relative tolerance on eigenvalues of a numerical Hessian (a central-difference Hessian is
/// accurate to about this fraction of its largest entry).
pub const NUMERICAL_EIGEN_RTOL: f64 = 1e-6;

/// ‖P(x − g) − x‖∞ with bounds, ‖g‖∞ without: the first-order measure.
pub fn projected_gradient_norm(x: &[f64], g: &[f64], bounds: Option<(&[f64], &[f64])>) -> f64 {
    match bounds {
        None => g.iter().fold(0.0f64, |m, v| m.max(v.abs())),
        Some((lo, hi)) => (0..x.len())
            .map(|i| ((x[i] - g[i]).clamp(lo[i], hi[i]) - x[i]).abs())
            .fold(0.0f64, f64::max),
    }
}

/// The first-order certificate: [`projected_gradient_norm`] ≤ `g_tol` (false when g has NaN).
pub fn is_stationary(x: &[f64], g: &[f64], bounds: Option<(&[f64], &[f64])>, g_tol: f64) -> bool {
    g.iter().all(|v| v.is_finite()) && projected_gradient_norm(x, g, bounds) <= g_tol
}

/// Variables not held at a bound. A variable is held when it sits on a bound, or within 1e-6
/// relative of it with the gradient pushing outwards (a bound optimum found by a method that
/// stops just inside).
pub fn free_variables(x: &[f64], g: &[f64], bounds: Option<(&[f64], &[f64])>) -> Vec<bool> {
    match bounds {
        None => vec![true; x.len()],
        Some((lo, hi)) => (0..x.len())
            .map(|i| {
                let scale = x[i].abs().max(1.0);
                let at_lo = (x[i] - lo[i]).abs() <= 1e-10 * scale
                    || ((x[i] - lo[i]) <= 1e-6 * scale && g[i] > 0.0);
                let at_hi = (hi[i] - x[i]).abs() <= 1e-10 * scale
                    || ((hi[i] - x[i]) <= 1e-6 * scale && g[i] < 0.0);
                !(at_lo || at_hi)
            })
            .collect(),
    }
}

/// Negative curvature found by [`negative_curvature`].
#[derive(Debug, Clone, PartialEq)]
pub struct NegativeCurvature {
    /// [`Termination::Saddle`] or [`Termination::Maximum`].
    pub kind: Termination,
    /// The most negative eigenvalue.
    pub eigenvalue: f64,
    /// Its unit eigenvector in the full space (zero on variables held at a bound).
    pub direction: Vec<f64>,
}

/// The second-order check on the free variables of `h`: `None` when no eigenvalue is below
/// −`rtol`·max|λ| (a minimum as far as second order can tell), else what kind of point it is and
/// the direction of most negative curvature.
pub fn negative_curvature(h: &DMatrix<f64>, free: &[bool], rtol: f64) -> Option<NegativeCurvature> {
    let idx: Vec<usize> = (0..free.len()).filter(|&i| free[i]).collect();
    let reduced = DMatrix::from_fn(idx.len(), idx.len(), |a, b| h[(idx[a], idx[b])]);
    let (values, vectors) = linalg::symmetric_eigen(&reduced);
    let kind = match Definiteness::from_eigenvalues(&values, rtol.max(EIGEN_RTOL)) {
        Definiteness::Indefinite => Termination::Saddle,
        Definiteness::NegativeDefinite | Definiteness::NegativeSemidefinite => Termination::Maximum,
        Definiteness::PositiveDefinite | Definiteness::PositiveSemidefinite => return None,
    };
    let mut direction = vec![0.0; free.len()];
    for (a, &i) in idx.iter().enumerate() {
        direction[i] = vectors[(a, 0)];
    }
    Some(NegativeCurvature {
        kind,
        eigenvalue: values[0],
        direction,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saddle_maximum_and_minimum() {
        let free = [true, true];
        let saddle = negative_curvature(
            &DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, -2.0]),
            &free,
            EIGEN_RTOL,
        )
        .unwrap();
        assert_eq!(saddle.kind, Termination::Saddle);
        assert!((saddle.direction[1].abs() - 1.0).abs() < 1e-12 && saddle.direction[0] == 0.0);
        let max = negative_curvature(&DMatrix::from_element(1, 1, -2.0), &[true], EIGEN_RTOL);
        assert_eq!(max.unwrap().kind, Termination::Maximum);
        let min = DMatrix::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 2.0]);
        assert!(negative_curvature(&min, &free, EIGEN_RTOL).is_none());
        // Negative curvature only along a variable held at its bound does not count.
        let held = DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, -2.0]);
        assert!(negative_curvature(&held, &[true, false], EIGEN_RTOL).is_none());
    }

    #[test]
    fn projected_gradient_ignores_outward_pushes_at_bounds() {
        let (lo, hi) = ([0.0, 0.0], [1.0, 1.0]);
        let g = [1.0, -1e-9];
        let pg = projected_gradient_norm(&[0.0, 0.5], &g, Some((&lo, &hi)));
        assert!((pg - 1e-9).abs() < 1e-15, "{pg}");
        assert!(is_stationary(&[0.0, 0.5], &g, Some((&lo, &hi)), 1e-8));
        assert!(!is_stationary(&[0.5, 0.5], &g, Some((&lo, &hi)), 1e-8));
        assert!(!is_stationary(&[0.5], &[f64::NAN], None, 1e-8));
    }
}
