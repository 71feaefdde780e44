//! A nonlinear least-squares problem min ½‖r(x)‖², r: Rⁿ → Rᵐ: the residuals, an optional
//! Jacobian (central differences otherwise) and optional residual curvature Σ wᵢ∇²rᵢ (for the
//! second-order part of the certificate), with the evaluation counts the solver reports.

use nalgebra::DMatrix;

use crate::expr::FormulaSet;

/// Scaled residuals beyond this size (or below its reciprocal) are brought back to 1.
const BAND: f64 = 1.606_938_044_258_990_3e60;

type ResidualFn<'a> = Box<dyn Fn(&[f64], &mut [f64]) + 'a>;
type JacobianFn<'a> = Box<dyn Fn(&[f64], &mut DMatrix<f64>) + 'a>;
type CurvatureFn<'a> = Box<dyn Fn(&[f64], &[f64], &mut DMatrix<f64>) + 'a>;

/// A least-squares problem: m residuals in n parameters, with an optional Jacobian and optional
/// residual Hessians.
pub struct LeastSquares<'a> {
    pub(super) m: usize,
    pub(super) n: usize,
    residuals: ResidualFn<'a>,
    jacobian: Option<JacobianFn<'a>>,
    curvature: Option<CurvatureFn<'a>>,
}

impl std::fmt::Debug for LeastSquares<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LeastSquares {{ m: {}, n: {}, jacobian: {}, residual_hessians: {} }}",
            self.m,
            self.n,
            self.jacobian.is_some(),
            self.curvature.is_some()
        )
    }
}

impl<'a> LeastSquares<'a> {
    /// `m` residuals r(x) written into the output slice, `n` parameters.
    pub fn new(m: usize, n: usize, residuals: impl Fn(&[f64], &mut [f64]) + 'a) -> Self {
        LeastSquares {
            m,
            n,
            residuals: Box::new(residuals),
            jacobian: None,
            curvature: None,
        }
    }

    /// Adds the m × n Jacobian (otherwise central differences are used).
    pub fn with_jacobian(mut self, j: impl Fn(&[f64], &mut DMatrix<f64>) + 'a) -> Self {
        self.jacobian = Some(Box::new(j));
        self
    }

    /// Adds the residual curvature: `h(x, w, out)` writes the n × n matrix Σᵢ wᵢ∇²rᵢ(x) (NaN
    /// when it cannot be computed). With it the Hessian of ½‖r‖², JᵀJ + Σ rᵢ∇²rᵢ, is exact and
    /// a stationary point with negative curvature is reported as a saddle or maximum.
    pub fn with_residual_hessians(
        mut self,
        h: impl Fn(&[f64], &[f64], &mut DMatrix<f64>) + 'a,
    ) -> Self {
        self.curvature = Some(Box::new(h));
        self
    }

    /// Residual formulas with their exact Jacobian and residual Hessians.
    pub fn from_formulas(set: &'a FormulaSet) -> Self {
        let (m, n) = (set.len(), set.dim());
        LeastSquares::new(m, n, move |x: &[f64], r: &mut [f64]| set.values_into(x, r))
            .with_jacobian(move |x: &[f64], j: &mut DMatrix<f64>| set.jacobian_into(x, j))
            .with_residual_hessians(move |x: &[f64], w: &[f64], h: &mut DMatrix<f64>| {
                set.weighted_hessian_into(x, w, h)
            })
    }

    /// Number of residuals.
    pub fn residual_count(&self) -> usize {
        self.m
    }

    /// Number of parameters.
    pub fn dim(&self) -> usize {
        self.n
    }

    /// Whether residual Hessians were given (see [`LeastSquares::with_residual_hessians`]).
    pub fn has_residual_hessians(&self) -> bool {
        self.curvature.is_some()
    }
}

/// The problem with its evaluation counts and the evaluation budget (`Options::max_evals`): an
/// evaluation that would exceed it is not made (`None`), so the user's function never runs more
/// often than the budget allows.
pub(super) struct Counted<'p, 'a> {
    pub(super) p: &'p LeastSquares<'a>,
    /// Residual evaluations, those of numerical Jacobians included.
    pub(super) r_evals: usize,
    pub(super) j_evals: usize,
    budget: Option<usize>,
    /// The power of two c: the solver works with c·r in place of r (set by
    /// [`Counted::normalize`]); exact, and keeps ‖r‖² and JᵀJ clear of overflow and underflow
    /// when the residuals are of size 1e±200.
    pub(super) scale: f64,
}

impl<'p, 'a> Counted<'p, 'a> {
    pub(super) fn new(p: &'p LeastSquares<'a>, budget: Option<usize>) -> Self {
        Counted {
            p,
            r_evals: 0,
            j_evals: 0,
            budget,
            scale: 1.0,
        }
    }

    /// Keeps the scaled residuals `r` (= c·r(x)) of moderate size: when max|rᵢ| leaves
    /// [2⁻²⁰⁰, 2²⁰⁰], c is multiplied by the power of two k that brings it into [½, 1) (the
    /// scale kept within 2^±1000), `r` is scaled by k and k is returned (else 1: ordinary
    /// problems run with c = 1, unchanged). The solver multiplies what it keeps in the old units
    /// by k (J, the scales D, the trust radius) or k² (‖r‖²).
    pub(super) fn normalize(&mut self, r: &mut [f64]) -> f64 {
        let big = r.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        if big == 0.0 || (BAND.recip()..=BAND).contains(&big) {
            return 1.0;
        }
        let target = (self.scale.log2() - (big.log2().floor() + 1.0)).clamp(-1000.0, 1000.0);
        let k = (target - self.scale.log2()).exp2();
        self.scale = target.exp2();
        r.iter_mut().for_each(|v| *v *= k);
        k
    }

    /// The user's residuals r(x) times the scale.
    fn scaled(&self, x: &[f64], out: &mut [f64]) {
        (self.p.residuals)(x, out);
        out.iter_mut().for_each(|v| *v *= self.scale);
    }

    /// Whether `k` more residual evaluations fit in the budget.
    fn affords(&self, k: usize) -> bool {
        self.budget.is_none_or(|b| self.r_evals + k <= b)
    }

    /// c·r(x), or `None` when the budget is spent.
    pub(super) fn residuals(&mut self, x: &[f64]) -> Option<Vec<f64>> {
        if !self.affords(1) {
            return None;
        }
        self.r_evals += 1;
        let mut r = vec![0.0; self.p.m];
        self.scaled(x, &mut r);
        Some(r)
    }

    /// The Jacobian of c·r at x (`r0` = c·r(x), used by the central differences), or `None` when the
    /// 2n residual evaluations of a numerical one do not fit in the budget.
    pub(super) fn jacobian(&mut self, x: &[f64], r0: &[f64]) -> Option<DMatrix<f64>> {
        let mut j = DMatrix::zeros(self.p.m, self.p.n);
        match &self.p.jacobian {
            Some(jac) => {
                jac(x, &mut j);
                j *= self.scale;
            }
            None => {
                if !self.affords(self.jacobian_cost()) {
                    return None;
                }
                crate::diff::central_differences(
                    x,
                    r0,
                    |p, out| self.scaled(p, out),
                    j.as_mut_slice(),
                );
                self.r_evals += self.jacobian_cost();
            }
        }
        self.j_evals += 1;
        Some(j)
    }

    /// Residual evaluations of one Jacobian (2n for central differences, else 0).
    pub(super) fn jacobian_cost(&self) -> usize {
        if self.p.jacobian.is_some() {
            0
        } else {
            2 * self.p.n
        }
    }

    /// Σ rᵢ∇²rᵢ(x) of the scaled residuals (`r` = c·r(x)), when the problem has residual
    /// Hessians and they are finite.
    pub(super) fn curvature(&self, x: &[f64], r: &[f64]) -> Option<DMatrix<f64>> {
        let h = self.p.curvature.as_ref()?;
        let mut out = DMatrix::zeros(self.p.n, self.p.n);
        h(x, r, &mut out);
        out *= self.scale;
        out.iter().all(|v| v.is_finite()).then_some(out)
    }
}
