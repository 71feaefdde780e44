//! The Hessian from values: coordinate ladders for the diagonal and the gradient, then the cross
//! stencil per pair with the evaluations left, assembled with error estimates.

use nalgebra::DMatrix;

use super::eval::{non_finite_value, unit};
use super::ladder::{Line, Order};
use super::richardson::Extrapolated;
use super::{HessianEstimate, NumDiff};
use crate::error::Result;

/// The Hessian driver, once for the serial and once for the parallel path (`$iter` is `iter` or
/// `par_iter`): coordinate lines first, then the pairs with the evaluations left.
macro_rules! hessian_driver {
    ($self:ident, $f:ident, $x:ident, $iter:ident) => {{
        $self.check($x)?;
        let ev = $self.counted($f);
        let f0 = ev.eval($x).ok_or_else(|| non_finite_value($x))?;
        let n = $x.len();
        // Budget 4n² + 4n + 1: at least two levels (4 evaluations) per pair, n + 3 levels per
        // coordinate (at most `max_levels`).
        let levels = (n + 3).min($self.max_levels);
        let coords: Vec<usize> = (0..n).collect();
        let lines = coords
            .$iter()
            .map(|&i| {
                let line = $self.line(
                    &ev,
                    $x,
                    &f0,
                    &unit(n, i),
                    $self.scale($x, i),
                    levels,
                    Order::Second,
                )?;
                let d1 = $self.extrapolate_line(&line, &f0, 0, Order::First);
                let d2 = $self.extrapolate_line(&line, &f0, 0, Order::Second);
                Ok(((line, d2.row), (d1, d2)))
            })
            .collect::<Result<Vec<_>>>()?;
        let (lines, diag): (Vec<_>, Vec<_>) = lines.into_iter().unzip();
        let pairs: Vec<(usize, usize)> = (0..n).flat_map(|i| (0..i).map(move |j| (i, j))).collect();
        // Three levels per pair when the evaluations left allow it, else two.
        let left = (4 * n * n + 4 * n + 1).saturating_sub(ev.count());
        let pair_levels = if left >= 6 * pairs.len() { 3 } else { 2 };
        let cross = pairs
            .$iter()
            .map(|&(i, j)| $self.cross(&ev, $x, f0, (i, &lines[i]), (j, &lines[j]), pair_levels))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::assemble(
            f0,
            &lines,
            &diag,
            &pairs,
            &cross,
            ev.count(),
        ))
    }};
}

impl NumDiff {
    /// Hessian (and gradient) of `f` at `x` from at most 4n² + 4n + 1 values.
    pub fn hessian<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<HessianEstimate> {
        hessian_driver!(self, f, x, iter)
    }

    /// [`NumDiff::hessian`] with the coordinates, then the pairs, evaluated in parallel (rayon),
    /// for expensive functions. Gives the same numbers as the serial path.
    #[cfg(feature = "parallel")]
    pub fn hessian_parallel<F: Fn(&[f64]) -> f64 + Sync + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<HessianEstimate> {
        use rayon::prelude::*;
        hessian_driver!(self, f, x, par_iter)
    }

    /// Assembles the Hessian estimate from the coordinate lines and the pair values.
    fn assemble(
        f0: f64,
        lines: &[(Line<f64>, usize)],
        diag: &[(Extrapolated, Extrapolated)],
        pairs: &[(usize, usize)],
        cross: &[(f64, f64)],
        evaluations: usize,
    ) -> HessianEstimate {
        let n = lines.len();
        let mut out = HessianEstimate {
            value: f0,
            gradient: diag.iter().map(|(d1, _)| d1.value).collect(),
            gradient_error: diag.iter().map(|(d1, _)| d1.error).collect(),
            hessian: DMatrix::zeros(n, n),
            error: DMatrix::zeros(n, n),
            steps: lines.iter().map(|(l, row)| l.steps[*row]).collect(),
            one_sided: lines.iter().map(|(l, _)| l.sigma != 0.0).collect(),
            evaluations,
        };
        for (i, (_, d2)) in diag.iter().enumerate() {
            out.hessian[(i, i)] = d2.value;
            out.error[(i, i)] = d2.error;
        }
        for (&(i, j), &(v, e)) in pairs.iter().zip(cross) {
            out.hessian[(i, j)] = v;
            out.hessian[(j, i)] = v;
            out.error[(i, j)] = e;
            out.error[(j, i)] = e;
        }
        out
    }
}
