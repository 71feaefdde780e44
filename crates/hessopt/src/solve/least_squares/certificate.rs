//! The certificate of a least-squares solution, checked at the returned point whatever stopped
//! the iteration:
//!
//! - `zero_residual`: |rᵢ| ≤ 16ε·Σⱼ|Jᵢⱼxⱼ| for every i (each residual at the rounding level of the
//!   model terms it is made of), or r = 0 exactly;
//! - first order: every column of J is orthogonal to r within `tol` (the cosine
//!   |J_jᵀr|/(‖J_j‖‖r‖), invariant to the units of parameters and residuals), or the
//!   Gauss–Newton step −(JᵀJ)⁺Jᵀr is at most `tol`·‖Dx‖, D the column norms of J at x (the
//!   gradient of ½‖r‖² measured in the metric of JᵀJ, negligible against x);
//!   Where residual Hessians are given, also the Newton step H⁻¹Jᵀr on ½‖r‖² (H below,
//!   positive definite) at most `tol`·max(‖x‖∞, 1) and promising a decrease at rounding level
//!   of ‖r‖²: J vanishing at a minimum with r ≠ 0 (x² + 1 at 0);
//! - second order, where residual Hessians are given: the Hessian of ½‖r‖², H = JᵀJ + Σ rᵢ∇²rᵢ,
//!   has no eigenvalue below −√ε·max(‖JᵀJ‖_F, max|eig|) (else `maximum` when none is above that,
//!   `saddle` otherwise);
//! - a stationary point where J is rank deficient (with its columns scaled to unit norm, a
//!   singular value at most ε·max(m, n)·σ_max: the rule that also withholds the covariance) and H,
//!   where known, is not positive definite either is `singular_jacobian`: a plateau or an
//!   unidentifiable model, not a certified minimum.

use nalgebra::DMatrix;

use super::levenberg_marquardt::ScaledSvd;
use super::problem::Counted;
use crate::linalg;
use crate::solve::Termination;

/// What the check found at the returned point.
pub(super) enum Certificate {
    /// The first-order test holds; the named outcome: a certificate (`zero_residual`,
    /// `gradient_norm`) or a stationary point that is not a minimum (`saddle`, `maximum`,
    /// `singular_jacobian`).
    Stationary(Termination),
    /// Not stationary: the loop's own stop names the outcome.
    NotStationary,
}

/// max_j |J_jᵀr|/(‖J_j‖‖r‖) (0 for a zero column or r = 0): MINPACK's `gnorm`, with the
/// column and r normalized before the product (no underflow for entries of size 1e-200).
pub(super) fn orthogonality(j: &DMatrix<f64>, r: &[f64]) -> f64 {
    let rn = linalg::norm(r);
    j.column_iter()
        .map(|c| {
            let cn = linalg::norm(c.iter());
            if cn == 0.0 || rn == 0.0 {
                0.0
            } else {
                c.iter()
                    .zip(r)
                    .map(|(a, b)| (a / cn) * (b / rn))
                    .sum::<f64>()
                    .abs()
            }
        })
        .fold(0.0, f64::max)
}

/// The rounding level of each residual, ε·(|rᵢ| + Σⱼ|Jᵢⱼxⱼ|): what evaluating rᵢ at x rounded
/// to working precision may change it by (its model terms are of size |Jᵢⱼxⱼ|).
pub(super) fn rounding_level(j: &DMatrix<f64>, x: &[f64], r: &[f64]) -> Vec<f64> {
    r.iter()
        .enumerate()
        .map(|(i, ri)| {
            let terms: f64 = x
                .iter()
                .enumerate()
                .map(|(c, xc)| (j[(i, c)] * xc).abs())
                .sum();
            f64::EPSILON * (ri.abs() + terms)
        })
        .collect()
}

/// Every residual within 16 times its rounding level of zero.
fn zero_residual(j: &DMatrix<f64>, x: &[f64], r: &[f64]) -> bool {
    r.iter()
        .zip(rounding_level(j, x, r))
        .all(|(ri, t)| ri.abs() <= 16.0 * t)
}

/// Where J vanishes at a minimum with r ≠ 0 (x² + 1 at 0) neither test above can hold: the
/// cosine of a nearly zero column with r stays 1 and the Gauss–Newton step is huge. With the
/// residual Hessians, the Newton step H⁻¹Jᵀr on ½‖r‖² (H = JᵀJ + Σ rᵢ∇²rᵢ positive definite) at
/// most `tol`·max(‖x‖∞, 1) is first order too, when the decrease it promises, gᵀH⁻¹g, is at
/// rounding level of ‖r‖² (8ε‖r‖²): the floor 1 under |x| would otherwise certify any point of a
/// model whose parameter is tiny (y − a·x on data of size 1e-300 was certified at a = 2.4e-63,
/// where the step −a would take ‖r‖² to zero).
fn newton_step_negligible(
    j: &DMatrix<f64>,
    r: &[f64],
    curv: &DMatrix<f64>,
    x: &[f64],
    tol: f64,
) -> bool {
    let g: Vec<f64> = j
        .column_iter()
        .map(|c| c.iter().zip(r).map(|(a, b)| a * b).sum())
        .collect();
    let scale = x.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let f: f64 = r.iter().map(|v| v * v).sum();
    linalg::cholesky_solve(&(j.transpose() * j + curv), &g).is_some_and(|p| {
        let decrease: f64 = g.iter().zip(&p).map(|(a, b)| a * b).sum();
        p.iter().all(|v| v.abs() <= tol * scale) && decrease <= 8.0 * f64::EPSILON * f
    })
}

/// The certificate at (x, r = r(x), J = J(x)).
pub(super) fn check(
    ev: &Counted<'_, '_>,
    x: &[f64],
    r: &[f64],
    j: &DMatrix<f64>,
    tol: f64,
) -> Certificate {
    if !r.iter().chain(j.iter()).all(|v| v.is_finite()) {
        return Certificate::NotStationary;
    }
    if zero_residual(j, x, r) {
        return Certificate::Stationary(Termination::ZeroResidual);
    }
    // Scales from the current Jacobian (not the solver's history).
    let svd = ScaledSvd::columns(j);
    let (_, gn) = svd.solve(&svd.project(r), 0.0);
    let curvature = ev.curvature(x, r);
    if !(orthogonality(j, r) <= tol
        || gn <= tol * svd.scaled_norm(x)
        || curvature
            .as_ref()
            .is_some_and(|curv| newton_step_negligible(j, r, curv, x, tol)))
    {
        return Certificate::NotStationary;
    }
    let singular = svd.rank_deficient();
    let Some(curv) = curvature else {
        return Certificate::Stationary(if singular {
            Termination::SingularJacobian
        } else {
            Termination::GradientNorm
        });
    };
    let jtj = j.transpose() * j;
    let (eig, _) = linalg::symmetric_eigen(&(&jtj + curv));
    let scale = eig.iter().fold(jtj.norm(), |a, e| a.max(e.abs()));
    let tiny = f64::EPSILON.sqrt() * scale;
    let (lo, hi) = (eig[0], eig[eig.len() - 1]);
    Certificate::Stationary(if lo < -tiny {
        if hi <= tiny {
            Termination::Maximum
        } else {
            Termination::Saddle
        }
    } else if singular && lo <= tiny {
        Termination::SingularJacobian
    } else {
        Termination::GradientNorm
    })
}
