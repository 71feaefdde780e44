//! Sparse derivatives of black boxes given a pattern, with the same ladders, Richardson
//! extrapolation and error estimates as the dense ones.
//!
//! - [`NumDiff::sparse_jacobian`]: Curtis–Powell–Reid column groups; per group one extrapolated
//!   derivative of F along d = Σ_{j in group} s_j e_j (s_j the step scale of x_j), so the cost is
//!   that of one column per group instead of one per column.
//! - [`NumDiff::sparse_hessian_from_gradient`]: a star coloring of the symmetric pattern; per color
//!   one extrapolated derivative of ∇f along the color's scaled seed, entries recovered directly
//!   (both triangles from the same product entry: exactly symmetric).
//! - [`NumDiff::sparse_hessian`]: from values only: the coordinate ladders of the dense method
//!   (diagonal and gradient), then the cross stencil only for the pattern's off-diagonal pairs —
//!   O(n + nnz) evaluations instead of O(n²). Values alone cannot do better than n + 1: each
//!   evaluation is one number, the gradient alone has n.
//!
//! Each has a `_batched` form for black boxes that evaluate many points per call (the stencils
//! advance in rounds, [`super::lockstep`]); the numbers are the same as point-wise.
//!
//! ```
//! use hessopt::diff::{NumDiff, coloring::symmetric_pattern};
//! // Extended Rosenbrock's gradient, n = 6: 2 × 2 blocks, two colors.
//! let g = |x: &[f64]| {
//!     let mut g = vec![0.0; x.len()];
//!     for k in (0..x.len()).step_by(2) {
//!         let (a, b) = (x[k], x[k + 1]);
//!         g[k] = -400.0 * a * (b - a * a) - 2.0 * (1.0 - a);
//!         g[k + 1] = 200.0 * (b - a * a);
//!     }
//!     g
//! };
//! let blocks: Vec<(usize, usize)> = (0..3).flat_map(|k| [(2 * k, 2 * k), (2 * k + 1, 2 * k), (2 * k + 1, 2 * k + 1)]).collect();
//! let pattern = symmetric_pattern(6, &blocks)?;
//! let h = NumDiff::new().sparse_hessian_from_gradient(&g, &[-1.2, 1.0, -1.2, 1.0, -1.2, 1.0], &pattern)?;
//! assert_eq!(h.groups, 2);
//! assert!((h.jacobian.get_entry(1, 0).unwrap().into_value() - 480.0).abs() < 1e-8);
//! # Ok::<(), hessopt::Error>(())
//! ```

use nalgebra_sparse::CscMatrix;
use nalgebra_sparse::pattern::SparsityPattern;

use super::NumDiff;
use super::coloring::{Coloring, column_coloring, star_coloring, star_recovery};
use super::cross::CrossSampler;
use super::eval::{Counted, non_finite, non_finite_value, pointwise};
use super::ladder::{Dir, Line, LineSampler, Order};
use super::lockstep::run;
use crate::error::{Error, Result};

/// A sparse Jacobian (or a Hessian from a gradient) with error estimates on the same pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseJacobianEstimate {
    /// F(x), m values (the gradient for a Hessian from a gradient).
    pub values: Vec<f64>,
    /// The m × n matrix on the given pattern.
    pub jacobian: CscMatrix<f64>,
    /// Estimated absolute error of each stored entry, same pattern.
    pub error: CscMatrix<f64>,
    /// Column groups (Jacobian) or colors (Hessian): directional derivatives taken.
    pub groups: usize,
    /// Evaluations of F (or of the gradient).
    pub evaluations: usize,
}

/// A sparse Hessian from values, with the gradient that came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseHessianEstimate {
    /// f(x).
    pub value: f64,
    /// The gradient (from the same points).
    pub gradient: Vec<f64>,
    /// Estimated absolute error of each gradient entry.
    pub gradient_error: Vec<f64>,
    /// The Hessian on the given symmetric pattern, exactly symmetric.
    pub hessian: CscMatrix<f64>,
    /// Estimated absolute error of each stored entry, same pattern.
    pub error: CscMatrix<f64>,
    /// Function evaluations spent.
    pub evaluations: usize,
}

/// F(x), one line per color, and the step scale of each variable.
struct ColoredLines {
    f0: Vec<f64>,
    lines: Vec<Line<Vec<f64>>>,
    scale: Vec<f64>,
}

fn on_pattern(pattern: &SparsityPattern, values: Vec<f64>) -> Result<CscMatrix<f64>> {
    CscMatrix::try_from_pattern_and_values(pattern.clone(), values)
        .map_err(|e| Error::invalid("sparse matrix", e.to_string()))
}

fn check_square(pattern: &SparsityPattern, n: usize) -> Result<()> {
    Error::check_dim("pattern columns", n, pattern.major_dim())?;
    Error::check_dim("pattern rows", n, pattern.minor_dim())
}

/// A batch black box of vector values.
type VectorBatch<'a> = dyn Fn(&[Vec<f64>]) -> Vec<Vec<f64>> + 'a;

impl NumDiff {
    /// One extrapolated line per color of `coloring` along the color's seed scaled by the
    /// variables' step scales (all colors advance in the same rounds). The function's output is
    /// called `what` in errors.
    fn colored_lines(
        &self,
        ev: &Counted<'_, Vec<f64>>,
        x: &[f64],
        coloring: &Coloring,
        m: usize,
        what: &str,
    ) -> Result<ColoredLines> {
        let f0 = ev.eval(x)?.ok_or_else(|| non_finite(what, x))?;
        Error::check_dim("function output", m, f0.len())?;
        let scale: Vec<f64> = (0..x.len()).map(|i| self.scale(x, i)).collect();
        let seeds: Vec<Vec<f64>> = (0..coloring.count())
            .map(|c| coloring.seed(c, &scale))
            .collect();
        let mut ladders: Vec<_> = seeds
            .iter()
            .map(|d| {
                LineSampler::new(
                    self,
                    x,
                    &f0,
                    Dir::Vector(d),
                    1.0,
                    self.max_levels,
                    Order::First,
                )
            })
            .collect();
        run(self, ev, &mut ladders)?;
        let lines = ladders
            .into_iter()
            .map(LineSampler::finish)
            .collect::<Result<Vec<_>>>()?;
        Ok(ColoredLines { f0, lines, scale })
    }

    /// Jacobian of F: Rⁿ → Rᵐ on a known m × n pattern (compressed columns), by Curtis–Powell–Reid
    /// column groups: one extrapolated directional derivative per group.
    pub fn sparse_jacobian<F: Fn(&[f64]) -> Vec<f64> + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
        pattern: &SparsityPattern,
    ) -> Result<SparseJacobianEstimate> {
        self.sparse_jacobian_batched(&pointwise(f), x, pattern)
    }

    /// [`NumDiff::sparse_jacobian`] for a black box that evaluates a batch of points per call.
    pub fn sparse_jacobian_batched<B: Fn(&[Vec<f64>]) -> Vec<Vec<f64>> + ?Sized>(
        &self,
        f: &B,
        x: &[f64],
        pattern: &SparsityPattern,
    ) -> Result<SparseJacobianEstimate> {
        self.check(x)?;
        Error::check_dim("pattern columns", x.len(), pattern.major_dim())?;
        let coloring = column_coloring(pattern);
        let batch: &VectorBatch<'_> = &|p: &[Vec<f64>]| f(p);
        let ev = self.counted(batch);
        let ColoredLines { f0, lines, scale } =
            self.colored_lines(&ev, x, &coloring, pattern.minor_dim(), "value")?;
        let (mut values, mut errors) = (Vec::new(), Vec::new());
        for j in 0..x.len() {
            let line = &lines[coloring.colors()[j]];
            for &i in pattern.lane(j) {
                let d = self.extrapolate_line(line, &f0, i, Order::First);
                values.push(d.value / scale[j]);
                errors.push(d.error / scale[j]);
            }
        }
        Ok(SparseJacobianEstimate {
            values: f0,
            jacobian: on_pattern(pattern, values)?,
            error: on_pattern(pattern, errors)?,
            groups: coloring.count(),
            evaluations: ev.count(),
        })
    }

    /// Hessian from a user gradient on a known symmetric pattern, by a star coloring: one
    /// extrapolated derivative of ∇f per color. `evaluations` counts gradient calls.
    pub fn sparse_hessian_from_gradient<G: Fn(&[f64]) -> Vec<f64> + ?Sized>(
        &self,
        g: &G,
        x: &[f64],
        pattern: &SparsityPattern,
    ) -> Result<SparseJacobianEstimate> {
        self.sparse_hessian_from_gradient_batched(&pointwise(g), x, pattern)
    }

    /// [`NumDiff::sparse_hessian_from_gradient`] for a gradient that evaluates a batch of points
    /// per call.
    pub fn sparse_hessian_from_gradient_batched<B: Fn(&[Vec<f64>]) -> Vec<Vec<f64>> + ?Sized>(
        &self,
        g: &B,
        x: &[f64],
        pattern: &SparsityPattern,
    ) -> Result<SparseJacobianEstimate> {
        self.check(x)?;
        check_square(pattern, x.len())?;
        let coloring = star_coloring(pattern);
        let sources = star_recovery(pattern, &coloring)?;
        let batch: &VectorBatch<'_> = &|p: &[Vec<f64>]| g(p);
        let ev = self.counted(batch);
        let ColoredLines {
            f0: g0,
            lines,
            scale,
        } = self.colored_lines(&ev, x, &coloring, x.len(), "gradient")?;
        let (values, errors) = sources
            .iter()
            .map(|&(row, color, col)| {
                let d = self.extrapolate_line(&lines[color], &g0, row, Order::First);
                (d.value / scale[col], d.error / scale[col])
            })
            .unzip();
        Ok(SparseJacobianEstimate {
            values: g0,
            jacobian: on_pattern(pattern, values)?,
            error: on_pattern(pattern, errors)?,
            groups: coloring.count(),
            evaluations: ev.count(),
        })
    }

    /// Hessian (and gradient) of `f` from values on a known symmetric pattern: coordinate ladders
    /// for the diagonal and the gradient, the cross stencil (three levels) for each off-diagonal
    /// pair of the pattern only.
    pub fn sparse_hessian<F: Fn(&[f64]) -> f64 + ?Sized>(
        &self,
        f: &F,
        x: &[f64],
        pattern: &SparsityPattern,
    ) -> Result<SparseHessianEstimate> {
        self.sparse_hessian_batched(&pointwise(f), x, pattern)
    }

    /// [`NumDiff::sparse_hessian`] for a black box that evaluates a batch of points per call.
    pub fn sparse_hessian_batched<B: Fn(&[Vec<f64>]) -> Vec<f64> + ?Sized>(
        &self,
        f: &B,
        x: &[f64],
        pattern: &SparsityPattern,
    ) -> Result<SparseHessianEstimate> {
        self.check(x)?;
        let n = x.len();
        check_square(pattern, n)?;
        let batch = |p: &[Vec<f64>]| f(p);
        let ev = self.counted(&batch);
        let f0 = ev.eval(x)?.ok_or_else(|| non_finite_value(x))?;
        let (lines, diag) = self.diagonal_lines(&ev, x, &f0, self.max_levels)?;
        // The pattern's lower-triangle pairs (i > j); each upper entry reads its mirror.
        let pairs: Vec<(usize, usize)> = (0..n)
            .flat_map(|j| {
                pattern
                    .lane(j)
                    .iter()
                    .filter(move |&&i| i > j)
                    .map(move |&i| (i, j))
            })
            .collect();
        let mut crosses: Vec<_> = pairs
            .iter()
            .map(|&(i, j)| CrossSampler::new(x, f0, (i, &lines[i]), (j, &lines[j]), 3))
            .collect();
        run(self, &ev, &mut crosses)?;
        let cross: std::collections::HashMap<(usize, usize), (f64, f64)> = pairs
            .into_iter()
            .zip(crosses.into_iter().map(CrossSampler::finish))
            .map(|(p, c)| c.map(|c| (p, c)))
            .collect::<Result<_>>()?;
        let (mut values, mut errors) = (Vec::new(), Vec::new());
        for j in 0..n {
            for &i in pattern.lane(j) {
                let (v, e) = if i == j {
                    (diag[i].1.value, diag[i].1.error)
                } else {
                    cross
                        .get(&(i.max(j), i.min(j)))
                        .copied()
                        .ok_or_else(|| Error::invalid("pattern", "not symmetric"))?
                };
                values.push(v);
                errors.push(e);
            }
        }
        Ok(SparseHessianEstimate {
            value: f0,
            gradient: diag.iter().map(|d| d.0.value).collect(),
            gradient_error: diag.iter().map(|d| d.0.error).collect(),
            hessian: on_pattern(pattern, values)?,
            error: on_pattern(pattern, errors)?,
            evaluations: ev.count(),
        })
    }
}
