//! The only place that calls nalgebra's decompositions, so that the rest of the crate speaks in
//! plain operations (eigenvalues, solves) and a change of backend touches one file (with its two
//! submodules: [`ordering`], a fill-reducing ordering, and [`sparse`], the sparse Cholesky of
//! nalgebra-sparse behind it).

use nalgebra::{DMatrix, SymmetricEigen};

pub(crate) mod ordering;
pub(crate) mod sparse;

/// The power of two that brings a row's `size` (a gradient's or Jacobian row's largest entry)
/// into [1, 2) when it is below 1/1024 or above `max`, else 1 (rows of ordinary size run
/// unchanged); within 2^±1000. Multiplying by it is exact: constraints of the augmented
/// Lagrangian and rows of a system F(x) = 0 of size 1e±200 are solved as if of size 1. Scaling
/// up makes an absolute tolerance stricter in the user's units; scaling down loosens it.
pub(crate) fn row_scale(size: f64, max: f64) -> f64 {
    if size == 0.0 || !size.is_finite() || (1.0 / 1024.0..=max).contains(&size) {
        1.0
    } else {
        (-size.log2().floor()).clamp(-1000.0, 1000.0).exp2()
    }
}

/// ‖v‖₂ computed as max|vᵢ|·‖v/max|vᵢ|‖₂, so that entries of size 1e±200 neither overflow
/// nor underflow in the squares (nalgebra's `norm` squares them as they are); NaN stays NaN.
pub(crate) fn norm<'a>(v: impl IntoIterator<Item = &'a f64> + Clone) -> f64 {
    let big = v.clone().into_iter().fold(0.0f64, |a, x| a.max(x.abs()));
    if big == 0.0 || big.is_infinite() {
        return big + v.into_iter().sum::<f64>() * 0.0;
    }
    big * v.into_iter().map(|x| (x / big).powi(2)).sum::<f64>().sqrt()
}

/// Eigen-decomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as columns in
/// the same order. Only the lower triangle is read.
pub(crate) fn symmetric_eigen(a: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    if a.nrows() == 0 {
        return (Vec::new(), DMatrix::zeros(0, 0));
    }
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
    let max_abs = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let min_diag = (0..n).map(|i| a[(i, i)]).fold(f64::INFINITY, f64::min);
    shifted_solve(b, max_abs, min_diag, |tau| {
        cholesky_solve(&(a + DMatrix::identity(n, n) * tau), b)
    })
}

/// The shift loop of modified Newton, for any storage: `attempt(τ)` solves (a + τI) x = b by a
/// Cholesky factorization, `None` when it fails; τ runs through 0 (or β − min a_ii when a
/// diagonal entry is not positive), then doubles from β = 1e-3 · max|a_ij| (Nocedal & Wright,
/// Algorithm 3.3). Returns (x, τ). Dense ([`shifted_cholesky_solve`]) and sparse
/// ([`sparse::SparseCholesky::shifted_solve`]) Newton steps are the same sequence of shifts.
pub(crate) fn shifted_solve(
    b: &[f64],
    max_abs: f64,
    min_diag: f64,
    mut attempt: impl FnMut(f64) -> Option<Vec<f64>>,
) -> (Vec<f64>, f64) {
    let scale = max_abs.max(f64::MIN_POSITIVE);
    let beta = 1e-3 * scale;
    let mut tau = if min_diag > 0.0 { 0.0 } else { beta - min_diag };
    for _ in 0..200 {
        if let Some(x) = attempt(tau) {
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

/// Thin singular value decomposition a = U Σ Vᵀ: (U as m × k, σ descending, V as n × k),
/// k = min(m, n). A matrix with a non-finite entry gives NaN everywhere (nalgebra panics on it).
pub(crate) fn svd(a: &DMatrix<f64>) -> (DMatrix<f64>, Vec<f64>, DMatrix<f64>) {
    if !a.iter().all(|v| v.is_finite()) {
        let k = a.nrows().min(a.ncols());
        return (
            DMatrix::from_element(a.nrows(), k, f64::NAN),
            vec![f64::NAN; k],
            DMatrix::from_element(a.ncols(), k, f64::NAN),
        );
    }
    if a.nrows() == 0 || a.ncols() == 0 {
        return (
            DMatrix::zeros(a.nrows(), 0),
            Vec::new(),
            DMatrix::zeros(a.ncols(), 0),
        );
    }
    let s = a.clone().svd(true, true);
    let (u, vt) = (
        s.u.unwrap_or_else(|| DMatrix::zeros(0, 0)),
        s.v_t.unwrap_or_else(|| DMatrix::zeros(0, 0)),
    );
    let mut order: Vec<usize> = (0..s.singular_values.len()).collect();
    order.sort_by(|&i, &j| s.singular_values[j].total_cmp(&s.singular_values[i]));
    let sigma = order.iter().map(|&i| s.singular_values[i]).collect();
    let u = DMatrix::from_fn(u.nrows(), order.len(), |r, c| u[(r, order[c])]);
    let v = DMatrix::from_fn(vt.ncols(), order.len(), |r, c| vt[(order[c], r)]);
    (u, sigma, v)
}

/// Least-squares solution of a x = b for full column rank a by Householder QR; `None` when R is
/// (numerically) singular.
pub(crate) fn qr_solve(a: &DMatrix<f64>, b: &[f64]) -> Option<Vec<f64>> {
    let qr = a.clone().qr();
    let qtb = qr.q().transpose() * nalgebra::DVector::from_column_slice(b);
    let r = qr.r();
    let x = r.solve_upper_triangular(&qtb)?;
    x.iter()
        .all(|v| v.is_finite())
        .then(|| x.iter().copied().collect())
}

/// The λ ≥ 0 with ‖p(λ)‖ = radius for p(λ)_i = σ_i β_i / (σ_i² + λ) (the secular equation of
/// trust-region least squares, Tikhonov regularization and norm-constrained least squares),
/// by Newton's method on 1/radius − 1/‖p(λ)‖ (Moré 1978; Hebden 1973), safeguarded by bisection.
/// Assumes ‖p(0)‖ > radius (else λ = 0 is the answer).
pub(crate) fn secular_lambda(sigma: &[f64], beta: &[f64], radius: f64) -> f64 {
    let norm = |lam: f64| -> (f64, f64) {
        let (mut s2, mut ds2) = (0.0, 0.0);
        for (s, b) in sigma.iter().zip(beta) {
            let d = s * s + lam;
            if d > 0.0 {
                let p = s * b / d;
                s2 += p * p;
                ds2 += -2.0 * p * p / d;
            }
        }
        (s2.sqrt(), ds2)
    };
    let gnorm = sigma
        .iter()
        .zip(beta)
        .map(|(s, b)| (s * b).powi(2))
        .sum::<f64>()
        .sqrt();
    let (mut lo, mut hi) = (0.0, gnorm / radius);
    let mut lam = 0.5 * hi;
    for _ in 0..200 {
        let (pn, ds2) = norm(lam);
        if (pn - radius).abs() <= 1e-12 * radius {
            break;
        }
        if pn > radius {
            lo = lam;
        } else {
            hi = lam;
        }
        // φ(λ) = 1/r − 1/‖p‖, φ' = (d‖p‖²/dλ) / (2‖p‖³).
        let phi = 1.0 / radius - 1.0 / pn;
        let dphi = ds2 / (2.0 * pn * pn * pn);
        let next = lam - phi / dphi;
        lam = if next > lo && next < hi {
            next
        } else {
            0.5 * (lo + hi)
        };
        if hi - lo <= 1e-15 * hi {
            break;
        }
    }
    lam
}
