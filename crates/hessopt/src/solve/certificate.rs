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
//!   or a [`Termination::Maximum`]. Above the dense limit, with a sparse Hessian,
//!   `sparse_negative_curvature` tests the same bound with the Gershgorin bound for max|λ| by
//!   sparse Cholesky factorizations.

use nalgebra::DMatrix;
use nalgebra_sparse::pattern::SparsityPattern;

use super::termination::Termination;
use crate::analysis::{Definiteness, EIGEN_RTOL};
use crate::linalg;
use crate::linalg::sparse::{SparseCholesky, symmetric_mul};

/// Inverse-iteration steps for the direction of negative curvature of a sparse Hessian.
const INVERSE_ITERATIONS: usize = 50;

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

/// The second-order check of a sparse Hessian (`values` on the symmetric `pattern`, `chol` its
/// factorization plan) on the free variables, without a dense matrix or eigenvalues:
///
/// - σ = rtol·‖H‖∞ (the Gershgorin bound on max|λ|, so σ ≥ rtol·max|λ|); when H + σI has a
///   Cholesky factorization no eigenvalue is below −σ: `None`, second order holds.
/// - Otherwise the point is a [`Termination::Maximum`] when σI − H factors too (no eigenvalue
///   above σ), else a [`Termination::Saddle`]. The direction comes from inverse iteration with
///   H + τI, τ the smallest shift that factors (bisected to 2⁻³⁰ relative below the first
///   modified-Newton shift that does), so that H + τI is positive definite with its smallest
///   eigenvalue λ_min + τ next to 0 and dominant after a few solves; `eigenvalue` is the
///   Rayleigh quotient of that direction.
///
/// Variables held at a bound are decoupled (their rows and columns replaced by ‖H‖∞ on the
/// diagonal), so their curvature does not count. Cost: two numeric factorizations when second
/// order holds; at a saddle or maximum about 35 more and 50 triangular solves. O(nnz(L)) memory.
pub(crate) fn sparse_negative_curvature(
    pattern: &SparsityPattern,
    values: &[f64],
    chol: &mut SparseCholesky,
    free: &[bool],
    rtol: f64,
) -> Option<NegativeCurvature> {
    let n = free.len();
    let offsets = pattern.major_offsets();
    let rows = pattern.minor_indices();
    let mut norm = 0.0f64;
    for j in 0..n {
        let col: f64 = (offsets[j]..offsets[j + 1]).map(|p| values[p].abs()).sum();
        norm = norm.max(col);
    }
    // H on the free variables, with `held` on the diagonal of the held ones.
    let masked = |held: f64| -> Vec<f64> {
        let mut out = values.to_vec();
        for j in 0..n {
            for p in offsets[j]..offsets[j + 1] {
                let i = rows[p];
                if !(free[i] && free[j]) {
                    out[p] = if i == j { held } else { 0.0 };
                }
            }
        }
        out
    };
    let h = masked(norm);
    let sigma = rtol.max(EIGEN_RTOL) * norm;
    if chol.factor(&h, 1.0, sigma) {
        return None;
    }
    let kind = if chol.factor(&masked(-norm), -1.0, sigma) {
        Termination::Maximum
    } else {
        Termination::Saddle
    };
    let mut v: Vec<f64> = (0..n)
        .map(|i| {
            if free[i] {
                1.0 + 0.5 * (i as f64).sin()
            } else {
                0.0
            }
        })
        .collect();
    // The smallest shift that factors, to 2⁻³⁰ relative: H + τI then has its smallest
    // eigenvalue near 0 and inverse iteration converges in a few steps.
    let (_, mut hi) = chol.shifted_solve(&h, &v);
    let mut lo = 0.0;
    for _ in 0..30 {
        let mid = 0.5 * (lo + hi);
        if chol.factor(&h, 1.0, mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    chol.factor(&h, 1.0, hi);
    for _ in 0..INVERSE_ITERATIONS {
        let Some(w) = chol.solve(&v) else { break };
        let len = w.iter().map(|a| a * a).sum::<f64>().sqrt();
        if !(len > 0.0 && len.is_finite()) {
            break;
        }
        v = w
            .iter()
            .zip(free)
            .map(|(a, &f)| if f { a / len } else { 0.0 })
            .collect();
    }
    let mut hv = vec![0.0; n];
    symmetric_mul(pattern, &h, &v, &mut hv);
    let eigenvalue = v.iter().zip(&hv).map(|(a, b)| a * b).sum();
    Some(NegativeCurvature {
        kind,
        eigenvalue,
        direction: v,
    })
}

/// Doublings of the step along a candidate direction in [`infimum_at_infinity`]: from s/100 to
/// about 10⁴·s.
const DOUBLINGS: i32 = 20;

/// The first of `directions` along which `f` has its infimum at infinity from `theta`, where
/// f(θ) = `f0`: a small gradient is no certificate there (−log(x) at x = 1e8, e^(−x) at 18.5,
/// the log-likelihood of separated data). f is evaluated at θ + t·d/‖d‖∞ for t = s/100·2ᵏ,
/// k = 0…20, s = max(‖θ‖∞, 1); the infimum is at infinity along d when f never rises from one
/// probe to the next by more than rounding (4ε|f0|) and half of its fall so far, and either falls
/// beyond rounding on the way or rises beyond rounding somewhere along −d. At a genuine minimum
/// the first probe already raises f (one evaluation); along a flat direction f is flat both ways.
/// Directions that are zero or not finite are skipped; a probe where f is not finite ends the
/// probes along that direction: a descent if f had fallen, else undecided.
pub(crate) fn infimum_at_infinity(
    f: &dyn Fn(&[f64]) -> f64,
    theta: &[f64],
    f0: f64,
    directions: &[Vec<f64>],
) -> Option<Vec<f64>> {
    let rounding = 4.0 * f64::EPSILON * f0.abs();
    let s = theta.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    directions.iter().find_map(|d| {
        let norm = d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if !(norm > 0.0 && norm.is_finite()) {
            return None;
        }
        let probe = |k: i32, sign: f64| {
            let t = sign * s / 100.0 * 2f64.powi(k) / norm;
            let point: Vec<f64> = theta.iter().zip(d).map(|(a, b)| a + t * b).collect();
            f(&point)
        };
        let (mut prev, mut low) = (f0, f0);
        for k in 0..=DOUBLINGS {
            let v = probe(k, 1.0);
            let fell = low < f0 - rounding;
            if !v.is_finite() {
                // Past the formula's range (log(1 + exp(z)) overflows at z = 710) after a fall:
                // a descent as far as f can be computed; without one, undecided.
                if fell {
                    break;
                }
                return None;
            }
            // A rise counts when it is beyond rounding and takes back half of the fall so far:
            // after log(1 + exp(z)) − z has fallen from 3e-10 to 0, its cancellation noise
            // (7e-15 at z = 37) is no minimum.
            if v > prev + rounding && v > low + 0.5 * (f0 - low) {
                return None;
            }
            prev = v;
            low = low.min(v);
        }
        (low < f0 - rounding || (0..=DOUBLINGS).any(|k| probe(k, -1.0) > f0 + rounding))
            .then(|| d.clone())
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
    fn sparse_check_agrees_with_the_dense_one() {
        use crate::diff::coloring::symmetric_pattern;
        // Tridiagonal 300 × 300 with diagonal `d` and off-diagonal 1: eigenvalues d + 2cos(kπ/301).
        let n = 300;
        let entries: Vec<_> = (0..n)
            .flat_map(|i| [(i, i), (i, (i + 1).min(n - 1))])
            .collect();
        let pattern = symmetric_pattern(n, &entries).unwrap();
        let mut chol = SparseCholesky::new(&pattern);
        let values = |d: f64| -> Vec<f64> {
            (0..n)
                .flat_map(|j| {
                    pattern
                        .lane(j)
                        .iter()
                        .map(move |&i| if i == j { d } else { 1.0 })
                })
                .collect()
        };
        let free = vec![true; n];
        // d = 3: all eigenvalues ≥ 1, a minimum.
        assert!(
            sparse_negative_curvature(&pattern, &values(3.0), &mut chol, &free, EIGEN_RTOL)
                .is_none()
        );
        // d = 0: eigenvalues of both signs; the direction has curvature near λ_min ≈ −2.
        let saddle =
            sparse_negative_curvature(&pattern, &values(0.0), &mut chol, &free, EIGEN_RTOL)
                .unwrap();
        assert_eq!(saddle.kind, Termination::Saddle);
        let lambda_min = 2.0 * (std::f64::consts::PI * n as f64 / (n + 1) as f64).cos();
        assert!(saddle.eigenvalue < 0.99 * lambda_min && saddle.eigenvalue >= lambda_min - 1e-9);
        // d = −3: negative definite, a maximum.
        let max = sparse_negative_curvature(&pattern, &values(-3.0), &mut chol, &free, EIGEN_RTOL);
        assert_eq!(max.unwrap().kind, Termination::Maximum);
        // Negative curvature only on a held variable does not count.
        let mut v = values(3.0);
        let first = pattern.major_offsets()[0];
        v[first] = -5.0;
        let mut held = free.clone();
        held[0] = false;
        assert!(sparse_negative_curvature(&pattern, &v, &mut chol, &held, EIGEN_RTOL).is_none());
        assert!(sparse_negative_curvature(&pattern, &v, &mut chol, &free, EIGEN_RTOL).is_some());
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
