//! Jacobians of vector functions from values, and Hessians as the symmetrised Jacobian of a
//! user gradient.

use nalgebra::DMatrix;

use super::eval::{non_finite, pointwise};
use super::ladder::Order;
use super::{JacobianEstimate, NumDiff};
use crate::error::{Error, Result};

impl NumDiff {
    /// Jacobian of a vector function from values only (central differences with extrapolation per
    /// coordinate, one-sided where needed).
    pub fn jacobian<F: Fn(&[f64]) -> Vec<f64> + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<JacobianEstimate> {
        self.jacobian_batched(&pointwise(f), x)
    }

    /// [`NumDiff::jacobian`] for a black box that evaluates many points per call (every
    /// unfinished coordinate's next level per call; see [`NumDiff::hessian_batched`]). The
    /// numbers are the same as the point-wise path.
    pub fn jacobian_batched<B: Fn(&[Vec<f64>]) -> Vec<Vec<f64>> + ?Sized>(
        &self,
        f: &B,
        x: &[f64],
    ) -> Result<JacobianEstimate> {
        self.jacobian_of(f, x, "value")
    }

    /// The Jacobian of `f`, whose output is called `what` in errors.
    fn jacobian_of<B: Fn(&[Vec<f64>]) -> Vec<Vec<f64>> + ?Sized>(
        &self,
        f: &B,
        x: &[f64],
        what: &str,
    ) -> Result<JacobianEstimate> {
        self.check(x)?;
        let n = x.len();
        crate::limits::check_points(
            2 * n,
            n,
            &format!(
                "a numerical {} of {n} variables",
                if what == "gradient" {
                    "Hessian from gradients"
                } else {
                    "Jacobian"
                }
            ),
        )?;
        let batch = |p: &[Vec<f64>]| f(p);
        let ev = self.counted(&batch);
        let f0 = ev.eval(x)?.ok_or_else(|| non_finite(what, x))?;
        let m = f0.len();
        crate::limits::check_dense(m, n, "Jacobian")?;
        let mut jac = DMatrix::zeros(m, n);
        let mut err = DMatrix::zeros(m, n);
        let mut one_sided = vec![false; n];
        // Output lengths are checked as values arrive (Counted::eval_many).
        let lines = self.axis_lines(&ev, x, &f0, self.max_levels, Order::First)?;
        for (i, line) in lines.into_iter().enumerate() {
            for e in 0..m {
                let d = self.extrapolate_line(&line, &f0, e, Order::First);
                jac[(e, i)] = d.value;
                err[(e, i)] = d.error;
            }
            one_sided[i] = line.sigma != 0.0;
        }
        Ok(JacobianEstimate {
            values: f0,
            jacobian: jac,
            error: err,
            one_sided,
            evaluations: ev.count(),
        })
    }

    /// Hessian from a user gradient: the Jacobian of the gradient, symmetrised (H + Hᵀ)/2.
    /// `evaluations` counts gradient calls.
    pub fn hessian_from_gradient<G: Fn(&[f64]) -> Vec<f64> + ?Sized>(
        &self,
        g: &G,
        x: &[f64],
    ) -> Result<JacobianEstimate> {
        self.hessian_from_gradient_batched(&pointwise(g), x)
    }

    /// [`NumDiff::hessian_from_gradient`] for a gradient that evaluates many points per call.
    pub fn hessian_from_gradient_batched<B: Fn(&[Vec<f64>]) -> Vec<Vec<f64>> + ?Sized>(
        &self,
        g: &B,
        x: &[f64],
    ) -> Result<JacobianEstimate> {
        let mut j = self.jacobian_of(g, x, "gradient")?;
        Error::check_dim("gradient", x.len(), j.values.len())?;
        let sym = (&j.jacobian + j.jacobian.transpose()) * 0.5;
        let err = j.error.zip_map(&j.error.transpose(), f64::max)
            + (&j.jacobian - j.jacobian.transpose()).abs() * 0.5;
        j.jacobian = sym;
        j.error = err;
        Ok(j)
    }
}
