//! Levenberg–Marquardt for nonlinear least squares min ½‖r(x)‖², r: Rⁿ → Rᵐ (Moré, "The
//! Levenberg–Marquardt algorithm: implementation and theory", 1978; MINPACK `lmder`):
//!
//! - scaling D_j = max over iterations of the Jacobian's column norms ‖J_j‖, so the method is
//!   invariant to the units of each parameter;
//! - trust-region control of the damping: each step solves min ‖Jp + r‖ subject to ‖Dp‖ ≤ Δ,
//!   through the SVD of J D⁻¹ and the secular equation for the Levenberg parameter λ;
//! - Δ₀ = 100‖D x0‖ (100 when x0 = 0); Δ halves when the reduction ratio ρ < ¼ and becomes 2‖Dp‖
//!   when ρ > ¾ or the step is the Gauss–Newton step; steps with ρ ≥ 1e-4 are accepted.
//!
//! Stops: [`Termination::SmallStep`] when Δ ≤ `xtol`‖Dx‖ or a Gauss–Newton step is that small
//! (`xtol` = 1e-14) — reported as [`Termination::GradientNorm`] (converged) only when r is
//! orthogonal to J's columns to a cosine of 1e-8 there, else a stall; [`Termination::GradientNorm`] when every column of J is orthogonal to r
//! within `gtol` = 1e-15 (cosine); [`Termination::SmallFChange`] when actual and predicted relative
//! reductions of ‖r‖² are below `ftol` (off by default: near the solution ‖r‖² stops changing
//! long before the parameters stop, and the last Gauss–Newton steps, accepted when their predicted
//! and actual changes are at rounding level, are what gives NIST StRD accuracy). The covariance
//! σ²(JᵀJ)⁻¹ with σ² = ‖r‖²/(m − n) comes with the result.

use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};
use crate::expr::FormulaSet;
use crate::linalg;
use crate::solve::Termination;

type ResidualFn<'a> = Box<dyn Fn(&[f64], &mut [f64]) + 'a>;
type JacobianFn<'a> = Box<dyn Fn(&[f64], &mut DMatrix<f64>) + 'a>;

/// A least-squares problem: m residuals in n parameters, with an optional Jacobian.
pub struct LeastSquares<'a> {
    m: usize,
    n: usize,
    residuals: ResidualFn<'a>,
    jacobian: Option<JacobianFn<'a>>,
}

impl std::fmt::Debug for LeastSquares<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LeastSquares {{ m: {}, n: {}, jacobian: {} }}",
            self.m,
            self.n,
            self.jacobian.is_some()
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
        }
    }

    /// Adds the m × n Jacobian (otherwise central differences are used).
    pub fn with_jacobian(mut self, j: impl Fn(&[f64], &mut DMatrix<f64>) + 'a) -> Self {
        self.jacobian = Some(Box::new(j));
        self
    }

    /// Residual formulas with their exact Jacobian.
    pub fn from_formulas(set: &'a FormulaSet) -> Self {
        let (m, n) = (set.len(), set.dim());
        LeastSquares::new(m, n, move |x: &[f64], r: &mut [f64]| set.values_into(x, r))
            .with_jacobian(move |x: &[f64], j: &mut DMatrix<f64>| set.jacobian_into(x, j))
    }

    /// Number of residuals.
    pub fn residual_count(&self) -> usize {
        self.m
    }

    /// Number of parameters.
    pub fn dim(&self) -> usize {
        self.n
    }
}

/// Settings of Levenberg–Marquardt (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevenbergMarquardt {
    /// Relative reduction tolerance on ‖r‖² (0: off).
    pub ftol: f64,
    /// Relative tolerance on the scaled step.
    pub xtol: f64,
    /// Orthogonality tolerance between r and the columns of J.
    pub gtol: f64,
    /// Limit on residual evaluations.
    pub max_evals: usize,
}

impl Default for LevenbergMarquardt {
    fn default() -> Self {
        LevenbergMarquardt {
            ftol: 0.0,
            xtol: 1e-14,
            gtol: 1e-15,
            max_evals: 10_000,
        }
    }
}

/// The result of a least-squares fit.
#[derive(Debug, Clone, PartialEq)]
pub struct LsqReport {
    /// The parameters.
    pub x: Vec<f64>,
    /// The residuals at x.
    pub residuals: Vec<f64>,
    /// ‖r‖².
    pub rss: f64,
    /// σ²(JᵀJ)⁻¹, σ² = ‖r‖²/(m − n) (None when J is rank deficient or m ≤ n).
    pub covariance: Option<DMatrix<f64>>,
    /// √diag of the covariance.
    pub standard_errors: Option<Vec<f64>>,
    /// Iterations (Jacobian evaluations minus one).
    pub iterations: usize,
    /// Residual evaluations.
    pub residual_evaluations: usize,
    /// Jacobian evaluations (numerical ones counted in residual evaluations too).
    pub jacobian_evaluations: usize,
    /// Why it stopped.
    pub termination: Termination,
    /// Whether the termination is a certificate checked at x ([`Termination::certifies`]).
    pub converged: bool,
}

struct Counter<'p, 'a> {
    p: &'p LeastSquares<'a>,
    r_evals: usize,
    j_evals: usize,
}

impl Counter<'_, '_> {
    fn residuals(&mut self, x: &[f64]) -> Vec<f64> {
        self.r_evals += 1;
        let mut r = vec![0.0; self.p.m];
        (self.p.residuals)(x, &mut r);
        r
    }

    fn jacobian(&mut self, x: &[f64], r0: &[f64]) -> DMatrix<f64> {
        self.j_evals += 1;
        let mut j = DMatrix::zeros(self.p.m, self.p.n);
        match &self.p.jacobian {
            Some(jac) => jac(x, &mut j),
            None => {
                crate::diff::central_differences(
                    x,
                    r0,
                    |p, out| (self.p.residuals)(p, out),
                    j.as_mut_slice(),
                );
                self.r_evals += 2 * self.p.n;
            }
        }
        j
    }
}

/// Cosine bound of first order at the end of a run that stopped on a small step or f change.
const STALL_GTOL: f64 = 1e-8;

/// max_c |J_cᵀr| / (‖J_c‖‖r‖): the orthogonality of r to the columns of J (lmder's gnorm; 0 when
/// r = 0).
fn gradient_cosine(j: &DMatrix<f64>, r: &[f64]) -> f64 {
    let rn = norm2(r).sqrt();
    let rv = DVector::from_column_slice(r);
    (0..j.ncols())
        .map(|c| {
            let cn = j.column(c).norm();
            if cn == 0.0 || rn == 0.0 {
                0.0
            } else {
                (j.column(c).dot(&rv) / (cn * rn)).abs()
            }
        })
        .fold(0.0f64, f64::max)
}

fn norm2(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum()
}

impl LevenbergMarquardt {
    /// Solves `problem` from `x0`.
    pub fn solve(&self, problem: &LeastSquares<'_>, x0: &[f64]) -> Result<LsqReport> {
        let (m, n) = (problem.m, problem.n);
        Error::check_dim("x0", n, x0.len())?;
        if m == 0 || n == 0 {
            return Err(Error::invalid(
                "least squares",
                format!("{m} residuals in {n} parameters"),
            ));
        }
        if let Some(i) = x0.iter().position(|v| !v.is_finite()) {
            return Err(Error::invalid(
                "x0",
                format!("x0[{i}] = {} is not finite", x0[i]),
            ));
        }
        let mut ev = Counter {
            p: problem,
            r_evals: 0,
            j_evals: 0,
        };
        let mut x = x0.to_vec();
        let mut r = ev.residuals(&x);
        let mut f = norm2(&r);
        if !f.is_finite() {
            return Err(Error::NonFinite {
                what: "residuals at x0".into(),
                at: x,
            });
        }
        let mut j = ev.jacobian(&x, &r);
        let mut d = vec![0.0; n];
        let update_scale = |d: &mut Vec<f64>, j: &DMatrix<f64>| {
            for (c, dc) in d.iter_mut().enumerate() {
                *dc = dc.max(j.column(c).norm());
            }
        };
        update_scale(&mut d, &j);
        let dfloor =
            |d: &[f64]| -> Vec<f64> { d.iter().map(|&v| if v > 0.0 { v } else { 1.0 }).collect() };
        let dx_norm = |d: &[f64], x: &[f64]| {
            dfloor(d)
                .iter()
                .zip(x)
                .map(|(a, b)| (a * b).powi(2))
                .sum::<f64>()
                .sqrt()
        };
        let mut delta = {
            let s = dx_norm(&d, &x);
            if s > 0.0 { 100.0 * s } else { 100.0 }
        };
        let mut iterations = 0;
        let termination = loop {
            if ev.r_evals >= self.max_evals {
                break Termination::MaxEvaluations;
            }
            if !j.iter().all(|v| v.is_finite()) {
                break Termination::ObjectiveNotFinite;
            }
            if gradient_cosine(&j, &r) <= self.gtol {
                break Termination::GradientNorm;
            }
            let ds = dfloor(&d);
            let js = DMatrix::from_fn(m, n, |i, c| j[(i, c)] / ds[c]);
            let (u, sigma, v) = linalg::svd(&js);
            let b: Vec<f64> = (0..sigma.len())
                .map(|k| u.column(k).dot(&DVector::from_column_slice(&r)))
                .collect();
            let cut = sigma.first().copied().unwrap_or(0.0) * f64::EPSILON * (m.max(n) as f64);
            let gn: Vec<f64> = sigma
                .iter()
                .zip(&b)
                .map(|(s, bi)| if *s > cut { -bi / s } else { 0.0 })
                .collect();
            let gn_norm = gn.iter().map(|a| a * a).sum::<f64>().sqrt();
            let (coef, lambda) = if gn_norm <= 1.1 * delta {
                (gn, 0.0)
            } else {
                let neg_b: Vec<f64> = b.iter().map(|v| -v).collect();
                let lam = linalg::secular_lambda(&sigma, &neg_b, delta);
                (
                    sigma
                        .iter()
                        .zip(&b)
                        .map(|(s, bi)| -s * bi / (s * s + lam))
                        .collect(),
                    lam,
                )
            };
            let ps: Vec<f64> = (0..n)
                .map(|row| (0..coef.len()).map(|k| v[(row, k)] * coef[k]).sum())
                .collect();
            let pnorm = ps.iter().map(|a| a * a).sum::<f64>().sqrt();
            let p: Vec<f64> = ps.iter().zip(&ds).map(|(a, s)| a / s).collect();
            let xt: Vec<f64> = x.iter().zip(&p).map(|(a, b)| a + b).collect();
            let rt = ev.residuals(&xt);
            let ft = norm2(&rt);
            let jp = &j * DVector::from_column_slice(&p);
            let lin: f64 = r.iter().zip(jp.iter()).map(|(a, b)| (a + b).powi(2)).sum();
            let predicted = f - lin;
            let actual = f - ft;
            if !ft.is_finite() {
                delta = 0.25 * pnorm;
                continue;
            }
            let rho = if predicted > 0.0 {
                actual / predicted
            } else {
                0.0
            };
            if rho < 0.25 {
                delta = 0.5 * delta.min(10.0 * pnorm);
            } else if rho > 0.75 || lambda == 0.0 {
                delta = 2.0 * pnorm;
            }
            // Also accept a step whose predicted and actual changes are both at rounding level:
            // the Gauss–Newton polish that solves Jᵀr = 0 to the data's precision.
            let at_rounding =
                predicted <= 64.0 * f64::EPSILON * f && actual >= -64.0 * f64::EPSILON * f;
            if rho >= 1e-4 || (at_rounding && lambda == 0.0) {
                x = xt;
                r = rt;
                f = ft;
                j = ev.jacobian(&x, &r);
                update_scale(&mut d, &j);
                iterations += 1;
            }
            let fscale = f.max(f64::MIN_POSITIVE);
            if self.ftol > 0.0
                && actual.abs() <= self.ftol * fscale
                && predicted <= self.ftol * fscale
                && rho <= 2.0
            {
                break Termination::SmallFChange;
            }
            let xs = dx_norm(&d, &x);
            if delta <= self.xtol * xs || (lambda == 0.0 && pnorm <= self.xtol * xs) {
                break Termination::SmallStep;
            }
        };
        // A small step or f change is a stall unless first order holds at x: r orthogonal to
        // the columns of J to STALL_GTOL (cosine), or r zero.
        let termination = match termination {
            Termination::SmallStep | Termination::SmallFChange
                if gradient_cosine(&j, &r) <= STALL_GTOL =>
            {
                Termination::GradientNorm
            }
            t => t,
        };
        let (covariance, standard_errors) = covariance(&j, f, m, n);
        Ok(LsqReport {
            x,
            residuals: r,
            rss: f,
            covariance,
            standard_errors,
            iterations,
            residual_evaluations: ev.r_evals,
            jacobian_evaluations: ev.j_evals,
            converged: termination.certifies(),
            termination,
        })
    }
}

/// σ²(JᵀJ)⁻¹ = σ² V Σ⁻² Vᵀ from the SVD of J (None when J is rank deficient or m ≤ n).
fn covariance(
    j: &DMatrix<f64>,
    rss: f64,
    m: usize,
    n: usize,
) -> (Option<DMatrix<f64>>, Option<Vec<f64>>) {
    if m <= n {
        return (None, None);
    }
    let (_, sigma, v) = linalg::svd(j);
    let cut = sigma.first().copied().unwrap_or(0.0) * f64::EPSILON * (m as f64);
    if sigma.iter().any(|s| *s <= cut) {
        return (None, None);
    }
    let s2 = rss / (m - n) as f64;
    let cov = DMatrix::from_fn(n, n, |a, b| {
        s2 * (0..n)
            .map(|k| v[(a, k)] * v[(b, k)] / (sigma[k] * sigma[k]))
            .sum::<f64>()
    });
    let se = (0..n).map(|i| cov[(i, i)].sqrt()).collect();
    (Some(cov), Some(se))
}
