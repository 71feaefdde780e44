//! Why a run stopped: the one [`Termination`] enum shared by every solver family (minimizers,
//! least squares, the augmented Lagrangian, root finders, fits).
//!
//! The contract: a report's `converged` is true only when its termination is a certificate
//! ([`Termination::certifies`]) **and** that certificate was checked at the returned point.
//! Every other variant names a stop that is not a solution (a stall, a saddle, a pole, a
//! limit…); it is never reported as converged, whatever the tolerances.

use std::fmt;

/// Why a run stopped. Each variant states its test and whether it certifies a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum Termination {
    // ---- certificates: the only variants with `converged = true` ----
    /// **Certifies.** First order at the returned x: ‖P(x − ∇f) − x‖∞ ≤ g_tol (P the projection
    /// on the bounds; ‖∇f‖∞ without bounds, [`crate::solve::certificate::is_stationary`]);
    /// second order too where curvature is at hand and n ≤ 200 (no eigenvalue of the Hessian on the free
    /// variables below −tol·max|λ| along which f decreases by more than 1e-8·max(1, |f|),
    /// [`crate::solve::certificate::negative_curvature`]).
    GradientNorm,
    /// **Certifies.** Second-order methods: the model's predicted further decrease
    /// ½ gᵀB⁻¹g (B positive definite) is at most 4ε|f| — f is minimal to rounding, a
    /// scale-invariant test for badly scaled variables.
    NewtonDecrement,
    /// **Certifies.** Constrained problems: largest violation ≤ feasibility_tol, projected
    /// gradient of the Lagrangian and complementarity max |μⱼ cⱼ| ≤ optimality_tol, and (where
    /// the reduced Hessian of the Lagrangian is available) no negative curvature on the tangent
    /// space of the active constraints.
    KktConditions,
    /// **Certifies.** Least squares: ‖F(x)‖ at rounding level (‖F‖∞ ≤ tol), a zero-residual
    /// solution.
    ZeroResidual,
    /// **Certifies.** Roots: systems ‖F(x)‖∞ ≤ tol; scalar |f(x)| ≤ tol, or a sign-change bracket
    /// narrowed to rounding width whose |f| shrank as the bracket shrank.
    RootFound,
    /// **Certifies.** Brent minimization: the bracket [a, b] around the minimizer is narrower
    /// than 2·(tol·|x| + 1e-10), and f at x ± 2·(tol·|x| + 1e-10) is not below f(x).
    IntervalConverged,
    /// **Certifies.** Nelder–Mead: a simplex cycle ended (f spread ≤ f_tol·(|f_c| + f_tol), or
    /// the simplex collapsed) **and** that cycle, started from a fresh simplex at the best point
    /// then known, improved f by no more than that tolerance.
    SimplexConverged,

    // ---- named stops that are not solutions ----
    /// ‖x_k − x_{k−1}‖∞ ≤ x_tol on an accepted step (Brent: the bracket closed but a point
    /// next to x is lower), without a certificate at x.
    SmallStep,
    /// |f_{k−1} − f_k| ≤ f_tol·max(|f_{k−1}|, |f_k|) on an accepted step (L-BFGS-B: its factr
    /// test), without a certificate at x.
    SmallFChange,
    /// A run of rejected steps or no decrease of the merit function (e.g. a Levenberg–Marquardt
    /// stall, a root finder that cannot reduce ‖F‖).
    NoProgress,
    /// The line search found no acceptable step along a descent direction.
    LineSearchFailed,
    /// The trust region shrank below rounding size without an acceptable step.
    TrustRegionCollapsed,
    /// A stationary point (first-order test holds) where the Hessian has both negative and
    /// positive eigenvalues: not a minimum.
    Saddle,
    /// A stationary point where the Hessian is negative (semi)definite with a negative
    /// eigenvalue: not a minimum.
    Maximum,
    /// Roots: a sign-change bracket closed on a point where |f| grew as the bracket shrank (a
    /// pole, not a root).
    Discontinuity,
    /// Roots: a minimum of ‖F‖² (‖JᵀF‖ ≈ 0) where F ≠ 0.
    NotARoot,
    /// The Jacobian (or derivative) is singular and no step reduces ‖F‖.
    SingularJacobian,
    /// No sign change found for a bracketing method.
    NoBracket,
    /// f fell below −1e300 or ‖x‖∞ passed 1e150 (parameters → ∞): the problem looks unbounded
    /// (for fits: no finite maximum-likelihood estimate).
    Unbounded,
    /// Constrained problems: the penalty reached 1e12 with the violation above tolerance — the
    /// constraints look infeasible.
    Infeasible,
    /// The iteration limit was reached.
    MaxIterations,
    /// The evaluation limit (f + gradient) was reached.
    MaxEvaluations,
    /// The time limit was reached.
    TimeLimit,
    /// The callback asked to stop.
    Callback,
    /// The value, gradient or residual is NaN/Inf and backing off did not help.
    ObjectiveNotFinite,
}

/// Every variant, in declaration order (for docs, tests and name lookup).
pub const ALL: [Termination; 25] = [
    Termination::GradientNorm,
    Termination::NewtonDecrement,
    Termination::KktConditions,
    Termination::ZeroResidual,
    Termination::RootFound,
    Termination::IntervalConverged,
    Termination::SimplexConverged,
    Termination::SmallStep,
    Termination::SmallFChange,
    Termination::NoProgress,
    Termination::LineSearchFailed,
    Termination::TrustRegionCollapsed,
    Termination::Saddle,
    Termination::Maximum,
    Termination::Discontinuity,
    Termination::NotARoot,
    Termination::SingularJacobian,
    Termination::NoBracket,
    Termination::Unbounded,
    Termination::Infeasible,
    Termination::MaxIterations,
    Termination::MaxEvaluations,
    Termination::TimeLimit,
    Termination::Callback,
    Termination::ObjectiveNotFinite,
];

impl Termination {
    /// True for the certificates (see the variant docs); false for every stall, failure and
    /// limit. A report may carry a certifying variant only after its check held at the
    /// returned point.
    pub fn certifies(self) -> bool {
        matches!(
            self,
            Termination::GradientNorm
                | Termination::NewtonDecrement
                | Termination::KktConditions
                | Termination::ZeroResidual
                | Termination::RootFound
                | Termination::IntervalConverged
                | Termination::SimplexConverged
        )
    }

    /// Snake-case name, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Termination::GradientNorm => "gradient_norm",
            Termination::NewtonDecrement => "newton_decrement",
            Termination::KktConditions => "kkt_conditions",
            Termination::ZeroResidual => "zero_residual",
            Termination::RootFound => "root_found",
            Termination::IntervalConverged => "interval_converged",
            Termination::SimplexConverged => "simplex_converged",
            Termination::SmallStep => "small_step",
            Termination::SmallFChange => "small_f_change",
            Termination::NoProgress => "no_progress",
            Termination::LineSearchFailed => "line_search_failed",
            Termination::TrustRegionCollapsed => "trust_region_collapsed",
            Termination::Saddle => "saddle",
            Termination::Maximum => "maximum",
            Termination::Discontinuity => "discontinuity",
            Termination::NotARoot => "not_a_root",
            Termination::SingularJacobian => "singular_jacobian",
            Termination::NoBracket => "no_bracket",
            Termination::Unbounded => "unbounded",
            Termination::Infeasible => "infeasible",
            Termination::MaxIterations => "max_iterations",
            Termination::MaxEvaluations => "max_evaluations",
            Termination::TimeLimit => "time_limit",
            Termination::Callback => "callback",
            Termination::ObjectiveNotFinite => "objective_not_finite",
        }
    }

    /// The variant of a snake-case name; the root finders' former names (`residual`, `bracket`,
    /// `local_minimum_not_root`, `not_finite`) map to `root_found`, `root_found`, `not_a_root`
    /// and `objective_not_finite`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "residual" | "bracket" => Some(Termination::RootFound),
            "local_minimum_not_root" => Some(Termination::NotARoot),
            "not_finite" => Some(Termination::ObjectiveNotFinite),
            _ => ALL.into_iter().find(|t| t.as_str() == name),
        }
    }
}

impl fmt::Display for Termination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        let mut names: Vec<&str> = ALL.iter().map(|t| t.as_str()).collect();
        for t in ALL {
            assert_eq!(Termination::from_name(t.as_str()), Some(t));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
        assert_eq!(
            Termination::from_name("bracket"),
            Some(Termination::RootFound)
        );
        assert_eq!(Termination::from_name("converged"), None);
    }

    #[test]
    fn stalls_and_limits_do_not_certify() {
        let certificates: Vec<&str> = ALL
            .iter()
            .filter(|t| t.certifies())
            .map(|t| t.as_str())
            .collect();
        assert_eq!(
            certificates,
            [
                "gradient_norm",
                "newton_decrement",
                "kkt_conditions",
                "zero_residual",
                "root_found",
                "interval_converged",
                "simplex_converged"
            ]
        );
    }
}
