//! Trust-region subproblems: minimize m(p) = gᵀp + ½ pᵀBp subject to ‖p‖ ≤ Δ.
//!
//! - [`Subproblem::Exact`]: the global solution through the eigendecomposition B = QΛQᵀ and
//!   Newton's iteration on the secular equation 1/Δ − 1/‖p(μ)‖ = 0, p(μ) = −(B + μI)⁻¹g, with
//!   the "hard case" handled (Moré & Sorensen, SIAM J. Sci. Stat. Comput. 4, 1983; Nocedal &
//!   Wright §4.3). O(n³) per solve: for small and medium n.
//! - [`Subproblem::Steihaug`]: truncated conjugate gradients, stopped at the boundary or on
//!   negative curvature (Steihaug 1983; N&W Algorithm 7.2). Only products Bv: for large n.

use nalgebra::{DMatrix, DVector};

use crate::linalg;

/// The subproblem solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subproblem {
    /// Exact (eigendecomposition + secular equation).
    Exact,
    /// Truncated CG (Steihaug–Toint).
    Steihaug,
}

impl Subproblem {
    /// The automatic initial radius Δ₀ (in the region's norm ‖Dp‖), from the scaled gradient's
    /// norm ‖D⁻¹∇f(x0)‖ and ‖D x0‖ (D the trust region's scaling; both in units of √f when D² is
    /// the Hessian's diagonal, so the rule does not depend on the variables' units).
    /// - Exact: ‖D⁻¹∇f(x0)‖/10, a tenth of the step to the minimum of the diagonal model (the
    ///   global model steps of a larger first region take Biggs EXP6 into a valley where f → 0.243
    ///   at infinity: 35/35 MGH problems for factors 0.05 to 0.2, 34/35 from 0.5 up);
    ///   max(‖D x0‖, 1) at a stationary start.
    /// - Steihaug: max(‖D x0‖, 1) (35/35 MGH for 0.1 to 10 times that; median 34 f+g, 36 with
    ///   the exact subproblem's rule).
    pub(crate) fn initial_radius(self, scaled_gradient_norm: f64, scaled_x_norm: f64) -> f64 {
        let r = 0.1 * scaled_gradient_norm;
        match self {
            Subproblem::Exact if r > 0.0 && r.is_finite() => r,
            _ => scaled_x_norm.max(1.0),
        }
    }

    /// Solves the subproblem for `b`, `g`, radius `delta`.
    pub(crate) fn solve(self, b: &DMatrix<f64>, g: &[f64], delta: f64) -> Vec<f64> {
        match self {
            Subproblem::Exact => exact(b, g, delta),
            Subproblem::Steihaug => steihaug(b, g, delta),
        }
    }
}

/// The power of two 2^⌊log₂ v⌋ (1 for 0 and non-finite v): dividing by it is exact.
fn binade(v: f64) -> f64 {
    if v > 0.0 && v.is_finite() {
        v.log2().floor().exp2()
    } else {
        1.0
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum::<f64>().sqrt()
}

fn exact(b: &DMatrix<f64>, g: &[f64], delta: f64) -> Vec<f64> {
    let n = g.len();
    let (lam, q) = linalg::symmetric_eigen(b);
    let gt: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|r| q[(r, i)] * g[r]).sum())
        .collect();
    let p_of = |mu: f64| -> Vec<f64> {
        let coef: Vec<f64> = (0..n)
            .map(|i| {
                let den = lam[i] + mu;
                if den.abs() > 0.0 { -gt[i] / den } else { 0.0 }
            })
            .collect();
        (0..n)
            .map(|r| (0..n).map(|i| q[(r, i)] * coef[i]).sum())
            .collect()
    };
    let lam_min = lam[0];
    let scale = lam
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    if lam_min > 1e-14 * scale {
        let p = p_of(0.0);
        if norm(&p) <= delta {
            return p;
        }
    }
    // Hard case: g has (almost) no component along the eigenvectors of λ_min and p(−λ_min) is
    // inside the region: move along that eigenvector to the boundary.
    let tiny = 1e-12 * norm(g).max(f64::MIN_POSITIVE);
    let lo = (-lam_min).max(0.0);
    let along_min: f64 = (0..n)
        .filter(|&i| lam[i] - lam_min <= 1e-12 * scale)
        .map(|i| gt[i] * gt[i])
        .sum::<f64>()
        .sqrt();
    if along_min <= tiny {
        let coef: Vec<f64> = (0..n)
            .map(|i| {
                if lam[i] - lam_min <= 1e-12 * scale {
                    0.0
                } else {
                    -gt[i] / (lam[i] - lam_min)
                }
            })
            .collect();
        let p: Vec<f64> = (0..n)
            .map(|r| (0..n).map(|i| q[(r, i)] * coef[i]).sum())
            .collect();
        let pn = norm(&p);
        if pn <= delta {
            let tau = (delta * delta - pn * pn).max(0.0).sqrt();
            return (0..n).map(|r| p[r] + tau * q[(r, 0)]).collect();
        }
    }
    // Newton on φ(μ) = 1/Δ − 1/‖p(μ)‖, safeguarded in [lo, hi].
    let mut hi = norm(g) / delta + scale;
    let mut lo_b = lo;
    let mut mu = (lo + 1e-10 * scale)
        .max(lo * (1.0 + 1e-10))
        .max(f64::MIN_POSITIVE);
    for _ in 0..100 {
        let pn2: f64 = (0..n).map(|i| (gt[i] / (lam[i] + mu)).powi(2)).sum();
        let pn = pn2.sqrt();
        if (pn - delta).abs() <= 1e-10 * delta {
            break;
        }
        if pn > delta {
            lo_b = mu;
        } else {
            hi = mu;
        }
        let dq: f64 = (0..n).map(|i| gt[i].powi(2) / (lam[i] + mu).powi(3)).sum();
        let next = mu + (pn2 / dq) * ((pn - delta) / delta);
        mu = if next > lo_b && next < hi {
            next
        } else {
            0.5 * (lo_b + hi)
        };
        if hi - lo_b <= 1e-15 * hi {
            break;
        }
    }
    let p = p_of(mu);
    // Keep the step inside the region when rounding left it marginally outside.
    let pn = norm(&p);
    if pn > delta {
        p.iter().map(|v| v * delta / pn).collect()
    } else {
        p
    }
}

fn steihaug(b: &DMatrix<f64>, g: &[f64], delta: f64) -> Vec<f64> {
    steihaug_with(|d: &DVector<f64>| b * d, g, delta)
}

/// Steihaug's truncated CG with B given by its products `mul(d) = B d` (a sparse Hessian).
pub(crate) fn steihaug_with(
    mut mul: impl FnMut(&DVector<f64>) -> DVector<f64>,
    g: &[f64],
    delta: f64,
) -> Vec<f64> {
    let n = g.len();
    let gv = DVector::from_column_slice(g);
    let tol = (0.5f64.min(gv.norm().sqrt()) * gv.norm()).max(f64::MIN_POSITIVE);
    let mut z = DVector::zeros(n);
    let mut r = gv.clone();
    let mut d = -&r;
    // Step to the boundary along d from z: the positive τ with ‖z + τd‖ = Δ, computed on z, Δ
    // divided by a power of two near Δ and d by one near its largest entry (exact, so the same
    // τ as unscaled wherever that does not overflow: on x₁x₂ + x₂x₃ the unscaled a·c overflowed
    // once Δ ≈ ‖d‖ ≈ 1e77, τ was NaN and the region stuck there until the iteration limit).
    let to_boundary = |z: &DVector<f64>, d: &DVector<f64>| {
        let (kz, kd) = (binade(delta), binade(d.amax()));
        let (zs, ds) = (z / kz, d / kd);
        let (a, bb, c) = (
            ds.dot(&ds),
            2.0 * zs.dot(&ds),
            zs.dot(&zs) - (delta / kz).powi(2),
        );
        let tau = (-bb + (bb * bb - 4.0 * a * c).max(0.0).sqrt()) / (2.0 * a);
        z + d * (tau * (kz / kd))
    };
    for _ in 0..(2 * n + 10) {
        let bd = mul(&d);
        let dbd = d.dot(&bd);
        if dbd <= 0.0 {
            return to_boundary(&z, &d).iter().copied().collect();
        }
        let alpha = r.dot(&r) / dbd;
        let z_next = &z + &d * alpha;
        if z_next.norm() >= delta {
            return to_boundary(&z, &d).iter().copied().collect();
        }
        let r_next = &r + bd * alpha;
        if r_next.norm() < tol {
            return z_next.iter().copied().collect();
        }
        let beta = r_next.dot(&r_next) / r.dot(&r);
        d = -&r_next + d * beta;
        z = z_next;
        r = r_next;
    }
    z.iter().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interior_newton_step_and_boundary() {
        let b = DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, 4.0]);
        let p = exact(&b, &[-2.0, -4.0], 10.0);
        assert!((p[0] - 1.0).abs() < 1e-12 && (p[1] - 1.0).abs() < 1e-12);
        let p = exact(&b, &[-2.0, -4.0], 0.5);
        assert!((norm(&p) - 0.5).abs() < 1e-9);
        // Truncated CG stops at relative residual min(0.5, √‖g‖): a descent step inside.
        let s = steihaug(&b, &[-2.0, -4.0], 10.0);
        let m = |p: &[f64]| -2.0 * p[0] - 4.0 * p[1] + p[0] * p[0] + 2.0 * p[1] * p[1];
        assert!(m(&s) < 0.5 * m(&[1.0, 1.0]) && norm(&s) <= 10.0, "{s:?}");
        let s = steihaug(&b, &[-2e-4, -4e-4], 10.0);
        assert!(
            (s[0] - 1e-4).abs() < 1e-12 && (s[1] - 1e-4).abs() < 1e-12,
            "{s:?}"
        );
    }

    #[test]
    fn hard_case() {
        // B = diag(−1, 1), g orthogonal to the negative-curvature direction.
        let b = DMatrix::from_row_slice(2, 2, &[-1.0, 0.0, 0.0, 1.0]);
        let p = exact(&b, &[0.0, 0.5], 2.0);
        assert!((norm(&p) - 2.0).abs() < 1e-9, "{p:?}");
        let m = |p: &[f64]| 0.5 * p[1] + 0.5 * (-p[0] * p[0] + p[1] * p[1]);
        assert!(m(&p) < -1.5, "{p:?}");
    }
}
