//! The only place that calls nalgebra's decompositions, so that the rest of the crate speaks in
//! plain operations (eigenvalues, solves) and a change of backend touches one file.

use nalgebra::{DMatrix, SymmetricEigen};

/// Eigen-decomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as columns in
/// the same order. Only the lower triangle is read.
pub(crate) fn symmetric_eigen(a: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    let eig = SymmetricEigen::new(a.clone());
    let mut order: Vec<usize> = (0..eig.eigenvalues.len()).collect();
    order.sort_by(|&i, &j| eig.eigenvalues[i].total_cmp(&eig.eigenvalues[j]));
    let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let vectors = DMatrix::from_fn(a.nrows(), order.len(), |r, c| {
        eig.eigenvectors[(r, order[c])]
    });
    (values, vectors)
}

/// Solves `a x = b` for symmetric positive definite `a` by Cholesky; `None` when `a` is not
/// (numerically) positive definite.
pub(crate) fn cholesky_solve(a: &DMatrix<f64>, b: &[f64]) -> Option<Vec<f64>> {
    let chol = a.clone().cholesky()?;
    let x = chol.solve(&nalgebra::DVector::from_column_slice(b));
    x.iter()
        .all(|v| v.is_finite())
        .then(|| x.iter().copied().collect())
}

/// Solves (a + τI) x = b with the smallest τ ≥ 0 of the sequence 0, β, 2β, 4β, … (β = 1e-3 ·
/// max|a_ij|, or −min a_ii + β when a diagonal entry is not positive) for which the Cholesky
/// factorization succeeds (Nocedal & Wright, Algorithm 3.3). Returns (x, τ).
pub(crate) fn shifted_cholesky_solve(a: &DMatrix<f64>, b: &[f64]) -> (Vec<f64>, f64) {
    let n = a.nrows();
    let scale = a
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    let beta = 1e-3 * scale;
    let min_diag = (0..n).map(|i| a[(i, i)]).fold(f64::INFINITY, f64::min);
    let mut tau = if min_diag > 0.0 { 0.0 } else { beta - min_diag };
    for _ in 0..200 {
        let shifted = a + DMatrix::identity(n, n) * tau;
        if let Some(x) = cholesky_solve(&shifted, b) {
            return (x, tau);
        }
        tau = (2.0 * tau).max(beta);
    }
    // Not reachable for finite `a`: a large enough shift is diagonally dominant.
    (b.iter().map(|v| v / scale).collect(), f64::INFINITY)
}

/// The inverse of a symmetric positive definite matrix through its Cholesky factor (L⁻ᵀL⁻¹);
/// `None` when the matrix is not positive definite.
pub(crate) fn cholesky_inverse(a: &DMatrix<f64>) -> Option<DMatrix<f64>> {
    let chol = a.clone().cholesky()?;
    let inv = chol.inverse();
    inv.iter().all(|v| v.is_finite()).then_some(inv)
}
