//! What a minimizer's stop means: the certificate checks the driver ([`super::driver`], whose
//! module docs state the contract) makes at the returned point — first order on the (refined)
//! gradient, second order where curvature is at hand or on the axes of a black box, the bounds
//! tried where the projected gradient points out, the probe for an infimum at infinity — and the
//! step off a saddle or maximum along negative curvature.

use nalgebra::DMatrix;

use super::certificate::{NUMERICAL_EIGEN_RTOL, is_stationary, negative_curvature};
use super::driver::{Iterate, SECOND_ORDER_MAX_DIM, Solver};
use super::options::Options;
use super::report::Termination;
use crate::analysis::EIGEN_RTOL;
use crate::error::Result;
use crate::problem::Evaluator;

/// What the driver makes of a stop.
pub(super) enum Verdict {
    /// The run ends with this termination (a certificate only if its check held at x).
    Stop(Termination),
    /// The method was moved off a saddle or maximum; the run goes on.
    SteppedOff,
}

/// Refusals of a values-only certificate in a row, without progress in f, after which the run
/// ends `no_progress` (see [`Start::refuse`]).
const MAX_REFUSALS: usize = 3;

/// Iterations in a row without a significant decrease of f, after a refused values-only
/// certificate, that end the run `no_progress` (see [`Start::stalled`]).
const STALLED_ITERATIONS: usize = 10;

/// What the checks keep of a run: its start, and the refusals of its values-only certificates.
pub(super) struct Start<'a> {
    x0: &'a [f64],
    /// min(1, |f(x0)|): f's own scale for the significance of a decrease.
    floor: f64,
    refusals: usize,
    refused_at: f64,
    stalled: usize,
}

impl<'a> Start<'a> {
    pub(super) fn new(x0: &'a [f64], f0: f64) -> Self {
        Start {
            x0,
            floor: f0.abs().min(1.0),
            refusals: 0,
            refused_at: f64::INFINITY,
            stalled: 0,
        }
    }

    /// Whether f fell by more than 1e-8·max(|f|, floor) from `before` to `after`.
    fn significant(&self, before: f64, after: f64) -> bool {
        before - after > 1e-8 * after.abs().max(self.floor)
    }

    /// After an iteration from f = `before` to `after`: whether the run has stalled. Only after
    /// the extrapolated gradient refused a certificate (the method's own central differences met
    /// g_tol, the point's gradient did not): there a method whose differences are at their noise
    /// floor can creep without end — CG on chained Rosenbrock (n = 200) from values alone ran
    /// 40 000 iterations (4.6e8 f, 225 s) while f went from 5.2e-16 to 4.2e-16. Then
    /// [`STALLED_ITERATIONS`] iterations in a row without a significant decrease end it.
    pub(super) fn stalled(&mut self, before: f64, after: f64) -> bool {
        if self.refusals == 0 {
            return false;
        }
        self.stalled = if self.significant(before, after) {
            0
        } else {
            self.stalled + 1
        };
        self.stalled >= STALLED_ITERATIONS
    }

    /// The extrapolated gradient refused the certificate at f: whether the run may go on. A
    /// method whose own central differences keep meeting g_tol where the extrapolated gradient
    /// does not creeps: CG on chained Rosenbrock (n = 200) from values alone was refused at every
    /// iteration and ran 40 000 of them (4.6e8 f) while f went from 5.2e-16 to 4.2e-16. After
    /// [`MAX_REFUSALS`] refusals in a row with f lower by no more than 1e-8·max(|f|, floor)
    /// between them, it may not.
    fn refuse(&mut self, f: f64) -> bool {
        self.refusals = if self.significant(self.refused_at, f) {
            1
        } else {
            self.refusals + 1
        };
        self.refused_at = f;
        self.refusals < MAX_REFUSALS
    }
}

/// The certificate check at the returned point (see the module docs); a first-order certificate
/// without bounds is then checked against an infimum at infinity along the steepest descent
/// ([`asymptote`]).
pub(super) fn certify(
    stop: Termination,
    solver: &mut dyn Solver,
    ev: &mut Evaluator<'_, '_>,
    it: &mut Iterate,
    options: &Options,
    start: &mut Start<'_>,
) -> Result<Verdict> {
    let mut hessian = None;
    let verdict = certify_stationary(stop, solver, ev, it, options, start, &mut hessian)?;
    Ok(match verdict {
        Verdict::Stop(t) if t.certifies() && onto_bounds(ev, it, options)? => {
            Verdict::Stop(Termination::Unbounded)
        }
        Verdict::Stop(t) if t.certifies() && asymptote(ev, it, hessian.as_ref(), start.x0) => {
            Verdict::Stop(Termination::Unbounded)
        }
        v => v,
    })
}

/// A first-order certificate with bounds measures the projected gradient in units of x, so a
/// point just inside a bound with the gradient pushing out is certified however steep f is
/// there: log(x) on x ≥ 0 was `gradient_norm` at x = 9.3e-10 (f = −20.8, f' = 1.1e9, and f → −∞
/// at the bound). The coordinates the projection moves are put on their bounds and f is taken
/// there (one evaluation, only when some coordinate is not on its bound already): −∞ there is
/// an infimum at the bound (returns true: unbounded, the point kept where f is finite); a finite value no higher makes that point
/// the returned one (with its gradient, certified again by the same test); anything else (NaN,
/// higher: a kink at the bound) leaves the point as it was.
fn onto_bounds(ev: &mut Evaluator<'_, '_>, it: &mut Iterate, options: &Options) -> Result<bool> {
    let Some((lo, hi)) = ev.problem.bounds().filter(|_| !it.g.is_empty()) else {
        return Ok(false);
    };
    let snapped: Vec<f64> = (0..it.x.len())
        .map(|i| {
            let p = (it.x[i] - it.g[i]).clamp(lo[i], hi[i]);
            if p == lo[i] || p == hi[i] { p } else { it.x[i] }
        })
        .collect();
    if snapped == it.x {
        return Ok(false);
    }
    ev.counts.f += 1;
    let f = ev.problem.value(&snapped);
    if f == f64::NEG_INFINITY {
        return Ok(true);
    }
    if f.is_finite() && f <= it.f {
        let mut g = vec![0.0; it.x.len()];
        let fs = ev.value_grad(&snapped, &mut g)?;
        if fs.is_finite() && is_stationary(&snapped, &g, Some((lo, hi)), options.g_tol) {
            (it.x, it.f, it.g) = (snapped, fs, g);
        }
    }
    Ok(false)
}

/// Whether f falls or levels off to its infimum at infinity along −∇f from a point whose gradient
/// is small: −log(x) was certified `gradient_norm` at x = 1.3e8 (f = −18.7, unbounded below),
/// −√x at 3e15, e^(−x) at 18.5, 1/x at 1.1e4 (scipy's BFGS reports success at such points too).
/// Without a gradient (Nelder–Mead) the direction is x − x0, the way the run travelled.
/// The probes are counted; at a genuine minimum the first one raises f (one evaluation). Not with
/// bounds (a bound may hold the infimum: e^(−x) on x ≤ 100), and not where the second-order
/// check's Hessian is positive definite with a Newton step below
/// 1e-6·max(1, ‖x‖∞): a minimum is that close (e^(−x) at 18.5 has H = 9e-9 > 0, but its Newton
/// step is 1).
fn asymptote(
    ev: &mut Evaluator<'_, '_>,
    it: &Iterate,
    hessian: Option<&DMatrix<f64>>,
    x0: &[f64],
) -> bool {
    if ev.problem.bounds().is_some() {
        return false;
    }
    let near = 1e-6 * it.x.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let newton = hessian.and_then(|h| crate::linalg::cholesky_solve(h, &it.g));
    if newton.is_some_and(|s| s.iter().all(|v| v.abs() <= near)) {
        return false;
    }
    // Without a gradient (Nelder–Mead: e^(−x) from 0 was simplex_converged at x = 51.1) the way
    // the run travelled, x − x0, stands in for −∇f; where f has underflowed to a plateau (e^(−x)
    // at 5842: f = 0, g = 0), the ray from the origin through x.
    let d: Vec<f64> = if it.g.is_empty() {
        it.x.iter().zip(x0).map(|(a, b)| a - b).collect()
    } else if it.g.iter().all(|v| *v == 0.0) {
        it.x.clone()
    } else {
        it.g.iter().map(|v| -v).collect()
    };
    let calls = std::cell::Cell::new(0);
    let problem = ev.problem;
    let f = |x: &[f64]| {
        calls.set(calls.get() + 1);
        problem.value(x)
    };
    let found = super::certificate::infimum_at_infinity(&f, &it.x, it.f, &[d]).is_some();
    ev.counts.f += calls.get();
    found
}

/// The first- and second-order checks of [`certify`].
fn certify_stationary(
    stop: Termination,
    solver: &mut dyn Solver,
    ev: &mut Evaluator<'_, '_>,
    it: &mut Iterate,
    options: &Options,
    start: &mut Start<'_>,
    hessian: &mut Option<DMatrix<f64>>,
) -> Result<Verdict> {
    if !solver.uses_gradient() {
        return Ok(Verdict::Stop(stop));
    }
    let floor = start.floor;
    let problem = ev.problem;
    let bounds = problem.bounds();
    let given = stop;
    let stop = match stop {
        Termination::GradientNorm | Termination::NewtonDecrement => stop,
        Termination::SmallStep
        | Termination::SmallFChange
        | Termination::LineSearchFailed
        | Termination::TrustRegionCollapsed
            if is_stationary(&it.x, &it.g, bounds, options.g_tol) =>
        {
            Termination::GradientNorm
        }
        // A run that ran out of iterations or line search without a stationary point: is f
        // falling without bound along the steepest descent ray (x + y reaches only 1e17 … 1e40
        // in the iteration limit, short of UNBOUNDED_F and UNBOUNDED_X)? Asked only where the
        // probe's calls ([`probe_cost`]) fit in `max_evals`.
        Termination::MaxIterations | Termination::LineSearchFailed
            if options
                .max_evals
                .is_none_or(|m| ev.counts.f + ev.counts.gradient + probe_cost(ev) <= m) =>
        {
            let d = projected_descent(&it.x, &it.g, bounds);
            return Ok(Verdict::Stop(
                match step_off(ev, it, &d, Ray::Follow, floor)? {
                    StepOff::Unbounded => Termination::Unbounded,
                    StepOff::Moved | StepOff::Stuck => stop,
                },
            ));
        }
        other => return Ok(Verdict::Stop(other)),
    };
    if !problem.has_gradient() && stop == Termination::NewtonDecrement {
        // Re-checked below with this gradient and the certificate's Hessian.
        refined_is_stationary(ev, it, options)?;
    }
    if !problem.has_gradient() && stop == Termination::GradientNorm {
        // The run's central differences said stationary. Where the extrapolated gradient says
        // otherwise, the method goes on with it (a stall keeps its name); where no gradient can
        // be resolved at x, the run ends without a certificate.
        match refined_is_stationary(ev, it, options)? {
            Some(true) => {}
            Some(false) if given == Termination::GradientNorm => {
                return Ok(if start.refuse(it.f) {
                    Verdict::SteppedOff
                } else {
                    Verdict::Stop(Termination::NoProgress)
                });
            }
            Some(false) => return Ok(Verdict::Stop(given)),
            None if given == Termination::GradientNorm => {
                return Ok(Verdict::Stop(Termination::NoProgress));
            }
            None => return Ok(Verdict::Stop(given)),
        }
    }
    let exact = problem.has_hessian() || problem.sparse_built();
    if !(exact || solver.second_order()) {
        return axis_curvature(ev, it, options, floor, stop);
    }
    let rtol = if exact {
        EIGEN_RTOL
    } else {
        NUMERICAL_EIGEN_RTOL
    };
    let free = super::certificate::free_variables(&it.x, &it.g, bounds);
    let n = it.x.len();
    let found = if n > SECOND_ORDER_MAX_DIM {
        match solver.sparse_negative_curvature(ev, &it.x, &free, rtol)? {
            Some(found) => found,
            None => return Ok(Verdict::Stop(stop)),
        }
    } else {
        let mut h = DMatrix::zeros(n, n);
        ev.hessian(&it.x, &mut h)?;
        if h.iter().any(|v| !v.is_finite()) {
            return Ok(Verdict::Stop(stop));
        }
        let found = negative_curvature(&h, &free, rtol);
        *hessian = Some(h);
        found
    };
    let Some(neg) = found else {
        if stop == Termination::NewtonDecrement
            && bounds.is_none()
            && !decrement_holds(it, hessian.as_ref(), options)
        {
            // The model's decrement is not this Hessian's: the trust region collapsed short of
            // a minimum.
            return Ok(Verdict::Stop(Termination::TrustRegionCollapsed));
        }
        return Ok(Verdict::Stop(stop));
    };
    step_off(ev, it, &neg.direction, Ray::Move, floor).map(|moved| stepped(moved, stop))
}

/// The verdict after stepping off a saddle or maximum that stopped with `stop`.
fn stepped(moved: StepOff, stop: Termination) -> Verdict {
    match moved {
        StepOff::Moved => Verdict::SteppedOff,
        StepOff::Unbounded => Verdict::Stop(Termination::Unbounded),
        // No significant decrease along the negative curvature: it is rounding-level (e.g. the
        // residual terms of a zero-residual problem near a degenerate set of minima).
        StepOff::Stuck => Verdict::Stop(stop),
    }
}

/// The second-order test where no curvature is at hand (a black box without a Hessian and a
/// first-order method): f at x ± h·eᵢ on each free coordinate, h = ε^¼·max(1, |xᵢ|), 2n values,
/// up to n = [`SECOND_ORDER_MAX_DIM`] and within `max_evals`. A value below f(x) by more than
/// rounding (1000ε·max(|f|, `floor`)) on an axis is negative curvature there (or a lower point within
/// h): the method steps off along that axis as at a saddle found by the Hessian. Python's
/// minimize(lambda x: -x[0]**2, [0.0]) was `gradient_norm` converged at the maximum, and
/// x² − y² from (0, 0) or any (a, 0) at the saddle (scipy's BFGS reports success there too).
/// Saddles off the axes (x·y at 0) are not seen by this test.
fn axis_curvature(
    ev: &mut Evaluator<'_, '_>,
    it: &mut Iterate,
    options: &Options,
    floor: f64,
    stop: Termination,
) -> Result<Verdict> {
    let n = it.x.len();
    let affordable = options
        .max_evals
        .is_none_or(|m| ev.counts.f + ev.counts.gradient + 2 * n + probe_cost(ev) <= m);
    if n > SECOND_ORDER_MAX_DIM || !affordable || !it.f.is_finite() {
        return Ok(Verdict::Stop(stop));
    }
    let problem = ev.problem;
    let bounds = problem.bounds();
    let free = super::certificate::free_variables(&it.x, &it.g, bounds);
    let significant = it.f - 1e3 * f64::EPSILON * it.f.abs().max(floor).max(f64::MIN_POSITIVE);
    let mut p = it.x.clone();
    for i in (0..n).filter(|&i| free[i]) {
        let h = f64::EPSILON.sqrt().sqrt() * it.x[i].abs().max(1.0);
        let mut lowest = (f64::INFINITY, 0.0);
        for sign in [1.0, -1.0] {
            p[i] = it.x[i] + sign * h;
            if bounds.is_some_and(|(lo, hi)| !(lo[i]..=hi[i]).contains(&p[i])) {
                continue;
            }
            ev.counts.f += 1;
            let f = problem.value(&p);
            if f.is_finite() && f < lowest.0 {
                lowest = (f, sign);
            }
        }
        p[i] = it.x[i];
        if lowest.0 < significant {
            let mut axis = vec![0.0; n];
            axis[i] = lowest.1;
            return step_off(ev, it, &axis, Ray::Move, floor).map(|moved| stepped(moved, stop));
        }
    }
    Ok(Verdict::Stop(stop))
}

/// [`Termination::NewtonDecrement`] re-checked at the returned point: the gradient meets `g_tol`,
/// or the decrease ½gᵀH⁻¹g that the second-order check's Hessian H (positive definite) still
/// promises is at most 64ε|f| (the trust region's own test, 4ε|f|, is made with its model, a
/// quasi-Newton or finite-difference matrix from gradients that far from the origin may be
/// coarse: a trust region with numerical derivatives on 10·(1.58^atan(x − 1e6) + 0.05(x − 1e6)²)
/// stopped so 1.1e-3 short of the minimum, f 2e-5 (relative) too high). Without bounds and a
/// dense H; otherwise the model's test stands.
fn decrement_holds(it: &Iterate, hessian: Option<&DMatrix<f64>>, options: &Options) -> bool {
    let Some(h) = hessian else { return true };
    if is_stationary(&it.x, &it.g, None, options.g_tol) {
        return true;
    }
    crate::linalg::cholesky_solve(h, &it.g).is_some_and(|s| {
        0.5 * s.iter().zip(&it.g).map(|(a, b)| a * b).sum::<f64>()
            <= 64.0 * f64::EPSILON * it.f.abs()
    })
}

/// The first-order test on an extrapolated gradient ([`crate::diff::NumDiff::gradient`]) at a
/// point where the run's own central differences (step ε^⅓·max(1, |x|)) met `g_tol`: at x near
/// 1e4 that step is 0.06, and x + logsumexp(atan(x − 1e4), 0) + 0.05(x − 1e4)² + … was certified
/// with a true derivative of −7.03e-8 (at 1e7: −0.011). The extrapolation's ladder starts at
/// 0.04·max(1, |x|), then at 1e-4, 1e-6, 1e-8 times it, until two trusted estimates (finite error
/// estimates) agree within twice their errors and 1% of `g_tol`; where they disagree the one from
/// smaller steps stands (large steps alias: 1e-8·(atan2(2.668, 2 + sin(v³)) + …) with v = y − 1e5
/// had the trusted estimate 2.9e-9 ± 3e-12 from the first ladder and −5.80e-8 from the others,
/// exact −5.80e-8). `it.g` takes the estimate: `Some(stationary)`; `None` when no estimate is
/// trusted (the point's gradient cannot be resolved, so it certifies nothing).
fn refined_is_stationary(
    ev: &mut Evaluator<'_, '_>,
    it: &mut Iterate,
    options: &Options,
) -> Result<Option<bool>> {
    let problem = ev.problem;
    let bounds = problem.bounds();
    let mut chosen: Option<crate::diff::GradientEstimate> = None;
    for first_step in [None, Some(1e-4), Some(1e-6), Some(1e-8)] {
        let mut numdiff = crate::diff::NumDiff::new();
        if let Some(step) = first_step {
            numdiff = numdiff.with_first_step(step)?;
        }
        if let Some((lo, hi)) = bounds {
            numdiff = numdiff.with_bounds(lo.to_vec(), hi.to_vec())?;
        }
        let est = numdiff.gradient(&|x: &[f64]| problem.value(x), &it.x)?;
        ev.counts.f += est.evaluations;
        if !est.error.iter().chain(&est.gradient).all(|v| v.is_finite()) {
            continue;
        }
        let agree = chosen.as_ref().is_some_and(|prev| {
            (0..est.gradient.len()).all(|i| {
                (prev.gradient[i] - est.gradient[i]).abs()
                    <= 2.0 * (prev.error[i] + est.error[i]) + 0.01 * options.g_tol
            })
        });
        chosen = Some(est);
        if agree {
            break;
        }
    }
    Ok(chosen.map(|est| {
        it.g = est.gradient;
        is_stationary(&it.x, &it.g, bounds, options.g_tol)
    }))
}

enum StepOff {
    /// f decreased significantly along ±v (and, with [`Ray::Move`], the iterate moved).
    Moved,
    /// f still decreased after 64 doublings of the step along the ray.
    Unbounded,
    /// No decrease by more than 1e-8·max(1, |f|) along ±v (negative curvature at rounding
    /// level).
    Stuck,
}

/// What [`step_off`] does with the iterate.
#[derive(Clone, Copy, PartialEq)]
enum Ray {
    /// Moves it to the best point found along the ray.
    Move,
    /// Leaves it unless f fell over all the doublings (then it moves there: the run ends
    /// [`Termination::Unbounded`] at the lowest point seen).
    Follow,
}

/// The most calls [`step_off`] makes: [`HALVINGS`] + [`DOUBLINGS`] values, then value and
/// gradient at up to [`MOVE_TRIES`] points (a gradient is one call, or 2n values when it is
/// numerical).
fn probe_cost(ev: &Evaluator<'_, '_>) -> usize {
    let gradient = if ev.problem.has_gradient() {
        1
    } else {
        2 * ev.dim()
    };
    HALVINGS + DOUBLINGS + MOVE_TRIES * (1 + gradient)
}

/// How often [`step_off`] halves its first step looking for a significant decrease.
const HALVINGS: usize = 60;

/// How often [`step_off`] doubles the step while f keeps falling before calling f unbounded
/// below (a step 1.8e19 times the first).
const DOUBLINGS: usize = 64;

/// How many points [`step_off`] tries, halving back along the ray, for one whose value and
/// gradient are finite.
const MOVE_TRIES: usize = 4;

/// −g projected on the bounds (zero where a bound blocks the descent), scaled to ‖·‖∞ = 1.
fn projected_descent(x: &[f64], g: &[f64], bounds: Option<(&[f64], &[f64])>) -> Vec<f64> {
    let mut d: Vec<f64> = (0..x.len())
        .map(|i| {
            let blocked = bounds.is_some_and(|(lo, hi)| {
                (x[i] <= lo[i] && g[i] > 0.0) || (x[i] >= hi[i] && g[i] < 0.0)
            });
            if blocked { 0.0 } else { -g[i] }
        })
        .collect();
    let big = d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    d.iter_mut().for_each(|v| *v /= big);
    d
}

/// Steps from x along `v` (from a saddle or maximum: the direction of negative curvature),
/// signed not to increase f to first order: α = max(1, ‖x‖∞), halved (up to [`HALVINGS`] times)
/// until f decreases by more than 1e-8·max(|f|, `floor`), then doubled while f keeps decreasing
/// (`floor` = min(1, |f(x0)|): f's own scale, so that 1e-10·(x² + y⁴/4 − y²/2) at its saddle
/// (1, 0), where f falls by 2.5e-11, is not taken for rounding as under a floor of 1). f
/// decreasing over [`DOUBLINGS`] doublings is reported as unbounded below. Bounds are
/// respected by projection. `ray` says whether the iterate moves.
fn step_off(
    ev: &mut Evaluator<'_, '_>,
    it: &mut Iterate,
    v: &[f64],
    ray: Ray,
    floor: f64,
) -> Result<StepOff> {
    let slope: f64 = it.g.iter().zip(v).map(|(a, b)| a * b).sum();
    let sign = if slope > 0.0 { -1.0 } else { 1.0 };
    let problem = ev.problem;
    let bounds = problem.bounds();
    let point = |alpha: f64| -> Vec<f64> {
        (0..it.x.len())
            .map(|i| {
                let p = it.x[i] + sign * alpha * v[i];
                bounds.map_or(p, |(lo, hi)| p.clamp(lo[i], hi[i]))
            })
            .collect()
    };
    let lower = |f: f64, than: f64| f.is_finite() && f < than;
    // Following a ray after the run has stopped is a probe, not a step: a NaN there is a point
    // that is not lower, whatever the NaN policy (counted all the same).
    let value = |ev: &mut Evaluator<'_, '_>, x: &[f64]| -> Result<f64> {
        if ray == Ray::Move {
            return ev.value(x);
        }
        ev.counts.f += 1;
        Ok(problem.value(x))
    };
    let v_max = v.iter().fold(0.0f64, |m, a| m.max(a.abs()));
    if !(v_max > 0.0 && v_max.is_finite()) {
        return Ok(StepOff::Stuck);
    }
    let mut alpha = it.x.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    let significant = it.f - 1e-8 * it.f.abs().max(floor).max(f64::MIN_POSITIVE);
    let mut found = None;
    for _ in 0..HALVINGS {
        let f = value(ev, &point(alpha))?;
        if lower(f, significant) {
            found = Some(f);
            break;
        }
        alpha *= 0.5;
    }
    let Some(mut f) = found else {
        return Ok(StepOff::Stuck);
    };
    let first = alpha;
    let mut outcome = StepOff::Unbounded;
    for _ in 0..DOUBLINGS {
        let f2 = value(ev, &point(2.0 * alpha))?;
        if !lower(f2, f) {
            outcome = StepOff::Moved;
            break;
        }
        (alpha, f) = (2.0 * alpha, f2);
    }
    if ray == Ray::Follow && matches!(outcome, StepOff::Moved) {
        return Ok(outcome);
    }
    // Move to the lowest point seen whose gradient is finite, halving back along the ray (each
    // step from the first lower one was lower than x's f), so that a gradient that is not finite
    // out there never puts a NaN into the report; with none in a few tries the iterate stays.
    let mut g = vec![0.0; it.x.len()];
    for _ in 0..MOVE_TRIES {
        if alpha < first {
            break;
        }
        let x = point(alpha);
        let fx = ev.value_grad(&x, &mut g)?;
        if fx.is_finite() {
            (it.x, it.g, it.f) = (x, g, fx);
            break;
        }
        alpha *= 0.5;
    }
    Ok(outcome)
}
