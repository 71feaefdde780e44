//! Gradients and directional derivatives from values only.

use super::eval::{non_finite_value, pointwise};
use super::ladder::{Dir, Order};
use super::{GradientEstimate, NumDiff};
use crate::error::{Error, Result};

impl NumDiff {
    /// Gradient of `f` at `x` from values only.
    pub fn gradient<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<GradientEstimate> {
        self.gradient_batched(&pointwise(f), x)
    }

    /// [`NumDiff::gradient`] for a black box that evaluates many points per call (every
    /// unfinished coordinate's next level per call; see [`NumDiff::hessian_batched`]). The
    /// numbers are the same as the point-wise path.
    pub fn gradient_batched<B: Fn(&[Vec<f64>]) -> Vec<f64> + ?Sized>(
        &self,
        f: &B,
        x: &[f64],
    ) -> Result<GradientEstimate> {
        self.check(x)?;
        let n = x.len();
        crate::limits::check_points(2 * n, n, &format!("a numerical gradient of {n} variables"))?;
        let batch = |p: &[Vec<f64>]| f(p);
        let ev = self.counted(&batch);
        let f0 = ev.eval(x)?.ok_or_else(|| non_finite_value(x))?;
        let lines = self.axis_lines(&ev, x, &f0, self.max_levels, Order::First)?;
        let mut out = GradientEstimate {
            value: f0,
            gradient: vec![0.0; n],
            error: vec![0.0; n],
            steps: vec![0.0; n],
            one_sided: vec![false; n],
            evaluations: ev.count(),
        };
        for (i, line) in lines.into_iter().enumerate() {
            let d = self.extrapolate_line(&line, &f0, 0, Order::First);
            out.gradient[i] = d.value;
            out.error[i] = d.error;
            out.steps[i] = line.steps[d.row];
            out.one_sided[i] = line.sigma != 0.0;
        }
        Ok(out)
    }

    /// Derivative of `f` along `v` at `x` (v need not be a unit vector).
    pub fn directional_derivative<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
        v: &[f64],
    ) -> Result<(f64, f64, usize)> {
        self.check(x)?;
        Error::check_dim("direction", x.len(), v.len())?;
        let batch = pointwise(f);
        let ev = self.counted(&batch);
        let f0 = ev.eval(x)?.ok_or_else(|| non_finite_value(x))?;
        let t = self.direction_scale(x, v);
        let line = self.line(
            &ev,
            x,
            &f0,
            Dir::Vector(v),
            t,
            self.max_levels,
            Order::First,
        )?;
        let d = self.extrapolate_line(&line, &f0, 0, Order::First);
        Ok((d.value, d.error, ev.count()))
    }
}
