//! Exact sparse Hessians of formulas: the pattern from the tape, a star coloring, one
//! forward-over-reverse sweep carrying several directions at once, and direct recovery into a
//! compressed-column matrix.
//!
//! With p colors the Hessian costs one forward and one reverse sweep for the gradient, then
//! tangent and adjoint-tangent sweeps that carry up to `BLOCK` directions each (the tape's
//! instructions and local partials are read once per block, not once per direction). Every
//! entry is one entry of a Hessian-vector product: exact to rounding, like the dense Hessian.
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

use super::tape::{Op, Tape};
use super::{Formula, Workspace, check_finite};
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

/// A formula prepared for sparse Hessians: its pattern, a star coloring and the recovery map,
/// computed once and reused at every point.
#[derive(Debug, Clone)]
pub struct SparseHessian {
    formula: Formula,
    pattern: SparsityPattern,
    coloring: Coloring,
    /// Per stored entry: index into the compressed products (row · colors + color).
    sources: Vec<usize>,
}

/// Buffers of [`SparseHessian::evaluate`]; reused so that nothing is allocated per call.
#[derive(Debug, Clone, Default)]
pub struct SparseWorkspace {
    tape: Workspace,
    dot: Vec<f64>,
    adj_dot: Vec<f64>,
    /// The compressed products B = H·[d_0 … d_(p−1)], row-major n × p.
    compressed: Vec<f64>,
}

impl SparseHessian {
    /// Reads the pattern off the formula's tape and colors it.
    pub fn new(formula: Formula) -> Result<Self> {
        let pairs = formula.tape.hessian_pairs();
        let pattern = symmetric_pattern(formula.dim(), &pairs)?;
        let coloring = star_coloring(&pattern);
        let p = coloring.count();
        let sources = star_recovery(&pattern, &coloring)?
            .into_iter()
            .map(|(row, color, _)| row * p + color)
            .collect();
        Ok(SparseHessian {
            formula,
            pattern,
            coloring,
            sources,
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
        let tape = &self.formula.tape;
        let f = tape.gradient(x, &mut ws.tape, grad);
        let p = self.colors();
        ws.compressed.resize(n * p, 0.0);
        let mut first = 0;
        while first < p {
            let q = BLOCK.min(p - first);
            tape.hvp_block(self.coloring.colors(), first, q, ws, p);
            first += q;
        }
        for (v, &s) in values.iter_mut().zip(&self.sources) {
            *v = ws.compressed[s];
        }
        Ok(f)
    }

    /// Value, gradient and sparse Hessian at `x`, exact to rounding; an error when an entry is
    /// not finite.
    pub fn hessian(&self, x: &[f64]) -> Result<SparseDerivatives> {
        let mut grad = vec![0.0; self.formula.dim()];
        let mut values = vec![0.0; self.pattern.nnz()];
        let f = self.evaluate(x, &mut SparseWorkspace::default(), &mut grad, &mut values)?;
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

impl Tape {
    /// The products H·d_c for the colors c in `first..first + q` (d_c: ones on the variables of
    /// color c) into columns of `ws.compressed` (row-major n × `p`), after `gradient` filled the
    /// local partials and adjoints of `ws.tape`. One tangent and one adjoint-tangent sweep, each
    /// slot carrying q directions.
    fn hvp_block(
        &self,
        colors: &[usize],
        first: usize,
        q: usize,
        ws: &mut SparseWorkspace,
        p: usize,
    ) {
        let m = self.ops.len();
        ws.dot.resize(m * q, 0.0);
        ws.adj_dot.resize(m * q, 0.0);
        let (d, soft, adj) = (&ws.tape.d, &ws.tape.soft, &ws.tape.adj);
        // Tangent sweep: dot[i·q + t] = derivative of slot i along d_(first + t).
        let dot = &mut ws.dot;
        for (i, op) in self.ops.iter().enumerate() {
            let (done, rest) = dot.split_at_mut(i * q);
            let out = &mut rest[..q];
            let di = d[i];
            match *op {
                Op::Const(_) => out.fill(0.0),
                Op::Var(k) => {
                    out.fill(0.0);
                    if let Some(t) = colors[k].checked_sub(first).filter(|&t| t < q) {
                        out[t] = 1.0;
                    }
                }
                Op::Unary(_, a) | Op::PowConst(a, _) => {
                    for (o, &da) in out.iter_mut().zip(&done[a * q..a * q + q]) {
                        *o = di[0] * da;
                    }
                }
                Op::Binary(_, l, r) => {
                    let (dl, dr) = (&done[l * q..l * q + q], &done[r * q..r * q + q]);
                    for t in 0..q {
                        out[t] = di[0] * dl[t] + di[1] * dr[t];
                    }
                }
                Op::LogSumExp { start, len } => {
                    out.fill(0.0);
                    let args = &self.args[start..start + len];
                    for (&a, &s) in args.iter().zip(&soft[start..start + len]) {
                        for (o, &da) in out.iter_mut().zip(&done[a * q..a * q + q]) {
                            *o += s * da;
                        }
                    }
                }
            }
        }
        // Adjoint-tangent sweep.
        let (dot, adj_dot) = (&ws.dot, &mut ws.adj_dot);
        adj_dot.fill(0.0);
        for i in (0..m).rev() {
            let (below, rest) = adj_dot.split_at_mut(i * q);
            let ad = &rest[..q];
            let a_i = adj[i];
            if a_i == 0.0 && ad.iter().all(|&v| v == 0.0) {
                continue;
            }
            let di = d[i];
            match self.ops[i] {
                Op::Const(_) => {}
                Op::Var(k) => {
                    let row = &mut ws.compressed[k * p + first..k * p + first + q];
                    row.copy_from_slice(ad);
                }
                Op::Unary(_, a) | Op::PowConst(a, _) => {
                    let da = &dot[a * q..a * q + q];
                    let target = &mut below[a * q..a * q + q];
                    for t in 0..q {
                        target[t] += ad[t] * di[0] + a_i * di[2] * da[t];
                    }
                }
                Op::Binary(_, l, r) => {
                    let (dl, dr) = (&dot[l * q..l * q + q], &dot[r * q..r * q + q]);
                    for t in 0..q {
                        let (x, y) = (dl[t], dr[t]);
                        below[l * q + t] += ad[t] * di[0] + a_i * (di[2] * x + di[3] * y);
                        below[r * q + t] += ad[t] * di[1] + a_i * (di[3] * x + di[4] * y);
                    }
                }
                Op::LogSumExp { start, len } => {
                    let dot_i = &dot[i * q..i * q + q];
                    let args = &self.args[start..start + len];
                    for (&a, &s) in args.iter().zip(&soft[start..start + len]) {
                        for t in 0..q {
                            below[a * q + t] += ad[t] * s + a_i * s * (dot[a * q + t] - dot_i[t]);
                        }
                    }
                }
            }
        }
    }
}
