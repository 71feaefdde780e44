//! Gradients and directional derivatives from values only.

use super::eval::{non_finite_value, unit};
use super::ladder::Order;
use super::{GradientEstimate, NumDiff};
use crate::error::{Error, Result};

impl NumDiff {
    /// Gradient of `f` at `x` from values only.
    pub fn gradient<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<GradientEstimate> {
        self.check(x)?;
        let ev = self.counted(f);
        let f0 = ev.eval(x).ok_or_else(|| non_finite_value(x))?;
        let n = x.len();
        let mut out = GradientEstimate {
            value: f0,
            gradient: vec![0.0; n],
            error: vec![0.0; n],
            steps: vec![0.0; n],
            one_sided: vec![false; n],
            evaluations: 0,
        };
        for i in 0..n {
            let line = self.line(
                &ev,
                x,
                &f0,
                &unit(n, i),
                self.scale(x, i),
                self.max_levels,
                Order::First,
            )?;
            let d = self.extrapolate_line(&line, &f0, 0, Order::First);
            out.gradient[i] = d.value;
            out.error[i] = d.error;
            out.steps[i] = line.steps[d.row];
            out.one_sided[i] = line.sigma != 0.0;
        }
        out.evaluations = ev.count();
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
        let ev = self.counted(f);
        let f0 = ev.eval(x).ok_or_else(|| non_finite_value(x))?;
        let t = self.direction_scale(x, v);
        let line = self.line(&ev, x, &f0, v, t, self.max_levels, Order::First)?;
        let d = self.extrapolate_line(&line, &f0, 0, Order::First);
        Ok((d.value, d.error, ev.count()))
    }
}
