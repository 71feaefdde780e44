//! Levenberg–Marquardt for nonlinear least squares min ½‖r(x)‖², r: Rⁿ → Rᵐ (Moré, "The
//! Levenberg–Marquardt algorithm: implementation and theory", 1978; MINPACK `lmder`), with
//! geodesic acceleration (Transtrum & Sethna, "Improvements to the Levenberg–Marquardt algorithm
//! for nonlinear least-squares minimization", 2012):
//!
//! - scaling D_j = max(‖J_j‖, 0.8·D_j) at each new Jacobian: Moré's running maximum of the column
//!   norms (invariance to the units of each parameter), but forgetting, so that a parameter whose
//!   column was once huge is not frozen (NIST MGH10 from its first start walks b1 down forty
//!   orders of magnitude and back);
//! - trust-region control of the damping: the velocity v solves min ‖Jv + r‖ subject to
//!   ‖Dv‖ ≤ Δ, through the SVD of J D⁻¹ and the secular equation for the Levenberg parameter λ;
//! - geodesic acceleration: with r''_v ≈ (2/h)((r(x + hv) − r(x))/h − Jv), h = 0.1, the
//!   acceleration a solves the same damped system with r''_v in place of r; the step is v + a/2,
//!   predicted by the model r + J(v + a/2) + ½r''_v, and refused (as a failed step) when
//!   2‖Da‖ > α‖Dv‖, α = 0.75 (the paper's value): the quadratic term would dominate, so the model
//!   is not to be trusted that far. This keeps the iteration out of the plateaus that stop MINPACK
//!   on BoxBOD and MGH09 (NIST, first start). A second-order part within 10× the residuals'
//!   rounding level is noise, and no acceleration is added;
//! - Δ₀ = 100‖D x0‖ (100 when x0 = 0); on a poor step (ρ < ¼) Δ shrinks by MINPACK's factor
//!   (½, or the minimizer of the quadratic through the actual change when f increased, at least
//!   1/10) applied to min(Δ, ‖Dp‖); on a good one (ρ > ¾, or the Gauss–Newton step) it becomes
//!   2‖Dp‖; steps with ρ ≥ 1e-4 are accepted;
//! - the polish: where the predicted and actual changes of f are both within its rounding noise
//!   (from the residuals' rounding levels ε(|rᵢ| + Σⱼ|Jᵢⱼxⱼ|)), f cannot tell a better point, and a
//!   step the ratio test refuses is accepted when it reduces the scaled gradient ‖D⁻¹Jᵀr‖ instead; this is what gives the
//!   NIST accuracy and solves Jᵀr = 0 where Gauss–Newton converges slowly (large residuals).
//!
//! The loop runs on the minimizers' [`Monitor`]: the iteration limit (accepted steps; by default
//! 200·n and at least 1000, as the minimizers), the evaluation limit (`Options::max_evals`, residual
//! evaluations with those of numerical Jacobians; never exceeded: an evaluation that would exceed it
//! is not made), the time limit, the callback and the trace (value ‖r‖², gradient norm ‖2Jᵀr‖∞)
//! of [`Options`]; LM's own tolerances are the fields of [`LevenbergMarquardt`].
//!
//! The loop stops when Δ ≤ `xtol`‖Dx‖ (a run of rejected steps: `no_progress`), when an accepted
//! step is that small or five iterations in the noise regime do not reduce the best scaled gradient
//! fourfold (`small_step`), when every column of J is orthogonal to r within `gtol` (cosine), or on
//! a limit. Whatever the reason, the report is converged only when the certificate holds at the
//! returned point (`least_squares/certificate.rs`): ‖r‖ at rounding level (`zero_residual`), or first
//! order plus, where residual Hessians are given, second order (`gradient_norm`); a stationary
//! point with negative curvature is `saddle` / `maximum`, one with a rank-deficient J and no
//! positive curvature to make up for it `singular_jacobian`. A stall (`small_step`, `no_progress`,
//! `max_iterations`) where ‖r‖² keeps falling or levels off to its infimum along a ray to infinity
//! is `unbounded` (`fit/finite.rs`'s test). The covariance σ²(JᵀJ)⁻¹ with
//! σ² = ‖r‖²/(m − n) comes with the result.

use nalgebra::{DMatrix, DVector};

use super::certificate::{self, Certificate};
use super::problem::{Counted, LeastSquares};
use crate::error::{Error, Result};
use crate::linalg;
use crate::solve::driver::default_max_iter;
use crate::solve::{Callback, IterationInfo, Monitor, Options, Termination};

/// Settings of Levenberg–Marquardt (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevenbergMarquardt {
    /// Relative reduction tolerance on ‖r‖² (0: off).
    pub ftol: f64,
    /// Relative tolerance on the scaled step (the loop's stall and small-step tests).
    pub xtol: f64,
    /// Orthogonality tolerance between r and the columns of J (stops the loop).
    pub gtol: f64,
    /// First-order certificate: the Gauss–Newton step is at most this times ‖Dx‖, or every
    /// column of J is orthogonal to r within this cosine.
    pub certify_tol: f64,
    /// Geodesic acceleration (Transtrum & Sethna 2012): one more residual evaluation per step.
    pub geodesic_acceleration: bool,
}

impl Default for LevenbergMarquardt {
    fn default() -> Self {
        LevenbergMarquardt {
            ftol: 0.0,
            xtol: 1e-14,
            gtol: 1e-15,
            certify_tol: 1e-8,
            geodesic_acceleration: true,
        }
    }
}

/// The result of a least-squares fit.
///
/// ```
/// use hessopt::solve::{LeastSquares, LevenbergMarquardt, Options};
/// // y = a·exp(b·t) through (0, 2), (1, 2e), (2, 2e²), (3, 2e³): a = 2, b = 1, zero residual.
/// let t = [0.0, 1.0, 2.0, 3.0];
/// let y: Vec<f64> = t.iter().map(|t: &f64| 2.0 * t.exp()).collect();
/// let problem = LeastSquares::new(4, 2, |p: &[f64], r: &mut [f64]| {
///     for i in 0..4 {
///         r[i] = p[0] * (p[1] * t[i]).exp() - y[i];
///     }
/// }); // no Jacobian given: central differences (.with_jacobian for an exact one)
/// let report = LevenbergMarquardt::default().solve(&problem, &[1.0, 0.5], &Options::default())?;
/// assert!(report.converged);
/// assert!((report.x[0] - 2.0).abs() < 1e-7 && (report.x[1] - 1.0).abs() < 1e-7);
/// println!("{report}"); // method, verdict, x, rss, counts, standard errors
/// # Ok::<(), hessopt::Error>(())
/// ```
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
    /// Iterations (accepted steps).
    pub iterations: usize,
    /// Residual evaluations (those of numerical Jacobians included).
    pub residual_evaluations: usize,
    /// Jacobian evaluations (numerical ones counted in residual evaluations too).
    pub jacobian_evaluations: usize,
    /// Why it stopped: a certificate when `converged`, else the named stop.
    pub termination: Termination,
    /// True only when the certificate held at `x`.
    pub converged: bool,
    /// The start and every accepted step (value ‖r‖², gradient norm ‖2Jᵀr‖∞, evaluations the
    /// residual evaluations so far), when `Options::keep_trace` asked for it.
    pub trace: Vec<IterationInfo>,
}

impl LsqReport {
    /// ‖r‖, computed without squaring the residuals as they are (finite where `rss` over- or
    /// underflows: residuals of size 1e±200).
    pub fn residual_norm(&self) -> f64 {
        linalg::norm(&self.residuals)
    }
}

fn norm2(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum()
}

/// ‖2Jᵀr‖∞, the gradient of ‖r‖².
fn gradient_inf_norm(j: &DMatrix<f64>, r: &[f64]) -> f64 {
    let r = DVector::from_column_slice(r);
    j.column_iter()
        .fold(0.0f64, |m, c| m.max((2.0 * c.dot(&r)).abs()))
}

/// ‖D⁻¹Jᵀr‖ (squared).
fn scaled_gradient(j: &DMatrix<f64>, r: &[f64], d: &[f64]) -> f64 {
    let r = DVector::from_column_slice(r);
    j.column_iter()
        .zip(d)
        .map(|(c, dc)| (c.dot(&r) / dc).powi(2))
        .sum()
}

/// J D⁻¹ = U Σ Vᵀ at the current point, with the scales D: solves the damped least-squares
/// systems min ‖J p + c‖² + λ‖D p‖² for any right-hand side c.
pub(super) struct ScaledSvd {
    u: DMatrix<f64>,
    pub(super) sigma: Vec<f64>,
    v: DMatrix<f64>,
    pub(super) d: Vec<f64>,
    /// Singular values at or below this count as zero (the Gauss–Newton step ignores them).
    pub(super) cut: f64,
}

impl ScaledSvd {
    pub(super) fn new(j: &DMatrix<f64>, d: &[f64]) -> Self {
        let (m, n) = j.shape();
        let js = DMatrix::from_fn(m, n, |i, c| j[(i, c)] / d[c]);
        let (u, sigma, v) = linalg::svd(&js);
        let cut = sigma.first().copied().unwrap_or(0.0) * f64::EPSILON * (m.max(n) as f64);
        ScaledSvd {
            u,
            sigma,
            v,
            d: d.to_vec(),
            cut,
        }
    }

    /// J with its columns scaled to unit norm (a zero column left as it is): the units-free
    /// form in which rank and covariance are judged.
    pub(super) fn columns(j: &DMatrix<f64>) -> Self {
        let d: Vec<f64> = j
            .column_iter()
            .map(|c| linalg::norm(c.iter()))
            .map(|v| if v > 0.0 { v } else { 1.0 })
            .collect();
        ScaledSvd::new(j, &d)
    }

    /// A singular value at or below ε·max(m, n)·σ_max (or fewer rows than columns).
    pub(super) fn rank_deficient(&self) -> bool {
        self.sigma.len() < self.d.len() || self.sigma.iter().any(|&s| s <= self.cut)
    }

    /// ‖Dp‖.
    pub(super) fn scaled_norm(&self, p: &[f64]) -> f64 {
        norm2(
            &p.iter()
                .zip(&self.d)
                .map(|(a, s)| a * s)
                .collect::<Vec<f64>>(),
        )
        .sqrt()
    }

    /// Uᵀc.
    pub(super) fn project(&self, c: &[f64]) -> Vec<f64> {
        let c = DVector::from_column_slice(c);
        (0..self.sigma.len())
            .map(|k| self.u.column(k).dot(&c))
            .collect()
    }

    /// The scaled solution coefficients −σb/(σ² + λ) (for λ = 0: −b/σ above the cut, 0 below).
    fn coefficients(&self, b: &[f64], lambda: f64) -> Vec<f64> {
        self.sigma
            .iter()
            .zip(b)
            .map(|(&s, &bi)| {
                if lambda > 0.0 {
                    -s * bi / (s * s + lambda)
                } else if s > self.cut {
                    -bi / s
                } else {
                    0.0
                }
            })
            .collect()
    }

    /// The step p (in x units) and ‖Dp‖ for coefficients in the V basis.
    fn unscale(&self, coef: &[f64]) -> (Vec<f64>, f64) {
        let n = self.d.len();
        let ps: Vec<f64> = (0..n)
            .map(|row| (0..coef.len()).map(|k| self.v[(row, k)] * coef[k]).sum())
            .collect();
        let norm = norm2(&ps).sqrt();
        (ps.iter().zip(&self.d).map(|(a, s)| a / s).collect(), norm)
    }

    /// min ‖J p + c‖² + λ‖D p‖² given b = Uᵀc: (p, ‖Dp‖).
    pub(super) fn solve(&self, b: &[f64], lambda: f64) -> (Vec<f64>, f64) {
        self.unscale(&self.coefficients(b, lambda))
    }

    /// The trust-region step for ‖Dp‖ ≤ Δ: (p, ‖Dp‖, λ), λ = 0 for the Gauss–Newton step.
    fn trust_step(&self, b: &[f64], gn_norm: f64, delta: f64) -> (Vec<f64>, f64, f64) {
        if gn_norm <= 1.1 * delta {
            let (p, pn) = self.solve(b, 0.0);
            return (p, pn, 0.0);
        }
        let neg_b: Vec<f64> = b.iter().map(|v| -v).collect();
        let lambda = linalg::secular_lambda(&self.sigma, &neg_b, delta);
        let (p, pn) = self.solve(b, lambda);
        (p, pn, lambda)
    }
}

/// Moré's scaling with forgetting: D_j = max(‖J_j‖, 0.8·D_j) at each new Jacobian.
const SCALE_MEMORY: f64 = 0.8;
/// Geodesic acceleration: finite-difference step h along v, and the largest 2‖Da‖/‖Dv‖.
const ACCEL_H: f64 = 0.1;
const ACCEL_RATIO: f64 = 0.75;
/// Accelerations refused in a row after which a refusal is checked for rounding taken for
/// curvature (one more evaluation, at h/4).
const SUSPECT_REFUSALS: usize = 2;

/// Why [`LevenbergMarquardt::trial`] made no trial step.
enum NoTrial {
    /// The acceleration dominates the velocity v (its ‖Dv‖): a failed step.
    Dominated(f64),
    /// The evaluation budget is spent.
    Budget,
}

/// One trial step: p, its scaled length ‖Dp‖, the velocity's ‖Dv‖, the Levenberg parameter, Jp,
/// and the model of r at x + p: r + Jp (+ ½r''_v with the acceleration).
struct Trial {
    p: Vec<f64>,
    pnorm: f64,
    vnorm: f64,
    lambda: f64,
    jp: DVector<f64>,
    model: Vec<f64>,
}

/// The iterate: x, r(x), f = ‖r‖², J(x) and the scales.
struct Iterate {
    x: Vec<f64>,
    r: Vec<f64>,
    f: f64,
    j: DMatrix<f64>,
    d: Vec<f64>,
}

impl Iterate {
    fn rescale(&mut self) {
        for (c, dc) in self.d.iter_mut().enumerate() {
            *dc = linalg::norm(self.j.column(c).iter()).max(SCALE_MEMORY * *dc);
        }
    }

    fn scales(&self) -> Vec<f64> {
        self.d
            .iter()
            .map(|&v| if v > 0.0 { v } else { 1.0 })
            .collect()
    }

    /// ‖Dx‖.
    fn dx_norm(&self) -> f64 {
        self.scales()
            .iter()
            .zip(&self.x)
            .map(|(a, b)| (a * b).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    /// The iterate as the trace and the callback see it, in the user's units (`c` the
    /// residuals' scale, [`Counted::normalize`]).
    fn info(&self, iteration: usize, evaluations: usize, c: f64) -> IterationInfo {
        IterationInfo {
            iteration,
            x: self.x.clone(),
            value: (self.f.sqrt() / c).powi(2),
            gradient_norm: gradient_inf_norm(&self.j, &self.r) / c / c,
            evaluations,
        }
    }

    /// f's rounding noise: 4(2Σ|rᵢ|τᵢ + ‖τ‖²) with τ the residuals' rounding levels.
    fn f_noise(&self, tau: &[f64]) -> f64 {
        4.0 * self
            .r
            .iter()
            .zip(tau)
            .map(|(ri, t)| 2.0 * ri.abs() * t + t * t)
            .sum::<f64>()
    }
}

/// Whether a stall is a run to infinity: ‖r‖² has no minimum, its infimum lies at infinity along
/// the steepest descent −Jᵀr, the ray x itself or (up to 20 parameters) a coordinate axis
/// ([`crate::fit::finite`]'s test, as `fit` applies it). lsq "exp(x)" stalled (`small_step`) at
/// x = −139 with ‖r‖ = 5.9e-61: ‖r‖ → 0 only as x → −∞. Probes are counted, within the budget
/// (a probe beyond it leaves the direction undecided).
fn runs_to_infinity(ev: &mut Counted<'_, '_>, it: &Iterate) -> bool {
    let n = it.x.len();
    let mut directions = vec![
        (it.j.transpose() * DVector::from_column_slice(&it.r))
            .iter()
            .map(|v| -v)
            .collect::<Vec<f64>>(),
    ];
    directions.push(it.x.clone());
    if n <= 20 {
        directions.extend(crate::fit::finite::axes(n));
    }
    let ev = std::cell::RefCell::new(ev);
    let rss = |x: &[f64]| ev.borrow_mut().residuals(x).map_or(f64::NAN, |r| norm2(&r));
    crate::fit::finite::descent_to_infinity(&rss, &it.x, &directions).is_some()
}

impl LevenbergMarquardt {
    /// Solves `problem` from `x0` under the limits of `options` (see the module docs).
    pub fn solve(
        &self,
        problem: &LeastSquares<'_>,
        x0: &[f64],
        options: &Options,
    ) -> Result<LsqReport> {
        self.solve_with_callback(problem, x0, options, None)
    }

    /// [`LevenbergMarquardt::solve`] with a callback called after every accepted step (value
    /// ‖r‖²); it can stop the run ([`Termination::Callback`]).
    pub fn solve_with_callback(
        &self,
        problem: &LeastSquares<'_>,
        x0: &[f64],
        options: &Options,
        callback: Option<Callback<'_>>,
    ) -> Result<LsqReport> {
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
        let mut mon = Monitor::new(options, default_max_iter(n), callback);
        let mut ev = Counted::new(problem, options.max_evals);
        let start_cost = 1 + ev.jacobian_cost();
        let budget_error = || {
            Error::invalid(
                "max_evals",
                format!(
                    "{} is fewer than the {start_cost} residual evaluations of the start (r and its Jacobian)",
                    options.max_evals.unwrap_or(0)
                ),
            )
        };
        let mut r = ev.residuals(x0).ok_or_else(budget_error)?;
        if !r.iter().all(|v| v.is_finite()) {
            return Err(Error::NonFinite {
                what: "residuals at x0".into(),
                at: x0.to_vec(),
            });
        }
        // From here on the solver sees c·r (exact: c is a power of two); the report unscales.
        ev.normalize(&mut r);
        let j = ev.jacobian(x0, &r).ok_or_else(budget_error)?;
        let f = norm2(&r);
        let mut it = Iterate {
            x: x0.to_vec(),
            r,
            f,
            j,
            d: vec![0.0; n],
        };
        it.rescale();
        if mon.wants_records() {
            mon.start_point(it.info(0, ev.r_evals, ev.scale));
        }
        let mut iterations = 0;
        let stop = self.iterate(&mut ev, &mut it, &mut mon, &mut iterations);
        let mut termination = match certificate::check(&ev, &it.x, &it.r, &it.j, self.certify_tol) {
            Certificate::Stationary(t) => t,
            Certificate::NotStationary if stop.certifies() => Termination::SmallStep,
            Certificate::NotStationary => stop,
        };
        if matches!(
            termination,
            Termination::SmallStep | Termination::NoProgress | Termination::MaxIterations
        ) && runs_to_infinity(&mut ev, &it)
        {
            termination = Termination::Unbounded;
        }
        let c = ev.scale;
        if !(it.f.sqrt() / c).powi(2).is_finite() {
            // ‖r‖ is finite (the solver ran on c·r) but its square is not: the estimate is right
            // and only the report's ‖r‖² cannot be held; dividing the residuals by a constant of
            // their size changes neither the estimate nor its standard errors.
            let norm = it.f.sqrt() / c;
            return Err(Error::invalid(
                "residuals",
                format!(
                    "‖r‖² overflows at the returned point x = {} (‖r‖ = {norm:.3e}): divide the residuals by about {:.0e} (the estimates and their standard errors stay the same)",
                    crate::display::vector_sig(&it.x, 15),
                    norm / (m as f64).sqrt()
                ),
            ));
        }
        let (covariance, standard_errors) = covariance(&it.j, it.f, m, n);
        Ok(LsqReport {
            x: it.x,
            residuals: it.r.iter().map(|v| v / c).collect(),
            rss: (it.f.sqrt() / c).powi(2),
            covariance,
            standard_errors,
            iterations,
            residual_evaluations: ev.r_evals,
            jacobian_evaluations: ev.j_evals,
            converged: termination.certifies(),
            termination,
            trace: mon.into_trace(),
        })
    }

    /// The trust-region step for radius Δ, with the geodesic acceleration when enabled
    /// (`Err(‖Dv‖)` when the acceleration dominates the velocity v); `refused` accelerations were
    /// refused in a row before this one.
    fn trial(
        &self,
        ev: &mut Counted<'_, '_>,
        it: &Iterate,
        svd: &ScaledSvd,
        delta: f64,
        refused: usize,
    ) -> std::result::Result<Trial, NoTrial> {
        let b = svd.project(&it.r);
        let (_, gn_norm) = svd.solve(&b, 0.0);
        let (v, vnorm, lambda) = svd.trust_step(&b, gn_norm, delta);
        let jv = &it.j * DVector::from_column_slice(&v);
        let mut model: Vec<f64> = it.r.iter().zip(jv.iter()).map(|(a, b)| a + b).collect();
        // r''_v ≈ (2/h)((r(x + hv) − r(x))/h − Jv); a second-order part within 10× the
        // residuals' rounding level is noise, not curvature (the polish steps near a solution).
        // The second-order part r(x + t·v) − r(x) − t·Jv of the residuals along v.
        // None when r(x + t·v) = r(x): the step is below the residuals' resolution and carries
        // no curvature (1e5·(eˣ − 1) at x = 1.4e-15).
        let mut second = |t: f64| -> std::result::Result<Option<Vec<f64>>, NoTrial> {
            let xt: Vec<f64> = it.x.iter().zip(&v).map(|(a, b)| a + t * b).collect();
            let rt = ev.residuals(&xt).ok_or(NoTrial::Budget)?;
            Ok((rt != it.r).then(|| {
                (0..it.r.len())
                    .map(|i| rt[i] - it.r[i] - t * jv[i])
                    .collect()
            }))
        };
        let plain = |v: Vec<f64>, jv: DVector<f64>, model: Vec<f64>| Trial {
            p: v,
            pnorm: vnorm,
            vnorm,
            lambda,
            jp: jv,
            model,
        };
        let at_h = if self.geodesic_acceleration && vnorm > 0.0 {
            let tau = certificate::rounding_level(&it.j, &it.x, &it.r);
            second(ACCEL_H)?.filter(|sh| norm2(sh) > 100.0 * norm2(&tau))
        } else {
            None
        };
        let Some(sh) = at_h else {
            return Ok(plain(v, jv, model));
        };
        let rvv: Vec<f64> = sh.iter().map(|s| 2.0 * s / (ACCEL_H * ACCEL_H)).collect();
        let (a, anorm) = svd.solve(&svd.project(&rvv), lambda);
        let dominated = 2.0 * anorm > ACCEL_RATIO * vnorm || anorm.is_nan();
        if dominated && refused >= SUSPECT_REFUSALS {
            // Curvature shrinks the second-order part sixteenfold from h to h/4; noise the
            // rounding level misses does not (exp(x) − 1 near its root 0: the terms eˣ and 1
            // round at ε, the model terms Jx at ε·|x|, and the trust radius collapsed at
            // x = 1.3e-15, small_step). Where it shrinks less than fourfold, or r does not
            // change at h/4: the plain step, judged by the ratio test.
            if second(0.25 * ACCEL_H)?.is_none_or(|sq| norm2(&sq) > norm2(&sh) / 16.0) {
                return Ok(plain(v, jv, model));
            }
        }
        if dominated {
            return Err(NoTrial::Dominated(vnorm));
        }
        let p: Vec<f64> = v.iter().zip(&a).map(|(vi, ai)| vi + 0.5 * ai).collect();
        let jp = &it.j * DVector::from_column_slice(&p);
        for (i, mi) in model.iter_mut().enumerate() {
            *mi = it.r[i] + jp[i] + 0.5 * rvv[i];
        }
        let pnorm = svd.scaled_norm(&p);
        Ok(Trial {
            p,
            pnorm,
            vnorm,
            lambda,
            jp,
            model,
        })
    }

    /// The iteration, until a stop, counting accepted steps in `k`; `it` ends at the last
    /// accepted point.
    fn iterate(
        &self,
        ev: &mut Counted<'_, '_>,
        it: &mut Iterate,
        mon: &mut Monitor<'_>,
        k: &mut usize,
    ) -> Termination {
        let mut delta = {
            let s = it.dx_norm();
            if s > 0.0 { 100.0 * s } else { 100.0 }
        };
        let mut noise_run = 0;
        // Accelerations refused in a row ([`SUSPECT_REFUSALS`]).
        let mut refused = 0;
        let mut best_gradient = scaled_gradient(&it.j, &it.r, &it.scales());
        loop {
            if let Some(t) = mon.limit(*k, ev.r_evals) {
                return t;
            }
            if !it.j.iter().all(|v| v.is_finite()) {
                return Termination::ObjectiveNotFinite;
            }
            if certificate::orthogonality(&it.j, &it.r) <= self.gtol {
                return Termination::GradientNorm;
            }
            let svd = ScaledSvd::new(&it.j, &it.scales());
            let t = match self.trial(ev, it, &svd, delta, refused) {
                Ok(t) => {
                    refused = 0;
                    t
                }
                Err(NoTrial::Budget) => return Termination::MaxEvaluations,
                Err(NoTrial::Dominated(vnorm)) => {
                    // The acceleration refused the step: a failed step.
                    refused += 1;
                    delta = 0.5 * delta.min(vnorm);
                    if delta <= self.xtol * it.dx_norm() {
                        return Termination::NoProgress;
                    }
                    continue;
                }
            };
            let xt: Vec<f64> = it.x.iter().zip(&t.p).map(|(a, b)| a + b).collect();
            let Some(rt) = ev.residuals(&xt) else {
                return Termination::MaxEvaluations;
            };
            let ft = norm2(&rt);
            let predicted = it.f - norm2(&t.model);
            let actual = it.f - ft;
            let rho = if predicted > 0.0 && ft.is_finite() {
                actual / predicted
            } else {
                0.0
            };
            // Where the predicted and actual changes are both within f's rounding noise, f can
            // no longer tell a better point: a step that the ratio test refuses is accepted when
            // it reduces the scaled gradient ‖D⁻¹Jᵀr‖ instead (the polish that gives NIST
            // accuracy and solves Jᵀr = 0 for large residuals), without shrinking Δ.
            let f_noise = it.f_noise(&certificate::rounding_level(&it.j, &it.x, &it.r));
            let noisy = ft.is_finite() && predicted.abs() <= f_noise && actual.abs() <= f_noise;
            let ordinary = ft.is_finite() && rho >= 1e-4;
            let mut j_trial = None;
            let polish = !ordinary && noisy && {
                let Some(jt) = ev.jacobian(&xt, &rt) else {
                    return Termination::MaxEvaluations;
                };
                let scales = it.scales();
                let better =
                    scaled_gradient(&jt, &rt, &scales) < scaled_gradient(&it.j, &it.r, &scales);
                j_trial = Some(jt);
                better
            };
            if !ft.is_finite() || (noisy && !ordinary && !polish) {
                delta = 0.25 * delta.min(t.pnorm);
            } else if polish {
                delta = delta.max(2.0 * t.pnorm);
            } else if rho < 0.25 {
                // MINPACK: halve, or the minimizer of the quadratic through f, f'(0) and the
                // actual value when f increased; never below a tenth.
                let dirder = -2.0 * (norm2(t.jp.as_slice()) + t.lambda * t.vnorm * t.vnorm);
                let mut temp = if actual >= 0.0 {
                    0.5
                } else {
                    0.5 * dirder / (dirder + 0.5 * actual)
                };
                if ft >= 100.0 * it.f || temp.is_nan() || temp < 0.1 {
                    temp = 0.1;
                }
                delta = temp * delta.min(t.pnorm);
            } else if rho > 0.75 || t.lambda == 0.0 {
                delta = 2.0 * t.pnorm;
            }
            // In the noise regime (actual change within f's noise, predicted one near it) progress
            // is measured by the scaled gradient: five iterations in a row there without
            // reducing its best value fourfold end the loop.
            if actual.abs() <= f_noise && predicted <= 16.0 * f_noise {
                noise_run += 1;
            } else {
                noise_run = 0;
            }
            let accepted = ordinary || polish;
            // The factor a rescaling of the residuals below puts on them: the step's length and
            // the changes of f are brought to the new units before the stop tests.
            let mut unit = 1.0;
            if accepted {
                let Some(jt) = j_trial.or_else(|| ev.jacobian(&xt, &rt)) else {
                    return Termination::MaxEvaluations;
                };
                it.j = jt;
                it.x = xt;
                it.r = rt;
                it.f = ft;
                let kr = ev.normalize(&mut it.r);
                if kr != 1.0 {
                    unit = kr;
                    it.j *= kr;
                    it.f = norm2(&it.r);
                    it.d.iter_mut().for_each(|v| *v *= kr);
                    delta *= kr;
                    best_gradient *= kr * kr;
                }
                it.rescale();
                let g = scaled_gradient(&it.j, &it.r, &it.scales());
                if g < 0.25 * best_gradient {
                    best_gradient = g;
                    noise_run = 0;
                }
                *k += 1;
                if mon.wants_records() {
                    if let Some(stop) = mon.record(it.info(*k, ev.r_evals, ev.scale)) {
                        return stop;
                    }
                }
            }
            let (actual, predicted, pnorm) = (
                actual * unit * unit,
                predicted * unit * unit,
                t.pnorm * unit,
            );
            let fscale = it.f.max(f64::MIN_POSITIVE);
            if self.ftol > 0.0
                && actual.abs() <= self.ftol * fscale
                && predicted <= self.ftol * fscale
                && rho <= 2.0
            {
                return Termination::SmallFChange;
            }
            let xs = it.dx_norm();
            if delta <= self.xtol * xs {
                return Termination::NoProgress;
            }
            if noise_run >= 5 || (accepted && pnorm <= self.xtol * xs) {
                return Termination::SmallStep;
            }
        }
    }
}

/// σ²(JᵀJ)⁻¹ = σ² D⁻¹V Σ⁻² VᵀD⁻¹ from the SVD of the column-scaled J D⁻¹ (None when it is rank
/// deficient or not finite, or m ≤ n).
fn covariance(
    j: &DMatrix<f64>,
    rss: f64,
    m: usize,
    n: usize,
) -> (Option<DMatrix<f64>>, Option<Vec<f64>>) {
    // A Jacobian that is not finite (the run stopped with objective_not_finite) has none.
    if m <= n || !j.iter().all(|v| v.is_finite()) {
        return (None, None);
    }
    let svd = ScaledSvd::columns(j);
    if svd.rank_deficient() {
        return (None, None);
    }
    let s2 = rss / (m - n) as f64;
    let (sigma, v, d) = (&svd.sigma, &svd.v, &svd.d);
    let cov = DMatrix::from_fn(n, n, |a, b| {
        s2 * (0..n)
            .map(|k| v[(a, k)] * v[(b, k)] / (sigma[k] * sigma[k]))
            .sum::<f64>()
            / (d[a] * d[b])
    });
    // From the factors, not √cov_ii: σ/dᵢ stays finite where σ²/dᵢ² would not (columns of
    // size 1e±200).
    let se = (0..n)
        .map(|i| {
            s2.sqrt()
                * (0..n)
                    .map(|k| (v[(i, k)] / sigma[k]).powi(2))
                    .sum::<f64>()
                    .sqrt()
                / d[i]
        })
        .collect();
    (Some(cov), Some(se))
}
