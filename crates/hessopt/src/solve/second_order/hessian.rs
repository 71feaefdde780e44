//! The Hessian Newton and the trust region hold: dense (n × n; dense Cholesky, eigenvalues) or
//! sparse (the problem's pattern and values; a sparse Cholesky behind a minimum-degree ordering,
//! products for Steihaug's CG), chosen by [`HessianStorage`]. Both take the same modified-Newton
//! shifts (`linalg::shifted_solve`) and the same trust-region logic, so a sparse run
//! makes the same iterates as a dense one to rounding; the sparse one needs O(nnz(L)) memory.

use nalgebra::{DMatrix, DVector};
use nalgebra_sparse::pattern::SparsityPattern;

use super::subproblem::Subproblem;
use crate::error::{Error, Result};
use crate::linalg;
use crate::linalg::sparse::{SparseCholesky, symmetric_mul};
use crate::problem::{Evaluator, Problem};
use crate::solve::certificate::{NegativeCurvature, sparse_negative_curvature};

/// Smallest dimension at which [`HessianStorage::Auto`] chooses the sparse Hessian of a
/// problem that also has a dense one (formulas).
pub const SPARSE_MIN_DIM: usize = 200;
/// Largest share of stored entries (nnz / n²) at which [`HessianStorage::Auto`] chooses it.
pub const SPARSE_MAX_DENSITY: f64 = 0.1;

/// How a second-order method stores the Hessian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HessianStorage {
    /// Sparse when the problem has a sparse Hessian ([`Problem::has_sparse_hessian`]: formulas,
    /// [`Problem::with_sparse_hessian`]) and either it has no dense one, or n ≥
    /// [`SPARSE_MIN_DIM`] with at most [`SPARSE_MAX_DENSITY`]·n² entries; dense otherwise.
    #[default]
    Auto,
    /// Always the dense n × n matrix (refused beyond the dense-matrix memory limit).
    Dense,
    /// Always the sparse Hessian (an error when the problem has none, or with the exact
    /// trust-region subproblem, which needs an eigendecomposition).
    Sparse,
}

/// The sparse Hessian of a run: pattern, values at the current point, and their factorization.
pub(crate) struct SparseModel {
    pattern: SparsityPattern,
    values: Vec<f64>,
    chol: SparseCholesky,
}

/// The Hessian a second-order method holds.
pub(crate) enum HeldHessian {
    Dense(DMatrix<f64>),
    Sparse(Box<SparseModel>),
}

impl HeldHessian {
    /// Chooses the storage for `problem` (see [`HessianStorage`]); `exact_subproblem` when the
    /// method needs an eigendecomposition (trust region with [`Subproblem::Exact`]).
    pub(crate) fn new(
        storage: HessianStorage,
        problem: &Problem<'_>,
        exact_subproblem: bool,
    ) -> Result<Self> {
        let n = problem.dim();
        let sparse = match storage {
            HessianStorage::Dense => false,
            HessianStorage::Sparse if exact_subproblem => {
                return Err(Error::invalid(
                    "Hessian storage",
                    "the exact trust-region subproblem needs a dense Hessian; use Steihaug's \
                     (trust-region's default) with a sparse one",
                ));
            }
            HessianStorage::Sparse => {
                if !problem.has_sparse_hessian() {
                    return Err(Error::invalid(
                        "Hessian storage",
                        "the problem has no sparse Hessian (give a formula or \
                         Problem::with_sparse_hessian)",
                    ));
                }
                true
            }
            HessianStorage::Auto => {
                !exact_subproblem
                    && problem.has_sparse_hessian()
                    && (!problem.has_hessian()
                        || (n >= SPARSE_MIN_DIM
                            && problem.sparse_hessian_pattern()?.is_some_and(|p| {
                                p.nnz() as f64 <= SPARSE_MAX_DENSITY * (n as f64).powi(2)
                            })))
            }
        };
        if let (true, Some(pattern)) = (sparse, problem.sparse_hessian_pattern()?) {
            return Ok(HeldHessian::Sparse(Box::new(SparseModel {
                values: vec![0.0; pattern.nnz()],
                chol: SparseCholesky::new(pattern),
                pattern: pattern.clone(),
            })));
        }
        crate::limits::check_dense(n, n, "Hessian")?;
        Ok(HeldHessian::Dense(DMatrix::zeros(n, n)))
    }

    /// ∇²f(x); false when an entry is not finite.
    pub(crate) fn evaluate(&mut self, ev: &mut Evaluator<'_, '_>, x: &[f64]) -> Result<bool> {
        Ok(match self {
            HeldHessian::Dense(h) => {
                ev.hessian(x, h)?;
                h.iter().all(|v| v.is_finite())
            }
            HeldHessian::Sparse(s) => {
                ev.sparse_hessian(x, &mut s.values)?;
                s.values.iter().all(|v| v.is_finite())
            }
        })
    }

    /// The modified Newton direction −(H + τI)⁻¹g (τ ≥ 0 the first shift of
    /// [`linalg::shifted_solve`] that makes the Cholesky factorization succeed).
    pub(crate) fn newton_direction(&mut self, g: &[f64]) -> Vec<f64> {
        let (mut d, _) = match self {
            HeldHessian::Dense(h) => linalg::shifted_cholesky_solve(h, g),
            HeldHessian::Sparse(s) => s.chol.shifted_solve(&s.values, g),
        };
        d.iter_mut().for_each(|v| *v = -*v);
        d
    }

    /// The model Hessian for a trust-region trial.
    pub(crate) fn model(&mut self) -> Model<'_> {
        match self {
            HeldHessian::Dense(h) => Model::Dense(h),
            HeldHessian::Sparse(s) => Model::Sparse(s),
        }
    }

    /// The second-order check at `x` without a dense matrix
    /// ([`crate::solve::certificate::sparse_negative_curvature`] on the Hessian evaluated at x):
    /// `None` for a dense Hessian (the driver's dense check applies) or when an entry is not
    /// finite.
    pub(crate) fn sparse_second_order(
        &mut self,
        ev: &mut Evaluator<'_, '_>,
        x: &[f64],
        free: &[bool],
        rtol: f64,
    ) -> Result<Option<Option<NegativeCurvature>>> {
        if matches!(self, HeldHessian::Dense(_)) || !self.evaluate(ev, x)? {
            return Ok(None);
        }
        let HeldHessian::Sparse(s) = self else {
            return Ok(None);
        };
        Ok(Some(sparse_negative_curvature(
            &s.pattern,
            &s.values,
            &mut s.chol,
            free,
            rtol,
        )))
    }
}

/// The model Hessian B of a trust-region trial.
pub(crate) enum Model<'a> {
    Dense(&'a DMatrix<f64>),
    Sparse(&'a mut SparseModel),
}

impl Model<'_> {
    /// B's diagonal.
    pub(crate) fn diagonal(&self) -> Vec<f64> {
        match self {
            Model::Dense(b) => b.diagonal().iter().copied().collect(),
            Model::Sparse(s) => {
                let mut d = vec![0.0; s.pattern.major_dim()];
                for (j, d) in d.iter_mut().enumerate() {
                    let range = s.pattern.major_offsets()[j]..s.pattern.major_offsets()[j + 1];
                    if let Some(p) = range.clone().find(|&p| s.pattern.minor_indices()[p] == j) {
                        *d = s.values[p];
                    }
                }
                d
            }
        }
    }

    /// B p.
    pub(crate) fn mul(&self, p: &[f64]) -> Vec<f64> {
        let n = p.len();
        match self {
            Model::Dense(b) => (0..n)
                .map(|i| (0..n).map(|j| b[(i, j)] * p[j]).sum())
                .collect(),
            Model::Sparse(s) => {
                let mut out = vec![0.0; n];
                symmetric_mul(&s.pattern, &s.values, p, &mut out);
                out
            }
        }
    }

    /// B⁻¹g when B is positive definite.
    pub(crate) fn definite_solve(&mut self, g: &[f64]) -> Option<Vec<f64>> {
        match self {
            Model::Dense(b) => linalg::cholesky_solve(b, g),
            Model::Sparse(s) => {
                if s.chol.factor(&s.values, 1.0, 0.0) {
                    s.chol.solve(g)
                } else {
                    None
                }
            }
        }
    }

    /// The subproblem in the scaled variables: minimize gsᵀp + ½pᵀ(D⁻¹BD⁻¹)p, ‖p‖ ≤ Δ.
    pub(crate) fn subproblem(
        &self,
        solver: Subproblem,
        d: &[f64],
        gs: &[f64],
        delta: f64,
    ) -> Vec<f64> {
        let n = d.len();
        match self {
            Model::Dense(b) => {
                let bs = DMatrix::from_fn(n, n, |i, j| b[(i, j)] / (d[i] * d[j]));
                solver.solve(&bs, gs, delta)
            }
            // HeldHessian::new refuses the exact subproblem with a sparse Hessian.
            Model::Sparse(s) => {
                let (mut scaled, mut out) = (vec![0.0; n], vec![0.0; n]);
                super::subproblem::steihaug_with(
                    |v: &DVector<f64>| {
                        for i in 0..n {
                            scaled[i] = v[i] / d[i];
                        }
                        symmetric_mul(&s.pattern, &s.values, &scaled, &mut out);
                        DVector::from_iterator(n, out.iter().zip(d).map(|(o, di)| o / di))
                    },
                    gs,
                    delta,
                )
            }
        }
    }
}
