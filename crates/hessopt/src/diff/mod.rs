//! Derivatives of black boxes `Fn(&[f64]) -> f64` from values only, with error estimates.
//!
//! **Method.** Along each coordinate the steps are h_k = c · s_i / 4^k (k = 0, 1, …; c = 0.04),
//! where the scale s_i is max(|x_i|, typical_i) with a user typical size, else |x_i| (1 at x_i = 0),
//! and never below 1e-100 (steps stay above 1e-140, so their squares and the products of two
//! stay normal numbers): steps follow the variable, so a parameter of size 1e-4 and one of size
//! 1e4 are treated alike. Central quotients for the first and second derivative at every step
//! feed a Richardson tableau with Ridders' error control ([`richardson`]), which picks the step
//! from the data: where the truncation error and the function's own noise balance, whatever that
//! noise is. The quotients are formed from differences of values and divided by h step by step,
//! so nothing overflows or underflows that the values and steps themselves do not (x² at 1e154,
//! where x² = 1e308, gives 2).
//!
//! The ladder moves to the function's own scale. Down: when the quotients of three successive
//! steps do not contract as a Taylor expansion must (the steps are far larger than the function's
//! scale, e.g. sin(x) at x = 300), the ladder restarts 16 times lower; when they contract too
//! slowly (softplus(x − 300) at x = 300), its largest step is dropped and it goes one step
//! further down. Up, once, on a coordinate below 1 in size without a typical size: when the first
//! quotients are all rounding (f barely changes over the step, as exp(x) at 1e-250), the first
//! step is raised to where rounding would be 1e-7 of them, at most to c. A step whose points
//! overflow or leave the domain is replaced by one 64³ times smaller, and the search stops once
//! the estimated truncation error is below the rounding level. The rounding level counts the
//! values' ulps and the rounding of x + h carried through f (ε·|x_i|·|∂f/∂x_i|).
//!
//! **Trust.** A coordinate's estimates are trusted only when its quotients were seen to
//! converge (two contractions in a row, or a Richardson error at the rounding level). When no
//! step gives that — f varies on a scale finer than x + h can resolve (sin(x) at 1e20, where
//! steps below 16 384 vanish), or the budget ran out first — the error estimates of that
//! coordinate (and of its Hessian pairs) are infinite: never a small wrong number. The `hessian`
//! and `gradient` commands refuse such a result with the entry's name.
//!
//! **Cost.** The Hessian's off-diagonal entries reuse the points on the axes and add two points
//! per pair and step (the symmetric cross stencil
//! [f(x+v) + f(x−v) − f(x±h_i e_i) − f(x±h_j e_j) + 2f(x)] / (2 h_i h_j), v = h_i e_i + h_j e_j),
//! extrapolated over the (up to three) steps ending where the diagonal settled. Each coordinate's
//! ladder takes L = min(n + 3, max_levels) steps while it stays where it started, and at most 2L
//! in all (moves, restarts, one-sided passes); the Hessian costs at most 4n² + 4n + 1 evaluations
//! when no ladder moves, and never more than 4n² + 4n + 1 + 2nL (n = 1: 17; n = 2: 45). The
//! gradient comes free with it; on its own it costs at most 1 + 4n·max_levels.
//!
//! When a stencil point is outside the bounds or gives NaN/Inf, that coordinate switches to a
//! one-sided stencil (f(x), f(x+σh), f(x+2σh)) and the result says so in `one_sided`; if no finite
//! point is found the result is an error, never a silent NaN.
//!
//! ```
//! use hessopt::diff;
//! let f = |x: &[f64]| (x[0] / 1000.0 - 1.0).powi(2) + (x[1] * 1000.0 - 1.0).powi(2);
//! let h = diff::hessian(&f, &[900.0, 0.0012])?;
//! assert!((h.hessian[(0, 0)] - 2e-6).abs() < 1e-14);
//! assert!((h.hessian[(1, 1)] - 2e6).abs() < 1e-4);
//! assert!(h.evaluations <= 4 * 4 + 4 * 2 + 1); // no ladder moved here
//! # Ok::<(), hessopt::Error>(())
//! ```

mod central;
pub mod coloring;
mod cross;
mod estimate;
mod eval;
mod gradient;
mod hessian;
mod hvp;
mod jacobian;
mod ladder;
mod lockstep;
mod noise;
pub mod richardson;
mod settings;
mod sparse;

pub(crate) use central::central_differences;
pub use estimate::{GradientEstimate, HessianEstimate, JacobianEstimate};
pub use settings::NumDiff;
pub use sparse::{SparseHessianEstimate, SparseJacobianEstimate};

use crate::error::Result;

/// Gradient with default settings; see [`NumDiff::gradient`].
pub fn gradient<F: Fn(&[f64]) -> f64 + ?Sized>(f: &F, x: &[f64]) -> Result<GradientEstimate> {
    NumDiff::default().gradient(f, x)
}

/// Hessian with default settings; see [`NumDiff::hessian`].
pub fn hessian<F: Fn(&[f64]) -> f64 + ?Sized>(f: &F, x: &[f64]) -> Result<HessianEstimate> {
    NumDiff::default().hessian(f, x)
}

/// Jacobian with default settings; see [`NumDiff::jacobian`].
pub fn jacobian<F: Fn(&[f64]) -> Vec<f64> + ?Sized>(f: &F, x: &[f64]) -> Result<JacobianEstimate> {
    NumDiff::default().jacobian(f, x)
}

#[cfg(test)]
mod tests;
