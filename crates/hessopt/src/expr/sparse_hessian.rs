//! Exact sparse Hessians of formulas: the pattern from the tape, a star coloring, one
//! forward-over-reverse sweep carrying several directions at once, and direct recovery into a
//! compressed-column matrix.
//!
//! With p colors the Hessian costs one forward and one reverse sweep per block of up to `BLOCK`
//! colors: the forward sweep carries the values, local partials and the block's tangents, the
//! reverse sweep the adjoints (the gradient) and adjoint-tangents, each direction a lane of a
//! fixed-width array per slot (the tape's instructions are read once per block, not once per
//! direction, and the lanes are unrolled multiply-adds). Every
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
        let p = self.colors();
        ws.compressed.resize(n * p, 0.0);
        ws.tape.fit(tape);
        let colors = self.coloring.colors();
        let mut f = f64::NAN;
        let mut first = 0;
        // The first block's sweeps also compute f, the local partials and the gradient; the
        // directions are lanes of fixed width (unrolled, vectorized multiply-adds).
        loop {
            let q = BLOCK.min(p - first);
            let at = (first == 0).then_some(x);
            let g = (first == 0).then_some(&mut *grad);
            let value = match q {
                0 | 1 => tape.sweep::<1>(at, colors, first, q, ws, p, g),
                2 => tape.sweep::<2>(at, colors, first, q, ws, p, g),
                3 => tape.sweep::<3>(at, colors, first, q, ws, p, g),
                4 => tape.sweep::<4>(at, colors, first, q, ws, p, g),
                _ => tape.sweep::<BLOCK>(at, colors, first, q, ws, p, g),
            };
            if first == 0 {
                f = value;
            }
            first += q;
            if first >= p {
                break;
            }
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
    /// One forward and one reverse sweep carrying the directions d_c of the colors c in
    /// `first..first + q` (d_c: ones on the variables of color c) as the first q of `Q` lanes
    /// per slot; the products H·d_c go into columns of `ws.compressed` (row-major n × `p`).
    /// With `x` the forward sweep also evaluates the slots and their local partials, and with
    /// `grad` the reverse sweep also carries the adjoints and writes ∇f (each slot's adjoint is
    /// complete when the reverse sweep reaches it); otherwise both come from an earlier sweep at
    /// the same point. Returns f.
    #[allow(clippy::too_many_arguments)]
    fn sweep<const Q: usize>(
        &self,
        x: Option<&[f64]>,
        colors: &[usize],
        first: usize,
        q: usize,
        ws: &mut SparseWorkspace,
        p: usize,
        mut grad: Option<&mut [f64]>,
    ) -> f64 {
        let m = self.ops.len();
        ws.dot.resize(m * Q, 0.0);
        ws.adj_dot.resize(m * Q, 0.0);
        let SparseWorkspace {
            tape: tw,
            dot,
            adj_dot,
            compressed,
        } = ws;
        let lane = |v: &[f64], i: usize| -> [f64; Q] {
            <[f64; Q]>::try_from(&v[i * Q..i * Q + Q]).expect("Q lanes")
        };
        // Tangent sweep: dot[i·Q + t] = derivative of slot i along d_(first + t).
        for (i, op) in self.ops.iter().enumerate() {
            if let Some(x) = x {
                let (v, d) = self.partials(op, &tw.val, &mut tw.soft, x);
                tw.val[i] = v;
                tw.d[i] = d;
            }
            let di = tw.d[i];
            let out: [f64; Q] = match *op {
                Op::Const(_) => [0.0; Q],
                Op::Var(k) => {
                    let mut o = [0.0; Q];
                    if let Some(t) = colors[k].checked_sub(first).filter(|&t| t < q) {
                        o[t] = 1.0;
                    }
                    o
                }
                Op::Unary(_, a) | Op::PowConst(a, _) => {
                    let da = lane(dot, a);
                    std::array::from_fn(|t| di[0] * da[t])
                }
                Op::Binary(_, l, r) => {
                    let (dl, dr) = (lane(dot, l), lane(dot, r));
                    std::array::from_fn(|t| di[0] * dl[t] + di[1] * dr[t])
                }
                Op::LogSumExp { start, len } => {
                    let mut o = [0.0; Q];
                    let args = &self.args[start..start + len];
                    for (&a, &s) in args.iter().zip(&tw.soft[start..start + len]) {
                        let da = lane(dot, a);
                        for t in 0..Q {
                            o[t] += s * da[t];
                        }
                    }
                    o
                }
            };
            dot[i * Q..i * Q + Q].copy_from_slice(&out);
        }
        // Adjoint-tangent sweep (and the adjoints themselves with `grad`).
        adj_dot.fill(0.0);
        if let Some(g) = grad.as_deref_mut() {
            tw.adj.fill(0.0);
            tw.adj[m - 1] = 1.0;
            g.fill(0.0);
        }
        for i in (0..m).rev() {
            let a_i = tw.adj[i];
            let ad = lane(adj_dot, i);
            if a_i == 0.0 && ad.iter().all(|&v| v == 0.0) {
                continue;
            }
            if let (Some(g), true) = (grad.as_deref_mut(), a_i != 0.0) {
                self.push_adjoint(i, a_i, tw, g);
            }
            let di = tw.d[i];
            match self.ops[i] {
                Op::Const(_) => {}
                Op::Var(k) => {
                    compressed[k * p + first..k * p + first + q].copy_from_slice(&ad[..q]);
                }
                Op::Unary(_, a) | Op::PowConst(a, _) => {
                    let da = lane(dot, a);
                    let target = &mut adj_dot[a * Q..a * Q + Q];
                    for t in 0..Q {
                        target[t] += ad[t] * di[0] + a_i * di[2] * da[t];
                    }
                }
                Op::Binary(_, l, r) => {
                    let (dl, dr) = (lane(dot, l), lane(dot, r));
                    for t in 0..Q {
                        adj_dot[l * Q + t] += ad[t] * di[0] + a_i * (di[2] * dl[t] + di[3] * dr[t]);
                        adj_dot[r * Q + t] += ad[t] * di[1] + a_i * (di[3] * dl[t] + di[4] * dr[t]);
                    }
                }
                Op::LogSumExp { start, len } => {
                    let dot_i = lane(dot, i);
                    let args = &self.args[start..start + len];
                    for (&a, &s) in args.iter().zip(&tw.soft[start..start + len]) {
                        let da = lane(dot, a);
                        for t in 0..Q {
                            adj_dot[a * Q + t] += ad[t] * s + a_i * s * (da[t] - dot_i[t]);
                        }
                    }
                }
            }
        }
        tw.val[m - 1]
    }
}
