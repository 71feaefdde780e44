//! What the numerical derivatives return: values, derivatives, error estimates, steps, counts.

use nalgebra::DMatrix;

/// Gradient (or directional derivative) estimate.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GradientEstimate {
    /// f(x).
    pub value: f64,
    /// The gradient.
    pub gradient: Vec<f64>,
    /// Estimated absolute error per entry; infinite where no step gave converging quotients
    /// (the entry cannot be trusted).
    pub error: Vec<f64>,
    /// The step chosen per coordinate.
    pub steps: Vec<f64>,
    /// Coordinates where a one-sided stencil was used (a point was outside bounds or not finite).
    pub one_sided: Vec<bool>,
    /// Function evaluations spent.
    pub evaluations: usize,
}

/// Hessian estimate, with the gradient that came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct HessianEstimate {
    /// f(x).
    pub value: f64,
    /// The gradient (from the same points).
    pub gradient: Vec<f64>,
    /// Estimated absolute error of each gradient entry (infinite: untrusted).
    pub gradient_error: Vec<f64>,
    /// The Hessian, symmetric.
    pub hessian: DMatrix<f64>,
    /// Estimated absolute error of each Hessian entry; infinite where no step gave converging
    /// quotients (the entry cannot be trusted; see the [module documentation](super)).
    pub error: DMatrix<f64>,
    /// The step per coordinate on which the off-diagonal entries were computed (the larger one).
    pub steps: Vec<f64>,
    /// Coordinates where a one-sided stencil was used.
    pub one_sided: Vec<bool>,
    /// Function evaluations spent: at most 4n² + 4n + 1 when no ladder moved, never more than
    /// 4n² + 4n + 1 + 2n·min(n + 3, max_levels).
    pub evaluations: usize,
}

/// Jacobian estimate of a vector function (also used for Hessians from a gradient).
#[derive(Debug, Clone, PartialEq)]
pub struct JacobianEstimate {
    /// f(x), m values.
    pub values: Vec<f64>,
    /// The m × n Jacobian.
    pub jacobian: DMatrix<f64>,
    /// Estimated absolute error per entry.
    pub error: DMatrix<f64>,
    /// Coordinates where a one-sided stencil was used.
    pub one_sided: Vec<bool>,
    /// Function evaluations spent.
    pub evaluations: usize,
}
