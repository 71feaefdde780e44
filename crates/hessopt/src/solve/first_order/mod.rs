//! Methods that use the gradient: steepest descent, Robbins–Monro stochastic gradient, nonlinear
//! conjugate gradients, the quasi-Newton updates (BFGS, DFP) and limited-memory BFGS (with bounds:
//! L-BFGS-B).

pub mod cg;
pub mod gradient_descent;
pub mod lbfgs;
pub mod lbfgsb;
pub mod quasi_newton;
pub mod sgd;

use super::driver::Iterate;
use super::linesearch::{self, LineSearch};
use super::report::Termination;
use crate::error::Result;
use crate::problem::Evaluator;

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Whether `d` is a descent direction for gradient `g` (false also when the product is NaN).
pub(crate) fn is_descent(d: &[f64], g: &[f64]) -> bool {
    dot(d, g) < 0.0
}

pub(crate) fn norm_inf(a: &[f64]) -> f64 {
    a.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

/// A step taken: s = x_new − x, y = g_new − g, and the accepted α.
pub(crate) type Step = (Vec<f64>, Vec<f64>, f64);

/// Searches along `d` and moves the iterate. Returns the [`Step`], or the termination when no
/// step was found.
pub(crate) fn line_step(
    ls: LineSearch,
    ev: &mut Evaluator<'_, '_>,
    it: &mut Iterate,
    d: &[f64],
    alpha0: f64,
) -> Result<std::result::Result<Step, Termination>> {
    let dphi0 = dot(&it.g, d);
    let Some(t) = linesearch::search(ls, ev, &it.x, d, it.f, dphi0, alpha0, f64::INFINITY)? else {
        return Ok(Err(Termination::LineSearchFailed));
    };
    let s: Vec<f64> = t.x.iter().zip(&it.x).map(|(a, b)| a - b).collect();
    if s.iter().all(|v| *v == 0.0) {
        // The step is below the resolution of x: no progress is possible along d.
        return Ok(Err(Termination::LineSearchFailed));
    }
    let y: Vec<f64> = t.g.iter().zip(&it.g).map(|(a, b)| a - b).collect();
    it.x = t.x;
    it.f = t.f;
    it.g = t.g;
    Ok(Ok((s, y, t.alpha)))
}

/// Evaluates f and ∇f at `it.x` (the start of every gradient method).
pub(crate) fn start_with_gradient(ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
    it.g = vec![0.0; it.x.len()];
    it.f = ev.value_grad(&it.x, &mut it.g)?;
    Ok(())
}
