//! What a root finder returns and the settings it takes: [`RootTermination`], [`RootReport`],
//! [`RootOptions`].

/// Why a root finder stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum RootTermination {
    /// ‖F(x)‖∞ ≤ ftol.
    Residual,
    /// Brent: the bracket is narrower than 4ε|x| + xtol (a sign change is inside it).
    Bracket,
    /// The Newton step does not reduce ‖F‖ and ‖JᵀF‖ ≤ 1e-4·‖J‖‖F‖ (or no step at all does and
    /// ‖JᵀF‖ ≤ 1e-8·‖J‖‖F‖): a minimum of ‖F‖² that is not a root.
    LocalMinimumNotRoot,
    /// The Jacobian (or derivative) is singular and no step reduces ‖F‖.
    SingularJacobian,
    /// No step reduces ‖F‖ (line search failed) for another reason.
    NoProgress,
    /// No sign change found for Brent's method.
    NoBracket,
    /// F or its derivative is NaN/Inf.
    NotFinite,
    /// The iteration limit.
    MaxIterations,
}

impl RootTermination {
    /// Whether this is a convergence test.
    pub fn certifies(self) -> bool {
        matches!(self, RootTermination::Residual | RootTermination::Bracket)
    }

    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RootTermination::Residual => "residual",
            RootTermination::Bracket => "bracket",
            RootTermination::LocalMinimumNotRoot => "local_minimum_not_root",
            RootTermination::SingularJacobian => "singular_jacobian",
            RootTermination::NoProgress => "no_progress",
            RootTermination::NoBracket => "no_bracket",
            RootTermination::NotFinite => "not_finite",
            RootTermination::MaxIterations => "max_iterations",
        }
    }
}

/// Result of a root finder.
#[derive(Debug, Clone, PartialEq)]
pub struct RootReport {
    /// Method name.
    pub method: &'static str,
    /// The last iterate (the root when converged).
    pub x: Vec<f64>,
    /// ‖F(x)‖∞.
    pub residual_norm: f64,
    /// Iterations.
    pub iterations: usize,
    /// Function evaluations (F or f).
    pub evaluations: usize,
    /// Jacobian / derivative evaluations.
    pub jacobian_evaluations: usize,
    /// Why it stopped.
    pub termination: RootTermination,
    /// True only for a convergence test.
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
}

impl Default for RootOptions {
    fn default() -> Self {
        RootOptions {
            ftol: 1e-12,
            xtol: 1e-15,
            max_iter: 200,
        }
    }
}
