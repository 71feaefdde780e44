//! What a run returns: the point, the value, counts, and why it stopped.

use std::fmt;
use std::time::Duration;

use crate::problem::Counts;

/// Why a run stopped. Each variant states the test that fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum Termination {
    /// ‖∇f(x)‖∞ ≤ g_tol (with bounds: ‖P(x − ∇f) − x‖∞ ≤ g_tol, P the projection on the box).
    GradientNorm,
    /// ‖x_k − x_{k−1}‖∞ ≤ x_tol.
    SmallStep,
    /// |f_{k−1} − f_k| ≤ f_tol · max(|f_{k−1}|, |f_k|); for L-BFGS-B also its own test
    /// f_{k−1} − f_k ≤ factr · ε · max(|f_{k−1}|, |f_k|, 1).
    SmallFChange,
    /// Nelder–Mead: max_i f(v_i) − min_i f(v_i) ≤ f_tol · (|f(x0)| + f_tol) over the simplex
    /// vertices (R's optim convention), or the simplex has collapsed to rounding size.
    SimplexConverged,
    /// Brent: the bracket [a, b] around the minimizer is narrower than 2·(tol·|x| + 1e-10).
    IntervalConverged,
    /// Trust-region methods, when the region has shrunk to rounding size: the model's predicted
    /// further decrease ½ gᵀB⁻¹g (B positive definite) is at most 4ε|f|, i.e. f is minimal to
    /// rounding (a scale-invariant test for badly scaled variables).
    NewtonDecrement,
    /// The iteration limit was reached.
    MaxIterations,
    /// The evaluation limit (f + gradient) was reached.
    MaxEvaluations,
    /// The time limit was reached.
    TimeLimit,
    /// The callback asked to stop.
    Callback,
    /// The line search found no acceptable step (no sufficient decrease along a descent direction).
    LineSearchFailed,
    /// The trust region shrank below rounding size without an acceptable step.
    TrustRegionCollapsed,
    /// The value or gradient is NaN/Inf and backing off did not help.
    ObjectiveNotFinite,
    /// f fell below −1e300: the problem looks unbounded below.
    Unbounded,
    /// Constrained problems: largest violation ≤ feasibility_tol, and the projected gradient of
    /// the Lagrangian and the complementarity products max |μⱼ gⱼ| ≤ optimality_tol.
    KktConditions,
    /// Constrained problems: the penalty reached 1e12 with the violation above tolerance — the
    /// constraints look infeasible.
    Infeasible,
}

impl Termination {
    /// True for the tests that establish convergence (never for a limit or a failure).
    pub fn is_convergence(self) -> bool {
        matches!(
            self,
            Termination::GradientNorm
                | Termination::SmallStep
                | Termination::SmallFChange
                | Termination::SimplexConverged
                | Termination::IntervalConverged
                | Termination::NewtonDecrement
                | Termination::KktConditions
        )
    }

    /// Snake-case name, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Termination::GradientNorm => "gradient_norm",
            Termination::SmallStep => "small_step",
            Termination::SmallFChange => "small_f_change",
            Termination::SimplexConverged => "simplex_converged",
            Termination::IntervalConverged => "interval_converged",
            Termination::NewtonDecrement => "newton_decrement",
            Termination::MaxIterations => "max_iterations",
            Termination::MaxEvaluations => "max_evaluations",
            Termination::TimeLimit => "time_limit",
            Termination::Callback => "callback",
            Termination::LineSearchFailed => "line_search_failed",
            Termination::TrustRegionCollapsed => "trust_region_collapsed",
            Termination::ObjectiveNotFinite => "objective_not_finite",
            Termination::Unbounded => "unbounded",
            Termination::KktConditions => "kkt_conditions",
            Termination::Infeasible => "infeasible",
        }
    }
}

impl fmt::Display for Termination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    /// True only when a convergence test fired ([`Termination::is_convergence`]).
    pub converged: bool,
    /// Notes for the user (e.g. a start projected into the bounds).
    pub notes: Vec<String>,
    /// Every iterate, when asked for.
    pub trace: Vec<IterationInfo>,
}

impl fmt::Display for Report {
    /// A brief report: method, verdict, value, point, counts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} ({}) after {} iterations",
            self.method,
            if self.converged {
                "converged"
            } else {
                "not converged"
            },
            self.termination,
            self.iterations
        )?;
        writeln!(
            f,
            "  f(x) = {:e}, |g|inf = {:e}",
            self.value, self.gradient_norm
        )?;
        writeln!(f, "  x = {:?}", self.x)?;
        write!(
            f,
            "  evaluations: f {}, gradient {}, hessian {}; {:.3?}",
            self.evaluations.f, self.evaluations.gradient, self.evaluations.hessian, self.elapsed
        )
    }
}
