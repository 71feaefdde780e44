//! Sparse symmetric matrices (both triangles stored, compressed columns) for Newton steps at
//! scale: products, and the Cholesky factorization of nalgebra-sparse
//! ([`CscCholesky`], left-looking, after an elimination-tree symbolic phase) behind a
//! fill-reducing ordering ([`super::ordering::minimum_degree`]), which nalgebra-sparse does not
//! do itself. The ordering and the symbolic factorization are computed once per pattern; each
//! factorization is numeric only, O(nnz(L)) memory.
//!
//! Known cost: nalgebra-sparse 0.12's symbolic phase clears an n-length mark array for every
//! column, O(n²) time (not memory) once per pattern. Tridiagonal pattern, release build: 0.25 s
//! at n = 10⁵, 2.6 s at 3·10⁵, 24 s at 10⁶ (97 MB), about half of a sparse Newton run on chained
//! Rosenbrock at n = 10⁶ (20 iterations, 46–51 s, peak RSS 558 MB, O(nnz)). Its result type has no
//! constructor from a precomputed pattern, so a symbolic phase of our own cannot feed its numeric
//! one; the way out is faer's sparse Cholesky, whose build time this project has not paid.

use nalgebra::DMatrixViewMut;
use nalgebra_sparse::factorization::{CscCholesky, CscSymbolicCholesky};
use nalgebra_sparse::pattern::SparsityPattern;

use super::ordering::minimum_degree;

/// Marks a diagonal entry the permuted pattern adds (the shift τI needs every diagonal entry).
const ADDED: usize = usize::MAX;

/// out = A v for a symmetric matrix stored with both triangles (`values` in the order of
/// `pattern`'s entries, column by column).
pub(crate) fn symmetric_mul(pattern: &SparsityPattern, values: &[f64], v: &[f64], out: &mut [f64]) {
    out.fill(0.0);
    let offsets = pattern.major_offsets();
    let rows = pattern.minor_indices();
    for (j, &vj) in v.iter().enumerate() {
        if vj == 0.0 {
            continue;
        }
        for p in offsets[j]..offsets[j + 1] {
            out[rows[p]] += values[p] * vj;
        }
    }
}

/// The Cholesky factorization of P(A + τI)Pᵀ for a fixed symmetric pattern, P the
/// minimum-degree permutation.
#[derive(Debug, Clone)]
pub(crate) struct SparseCholesky {
    /// `order[k]`: the variable in position k of the permuted matrix.
    order: Vec<usize>,
    /// Per entry of the permuted pattern: the index of the entry in the original values, or
    /// [`ADDED`] for a diagonal entry the original pattern lacks.
    source: Vec<usize>,
    /// Positions of the permuted diagonal entries in `values`.
    diagonal: Vec<usize>,
    symbolic: CscSymbolicCholesky,
    /// The permuted, shifted values handed to the numeric factorization.
    values: Vec<f64>,
    factor: Option<CscCholesky<f64>>,
    /// Whether `factor` holds a successful factorization (a failed one leaves its workspace
    /// dirty, so the next one starts from the symbolic factorization again).
    ok: bool,
    /// Permuted right-hand side and solution.
    work: Vec<f64>,
}

impl SparseCholesky {
    /// Orders the symmetric `pattern` (both triangles) and factors it symbolically.
    pub(crate) fn new(pattern: &SparsityPattern) -> Self {
        let n = pattern.major_dim();
        let order = minimum_degree(pattern);
        let mut position = vec![0; n];
        for (k, &old) in order.iter().enumerate() {
            position[old] = k;
        }
        // (new column, new row, source entry) for every entry and each missing diagonal.
        let mut has_diagonal = vec![false; n];
        let mut entries: Vec<(usize, usize, usize)> = Vec::with_capacity(pattern.nnz() + n);
        for j in 0..n {
            let range = pattern.major_offsets()[j]..pattern.major_offsets()[j + 1];
            for p in range {
                let i = pattern.minor_indices()[p];
                has_diagonal[j] |= i == j;
                entries.push((position[j], position[i], p));
            }
        }
        for (j, &has) in has_diagonal.iter().enumerate() {
            if !has {
                entries.push((position[j], position[j], ADDED));
            }
        }
        entries.sort_unstable();
        let mut offsets = vec![0; n + 1];
        for &(c, _, _) in &entries {
            offsets[c + 1] += 1;
        }
        for c in 0..n {
            offsets[c + 1] += offsets[c];
        }
        let diagonal = entries
            .iter()
            .enumerate()
            .filter(|(_, (c, r, _))| c == r)
            .map(|(q, _)| q)
            .collect();
        let rows = entries.iter().map(|&(_, r, _)| r).collect();
        let source = entries.into_iter().map(|(_, _, p)| p).collect();
        let permuted = SparsityPattern::try_from_offsets_and_indices(n, n, offsets, rows)
            .expect("a permutation of a valid pattern is valid");
        SparseCholesky {
            order,
            values: vec![0.0; permuted.nnz()],
            source,
            diagonal,
            symbolic: CscSymbolicCholesky::factor(permuted),
            factor: None,
            ok: false,
            work: vec![0.0; n],
        }
    }

    /// Entries of the Cholesky factor L (the fill the ordering left).
    #[cfg(test)]
    pub(crate) fn factor_nnz(&self) -> usize {
        self.symbolic.l_pattern().nnz()
    }

    /// Factors P(sign·A + τI)Pᵀ for the values `a` of the original pattern; false when it is
    /// not (numerically) positive definite.
    pub(crate) fn factor(&mut self, a: &[f64], sign: f64, tau: f64) -> bool {
        for (v, &s) in self.values.iter_mut().zip(&self.source) {
            *v = if s == ADDED { 0.0 } else { sign * a[s] };
        }
        for &q in &self.diagonal {
            self.values[q] += tau;
        }
        self.ok = match (&mut self.factor, self.ok) {
            (Some(f), true) => f.refactor(&self.values).is_ok(),
            _ => match CscCholesky::factor_numerical(self.symbolic.clone(), &self.values) {
                Ok(f) => {
                    self.factor = Some(f);
                    true
                }
                Err(_) => false,
            },
        };
        self.ok
    }

    /// Solves with the last successful factorization ([`SparseCholesky::factor`] returned
    /// true); `None` when the solution is not finite or there is none.
    pub(crate) fn solve(&mut self, b: &[f64]) -> Option<Vec<f64>> {
        let factor = self.factor.as_ref().filter(|_| self.ok)?;
        let n = self.order.len();
        for (w, &old) in self.work.iter_mut().zip(&self.order) {
            *w = b[old];
        }
        factor.solve_mut(DMatrixViewMut::from_slice(&mut self.work, n, 1));
        let mut x = vec![0.0; n];
        for (&w, &old) in self.work.iter().zip(&self.order) {
            x[old] = w;
        }
        x.iter().all(|v| v.is_finite()).then_some(x)
    }

    /// Modified Newton's solve of (A + τI) x = b with the shifts of [`super::shifted_solve`]
    /// (the same sequence as the dense [`super::shifted_cholesky_solve`]). Returns (x, τ).
    pub(crate) fn shifted_solve(&mut self, a: &[f64], b: &[f64]) -> (Vec<f64>, f64) {
        let max_abs = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let min_diag = self
            .diagonal
            .iter()
            .map(|&q| match self.source[q] {
                ADDED => 0.0,
                s => a[s],
            })
            .fold(f64::INFINITY, f64::min);
        super::shifted_solve(b, max_abs, min_diag, |tau| {
            if self.factor(a, 1.0, tau) {
                self.solve(b)
            } else {
                None
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::coloring::symmetric_pattern;
    use nalgebra::DMatrix;

    /// A random symmetric sparse matrix: (pattern, values, dense copy).
    fn random(n: usize, seed: u64, diag: f64) -> (SparsityPattern, Vec<f64>, DMatrix<f64>) {
        let mut rng = crate::rng::Rng::new(seed);
        let mut dense = DMatrix::zeros(n, n);
        let mut entries = Vec::new();
        for _ in 0..2 * n {
            let (i, j) = (rng.below(n), rng.below(n));
            let v = rng.normal();
            dense[(i, j)] = v;
            dense[(j, i)] = v;
            entries.push((i, j));
        }
        // Leave some diagonal entries out of the pattern (the shift must add them).
        for i in (0..n).filter(|i| i % 3 != 0) {
            dense[(i, i)] += diag;
            entries.push((i, i));
        }
        let pattern = symmetric_pattern(n, &entries).unwrap();
        let values = (0..n)
            .flat_map(|j| pattern.lane(j).iter().map(move |&i| (i, j)))
            .map(|(i, j)| dense[(i, j)])
            .collect();
        (pattern, values, dense)
    }

    #[test]
    fn solves_equal_dense_and_shifts_match() {
        for (seed, n) in [(1, 5), (2, 30), (3, 80)] {
            let (pattern, values, dense) = random(n, seed, 10.0);
            let b: Vec<f64> = (0..n).map(|i| (i as f64).sin()).collect();
            let mut chol = SparseCholesky::new(&pattern);
            let (x, tau) = chol.shifted_solve(&values, &b);
            let (xd, taud) = crate::linalg::shifted_cholesky_solve(&dense, &b);
            assert_eq!(tau, taud, "n = {n}");
            let err = x
                .iter()
                .zip(&xd)
                .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
            assert!(
                err < 1e-9 * xd.iter().fold(1.0f64, |m, v| m.max(v.abs())),
                "{err}"
            );
            let mut ax = vec![0.0; n];
            symmetric_mul(&pattern, &values, &xd, &mut ax);
            let dx = &dense * nalgebra::DVector::from_column_slice(&xd);
            assert!(ax.iter().zip(dx.iter()).all(|(a, b)| (a - b).abs() < 1e-9));
        }
    }

    #[test]
    fn arrow_and_tridiagonal_factors_do_not_fill() {
        let n = 500;
        let arrow: Vec<_> = (0..n).flat_map(|i| [(0, i), (i, i)]).collect();
        let tri: Vec<_> = (0..n)
            .flat_map(|i| [(i, i), (i, (i + 1).min(n - 1))])
            .collect();
        for entries in [arrow, tri] {
            let chol = SparseCholesky::new(&symmetric_pattern(n, &entries).unwrap());
            assert_eq!(chol.factor_nnz(), 2 * n - 1);
        }
    }

    #[test]
    fn indefinite_then_definite_after_failure() {
        let (pattern, values, _) = random(40, 9, 0.0);
        let mut chol = SparseCholesky::new(&pattern);
        assert!(!chol.factor(&values, 1.0, 0.0));
        assert!(chol.solve(&[0.0; 40]).is_none());
        // After a failed factorization the next one starts clean and is right.
        let (x, tau) = chol.shifted_solve(&values, &[1.0; 40]);
        assert!(tau > 0.0);
        let mut ax = vec![0.0; 40];
        symmetric_mul(&pattern, &values, &x, &mut ax);
        assert!(
            ax.iter()
                .zip(&x)
                .all(|(a, x)| (a + tau * x - 1.0).abs() < 1e-8)
        );
    }
}
