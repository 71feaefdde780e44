//! What a root finder returns and the settings it takes: [`RootReport`], [`RootOptions`], and the
//! limits every root finder checks once per iteration.

use std::time::{Duration, Instant};

use crate::solve::Termination;

/// Result of a root finder.
#[derive(Debug, Clone, PartialEq)]
pub struct RootReport {
    /// Method name.
    pub method: &'static str,
    /// The last iterate (the root when converged).
    pub x: Vec<f64>,
    /// ‖F(x)‖∞ at the returned x.
    pub residual_norm: f64,
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
}

impl Default for RootOptions {
    fn default() -> Self {
        RootOptions {
            ftol: 1e-12,
            xtol: 1e-15,
            max_iter: 200,
            max_evals: None,
            time_limit: None,
        }
    }
}

/// The limits of one run, checked before each iteration.
pub(super) struct Limits {
    start: Instant,
    opts: RootOptions,
}

impl Limits {
    pub(super) fn new(opts: &RootOptions) -> Self {
        Limits {
            start: Instant::now(),
            opts: *opts,
        }
    }

    /// The limit reached after `iterations` iterations and `evaluations` evaluations, if any.
    pub(super) fn reached(&self, iterations: usize, evaluations: usize) -> Option<Termination> {
        if iterations >= self.opts.max_iter {
            Some(Termination::MaxIterations)
        } else if self.opts.max_evals.is_some_and(|m| evaluations >= m) {
            Some(Termination::MaxEvaluations)
        } else if self
            .opts
            .time_limit
            .is_some_and(|t| self.start.elapsed() >= t)
        {
            Some(Termination::TimeLimit)
        } else {
            None
        }
    }
}
