//! What a root finder returns and the settings it takes: [`RootReport`], [`RootOptions`], and the
//! limits every root finder checks once per iteration.

use std::time::Duration;

use crate::solve::{Callback, IterationInfo, Monitor, Options, Termination};

/// Result of a root finder.
#[derive(Debug, Clone, PartialEq)]
pub struct RootReport {
    /// Method name.
    pub method: &'static str,
    /// The last iterate (the root when converged).
    pub x: Vec<f64>,
    /// ‖F(x)‖∞ at the returned x.
    pub residual_norm: f64,
    /// F(x) at the returned x, in the user's units (scipy's `root(...).fun`).
    pub residuals: Vec<f64>,
    /// Iterations.
    pub iterations: usize,
    /// Function evaluations (F or f), including those of numerical Jacobians and of the
    /// certificate check.
    pub evaluations: usize,
    /// Jacobian / derivative evaluations.
    pub jacobian_evaluations: usize,
    /// Why it stopped: [`Termination::RootFound`] (the only certificate), or
    /// [`Termination::Discontinuity`], [`Termination::NotARoot`],
    /// [`Termination::SingularJacobian`], [`Termination::NoProgress`],
    /// [`Termination::NoBracket`], [`Termination::ObjectiveNotFinite`] or a limit.
    pub termination: Termination,
    /// Every iteration (value = ‖F‖∞), when [`RootOptions::keep_trace`] asked for it.
    pub trace: Vec<IterationInfo>,
    /// True only when the root certificate held at the returned x: ‖F(x)‖∞ ≤ ftol, or (one
    /// equation) a sign change on a bracket of rounding width around x whose |f| grows away
    /// from x (so a pole is not a root).
    pub converged: bool,
}

/// Tolerances and limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RootOptions {
    /// Residual tolerance ‖F‖∞.
    pub ftol: f64,
    /// Absolute bracket tolerance for Brent.
    pub xtol: f64,
    /// Iteration limit.
    pub max_iter: usize,
    /// Limit on evaluations of F (f), numerical Jacobians included; none by default.
    pub max_evals: Option<usize>,
    /// Wall-clock limit; none by default.
    pub time_limit: Option<Duration>,
    /// Keep every iteration in [`RootReport::trace`].
    pub keep_trace: bool,
}

impl Default for RootOptions {
    fn default() -> Self {
        RootOptions {
            ftol: 1e-12,
            xtol: 1e-15,
            max_iter: 200,
            max_evals: None,
            time_limit: None,
            keep_trace: false,
        }
    }
}

/// The shared [`Monitor`] for a root finder's run: the limits of `opts`, its trace switch, and
/// the callback.
pub(super) fn monitor<'c>(opts: &RootOptions, callback: Option<Callback<'c>>) -> Monitor<'c> {
    let options = Options {
        max_iter: Some(opts.max_iter),
        max_evals: opts.max_evals,
        time_limit: opts.time_limit,
        keep_trace: opts.keep_trace,
        ..Options::default()
    };
    Monitor::new(&options, opts.max_iter, callback)
}

/// One iteration as the monitor records it: value = ‖F(x)‖∞, no gradient.
pub(super) fn record(
    mon: &mut Monitor<'_>,
    iteration: usize,
    x: &[f64],
    residual_norm: f64,
    evaluations: usize,
) -> Option<Termination> {
    if !mon.wants_records() {
        return None;
    }
    mon.record(IterationInfo {
        iteration,
        x: x.to_vec(),
        value: residual_norm,
        gradient_norm: f64::NAN,
        evaluations,
    })
}
