//! The one loop every minimizer runs in, and the parts every other family's loop shares.
//!
//! # The contract
//! A run's `converged` is true only when its [`Termination`] is a certificate
//! ([`Termination::certifies`]) that was checked at the returned point. For the minimizers the
//! driver does that check at the end of a run: the first-order test of [`super::certificate`] at the
//! returned x for every gradient method, whatever test stopped it (an f/x-change test or a
//! line-search failure at a stationary point becomes `gradient_norm`; elsewhere it stays a named
//! stall); then, where curvature is at hand (an exact Hessian, or a second-order method), the
//! second-order test: a negative eigenvalue of the Hessian on the free variables along whose
//! eigenvector f decreases by more than 1e-8·max(|f|, min(1, |f(x0)|)) makes the point a saddle
//! or maximum (negative curvature without such a decrease is rounding, e.g. near a degenerate
//! set of minima; the floor follows f's own scale, so that f·1e-10 is judged as f). Without a
//! gradient, the first-order test is made on an extrapolated numerical gradient
//! ([`crate::diff::NumDiff::gradient`]), not on the run's central differences, whose step
//! ε^⅓·max(1, |x|) is too coarse far from the origin. Up to n = [`SECOND_ORDER_MAX_DIM`] from the dense Hessian's eigenvalues; above it
//! only for a method holding a sparse Hessian (Newton, trust region), by sparse Cholesky
//! factorizations (`certificate::sparse_negative_curvature`); otherwise the
//! certificate is first order only, but for a first-order method on a problem without a Hessian
//! (a black box) f is probed at x ± h on each axis up to that n (`axis_curvature`, 2n values):
//! a lower value there is stepped off as a saddle. At a saddle or maximum the method steps off along that
//! direction and goes on (a quasi-Newton or CG method forgets its model); f
//! still falling after 64 doublings of that step is `unbounded`. A first-order method thus ends
//! at a minimum where scipy's stops at the saddle and reports success: Biggs EXP6's saddle
//! f = 5.65565e-3 (scipy 1.17's BFGS at gtol 1e-5 and 1e-8, CG, L-BFGS-B), from which BFGS goes
//! on to f = 0.
//! Zeroth-order methods certify themselves (Nelder–Mead's restart test, Brent's bracket).
//!
//! # For the other families: [`Monitor`]
//! Least squares, the augmented Lagrangian, root finders and fits have loops of their own, but
//! must not re-implement limits, time, callbacks, trace or counting. They hold a [`Monitor`]:
//!
//! ```text
//! let mut mon = Monitor::new(options, DEFAULT_MAX_ITER, callback);
//! mon.start_point(IterationInfo { iteration: 0, .. });
//! let termination = loop {
//!     if let Some(t) = mon.limit(k, evaluations) { break t; }   // iterations, evaluations, time
//!     // … one iteration of the method; its own stop tests …
//!     k += 1;
//!     if mon.wants_records() {                                    // trace, callback
//!         if let Some(t) = mon.record(IterationInfo { iteration: k, .. }) { break t; }
//!     }
//! };
//! // converged: only from a certificate checked at the returned x (solve::certificate)
//! ```
//!
//! `evaluations` is the family's count of the expensive calls (f + gradient for minimizers,
//! residual vectors for least squares and systems, every objective call inside an augmented
//! Lagrangian's inner runs). The trace ([`Monitor::into_trace`]) and the elapsed time
//! ([`Monitor::elapsed`]) go into the family's report.

use std::time::{Duration, Instant};

use super::certificate::{NegativeCurvature, is_stationary, projected_gradient_norm};
use super::options::Options;
use super::report::{IterationInfo, Report, Termination};
use super::verdict::{Start, Verdict, certify};
use crate::error::{Error, Result};
use crate::problem::{Evaluator, Problem};

/// f below this means the problem is unbounded below.
const UNBOUNDED_F: f64 = -1e300;
/// ‖x‖∞ above this means the iterates run away to infinity (every family's loop).
pub(crate) const UNBOUNDED_X: f64 = 1e150;
/// Largest dimension for the dense second-order check at the returned point (a Hessian and its
/// eigenvalues, O(n³)); beyond it the certificate is first order only.
pub const SECOND_ORDER_MAX_DIM: usize = 200;

/// The current point as the driver and the methods share it.
#[derive(Debug, Clone)]
pub(crate) struct Iterate {
    pub(crate) x: Vec<f64>,
    pub(crate) f: f64,
    /// ∇f(x) for methods that use it, else empty.
    pub(crate) g: Vec<f64>,
}

/// What one method needs to implement.
pub(crate) trait Solver {
    /// Whether the iterate carries a gradient (and the gradient test applies); gradient methods
    /// by default.
    fn uses_gradient(&self) -> bool {
        true
    }
    /// Whether curvature is at hand (a Hessian, exact or numerical, or a model of it): the
    /// driver then checks second order at a first-order point even without an exact Hessian
    /// and, at a saddle or maximum, steps off along negative curvature instead of stopping (as
    /// it does for every gradient method when the Hessian is exact).
    fn second_order(&self) -> bool {
        false
    }
    /// The driver moved the iterate (stepping off a saddle): drop state tied to the old point.
    fn moved(&mut self) {}
    /// The second-order check at `x` above [`SECOND_ORDER_MAX_DIM`], from the method's own
    /// sparse Hessian and factorization (no dense matrix): `None` when the method has none
    /// (the certificate is then first order only).
    fn sparse_negative_curvature(
        &mut self,
        _ev: &mut Evaluator<'_, '_>,
        _x: &[f64],
        _free: &[bool],
        _rtol: f64,
    ) -> Result<Option<Option<NegativeCurvature>>> {
        Ok(None)
    }
    /// Evaluates the start (`it.x` is set): by default f and ∇f.
    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        super::first_order::start_with_gradient(ev, it)
    }
    /// One iteration: updates `it` or returns the reason to stop. An iteration that rejects its
    /// trial leaves `it.x` unchanged (the driver's f/x-change tests then do not apply).
    fn step(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate)
    -> Result<Option<Termination>>;
    /// Default iteration limit for `n` variables when the user gives none:
    /// [`default_max_iter`].
    fn default_max_iter(&self, n: usize) -> usize {
        default_max_iter(n)
    }
}

/// The iteration limit for `n` variables when the user gives none: 200·n, at least 1000 (scipy's
/// rule for BFGS; R's `maxit = 100` stops L-BFGS short on chained Rosenbrock at n = 400, which
/// needs about 2000 iterations). Levenberg–Marquardt's too.
pub(crate) fn default_max_iter(n: usize) -> usize {
    1000.max(200 * n)
}

/// A callback's verdict after each iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop now ([`Termination::Callback`]).
    Stop,
}

/// A callback called with every iteration.
pub type Callback<'c> = &'c mut dyn FnMut(&IterationInfo) -> Control;

/// Limits, time, callback and trace of one run: what every family's loop shares (see the
/// module docs).
pub struct Monitor<'c> {
    start: Instant,
    max_iter: usize,
    max_evals: Option<usize>,
    time_limit: Option<Duration>,
    keep_trace: bool,
    callback: Option<Callback<'c>>,
    trace: Vec<IterationInfo>,
}

impl std::fmt::Debug for Monitor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Monitor {{ max_iter: {}, max_evals: {:?}, time_limit: {:?}, trace: {} }}",
            self.max_iter,
            self.max_evals,
            self.time_limit,
            self.trace.len()
        )
    }
}

impl<'c> Monitor<'c> {
    /// Starts the clock; `default_max_iter` applies when `options.max_iter` is not set.
    pub fn new(options: &Options, default_max_iter: usize, callback: Option<Callback<'c>>) -> Self {
        Monitor {
            start: Instant::now(),
            max_iter: options.max_iter.unwrap_or(default_max_iter),
            max_evals: options.max_evals,
            time_limit: options.time_limit,
            keep_trace: options.keep_trace,
            callback,
            trace: Vec::new(),
        }
    }

    /// Before an iteration: the limit reached after `iterations` iterations and `evaluations`
    /// evaluations, if any ([`Termination::MaxIterations`], [`Termination::MaxEvaluations`],
    /// [`Termination::TimeLimit`]).
    pub fn limit(&self, iterations: usize, evaluations: usize) -> Option<Termination> {
        if iterations >= self.max_iter {
            Some(Termination::MaxIterations)
        } else if self.max_evals.is_some_and(|m| evaluations >= m) {
            Some(Termination::MaxEvaluations)
        } else if self.time_limit.is_some_and(|t| self.start.elapsed() >= t) {
            Some(Termination::TimeLimit)
        } else {
            None
        }
    }

    /// Whether [`Monitor::record`] has a consumer (a callback or the trace): loops on many
    /// variables build the record only then.
    pub fn wants_records(&self) -> bool {
        self.callback.is_some() || self.keep_trace
    }

    /// Keeps the start point in the trace (no callback).
    pub fn start_point(&mut self, info: IterationInfo) {
        if self.keep_trace {
            self.trace.push(info);
        }
    }

    /// After an iteration (when [`Monitor::wants_records`]): keeps it in the trace and calls
    /// the callback;
    /// [`Termination::Callback`] when the callback asked to stop.
    pub fn record(&mut self, info: IterationInfo) -> Option<Termination> {
        let stop = self
            .callback
            .as_mut()
            .is_some_and(|cb| cb(&info) == Control::Stop);
        if self.keep_trace {
            self.trace.push(info);
        }
        stop.then_some(Termination::Callback)
    }

    /// Time since [`Monitor::new`].
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// The iterations kept (empty unless the options asked for a trace).
    pub fn into_trace(self) -> Vec<IterationInfo> {
        self.trace
    }
}

/// Runs `solver` from `x0` under `options`.
pub(crate) fn run(
    name: &str,
    solver: &mut dyn Solver,
    problem: &Problem<'_>,
    x0: &[f64],
    options: &Options,
    callback: Option<Callback<'_>>,
) -> Result<Report> {
    let mut mon = Monitor::new(options, solver.default_max_iter(problem.dim()), callback);
    Error::check_dim("x0", problem.dim(), x0.len())?;
    if problem.dim() == 0 {
        return Err(Error::invalid("problem", "it has no variables"));
    }
    if let Some(i) = x0.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(
            "x0",
            format!("x0[{i}] = {} is not finite", x0[i]),
        ));
    }
    let mut notes = Vec::new();
    let mut x = x0.to_vec();
    let bounds = problem.bounds();
    if let Some((lo, hi)) = bounds {
        let projected: Vec<f64> = (0..x.len()).map(|i| x[i].clamp(lo[i], hi[i])).collect();
        if projected != x {
            notes.push("x0 was outside the bounds and has been projected into them".to_string());
            x = projected;
        }
    }
    let mut ev = Evaluator::new(problem, options.nan_policy);
    let mut it = Iterate {
        x,
        f: f64::NAN,
        g: Vec::new(),
    };
    solver.start(&mut ev, &mut it)?;
    if !it.f.is_finite() || it.g.iter().any(|v| !v.is_finite()) {
        // A start whose gradient is not finite leaves f NaN too (the evaluator's back-off):
        // the evaluator knows which it was.
        let what = match ev.last_non_finite {
            Some(w) => w,
            None if it.f.is_finite() => "gradient",
            None => "value",
        };
        return Err(Error::NonFinite {
            what: format!("{what} at x0"),
            at: it.x.clone(),
        });
    }
    let uses_gradient = solver.uses_gradient();
    let gnorm = |it: &Iterate| {
        if uses_gradient {
            projected_gradient_norm(&it.x, &it.g, bounds)
        } else {
            f64::NAN
        }
    };
    let info = |k: usize, it: &Iterate, ev: &Evaluator<'_, '_>| IterationInfo {
        iteration: k,
        x: it.x.clone(),
        value: it.f,
        gradient_norm: gnorm(it),
        evaluations: ev.counts.f + ev.counts.gradient,
    };
    mon.start_point(info(0, &it, &ev));
    let mut start = Start::new(x0, it.f);
    let mut k = 0;
    let termination = loop {
        let stop = loop {
            if uses_gradient && is_stationary(&it.x, &it.g, bounds, options.g_tol) {
                break Termination::GradientNorm;
            }
            if let Some(t) = mon.limit(k, ev.counts.f + ev.counts.gradient) {
                break t;
            }
            // x is copied only for the f/x-change tests: an iteration of a limited-memory
            // method on 10⁶ variables copies nothing by default.
            let x_prev = (options.x_tol > 0.0 || options.f_tol > 0.0).then(|| it.x.clone());
            let f_prev = it.f;
            if let Some(t) = solver.step(&mut ev, &mut it)? {
                break t;
            }
            k += 1;
            if mon.wants_records() {
                if let Some(t) = mon.record(info(k, &it, &ev)) {
                    break t;
                }
            }
            if let Some(t) = diverged(&it) {
                break t;
            }
            if start.stalled(f_prev, it.f) {
                break Termination::NoProgress;
            }
            let Some(x_prev) = x_prev.filter(|p| *p != it.x) else {
                // No test asked for, or the trial was rejected: nothing moved, so nothing
                // converged either.
                continue;
            };
            let dx =
                it.x.iter()
                    .zip(&x_prev)
                    .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
            if options.x_tol > 0.0 && dx <= options.x_tol {
                break Termination::SmallStep;
            }
            if options.f_tol > 0.0
                && (f_prev - it.f).abs() <= options.f_tol * f_prev.abs().max(it.f.abs())
            {
                break Termination::SmallFChange;
            }
        };
        match certify(stop, solver, &mut ev, &mut it, options, &mut start)? {
            Verdict::Stop(t) => break t,
            Verdict::SteppedOff => {
                solver.moved();
                k += 1;
                if mon.wants_records() {
                    if let Some(t) = mon.record(info(k, &it, &ev)) {
                        break t;
                    }
                }
            }
        }
    };
    let gradient_norm = gnorm(&it);
    let elapsed = mon.elapsed();
    Ok(Report {
        method: name.to_string(),
        gradient: (!it.g.is_empty()).then(|| it.g.clone()),
        x: it.x,
        value: it.f,
        gradient_norm,
        iterations: k,
        evaluations: ev.counts,
        elapsed,
        converged: termination.certifies(),
        termination,
        notes,
        trace: mon.into_trace(),
    })
}

/// Non-finite f, f → −∞ or ‖x‖ → ∞.
fn diverged(it: &Iterate) -> Option<Termination> {
    if !it.f.is_finite() {
        Some(Termination::ObjectiveNotFinite)
    } else if it.f < UNBOUNDED_F || it.x.iter().any(|v| v.abs() > UNBOUNDED_X) {
        Some(Termination::Unbounded)
    } else {
        None
    }
}
