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

/// Solves min ‖Ax − b‖, optionally with ‖x‖ ≤ `max_norm`.
pub fn lstsq(a: &DMatrix<f64>, b: &[f64], max_norm: Option<f64>) -> Result<LinearLsq> {
    let (m, n) = (a.nrows(), a.ncols());
    Error::check_dim("b (rows of A)", m, b.len())?;
    if m == 0 || n == 0 {
        return Err(Error::invalid("A", "the matrix is empty"));
    }
    if let Some(r) = max_norm {
        if !(r >= 0.0 && r.is_finite()) {
            return Err(Error::invalid(
                "max-norm",
                format!("{r} is not a finite number ≥ 0"),
            ));
        }
    }
    crate::expr::check_finite("A", a.as_slice(), &[])?;
    crate::expr::check_finite("b", b, &[])?;
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
}
