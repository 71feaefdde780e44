//! The second-order test at a KKT point: the Hessian of the Lagrangian on the tangent space of
//! the active constraints (Nocedal & Wright, Theorem 12.5: at a minimum wᵀ∇²L w ≥ 0 for every w
//! with ∇cᵢᵀw = 0 on the active constraints).
//!
//! ∇²L is taken by central differences of ∇L (2n gradients of the Lagrangian), the tangent
//! space as the null space of the active rows — equalities, inequalities with μ > 0 or
//! |g| ≤ feasibility tolerance, and the unit rows of variables at a bound — by the SVD. The
//! eigenvalues of P ∇²L P (P the projector on that null space) are those of the reduced
//! Hessian ZᵀHZ plus zeros for the constrained directions.

use nalgebra::DMatrix;

use crate::linalg;

/// The reduced Hessian's verdict.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Curvature {
    /// Eigenvalues of the reduced Hessian below −tol.
    pub(super) negative: usize,
    /// Dimension of the tangent space.
    pub(super) free: usize,
    /// A unit direction of most negative curvature in the tangent space (empty when none).
    pub(super) direction: Vec<f64>,
}

/// The curvature of the Lagrangian at x on the tangent space of `active` (rows: gradients of the
/// active constraints, unit vectors of variables at a bound). `lagrangian_grad` is ∇L with the
/// multipliers fixed; `rel_tol` scales the tolerance on negative eigenvalues,
/// rel_tol · max(1, max |Hᵢⱼ|).
pub(super) fn reduced_curvature(
    x: &[f64],
    lagrangian_grad: &dyn Fn(&[f64], &mut [f64]),
    active: &[Vec<f64>],
    rel_tol: f64,
) -> Curvature {
    let n = x.len();
    let mut g0 = vec![0.0; n];
    lagrangian_grad(x, &mut g0);
    let mut h = DMatrix::zeros(n, n);
    crate::diff::central_differences(x, &g0, |p, out| lagrangian_grad(p, out), h.as_mut_slice());
    let h = (&h + h.transpose()) * 0.5;
    let mut p = DMatrix::<f64>::identity(n, n);
    let mut rank = 0;
    if !active.is_empty() {
        let a = DMatrix::from_fn(active.len(), n, |r, c| active[r][c]);
        let (_, sigma, v) = linalg::svd(&a);
        let cut = sigma.first().copied().unwrap_or(0.0) * 1e-10;
        for (i, _) in sigma.iter().enumerate().filter(|&(_, &s)| s > cut) {
            let vi = v.column(i);
            p -= vi * vi.transpose();
            rank += 1;
        }
    }
    let reduced = &p * &h * &p;
    let (values, vectors) = linalg::symmetric_eigen(&reduced);
    let scale = h.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let tol = rel_tol * scale;
    let negative = values.iter().filter(|&&v| v < -tol).count();
    let direction = if negative > 0 {
        vectors.column(0).iter().copied().collect()
    } else {
        Vec::new()
    };
    Curvature {
        negative,
        free: n - rank,
        direction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// L = x + y − λ(x² + y² − 1) at (1, 1)/√2 with λ = 1/√2: ∇²L = −√2·I, the tangent (1, −1)
    /// has curvature −√2 — a constrained maximum; with λ = −1/√2 at −(1, 1)/√2, a minimum.
    #[test]
    fn circle_maximum_and_minimum() {
        let s = std::f64::consts::FRAC_1_SQRT_2;
        for (sign, negative) in [(1.0, 1), (-1.0, 0)] {
            let lambda = sign * s;
            let grad = |p: &[f64], g: &mut [f64]| {
                g[0] = 1.0 - 2.0 * lambda * p[0];
                g[1] = 1.0 - 2.0 * lambda * p[1];
            };
            let x = [sign * s, sign * s];
            let c = reduced_curvature(&x, &grad, &[vec![2.0 * x[0], 2.0 * x[1]]], 1e-6);
            assert_eq!((c.negative, c.free), (negative, 1), "{c:?}");
            if negative > 0 {
                assert!((c.direction[0] + c.direction[1]).abs() < 1e-8, "{c:?}");
            }
        }
    }
}
