//! The Hessian from values: coordinate ladders for the diagonal and the gradient, then the cross
//! stencil per pair with the evaluations left, assembled with error estimates.

use nalgebra::DMatrix;

use super::cross::CrossSampler;
use super::eval::{non_finite_value, pointwise};
use super::ladder::Line;
use super::lockstep::run;
use super::richardson::Extrapolated;
use super::{HessianEstimate, NumDiff};
use crate::error::Result;

impl NumDiff {
    /// Hessian (and gradient) of `f` at `x` from at most 4n² + 4n + 1 values while no ladder
    /// moves, 4n² + 4n + 1 + 2n·min(n + 3, max_levels) in all (see the [module
    /// documentation](super)).
    pub fn hessian<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
    ) -> Result<HessianEstimate> {
        self.hessian_batched(&pointwise(f), x)
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
        self.hessian_batched(
            &|points: &[Vec<f64>]| points.par_iter().map(|p| f(p)).collect(),
            x,
        )
    }

    /// [`NumDiff::hessian`] for a black box that evaluates many points per call: `f` gets the
    /// stencil points of a round (every unfinished coordinate's next level, then every pair's)
    /// and returns their values in order. A vectorized function, a thread pool or a cluster
    /// gets about 2·levels + 3 calls per Hessian instead of one per point; the numbers are the
    /// same as the point-wise path.
    ///
    /// ```
    /// use hessopt::diff::NumDiff;
    /// let f = |x: &[f64]| x[0].powi(2) * x[1] + x[1].exp();
    /// let calls = std::cell::Cell::new(0);
    /// let batch = |points: &[Vec<f64>]| {
    ///     calls.set(calls.get() + 1);
    ///     points.iter().map(|p| f(p)).collect()
    /// };
    /// let a = NumDiff::new().hessian_batched(&batch, &[1.0, 0.5])?;
    /// assert_eq!(a, NumDiff::new().hessian(&f, &[1.0, 0.5])?);
    /// assert!(calls.get() < a.evaluations / 2); // 6 calls carry 17 points here
    /// # Ok::<(), hessopt::Error>(())
    /// ```
    pub fn hessian_batched<B: Fn(&[Vec<f64>]) -> Vec<f64> + ?Sized>(
        &self,
        f: &B,
        x: &[f64],
    ) -> Result<HessianEstimate> {
        self.check(x)?;
        crate::limits::check_dense(x.len(), x.len(), "Hessian")?;
        let batch = |p: &[Vec<f64>]| f(p);
        let ev = self.counted(&batch);
        let f0 = ev.eval(x)?.ok_or_else(|| non_finite_value(x))?;
        let n = x.len();
        // Budget 4n² + 4n + 1: at least two levels (4 evaluations) per pair, n + 3 levels per
        // coordinate (at most `max_levels`); ladders that move take up to as many again.
        let levels = (n + 3).min(self.max_levels);
        let (lines, diag) = self.diagonal_lines(&ev, x, &f0, levels)?;
        let pairs: Vec<(usize, usize)> = (0..n).flat_map(|i| (0..i).map(move |j| (i, j))).collect();
        // Up to three levels per pair when the evaluations left allow it, else two; a pair stops
        // at two once they agree to rounding (CrossSampler).
        let left = (4 * n * n + 4 * n + 1).saturating_sub(ev.count());
        let pair_levels = if left >= 6 * pairs.len() { 3 } else { 2 };
        let mut crosses: Vec<_> = pairs
            .iter()
            .map(|&(i, j)| CrossSampler::new(x, f0, (i, &lines[i]), (j, &lines[j]), pair_levels))
            .collect();
        run(self, &ev, &mut crosses)?;
        let cross = crosses
            .into_iter()
            .map(CrossSampler::finish)
            .collect::<Result<Vec<_>>>()?;
        Ok(Self::assemble(
            f0,
            &lines,
            &diag,
            &pairs,
            &cross,
            ev.count(),
        ))
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
