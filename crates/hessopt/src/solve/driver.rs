//! The one loop every method runs in: limits, convergence tests, trace and callbacks live here;
//! a method only knows how to take one step.

use std::time::Instant;

use super::options::Options;
use super::report::{IterationInfo, Report, Termination};
use crate::error::{Error, Result};
use crate::problem::{Evaluator, Problem};

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
    /// Evaluates the start (`it.x` is set): by default f and ∇f.
    fn start(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
        super::first_order::start_with_gradient(ev, it)
    }
    /// One iteration: updates `it` or returns the reason to stop.
    fn step(&mut self, ev: &mut Evaluator<'_, '_>, it: &mut Iterate)
    -> Result<Option<Termination>>;
    /// Default iteration limit when the user gives none.
    fn default_max_iter(&self) -> usize {
        1000
    }
}

/// A callback's verdict after each iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop now ([`Termination::Callback`]).
    Stop,
}

/// Projected-gradient norm ‖P(x − g) − x‖∞ with bounds, ‖g‖∞ without.
pub(crate) fn gradient_norm(x: &[f64], g: &[f64], bounds: Option<(&[f64], &[f64])>) -> f64 {
    match bounds {
        None => g.iter().fold(0.0f64, |m, v| m.max(v.abs())),
        Some((lo, hi)) => (0..x.len())
            .map(|i| ((x[i] - g[i]).clamp(lo[i], hi[i]) - x[i]).abs())
            .fold(0.0f64, f64::max),
    }
}

/// Runs `solver` from `x0` under `options`.
pub(crate) fn run(
    name: &str,
    solver: &mut dyn Solver,
    problem: &Problem<'_>,
    x0: &[f64],
    options: &Options,
    mut callback: Option<&mut dyn FnMut(&IterationInfo) -> Control>,
) -> Result<Report> {
    let start = Instant::now();
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
    if let Some((lo, hi)) = problem.bounds() {
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
        return Err(Error::NonFinite {
            what: if it.f.is_finite() {
                "gradient at x0"
            } else {
                "value at x0"
            }
            .into(),
            at: it.x.clone(),
        });
    }
    let max_iter = options
        .max_iter
        .unwrap_or_else(|| solver.default_max_iter());
    let bounds = problem.bounds();
    let gnorm = |it: &Iterate| {
        if solver_uses_gradient(&it.g) {
            gradient_norm(&it.x, &it.g, bounds)
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
    let mut trace = Vec::new();
    if options.keep_trace {
        trace.push(info(0, &it, &ev));
    }
    let uses_gradient = solver.uses_gradient();
    let mut k = 0;
    let termination = loop {
        if uses_gradient && gnorm(&it) <= options.g_tol {
            break Termination::GradientNorm;
        }
        if k >= max_iter {
            break Termination::MaxIterations;
        }
        if options
            .max_evals
            .is_some_and(|m| ev.counts.f + ev.counts.gradient >= m)
        {
            break Termination::MaxEvaluations;
        }
        if options.time_limit.is_some_and(|t| start.elapsed() >= t) {
            break Termination::TimeLimit;
        }
        // Copies of x only for the tests and records that use them: an iteration of a
        // limited-memory method on 10⁶ variables copies nothing by default.
        let x_prev = (options.x_tol > 0.0).then(|| it.x.clone());
        let f_prev = it.f;
        if let Some(t) = solver.step(&mut ev, &mut it)? {
            break t;
        }
        k += 1;
        if callback.is_some() || options.keep_trace {
            let record = info(k, &it, &ev);
            let stop = callback
                .as_mut()
                .is_some_and(|cb| cb(&record) == Control::Stop);
            if options.keep_trace {
                trace.push(record);
            }
            if stop {
                break Termination::Callback;
            }
        }
        if !it.f.is_finite() {
            break Termination::ObjectiveNotFinite;
        }
        if it.f < -1e300 {
            break Termination::Unbounded;
        }
        if let Some(x_prev) = &x_prev {
            let dx =
                it.x.iter()
                    .zip(x_prev)
                    .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
            if dx <= options.x_tol {
                break Termination::SmallStep;
            }
        }
        if options.f_tol > 0.0
            && (f_prev - it.f).abs() <= options.f_tol * f_prev.abs().max(it.f.abs())
        {
            break Termination::SmallFChange;
        }
    };
    let gradient_norm = gnorm(&it);
    Ok(Report {
        method: name.to_string(),
        gradient: (!it.g.is_empty()).then(|| it.g.clone()),
        x: it.x,
        value: it.f,
        gradient_norm,
        iterations: k,
        evaluations: ev.counts,
        elapsed: start.elapsed(),
        converged: termination.certifies(),
        termination,
        notes,
        trace,
    })
}

fn solver_uses_gradient(g: &[f64]) -> bool {
    !g.is_empty()
}
