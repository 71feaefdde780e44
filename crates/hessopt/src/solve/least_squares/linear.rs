//! Linear least squares min ‖Ax − b‖: QR for full column rank, the SVD (pseudo-inverse, with the
//! numerical rank reported) for rank-deficient A, and the norm-constrained problem
//! min ‖Ax − b‖ subject to ‖x‖ ≤ r, solved exactly through the secular equation
//! ‖x(λ)‖ = r, x(λ) = (AᵀA + λI)⁻¹Aᵀb (Golub & Van Loan §6.2; the trust-region subproblem of least
//! squares), not by gradient ascent on λ.

use nalgebra::DMatrix;

use crate::error::{Error, Result};
use crate::linalg;

/// Solution of a linear least-squares problem.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearLsq {
    /// The solution (minimum norm when A is rank deficient).
    pub x: Vec<f64>,
    /// ‖Ax − b‖.
    pub residual_norm: f64,
    /// Numerical rank of A (singular values above max(m, n)·ε·σ_max).
    pub rank: usize,
    /// The Lagrange multiplier of ‖x‖ ≤ r (0 when the constraint is inactive or absent).
    pub lambda: f64,
    /// "qr", "svd" or "svd-norm-constrained".
    pub method: &'static str,
}

/// Solves min ‖Ax − b‖, optionally with ‖x‖ ≤ `max_norm` (a radius > 0).
///
/// A and b are scaled to unit largest entry first, so entries near the overflow threshold
/// (b = 1e308) are solved exactly; a solution or residual that itself overflows is an error.
pub fn lstsq(a: &DMatrix<f64>, b: &[f64], max_norm: Option<f64>) -> Result<LinearLsq> {
    let (m, n) = (a.nrows(), a.ncols());
    Error::check_dim("b (rows of A)", m, b.len())?;
    if m == 0 || n == 0 {
        return Err(Error::invalid("A", "the matrix is empty"));
    }
    if let Some(r) = max_norm {
        if !(r > 0.0 && r.is_finite()) {
            return Err(Error::invalid(
                "max-norm",
                format!("{r} is not a finite number > 0 (the radius r of ‖x‖ ≤ r)"),
            ));
        }
    }
    crate::expr::check_finite("A", a.as_slice(), &[])?;
    crate::expr::check_finite("b", b, &[])?;
    let unit = |v: f64| if v > 0.0 { v } else { 1.0 };
    let sa = unit(a.amax());
    let sb = unit(b.iter().fold(0.0f64, |m, v| m.max(v.abs())));
    let a = a / sa;
    let b: Vec<f64> = b.iter().map(|v| v / sb).collect();
    // x = (sb/sa)·x̂, λ = sa²·λ̂, ‖Ax − b‖ = sb·‖Âx̂ − b̂‖ for the scaled solution x̂.
    let s = scaled(&a, &b, max_norm.map(|r| r * (sa / sb)))?;
    let x: Vec<f64> = s.x.iter().map(|v| v * (sb / sa)).collect();
    let out = LinearLsq {
        x,
        residual_norm: s.residual_norm * sb,
        lambda: s.lambda * sa * sa,
        ..s
    };
    crate::expr::check_finite("the solution x", &out.x, &[])?;
    crate::expr::check_finite("the residual norm", &[out.residual_norm], &[])?;
    crate::expr::check_finite("the multiplier λ", &[out.lambda], &[])?;
    Ok(out)
}

/// [`lstsq`] on A and b of unit scale.
fn scaled(a: &DMatrix<f64>, b: &[f64], max_norm: Option<f64>) -> Result<LinearLsq> {
    let (m, n) = (a.nrows(), a.ncols());
    let (u, sigma, v) = linalg::svd(a);
    let tol = sigma.first().copied().unwrap_or(0.0) * f64::EPSILON * (m.max(n) as f64);
    let rank = sigma.iter().filter(|s| **s > tol).count();
    let beta: Vec<f64> = (0..sigma.len())
        .map(|k| (0..m).map(|i| u[(i, k)] * b[i]).sum())
        .collect();
    let from_coef = |coef: &[f64]| -> Vec<f64> {
        (0..n)
            .map(|r| (0..coef.len()).map(|k| v[(r, k)] * coef[k]).sum())
            .collect()
    };
    let pinv: Vec<f64> = sigma
        .iter()
        .zip(&beta)
        .map(|(s, bt)| if *s > tol { bt / s } else { 0.0 })
        .collect();
    let mut x = from_coef(&pinv);
    let mut method = "svd";
    let mut lambda = 0.0;
    if rank == n && m >= n && max_norm.is_none() {
        if let Some(q) = linalg::qr_solve(a, b) {
            x = q;
            method = "qr";
        }
    }
    if let Some(r) = max_norm {
        let xn = x.iter().map(|v| v * v).sum::<f64>().sqrt();
        if xn > r {
            lambda = linalg::secular_lambda(&sigma, &beta, r);
            let coef: Vec<f64> = sigma
                .iter()
                .zip(&beta)
                .map(|(s, bt)| s * bt / (s * s + lambda))
                .collect();
            x = from_coef(&coef);
            method = "svd-norm-constrained";
        }
    }
    let ax = a * nalgebra::DVector::from_column_slice(&x);
    let residual_norm = ax
        .iter()
        .zip(b)
        .map(|(p, q)| (p - q).powi(2))
        .sum::<f64>()
        .sqrt();
    Ok(LinearLsq {
        x,
        residual_norm,
        rank,
        lambda,
        method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        // Full rank: fit y = 1 + 2t exactly.
        let a = DMatrix::from_row_slice(3, 2, &[1.0, 0.0, 1.0, 1.0, 1.0, 2.0]);
        let s = lstsq(&a, &[1.0, 3.0, 5.0], None).unwrap();
        assert_eq!((s.method, s.rank), ("qr", 2));
        assert!((s.x[0] - 1.0).abs() < 1e-14 && (s.x[1] - 2.0).abs() < 1e-14);
        // Rank 1: columns equal; the minimum-norm solution splits the coefficient evenly.
        let a = DMatrix::from_row_slice(3, 2, &[1.0, 1.0, 2.0, 2.0, 3.0, 3.0]);
        let s = lstsq(&a, &[2.0, 4.0, 6.0], None).unwrap();
        assert_eq!((s.method, s.rank), ("svd", 1));
        assert!(
            (s.x[0] - 1.0).abs() < 1e-14 && (s.x[1] - 1.0).abs() < 1e-14,
            "{s:?}"
        );
        // Norm constraint with A = I: x = b · r/‖b‖, λ = ‖b‖/r − 1.
        let a = DMatrix::identity(2, 2);
        let s = lstsq(&a, &[3.0, 4.0], Some(1.0)).unwrap();
        assert!(
            (s.x[0] - 0.6).abs() < 1e-12 && (s.x[1] - 0.8).abs() < 1e-12,
            "{s:?}"
        );
        assert!((s.lambda - 4.0).abs() < 1e-10);
        let s = lstsq(&a, &[0.3, 0.4], Some(1.0)).unwrap();
        assert_eq!(s.lambda, 0.0);
    }

    #[test]
    fn extreme_right_sides_and_radii() {
        // x = A⁻¹b exactly for b at the overflow threshold: A = [[1, 2], [3, 4]], b = (1e308, 1e308)
        // gives x = (−1e308, 1e308) and a zero residual.
        let a = DMatrix::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
        let s = lstsq(&a, &[1e308, 1e308], None).unwrap();
        assert!((s.x[0] + 1e308).abs() < 1e294 && (s.x[1] - 1e308).abs() < 1e294);
        assert!(s.residual_norm < 1e295, "{s:?}");
        // A solution beyond f64: an error, not inf.
        let a = DMatrix::from_row_slice(1, 1, &[1e-300]);
        let e = lstsq(&a, &[1e300], None).unwrap_err().to_string();
        assert!(e.contains("the solution x"), "{e}");
        for r in [0.0, -0.0, -1.0, f64::INFINITY, f64::NAN] {
            let e = lstsq(&a, &[1.0], Some(r)).unwrap_err().to_string();
            assert!(e.starts_with("invalid max-norm"), "{r}: {e}");
        }
        // The multiplier in the caller's units: A = 1e10·I, b = (3e10, 4e10), r = 1 gives
        // x = (0.6, 0.8) and λ = σ²(‖A⁻¹b‖/r − 1) = 1e20·4.
        let a = DMatrix::identity(2, 2) * 1e10;
        let s = lstsq(&a, &[3e10, 4e10], Some(1.0)).unwrap();
        assert!(
            (s.x[0] - 0.6).abs() < 1e-12 && (s.lambda / 4e20 - 1.0).abs() < 1e-9,
            "{s:?}"
        );
    }
}
