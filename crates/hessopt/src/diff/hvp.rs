//! Hessian-vector products from values (nested extrapolation) or from a user gradient.

use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

use super::NumDiff;
use super::eval::{non_finite, pointwise};
use super::ladder::{Dir, Order};
use crate::error::{Error, Result};

impl NumDiff {
    /// Hessian-vector product H·v from values only: the derivative along v of this engine's
    /// numerical gradient (nested extrapolation: accurate, but O(n) gradient estimates per
    /// product — with a gradient at hand use [`NumDiff::hvp_from_gradient`]). Returns (H·v, error
    /// estimate, function evaluations).
    pub fn hvp<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
        v: &[f64],
    ) -> Result<(Vec<f64>, Vec<f64>, usize)> {
        let used = AtomicUsize::new(0);
        let g = |p: &[f64]| match self.gradient(f, p) {
            Ok(e) => {
                used.fetch_add(e.evaluations, AtomicOrdering::Relaxed);
                e.gradient
            }
            Err(_) => vec![f64::NAN; p.len()],
        };
        let (hv, err, _) = self.hvp_from_gradient(&g, x, v)?;
        Ok((hv, err, used.load(AtomicOrdering::Relaxed)))
    }

    /// Hessian-vector product H·v from a user gradient: the derivative of ∇f along v.
    pub fn hvp_from_gradient<G: Fn(&[f64]) -> Vec<f64> + ?Sized>(
        &self,
        g: &G,
        x: &[f64],
        v: &[f64],
    ) -> Result<(Vec<f64>, Vec<f64>, usize)> {
        self.check(x)?;
        Error::check_dim("direction", x.len(), v.len())?;
        if let Some(i) = v.iter().position(|d| !d.is_finite()) {
            return Err(Error::invalid(
                "direction",
                format!("v[{i}] = {} is not finite", v[i]),
            ));
        }
        let batch = pointwise(g);
        let ev = self.counted(&batch);
        let g0 = ev.eval(x)?.ok_or_else(|| non_finite("gradient", x))?;
        let t = self.direction_scale(x, v);
        if !t.is_finite() {
            return Ok((vec![0.0; g0.len()], vec![0.0; g0.len()], ev.count()));
        }
        let line = self.line(
            &ev,
            x,
            &g0,
            Dir::Vector(v),
            t,
            self.max_levels,
            Order::First,
        )?;
        let (hv, err) = (0..g0.len())
            .map(|e| {
                let d = self.extrapolate_line(&line, &g0, e, Order::First);
                (d.value, d.error)
            })
            .unzip();
        Ok((hv, err, ev.count()))
    }
}
