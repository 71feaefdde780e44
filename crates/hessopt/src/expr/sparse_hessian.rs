//! Exact sparse Hessians of formulas: the pattern from the tape, a star coloring, one
//! forward-over-reverse sweep carrying several directions at once, and direct recovery into the
//! values of a compressed-column matrix.
//!
//! With p colors the Hessian costs one forward and one reverse sweep per block of up to `BLOCK`
//! colors: the forward sweep carries the values, local partials and the block's tangents, the
//! reverse sweep the adjoints (the gradient) and adjoint-tangents, each direction a lane of a
//! fixed-width array per slot (the instructions are read once per block, not once per
//! direction, and the lanes are unrolled multiply-adds). The sweeps run on the tape compiled once
//! by [`SparseHessian::new`] (leaves folded into operands, linear instructions and squares
//! specialized), and each stored entry is read from the sweep's lanes through a precomputed
//! index, so a prepared plan with a reused [`SparseWorkspace`] allocates nothing per point. Every
//! entry is one entry of a Hessian-vector product: exact to rounding, like the dense Hessian
//! (values and gradients are the dense path's to the bit).
//!
//! ```
//! use hessopt::Formula;
//! use hessopt::expr::SparseHessian;
//! let f = Formula::parse_with_vars(
//!     "100*(x2 - x1^2)^2 + (1 - x1)^2 + 100*(x4 - x3^2)^2 + (1 - x3)^2",
//!     &["x1", "x2", "x3", "x4"],
//! )?;
//! let plan = SparseHessian::new(f)?;
//! assert_eq!(plan.colors(), 2); // two 2 × 2 blocks: two products instead of four
//! let d = plan.hessian(&[1.0, 1.0, 1.0, 1.0])?;
//! assert_eq!(d.hessian.nnz(), 8);
//! assert_eq!(d.hessian.get_entry(1, 0).unwrap().into_value(), -400.0);
//! # Ok::<(), hessopt::Error>(())
//! ```

use nalgebra_sparse::CscMatrix;
use nalgebra_sparse::pattern::SparsityPattern;

use super::program::{Lanes, Program};
use super::{Formula, check_finite};
use crate::diff::coloring::{Coloring, star_coloring, star_recovery, symmetric_pattern};
use crate::error::{Error, Result};

/// Directions carried by one tangent sweep.
const BLOCK: usize = 8;

/// Value, gradient and sparse Hessian at one point.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseDerivatives {
    /// f(x).
    pub value: f64,
    /// ∇f(x).
    pub gradient: Vec<f64>,
    /// ∇²f(x) in compressed-column form, both triangles stored, exactly symmetric.
    pub hessian: CscMatrix<f64>,
}

/// A formula prepared for sparse Hessians: its pattern, a star coloring, the tape compiled for
/// lane sweeps and the recovery map, computed once and reused at every point.
#[derive(Debug, Clone)]
pub struct SparseHessian {
    formula: Formula,
    pattern: SparsityPattern,
    coloring: Coloring,
    program: Program,
    blocks: Vec<Block>,
}

/// The colors `first..first + q` swept together as the first q of `width` lanes, and where the
/// stored entries they recover are read: (entry, index into the lanes of the reverse sweep).
#[derive(Debug, Clone)]
struct Block {
    first: usize,
    q: usize,
    width: usize,
    gather: Vec<(usize, usize)>,
}

/// Buffers of [`SparseHessian::evaluate`]; reused so that nothing is allocated per call.
#[derive(Debug, Clone, Default)]
pub struct SparseWorkspace {
    lanes: Lanes,
}

impl SparseHessian {
    /// Reads the pattern off the formula's tape, colors it and compiles the tape.
    pub fn new(formula: Formula) -> Result<Self> {
        let pairs = formula.tape.hessian_pairs();
        let pattern = symmetric_pattern(formula.dim(), &pairs)?;
        let coloring = star_coloring(&pattern);
        let p = coloring.count();
        // Blocks of up to BLOCK colors (one block with no lane when there is no color), each
        // swept with the narrowest lane width that holds it.
        let mut blocks: Vec<Block> = (0..p.max(1))
            .step_by(BLOCK)
            .map(|first| {
                let q = BLOCK.min(p - first.min(p));
                let width = if q <= 4 { q.max(1) } else { BLOCK };
                Block {
                    first,
                    q,
                    width,
                    gather: Vec::new(),
                }
            })
            .collect();
        for (entry, (row, color, _)) in star_recovery(&pattern, &coloring)?.into_iter().enumerate()
        {
            let block = &mut blocks[color / BLOCK];
            let t = color - block.first;
            block.gather.push((entry, row * block.width + t));
        }
        Ok(SparseHessian {
            program: Program::new(&formula.tape),
            formula,
            pattern,
            coloring,
            blocks,
        })
    }

    /// The formula.
    pub fn formula(&self) -> &Formula {
        &self.formula
    }

    /// The symmetric sparsity pattern (both triangles; the diagonal where it may be nonzero).
    pub fn pattern(&self) -> &SparsityPattern {
        &self.pattern
    }

    /// The star coloring of the pattern.
    pub fn coloring(&self) -> &Coloring {
        &self.coloring
    }

    /// Number of colors: Hessian-vector products per Hessian.
    pub fn colors(&self) -> usize {
        self.coloring.count()
    }

    /// Value and gradient into `grad`, and the Hessian's stored entries into `values` (in the
    /// order of [`SparseHessian::pattern`]); no allocation once `ws` has been used. Non-finite
    /// results are returned as they are.
    pub fn evaluate(
        &self,
        x: &[f64],
        ws: &mut SparseWorkspace,
        grad: &mut [f64],
        values: &mut [f64],
    ) -> Result<f64> {
        let n = self.formula.dim();
        Error::check_dim("point", n, x.len())?;
        Error::check_dim("gradient buffer", n, grad.len())?;
        Error::check_dim("Hessian values buffer", self.pattern.nnz(), values.len())?;
        let colors = self.coloring.colors();
        let ws = &mut ws.lanes;
        let mut f = f64::NAN;
        // The first block's sweeps also compute f, the local partials and the gradient; the
        // directions are lanes of fixed width (unrolled multiply-adds).
        for (b, block) in self.blocks.iter().enumerate() {
            let lane_of = |k: usize| colors[k].checked_sub(block.first).filter(|&t| t < block.q);
            let at = (b == 0).then_some(x);
            let g = (b == 0).then_some(&mut *grad);
            let prog = &self.program;
            let value = match block.width {
                1 => prog.sweep::<1>(at, lane_of, ws, g),
                2 => prog.sweep::<2>(at, lane_of, ws, g),
                3 => prog.sweep::<3>(at, lane_of, ws, g),
                4 => prog.sweep::<4>(at, lane_of, ws, g),
                _ => prog.sweep::<BLOCK>(at, lane_of, ws, g),
            };
            if b == 0 {
                f = value;
            }
            for &(entry, source) in &block.gather {
                values[entry] = ws.adj_dot[source];
            }
        }
        Ok(f)
    }

    /// Value, gradient and sparse Hessian at `x`, exact to rounding; an error when an entry is
    /// not finite.
    pub fn hessian(&self, x: &[f64]) -> Result<SparseDerivatives> {
        self.hessian_with(x, &mut SparseWorkspace::default())
    }

    /// [`SparseHessian::hessian`] with the sweeps' buffers in `ws`, reused from call to call.
    pub fn hessian_with(&self, x: &[f64], ws: &mut SparseWorkspace) -> Result<SparseDerivatives> {
        let mut grad = vec![0.0; self.formula.dim()];
        let mut values = vec![0.0; self.pattern.nnz()];
        let f = self.evaluate(x, ws, &mut grad, &mut values)?;
        check_finite("value", &[f], x)?;
        check_finite("gradient", &grad, x)?;
        check_finite("Hessian", &values, x)?;
        let hessian = CscMatrix::try_from_pattern_and_values(self.pattern.clone(), values)
            .map_err(|e| Error::invalid("sparse Hessian", e.to_string()))?;
        Ok(SparseDerivatives {
            value: f,
            gradient: grad,
            hessian,
        })
    }
}

impl Formula {
    /// Value, gradient and sparse Hessian (see [`SparseHessian`]; build one to reuse the pattern
    /// and coloring across points).
    pub fn sparse_hessian(&self, x: &[f64]) -> Result<SparseDerivatives> {
        SparseHessian::new(self.clone())?.hessian(x)
    }

    /// The Hessian's symmetric sparsity pattern as read off the tape.
    pub fn hessian_sparsity(&self) -> Result<SparsityPattern> {
        symmetric_pattern(self.dim(), &self.tape.hessian_pairs())
    }
}
