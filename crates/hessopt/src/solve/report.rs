//! What a run returns: the point, the value, counts, and why it stopped.

use std::time::Duration;

pub use super::termination::Termination;
use crate::problem::Counts;

/// One iteration, as kept in the trace and passed to callbacks.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IterationInfo {
    /// Iteration number (0 is the start).
    pub iteration: usize,
    /// The iterate.
    pub x: Vec<f64>,
    /// f at the iterate.
    pub value: f64,
    /// ‖∇f‖∞ (NaN for derivative-free methods).
    pub gradient_norm: f64,
    /// f + gradient evaluations so far.
    pub evaluations: usize,
}

/// The result of a minimization.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Report {
    /// Method name as accepted by [`crate::solve::Method::from_name`].
    pub method: String,
    /// The final point.
    pub x: Vec<f64>,
    /// f(x).
    pub value: f64,
    /// ∇f(x) when the method used gradients.
    pub gradient: Option<Vec<f64>>,
    /// ‖∇f(x)‖∞ (projected with bounds); NaN for derivative-free methods.
    pub gradient_norm: f64,
    /// Iterations done.
    pub iterations: usize,
    /// Calls by kind, including those made inside line searches and numerical derivatives.
    pub evaluations: Counts,
    /// Wall-clock time.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub elapsed: Duration,
    /// Why the run stopped.
    pub termination: Termination,
    /// True only when the termination is a certificate ([`Termination::certifies`]) that was
    /// checked at `x`.
    pub converged: bool,
    /// Notes for the user (e.g. a start projected into the bounds).
    pub notes: Vec<String>,
    /// Every iterate, when asked for.
    pub trace: Vec<IterationInfo>,
}
