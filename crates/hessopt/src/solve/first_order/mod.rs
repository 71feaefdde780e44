//! Methods that use the gradient: steepest descent, Robbins–Monro stochastic gradient, nonlinear
//! conjugate gradients, the quasi-Newton updates (BFGS, DFP) and limited-memory BFGS (with bounds:
//! L-BFGS-B).

pub mod cg;
pub mod gradient_descent;
pub mod lbfgs;
pub mod lbfgsb;
mod pairs;
pub mod quasi_newton;
pub mod sgd;

use super::driver::Iterate;
use super::linesearch::{self, LineBuffers, LineSearch, Reach};
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

/// Searches along `d` from the iterate within `reach` and moves the iterate to the accepted
/// point by swapping vectors with `buf`: afterwards `buf.x` and `buf.g` hold the previous x and
/// ∇f. Returns the accepted α, or the termination (iterate unchanged) when no step was found.
pub(crate) fn move_along(
    ls: LineSearch,
    ev: &mut Evaluator<'_, '_>,
    buf: &mut LineBuffers,
    it: &mut Iterate,
    d: &[f64],
    reach: Reach<'_>,
) -> Result<std::result::Result<f64, Termination>> {
    let dphi0 = dot(&it.g, d);
    let found = linesearch::search(ls, ev, buf, &it.x, d, (it.f, dphi0), reach)?;
    let Some(t) = found else {
        return Ok(Err(Termination::LineSearchFailed));
    };
    if buf.x == it.x {
        // The step is below the resolution of x: no progress is possible along d.
        return Ok(Err(Termination::LineSearchFailed));
    }
    std::mem::swap(&mut it.x, &mut buf.x);
    std::mem::swap(&mut it.g, &mut buf.g);
    it.f = t.f;
    Ok(Ok(t.alpha))
}

/// Searches along `d` and moves the iterate. Returns the [`Step`], or the termination when no
/// step was found.
pub(crate) fn line_step(
    ls: LineSearch,
    ev: &mut Evaluator<'_, '_>,
    it: &mut Iterate,
    d: &[f64],
    alpha0: f64,
) -> Result<std::result::Result<Step, Termination>> {
    let mut buf = LineBuffers::default();
    let alpha = match move_along(ls, ev, &mut buf, it, d, Reach::from(alpha0))? {
        Ok(alpha) => alpha,
        Err(t) => return Ok(Err(t)),
    };
    let s = it.x.iter().zip(&buf.x).map(|(a, b)| a - b).collect();
    let y = it.g.iter().zip(&buf.g).map(|(a, b)| a - b).collect();
    Ok(Ok((s, y, alpha)))
}

/// Evaluates f and ∇f at `it.x` (the start of every gradient method).
pub(crate) fn start_with_gradient(ev: &mut Evaluator<'_, '_>, it: &mut Iterate) -> Result<()> {
    it.g = vec![0.0; it.x.len()];
    it.f = ev.value_grad(&it.x, &mut it.g)?;
    Ok(())
}
